/*
 * nn_lua.h -- the Lua-visible neural-network types (nn.Linear, activations,
 * losses) over the kernels of nn.h, and the pieces their bindings share.
 */
#ifndef NNLAB_NN_LUA_H
#define NNLAB_NN_LUA_H

#include <lua.h>
#include <lauxlib.h>

#include "mat.h"
#include "nn.h"

#define LLINEAR_TNAME "nn.Linear"
#define LACT_TNAME "nn.Activation"
#define LLOSS_TNAME "nn.Loss"
#define LOPTIM_TNAME "nn.Optimizer"
#define LDROPOUT_TNAME "nn.Dropout"

/*
 * The userdata of the C modules, for the bindings and the training loop
 * (lnet.c).  The matrices live in the userdata's user values, which keep
 * them alive; the pointers here are to those same matrices, so that a call
 * does not have to look them up.
 */

/* nn.Linear: user values W (m x n), W0 (n x 1), dLdW, dLdW0 and a copy of
   the last input A (m x b, b the batch size of the last forward). */
enum { LLINEAR_UV_W = 1, LLINEAR_UV_W0, LLINEAR_UV_DW, LLINEAR_UV_DW0, LLINEAR_UV_A,
       LLINEAR_NUV = LLINEAR_UV_A };

typedef struct LLinear {
  int m, n;
  int b;                       /* batch size of the last forward, -1 before */
  Mat *W, *W0, *dW, *dW0, *A;  /* A is NULL before the first forward */
} LLinear;

/* The activations: user values copies of the last input Z and output A. */
enum { LACT_UV_Z = 1, LACT_UV_A, LACT_NUV = LACT_UV_A };

typedef struct LAct {
  NnAct kind;
  double alpha;  /* LeakyReLU's slope for z < 0 */
  Mat *Z, *A;    /* NULL before the first forward */
} LAct;

/* The losses: user values copies of the last Ypred (or SoftMax/Sigmoid of
   the logits) and Y. */
enum { LLOSS_UV_G = 1, LLOSS_UV_Y, LLOSS_NUV = LLOSS_UV_Y };

typedef struct LLoss {
  NnLoss l;
  Mat *G, *Y;  /* NULL before the first forward */
} LLoss;

/* The table of constructors (Linear, Tanh, ..., NLLM, ..., kind). */
int luaopen_nnlab_nncore(lua_State *L);

/* Each binding adds its constructors to the table on top of the stack and
   registers its metatable. */
void llinear_register(lua_State *L);
void lactivation_register(lua_State *L);
void lloss_register(lua_State *L);
void lnet_register(lua_State *L);
void loptim_register(lua_State *L);
void ldropout_register(lua_State *L);

/* The training loop's C helpers (ltrain.c), nnlab.core.train. */
int luaopen_nnlab_traincore(lua_State *L);

/* The matrix kept as user value uv of the userdata at index ud, replaced by
   a new rows x cols matrix when it is missing or has another shape.  Its
   contents are left as they were (or zero when new).  Does not touch the
   stack. */
Mat *lnn_buffer(lua_State *L, int ud, int uv, int rows, int cols);
/* luaL_checkudata(L, idx, tname) that also makes sure the userdata is of
   that type, size bytes with nuv user values: debug.setmetatable can give
   any userdata the type's metatable. */
void *lnn_checkudata(lua_State *L, int idx, const char *tname, size_t size, int nuv);
/* The same as luaL_testudata: NULL when it is not such a userdata. */
void *lnn_testudata(lua_State *L, int idx, const char *tname, size_t size, int nuv);
/* Does user value uv of the userdata at ud still hold m (or is m NULL)?  A
   pointer a module keeps to one of its user values must be checked before
   use: debug.setuservalue can put another value there, and the matrix
   pointed to is then collected. */
int lnn_holds(lua_State *L, int ud, int uv, const Mat *m);
/* The same for several at once, with one pop: m[i] is the matrix kept in
   user value i + 1, and bit i of uvs asks for its check; bit i of the
   result is set when it holds (a NULL m[i] holds whatever is there). */
unsigned lnn_held(lua_State *L, int ud, unsigned uvs, Mat *const *m);
/* The matrix in user value uv (NULL if none), pushed onto the stack. */
Mat *lnn_getbuffer(lua_State *L, int ud, int uv);
/* A metatable whose __index looks up methods first and then calls
   getfield(L) (self at 1, key at 2) for the rest; leaves it on the stack.
   The methods get the matrix metatable as upvalue 1, for lnn_mat and
   lnn_push_raw below.  The matrix module must be loaded first. */
void lnn_newclass(lua_State *L, const char *tname, const luaL_Reg *methods,
                  lua_CFunction getfield, lua_CFunction setfield,
                  lua_CFunction tostring);
/* In a method of such a class: self (argument 1), a userdata of size bytes
   with exactly nuv user values (nuv >= 1), the proof that it was made as
   one of the class; a standard error otherwise.  Its metatable is not
   checked: an object of the class given another one still works.  So no
   two userdata types of the program may share both a size and a number of
   user values (tests/robust_spec.lua calls each class's methods on the
   others' objects). */
void *lnn_self(lua_State *L, const char *tname, size_t size, int nuv);
/* In a method of such a class: the matrix at idx, or a standard error. */
Mat *lnn_mat(lua_State *L, int idx);
/* In a method of such a class: lmat_push_raw, with the matrix metatable
   of upvalue 1 (no lookup in the registry). */
Mat *lnn_push_raw(lua_State *L, int rows, int cols);
/* "%.14g" into buf (at least 32 bytes), as Lua prints numbers. */
const char *lnn_num(char *buf, double x);

#endif
