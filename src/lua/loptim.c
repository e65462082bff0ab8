/*
 * loptim.c -- the optimizers: nn.SGD, nn.Momentum, nn.Adadelta, nn.Adam.
 *
 * One userdata type for all of them, told apart by their kind; the update
 * rules are in optim.c.  opt:step(params) takes the list net:parameters()
 * returns ({name, value, grad} entries).  The state of each parameter (its
 * step count t and, by kind, M / G / m, v, matrices of its shape) is a Lua
 * table {t = ..., M = ...}, kept in a weak-keyed table in the userdata's
 * user value and keyed by the parameter's value matrix itself, so a layer's
 * state follows the layer and goes away with it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "lnn.h"
#include "optim.h"

enum { UV_STATE = 1, NUV = UV_STATE };

typedef struct LOptim {
  const LClass *cls;
  OptConf c;
  lua_Integer steps;  /* calls of step */
} LOptim;

/* The hyperparameters, which kinds have them, and their defaults. */
typedef struct Hyper {
  const char *name;
  size_t offset;
  unsigned kinds;  /* bit (1 << kind) */
  double def[4];   /* by kind */
} Hyper;

#define ALL ((1u << OPT_SGD) | (1u << OPT_MOMENTUM) | (1u << OPT_ADADELTA) | (1u << OPT_ADAM))

static const Hyper hypers[] = {
  {"lr", offsetof(OptConf, lr), ALL, {0.01, 0.01, 0.01, 0.001}},
  {"gamma", offsetof(OptConf, gamma), (1u << OPT_MOMENTUM) | (1u << OPT_ADADELTA),
   {0, 0.9, 0.9, 0}},
  {"beta1", offsetof(OptConf, beta1), 1u << OPT_ADAM, {0, 0, 0, 0.9}},
  {"beta2", offsetof(OptConf, beta2), 1u << OPT_ADAM, {0, 0, 0, 0.999}},
  {"eps", offsetof(OptConf, eps), (1u << OPT_ADADELTA) | (1u << OPT_ADAM),
   {0, 0, 1e-8, 1e-8}},
  {"weight_decay", offsetof(OptConf, weight_decay), ALL, {0, 0, 0, 0}},
  {NULL, 0, 0, {0, 0, 0, 0}}
};

/* The names of the state matrices, by kind (the notes' letters). */
static const char *const statenames[4][2] = {
  {NULL, NULL}, {"M", NULL}, {"G", NULL}, {"m", "v"}
};

static const LClass optim_class;

static LOptim *checkoptim(lua_State *L) {
  return (LOptim *)lnn_self(L, &optim_class, 0);
}

static double *hyperp(OptConf *c, const Hyper *h) {
  return (double *)(void *)((char *)c + h->offset);
}

static const Hyper *findhyper(OptKind kind, const char *k) {
  const Hyper *h;
  for (h = hypers; h->name; h++)
    if ((h->kinds & (1u << kind)) && strcmp(h->name, k) == 0)
      return h;
  return NULL;
}

/* "lr, gamma, weight_decay": the options of a kind, for messages */
static const char *optionlist(char *buf, size_t size, OptKind kind) {
  const Hyper *h;
  buf[0] = '\0';
  for (h = hypers; h->name; h++)
    if (h->kinds & (1u << kind)) {
      if (buf[0]) strncat(buf, ", ", size - strlen(buf) - 1);
      strncat(buf, h->name, size - strlen(buf) - 1);
    }
  return buf;
}

/* Raises an error unless x is allowed for hyperparameter h. */
static void checkhyper(lua_State *L, OptKind kind, const Hyper *h, double x) {
  const char *why = NULL;
  if (!isfinite(x))
    why = "a finite number";
  else if (strcmp(h->name, "gamma") == 0 || strcmp(h->name, "beta1") == 0 ||
           strcmp(h->name, "beta2") == 0) {
    if (!(x >= 0 && x < 1)) why = "in [0, 1)";
  } else if (strcmp(h->name, "eps") == 0) {
    if (!(x > 0)) why = "positive";
  } else if (!(x >= 0))
    why = "non-negative";
  if (why) {
    char num[32];
    luaL_error(L, "%s: %s must be %s, got %s", optim_name(kind), h->name, why,
               lnn_num(num, x));
  }
}

/* The constructors: the kind is upvalue 1.  nn.Adam(), nn.Adam(lr) or
   nn.Adam{lr = ..., beta1 = ..., ...}. */
static int optim_new(lua_State *L) {
  OptKind kind = (OptKind)lua_tointeger(L, lua_upvalueindex(1));
  const char *nm = optim_name(kind);
  LOptim *o;
  const Hyper *h;
  OptConf c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  for (h = hypers; h->name; h++)
    *hyperp(&c, h) = h->def[kind];
  if (lua_type(L, 1) == LUA_TNUMBER) {
    c.lr = lua_tonumber(L, 1);
    checkhyper(L, kind, findhyper(kind, "lr"), c.lr);
  } else if (lua_type(L, 1) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      char list[80];
      h = k ? findhyper(kind, k) : NULL;
      if (h == NULL) {
        lua_pushvalue(L, -2);
        return luaL_error(L, "%s: unknown option '%s' (options: %s)", nm,
                          luaL_tolstring(L, -1, NULL), optionlist(list, sizeof list, kind));
      }
      if (lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "%s: %s must be a number, got %s", nm, k, luaL_typename(L, -1));
      *hyperp(&c, h) = lua_tonumber(L, -1);
      checkhyper(L, kind, h, *hyperp(&c, h));
      lua_pop(L, 1);
    }
  } else if (!lua_isnoneornil(L, 1)) {
    return luaL_argerror(L, 1, lua_pushfstring(L, "table of options or learning rate "
                                               "expected, got %s", luaL_typename(L, 1)));
  }
  o = (LOptim *)lua_newuserdatauv(L, sizeof(LOptim), NUV);
  o->cls = &optim_class;
  o->c = c;
  o->steps = 0;
  lmat_setclass(L, LOPTIM_TNAME);
  return 1;
}

/* A new, empty weak-keyed state table, as user value UV_STATE of ud. */
static void newstate(lua_State *L, int ud) {
  ud = lua_absindex(L, ud);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setiuservalue(L, ud, UV_STATE);
}

/* Push the state table of the optimizer at index 1. */
static void getstates(lua_State *L) {
  if (lua_getiuservalue(L, 1, UV_STATE) != LUA_TTABLE) {
    lua_pop(L, 1);
    newstate(L, 1);
    lua_getiuservalue(L, 1, UV_STATE);
  }
}

static int optim_get(lua_State *L, void *obj, const char *k) {
  LOptim *o = (LOptim *)obj;
  const Hyper *h;
  if ((h = findhyper(o->c.kind, k)) != NULL) {
    lua_pushnumber(L, *hyperp(&o->c, h));
    return 1;
  }
  if (strcmp(k, "kind") == 0) {
    lua_pushstring(L, optim_name(o->c.kind));
    return 1;
  }
  if (strcmp(k, "steps") == 0) {
    lua_pushinteger(L, o->steps);
    return 1;
  }
  return 0;
}

static int optim_set(lua_State *L, void *obj, const char *k) {
  LOptim *o = (LOptim *)obj;
  const char *nm = optim_name(o->c.kind);
  const Hyper *h = k ? findhyper(o->c.kind, k) : NULL;
  char list[80];
  if (k && strcmp(k, "steps") == 0) {
    lua_Integer n;
    if (!lua_isinteger(L, 3) || (n = lua_tointeger(L, 3)) < 0)
      return luaL_error(L, "%s: steps must be a non-negative integer, got %s", nm,
                        luaL_tolstring(L, 3, NULL));
    o->steps = n;
    return 0;
  }
  if (h == NULL)
    return luaL_error(L, "%s: cannot set field '%s' (settable: %s, steps)", nm,
                      luaL_tolstring(L, 2, NULL), optionlist(list, sizeof list, o->c.kind));
  if (lua_type(L, 3) != LUA_TNUMBER)
    return luaL_error(L, "%s: %s must be a number, got %s", nm, k, luaL_typename(L, 3));
  checkhyper(L, o->c.kind, h, lua_tonumber(L, 3));
  *hyperp(&o->c, h) = lua_tonumber(L, 3);
  return 0;
}

/* "Adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-08)"; weight_decay
   only when it is not 0. */
static const char *name(char *buf, const void *obj) {
  const LOptim *o = (const LOptim *)obj;
  const Hyper *h;
  size_t n = (size_t)snprintf(buf, LNN_NAMELEN, "%s(", optim_name(o->c.kind));
  for (h = hypers; h->name; h++) {
    char num[32];
    double x = *hyperp((OptConf *)&o->c, h);
    if (!(h->kinds & (1u << o->c.kind)) || (strcmp(h->name, "weight_decay") == 0 && x == 0))
      continue;
    n += (size_t)snprintf(buf + n, LNN_NAMELEN - n, "%s%s = %s", buf[n - 1] == '(' ? "" : ", ",
                          h->name, lnn_num(num, x));  /* at most 6 x 40 bytes */
  }
  snprintf(buf + n, LNN_NAMELEN - n, ")");
  return buf;
}

/* "parameter 2 (W0 of module 3)" into buf (at least 96 bytes), from the
   params entry at index e. */
static const char *paramname(lua_State *L, char *buf, int e, lua_Integer i) {
  const char *name;
  lua_getfield(L, e, "name");
  lua_getfield(L, e, "module");
  name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
  if (name && lua_isinteger(L, -1))
    snprintf(buf, 96, "parameter %d (%.20s of module %d)", (int)i, name,
             (int)lua_tointeger(L, -1));
  else if (name)
    snprintf(buf, 96, "parameter %d (%.20s)", (int)i, name);
  else
    snprintf(buf, 96, "parameter %d", (int)i);
  lua_pop(L, 2);
  return buf;
}

/* Entry i of the params list, checked, with its state. */
typedef struct Param {
  Mat *P, *G, *S[2];
  int decay;
  lua_Integer t;  /* the state's step count (after this step, with apply) */
} Param;

/* Check params entry i (at the top of the stack) and its state, which is
   made when missing (st: the index of the state table).  With apply, also
   counts the step in the state's t.  The matrices p points to stay on the
   stack above the entry, so that no metamethod run meanwhile (__index of
   the entry or the state, __newindex of the state) can have them collected;
   the caller pops them with the entry. */
static void checkparam(lua_State *L, LOptim *o, lua_Integer i, int st, Param *p,
                       int apply) {
  const char *nm = optim_name(o->c.kind);
  char pn[96], sa[32], sb[32];
  int e = lua_gettop(L), k, nstate = optim_nstate(o->c.kind);
  if (!lua_istable(L, e))
    luaL_error(L, "%s: step: parameter %d must be a table {name, value, grad}, got %s",
               nm, (int)i, luaL_typename(L, e));
  lua_getfield(L, e, "value");  /* e + 1 */
  lua_getfield(L, e, "grad");   /* e + 2 */
  lua_getfield(L, e, "name");   /* e + 3 */
  p->P = lmat_test(L, e + 1);
  p->G = lmat_test(L, e + 2);
  if (p->P == NULL || p->G == NULL)
    luaL_error(L, "%s: step: %s has no %s matrix", nm, paramname(L, pn, e, i),
               p->P == NULL ? "value" : "grad");
  if (p->P->rows != p->G->rows || p->P->cols != p->G->cols)
    luaL_error(L, "%s: step: %s: grad is %s but value is %s", nm, paramname(L, pn, e, i),
               lmat_shapestr(sa, p->G), lmat_shapestr(sb, p->P));
  p->decay = !(lua_type(L, e + 3) == LUA_TSTRING && strcmp(lua_tostring(L, e + 3), "W0") == 0);
  lua_pushvalue(L, e + 1);
  if (lua_rawget(L, st) == LUA_TNIL) {  /* e + 4: the state */
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "t");
    for (k = 0; k < nstate; k++) {
      lmat_push(L, p->P->rows, p->P->cols);
      lua_setfield(L, -2, statenames[o->c.kind][k]);
    }
    lua_pushvalue(L, e + 1);
    lua_pushvalue(L, e + 4);
    lua_rawset(L, st);
  }
  if (!lua_istable(L, e + 4))
    luaL_error(L, "%s: step: the state of %s must be a table, got %s", nm,
               paramname(L, pn, e, i), luaL_typename(L, e + 4));
  lua_getfield(L, e + 4, "t");  /* e + 5 */
  if (!lua_isinteger(L, e + 5) || lua_tointeger(L, e + 5) < 0 ||
      lua_tointeger(L, e + 5) == LUA_MAXINTEGER)  /* t + 1 must be one too */
    luaL_error(L, "%s: step: the state of %s has t = %s, expected a non-negative integer",
               nm, paramname(L, pn, e, i), luaL_tolstring(L, e + 5, NULL));
  p->S[0] = p->S[1] = NULL;
  for (k = 0; k < nstate; k++) {
    const char *sn = statenames[o->c.kind][k];
    lua_getfield(L, e + 4, sn);  /* e + 6, e + 7 */
    p->S[k] = lmat_test(L, -1);
    if (p->S[k] == NULL || p->S[k]->rows != p->P->rows || p->S[k]->cols != p->P->cols)
      luaL_error(L, "%s: step: the state of %s has %s %s, expected a %s matrix", nm,
                 paramname(L, pn, e, i), sn, p->S[k] ? lmat_shapestr(sa, p->S[k]) : "missing",
                 lmat_shapestr(sb, p->P));
  }
  p->t = lua_tointeger(L, e + 5);
  if (apply) {
    p->t++;
    lua_pushinteger(L, p->t);
    lua_setfield(L, e + 4, "t");
  }
}

/* opt:step(params [, scale]): one update of every parameter in the list,
   with gradient scale * grad.  Every entry is checked before any is changed,
   so an error leaves every parameter as it was. */
static int opt_step(lua_State *L) {
  LOptim *o = checkoptim(L);
  double scale = luaL_optnumber(L, 3, 1.0);
  lua_Integer i, n;
  int st;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = luaL_len(L, 2);
  lua_settop(L, 3);
  getstates(L);
  st = lua_gettop(L);
  for (i = 1; i <= n; i++) {
    Param p;
    lua_geti(L, 2, i);
    checkparam(L, o, i, st, &p, 0);
    lua_settop(L, st);
  }
  for (i = 1; i <= n; i++) {
    Param p;
    lua_geti(L, 2, i);
    checkparam(L, o, i, st, &p, 1);
    optim_update(&o->c, p.P, p.G, scale, p.S[0], p.S[1], (double)p.t, p.decay);
    lua_settop(L, st);
  }
  if (o->steps < LUA_MAXINTEGER)
    o->steps++;
  return 0;
}

/* opt:state(value) -> the state table of that parameter (live), or nil;
   opt:state(value, t) replaces it (nil forgets it).  step checks it. */
static int optim_state(lua_State *L) {
  checkoptim(L);
  lmat_check(L, 2);
  getstates(L);
  if (lua_gettop(L) >= 4) {  /* self, value, new, states */
    if (!lua_isnil(L, 3) && !lua_istable(L, 3))
      return luaL_argerror(L, 3, lua_pushfstring(L, "table or nil expected, got %s",
                                                 luaL_typename(L, 3)));
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

/* opt:reset(): forget every parameter's state; steps back to 0 */
static int optim_reset(lua_State *L) {
  LOptim *o = checkoptim(L);
  newstate(L, 1);
  o->steps = 0;
  return 0;
}

static const luaL_Reg methods[] = {
  {"step", opt_step},
  {"state", optim_state},
  {"reset", optim_reset},
  {NULL, NULL}
};

static const LClass optim_class = {
  LOPTIM_TNAME, sizeof(LOptim), NUV, 0, 0, name, optim_get, optim_set, NULL
};

void loptim_register(lua_State *L) {
  static const OptKind kinds[] = {OPT_SGD, OPT_MOMENTUM, OPT_ADADELTA, OPT_ADAM};
  size_t i;
  lnn_newclass(L, &optim_class, methods);
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    lua_pushinteger(L, kinds[i]);
    lua_pushcclosure(L, optim_new, 1);
    lua_setfield(L, -2, optim_name(kinds[i]));
  }
}
