/*
 * lloss.c -- the loss modules: nn.Squared(), nn.NLL(), nn.NLLM(), nn.Hinge(),
 * and for evaluation nn.ZeroOne([threshold]) and
 * nn.Asymmetric(c_fp, c_fn [, threshold]).
 *
 * One userdata type for all of them.  forward(Ypred, Y) returns the loss
 * summed over the batch and keeps copies of Ypred and Y (user values, reused
 * while the shape stays the same) for backward(), which returns dL/dYpred.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "nn.h"
#include "lnn.h"

enum { USE_G = 1 << (LLOSS_UV_G - 1), USE_Y = 1 << (LLOSS_UV_Y - 1) };

/* In methods: self.  Copies that are no longer the user values
   (debug.setuservalue) are forgotten (lnn_self). */
static LLoss *self(lua_State *L) {
  return (LLoss *)lnn_self(L, &lloss_class, USE_G | USE_Y);
}

static int is01(NnLossKind k) {
  return k == NN_ZEROONE || k == NN_ASYMMETRIC;
}

/* "NLLM()", "ZeroOne()", "ZeroOne(0)", "Asymmetric(1, 5)", "Asymmetric(1, 5, 0)" */
static const char *name(char *buf, const void *obj) {
  const LLoss *s = (const LLoss *)obj;
  char a[32], b[32], t[32];
  const NnLoss *l = &s->l;
  const char *nm = nn_loss_name(l->kind);
  if (l->kind == NN_ASYMMETRIC)
    snprintf(buf, 128, "%s(%s, %s%s%s)", nm, lnn_num(a, l->c_fp), lnn_num(b, l->c_fn),
             l->threshold != 0.5 ? ", " : "", l->threshold != 0.5 ? lnn_num(t, l->threshold) : "");
  else if (l->kind == NN_ZEROONE && l->threshold != 0.5)
    snprintf(buf, 128, "%s(%s)", nm, lnn_num(t, l->threshold));
  else
    snprintf(buf, 128, "%s()", nm);
  return buf;
}

/* The constructors: the kind is upvalue 1. */
static int loss_new(lua_State *L) {
  NnLossKind kind = (NnLossKind)lua_tointeger(L, lua_upvalueindex(1));
  NnLoss l = {kind, 0.5, 0.0, 0.0};
  LLoss *s;
  if (kind == NN_ZEROONE)
    l.threshold = luaL_optnumber(L, 1, 0.5);
  if (kind == NN_ASYMMETRIC) {
    l.c_fp = luaL_checknumber(L, 1);
    l.c_fn = luaL_checknumber(L, 2);
    l.threshold = luaL_optnumber(L, 3, 0.5);
    luaL_argcheck(L, isfinite(l.c_fp) && l.c_fp >= 0, 1, "cost must be finite and >= 0");
    luaL_argcheck(L, isfinite(l.c_fn) && l.c_fn >= 0, 2, "cost must be finite and >= 0");
  }
  luaL_argcheck(L, isfinite(l.threshold), kind == NN_ASYMMETRIC ? 3 : 1,
                "threshold must be a finite number");
  s = (LLoss *)lua_newuserdatauv(L, sizeof(LLoss), LLOSS_NUV);
  s->cls = &lloss_class;
  s->l = l;
  s->G = s->Y = NULL;
  lmat_setclass(L, LLOSS_TNAME);
  return 1;
}

static int loss_get(lua_State *L, void *obj, const char *k) {
  const LLoss *s = (const LLoss *)obj;
  if (strcmp(k, "kind") == 0)
    lua_pushstring(L, nn_loss_name(s->l.kind));
  else if (strcmp(k, "threshold") == 0 && is01(s->l.kind))
    lua_pushnumber(L, s->l.threshold);
  else if (strcmp(k, "c_fp") == 0 && s->l.kind == NN_ASYMMETRIC)
    lua_pushnumber(L, s->l.c_fp);
  else if (strcmp(k, "c_fn") == 0 && s->l.kind == NN_ASYMMETRIC)
    lua_pushnumber(L, s->l.c_fn);
  else
    return 0;
  return 1;
}

/* Ypred (or Z) at 2 and Y at 3 must have the same shape. */
static void checkpair(lua_State *L, LLoss *s, const char *op, const char *what,
                      Mat **G, Mat **Y) {
  char nm[128], sa[32], sb[32];
  *G = lmat_check(L, 2);
  *Y = lmat_check(L, 3);
  if ((*G)->rows != (*Y)->rows || (*G)->cols != (*Y)->cols)
    luaL_error(L, "%s: %s: %s is %s but Y is %s (they must have the same shape)",
               name(nm, s), op, what, lmat_shapestr(sa, *G), lmat_shapestr(sb, *Y));
}

/* The buffers for copies of Ypred and Y, rows x cols. */
static void buffers(lua_State *L, LLoss *s, int rows, int cols) {
  if (s->G == NULL || s->G->rows != rows || s->G->cols != cols) {
    Mat *G, *Y;
    s->G = s->Y = NULL;  /* until both have the new shape (memory may run out) */
    G = lnn_buffer(L, 1, LLOSS_UV_G, rows, cols);
    Y = lnn_buffer(L, 1, LLOSS_UV_Y, rows, cols);
    s->G = G;
    s->Y = Y;
  }
}

/* loss:forward(Ypred, Y) -> the loss, a number (summed over the batch) */
static int loss_forward(lua_State *L) {
  LLoss *s = self(L);
  Mat *G, *Y;
  char nm[128];
  double v;
  checkpair(L, s, "forward", "Ypred", &G, &Y);
  if (s->l.kind == NN_HINGE) {
    long bad = nn_hinge_bad_label(Y);
    char num[32];
    if (bad >= 0)
      return luaL_error(L, "%s: forward: label Y(%d, %d) is %s, expected -1 or +1",
                        name(nm, s), (int)(bad / Y->cols) + 1, (int)(bad % Y->cols) + 1,
                        lnn_num(num, Y->v[bad]));
  }
  if (s->l.kind == NN_ASYMMETRIC && G->rows > 2)
    return luaL_error(L, "%s: forward: Ypred has %d rows; the asymmetric loss needs 1 "
                      "(a score, positive iff >= threshold) or 2 (class 2 positive)",
                      name(nm, s), G->rows);
  buffers(L, s, G->rows, G->cols);
  mat_copy(s->G, G);
  mat_copy(s->Y, Y);
  if (nn_loss_forward(&s->l, s->G, s->Y, &v) != MAT_OK) {
    s->G = s->Y = NULL;  /* no backward for a forward cut short */
    return lmat_interrupted(L, "loss forward");
  }
  lua_pushnumber(L, v);
  return 1;
}

/* loss:backward() -> dL/dYpred for the last forward */
static int loss_backward(lua_State *L) {
  LLoss *s = self(L);
  Mat *dG;
  char nm[128];
  if (is01(s->l.kind))
    return luaL_error(L, "%s: backward: a 0-1 loss is for evaluation only, its gradient "
                      "is zero or undefined (train with NLL, NLLM, Hinge or Squared)",
                      name(nm, s));
  if (s->G == NULL)
    return luaL_error(L, "%s: backward called before forward", name(nm, s));
  dG = lmat_push_raw(L, s->G->rows, s->G->cols);
  if (nn_loss_backward(&s->l, dG, s->G, s->Y) != MAT_OK)
    return lmat_interrupted(L, "loss backward");
  return 1;
}

/* loss:forward_logits(Z, Y) -> loss, dLdZ: NLL after Sigmoid, NLLM after
   SoftMax, computed from the logits Z.  Afterwards backward() gives dL/dYpred
   at Ypred = the activation of Z. */
static int loss_forward_logits(lua_State *L) {
  LLoss *s = self(L);
  Mat *Z, *Y, *dZ;
  char nm[128];
  double v;
  if (s->l.kind != NN_NLL && s->l.kind != NN_NLLM)
    return luaL_error(L, "%s: forward_logits: only NLL (after Sigmoid) and NLLM "
                      "(after SoftMax) have a fused path", name(nm, s));
  checkpair(L, s, "forward_logits", "Z", &Z, &Y);
  buffers(L, s, Z->rows, Z->cols);
  mat_copy(s->Y, Y);
  dZ = lmat_push_like(L, Z->rows, Z->cols, 2);
  if (nn_loss_logits(s->l.kind, Z, s->Y, &v, s->G, dZ) != MAT_OK) {
    s->G = s->Y = NULL;
    return lmat_interrupted(L, "loss forward_logits");
  }
  lua_pushnumber(L, v);
  lua_insert(L, -2);
  return 2;
}

static const luaL_Reg methods[] = {
  {"forward", loss_forward},
  {"backward", loss_backward},
  {"forward_logits", loss_forward_logits},
  {NULL, NULL}
};

const LClass lloss_class = {
  LLOSS_TNAME, sizeof(LLoss), LLOSS_NUV, offsetof(LLoss, kept), USE_G | USE_Y,
  name, loss_get, NULL, "losses have no settable fields"
};

void lloss_register(lua_State *L) {
  static const NnLossKind kinds[] = {
    NN_SQUARED, NN_NLL, NN_NLLM, NN_HINGE, NN_ZEROONE, NN_ASYMMETRIC
  };
  size_t i;
  lnn_newclass(L, &lloss_class, methods);
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    lua_pushinteger(L, kinds[i]);
    lua_pushcclosure(L, loss_new, 1);
    lua_setfield(L, -2, nn_loss_name(kinds[i]));
  }
}
