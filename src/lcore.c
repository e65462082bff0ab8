/*
 * lcore.c -- the C module nnlab.core: one table with every Lua-visible type.
 */
#include <lua.h>
#include <lauxlib.h>

#include "lio.h"
#include "lmatrix.h"
#include "nn_lua.h"
#include "version.h"

int luaopen_nnlab_core(lua_State *L);

int luaopen_nnlab_core(lua_State *L) {
  lua_newtable(L);
  lua_pushliteral(L, NNLAB_VERSION);
  lua_setfield(L, -2, "version");
  luaL_requiref(L, "nnlab.matrix", luaopen_nnlab_matrix, 0);
  lua_setfield(L, -2, "matrix");
  luaL_requiref(L, "nnlab.nncore", luaopen_nnlab_nncore, 0);
  lua_setfield(L, -2, "nn");
  luaL_requiref(L, "nnlab.io", luaopen_nnlab_io, 0);
  lua_setfield(L, -2, "io");
  luaL_requiref(L, "nnlab.traincore", luaopen_nnlab_traincore, 0);
  lua_setfield(L, -2, "train");
  return 1;
}
