/*
 * llinear.c -- nn.Linear(m, n): a fully connected layer, Z = W^T A + W0.
 *
 * The userdata holds the sizes; its user values hold the matrices: W (m x n),
 * W0 (n x 1), dLdW, dLdW0 and a copy of the last input A (m x b), kept
 * between calls while the batch size stays the same.  Reading layer.W gives
 * the layer's own matrix; assigning layer.W = M copies M's values in.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "nn.h"
#include "lnn.h"
#include "rng.h"

static const char *const fields[] = {"W", "W0", "dLdW", "dLdW0", NULL};

/* The matrices a method uses: bit uv - 1 for user value uv. */
enum {
  USE_W = 1 << (LLINEAR_UV_W - 1), USE_W0 = 1 << (LLINEAR_UV_W0 - 1),
  USE_DW = 1 << (LLINEAR_UV_DW - 1), USE_DW0 = 1 << (LLINEAR_UV_DW0 - 1),
  USE_A = 1 << (LLINEAR_UV_A - 1)
};

/* In methods: self, with the matrices it uses checked (lnn_self).  A
   swapped copy of the last input is forgotten; swapped parameters or
   gradients are an error. */
static LLinear *self(lua_State *L, unsigned uses) {
  return (LLinear *)lnn_self(L, &llinear_class, uses);
}

/* "Linear(2, 3)", for messages */
static const char *name(char *buf, const void *obj) {
  const LLinear *l = (const LLinear *)obj;
  snprintf(buf, 48, "Linear(%d, %d)", l->m, l->n);
  return buf;
}

static int checksize(lua_State *L, int arg) {
  lua_Integer k = luaL_checkinteger(L, arg);
  if (k < 1)
    luaL_argerror(L, arg, lua_pushfstring(L, "size must be positive, got %I", k));
  if (k > MAT_MAXDIM)
    luaL_argerror(L, arg, lua_pushfstring(L, "size is too large, got %I", k));
  return (int)k;
}

/* nn.Linear(m, n): W from np.random.normal(0, m^-0.5, [m, n]) on the matrix
   random stream, W0 and the gradients zero. */
static int linear_new(lua_State *L) {
  int m = checksize(L, 1), n = checksize(L, 2);
  LLinear *l = (LLinear *)lua_newuserdatauv(L, sizeof(LLinear), LLINEAR_NUV);
  double sd = 1.0 * pow((double)m, -0.5);
  Mat *W;
  Rng *rng = lmat_rng(L);
  size_t i, len;
  l->cls = &llinear_class;
  l->m = m;
  l->n = n;
  l->b = -1;
  l->A = NULL;
  lmat_setclass(L, LLINEAR_TNAME);
  W = l->W = lnn_buffer(L, -1, LLINEAR_UV_W, m, n);
  len = mat_len(W);
  for (i = 0; i < len; i++) {
    if ((i & 0xffff) == 0 && mat_interrupted)
      return lmat_interrupted(L, "Linear");
    W->v[i] = 0.0 + sd * rng_gauss(rng);
  }
  l->W0 = lnn_buffer(L, -1, LLINEAR_UV_W0, n, 1);
  l->dW = lnn_buffer(L, -1, LLINEAR_UV_DW, m, n);
  l->dW0 = lnn_buffer(L, -1, LLINEAR_UV_DW0, n, 1);
  return 1;
}

/* The shape a field must have, by its user value. */
static void fieldshape(const LLinear *l, int uv, int *rows, int *cols) {
  *rows = (uv == LLINEAR_UV_W || uv == LLINEAR_UV_DW) ? l->m : l->n;
  *cols = (uv == LLINEAR_UV_W || uv == LLINEAR_UV_DW) ? l->n : 1;
}

static int linear_get(lua_State *L, void *obj, const char *k) {
  const LLinear *l = (const LLinear *)obj;
  int i;
  for (i = 0; fields[i]; i++)
    if (strcmp(k, fields[i]) == 0) {
      lnn_getbuffer(L, 1, LLINEAR_UV_W + i);
      return 1;
    }
  if (strcmp(k, "m") == 0 || strcmp(k, "n") == 0) {
    lua_pushinteger(L, k[0] == 'm' ? l->m : l->n);
    return 1;
  }
  if (strcmp(k, "kind") == 0) {
    lua_pushliteral(L, "Linear");
    return 1;
  }
  return 0;
}

static int linear_set(lua_State *L, void *obj, const char *k) {
  LLinear *l = (LLinear *)obj;
  char nm[48], sa[32];
  int i, rows, cols;
  Mat *src, *dst;
  for (i = 0; k && fields[i]; i++)
    if (strcmp(k, fields[i]) == 0)
      break;
  self(L, USE_W | USE_W0 | USE_DW | USE_DW0);
  if (k == NULL || fields[i] == NULL)
    return luaL_error(L, "%s: cannot set field '%s' (settable: W, W0, dLdW, dLdW0)",
                      name(nm, l), k ? k : luaL_typename(L, 2));
  src = lmat_test(L, 3);
  if (src == NULL)
    return luaL_error(L, "%s: %s must be a matrix, got %s", name(nm, l), k,
                      luaL_typename(L, 3));
  fieldshape(l, LLINEAR_UV_W + i, &rows, &cols);
  if (src->rows != rows || src->cols != cols)
    return luaL_error(L, "%s: %s must be %dx%d, got %s", name(nm, l), k, rows, cols,
                      lmat_shapestr(sa, src));
  dst = i == 0 ? l->W : i == 1 ? l->W0 : i == 2 ? l->dW : l->dW0;
  mat_copy(dst, src);
  return 0;
}

/* layer:forward(A) -> Z = W^T A + W0 (n x b), a new matrix */
static int linear_forward(lua_State *L) {
  LLinear *l = self(L, USE_W | USE_W0 | USE_A);
  Mat *A = lmat_check(L, 2), *Z;
  char nm[48], sa[32], sw[32];
  if (A->rows != l->m)
    return luaL_error(L, "%s: forward: A is %s but W is %s (A needs %d rows)",
                      name(nm, l), lmat_shapestr(sa, A), lmat_shapestr(sw, l->W), l->m);
  l->b = -1;  /* until this forward has kept its A and finished */
  if (l->A == NULL || l->A->cols != A->cols) {
    l->A = NULL;
    l->A = lnn_buffer(L, 1, LLINEAR_UV_A, A->rows, A->cols);
  }
  mat_copy(l->A, A);
  Z = lmat_push_like(L, l->n, A->cols, 2);
  if (nn_linear_forward(Z, l->W, l->W0, l->A) != MAT_OK)
    return lmat_interrupted(L, "Linear forward");
  l->b = A->cols;
  return 1;
}

/* layer:backward(dLdZ) -> dLdA = W dLdZ; sets dLdW = A dLdZ^T and dLdW0 */
static int linear_backward(lua_State *L) {
  LLinear *l = self(L, USE_W | USE_A | USE_DW | USE_DW0);
  Mat *dZ = lmat_check(L, 2), *dA;
  char nm[48], sa[32];
  if (l->b < 0 || l->A == NULL)  /* A: forgotten when swapped */
    return luaL_error(L, "%s: backward called before forward", name(nm, l));
  if (dZ->rows != l->n || dZ->cols != l->b)
    return luaL_error(L, "%s: backward: dLdZ is %s but the last forward gave Z %dx%d",
                      name(nm, l), lmat_shapestr(sa, dZ), l->n, l->b);
  dA = lmat_push_like(L, l->m, l->b, 2);
  if (nn_linear_backward(l->dW, l->dW0, dA, l->W, l->A, dZ) != MAT_OK)
    return lmat_interrupted(L, "Linear backward");
  return 1;
}

/* layer:sgd_step(lr): W = W - lr dLdW, W0 = W0 - lr dLdW0 */
static int linear_sgd_step(lua_State *L) {
  LLinear *l = self(L, USE_W | USE_W0 | USE_DW | USE_DW0);
  double lr = luaL_checknumber(L, 2);
  if (nn_sgd_update(l->W, l->dW, lr) != MAT_OK || nn_sgd_update(l->W0, l->dW0, lr) != MAT_OK)
    return lmat_interrupted(L, "Linear sgd_step");
  return 0;
}

static int linear_zero_grad(lua_State *L) {
  LLinear *l = self(L, USE_DW | USE_DW0);
  mat_fill(l->dW, 0.0);
  mat_fill(l->dW0, 0.0);
  return 0;
}

/* layer:dZ_dA() -> a copy of W: the lecture's dZ/dA^(l-1), m x n */
static int linear_dZ_dA(lua_State *L) {
  lmat_push_copy(L, self(L, USE_W)->W);
  return 1;
}

/* layer:parameters() -> {{name = "W", value = W, grad = dLdW}, {... W0 ...}} */
static int linear_parameters(lua_State *L) {
  int i;
  self(L, 0);
  lua_createtable(L, 2, 0);
  for (i = 0; i < 2; i++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, fields[i]);
    lua_setfield(L, -2, "name");
    lnn_getbuffer(L, 1, LLINEAR_UV_W + i);
    lua_setfield(L, -2, "value");
    lnn_getbuffer(L, 1, LLINEAR_UV_DW + i);
    lua_setfield(L, -2, "grad");
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static const luaL_Reg methods[] = {
  {"forward", linear_forward},
  {"backward", linear_backward},
  {"sgd_step", linear_sgd_step},
  {"zero_grad", linear_zero_grad},
  {"dZ_dA", linear_dZ_dA},
  {"parameters", linear_parameters},
  {NULL, NULL}
};

const LClass llinear_class = {
  LLINEAR_TNAME, sizeof(LLinear), LLINEAR_NUV, offsetof(LLinear, kept), USE_A,
  name, linear_get, linear_set, NULL
};

void llinear_register(lua_State *L) {
  lnn_newclass(L, &llinear_class, methods);
  lua_pushcfunction(L, linear_new);
  lua_setfield(L, -2, "Linear");
}
