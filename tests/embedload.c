/*
 * embedload.c -- the embedded library's bytecode held against its sources
 * (run by tests/embedded_spec.lua).
 *
 * For every module of build/embedded.o: a module under lua/ has bytecode,
 * and it is what embedded_load (src/host/embedded.h: how the program, the
 * grader's sandbox and the test hosts load the library) takes: with the
 * source replaced by text that does not compile, the module still loads,
 * under its chunk name.  The bytecode is the source
 * compiled under the same chunk name, debug information and all: the dump
 * of the compiled source is the same bytes (so it is neither stripped nor
 * stale).  When the liblua refuses the bytecode (another bytecode version,
 * a truncated chunk), the source is loaded instead.  The exercise sets have
 * no bytecode.  This runs against the liblua of the build: another Lua
 * release at run time would load the sources, and fail the first check.
 * Prints one line per failure and a summary; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "embedded.h"

static int checks, failures;

static void check(int ok, const EmbeddedModule *m, const char *what) {
  checks++;
  if (!ok) {
    failures++;
    printf("FAIL %s: %s\n", m->name, what);
  }
}

/* Replace the function on top by string.dump of it (not stripped). */
static void dump(lua_State *L) {
  lua_getglobal(L, "string");
  lua_getfield(L, -1, "dump");
  lua_remove(L, -2);
  lua_insert(L, -2);
  lua_call(L, 1, 1);
}

/* Is the function on top (left there) m's main chunk, under m's chunk name?
   (Stripped bytecode has none.  Its lines are not looked at here: Lua 5.4.4
   reads lines that a stripped chunk does not have, when asked for them.) */
static int named(lua_State *L, const EmbeddedModule *m) {
  lua_Debug ar;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">S", &ar);
  return strcmp(ar.source, m->chunkname) == 0 && strcmp(ar.what, "main") == 0;
}

/* Load t, a module whose bytecode is refused: its source must run. */
static void falls_back(lua_State *L, const EmbeddedModule *t, const char *what) {
  int ok = embedded_load(L, t) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK &&
           lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), "the source") == 0;
  check(ok, t, what);
  lua_settop(L, 0);
}

static void test(lua_State *L, const EmbeddedModule *m) {
  EmbeddedModule t = *m;
  char *bc;
  if (strncmp(m->name, "nnlab.sets.", 11) == 0) {
    check(m->bc == NULL && m->bclen == 0, m, "an exercise set is source only");
    return;
  }
  if (m->bc == NULL || m->bclen < 5 || memcmp(m->bc, LUA_SIGNATURE, 4) != 0) {
    check(0, m, "has bytecode");
    return;
  }
  /* the bytecode, without a source to fall back on */
  t.src = "(";
  t.len = 1;
  check(embedded_load(L, &t) == LUA_OK, m, "loads from its bytecode alone");
  if (lua_isfunction(L, -1))
    check(named(L, m), m, "its bytecode keeps the chunk name");
  lua_settop(L, 0);
  /* the bytecode is the source compiled, not stripped */
  check(luaL_loadbufferx(L, m->src, m->len, m->chunkname, "t") == LUA_OK, m,
        "its source compiles");
  if (lua_isfunction(L, -1)) {
    dump(L);
    check(lua_rawlen(L, -1) == m->bclen && memcmp(lua_tostring(L, -1), m->bc, m->bclen) == 0,
          m, "its bytecode is its source compiled under its chunk name, with debug information");
  }
  lua_settop(L, 0);
  /* bytecode the liblua refuses: the source instead */
  t.src = "return 'the source'";
  t.len = strlen(t.src);
  bc = malloc(m->bclen);
  if (bc == NULL)
    abort();
  memcpy(bc, m->bc, m->bclen);
  bc[4] ^= 0x01;  /* LUAC_VERSION, the byte after the signature */
  t.bc = bc;
  falls_back(L, &t, "bytecode of another version: the source is loaded");
  free(bc);
  t.bc = m->bc;
  t.bclen = m->bclen / 2;
  falls_back(L, &t, "truncated bytecode: the source is loaded");
}

int main(void) {
  const EmbeddedModule *m;
  int modules = 0;
  lua_State *L = luaL_newstate();
  if (L == NULL)
    abort();
  luaL_openlibs(L);
  for (m = embedded_modules; m->name != NULL; m++, modules++)
    test(L, m);
  lua_close(L);
  printf("%d modules, %d checks, %d failures\n", modules, checks, failures);
  return failures != 0;
}
