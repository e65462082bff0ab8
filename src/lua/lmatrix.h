/*
 * lmatrix.h -- the Lua-visible matrix type, for the other bindings.
 */
#ifndef NNLAB_LMATRIX_H
#define NNLAB_LMATRIX_H

#include <lua.h>
#include "mat.h"

#define LMATRIX_TNAME "matrix"

/* The matrix at index idx, or NULL: a userdata with the matrix metatable
   whose size and header are a matrix's (debug.setmetatable can give the
   metatable to any userdata).  The one way to get a matrix, with: */
Mat *lmat_test(lua_State *L, int idx);
/* the same, or a standard "bad argument" error. */
Mat *lmat_check(lua_State *L, int idx);
/* For a method whose self (argument 1) is wrong: when the running C
   function was called as obj.f(...) rather than obj:f(...), raises
   "f: call it as obj:f(...) (with a colon)"; else returns. */
void lmat_colon_hint(lua_State *L, const char *obj, const char *what);
/* Push a new rows x cols matrix (contents zero); raises a Lua error for a
   negative or overflowing size or when memory cannot be had. fname names the
   operation in error messages. */
Mat *lmat_push(lua_State *L, int rows, int cols);
/* The same without the zero fill, for callers that write every element. */
Mat *lmat_push_raw(lua_State *L, int rows, int cols);
/* lmat_push_raw with the metatable of the matrix at like, an argument
   already proved by lmat_test or lmat_check: no registry lookup, the
   larger part of a small operation's cost. */
Mat *lmat_push_like(lua_State *L, int rows, int cols, int like);
/* luaL_setmetatable(L, tname), but an error if the registry's tname is not
   a table (debug.getregistry() can put anything there, and lua_setmetatable
   would read another value as a table).  Every binding uses it. */
void lmat_setclass(lua_State *L, const char *tname);
/* Push a copy of m. */
Mat *lmat_push_copy(lua_State *L, const Mat *m);
/* Raise "OP: interrupted" style errors after a kernel returned MAT_EINTR. */
int lmat_interrupted(lua_State *L, const char *op);
/* "3x4" into buf (at least 32 bytes). */
const char *lmat_shapestr(char *buf, const Mat *m);
/* Raise "OP: AxB <what> CxD ..." errors. */
int lmat_shape_error(lua_State *L, const char *op, const Mat *a, const char *sep,
                     const Mat *b, const char *why);

/* The random stream of this Lua state (every state has its own, so a
   sandboxed submission cannot disturb the grader's): matrix.seed and the
   random constructors draw from it. */
struct Rng *lmat_rng(lua_State *L);

int luaopen_nnlab_matrix(lua_State *L);

#endif
