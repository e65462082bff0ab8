/*
 * lcore.c -- the C module nnlab.core: one table with every Lua-visible
 * type.  Registration only, as Lua's linit.c: the bindings register
 * themselves, with the helpers of lnn.c and lmatrix.c.
 */
#include <lua.h>
#include <lauxlib.h>

#include "lio.h"
#include "lmatrix.h"
#include "lnn.h"
#include "version.h"

int luaopen_nnlab_core(lua_State *L);
int luaopen_nnlab_nncore(lua_State *L);

static int getkind(lua_State *L) {
  lua_getfield(L, 1, "kind");
  return 1;
}

/* nn.kind(x): "Linear", an activation's name ("Tanh", ...), a loss's
   ("NLLM", ...), "Dropout" or an optimizer's ("Adam", ...) for the C
   objects; nil for anything else (also for another userdata given one of
   their metatables, whose methods refuse it). */
static int nn_kind(lua_State *L) {
  lua_settop(L, 1);
  if (luaL_testudata(L, 1, LLINEAR_TNAME) || luaL_testudata(L, 1, LACT_TNAME) ||
      luaL_testudata(L, 1, LLOSS_TNAME) || luaL_testudata(L, 1, LDROPOUT_TNAME) ||
      luaL_testudata(L, 1, LOPTIM_TNAME)) {
    int status;
    lua_pushcfunction(L, getkind);
    lua_pushvalue(L, 1);
    status = lua_pcall(L, 1, 1, 0);
    if (status == LUA_ERRMEM)
      return lua_error(L);
    if (status == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
      return 1;
  }
  lua_pushnil(L);
  return 1;
}

int luaopen_nnlab_nncore(lua_State *L) {
  luaL_checkversion(L);
  lua_newtable(L);
  llinear_register(L);
  lactivation_register(L);
  lloss_register(L);
  lnet_register(L);
  loptim_register(L);
  ldropout_register(L);
  lua_pushcfunction(L, nn_kind);
  lua_setfield(L, -2, "kind");
  return 1;
}

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
