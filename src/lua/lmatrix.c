/*
 * lmatrix.c -- the Lua-visible matrix type: thin bindings over mat.c.
 *
 * A matrix is a full userdata holding a Mat header followed by its data, so
 * Lua's garbage collector sees (and accounts for) all of its memory.
 * The module table is also the method table: matrix.add(a, b) == a:add(b).
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "lmatrix.h"
#include "rng.h"

/* Largest matrix we try to allocate: 2^37 elements (1 TiB). */
#define MAX_ELEMS ((size_t)1 << 37)

const char *lmat_shapestr(char *buf, const Mat *m) {
  snprintf(buf, 32, "%dx%d", m->rows, m->cols);
  return buf;
}

/* The metatable is kept in the registry under the address of this variable
   (a lookup by a light userdata key, no string involved).  Every binding
   gets its matrices through lmat_test / lmat_check and makes them with
   lmat_push / lmat_push_raw, which look it up there. */
static const char mt_key = 0;

/* A matrix's data follows its header in the userdata: another userdata
   given the matrix metatable (debug.setmetatable) is not a matrix. */
static int lmat_valid(lua_State *L, int idx, const Mat *m) {
  size_t len = lua_rawlen(L, idx);
  return len >= sizeof(Mat) && m->v == (const double *)(m + 1) && m->rows >= 0 &&
         m->cols >= 0 && (len - sizeof(Mat)) % sizeof(double) == 0 &&
         (len - sizeof(Mat)) / sizeof(double) == mat_len(m);
}

/* A method called with '.' instead of ':' (A.get(1, 1)): the running C
   function was not called as a method, so its first argument is not the
   object.  Raises "get: call it as A:get(1, 1) (with a colon)", the
   arguments shown as given when they are plain numbers, strings or
   booleans (else "..."); returns when the call was a method call (or has
   no name), or argument 1 is nil or another userdata, for the usual error. */
void lmat_colon_hint(lua_State *L, const char *obj, const char *what) {
  lua_Debug ar;
  luaL_Buffer b;
  int i, n = lua_gettop(L), plain = 1;
  const char *got = n == 0 ? "missing" : lua_isnil(L, 1) ? "nil" : NULL;
  if (got == NULL) {  /* "a number", "a matrix" (the metatable's __name) */
    const char *tn = luaL_typename(L, 1);
    if (luaL_getmetafield(L, 1, "__name") == LUA_TSTRING)
      tn = lua_tostring(L, -1);
    got = lua_pushfstring(L, "a %s", tn);
  }
  if (!lua_getstack(L, 0, &ar) || !lua_getinfo(L, "n", &ar) || ar.name == NULL ||
      (ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0))
    return;
  /* matrix.shape(B) with B nil, or a file given for a matrix, is not this
     slip: Lua's words then */
  if (n >= 1 && (lua_isnil(L, 1) || (lua_type(L, 1) == LUA_TUSERDATA && !lmat_test(L, 1))))
    return;
  for (i = 1; i <= n; i++) {
    int t = lua_type(L, i);
    if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN && t != LUA_TNIL)
      plain = 0;
  }
  if (n > 8 || !plain) {
    luaL_error(L, "%s: call it as %s:%s(...) (with a colon; argument 1 is %s, not %s)",
               ar.name, obj, ar.name, got, what);
    return;
  }
  luaL_buffinit(L, &b);
  for (i = 1; i <= n; i++) {
    if (i > 1)
      luaL_addstring(&b, ", ");
    if (lua_type(L, i) == LUA_TSTRING) {
      lua_pushfstring(L, "'%s'", lua_tostring(L, i));
      luaL_addvalue(&b);
    } else {
      luaL_tolstring(L, i, NULL);
      luaL_addvalue(&b);
    }
  }
  luaL_pushresult(&b);
  luaL_error(L, "%s: call it as %s:%s(%s) (with a colon; argument 1 is %s, not %s)", ar.name,
             obj, ar.name, lua_tostring(L, -1), got, what);
}

/* The error for a value at idx that is not a matrix. */
static int notmatrix(lua_State *L, int idx) {
  if (idx == 1)
    lmat_colon_hint(L, "A", "a matrix");
  if (lua_type(L, idx) == LUA_TUSERDATA && luaL_testudata(L, idx, LMATRIX_TNAME))
    return luaL_argerror(L, idx, "matrix expected, got another userdata with its metatable");
  return luaL_typeerror(L, idx, LMATRIX_TNAME);
}

/* The last state's registry and matrix metatable, by address: a metatable
   seen before in the same registry is the matrix metatable without a
   registry lookup (which is a third of a small operation's cost).  Only
   compared, never followed; a miss (another state, or a state made where a
   closed one was) takes the lookup, and lmat_valid checks every matrix's
   layout whichever way it was found.  Two states used by two threads at
   once may overwrite each other's entry: each then takes the lookup, since
   no live table of one state has the address of a live table of another. */
static const void *seen_registry, *seen_mt;

Mat *lmat_test(lua_State *L, int idx) {
  void *p = lua_touserdata(L, idx);
  const void *reg, *mt;
  int same;
  if (p == NULL || !lua_getmetatable(L, idx))
    return NULL;
  reg = lua_topointer(L, LUA_REGISTRYINDEX);
  mt = lua_topointer(L, -1);
  if (reg == seen_registry && mt == seen_mt) {
    lua_pop(L, 1);
    return lmat_valid(L, idx, (Mat *)p) ? (Mat *)p : NULL;
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key);
  same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  if (!same || !lmat_valid(L, idx, (Mat *)p))
    return NULL;
  seen_registry = reg;
  seen_mt = mt;
  return (Mat *)p;
}

Mat *lmat_check(lua_State *L, int idx) {
  Mat *m = lmat_test(L, idx);
  if (m == NULL)
    notmatrix(L, idx);
  return m;
}

/* lmat_test for a second operand, given the index of one already proved a
   matrix: the same metatable as that one's, without a registry lookup (a
   third of the cost of a small operation such as W:T() * x + W0). */
static Mat *test_like(lua_State *L, int idx, int like) {
  void *p = lua_touserdata(L, idx);
  int same;
  if (p == NULL || !lua_getmetatable(L, idx))
    return NULL;
  if (!lua_getmetatable(L, like)) {
    lua_pop(L, 1);
    return lmat_test(L, idx);
  }
  same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same && lmat_valid(L, idx, (Mat *)p) ? (Mat *)p : NULL;
}

/* The name the running C function was called by, for error messages. */
static const char *fname(lua_State *L) {
  lua_Debug ar;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name != NULL)
    return ar.name;
  return "matrix";
}

/* A new rows x cols matrix on the stack, its metatable not yet set. */
static Mat *newmat(lua_State *L, int rows, int cols) {
  size_t n = (size_t)rows * (size_t)cols;
  Mat *m;
  if (n > MAX_ELEMS)
    luaL_error(L, "%s: %dx%d matrix is too large", fname(L), rows, cols);
  m = (Mat *)lua_newuserdatauv(L, sizeof(Mat) + n * sizeof(double), 0);
  m->rows = rows;
  m->cols = cols;
  m->v = (double *)(m + 1);
  mat_advise(m->v, n * sizeof(double));
  return m;
}

Mat *lmat_push_raw(lua_State *L, int rows, int cols) {
  Mat *m = newmat(L, rows, cols);
  /* debug.getregistry() can put anything there: lua_setmetatable with
     another value than a table would read it as one. */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key) != LUA_TTABLE)
    luaL_error(L, "%s: the matrix metatable was taken out of the registry", fname(L));
  lua_setmetatable(L, -2);
  return m;
}

Mat *lmat_push_like(lua_State *L, int rows, int cols, int like) {
  Mat *m;
  like = lua_absindex(L, like);
  m = newmat(L, rows, cols);
  if (!lua_getmetatable(L, like)) {  /* cannot be: like was proved a matrix */
    lua_pop(L, 1);
    return lmat_push_raw(L, rows, cols);
  }
  lua_setmetatable(L, -2);
  return m;
}

void lmat_setclass(lua_State *L, const char *tname) {
  if (luaL_getmetatable(L, tname) != LUA_TTABLE)
    luaL_error(L, "the %s metatable was taken out of the registry", tname);
  lua_setmetatable(L, -2);
}

Mat *lmat_push(lua_State *L, int rows, int cols) {
  Mat *m = lmat_push_raw(L, rows, cols);
  mat_fill(m, 0.0);
  return m;
}

Mat *lmat_push_copy(lua_State *L, const Mat *src) {
  Mat *m = lmat_push_raw(L, src->rows, src->cols);
  mat_copy(m, src);
  return m;
}

int lmat_interrupted(lua_State *L, const char *op) {
  mat_interrupted = 0;
  return luaL_error(L, "%s: interrupted", op);
}

int lmat_shape_error(lua_State *L, const char *op, const Mat *a, const char *sep,
                     const Mat *b, const char *why) {
  char sa[32], sb[32];
  return luaL_error(L, "%s: %s%s%s %s", op, lmat_shapestr(sa, a), sep,
                    lmat_shapestr(sb, b), why);
}

static int isvector(const Mat *m) {
  return m->rows == 1 || m->cols == 1;
}

/* A size argument: a non-negative integer. */
static lua_Integer checksize(lua_State *L, int arg) {
  lua_Integer n = luaL_checkinteger(L, arg);
  if (n < 0)
    luaL_argerror(L, arg, lua_pushfstring(L, "size must be non-negative, got %I", n));
  return n;
}

/* The shape given by the size arguments at arg and arg + 1. */
static void checkshape(lua_State *L, int arg, int *rows, int *cols) {
  lua_Integer r = checksize(L, arg), c = checksize(L, arg + 1);
  if (r > MAT_MAXDIM || c > MAT_MAXDIM || (c > 0 && (lua_Unsigned)r > MAX_ELEMS / (lua_Unsigned)c))
    luaL_error(L, "%s: %Ix%I matrix is too large", fname(L), r, c);
  *rows = (int)r;
  *cols = (int)c;
}

/* The optional destination at arg: NULL when absent, else a matrix that
   must have the result's shape. */
static Mat *optdest(lua_State *L, int arg, const char *op, int rows, int cols) {
  Mat *d;
  char sa[32];
  if (lua_isnoneornil(L, arg))
    return NULL;
  d = lmat_check(L, arg);
  if (d->rows != rows || d->cols != cols)
    luaL_error(L, "%s: destination is %s but the result is %dx%d", op,
               lmat_shapestr(sa, d), rows, cols);
  return d;
}

/* The destination at arg if there is one, else a fresh matrix; either way
   the result is left on top of the stack. */
static Mat *result(lua_State *L, int arg, const char *op, int rows, int cols, int like) {
  Mat *d = optdest(L, arg, op, rows, cols);
  if (d == NULL)
    return lmat_push_like(L, rows, cols, like);
  lua_pushvalue(L, arg);
  return d;
}

/* --- construction --------------------------------------------------- */

static double checkentry(lua_State *L, int i, int j) {
  double x = lua_tonumber(L, -1);
  if (lua_type(L, -1) != LUA_TNUMBER)
    luaL_error(L, "matrix: entry (%d, %d) is a %s, expected a number", i, j,
               luaL_typename(L, -1));
  lua_pop(L, 1);
  return x;
}

static int from_rows(lua_State *L, int arg) {
  lua_Unsigned r = lua_rawlen(L, arg), c = 0, i, j;
  Mat *m;
  if (r > 0) {
    if (lua_rawgeti(L, arg, 1) != LUA_TTABLE)
      return luaL_error(L, "matrix: expected a table of rows, got a %s as row 1%s",
                        luaL_typename(L, -1), lua_isnumber(L, -1) ?
                        " (use matrix.col or matrix.row for a vector)" : "");
    c = lua_rawlen(L, -1);
    lua_pop(L, 1);
  }
  if (r > MAT_MAXDIM || c > MAT_MAXDIM)
    return luaL_error(L, "matrix: table is too large");
  m = lmat_push_raw(L, (int)r, (int)c);
  for (i = 1; i <= r; i++) {
    if (lua_rawgeti(L, arg, (lua_Integer)i) != LUA_TTABLE)
      return luaL_error(L, "matrix: row %d is a %s, expected a table", (int)i,
                        luaL_typename(L, -1));
    if (lua_rawlen(L, -1) != c)
      return luaL_error(L, "matrix: row %d has %d entries, row 1 has %d", (int)i,
                        (int)lua_rawlen(L, -1), (int)c);
    for (j = 1; j <= c; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j);
      m->v[(i - 1) * c + (j - 1)] = checkentry(L, (int)i, (int)j);
    }
    lua_pop(L, 1);
  }
  return 1;
}

/* matrix.new(t) or matrix(t): from a table of rows, or a copy of a matrix. */
static int m_new(lua_State *L) {
  Mat *a = lmat_test(L, 1);
  if (a) {
    lmat_push_copy(L, a);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  return from_rows(L, 1);
}

static int m_call(lua_State *L) {  /* matrix(t): the module table is arg 1 */
  lua_remove(L, 1);
  return m_new(L);
}

static int m_zeros(lua_State *L) {
  int r, c;
  checkshape(L, 1, &r, &c);
  lmat_push(L, r, c);
  return 1;
}

static int m_ones(lua_State *L) {
  int r, c;
  checkshape(L, 1, &r, &c);
  mat_fill(lmat_push_raw(L, r, c), 1.0);
  return 1;
}

/* matrix.fill(r, c, x) builds; m:fill(x) fills m in place. */
static int m_fill(lua_State *L) {
  Mat *m = lmat_test(L, 1);
  if (m) {
    mat_fill(m, luaL_checknumber(L, 2));
    lua_settop(L, 1);
    return 1;
  }
  {
    int r, c;
    double x;
    checkshape(L, 1, &r, &c);
    x = luaL_checknumber(L, 3);
    mat_fill(lmat_push_raw(L, r, c), x);
  }
  return 1;
}

static int m_eye(lua_State *L) {
  int r, c;
  checksize(L, 1);
  if (lua_isnoneornil(L, 2)) {  /* eye(n) is eye(n, n) */
    lua_settop(L, 1);
    lua_pushvalue(L, 1);
  }
  checkshape(L, 1, &r, &c);
  mat_eye(lmat_push_raw(L, r, c));
  return 1;
}

/* The numbers of a vector argument: a table or a vector matrix.  Leaves a
   new n x 1 matrix on the stack. */
static Mat *vector_arg(lua_State *L, int arg) {
  Mat *a = lmat_test(L, arg), *m;
  lua_Unsigned i, n;
  if (a) {
    luaL_argcheck(L, isvector(a), arg, "vector expected (a 1xn or nx1 matrix)");
    m = lmat_push_copy(L, a);
    m->rows = (int)mat_len(a);
    m->cols = 1;
    return m;
  }
  luaL_checktype(L, arg, LUA_TTABLE);
  n = lua_rawlen(L, arg);
  if (n > MAT_MAXDIM)
    luaL_error(L, "matrix: table is too large");
  m = lmat_push_raw(L, (int)n, 1);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, arg, (lua_Integer)i);
    m->v[i - 1] = checkentry(L, (int)i, 1);
  }
  return m;
}

static int copy_part(lua_State *L, int byrow);

/* matrix.col{...} builds an n x 1 vector; m:col(j) extracts column j. */
static int m_col(lua_State *L) {
  if (lmat_test(L, 1) && !lua_isnone(L, 2))
    return copy_part(L, 0);
  vector_arg(L, 1);
  return 1;
}

/* matrix.row{...} builds a 1 x n vector; m:row(i) extracts row i. */
static int m_row(lua_State *L) {
  Mat *m;
  if (lmat_test(L, 1) && !lua_isnone(L, 2))
    return copy_part(L, 1);
  m = vector_arg(L, 1);
  m->cols = m->rows;
  m->rows = 1;
  return 1;
}

static int m_diag(lua_State *L) {
  Mat *a = lmat_test(L, 1), *m;
  int i, n;
  if (a && !isvector(a)) {  /* the diagonal of a matrix, as a column */
    n = a->rows < a->cols ? a->rows : a->cols;
    m = lmat_push_raw(L, n, 1);
    for (i = 0; i < n; i++)
      m->v[i] = a->v[(size_t)i * a->cols + i];
    return 1;
  }
  a = vector_arg(L, 1);
  n = a->rows;
  m = lmat_push(L, n, n);
  for (i = 0; i < n; i++)
    m->v[(size_t)i * n + i] = a->v[i];
  return 1;
}

/* matrix.threads([n]) -> the number of threads large products use (the
   BLAS pool); with n, sets it first and returns the old number. */
static int m_threads(lua_State *L) {
  lua_Integer n = luaL_optinteger(L, 1, 0);
  luaL_argcheck(L, lua_isnoneornil(L, 1) || (n >= 1 && n <= 1024), 1,
                "thread count must be between 1 and 1024");
  if (!mat_blas())  /* no pool: everything runs on this thread */
    return lua_pushinteger(L, 1), 1;
  lua_pushinteger(L, mat_threads((int)n));
  return 1;
}

static int m_is(lua_State *L) {
  lua_pushboolean(L, lmat_test(L, 1) != NULL);
  return 1;
}

/* --- random numbers (numpy's legacy stream, see rng.h) -------------- */

#define RNG_KEY "nnlab.rng"

Rng *lmat_rng(lua_State *L) {
  Rng *r;
  if (lua_getfield(L, LUA_REGISTRYINDEX, RNG_KEY) == LUA_TUSERDATA &&
      lua_rawlen(L, -1) == sizeof(Rng)) {
    r = (Rng *)lua_touserdata(L, -1);
  } else {  /* zero-filled: seeds itself with 0 on the first draw */
    r = (Rng *)lua_newuserdatauv(L, sizeof(Rng), 0);
    memset(r, 0, sizeof *r);
    lua_setfield(L, LUA_REGISTRYINDEX, RNG_KEY);
  }
  lua_pop(L, 1);  /* the registry keeps it alive */
  return r;
}

static int m_seed(lua_State *L) {
  lua_Integer s = luaL_checkinteger(L, 1);
  luaL_argcheck(L, s >= 0 && s <= (lua_Integer)UINT32_MAX, 1,
                "seed must be between 0 and 2^32 - 1");
  rng_seed(lmat_rng(L), (uint32_t)s);
  return 0;
}

static int m_rand(lua_State *L) {
  int r, c;
  Mat *m;
  size_t i, n;
  Rng *rng;
  checkshape(L, 1, &r, &c);
  m = lmat_push_raw(L, r, c);
  rng = lmat_rng(L);
  for (i = 0, n = mat_len(m); i < n; i++)
    m->v[i] = rng_double(rng);
  return 1;
}

static int m_randn(lua_State *L) {
  int r, c;
  double mean, sd;
  Mat *m;
  size_t i, n;
  Rng *rng;
  checkshape(L, 1, &r, &c);
  mean = luaL_optnumber(L, 3, 0.0);
  sd = luaL_optnumber(L, 4, 1.0);
  luaL_argcheck(L, sd >= 0, 4, "standard deviation must be non-negative");
  m = lmat_push_raw(L, r, c);
  rng = lmat_rng(L);
  for (i = 0, n = mat_len(m); i < n; i++)
    m->v[i] = mean + sd * rng_gauss(rng);
  return 1;
}

/* matrix.randint(n): an integer in 1..n; matrix.randint(n, r, c): a matrix. */
static int m_randint(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  Mat *m;
  size_t i, len;
  int r, c;
  Rng *rng;
  luaL_argcheck(L, n >= 1, 1, "upper bound must be at least 1");
  if (lua_isnoneornil(L, 2)) {
    lua_pushinteger(L, (lua_Integer)rng_randint(lmat_rng(L), (uint64_t)n) + 1);
    return 1;
  }
  checkshape(L, 2, &r, &c);
  m = lmat_push_raw(L, r, c);
  rng = lmat_rng(L);
  for (i = 0, len = mat_len(m); i < len; i++)
    m->v[i] = (double)(rng_randint(rng, (uint64_t)n) + 1);
  return 1;
}

/* --- access --------------------------------------------------------- */

static int m_shape(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  lua_pushinteger(L, m->rows);
  lua_pushinteger(L, m->cols);
  return 2;
}

/* The 0-based offset of element (i, j), or of element k of a vector;
   nidx is how many index arguments follow self. */
static size_t checkindex(lua_State *L, Mat *m, int nidx, const char *op) {
  lua_Integer i, j;
  char s[32];
  if (nidx == 1) {
    lua_Integer k = luaL_checkinteger(L, 2);
    if (!isvector(m))
      luaL_error(L, "%s: a %s matrix needs two indices", op, lmat_shapestr(s, m));
    if (k < 1 || (lua_Unsigned)k > mat_len(m))
      luaL_error(L, "%s: index %I out of range for a %s vector", op, k,
                 lmat_shapestr(s, m));
    return (size_t)(k - 1);
  }
  i = luaL_checkinteger(L, 2);
  j = luaL_checkinteger(L, 3);
  if (i < 1 || i > m->rows || j < 1 || j > m->cols)
    luaL_error(L, "%s: index (%I, %I) out of range for a %s matrix", op, i, j,
               lmat_shapestr(s, m));
  return (size_t)(i - 1) * m->cols + (size_t)(j - 1);
}

static int m_get(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  lua_pushnumber(L, m->v[checkindex(L, m, lua_gettop(L) >= 3 ? 2 : 1, "get")]);
  return 1;
}

static int m_set(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  int nidx = lua_gettop(L) >= 4 ? 2 : 1;
  size_t k = checkindex(L, m, nidx, "set");
  m->v[k] = luaL_checknumber(L, 2 + nidx);
  lua_settop(L, 1);
  return 1;
}

static int copy_part(lua_State *L, int byrow) {
  Mat *m = lmat_check(L, 1), *r;
  lua_Integer k = luaL_checkinteger(L, 2);
  int i, n = byrow ? m->rows : m->cols;
  char s[32];
  if (k < 1 || k > n)
    return luaL_error(L, "%s: index %I out of range for a %s matrix",
                      byrow ? "row" : "col", k, lmat_shapestr(s, m));
  if (byrow) {
    r = lmat_push_raw(L, 1, m->cols);
    memcpy(r->v, m->v + (size_t)(k - 1) * m->cols, (size_t)m->cols * sizeof(double));
  } else {
    r = lmat_push_raw(L, m->rows, 1);
    for (i = 0; i < m->rows; i++)
      r->v[i] = m->v[(size_t)i * m->cols + (size_t)(k - 1)];
  }
  return 1;
}

/* m:columns(idx [, dst]) -> the columns idx of m (r x #idx), into dst when
   given: idx is a list of 1-based column indices, or a vector matrix of
   them.  For minibatches: X:columns(batch, Xb). */
static int m_columns(lua_State *L) {
  Mat *m = lmat_check(L, 1), *iv = lmat_test(L, 2), *d, *t;
  size_t small[256], *idx = small, i, n;
  char s[32], num[32];
  lua_settop(L, 3);
  if (iv != NULL) {
    luaL_argcheck(L, isvector(iv), 2, "vector expected (a 1xn or nx1 matrix of indices)");
    n = mat_len(iv);
  } else {
    luaL_checktype(L, 2, LUA_TTABLE);
    n = (size_t)lua_rawlen(L, 2);
  }
  if (n > MAT_MAXDIM)
    return luaL_error(L, "columns: too many indices");
  if (n > sizeof small / sizeof small[0])
    idx = (size_t *)lua_newuserdatauv(L, n * sizeof(size_t), 0);
  for (i = 0; i < n; i++) {
    double j;
    if (iv != NULL) {
      j = iv->v[i];
    } else {
      int isnum;
      lua_rawgeti(L, 2, (lua_Integer)i + 1);
      j = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        return luaL_error(L, "columns: index %d is a %s, expected a number", (int)i + 1,
                          luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    if (!(j >= 1 && j <= m->cols && j == floor(j))) {
      snprintf(num, sizeof num, "%.14g", j);
      return luaL_error(L, "columns: index %d is %s, not a column of a %s matrix",
                        (int)i + 1, num, lmat_shapestr(s, m));
    }
    idx[i] = (size_t)j - 1;
  }
  d = optdest(L, 3, "columns", m->rows, (int)n);
  t = d != NULL && d->v != m->v ? d : lmat_push_raw(L, m->rows, (int)n);
  mat_gather_cols(t, m, idx);
  if (d != NULL) {
    if (d != t)  /* dst was m itself */
      mat_copy(d, t);
    lua_pushvalue(L, 3);
  }
  return 1;
}

/* m:copy() -> a new copy; matrix.copy(src, dst) copies into dst. */
static int m_copy(lua_State *L) {
  Mat *a = lmat_check(L, 1);
  Mat *d = result(L, 2, "copy", a->rows, a->cols, 1);
  mat_copy(d, a);
  return 1;
}

static int m_reshape(lua_State *L) {
  Mat *a = lmat_check(L, 1), *m;
  int r, c;
  char s[32];
  checkshape(L, 2, &r, &c);
  if ((size_t)r * (size_t)c != mat_len(a))
    return luaL_error(L, "reshape: cannot reshape %s (%I elements) into %dx%d (%I elements)",
                      lmat_shapestr(s, a), (lua_Integer)mat_len(a), r, c,
                      (lua_Integer)((size_t)r * c));
  m = lmat_push_copy(L, a);
  m->rows = r;
  m->cols = c;
  return 1;
}

static int m_transpose(lua_State *L) {
  Mat *a = lmat_check(L, 1), *d = optdest(L, 2, "transpose", a->cols, a->rows);
  if (d == NULL || d->v == a->v) {  /* into a fresh matrix, then copy back */
    Mat *t = lmat_push_like(L, a->cols, a->rows, 1);
    if (mat_transpose(t, a) != MAT_OK)
      return lmat_interrupted(L, "transpose");
    if (d != NULL) {
      mat_copy(d, t);
      lua_pushvalue(L, 2);
    }
    return 1;
  }
  if (mat_transpose(d, a) != MAT_OK)
    return lmat_interrupted(L, "transpose");
  lua_pushvalue(L, 2);
  return 1;
}

static int m_totable(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  int i, j;
  luaL_checkstack(L, 3, "totable");
  lua_createtable(L, m->rows, 0);
  for (i = 0; i < m->rows; i++) {
    lua_createtable(L, m->cols, 0);
    for (j = 0; j < m->cols; j++) {
      lua_pushnumber(L, m->v[(size_t)i * m->cols + j]);
      lua_rawseti(L, -2, j + 1);
    }
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* --- arithmetic ----------------------------------------------------- */

static const char *const opname[] = {"add", "sub", "mul", "div"};
static const char *const opsym[] = {" + ", " - ", " .* ", " ./ "};

/* luaL_typeerror, naming the operation op when the caller has no name: a
   metamethod called from C ("x" + m goes through the string library's). */
static int operand_error(lua_State *L, int arg, const char *expected, const char *op) {
  lua_Debug ar;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name != NULL)
    return luaL_typeerror(L, arg, expected);
  return luaL_error(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, op, expected,
                    luaL_typename(L, arg));
}

static double checkoperand(lua_State *L, int arg, const char *op) {
  int isnum;
  double x = lua_tonumberx(L, arg, &isnum);
  if (!isnum)
    operand_error(L, arg, "matrix or number", op);
  return x;
}

/* a op b into the optional destination at arg 3: matrices of equal shape, a
   column against a matrix, or a matrix against a number. */
static int arith(lua_State *L, MatOp op) {
  Mat *a = lmat_test(L, 1), *b = a ? test_like(L, 2, 1) : lmat_test(L, 2), *d;
  int like = a ? 1 : 2;
  const char *name = opname[op];
  if (a && b) {
    if (a->rows == b->rows && a->cols == b->cols) {
      d = result(L, 3, name, a->rows, a->cols, like);
      mat_binop(d, a, b, op);
    } else if (b->cols == 1 && b->rows == a->rows) {
      d = result(L, 3, name, a->rows, a->cols, like);
      mat_binop_col(d, a, b, op);
    } else if (a->cols == 1 && a->rows == b->rows) {
      d = result(L, 3, name, b->rows, b->cols, like);
      mat_col_binop(d, a, b, op);
    } else {
      char why[64];
      Mat *big = a->cols >= b->cols ? a : b;
      snprintf(why, sizeof why, "shapes differ (need equal shapes, or a %dx1 column)",
               big->rows);
      return lmat_shape_error(L, name, a, opsym[op], b, why);
    }
  } else if (a) {
    double s = checkoperand(L, 2, name);
    d = result(L, 3, name, a->rows, a->cols, like);
    mat_binop_scalar(d, a, s, op, 0);
  } else if (b) {
    double s = checkoperand(L, 1, name);
    d = result(L, 3, name, b->rows, b->cols, like);
    mat_binop_scalar(d, b, s, op, 1);
  } else {
    return operand_error(L, 1, "matrix", name);
  }
  return 1;
}

static int m_add(lua_State *L) { return arith(L, MAT_ADD); }
static int m_sub(lua_State *L) { return arith(L, MAT_SUB); }
static int m_mul(lua_State *L) { return arith(L, MAT_MUL); }
static int m_div(lua_State *L) { return arith(L, MAT_DIV); }

/* op(a) * op(b) into the optional destination at arg 3 (which may alias a
   or b); op transposes when ta / tb is set. */
static int matmul(lua_State *L, Mat *a, int ta, Mat *b, int tb) {
  Mat *d;
  int alias, m = ta ? a->cols : a->rows, k = ta ? a->rows : a->cols;
  int kb = tb ? b->cols : b->rows, n = tb ? b->rows : b->cols;
  if (k != kb) {
    char why[64], sa[32], sb[32];
    snprintf(why, sizeof why, "does not align (%d columns vs %d rows)", k, kb);
    return luaL_error(L, "matrix product: %s%s * %s%s %s", lmat_shapestr(sa, a),
                      ta ? "^T" : "", lmat_shapestr(sb, b), tb ? "^T" : "", why);
  }
  d = optdest(L, 3, "matmul", m, n);
  alias = d != NULL && (d->v == a->v || d->v == b->v);
  if (d == NULL || alias) {
    Mat *t = lmat_push_like(L, m, n, 1);  /* a is argument 1 */
    if (mat_matmul(t, a, ta, b, tb) != MAT_OK)
      return lmat_interrupted(L, "matrix product");
    if (alias) {
      mat_copy(d, t);
      lua_pushvalue(L, 3);
    }
    return 1;
  }
  if (mat_matmul(d, a, ta, b, tb) != MAT_OK)
    return lmat_interrupted(L, "matrix product");
  lua_pushvalue(L, 3);
  return 1;
}

/* matrix.matmul(a, b [, dst [, ta [, tb]]]): ta / tb true use a^T / b^T. */
static int m_matmul(lua_State *L) {
  Mat *a = lmat_check(L, 1), *b = test_like(L, 2, 1);
  if (b == NULL)
    b = lmat_check(L, 2);
  return matmul(L, a, lua_toboolean(L, 4), b, lua_toboolean(L, 5));
}

static int m_scale(lua_State *L) {
  Mat *a = lmat_check(L, 1);
  double s = luaL_checknumber(L, 2);
  Mat *d = result(L, 3, "scale", a->rows, a->cols, 1);
  mat_binop_scalar(d, a, s, MAT_MUL, 0);
  return 1;
}

/* The metamethods see exactly two operands. */
static int mm_add(lua_State *L) { lua_settop(L, 2); return arith(L, MAT_ADD); }
static int mm_sub(lua_State *L) { lua_settop(L, 2); return arith(L, MAT_SUB); }

static int mm_mul(lua_State *L) {
  Mat *a = lmat_test(L, 1), *b = a ? test_like(L, 2, 1) : NULL;
  lua_settop(L, 2);
  if (a && b)
    return matmul(L, a, 0, b, 0);
  return arith(L, MAT_MUL);
}

static int mm_div(lua_State *L) {
  lua_settop(L, 2);
  if (lmat_test(L, 2) && lmat_test(L, 1))
    return luaL_error(L, "/: cannot divide by a matrix (use a:div(b) for the "
                         "elementwise quotient)");
  return arith(L, MAT_DIV);
}

static int mm_unm(lua_State *L) {
  Mat *a = lmat_check(L, 1), *d = lmat_push_like(L, a->rows, a->cols, 1);
  mat_binop_scalar(d, a, -1.0, MAT_MUL, 0);
  return 1;
}

static int mm_eq(lua_State *L) {
  Mat *a = lmat_test(L, 1), *b = lmat_test(L, 2);
  lua_pushboolean(L, a && b && mat_equal(a, b));
  return 1;
}

/* m:map(f [, dst]): f(x, i, j) for each element. */
static int m_map(lua_State *L) {
  Mat *a = lmat_check(L, 1), *d;
  int i, j;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  d = result(L, 3, "map", a->rows, a->cols, 1);
  for (i = 0; i < a->rows; i++)
    for (j = 0; j < a->cols; j++) {
      size_t k = (size_t)i * a->cols + j;
      int isnum;
      lua_pushvalue(L, 2);
      lua_pushnumber(L, a->v[k]);
      lua_pushinteger(L, i + 1);
      lua_pushinteger(L, j + 1);
      lua_call(L, 3, 1);
      d->v[k] = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        return luaL_error(L, "map: the function returned a %s at (%d, %d), expected a number",
                          luaL_typename(L, -1), i + 1, j + 1);
      lua_pop(L, 1);
    }
  return 1;
}

/* --- elementwise functions, comparisons, slicing -------------------- */

/* matrix.exp(a [, dst]) and the like: f of each element. */
static int unary(lua_State *L, MatFunc f, const char *name) {
  Mat *a = lmat_check(L, 1);
  Mat *d = result(L, 2, name, a->rows, a->cols, 1);
  if (mat_apply(d, a, f) != MAT_OK)
    return lmat_interrupted(L, name);
  return 1;
}

static int m_exp(lua_State *L) { return unary(L, MAT_EXP, "exp"); }
static int m_log(lua_State *L) { return unary(L, MAT_LOG, "log"); }
static int m_tanh(lua_State *L) { return unary(L, MAT_TANH, "tanh"); }
static int m_sqrt(lua_State *L) { return unary(L, MAT_SQRT, "sqrt"); }
static int m_abs(lua_State *L) { return unary(L, MAT_ABS, "abs"); }
static int m_sign(lua_State *L) { return unary(L, MAT_SIGN, "sign"); }

/* The operand at arg against a (at 1): a matrix of a's shape (returned), or
   a number (into *s, NULL returned). */
static Mat *operand_like(lua_State *L, int arg, const Mat *a, double *s, const char *name) {
  Mat *b = test_like(L, arg, 1);
  if (b == NULL) {
    *s = checkoperand(L, arg, name);
    return NULL;
  }
  if (b->rows != a->rows || b->cols != a->cols) {
    char why[64];
    snprintf(why, sizeof why, "shapes differ (need a %dx%d matrix or a number)", a->rows,
             a->cols);
    lmat_shape_error(L, name, a, " and ", b, why);
  }
  return b;
}

/* a:gt(b | x [, dst]) and the like, matrix.maximum(a, b | x [, dst]). */
static int cmp(lua_State *L, MatCmp op, const char *name) {
  Mat *a = lmat_check(L, 1), *b, *d;
  double s = 0.0;
  b = operand_like(L, 2, a, &s, name);
  d = result(L, 3, name, a->rows, a->cols, 1);
  if (b)
    mat_compare(d, a, b, op);
  else
    mat_compare_scalar(d, a, s, op);
  return 1;
}

static int m_gt(lua_State *L) { return cmp(L, MAT_GT, "gt"); }
static int m_ge(lua_State *L) { return cmp(L, MAT_GE, "ge"); }
static int m_lt(lua_State *L) { return cmp(L, MAT_LT, "lt"); }
static int m_le(lua_State *L) { return cmp(L, MAT_LE, "le"); }
static int m_eq(lua_State *L) { return cmp(L, MAT_EQ, "eq"); }
static int m_ne(lua_State *L) { return cmp(L, MAT_NE, "ne"); }
static int m_maximum(lua_State *L) { return cmp(L, MAT_MAXIMUM, "maximum"); }
static int m_minimum(lua_State *L) { return cmp(L, MAT_MINIMUM, "minimum"); }

/* matrix.clip(a, lo, hi [, dst]): lo or hi nil for no bound. */
static int m_clip(lua_State *L) {
  Mat *a = lmat_check(L, 1), *d;
  double lo = lua_isnoneornil(L, 2) ? -HUGE_VAL : luaL_checknumber(L, 2);
  double hi = lua_isnoneornil(L, 3) ? HUGE_VAL : luaL_checknumber(L, 3);
  d = result(L, 4, "clip", a->rows, a->cols, 1);
  mat_clip(d, a, lo, hi);
  return 1;
}

/* matrix.where(mask, a | x, b | y [, dst]): a where mask is not 0, else b. */
static int m_where(lua_State *L) {
  Mat *mask = lmat_check(L, 1), *a, *b, *d;
  double sa = 0.0, sb = 0.0;
  a = operand_like(L, 2, mask, &sa, "where");
  b = operand_like(L, 3, mask, &sb, "where");
  d = result(L, 4, "where", mask->rows, mask->cols, 1);
  mat_where(d, mask, a, sa, b, sb);
  return 1;
}

/* The range first..last (1-based, inclusive) of n rows or columns given by
   the arguments at arg and arg + 1: nil is the whole range, a negative index
   counts from the end (-1 is the last).  *start is 0-based. */
static void slicerange(lua_State *L, int arg, const Mat *m, int n, const char *what,
                       int *start, int *len) {
  lua_Integer k[2];
  int e;
  char s[32];
  for (e = 0; e < 2; e++) {
    lua_Integer x;
    if (lua_isnoneornil(L, arg + e)) {
      k[e] = e == 0 ? 1 : n;
      continue;
    }
    x = luaL_checkinteger(L, arg + e);
    if (x < 0 && x >= -(lua_Integer)n)
      k[e] = n + 1 + x;
    else if (x >= 1 && x <= n)
      k[e] = x;
    else
      luaL_error(L, "slice: %s index %I is out of range for a %s matrix (%ss 1..%d, or -%d..-1 "
                 "from the end)", what, x, lmat_shapestr(s, m), what, n, n);
  }
  if (k[1] < k[0] - 1)
    luaL_error(L, "slice: %ss %I..%I of a %s matrix: the first is after the last", what,
               k[0], k[1], lmat_shapestr(s, m));
  *start = (int)k[0] - 1;
  *len = (int)(k[1] - k[0] + 1);
}

/* m:slice(i1, i2, j1, j2 [, dst]): a copy of rows i1..i2, columns j1..j2. */
static int m_slice(lua_State *L) {
  Mat *m = lmat_check(L, 1), *d;
  int i0, r, j0, c;
  slicerange(L, 2, m, m->rows, "row", &i0, &r);
  slicerange(L, 4, m, m->cols, "column", &j0, &c);
  d = result(L, 6, "slice", r, c, 1);
  if (d->v != m->v)  /* else dst is m and the slice is all of it */
    mat_slice(d, m, i0, j0);
  return 1;
}

/* matrix.hstack{a, b, ...} / matrix.vstack{a, b, ...} [, dst]: side by side
   (equal row counts) or one above the other (equal column counts). */
static int stack(lua_State *L, int horizontal) {
  const char *name = horizontal ? "hstack" : "vstack";
  lua_Integer k, n;
  size_t total = 0;
  int first = 0, r = 0, c = 0, at = 0;
  Mat *d, *t;
  char sa[32], sb[32];
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  n = (lua_Integer)lua_rawlen(L, 1);
  if (n == 0)
    return luaL_error(L, "%s: expected a list of matrices, got an empty table", name);
  if (n > 1000000)
    return luaL_error(L, "%s: too many matrices (%I)", name, n);
  luaL_checkstack(L, (int)n + 4, name);
  for (k = 1; k <= n; k++) {  /* the matrices at 3 .. n + 2 */
    Mat *m;
    lua_rawgeti(L, 1, k);
    m = lmat_test(L, -1);
    if (m == NULL)
      return luaL_error(L, "%s: item %I is a %s, expected a matrix", name, k,
                        luaL_typename(L, -1));
    if (k == 1) {
      first = lua_gettop(L);
      r = m->rows;
      c = m->cols;
    } else if (horizontal ? m->rows != r : m->cols != c) {
      Mat *m1 = lmat_test(L, first);
      return luaL_error(L, "%s: matrix %I is %s but matrix 1 is %s (%s needs equal %s counts)",
                        name, k, lmat_shapestr(sa, m), lmat_shapestr(sb, m1), name,
                        horizontal ? "row" : "column");
    }
    total += (size_t)(horizontal ? m->cols : m->rows);
  }
  if (total > MAT_MAXDIM)
    return luaL_error(L, "%s: the result has %I %s, more than %d", name, (lua_Integer)total,
                      horizontal ? "columns" : "rows", MAT_MAXDIM);
  if (horizontal)
    c = (int)total;
  else
    r = (int)total;
  d = optdest(L, 2, name, r, c);
  t = d;
  for (k = 0; d != NULL && k < n; k++)  /* dst is one of the inputs: through a copy */
    if (lmat_test(L, first + (int)k)->v == d->v && mat_len(d) > 0)
      t = NULL;
  if (t == NULL)
    t = lmat_push_like(L, r, c, first);
  for (k = 0; k < n; k++) {
    Mat *m = lmat_test(L, first + (int)k);
    mat_place(t, m, horizontal ? 0 : at, horizontal ? at : 0);
    at += horizontal ? m->cols : m->rows;
  }
  if (d != NULL) {
    if (t != d)
      mat_copy(d, t);
    lua_pushvalue(L, 2);
  }
  return 1;
}

static int m_hstack(lua_State *L) { return stack(L, 1); }
static int m_vstack(lua_State *L) { return stack(L, 0); }

/* --- reductions ----------------------------------------------------- */

static int optaxis(lua_State *L, int arg) {
  lua_Integer axis;
  if (lua_isnoneornil(L, arg))
    return 0;
  axis = luaL_checkinteger(L, arg);
  if (axis != 1 && axis != 2)
    luaL_argerror(L, arg, lua_pushfstring(L, "axis must be 1 or 2, got %I", axis));
  return (int)axis;
}

static int reduction(lua_State *L, MatReduce r, const char *name) {
  Mat *a = lmat_check(L, 1), *d;
  int axis = optaxis(L, 2);
  int empty = axis == 0 ? mat_len(a) == 0 : axis == 1 ? a->rows == 0 : a->cols == 0;
  if (empty && (r == MAT_MAX || r == MAT_MIN)) {
    char s[32];
    return luaL_error(L, "%s: empty %s matrix has no %s", name, lmat_shapestr(s, a), name);
  }
  if (axis == 0) {
    lua_pushnumber(L, mat_reduce_all(a, r));
    return 1;
  }
  d = axis == 1 ? lmat_push_raw(L, 1, a->cols) : lmat_push_raw(L, a->rows, 1);
  mat_reduce_axis(d, a, axis, r);
  return 1;
}

static int m_sum(lua_State *L) { return reduction(L, MAT_SUM, "sum"); }
static int m_mean(lua_State *L) { return reduction(L, MAT_MEAN, "mean"); }
static int m_max(lua_State *L) { return reduction(L, MAT_MAX, "max"); }
static int m_min(lua_State *L) { return reduction(L, MAT_MIN, "min"); }

static int m_argmax(lua_State *L) {
  Mat *a = lmat_check(L, 1), *d;
  int axis = optaxis(L, 2);
  size_t i, n;
  int empty = axis == 0 ? mat_len(a) == 0 : axis == 1 ? a->rows == 0 : a->cols == 0;
  if (empty) {
    char s[32];
    return luaL_error(L, "argmax: empty %s matrix has no argmax", lmat_shapestr(s, a));
  }
  if (axis == 0) {
    size_t k = mat_argmax_all(a);
    lua_pushinteger(L, (lua_Integer)(k / (size_t)a->cols) + 1);
    lua_pushinteger(L, (lua_Integer)(k % (size_t)a->cols) + 1);
    return 2;
  }
  d = axis == 1 ? lmat_push_raw(L, 1, a->cols) : lmat_push_raw(L, a->rows, 1);
  mat_argmax_axis(d, a, axis);
  for (i = 0, n = mat_len(d); i < n; i++)
    d->v[i] += 1.0;  /* 1-based, like every index in Lua */
  return 1;
}

static int m_dot(lua_State *L) {
  Mat *a = lmat_check(L, 1), *b = lmat_check(L, 2);
  int same = a->rows == b->rows && a->cols == b->cols;
  if (!same && !(isvector(a) && isvector(b) && mat_len(a) == mat_len(b)))
    return lmat_shape_error(L, "dot", a, " and ", b, "shapes differ");
  lua_pushnumber(L, mat_dot(a, b));
  return 1;
}

static int m_outer(lua_State *L) {
  Mat *u = lmat_check(L, 1), *v = lmat_check(L, 2), *d, cu, cv;
  luaL_argcheck(L, isvector(u), 1, "vector expected (a 1xn or nx1 matrix)");
  luaL_argcheck(L, isvector(v), 2, "vector expected (a 1xn or nx1 matrix)");
  cu.rows = (int)mat_len(u); cu.cols = 1; cu.v = u->v;
  cv.rows = 1; cv.cols = (int)mat_len(v); cv.v = v->v;
  d = lmat_push_raw(L, cu.rows, cv.cols);
  if (mat_matmul(d, &cu, 0, &cv, 0) != MAT_OK)
    return lmat_interrupted(L, "outer");
  return 1;
}

static int m_norm(lua_State *L) {
  lua_pushnumber(L, mat_norm(lmat_check(L, 1)));
  return 1;
}

static int m_allclose(lua_State *L) {
  Mat *a = lmat_check(L, 1), *b = lmat_check(L, 2);
  double rtol = luaL_optnumber(L, 3, 1e-5), atol = luaL_optnumber(L, 4, 1e-8);
  lua_pushboolean(L, a->rows == b->rows && a->cols == b->cols &&
                     mat_allclose(a, b, rtol, atol));
  return 1;
}

/* --- printing ------------------------------------------------------- */

#define PRINT_ROWS 20   /* more rows than this are elided in the middle */
#define PRINT_COLS 10
#define PRINT_EDGE 4    /* rows / columns kept at each end when eliding */

static int shown(int k, int n, int limit) {  /* is row/column k printed? */
  return n <= limit || k < PRINT_EDGE || k >= n - PRINT_EDGE;
}

static void fmtnum(char *buf, double x) {
  if (x == 0.0)
    x = 0.0;  /* print -0 as 0 */
  if (isnan(x))  /* glibc prints a NaN with its sign bit set (0/0's) as -nan */
    snprintf(buf, 32, "nan");
  else
    snprintf(buf, 32, "%.6g", x);
}

static int mm_tostring(lua_State *L) {
  Mat *m = lmat_check(L, 1);
  luaL_Buffer b;
  char s[32], num[32];
  int i, j, width[2 * PRINT_EDGE + PRINT_COLS];
  int ncol = 0;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "matrix ");
  luaL_addstring(&b, lmat_shapestr(s, m));
  /* Column widths over the rows that are printed. */
  for (j = 0; j < m->cols; j++) {
    if (!shown(j, m->cols, PRINT_COLS))
      continue;
    width[ncol] = 1;
    for (i = 0; i < m->rows; i++) {
      int len;
      if (!shown(i, m->rows, PRINT_ROWS))
        continue;
      fmtnum(num, m->v[(size_t)i * m->cols + j]);
      len = (int)strlen(num);
      if (len > width[ncol])
        width[ncol] = len;
    }
    ncol++;
  }
  for (i = 0; i < m->rows; i++) {
    if (!shown(i, m->rows, PRINT_ROWS)) {
      if (i == PRINT_EDGE)
        luaL_addstring(&b, "\n  ...");
      continue;
    }
    luaL_addchar(&b, '\n');
    for (j = 0, ncol = 0; j < m->cols; j++) {
      char cell[64];
      if (!shown(j, m->cols, PRINT_COLS)) {
        if (j == PRINT_EDGE)
          luaL_addstring(&b, "  ...");
        continue;
      }
      fmtnum(num, m->v[(size_t)i * m->cols + j]);
      snprintf(cell, sizeof cell, "  %*s", width[ncol++], num);
      luaL_addstring(&b, cell);
    }
  }
  luaL_pushresult(&b);
  return 1;
}

/* The methods table's __index, for the keys it lacks: A[1] and A[1][2] are
   errors that say how to index (a missing name stays nil, as before, and
   the REPL's completion, which reads __index tables raw, skips this). */
static int m_noindex(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER)
    return luaL_error(L, "a matrix is not indexed with [%s]: use A:get(i, j) for an entry "
                      "(A:get(k) in a vector), A:row(i) or A:col(j) for a row or a column",
                      luaL_tolstring(L, 2, NULL));
  return 0;
}

static const luaL_Reg functions[] = {
  {"new", m_new}, {"zeros", m_zeros}, {"ones", m_ones}, {"fill", m_fill},
  {"eye", m_eye}, {"col", m_col}, {"row", m_row}, {"diag", m_diag}, {"is", m_is},
  {"threads", m_threads}, {"seed", m_seed}, {"rand", m_rand}, {"randn", m_randn}, {"randint", m_randint},
  {"shape", m_shape}, {"get", m_get}, {"set", m_set}, {"copy", m_copy},
  {"columns", m_columns},
  {"reshape", m_reshape}, {"T", m_transpose}, {"transpose", m_transpose},
  {"totable", m_totable},
  {"add", m_add}, {"sub", m_sub}, {"mul", m_mul}, {"div", m_div},
  {"matmul", m_matmul}, {"scale", m_scale}, {"map", m_map},
  {"sum", m_sum}, {"mean", m_mean}, {"max", m_max}, {"min", m_min},
  {"argmax", m_argmax}, {"dot", m_dot}, {"outer", m_outer}, {"norm", m_norm},
  {"allclose", m_allclose},
  {"exp", m_exp}, {"log", m_log}, {"tanh", m_tanh}, {"sqrt", m_sqrt}, {"abs", m_abs},
  {"sign", m_sign}, {"maximum", m_maximum}, {"minimum", m_minimum}, {"clip", m_clip},
  {"where", m_where}, {"gt", m_gt}, {"ge", m_ge}, {"lt", m_lt}, {"le", m_le}, {"eq", m_eq},
  {"ne", m_ne}, {"slice", m_slice}, {"hstack", m_hstack}, {"vstack", m_vstack},
  {NULL, NULL}
};

static const luaL_Reg metamethods[] = {
  {"__add", mm_add}, {"__sub", mm_sub}, {"__mul", mm_mul}, {"__div", mm_div},
  {"__unm", mm_unm}, {"__eq", mm_eq}, {"__tostring", mm_tostring},
  {NULL, NULL}
};

int luaopen_nnlab_matrix(lua_State *L) {
  luaL_newmetatable(L, LMATRIX_TNAME);  /* or the one already there */
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &mt_key);
  luaL_setfuncs(L, metamethods, 0);
  luaL_newlib(L, functions);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__index");
  /* matrix(t) is matrix.new(t). */
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, -3);
  lua_pushcclosure(L, m_call, 1);
  lua_setfield(L, -2, "__call");
  lua_pushcfunction(L, m_noindex);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_remove(L, -2);  /* the metatable */
  return 1;
}
