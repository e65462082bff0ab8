/*
 * lnn.h -- the Lua-visible neural-network types (nn.Linear, activations,
 * losses) over the kernels of nn.h, and the pieces their bindings share.
 */
#ifndef NNLAB_LNN_H
#define NNLAB_LNN_H

#include <stddef.h>

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
 * ====================================================================
 * Adding a class: how the C objects defend themselves
 * ====================================================================
 * The debug library can give any userdata a class's metatable
 * (debug.setmetatable) and put any value in its user values
 * (debug.setuservalue), and a method that believed either would read
 * memory that is not its object's or write into a collected matrix.  The
 * program could wrap those two functions once, as its sandbox wraps
 * setmetatable; but the same code is the C module build/nnlab/core.so for
 * stock lua5.4, where the user's code runs before anything of ours and
 * the debug library is whole.  So the defence is in the objects, in one
 * place (lnn.c):
 *   - an object proves its class: its first field is the address of its
 *     LClass, written by the constructor, which no Lua code can forge
 *     (lnn_test, lnn_check; the size is checked first, so the field is
 *     there to read);
 *   - the matrices it points to are its user values: lnn_self checks those
 *     a method uses before the method runs (a swapped copy of the last
 *     input is forgotten, a swapped parameter is an error);
 *   - a matrix argument is proved by lmat_test / lmat_check (lmatrix.h).
 * To add a class: put `const LClass *cls` first in its struct and its
 * matrix pointers in one array, by user value (kept[uv - 1]); describe it
 * in a static LClass; set obj->cls in the constructor before lmat_setclass;
 * register it with lnn_newclass; start every method with lnn_self.
 */
typedef struct LClass {
  const char *tname;   /* the metatable's name in the registry */
  size_t size;         /* the userdata's size */
  int nuv;             /* its number of user values */
  size_t kept;         /* offsetof the Mat *[] of user values 1.. (0: none) */
  unsigned caches;     /* bits (uv - 1) of kept copies that may be forgotten */
  /* "Linear(2, 3)" into buf (LNN_NAMELEN bytes), for __tostring and messages */
  const char *(*name)(char *buf, const void *obj);
  /* __index for a string key that is not a method: push it and return 1, or 0 */
  int (*get)(lua_State *L, void *obj, const char *k);
  /* __newindex (k NULL for a key that is not a string); NULL: none is
     settable, and the error says why in the words of fixed */
  int (*set)(lua_State *L, void *obj, const char *k);
  const char *fixed;
} LClass;

#define LNN_NAMELEN 256

/* The userdata of the C modules, for the bindings and the training loop
   (lnet.c).  The matrices live in the userdata's user values, which keep
   them alive; the pointers here are to those same matrices, so that a call
   does not have to look them up. */

/* nn.Linear: user values W (m x n), W0 (n x 1), dLdW, dLdW0 and a copy of
   the last input A (m x b, b the batch size of the last forward). */
enum { LLINEAR_UV_W = 1, LLINEAR_UV_W0, LLINEAR_UV_DW, LLINEAR_UV_DW0, LLINEAR_UV_A,
       LLINEAR_NUV = LLINEAR_UV_A };

/* kept[] names the same pointers as the fields (C11 anonymous members). */
typedef struct LLinear {
  const LClass *cls;
  int m, n;
  int b;  /* batch size of the last forward, -1 before */
  union {
    struct { Mat *W, *W0, *dW, *dW0, *A; };  /* A is NULL before the first forward */
    Mat *kept[LLINEAR_NUV];
  };
} LLinear;

/* The activations: user values copies of the last input Z and output A. */
enum { LACT_UV_Z = 1, LACT_UV_A, LACT_NUV = LACT_UV_A };

typedef struct LAct {
  const LClass *cls;
  NnAct kind;
  double alpha;  /* LeakyReLU's slope for z < 0 */
  union {
    struct { Mat *Z, *A; };  /* NULL before the first forward */
    Mat *kept[LACT_NUV];
  };
} LAct;

/* The losses: user values copies of the last Ypred (or SoftMax/Sigmoid of
   the logits) and Y. */
enum { LLOSS_UV_G = 1, LLOSS_UV_Y, LLOSS_NUV = LLOSS_UV_Y };

typedef struct LLoss {
  const LClass *cls;
  NnLoss l;
  union {
    struct { Mat *G, *Y; };  /* NULL before the first forward */
    Mat *kept[LLOSS_NUV];
  };
} LLoss;

extern const LClass llinear_class, lact_class, lloss_class;

/* Each binding adds its constructors to the table on top of the stack and
   registers its metatable (lcore.c calls them). */
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
/* The matrix in user value uv (NULL if none), pushed onto the stack. */
Mat *lnn_getbuffer(lua_State *L, int ud, int uv);
/* The object of class c at idx, or NULL. */
void *lnn_test(lua_State *L, int idx, const LClass *c);
/* The same, or a standard "bad argument" error. */
void *lnn_check(lua_State *L, int idx, const LClass *c);
/* Are the kept matrices of obj (at idx) that uses asks for (bit uv - 1)
   still its user values?  Kept copies (c->caches) that are not are all
   forgotten (set to NULL) and do not count; 0 when another one is not. */
int lnn_intact(lua_State *L, int idx, const LClass *c, void *obj, unsigned uses);
/* In a method: self (argument 1) of class c, with the kept matrices uses
   asks for intact; a standard error otherwise. */
void *lnn_self(lua_State *L, const LClass *c, unsigned uses);
/* Register class c's metatable with its methods (which get c as upvalue 1)
   and __index, __newindex and __tostring from c; pops it. */
void lnn_newclass(lua_State *L, const LClass *c, const luaL_Reg *methods);
/* Methods for a class without parameters: sgd_step and zero_grad do
   nothing, parameters returns {}. */
int lnn_nothing(lua_State *L);
int lnn_noparams(lua_State *L);
/* "%.14g" into buf (at least 32 bytes), as Lua prints numbers. */
const char *lnn_num(char *buf, double x);

#endif
