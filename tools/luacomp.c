/*
 * luacomp.c -- compile a Lua file to bytecode, keeping its debug information.
 *
 *   build/luacomp FILE.lua OUT
 *
 * What `luac -o OUT FILE.lua` does, for tools/embed.sh: the nnlab program
 * loads its library as bytecode, which starts several times faster than
 * compiling the sources.  It is built against the liblua the program links
 * (bytecode is only good for the Lua that wrote it), so no luac is needed.
 * Nothing is stripped: the chunk is named "@FILE.lua", as the sources are
 * when loaded, and error messages and tracebacks keep their file:line.
 * On an error (a syntax error in FILE.lua) prints it and leaves no OUT.
 */
#include <stdio.h>

#include <lua.h>
#include <lauxlib.h>

static const char *progname = "luacomp";

static int writer(lua_State *L, const void *p, size_t size, void *f) {
  (void)L;
  return fwrite(p, 1, size, (FILE *)f) != size;
}

int main(int argc, char **argv) {
  lua_State *L;
  FILE *out;
  int failed;
  if (argc != 3) {
    fprintf(stderr, "usage: %s FILE.lua OUT\n", progname);
    return 2;
  }
  L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create a Lua state: not enough memory\n", progname);
    return 1;
  }
  if (luaL_loadfilex(L, argv[1], "t") != LUA_OK) {
    fprintf(stderr, "%s: %s\n", progname, lua_tostring(L, -1));
    lua_close(L);
    return 1;
  }
  out = fopen(argv[2], "wb");
  if (out == NULL) {
    perror(argv[2]);
    lua_close(L);
    return 1;
  }
  failed = lua_dump(L, writer, out, 0) != 0;  /* 0: not stripped */
  failed |= ferror(out);
  failed |= fclose(out) != 0;
  lua_close(L);
  if (failed) {
    fprintf(stderr, "%s: cannot write %s\n", progname, argv[2]);
    remove(argv[2]);
    return 1;
  }
  return 0;
}
