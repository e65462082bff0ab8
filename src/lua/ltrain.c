/*
 * ltrain.c -- C helpers of the training loop (nnlab.core.train), for
 * lua/nnlab/train.lua and lua/nnlab/netfile.lua; not a user-facing API.
 *
 *   protect(f, ...)   calls f; true, results... or false, error, interrupted
 *   poll()            raises "interrupted!" if mat_interrupted is set
 *   clock()           seconds from a monotonic clock (a float)
 *   gather(X, idx, first, count [, dst])
 *                     dst (d x count) = columns idx[first .. first+count-1] of X
 *   order(shuffle, n, count, idx)
 *                     idx[1 .. count] = the batch order (net_order in net.h)
 *                     as 1-based columns: shuffle false (in order), true (a
 *                     permutation, count = n) or 'replace' (count draws)
 *   rngstate()        a copy of the matrix random stream's state
 *   setrngstate(s)    puts such a copy back
 *
 * Ctrl-C.  lua.c answers Ctrl-C with a hook that removes itself and raises
 * "interrupted!"; C kernels that see mat_interrupted raise "OP: interrupted".
 * protect treats an error whose message ends in either as an interruption
 * and returns it as such, so that fit can return what it has learned.  The
 * nnlab REPL's hook, though, stays set until the statement that was running
 * returns (so that code catching the error with pcall is stopped too), and
 * would stop fit again at its next instruction.  A host with such a hook
 * can let training finish cleanly by putting a C function in the registry
 * under INTERRUPT_ACK ("nnlab.interrupt.ack"): protect calls it (no
 * arguments, still in C, before any Lua instruction runs) when it catches
 * an interruption, and the function should remove that host's hook and mark
 * the Ctrl-C as handled.  Without one, protect touches no hook: a hook it
 * does not know (the grader's time limit, say) keeps doing its job.
 */
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "clock.h"
#include "lmatrix.h"
#include "net.h"
#include "lnn.h"
#include "rng.h"

#define RNGSTATE_TNAME "nn.RngState"
#define INTERRUPT_ACK "nnlab.interrupt.ack"

static int endswith(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int isinterrupt(lua_State *L, int idx) {
  size_t n;
  const char *s;
  if (lua_type(L, idx) != LUA_TSTRING)
    return 0;
  s = lua_tolstring(L, idx, &n);
  return endswith(s, n, "interrupted!") || endswith(s, n, ": interrupted");
}

static int t_protect(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  if (lua_pcall(L, n - 1, LUA_MULTRET, 0) == LUA_OK) {
    luaL_checkstack(L, 1, "too many results to protect");  /* f's results may fill it */
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
  }
  if (isinterrupt(L, -1)) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, INTERRUPT_ACK) == LUA_TFUNCTION)
      lua_pcall(L, 0, 0, 0);  /* an error from it is dropped with it */
    else
      lua_pop(L, 1);
    lua_settop(L, 1);  /* the error */
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    lua_pushboolean(L, 1);
    return 3;
  }
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  lua_pushboolean(L, 0);
  return 3;
}

static int t_poll(lua_State *L) {
  if (mat_interrupted) {
    mat_interrupted = 0;
    return luaL_error(L, "interrupted!");
  }
  return 0;
}

static int t_clock(lua_State *L) {
  lua_pushnumber(L, clock_seconds());
  return 1;
}

static int t_gather(lua_State *L) {
  Mat *X = lmat_check(L, 1), *D;
  lua_Integer first = luaL_checkinteger(L, 3), count = luaL_checkinteger(L, 4), k;
  int i;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_argcheck(L, count >= 0 && count <= MAT_MAXDIM, 4, "count out of range");
  luaL_argcheck(L, count == 0 || first <= LUA_MAXINTEGER - (count - 1), 3,
                "first index out of range");  /* first + count - 1 must not overflow */
  if (lua_isnoneornil(L, 5)) {
    D = lmat_push(L, X->rows, (int)count);
  } else {
    D = lmat_check(L, 5);
    if (D->rows != X->rows || D->cols != count)
      return luaL_error(L, "gather: destination is %dx%d, expected %dx%d", D->rows,
                        D->cols, X->rows, (int)count);
    lua_pushvalue(L, 5);
  }
  for (k = 0; k < count; k++) {
    lua_Integer j;
    int isnum;
    lua_geti(L, 2, first + k);
    j = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || j < 1 || j > X->cols)
      return luaL_error(L, "gather: index %I is not a column of a %dx%d matrix",
                        first + k, X->rows, X->cols);
    for (i = 0; i < X->rows; i++)  /* column j of X into column k of D */
      D->v[(size_t)i * D->cols + (size_t)k] = X->v[(size_t)i * X->cols + (size_t)(j - 1)];
  }
  return 1;
}

static int t_order(lua_State *L) {
  int mode = lua_type(L, 1) == LUA_TSTRING ? NET_REPLACE : lua_toboolean(L, 1) ? NET_SHUFFLE
                                                                              : NET_INORDER;
  lua_Integer n = luaL_checkinteger(L, 2), count = luaL_checkinteger(L, 3), k;
  size_t small[16], *order = small;  /* sgd's Lua loop: one column a step */
  luaL_checktype(L, 4, LUA_TTABLE);
  luaL_argcheck(L, n >= 1 && n <= MAT_MAXDIM, 2, "n out of range");
  luaL_argcheck(L, count >= 0 && count <= (mode == NET_REPLACE ? MAT_MAXDIM : n), 3,
                "count out of range");
  if (mode == NET_SHUFFLE)
    luaL_argcheck(L, count == n, 3, "a permutation has n entries");
  if (count > 16)
    order = (size_t *)lua_newuserdatauv(L, (size_t)count * sizeof(size_t), 0);
  net_order(order, (size_t)count, (size_t)n, mode, lmat_rng(L));
  for (k = 0; k < count; k++) {
    lua_pushinteger(L, (lua_Integer)order[k] + 1);
    lua_rawseti(L, 4, k + 1);
  }
  lua_settop(L, 4);
  return 1;
}

static int t_rngstate(lua_State *L) {
  Rng *copy = (Rng *)lua_newuserdatauv(L, sizeof(Rng), 0);
  memcpy(copy, lmat_rng(L), sizeof(Rng));
  lmat_setclass(L, RNGSTATE_TNAME);
  return 1;
}

static int t_setrngstate(lua_State *L) {
  Rng *copy = (Rng *)luaL_checkudata(L, 1, RNGSTATE_TNAME);
  luaL_argcheck(L, lua_rawlen(L, 1) == sizeof(Rng), 1, "random state expected");
  memcpy(lmat_rng(L), copy, sizeof(Rng));
  return 0;
}

static const luaL_Reg functions[] = {
  {"protect", t_protect},
  {"poll", t_poll},
  {"clock", t_clock},
  {"gather", t_gather},
  {"order", t_order},
  {"rngstate", t_rngstate},
  {"setrngstate", t_setrngstate},
  {NULL, NULL}
};

int luaopen_nnlab_traincore(lua_State *L) {
  luaL_newmetatable(L, RNGSTATE_TNAME);
  lua_pop(L, 1);
  luaL_newlib(L, functions);
  return 1;
}
