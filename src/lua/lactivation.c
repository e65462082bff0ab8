/*
 * lactivation.c -- the activation modules: nn.Step(), nn.Sigmoid(),
 * nn.Tanh(), nn.ReLU(), nn.LeakyReLU([alpha]), nn.Identity(), nn.SoftMax().
 *
 * One userdata type for all of them, told apart by their kind.  Its user
 * values keep copies of the last input Z and output A (reused while the
 * shape stays the same) for backward.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "nn.h"
#include "lnn.h"

enum { USE_Z = 1 << (LACT_UV_Z - 1), USE_A = 1 << (LACT_UV_A - 1) };

/* In methods: self.  Copies of Z and A that are no longer the user values
   (debug.setuservalue) are forgotten (lnn_self). */
static LAct *self(lua_State *L) {
  return (LAct *)lnn_self(L, &lact_class, USE_Z | USE_A);
}

/* "Tanh()", "LeakyReLU(0.01)" */
static const char *name(char *buf, const void *obj) {
  const LAct *a = (const LAct *)obj;
  char num[32];
  snprintf(buf, 64, "%s(%s)", nn_act_name(a->kind),
           a->kind == NN_LEAKYRELU ? lnn_num(num, a->alpha) : "");
  return buf;
}

/* The constructors: the kind is upvalue 1. */
static int act_new(lua_State *L) {
  NnAct kind = (NnAct)lua_tointeger(L, lua_upvalueindex(1));
  double alpha = kind == NN_LEAKYRELU ? luaL_optnumber(L, 1, 0.01) : 0.0;
  LAct *a;
  luaL_argcheck(L, isfinite(alpha), 1, "alpha must be a finite number");
  a = (LAct *)lua_newuserdatauv(L, sizeof(LAct), LACT_NUV);
  a->cls = &lact_class;
  a->kind = kind;
  a->alpha = alpha;
  a->Z = a->A = NULL;
  lmat_setclass(L, LACT_TNAME);
  return 1;
}

static int act_get(lua_State *L, void *obj, const char *k) {
  const LAct *a = (const LAct *)obj;
  if (strcmp(k, "kind") == 0) {
    lua_pushstring(L, nn_act_name(a->kind));
    return 1;
  }
  if (strcmp(k, "alpha") == 0 && a->kind == NN_LEAKYRELU) {
    lua_pushnumber(L, a->alpha);
    return 1;
  }
  return 0;
}

/* act:forward(Z) -> A = f(Z), Z's shape, a new matrix */
static int act_forward(lua_State *L) {
  LAct *a = self(L);
  Mat *Z = lmat_check(L, 2);
  if (a->Z == NULL || a->Z->rows != Z->rows || a->Z->cols != Z->cols) {
    Mat *Zc, *Ac;
    a->Z = a->A = NULL;  /* until both have the new shape (memory may run out) */
    Zc = lnn_buffer(L, 1, LACT_UV_Z, Z->rows, Z->cols);
    Ac = lnn_buffer(L, 1, LACT_UV_A, Z->rows, Z->cols);
    a->Z = Zc;
    a->A = Ac;
  }
  mat_copy(a->Z, Z);
  if (nn_act_forward(a->kind, a->alpha, a->A, a->Z) != MAT_OK) {
    a->Z = a->A = NULL;  /* no backward for a forward cut short */
    return lmat_interrupted(L, "activation forward");
  }
  mat_copy(lmat_push_like(L, a->A->rows, a->A->cols, 2), a->A);
  return 1;
}

/* act:backward(dLdA) -> dLdZ, for the last forward */
static int act_backward(lua_State *L) {
  LAct *a = self(L);
  Mat *dA = lmat_check(L, 2), *dZ;
  char nm[64], sa[32], sb[32];
  if (a->A == NULL)
    return luaL_error(L, "%s: backward called before forward", name(nm, a));
  if (dA->rows != a->A->rows || dA->cols != a->A->cols)
    return luaL_error(L, "%s: backward: dLdA is %s but the last forward gave A %s",
                      name(nm, a), lmat_shapestr(sa, dA), lmat_shapestr(sb, a->A));
  dZ = lmat_push_like(L, dA->rows, dA->cols, 2);
  if (nn_act_backward(a->kind, a->alpha, dZ, a->Z, a->A, dA) != MAT_OK)
    return lmat_interrupted(L, "activation backward");
  return 1;
}

/* act:jacobian(z) -> dA/dZ (n x n, entry (j, k) = dA_k/dZ_j) at a column z */
static int act_jacobian(lua_State *L) {
  LAct *a = self(L);
  Mat *z = lmat_check(L, 2), *J;
  char nm[64], sa[32];
  if (z->cols != 1)
    return luaL_error(L, "%s: jacobian: z must be a column (n x 1), got %s",
                      name(nm, a), lmat_shapestr(sa, z));
  J = lmat_push_like(L, z->rows, z->rows, 2);  /* the kernel writes every entry */
  nn_act_jacobian(a->kind, a->alpha, J, z);
  return 1;
}

static const luaL_Reg methods[] = {
  {"forward", act_forward},
  {"backward", act_backward},
  {"jacobian", act_jacobian},
  {"sgd_step", lnn_nothing},
  {"zero_grad", lnn_nothing},
  {"parameters", lnn_noparams},
  {NULL, NULL}
};

const LClass lact_class = {
  LACT_TNAME, sizeof(LAct), LACT_NUV, offsetof(LAct, kept), USE_Z | USE_A,
  name, act_get, NULL, "activations have no settable fields"
};

void lactivation_register(lua_State *L) {
  static const NnAct kinds[] = {
    NN_STEP, NN_SIGMOID, NN_TANH, NN_RELU, NN_LEAKYRELU, NN_IDENTITY, NN_SOFTMAX
  };
  size_t i;
  lnn_newclass(L, &lact_class, methods);
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    lua_pushinteger(L, kinds[i]);
    lua_pushcclosure(L, act_new, 1);
    lua_setfield(L, -2, nn_act_name(kinds[i]));
  }
}
