/*
 * ldropout.c -- nn.Dropout(p): inverted dropout with training and
 * evaluation modes.
 *
 * In training mode forward draws a new mask from the matrix random stream
 * (kept with probability 1 - p) and returns Z .* mask / (1 - p); backward
 * multiplies by the same mask and scale.  In evaluation mode both pass their
 * argument through unchanged.  The mask of the last training forward is
 * the userdata's user value.  A new Dropout is in training mode.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "dropout.h"
#include "lmatrix.h"
#include "lnn.h"

enum { UV_MASK = 1, NUV = UV_MASK };

enum { NONE, TRAINED, EVALUATED };  /* the mode of the last forward */

typedef struct LDropout {
  const LClass *cls;
  double p;
  int training;
  int last;
  int rows, cols;  /* shape of the last forward */
} LDropout;

static const LClass dropout_class;

static LDropout *checkdropout(lua_State *L) {
  return (LDropout *)lnn_self(L, &dropout_class, 0);
}

static const char *name(char *buf, const void *obj) {
  const LDropout *d = (const LDropout *)obj;
  char num[32];
  snprintf(buf, 48, "Dropout(%s)", lnn_num(num, d->p));
  return buf;
}

/* nn.Dropout([p = 0.5]): p, the probability of dropping a unit, in [0, 1) */
static int dropout_new(lua_State *L) {
  double p = luaL_optnumber(L, 1, 0.5);
  LDropout *d;
  if (!(p >= 0 && p < 1)) {
    char num[32];
    return luaL_argerror(L, 1, lua_pushfstring(L, "p must be in [0, 1), got %s",
                                               lnn_num(num, p)));
  }
  d = (LDropout *)lua_newuserdatauv(L, sizeof(LDropout), NUV);
  d->cls = &dropout_class;
  d->p = p;
  d->training = 1;
  d->last = NONE;
  d->rows = d->cols = 0;
  lmat_setclass(L, LDROPOUT_TNAME);
  return 1;
}

static int dropout_get(lua_State *L, void *obj, const char *k) {
  const LDropout *d = (const LDropout *)obj;
  if (strcmp(k, "p") == 0)
    lua_pushnumber(L, d->p);
  else if (strcmp(k, "training") == 0)
    lua_pushboolean(L, d->training);
  else if (strcmp(k, "kind") == 0)
    lua_pushliteral(L, "Dropout");
  else if (strcmp(k, "mask") == 0)
    lnn_getbuffer(L, 1, UV_MASK);
  else
    return 0;
  return 1;
}

/* d:forward(Z) -> Z .* mask / (1 - p) in training mode, a copy of Z in
   evaluation mode */
static int dropout_forward(lua_State *L) {
  LDropout *d = checkdropout(L);
  Mat *Z = lmat_check(L, 2), *A;
  d->last = NONE;  /* until this forward is done */
  d->rows = Z->rows;
  d->cols = Z->cols;
  if (d->training) {
    Mat *mask = lnn_buffer(L, 1, UV_MASK, Z->rows, Z->cols);
    dropout_mask(mask, lmat_rng(L), d->p);
    A = lmat_push(L, Z->rows, Z->cols);
    dropout_apply(A, Z, mask, 1.0 - d->p);
    d->last = TRAINED;
  } else {
    lmat_push_copy(L, Z);
    d->last = EVALUATED;
  }
  return 1;
}

/* d:backward(dLdA) -> dLdA .* mask / (1 - p) for the last forward (dLdA as
   is when it ran in evaluation mode) */
static int dropout_backward(lua_State *L) {
  LDropout *d = checkdropout(L);
  Mat *dA = lmat_check(L, 2), *dZ;
  char nm[48], sa[32];
  if (d->last == NONE)
    return luaL_error(L, "%s: backward called before forward", name(nm, d));
  if (dA->rows != d->rows || dA->cols != d->cols)
    return luaL_error(L, "%s: backward: dLdA is %s but the last forward gave A %dx%d",
                      name(nm, d), lmat_shapestr(sa, dA), d->rows, d->cols);
  if (d->last == EVALUATED) {
    lmat_push_copy(L, dA);
    return 1;
  }
  dZ = lmat_push(L, dA->rows, dA->cols);
  dropout_apply(dZ, dA, lnn_buffer(L, 1, UV_MASK, d->rows, d->cols), 1.0 - d->p);
  return 1;
}

/* d:train(), d:eval(): set the mode; return d */
static int dropout_train(lua_State *L) {
  checkdropout(L)->training = 1;
  lua_settop(L, 1);
  return 1;
}

static int dropout_eval(lua_State *L) {
  checkdropout(L)->training = 0;
  lua_settop(L, 1);
  return 1;
}

static const luaL_Reg methods[] = {
  {"forward", dropout_forward},
  {"backward", dropout_backward},
  {"train", dropout_train},
  {"eval", dropout_eval},
  {"sgd_step", lnn_nothing},
  {"zero_grad", lnn_nothing},
  {"parameters", lnn_noparams},
  {NULL, NULL}
};

static const LClass dropout_class = {
  LDROPOUT_TNAME, sizeof(LDropout), NUV, 0, 0,
  name, dropout_get, NULL, "use train() and eval() for the mode"
};

void ldropout_register(lua_State *L) {
  lnn_newclass(L, &dropout_class, methods);
  lua_pushcfunction(L, dropout_new);
  lua_setfield(L, -2, "Dropout");
}
