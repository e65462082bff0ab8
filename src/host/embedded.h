/* embedded.h -- the Lua library compiled into the nnlab binary: each
   module's source, and its bytecode (build/embedded.c, tools/embed.sh). */
#ifndef NNLAB_EMBEDDED_H
#define NNLAB_EMBEDDED_H

#include <stddef.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

typedef struct EmbeddedModule {
  const char *name;       /* module name for require, e.g. "nnlab.nn" */
  const char *chunkname;  /* "@lua/nnlab/nn.lua" */
  const char *src;
  size_t len;
  const char *bc;         /* its bytecode, with debug information; NULL for */
  size_t bclen;           /* the exercise sets (source only) */
} EmbeddedModule;

extern const EmbeddedModule embedded_modules[];  /* ends with a NULL name */

/*
 * Push module m's chunk, as luaL_loadbuffer does (returns its status).
 * The bytecode loads several times faster than the source compiles, and
 * keeps the source's positions: it was dumped unstripped from a chunk of the
 * same name (tools/luacomp.c, run with the liblua of the build).  Lua checks
 * that a binary chunk has its format, not that its release wrote it, so the
 * bytecode is taken only from the release these headers are: with another
 * liblua at run time, or if lua_load refuses the bytecode, the source is
 * loaded instead.  The bytecode is the build's own, never a user's: what
 * runs a user's code keeps to text chunks.
 */
static inline int embedded_load(lua_State *L, const EmbeddedModule *m) {
  static const char release[] = "$LuaVersion: " LUA_COPYRIGHT " $";
  if (m->bc != NULL && strncmp(lua_ident, release, sizeof release - 1) == 0) {
    int status = luaL_loadbufferx(L, m->bc, m->bclen, m->chunkname, "b");
    if (status != LUA_ERRSYNTAX)  /* loaded, or out of memory */
      return status;
    lua_pop(L, 1);  /* refused: "bad binary format", "truncated chunk" ... */
  }
  return luaL_loadbufferx(L, m->src, m->len, m->chunkname, "t");
}

/* package.preload loader of the module in upvalue 1 (its entry): the
   chunk runs with require's arguments, as a loader from a file would. */
static inline int embedded_require(lua_State *L) {
  const EmbeddedModule *m = (const EmbeddedModule *)lua_touserdata(L, lua_upvalueindex(1));
  if (embedded_load(L, m) != LUA_OK)
    return lua_error(L);
  lua_insert(L, 1);  /* under require's arguments */
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* Make every embedded module loadable by require (package.preload). */
static inline void embedded_preload(lua_State *L) {
  const EmbeddedModule *m;
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (m = embedded_modules; m->name != NULL; m++) {
    lua_pushlightuserdata(L, (void *)m);
    lua_pushcclosure(L, embedded_require, 1);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 1);
}

#endif
