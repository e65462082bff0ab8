/*
 * lnn.c -- the C part of the nn module: the table of constructors, and the
 * helpers the nn bindings (llinear.c, lactivation.c, lloss.c) share.
 */
#include <stdio.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "nn_lua.h"

Mat *lnn_buffer(lua_State *L, int ud, int uv, int rows, int cols) {
  Mat *m;
  ud = lua_absindex(L, ud);
  lua_getiuservalue(L, ud, uv);
  m = lmat_test(L, -1);
  lua_pop(L, 1);
  if (m == NULL || m->rows != rows || m->cols != cols) {
    m = lmat_push(L, rows, cols);
    lua_setiuservalue(L, ud, uv);  /* the userdata keeps it alive */
  }
  return m;
}

/* Is the userdata at idx size bytes with exactly nuv user values? */
static int istype(lua_State *L, int idx, size_t size, int nuv) {
  int ok = lua_rawlen(L, idx) == size;
  if (ok) {
    int top = lua_gettop(L);
    idx = lua_absindex(L, idx);
    ok = (nuv == 0 || lua_getiuservalue(L, idx, nuv) != LUA_TNONE) &&
         lua_getiuservalue(L, idx, nuv + 1) == LUA_TNONE;
    lua_settop(L, top);
  }
  return ok;
}

void *lnn_checkudata(lua_State *L, int idx, const char *tname, size_t size, int nuv) {
  void *p = luaL_checkudata(L, idx, tname);
  if (!istype(L, idx, size, nuv))
    luaL_argerror(L, idx, lua_pushfstring(L, "%s expected, got another userdata with its "
                                             "metatable", tname));
  return p;
}

void *lnn_testudata(lua_State *L, int idx, const char *tname, size_t size, int nuv) {
  void *p = luaL_testudata(L, idx, tname);
  return p != NULL && istype(L, idx, size, nuv) ? p : NULL;
}

unsigned lnn_held(lua_State *L, int ud, unsigned uvs, Mat *const *m) {
  unsigned held = 0, bit;
  int uv, n = 0;
  ud = lua_absindex(L, ud);
  for (uv = 1, bit = 1; bit <= uvs; uv++, bit <<= 1) {
    if (!(uvs & bit))
      continue;
    lua_getiuservalue(L, ud, uv);
    n++;
    if (m[uv - 1] == NULL || lua_touserdata(L, -1) == (void *)m[uv - 1])
      held |= bit;
  }
  lua_pop(L, n);
  return held;
}

int lnn_holds(lua_State *L, int ud, int uv, const Mat *m) {
  int same;
  if (m == NULL)
    return 1;
  lua_getiuservalue(L, ud, uv);
  same = lua_touserdata(L, -1) == (void *)m;
  lua_pop(L, 1);
  return same;
}

Mat *lnn_getbuffer(lua_State *L, int ud, int uv) {
  lua_getiuservalue(L, ud, uv);
  return lmat_test(L, -1);
}

const char *lnn_num(char *buf, double x) {
  snprintf(buf, 32, "%.14g", x);
  return buf;
}

/* What makes self safe to use is its size and number of user values,
   which Lua code cannot change; its metatable it can (debug.setmetatable),
   so comparing that adds no safety, only calls. */
void *lnn_self(lua_State *L, const char *tname, size_t size, int nuv) {
  void *p = lua_touserdata(L, 1);
  if (p != NULL && lua_rawlen(L, 1) == size) {
    int ok = lua_getiuservalue(L, 1, nuv + 1) == LUA_TNONE;
    ok = lua_getiuservalue(L, 1, nuv) != LUA_TNONE && ok;
    lua_pop(L, 2);
    if (ok)
      return p;
  }
  return lnn_checkudata(L, 1, tname, size, nuv);  /* for its error message */
}

Mat *lnn_mat(lua_State *L, int idx) {
  void *p = lua_touserdata(L, idx);
  if (p != NULL && lua_getmetatable(L, idx)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(1));
    lua_pop(L, 1);
    if (same && lmat_valid(L, idx, (Mat *)p))
      return (Mat *)p;
  }
  return lmat_check(L, idx);  /* for its error message */
}

Mat *lnn_push_raw(lua_State *L, int rows, int cols) {
  return lmat_push_rawmt(L, rows, cols, lua_upvalueindex(1));
}

/* __index: a method from upvalue 1, else the type's own fields through the
   C function in upvalue 2. */
static int class_index(lua_State *L) {
  lua_CFunction getfield;
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  getfield = lua_tocfunction(L, lua_upvalueindex(2));
  return getfield(L);
}

void lnn_newclass(lua_State *L, const char *tname, const luaL_Reg *methods,
                  lua_CFunction getfield, lua_CFunction setfield,
                  lua_CFunction tostring) {
  luaL_newmetatable(L, tname);
  lua_newtable(L);
  luaL_getmetatable(L, LMATRIX_TNAME);
  luaL_setfuncs(L, methods, 1);
  lua_pushcfunction(L, getfield);
  lua_pushcclosure(L, class_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, setfield);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, tostring);
  lua_setfield(L, -2, "__tostring");
}

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
