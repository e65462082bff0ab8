/*
 * lnn.c -- the helpers the C classes share (the lauxlib of the bindings):
 * the proof of an object's class, the check of the matrices it keeps, the
 * metatable with __index, __newindex and __tostring made from an LClass,
 * buffers in user values.  Registration is in lcore.c.  The reasons for
 * this defence are in lnn.h, above LClass.
 */
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "lnn.h"

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

Mat *lnn_getbuffer(lua_State *L, int ud, int uv) {
  lua_getiuservalue(L, ud, uv);
  return lmat_test(L, -1);
}

const char *lnn_num(char *buf, double x) {
  snprintf(buf, 32, "%.14g", x);
  return buf;
}

/* The size first, so that the class field can be read; then the class,
   which only our constructor writes.  The metatable is not looked at: Lua
   code can change it (debug.setmetatable), so it proves nothing. */
void *lnn_test(lua_State *L, int idx, const LClass *c) {
  void *p = lua_touserdata(L, idx);
  if (p != NULL && lua_rawlen(L, idx) == c->size && *(const LClass **)p == c)
    return p;
  return NULL;
}

/* The name a hint gives an object of class c: layer:forward(...). */
static const char *varname(const LClass *c, const char **what) {
  static const char *const names[][3] = {
    {LLINEAR_TNAME, "layer", "an nn.Linear"}, {LACT_TNAME, "act", "an activation"},
    {LLOSS_TNAME, "loss", "a loss"}, {LOPTIM_TNAME, "opt", "an optimizer"},
    {LDROPOUT_TNAME, "drop", "an nn.Dropout"},
  };
  size_t i;
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(c->tname, names[i][0]) == 0) {
      *what = names[i][2];
      return names[i][1];
    }
  *what = c->tname;
  return "obj";
}

void *lnn_check(lua_State *L, int idx, const LClass *c) {
  void *p = lnn_test(L, idx, c);
  if (p == NULL) {
    if (idx == 1) {
      const char *what, *obj = varname(c, &what);
      lmat_colon_hint(L, obj, what);
    }
    luaL_checkudata(L, idx, c->tname);  /* the error for another type */
    luaL_argerror(L, idx, lua_pushfstring(L, "%s expected, got another userdata with its "
                                             "metatable", c->tname));
  }
  return p;
}

int lnn_intact(lua_State *L, int idx, const LClass *c, void *obj, unsigned uses) {
  Mat **kept = (Mat **)(void *)((char *)obj + c->kept);
  unsigned bit, lost = 0;
  int uv, n = 0;
  idx = lua_absindex(L, idx);
  for (uv = 1, bit = 1; bit <= uses; uv++, bit <<= 1) {
    if (!(uses & bit))
      continue;
    lua_getiuservalue(L, idx, uv);
    n++;
    if (kept[uv - 1] != NULL && lua_touserdata(L, -1) != (void *)kept[uv - 1])
      lost |= bit;
  }
  lua_pop(L, n);
  if (lost & c->caches)  /* forget every copy: they go together */
    for (uv = 1, bit = 1; bit <= c->caches; uv++, bit <<= 1)
      if (c->caches & bit)
        kept[uv - 1] = NULL;
  return (lost & ~c->caches) == 0;
}

void *lnn_self(lua_State *L, const LClass *c, unsigned uses) {
  void *p = lnn_check(L, 1, c);
  if (uses != 0 && !lnn_intact(L, 1, c, p, uses)) {
    char nm[LNN_NAMELEN];
    luaL_error(L, "%s: its matrices were replaced (debug.setuservalue)", c->name(nm, p));
  }
  return p;
}

/* The classes lnn_newclass made, in C memory where Lua code cannot reach:
   a method's class is an upvalue, which debug.setupvalue can replace with
   any light userdata (debug.getregistry() hands some out), so it is used
   only when it is one of these.  Registration writes the same constants
   whatever the Lua state, and the program runs Lua in one thread. */
static const LClass *known[16];
static int nknown;

/* Class c, upvalue up of the running method, checked. */
static const LClass *upclass(lua_State *L, int up) {
  const LClass *c = (const LClass *)lua_touserdata(L, lua_upvalueindex(up));
  int i;
  for (i = 0; i < nknown; i++)
    if (known[i] == c)
      return c;
  luaL_error(L, "this method's class was replaced (debug.setupvalue)");
  return NULL;
}

int lnn_nothing(lua_State *L) {
  lnn_self(L, upclass(L, 1), 0);
  return 0;
}

int lnn_noparams(lua_State *L) {
  lnn_self(L, upclass(L, 1), 0);
  lua_newtable(L);
  return 1;
}

/* __index: a method from upvalue 1 (the table help.lua lists), else the
   object's own fields, from the class in upvalue 2. */
static int class_index(lua_State *L) {
  const LClass *c;
  void *obj;
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  c = upclass(L, 2);
  obj = lnn_check(L, 1, c);
  return lua_type(L, 2) == LUA_TSTRING ? c->get(L, obj, lua_tostring(L, 2)) : 0;
}

static int class_newindex(lua_State *L) {
  const LClass *c = upclass(L, 1);
  void *obj = lnn_check(L, 1, c);
  const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  char nm[LNN_NAMELEN];
  if (c->set != NULL)
    return c->set(L, obj, k);
  return luaL_error(L, "%s: cannot set field '%s' (%s)", c->name(nm, obj),
                    k ? k : luaL_typename(L, 2), c->fixed);
}

static int class_tostring(lua_State *L) {
  const LClass *c = upclass(L, 1);
  char nm[LNN_NAMELEN];
  lua_pushstring(L, c->name(nm, lnn_check(L, 1, c)));
  return 1;
}

void lnn_newclass(lua_State *L, const LClass *c, const luaL_Reg *methods) {
  int i;
  for (i = 0; i < nknown && known[i] != c; i++)
    ;
  if (i == nknown) {
    if (nknown == (int)(sizeof known / sizeof known[0]))
      luaL_error(L, "lnn_newclass: too many classes");
    known[nknown++] = c;
  }
  luaL_newmetatable(L, c->tname);
  lua_newtable(L);
  lua_pushlightuserdata(L, (void *)c);
  luaL_setfuncs(L, methods, 1);
  lua_pushlightuserdata(L, (void *)c);
  lua_pushcclosure(L, class_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushlightuserdata(L, (void *)c);
  lua_pushcclosure(L, class_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushlightuserdata(L, (void *)c);
  lua_pushcclosure(L, class_tostring, 1);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}
