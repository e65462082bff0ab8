/* preload.c -- one preload of the library, for the program and for the
   tools that must load it as the program does (fault injection, fuzzing). */
#include <lua.h>
#include <lauxlib.h>

#include "embedded.h"
#include "lcore.h"
#include "preload.h"
#include "proc.h"
#include "sandbox.h"

/* require "nnlab.embedded": module name -> source of every embedded file
   (the grader reads the built-in exercise sets from it). */
static int open_embedded(lua_State *L) {
  const EmbeddedModule *m;
  lua_newtable(L);
  for (m = embedded_modules; m->name != NULL; m++) {
    lua_pushlstring(L, m->src, m->len);
    lua_setfield(L, -2, m->name);
  }
  return 1;
}

void preload_library(lua_State *L) {
  static const luaL_Reg modules[] = {
    {"nnlab.core", luaopen_nnlab_core},
    {"nnlab.sandbox", luaopen_nnlab_sandbox},
    {"nnlab.proc", luaopen_nnlab_proc},
    {"nnlab.embedded", open_embedded},
    {NULL, NULL}
  };
  const luaL_Reg *r;
  embedded_preload(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (r = modules; r->name != NULL; r++) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, -2, r->name);
  }
  lua_pop(L, 1);
}
