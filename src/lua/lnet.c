/*
 * lnet.c -- the training loops of nn.Sequential, run in C (net.h) when
 * every module is a C module: no Lua call and no allocation per step.
 * Internal functions of nnlab.core.nn, for lua/nnlab/nn.lua and train.lua:
 *
 *   _sgd(modules, loss, X, Y, iters, lr)      Sequential:sgd's loop
 *   _cache()                                  buffers kept across epochs
 *   _fit_begin(modules, loss, X, Y, opt, batch, shuffle, cache)
 *   _fit_run(cache, s, nsteps)                fit's steps of one epoch
 *   _evaluate(modules, loss, X, Y, threshold, chunk, cache)
 *                                             fit's per-epoch measure
 *
 * The Lua side checks the arguments and calls these; a function here
 * returns nil (or false) and the reason, a string, when the net has
 * something it does not run (a
 * module written in Lua, a loss without a gradient, labels the loss
 * refuses, shapes that do not chain, an optimizer written in Lua), and the
 * Lua loop then runs instead and reports any error in its own words.
 * Afterwards every module is left as the Lua loop leaves it: its copies of
 * the last step's input and output, the gradients, the batch size.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "clock.h"
#include "lmatrix.h"
#include "net.h"
#include "lnn.h"

/* Are the parameters and gradients the Linear at idx points to still its
   user values (lnn_intact)?  debug.setuservalue can swap them, and the loop
   would write into collected ones. */
static int linear_intact(lua_State *L, int idx, LLinear *lin) {
  return lnn_intact(L, idx, &llinear_class, lin, 0xF);  /* user values 1 to 4 */
}

/* The module of class c at idx, or NULL.  The Lua loop calls a module's
   methods through its metatable, so one given another metatable
   (debug.setmetatable) is left to it. */
static void *module(lua_State *L, int idx, const LClass *c) {
  return luaL_testudata(L, idx, c->tname) ? lnn_test(L, idx, c) : NULL;
}

/* Fill net from the modules (a table at index 1) and the loss (at 2) for X
   and Y; the layers go in a new userdata pushed on the stack, whose user
   value is a copy of the list of modules (so that they live as long as the
   layers point into them, whatever becomes of the list).  Returns 0, with
   nothing pushed and the reason in why (WHYLEN bytes), when the C loop
   cannot run this net. */
#define WHYLEN 96
#define DECLINE(...) (snprintf(why, WHYLEN, __VA_ARGS__), 0)

static int describe(lua_State *L, Net *net, const Mat *X, const Mat *Y, char *why) {
  LLoss *loss = (LLoss *)module(L, 2, &lloss_class);
  int i, j, n = (int)lua_rawlen(L, 1), rows = X->rows;
  NnLossKind k;
  if (loss == NULL)
    return DECLINE("the loss is not one of nn's");
  if (n == 0)
    return DECLINE("the net has no modules");
  if (lua_getmetatable(L, 1)) {  /* a list with metamethods: leave it to Lua */
    lua_pop(L, 1);
    return DECLINE("the list of modules has a metatable");
  }
  memset(net, 0, sizeof *net);
  k = loss->l.kind;
  if (k != NN_SQUARED && k != NN_NLL && k != NN_NLLM && k != NN_HINGE)
    return DECLINE("the loss %s has no gradient", nn_loss_name(k));
  if (k == NN_HINGE && nn_hinge_bad_label(Y) >= 0)
    return DECLINE("a label is not -1 or +1 (Hinge)");
  net->n = n;
  net->in = rows;
  net->loss = loss->l;
  net->layer = (NetLayer *)lua_newuserdatauv(L, (size_t)n * sizeof(NetLayer), 1);
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    NetLayer *l = &net->layer[i];
    void *ud;
    const char *bad = NULL;
    lua_rawgeti(L, 1, i + 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, i + 1);
    ud = lua_touserdata(L, -1);
    for (j = 0; ud != NULL && j < i; j++) {  /* a module twice: leave it to Lua */
      lua_rawgeti(L, 1, j + 1);
      if (lua_touserdata(L, -1) == ud) {
        ud = NULL;
        bad = "is in the net twice";
      }
      lua_pop(L, 1);
    }
    if (ud != NULL && module(L, -1, &llinear_class)) {
      LLinear *lin = (LLinear *)ud;
      if (lin->m != rows || !linear_intact(L, -1, lin)) {
        bad = lin->m != rows ? "does not take the rows before it" : "lost its matrices";
        ud = NULL;
      }
      l->linear = 1;
      l->W = lin->W;
      l->W0 = lin->W0;
      l->dW = lin->dW;
      l->dW0 = lin->dW0;
      l->out = rows = lin->n;
    } else if (ud != NULL && module(L, -1, &lact_class)) {
      LAct *a = (LAct *)ud;
      l->linear = 0;
      l->act = a->kind;
      l->alpha = a->alpha;
      l->out = rows;
    } else if (bad == NULL) {
      bad = lua_istable(L, -1) ? "is written in Lua"
          : luaL_testudata(L, -1, LDROPOUT_TNAME) ? "is a Dropout (the C loop draws no masks)"
          : "is not one of nn's modules";
      ud = NULL;
    }
    lua_pop(L, 1);
    if (ud == NULL) {
      lua_pop(L, 2);  /* the copy and the layers */
      return DECLINE("module %d %s", i + 1, bad);
    }
  }
  lua_setiuservalue(L, -2, 1);
  if (rows != Y->rows) {
    lua_pop(L, 1);
    return DECLINE("the net gives %d rows, Y has %d", rows, Y->rows);
  }
  net->fused = (net->layer[n - 1].linear == 0) &&
    ((net->layer[n - 1].act == NN_SOFTMAX && k == NN_NLLM) ||
     (net->layer[n - 1].act == NN_SIGMOID && k == NN_NLL));
  return 1;
}

/* Leave every module (those of the layers userdata at index layers) and
   the loss (at index lidx) as the Lua loop would after the step whose
   numbers are in the buffers. */
static void sync(lua_State *L, Net *net, int layers, int lidx) {
  int i, n = net->n, b = net->b, mods;
  LLoss *loss = (LLoss *)lua_touserdata(L, lidx);
  Mat *G = NULL;
  lidx = lua_absindex(L, lidx);
  lua_getiuservalue(L, layers, 1);
  mods = lua_gettop(L);
  for (i = 0; i < n; i++) {
    NetLayer *l = &net->layer[i];
    lua_rawgeti(L, mods, i + 1);
    if (l->linear) {
      LLinear *lin = (LLinear *)lua_touserdata(L, -1);
      lin->b = -1;  /* until its A is this step's */
      lnn_intact(L, -1, &llinear_class, lin, llinear_class.caches);
      if (lin->A == NULL || lin->A->cols != b) {
        lin->A = NULL;
        lin->A = lnn_buffer(L, -1, LLINEAR_UV_A, lin->m, b);
      }
      mat_copy(lin->A, &net->A[i]);
      lin->b = b;
    } else {
      LAct *a = (LAct *)lua_touserdata(L, -1);
      lnn_intact(L, -1, &lact_class, a, lact_class.caches);
      if (a->Z == NULL || a->Z->rows != l->out || a->Z->cols != b) {
        Mat *Z, *A;
        a->Z = a->A = NULL;  /* until both have the new shape */
        Z = lnn_buffer(L, -1, LACT_UV_Z, l->out, b);
        A = lnn_buffer(L, -1, LACT_UV_A, l->out, b);
        a->Z = Z;
        a->A = A;
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
  lnn_intact(L, lidx, &lloss_class, loss, lloss_class.caches);
  if (loss->G == NULL || loss->G->rows != net->Y.rows || loss->G->cols != b) {
    Mat *G2, *Y2;
    loss->G = loss->Y = NULL;  /* until both have the new shape */
    G2 = lnn_buffer(L, lidx, LLOSS_UV_G, net->Y.rows, b);
    Y2 = lnn_buffer(L, lidx, LLOSS_UV_Y, net->Y.rows, b);
    loss->G = G2;
    loss->Y = Y2;
  }
  mat_copy(loss->G, net->fused ? G : &net->A[n]);
  mat_copy(loss->Y, &net->Y);
  lua_pop(L, 1);  /* the modules */
}

/* nil (or false) and the reason the C loop declined */
static int decline(lua_State *L, int b, const char *why) {
  if (b)
    lua_pushboolean(L, 0);
  else
    lua_pushnil(L);
  lua_pushstring(L, why);
  return 2;
}
#define declined(L, why) decline(L, 0, why)

/* _sgd(modules, loss, X, Y, iters, lr) -> the mean loss per step, or nil
   and the reason when the Lua loop must run instead. */
static int l_sgd(lua_State *L) {
  char why[WHYLEN];
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
    return declined(L, "the arguments are for the Lua loop to refuse");
  if (!describe(L, &net, X, Y, why))
    return declined(L, why);
  if (iters == 0) {
    lua_pushinteger(L, 0);
    return 1;
  }
  net_bind(&net, 1, 1, lua_newuserdatauv(L, net_memsize(&net, 1, 1), 0));
  rc = net_sgd(&net, X, Y, (long)iters, lr, lmat_rng(L), &sum, &done);
  if (done > 0 || rc != MAT_OK)
    sync(L, &net, 7, 2);
  if (rc != MAT_OK)
    return lmat_interrupted(L, "sgd");
  lua_pushnumber(L, sum / (double)iters);
  return 1;
}

/*
 * fit's inner loop.  _fit_begin(modules, loss, X, Y, opt, batch, shuffle),
 * called at the start of every epoch, returns a job for the epoch (or
 * nothing: the Lua loop runs the epoch): it draws the epoch's permutation
 * when shuffle is true, as the Lua loop does, and takes the optimizer's
 * state of every parameter (made when missing, as opt:step makes it).
 * _fit_run(job, s, nsteps) then runs steps s + 1 .. nsteps of the epoch
 * (each: the batch, backprop, the optimizer's step with scale 1/b) and
 * returns after about a tenth of a second, so that fit can show progress:
 * the steps done, the sum of their losses and the samples they saw.  Ctrl-C
 * stops it after a whole step (fit then polls and stops).
 */

/* A job is also the cache of the buffers fit needs from epoch to epoch
   (_cache() makes one): made once, they are reused while their sizes fit,
   so that training a big data set for many epochs does not leave a trail
   of garbage for the collector. */
enum { JOB_LAYERS = 1, JOB_ORDER, JOB_WORK, JOB_TAIL, JOB_MODULES, JOB_LOSS, JOB_X, JOB_Y,
       JOB_OPT, JOB_STATES, JOB_EVAL, JOB_EVALTAIL, JOB_PRED, JOB_NUV = JOB_PRED };

#define JOB_TNAME "nn.FitJob"

typedef struct Job {
  const LClass *cls;
  Net net;           /* net.layer is in user value JOB_LAYERS */
  OptConf conf;
  Mat *X, *Y;        /* user values JOB_X, JOB_Y */
  LLoss *loss;       /* user value JOB_LOSS */
  size_t n, *order;  /* order: the epoch's columns, 0-based (JOB_ORDER) */
  int batch, mode;   /* mode: 0 in order, 1 shuffled, 2 drawn with replacement */
  int ready;         /* _fit_begin has set up an epoch */
  void *made[JOB_NUV];   /* the raw userdata this job made, by user value */
  size_t size[JOB_NUV];  /* and their sizes */
} Job;

static const LClass job_class = {JOB_TNAME, sizeof(Job), JOB_NUV, 0, 0, NULL, NULL, NULL, NULL};

/* Is user value uv of the job at index j the raw userdata the job made?
   Lua code can put anything there (debug.setuservalue), a matrix say,
   whose header the loop would then write over. */
static int held(lua_State *L, int j, const Job *job, int uv) {
  void *p;
  lua_getiuservalue(L, j, uv);
  p = lua_touserdata(L, -1);
  p = p != NULL && p == job->made[uv - 1] && lua_rawlen(L, -1) == job->size[uv - 1] ? p : NULL;
  lua_pop(L, 1);
  return p != NULL;
}

/* User value uv of the job at index j: a userdata of at least size bytes,
   the one the job made there if it is big enough, else a new one. */
static void *buffer(lua_State *L, int j, int uv, size_t size) {
  Job *job = (Job *)lua_touserdata(L, j);
  void *p;
  j = lua_absindex(L, j);
  if (size == 0)
    size = 1;
  if (held(L, j, job, uv) && job->size[uv - 1] >= size)
    return job->made[uv - 1];
  p = lua_newuserdatauv(L, size, 0);
  lua_setiuservalue(L, j, uv);
  job->made[uv - 1] = p;
  job->size[uv - 1] = size;
  return p;
}

/* _cache() -> a job, empty */
static int l_cache(lua_State *L) {
  Job *job = (Job *)lua_newuserdatauv(L, sizeof(Job), JOB_NUV);
  memset(job, 0, sizeof *job);
  job->cls = &job_class;
  lmat_setclass(L, JOB_TNAME);
  return 1;
}

/* The state tables' names of the optimizers' matrices, as opt:state has them. */
static const char *const statenames[4][2] = {
  {NULL, NULL}, {"M", NULL}, {"G", NULL}, {"m", "v"}
};

/* The C optimizer at index idx: its configuration, read through its fields. */
static int optconf(lua_State *L, int idx, OptConf *c) {
  static const char *const hyper[] = {"lr", "gamma", "beta1", "beta2", "eps", "weight_decay"};
  double *dst[6];
  int k;
  const char *kind;
  if (!luaL_testudata(L, idx, LOPTIM_TNAME))
    return 0;
  lua_getfield(L, idx, "kind");
  kind = lua_tostring(L, -1);
  for (k = 0; k < 4 && (kind == NULL || strcmp(kind, optim_name((OptKind)k)) != 0); k++)
    ;
  lua_pop(L, 1);
  if (k == 4)
    return 0;
  memset(c, 0, sizeof *c);
  c->kind = (OptKind)k;
  dst[0] = &c->lr; dst[1] = &c->gamma; dst[2] = &c->beta1; dst[3] = &c->beta2;
  dst[4] = &c->eps; dst[5] = &c->weight_decay;
  for (k = 0; k < 6; k++) {
    if (lua_getfield(L, idx, hyper[k]) == LUA_TNUMBER)
      *dst[k] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return 1;
}

/* The state matrices of a parameter shaped like P from its state table (on
   the top), read raw, into S; 0 when one is missing or misshapen. */
static int stepstate(lua_State *L, const OptConf *c, const Mat *P, Mat **S) {
  int k, nstate = optim_nstate(c->kind);
  S[0] = S[1] = NULL;
  for (k = 0; k < nstate; k++) {
    lua_pushstring(L, statenames[c->kind][k]);
    lua_rawget(L, -2);
    S[k] = lmat_test(L, -1);
    lua_pop(L, 1);
    if (S[k] == NULL || S[k]->rows != P->rows || S[k]->cols != P->cols)
      return 0;
  }
  return 1;
}

/* The optimizer's state of parameter P (at index p), made when missing as
   opt:step makes it, into S and t; the state table is left on the stack.
   Returns 0, with nothing left, when the state is not as opt:step wants it
   (opt:step will then say what is wrong). */
static int paramstate(lua_State *L, int opt, int p, const OptConf *c, Mat **S, double *t) {
  const Mat *P = (const Mat *)lua_touserdata(L, p);
  int k, nstate = optim_nstate(c->kind);
  lua_getfield(L, opt, "state");
  lua_pushvalue(L, opt);
  lua_pushvalue(L, p);
  lua_call(L, 2, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "t");
    for (k = 0; k < nstate; k++) {
      lmat_push(L, P->rows, P->cols);
      lua_setfield(L, -2, statenames[c->kind][k]);
    }
    lua_getfield(L, opt, "state");
    lua_pushvalue(L, opt);
    lua_pushvalue(L, p);
    lua_pushvalue(L, -4);
    lua_call(L, 3, 0);
  }
  if (!lua_istable(L, -1))
    return lua_pop(L, 1), 0;
  /* raw: a metamethod here could change what was read before (stepstate) */
  lua_pushliteral(L, "t");
  lua_rawget(L, -2);
  if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
    return lua_pop(L, 2), 0;
  *t = (double)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return stepstate(L, c, P, S);
}

/* _fit_begin(modules, loss, X, Y, opt, batch, shuffle, job) -> true when
   the job is set up for an epoch in C, false and the reason when the Lua
   loop must run it. */
static int l_fit_begin(lua_State *L) {
  char why[WHYLEN];
  Job *job = (Job *)lnn_check(L, 8, &job_class);
  Net net;
  OptConf conf;
  Mat *X = lmat_check(L, 3), *Y = lmat_check(L, 4);
  lua_Integer batch = luaL_checkinteger(L, 6);
  int mode = lua_isstring(L, 7) ? 2 : lua_toboolean(L, 7), i, states;
  lua_settop(L, 8);
  luaL_checktype(L, 1, LUA_TTABLE);
  job->ready = 0;
  lua_pushboolean(L, 0);
  if (X->cols != Y->cols || X->cols == 0 || batch < 1 || batch > X->cols)
    return decline(L, 1, "the arguments are for the Lua loop to refuse");
  if (!optconf(L, 5, &conf))
    return decline(L, 1, "the optimizer is not one of nn's");
  if (!describe(L, &net, X, Y, why))
    return decline(L, 1, why);
  /* 10: the layers.  Every parameter's state, in a table (11). */
  lua_createtable(L, 2 * net.n, 0);
  states = lua_gettop(L);
  for (i = 0; i < net.n; i++) {
    NetLayer *l = &net.layer[i];
    int w;
    if (!l->linear)
      continue;
    for (w = 0; w < 2; w++) {
      lua_getiuservalue(L, 10, 1);  /* the layer's own W or W0, the optimizer's key */
      lua_rawgeti(L, -1, i + 1);
      lua_getiuservalue(L, -1, w == 0 ? LLINEAR_UV_W : LLINEAR_UV_W0);
      lua_replace(L, -3);
      lua_pop(L, 1);
      if (!paramstate(L, 5, lua_gettop(L), &conf, l->S[w], &l->t[w]))
        return decline(L, 1, "the optimizer's state is not as opt:step makes it");
      lua_rawseti(L, states, 2 * i + w + 1);
      lua_pop(L, 1);  /* the matrix */
    }
  }
  job->net = net;
  job->conf = conf;
  job->X = X;
  job->Y = Y;
  job->loss = (LLoss *)lua_touserdata(L, 2);  /* describe proved it */
  job->made[JOB_LAYERS - 1] = net.layer;
  job->size[JOB_LAYERS - 1] = lua_rawlen(L, 10);
  job->n = (size_t)X->cols;
  job->batch = (int)batch;
  job->mode = mode;
  lua_pushvalue(L, 10);
  lua_setiuservalue(L, 8, JOB_LAYERS);
  lua_pushvalue(L, states);
  lua_setiuservalue(L, 8, JOB_STATES);
  for (i = 1; i <= 5; i++) {  /* modules, loss, X, Y, opt */
    lua_pushvalue(L, i);
    lua_setiuservalue(L, 8, JOB_MODULES + i - 1);
  }
  job->order = (size_t *)buffer(L, 8, JOB_ORDER, job->n * sizeof(size_t));
  if (mode != 2)
    net_order(job->order, job->n, job->n, mode == 1 ? NET_SHUFFLE : NET_INORDER, lmat_rng(L));
  job->ready = 1;
  lua_pushboolean(L, 1);
  return 1;
}

/* The buffers for batches of b columns (the job at index 1). */
static void bind(lua_State *L, Job *job, int b) {
  if (job->net.b == b && job->net.A != NULL)
    return;
  net_bind(&job->net, b, 1, buffer(L, 1, b == job->batch ? JOB_WORK : JOB_TAIL,
                                   net_memsize(&job->net, b, 1)));
}

/*
 * What _fit_run checks when it starts again.  Between two stretches of an
 * epoch Lua code runs (fit's progress display, its output's write method,
 * a hook), and the loop holds pointers into what it can reach:
 *   - the job's own user values (the layers, the order, X, Y, the loss, the
 *     state tables): only debug.setuservalue changes them, so each must
 *     still be the one the job took (held, and the class proved), or the
 *     loop would follow a pointer into something else;
 *   - every module of the layers' list (the copy in the layers' user value):
 *     the class proved, and a Linear's W, W0, dW, dW0 still its user values
 *     and the layer's (linear_intact): the loop writes into all four;
 *   - the optimizer's state matrices: plain table fields that opt:step
 *     reads every step, so Lua code may replace them (st.m = M) and the Lua
 *     loop would go on with the new ones: read again (stepstate), shapes
 *     checked.
 * Nothing else is read again: the hyperparameters, the activations' kind and
 * alpha and the loss's kind cannot change after construction, and the work
 * buffers are looked up when bound (buffer).  The job is at index 1.
 */
static int unchanged(lua_State *L, Job *job) {
  int i, w, ok, top = lua_gettop(L);
  ok = held(L, 1, job, JOB_LAYERS) && held(L, 1, job, JOB_ORDER) &&
       lua_getiuservalue(L, 1, JOB_X) == LUA_TUSERDATA && lmat_test(L, -1) == job->X &&
       lua_getiuservalue(L, 1, JOB_Y) == LUA_TUSERDATA && lmat_test(L, -1) == job->Y &&
       lua_getiuservalue(L, 1, JOB_LOSS) == LUA_TUSERDATA &&
       lnn_test(L, -1, &lloss_class) == job->loss &&
       lua_getiuservalue(L, 1, JOB_STATES) == LUA_TTABLE &&  /* top + 4 */
       lua_getiuservalue(L, 1, JOB_LAYERS) != LUA_TNONE &&
       lua_getiuservalue(L, -1, 1) == LUA_TTABLE;             /* top + 6: the modules */
  for (i = 0; ok && i < job->net.n; i++) {
    NetLayer *l = &job->net.layer[i];
    void *m;
    lua_rawgeti(L, top + 6, i + 1);
    m = lnn_test(L, -1, l->linear ? &llinear_class : &lact_class);
    ok = m != NULL && (!l->linear || (linear_intact(L, -1, (LLinear *)m) &&
                                      ((LLinear *)m)->W == l->W));
    lua_pop(L, 1);
    for (w = 0; ok && l->linear && w < 2; w++) {
      lua_rawgeti(L, top + 4, 2 * i + w + 1);
      ok = lua_istable(L, -1) && stepstate(L, &job->conf, w == 0 ? l->W : l->W0, l->S[w]);
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  return ok;
}

static int l_fit_run(lua_State *L) {
  Job *job = (Job *)lnn_check(L, 1, &job_class);
  lua_Integer s = luaL_checkinteger(L, 2), nsteps = luaL_checkinteger(L, 3), done = 0;
  double sum = 0.0, seen = 0.0, until = clock_seconds() + 0.1;
  Rng *rng = lmat_rng(L);
  int i, rc = MAT_OK;
  lua_settop(L, 3);
  if (!job->ready)
    return luaL_error(L, "_fit_run: the job has no epoch set up");
  job->net.A = NULL;  /* bind the buffers again (buffer checks them) */
  if (!unchanged(L, job))
    return luaL_error(L, "fit: the net's matrices or the optimizer's state were replaced "
                         "during the epoch");
  for (; s < nsteps; s++) {
    size_t *idx;
    int b = job->batch;
    double loss;
    if (job->mode == 2) {
      idx = job->order;
      net_order(idx, (size_t)b, job->n, NET_REPLACE, rng);
      bind(L, job, b);
      net_gather(&job->net, job->X, job->Y, idx);
    } else {
      size_t first = (size_t)s * (size_t)job->batch;
      if (first >= job->n)
        break;
      if (job->n - first < (size_t)b)
        b = (int)(job->n - first);
      bind(L, job, b);
      if (job->mode == 0)  /* in order: the columns are neighbours, read in place */
        net_view(&job->net, job->X, job->Y, first);
      else
        net_gather(&job->net, job->X, job->Y, job->order + first);
    }
    rc = net_backprop(&job->net, &loss);
    if (rc != MAT_OK)
      break;
    net_optim_update(&job->net, &job->conf, b == 1 ? 1.0 : 1.0 / b);
    done++;
    sum += loss;
    seen += b;
    if (mat_interrupted || clock_seconds() > until)
      break;
  }
  if (done > 0 || rc != MAT_OK) {  /* leave everything as the Lua loop would */
    net_unview(&job->net);
    lua_getiuservalue(L, 1, JOB_LAYERS);
    lua_getiuservalue(L, 1, JOB_LOSS);
    sync(L, &job->net, 4, 5);
    lua_settop(L, 3);
  }
  /* the step counts into the state tables, and into opt.steps */
  lua_getiuservalue(L, 1, JOB_STATES);
  for (i = 0; i < job->net.n; i++) {
    NetLayer *l = &job->net.layer[i];
    int w;
    for (w = 0; l->linear && w < 2; w++) {
      lua_rawgeti(L, 4, 2 * i + w + 1);
      lua_pushinteger(L, (lua_Integer)l->t[w]);
      lua_setfield(L, -2, "t");
      lua_pop(L, 1);
    }
  }
  lua_getiuservalue(L, 1, JOB_OPT);
  lua_getfield(L, -1, "steps");
  lua_pushinteger(L, lua_tointeger(L, -1) + done);
  lua_setfield(L, -3, "steps");
  lua_pushinteger(L, done);
  lua_pushnumber(L, sum);
  lua_pushnumber(L, seen);
  return 3;
}

/* _evaluate(modules, loss, X, Y, threshold, chunk) -> the loss (the sum of
   Sequential:evaluate's losses over the chunks of chunk columns, in order)
   and a 1 x n matrix of the predicted classes, as fit's measure makes them
   from the outputs (one row: 2 where >= threshold, 1 elsewhere, 0 for NaN;
   more rows: the row of the column's first maximum); or nothing when the Lua
   path must run.  The modules are left as after the last chunk. */
static int l_evaluate(lua_State *L) {
  char why[WHYLEN];
  Net net;
  Mat *X = lmat_check(L, 3), *Y = lmat_check(L, 4), *P;
  double threshold = luaL_checknumber(L, 5), sum = 0.0;
  lua_Integer chunk = luaL_checkinteger(L, 6);
  size_t first, n = (size_t)X->cols, j;
  lnn_check(L, 7, &job_class);  /* the cache of buffers */
  lua_settop(L, 7);
  luaL_checktype(L, 1, LUA_TTABLE);
  if (X->cols != Y->cols || X->cols == 0 || chunk < 1)
    return declined(L, "the arguments are for the Lua loop to refuse");
  if (!describe(L, &net, X, Y, why))
    return declined(L, why);
  if ((size_t)chunk > n)
    chunk = (lua_Integer)n;
  if (lua_getiuservalue(L, 7, JOB_PRED) == LUA_TUSERDATA &&
      (P = lmat_test(L, -1)) != NULL && P->cols == (int)n) {
    ;  /* the last call's, reused */
  } else {
    lua_pop(L, 1);
    P = lmat_push_raw(L, 1, (int)n);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 7, JOB_PRED);
  }
  /* 9: P */
  for (first = 0; first < n; first += (size_t)chunk) {
    int b = n - first < (size_t)chunk ? (int)(n - first) : (int)chunk, r = net.layer[net.n - 1].out;
    double loss;
    Mat *A, pred;
    if (b != net.b || net.A == NULL)
      net_bind(&net, b, 0, buffer(L, 7, b == chunk ? JOB_EVAL : JOB_EVALTAIL,
                                  net_memsize(&net, b, 0)));
    A = &net.A[net.n];
    net_view(&net, X, Y, first);
    if (net_evaluate(&net, &loss) != MAT_OK) {
      net_unview(&net);
      sync(L, &net, 8, 2);
      return lmat_interrupted(L, "evaluate");
    }
    sum += loss;
    pred.rows = 1;
    pred.cols = b;
    pred.v = P->v + first;
    if (r == 1) {
      for (j = 0; j < (size_t)b; j++) {
        double a = A->v[j];
        pred.v[j] = a != a ? 0.0 : a >= threshold ? 2.0 : 1.0;
      }
    } else {
      mat_argmax_axis(&pred, A, 1);
      for (j = 0; j < (size_t)b; j++)
        pred.v[j] += 1.0;
    }
  }
  net_unview(&net);
  sync(L, &net, 8, 2);
  lua_pushnumber(L, sum);
  lua_pushvalue(L, 9);
  return 2;
}

void lnet_register(lua_State *L) {
  lua_pushcfunction(L, l_cache);
  lua_setfield(L, -2, "_cache");
  lua_pushcfunction(L, l_evaluate);
  lua_setfield(L, -2, "_evaluate");
  lua_pushcfunction(L, l_sgd);
  lua_setfield(L, -2, "_sgd");
  luaL_newmetatable(L, JOB_TNAME);
  lua_pop(L, 1);
  lua_pushcfunction(L, l_fit_begin);
  lua_setfield(L, -2, "_fit_begin");
  lua_pushcfunction(L, l_fit_run);
  lua_setfield(L, -2, "_fit_run");
}
