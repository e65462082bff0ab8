/*
 * lnet.c -- the training loops of nn.Sequential, run in C (net.h) when
 * every module is a C module: no Lua call and no allocation per step.
 *
 * The Lua side (lua/nnlab/nn.lua) checks the arguments and calls these; a
 * function here returns nothing when the net has something it does not run
 * (a module written in Lua, a loss without a gradient, labels the loss
 * refuses, shapes that do not chain), and the Lua loop then runs instead and
 * reports any error in its own words.  Afterwards every module is left as
 * the Lua loop leaves it: its copies of the last step's input and output,
 * the gradients, the batch size.
 */
#include <limits.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "net.h"
#include "nn_lua.h"

/* Fill net from the modules (a table at index 1) and the loss (at 2) for X
   and Y; the layers go in a new userdata pushed on the stack.  Returns 0,
   with nothing pushed, when the C loop cannot run this net. */
static int describe(lua_State *L, Net *net, const Mat *X, const Mat *Y) {
  LLoss *loss = (LLoss *)luaL_testudata(L, 2, LLOSS_TNAME);
  int i, j, n = (int)lua_rawlen(L, 1), rows = X->rows;
  NnLossKind k;
  if (loss == NULL || n == 0)
    return 0;
  if (lua_getmetatable(L, 1)) {  /* a list with metamethods: leave it to Lua */
    lua_pop(L, 1);
    return 0;
  }
  k = loss->l.kind;
  if (k != NN_SQUARED && k != NN_NLL && k != NN_NLLM && k != NN_HINGE)
    return 0;
  if (k == NN_HINGE && nn_hinge_bad_label(Y) >= 0)
    return 0;
  net->n = n;
  net->in = rows;
  net->loss = loss->l;
  net->layer = (NetLayer *)lua_newuserdatauv(L, (size_t)n * sizeof(NetLayer), 0);
  for (i = 0; i < n; i++) {
    NetLayer *l = &net->layer[i];
    void *ud;
    lua_rawgeti(L, 1, i + 1);
    ud = lua_touserdata(L, -1);
    for (j = 0; j < i; j++) {  /* a module twice: leave it to Lua */
      lua_rawgeti(L, 1, j + 1);
      if (lua_touserdata(L, -1) == ud)
        ud = NULL;
      lua_pop(L, 1);
    }
    if (ud != NULL && luaL_testudata(L, -1, LLINEAR_TNAME)) {
      LLinear *lin = (LLinear *)ud;
      if (lin->m != rows)
        ud = NULL;
      l->linear = 1;
      l->W = lin->W;
      l->W0 = lin->W0;
      l->dW = lin->dW;
      l->dW0 = lin->dW0;
      l->out = rows = lin->n;
    } else if (ud != NULL && luaL_testudata(L, -1, LACT_TNAME)) {
      LAct *a = (LAct *)ud;
      l->linear = 0;
      l->act = a->kind;
      l->alpha = a->alpha;
      l->out = rows;
    } else {
      ud = NULL;
    }
    lua_pop(L, 1);
    if (ud == NULL) {
      lua_pop(L, 1);  /* the layers */
      return 0;
    }
  }
  if (rows != Y->rows) {
    lua_pop(L, 1);
    return 0;
  }
  net->fused = (net->layer[n - 1].linear == 0) &&
    ((net->layer[n - 1].act == NN_SOFTMAX && k == NN_NLLM) ||
     (net->layer[n - 1].act == NN_SIGMOID && k == NN_NLL));
  return 1;
}

/* Leave every module (and the loss) as the Lua loop would after the step
   whose numbers are in the buffers. */
static void sync(lua_State *L, Net *net) {
  int i, n = net->n, b = net->b;
  LLoss *loss = (LLoss *)lua_touserdata(L, 2);
  Mat *G = NULL;
  for (i = 0; i < n; i++) {
    NetLayer *l = &net->layer[i];
    lua_rawgeti(L, 1, i + 1);
    if (l->linear) {
      LLinear *lin = (LLinear *)lua_touserdata(L, -1);
      if (lin->A == NULL || lin->A->cols != b)
        lin->A = lnn_buffer(L, -1, LLINEAR_UV_A, lin->m, b);
      mat_copy(lin->A, &net->A[i]);
      lin->b = b;
    } else {
      LAct *a = (LAct *)lua_touserdata(L, -1);
      if (a->Z == NULL || a->Z->rows != l->out || a->Z->cols != b) {
        a->Z = lnn_buffer(L, -1, LACT_UV_Z, l->out, b);
        a->A = lnn_buffer(L, -1, LACT_UV_A, l->out, b);
      }
      mat_copy(a->Z, &net->A[i]);
      if (net->fused && i == n - 1)  /* not computed by the loop */
        nn_act_forward(a->kind, a->alpha, a->A, a->Z);
      else
        mat_copy(a->A, &net->A[i + 1]);
      G = a->A;
    }
    lua_pop(L, 1);
  }
  if (loss->G == NULL || loss->G->rows != net->Y.rows || loss->G->cols != b) {
    loss->G = lnn_buffer(L, 2, LLOSS_UV_G, net->Y.rows, b);
    loss->Y = lnn_buffer(L, 2, LLOSS_UV_Y, net->Y.rows, b);
  }
  mat_copy(loss->G, net->fused ? G : &net->A[n]);
  mat_copy(loss->Y, &net->Y);
}

/* _sgd(modules, loss, X, Y, iters, lr) -> the mean loss per step, or
   nothing when the Lua loop must run instead. */
static int l_sgd(lua_State *L) {
  Net net;
  Mat *X, *Y;
  lua_Integer iters;
  double lr, sum;
  long done;
  int rc;
  luaL_checktype(L, 1, LUA_TTABLE);
  X = lmat_check(L, 3);
  Y = lmat_check(L, 4);
  iters = luaL_checkinteger(L, 5);
  lr = luaL_checknumber(L, 6);
  lua_settop(L, 6);
  if (X->cols != Y->cols || X->cols == 0 || iters < 0 || iters > LONG_MAX)
    return 0;
  if (!describe(L, &net, X, Y))
    return 0;
  if (iters == 0) {
    lua_pushinteger(L, 0);
    return 1;
  }
  net_bind(&net, 1, lua_newuserdatauv(L, net_memsize(&net, 1), 0));
  rc = net_sgd(&net, X, Y, (long)iters, lr, lmat_rng(L), &sum, &done);
  if (done > 0 || rc != MAT_OK)
    sync(L, &net);
  if (rc != MAT_OK)
    return lmat_interrupted(L, "sgd");
  lua_pushnumber(L, sum / (double)iters);
  return 1;
}

void lnet_register(lua_State *L) {
  lua_pushcfunction(L, l_sgd);
  lua_setfield(L, -2, "_sgd");
}
