/*
 * mat.c -- dense double-precision matrix kernels (see mat.h).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cblas.h>  /* the types; OpenBLAS itself is loaded on first use */

#include "mat.h"

volatile sig_atomic_t mat_interrupted = 0;

/* Large products run as row panels of about this many multiply-adds (some
   10 ms on one core), so that an interrupt is seen soon, while each panel
   is still big enough for BLAS to run at full speed on every thread. */
#define PANEL_WORK ((size_t)1 << 29)

void mat_fill(Mat *dst, double x) {
  size_t i, n = mat_len(dst);
  for (i = 0; i < n; i++)
    dst->v[i] = x;
}

void mat_eye(Mat *dst) {
  int i, n = dst->rows < dst->cols ? dst->rows : dst->cols;
  mat_fill(dst, 0.0);
  for (i = 0; i < n; i++)
    dst->v[(size_t)i * dst->cols + i] = 1.0;
}

void mat_copy(Mat *dst, const Mat *src) {
  if (dst->v != src->v)
    memmove(dst->v, src->v, mat_len(src) * sizeof(double));
}

int mat_transpose(Mat *dst, const Mat *src) {
  enum { B = 32 };
  int i0, j0, i, j, r = src->rows, c = src->cols;
  for (i0 = 0; i0 < r; i0 += B) {
    if (mat_interrupted)
      return MAT_EINTR;
    for (j0 = 0; j0 < c; j0 += B)
      for (i = i0; i < r && i < i0 + B; i++)
        for (j = j0; j < c && j < j0 + B; j++)
          dst->v[(size_t)j * r + i] = src->v[(size_t)i * c + j];
  }
  return MAT_OK;
}

/* The elementwise loops below are written out once per operation, with
   the operation outside the loop, so that each one vectorises. */

void mat_binop(Mat *dst, const Mat *a, const Mat *b, MatOp op) {
  size_t i, n = mat_len(a);
  double *d = dst->v;
  const double *x = a->v, *y = b->v;
  switch (op) {
  case MAT_ADD: for (i = 0; i < n; i++) d[i] = x[i] + y[i]; break;
  case MAT_SUB: for (i = 0; i < n; i++) d[i] = x[i] - y[i]; break;
  case MAT_MUL: for (i = 0; i < n; i++) d[i] = x[i] * y[i]; break;
  case MAT_DIV: for (i = 0; i < n; i++) d[i] = x[i] / y[i]; break;
  }
}

/* d[j] = x[j] op s (left == 0) or s op x[j] (left != 0), j < n. */
static void rowop(double *d, const double *x, double s, size_t n, MatOp op, int left) {
  size_t j;
  switch (op) {
  case MAT_ADD: for (j = 0; j < n; j++) d[j] = x[j] + s; break;
  case MAT_MUL: for (j = 0; j < n; j++) d[j] = x[j] * s; break;
  case MAT_SUB:
    if (left) for (j = 0; j < n; j++) d[j] = s - x[j];
    else for (j = 0; j < n; j++) d[j] = x[j] - s;
    break;
  case MAT_DIV:
    if (left) for (j = 0; j < n; j++) d[j] = s / x[j];
    else for (j = 0; j < n; j++) d[j] = x[j] / s;
    break;
  }
}

void mat_binop_col(Mat *dst, const Mat *a, const Mat *col, MatOp op) {
  int i;
  size_t c = (size_t)a->cols;
  if (c == 1) {  /* a column and a column (a layer's bias on one point) */
    mat_binop(dst, a, col, op);
    return;
  }
  for (i = 0; i < a->rows; i++)
    rowop(dst->v + i * c, a->v + i * c, col->v[i], c, op, 0);
}

void mat_col_binop(Mat *dst, const Mat *col, const Mat *a, MatOp op) {
  int i;
  size_t c = (size_t)a->cols;
  for (i = 0; i < a->rows; i++)
    rowop(dst->v + i * c, a->v + i * c, col->v[i], c, op, 1);
}

void mat_binop_scalar(Mat *dst, const Mat *a, double s, MatOp op, int scalar_left) {
  rowop(dst->v, a->v, s, mat_len(a), op, scalar_left);
}

void mat_axpy(Mat *dst, const Mat *a, double alpha, const Mat *b) {
  size_t i, n = mat_len(a);
  double *d = dst->v;
  const double *x = a->v, *y = b->v;
  for (i = 0; i < n; i++)
    d[i] = x[i] + alpha * y[i];
}

/* Elements per block between two looks at mat_interrupted in mat_apply
   (exp of this many takes well under a millisecond). */
#define APPLY_BLOCK ((size_t)1 << 16)

static double signum(double x) {
  return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x == 0.0 ? 0.0 : x;
}

int mat_apply(Mat *dst, const Mat *a, MatFunc f) {
  size_t i0, i, n = mat_len(a);
  double *d = dst->v;
  const double *x = a->v;
  for (i0 = 0; i0 < n; i0 += APPLY_BLOCK) {
    size_t end = n - i0 < APPLY_BLOCK ? n : i0 + APPLY_BLOCK;
    if (mat_interrupted)
      return MAT_EINTR;
    switch (f) {
    case MAT_EXP: for (i = i0; i < end; i++) d[i] = exp(x[i]); break;
    case MAT_LOG: for (i = i0; i < end; i++) d[i] = log(x[i]); break;
    case MAT_TANH: for (i = i0; i < end; i++) d[i] = tanh(x[i]); break;
    case MAT_SQRT: for (i = i0; i < end; i++) d[i] = sqrt(x[i]); break;
    case MAT_ABS: for (i = i0; i < end; i++) d[i] = fabs(x[i]); break;
    case MAT_SIGN: for (i = i0; i < end; i++) d[i] = signum(x[i]); break;
    }
  }
  return MAT_OK;
}

/* numpy's maximum and minimum: NaN if either is NaN; for equal numbers
   (0 and -0) the second. */
static inline double maxnan(double x, double y) {
  return x > y || x != x ? x : y;
}

static inline double minnan(double x, double y) {
  return x < y || x != x ? x : y;
}

/* d[i] = x[i] op y[i * sy] for i < n: sy is 1 for a matrix, 0 for a number
   (y then points at it). */
static void compare_elems(double *d, const double *x, const double *y, size_t sy, size_t n,
                    MatCmp op) {
  size_t i;
  switch (op) {
  case MAT_GT: for (i = 0; i < n; i++) d[i] = x[i] > y[i * sy] ? 1.0 : 0.0; break;
  case MAT_GE: for (i = 0; i < n; i++) d[i] = x[i] >= y[i * sy] ? 1.0 : 0.0; break;
  case MAT_LT: for (i = 0; i < n; i++) d[i] = x[i] < y[i * sy] ? 1.0 : 0.0; break;
  case MAT_LE: for (i = 0; i < n; i++) d[i] = x[i] <= y[i * sy] ? 1.0 : 0.0; break;
  case MAT_EQ: for (i = 0; i < n; i++) d[i] = x[i] == y[i * sy] ? 1.0 : 0.0; break;
  case MAT_NE: for (i = 0; i < n; i++) d[i] = x[i] != y[i * sy] ? 1.0 : 0.0; break;
  case MAT_MAXIMUM: for (i = 0; i < n; i++) d[i] = maxnan(x[i], y[i * sy]); break;
  case MAT_MINIMUM: for (i = 0; i < n; i++) d[i] = minnan(x[i], y[i * sy]); break;
  }
}

void mat_compare(Mat *dst, const Mat *a, const Mat *b, MatCmp op) {
  compare_elems(dst->v, a->v, b->v, 1, mat_len(a), op);
}

void mat_compare_scalar(Mat *dst, const Mat *a, double s, MatCmp op) {
  compare_elems(dst->v, a->v, &s, 0, mat_len(a), op);
}

void mat_clip(Mat *dst, const Mat *a, double lo, double hi) {
  size_t i, n = mat_len(a);
  for (i = 0; i < n; i++)
    dst->v[i] = minnan(maxnan(a->v[i], lo), hi);
}

void mat_where(Mat *dst, const Mat *mask, const Mat *a, double sa, const Mat *b, double sb) {
  size_t i, n = mat_len(mask);
  const double *x = a ? a->v : &sa, *y = b ? b->v : &sb;
  size_t sx = a ? 1 : 0, sy = b ? 1 : 0;
  for (i = 0; i < n; i++)
    dst->v[i] = mask->v[i] != 0.0 ? x[i * sx] : y[i * sy];
}

void mat_slice(Mat *dst, const Mat *src, int i0, int j0) {
  int i;
  for (i = 0; i < dst->rows; i++)
    memcpy(dst->v + (size_t)i * dst->cols,
           src->v + (size_t)(i0 + i) * src->cols + (size_t)j0,
           (size_t)dst->cols * sizeof(double));
}

void mat_place(Mat *dst, const Mat *src, int i0, int j0) {
  int i;
  for (i = 0; i < src->rows; i++)
    memcpy(dst->v + (size_t)(i0 + i) * dst->cols + (size_t)j0,
           src->v + (size_t)i * src->cols, (size_t)src->cols * sizeof(double));
}

/* Room for packing op(b) when it is transposed (k x n numbers at most). */
#define PACK 1024

/*
 * Small products run as plain loops: for the homework's layers (a 10 x 10
 * weight matrix times one column) and up to about 16 x 16 x 16, BLAS's call
 * overhead costs more than the arithmetic.  Every case below sums over p in
 * increasing order starting from the first product, one multiply and one add
 * at a time (C11 forbids contracting them into fused multiply-adds), so all
 * of them, vectorised or not, give the same bits.
 */

/* d (m x n, row i at d + i*ldd) = X Y, where X(i, p) = x[i*si + p*sp] and
   row p of Y is the n contiguous numbers at y + p*ldb: row i of d
   accumulates x(i, p) times row p of Y, an innermost loop along contiguous
   rows. */
static void rows_plain(double *restrict d, size_t ldd, const double *x, size_t si, size_t sp,
                       const double *y, size_t ldb, int m, int n, int k) {
  int i, j, p;
  for (i = 0; i < m; i++) {
    double *restrict di = d + (size_t)i * ldd;
    const double *xi = x + i * si;
    for (j = 0; j < n; j++)
      di[j] = xi[0] * y[j];
    for (p = 1; p < k; p++) {
      const double *yp = y + p * ldb;
      double s = xi[p * sp];
      for (j = 0; j < n; j++)
        di[j] += s * yp[j];
    }
  }
}

#if defined(__GNUC__) && defined(__x86_64__)
/* The same loops on x86-64 processors with AVX2 (nearly all since 2013), in
   tiles of 2 rows x 8 columns held in registers as GCC vector types.  Chosen
   at run time, so the build runs on any x86-64. */
#define HAVE_AVX2_ROWS 1
typedef double v4 __attribute__((vector_size(32)));

__attribute__((target("avx2")))
static inline v4 load4(const double *p) {
  v4 v;
  memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((target("avx2")))
static inline void store4(double *p, v4 v) {
  memcpy(p, &v, sizeof v);
}

__attribute__((target("avx2")))
static void rows_avx2(double *restrict d, size_t ldd, const double *x, size_t si, size_t sp,
                      const double *y, size_t ldb, int m, int n, int k) {
  int i, j, p;
  for (i = 0; i < m; i += 2) {
    /* A lone last row is computed twice and stored once. */
    int two = i + 1 < m;
    const double *x0 = x + i * si, *x1 = two ? x0 + si : x0;
    double *d0 = d + (size_t)i * ldd, *d1 = two ? d0 + ldd : d0;
    for (j = 0; j + 8 <= n; j += 8) {
      v4 b0 = load4(y + j), b1 = load4(y + j + 4);
      v4 c00 = x0[0] * b0, c01 = x0[0] * b1, c10 = x1[0] * b0, c11 = x1[0] * b1;
      for (p = 1; p < k; p++) {
        const double *yp = y + p * ldb + j;
        double s0 = x0[p * sp], s1 = x1[p * sp];
        b0 = load4(yp);
        b1 = load4(yp + 4);
        c00 += s0 * b0; c01 += s0 * b1;
        c10 += s1 * b0; c11 += s1 * b1;
      }
      store4(d1 + j, c10); store4(d1 + j + 4, c11);
      store4(d0 + j, c00); store4(d0 + j + 4, c01);
    }
    for (; j + 4 <= n; j += 4) {
      v4 b0 = load4(y + j), c0 = x0[0] * b0, c1 = x1[0] * b0;
      for (p = 1; p < k; p++) {
        b0 = load4(y + p * ldb + j);
        c0 += x0[p * sp] * b0;
        c1 += x1[p * sp] * b0;
      }
      store4(d1 + j, c1);
      store4(d0 + j, c0);
    }
    for (; j < n; j++) {
      double c0 = x0[0] * y[j], c1 = x1[0] * y[j];
      for (p = 1; p < k; p++) {
        c0 += x0[p * sp] * y[p * ldb + j];
        c1 += x1[p * sp] * y[p * ldb + j];
      }
      d1[j] = c1;
      d0[j] = c0;
    }
  }
}

static int have_avx2(void) {
  static int have = -1;
  if (have < 0) {
    __builtin_cpu_init();
    have = __builtin_cpu_supports("avx2") != 0;
  }
  return have;
}
#endif

/* The small product on raw storage (see mat_gemm). */
static void small(int m, int n, int k, const double *x, size_t lda, int ta, const double *y,
                  size_t ldb, int tb, double *restrict d, size_t ldd) {
  int i, j, p;
  size_t si = ta ? 1 : lda, sp = ta ? lda : 1;  /* op(a)(i, p) = x[i*si + p*sp] */
  double packed[PACK];
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    for (i = 0; i < m; i++)
      for (j = 0; j < n; j++)
        d[(size_t)i * ldd + j] = 0.0;
    return;
  }
  if (n == 1) {  /* times a vector: its k numbers are y[p * sy] */
    size_t sy = tb ? 1 : ldb;
    if (ta && ldd == 1) {  /* d = sum over p of y[p] times row p of a */
      for (i = 0; i < m; i++)
        d[i] = x[i] * y[0];
      for (p = 1; p < k; p++) {
        const double *xp = x + p * lda;
        double yp = y[p * sy];
        for (i = 0; i < m; i++)
          d[i] += xp[i] * yp;
      }
    } else if (ta) {  /* the same into a column with a row stride */
      for (i = 0; i < m; i++)
        d[i * ldd] = x[i] * y[0];
      for (p = 1; p < k; p++) {
        const double *xp = x + p * lda;
        double yp = y[p * sy];
        for (i = 0; i < m; i++)
          d[i * ldd] += xp[i] * yp;
      }
    } else {  /* d[i] = row i of a . y */
      for (i = 0; i < m; i++) {
        const double *xi = x + i * lda;
        double s = xi[0] * y[0];
        for (p = 1; p < k; p++)
          s += xi[p] * y[p * sy];
        d[i * ldd] = s;
      }
    }
    return;
  }
  if (tb) {  /* the rows of op(b) are the columns of b: pack them */
    if ((size_t)k * (size_t)n > PACK) {  /* only when called directly for big work */
      for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
          const double *yj = y + j * ldb;
          double s = x[i * si] * yj[0];
          for (p = 1; p < k; p++)
            s += x[i * si + p * sp] * yj[p];
          d[(size_t)i * ldd + j] = s;
        }
      return;
    }
    for (p = 0; p < k; p++)
      for (j = 0; j < n; j++)
        packed[(size_t)p * n + j] = y[j * ldb + p];
    y = packed;
    ldb = (size_t)n;
  }
#ifdef HAVE_AVX2_ROWS
  if (have_avx2()) {
    rows_avx2(d, ldd, x, si, sp, y, ldb, m, n, k);
    return;
  }
#endif
  rows_plain(d, ldd, x, si, sp, y, ldb, m, n, k);
}

void mat_matmul_small(Mat *dst, const Mat *a, int ta, const Mat *b, int tb) {
  small(dst->rows, dst->cols, ta ? a->rows : a->cols, a->v, (size_t)a->cols, ta, b->v,
        (size_t)b->cols, tb, dst->v, (size_t)dst->cols);
}

/*
 * OpenBLAS is loaded when the first product needs it (dlopen), not when the
 * program starts: loading it (a 36 MB library with its relocations, and its
 * threads) would otherwise be most of nnlab's start-up, for the many runs
 * that never multiply anything big.
 */
typedef void Dgemm(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint,
                   blasint, blasint, double, const double *, blasint, const double *, blasint,
                   double, double *, blasint);
static Dgemm *blas_dgemm;
static void (*blas_set_threads)(int);
static int (*blas_get_threads)(void);
static int blas_state;  /* 0: not tried yet, 1: loaded, -1: not available */
static int blas_want;   /* threads asked for before loading (0: the default) */

int mat_blas(void) {
  /* NNLAB_BLAS_LIB: the Makefile's BLAS_LIB (a macOS build names its dylib) */
#ifndef NNLAB_BLAS_LIB
#define NNLAB_BLAS_LIB "libopenblas.so.0"
#endif
  static const char *const names[] = {NNLAB_BLAS_LIB, "libopenblas.so.0", "libopenblas.so", NULL};
  const char *const *name;
  void *h = NULL;
  int setenv_done = 0;
  if (blas_state != 0)
    return blas_state > 0;
  blas_state = -1;
  /* A pool size asked for already: OpenBLAS starts its threads as it loads,
     so it is told by the environment variable it reads then. */
  if (blas_want > 0 && getenv("OPENBLAS_NUM_THREADS") == NULL) {
    char num[16];
    snprintf(num, sizeof num, "%d", blas_want);
    setenv_done = setenv("OPENBLAS_NUM_THREADS", num, 1) == 0;
  }
  for (name = names; *name != NULL && h == NULL; name++)
    h = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
  if (setenv_done)
    unsetenv("OPENBLAS_NUM_THREADS");
  if (h == NULL)
    return 0;
  /* POSIX's way to turn dlsym's object pointer into a function pointer */
  *(void **)&blas_dgemm = dlsym(h, "cblas_dgemm");
  *(void **)&blas_set_threads = dlsym(h, "openblas_set_num_threads");
  *(void **)&blas_get_threads = dlsym(h, "openblas_get_num_threads");
  if (blas_dgemm == NULL)
    return 0;
  blas_state = 1;
  if (blas_want > 0 && blas_set_threads != NULL)
    blas_set_threads(blas_want);
  return 1;
}

/* The product through BLAS on raw storage (see mat_gemm), in row panels. */
static int blas(int m, int n, int k, const double *a, size_t lda, int ta, const double *b,
                size_t ldb, int tb, double *d, size_t ldd) {
  int i0;
  size_t panel;
  if (m == 0 || n == 0 || k == 0 || !mat_blas()) {  /* without OpenBLAS: slower, but right */
    small(m, n, k, a, lda, ta, b, ldb, tb, d, ldd);
    return MAT_OK;
  }
  panel = PANEL_WORK / ((size_t)n * (size_t)k);
  if (panel < 64)
    panel = 64;
  for (i0 = 0; i0 < m; i0 += (int)panel) {
    int rows = m - i0 < (int)panel ? m - i0 : (int)panel;
    /* Row i of op(a) starts at row i of a, or at column i when transposed. */
    const double *ap = ta ? a + i0 : a + (size_t)i0 * lda;
    if (mat_interrupted)
      return MAT_EINTR;
    blas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
               rows, n, k, 1.0, ap, (blasint)(lda > 0 ? lda : 1), b, (blasint)(ldb > 0 ? ldb : 1),
               0.0, d + (size_t)i0 * ldd, (blasint)(ldd > 0 ? ldd : 1));
  }
  return MAT_OK;
}

int mat_matmul_blas(Mat *dst, const Mat *a, int ta, const Mat *b, int tb) {
  return blas(dst->rows, dst->cols, ta ? a->rows : a->cols, a->v, (size_t)a->cols, ta, b->v,
              (size_t)b->cols, tb, dst->v, (size_t)dst->cols);
}

int mat_gemm(int m, int n, int k, const double *a, size_t lda, int ta, const double *b,
             size_t ldb, int tb, double *d, size_t ldd) {
  if ((size_t)m * (size_t)n * (size_t)k <= MAT_SMALL_MATMUL) {
    small(m, n, k, a, lda, ta, b, ldb, tb, d, ldd);
    return MAT_OK;
  }
  return blas(m, n, k, a, lda, ta, b, ldb, tb, d, ldd);
}

int mat_matmul(Mat *dst, const Mat *a, int ta, const Mat *b, int tb) {
  return mat_gemm(dst->rows, dst->cols, ta ? a->rows : a->cols, a->v, (size_t)a->cols, ta,
                  b->v, (size_t)b->cols, tb, dst->v, (size_t)dst->cols);
}

void mat_advise(void *p, size_t bytes) {
#if defined(MADV_HUGEPAGE) && !defined(NNLAB_NO_LINUX)  /* Linux: README, "Other systems" */
  const uintptr_t huge = (uintptr_t)1 << 21;  /* 2 MiB, x86-64's huge page */
  uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t end = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (bytes >= MAT_HUGE && end > start)
    madvise((void *)start, (size_t)(end - start), MADV_HUGEPAGE);  /* a hint: errors do not matter */
#else
  (void)p;
  (void)bytes;
#endif
}

int mat_threads(int n) {
  int old;
  if (blas_state <= 0 || blas_set_threads == NULL || blas_get_threads == NULL) {
    old = blas_want;  /* kept for the load */
    if (n > 0)
      blas_want = n;
    return old;
  }
  old = blas_get_threads();
  if (n > 0)
    blas_set_threads(n);
  return old;
}

/* Rows ahead that mat_gather_cols asks the memory for: in a big data set
   each row is far from the last, and without this every row waits. */
#define AHEAD 8

void mat_gather_cols(Mat *dst, const Mat *src, const size_t *idx) {
  int r, j;
  size_t ld = (size_t)src->cols;
  for (r = 0; r < dst->rows; r++) {
    const double *s = src->v + (size_t)r * ld;
    double *d = dst->v + (size_t)r * (size_t)dst->cols;
#ifdef __GNUC__
    if (r + AHEAD < dst->rows)
      for (j = 0; j < dst->cols; j++)
        __builtin_prefetch(s + AHEAD * ld + idx[j]);
#endif
    for (j = 0; j < dst->cols; j++)
      d[j] = s[idx[j]];
  }
}

static double reduce(const double *x, size_t n, size_t stride, MatReduce r) {
  size_t i;
  double acc;
  if (r == MAT_SUM || r == MAT_MEAN) {
    acc = 0.0;
    for (i = 0; i < n; i++)
      acc += x[i * stride];
    return r == MAT_MEAN ? acc / (double)n : acc;
  }
  acc = x[0];
  for (i = 1; i < n && !isnan(acc); i++) {  /* NaN wins, as in numpy */
    double y = x[i * stride];
    if (isnan(y) || (r == MAT_MAX ? y > acc : y < acc))
      acc = y;
  }
  return acc;
}

double mat_reduce_all(const Mat *a, MatReduce r) {
  return reduce(a->v, mat_len(a), 1, r);
}

void mat_reduce_axis(Mat *dst, const Mat *a, int axis, MatReduce r) {
  int i;
  if (axis == 1)
    for (i = 0; i < a->cols; i++)
      dst->v[i] = reduce(a->v + i, (size_t)a->rows, (size_t)a->cols, r);
  else
    for (i = 0; i < a->rows; i++)
      dst->v[i] = reduce(a->v + (size_t)i * a->cols, (size_t)a->cols, 1, r);
}

static size_t argmax(const double *x, size_t n, size_t stride) {
  size_t i, best = 0;
  for (i = 0; i < n; i++) {
    double y = x[i * stride];
    if (isnan(y))
      return i;
    if (y > x[best * stride])
      best = i;
  }
  return best;
}

size_t mat_argmax_all(const Mat *a) {
  return argmax(a->v, mat_len(a), 1);
}

void mat_argmax_axis(Mat *dst, const Mat *a, int axis) {
  int i;
  if (axis == 1)
    for (i = 0; i < a->cols; i++)
      dst->v[i] = (double)argmax(a->v + i, (size_t)a->rows, (size_t)a->cols);
  else
    for (i = 0; i < a->rows; i++)
      dst->v[i] = (double)argmax(a->v + (size_t)i * a->cols, (size_t)a->cols, 1);
}

double mat_dot(const Mat *a, const Mat *b) {
  size_t i, n = mat_len(a);
  double acc = 0.0;
  for (i = 0; i < n; i++)
    acc += a->v[i] * b->v[i];
  return acc;
}

double mat_norm(const Mat *a) {
  size_t i, n = mat_len(a);
  double scale = 0.0, acc = 0.0;
  for (i = 0; i < n; i++) {
    double x = fabs(a->v[i]);
    if (isnan(x))
      return x;
    if (x > scale)  /* an infinity is the norm unless a NaN follows */
      scale = x;
  }
  if (scale == 0.0 || isinf(scale))
    return scale;
  for (i = 0; i < n; i++) {
    double x = a->v[i] / scale;
    acc += x * x;
  }
  return scale * sqrt(acc);
}

int mat_allclose(const Mat *a, const Mat *b, double rtol, double atol) {
  size_t i, n = mat_len(a);
  for (i = 0; i < n; i++) {
    double x = a->v[i], y = b->v[i];
    if (x == y)  /* also equal infinities, which numpy counts as close */
      continue;
    if (!isfinite(x) || !isfinite(y))  /* NaN, or unequal infinities */
      return 0;
    if (!(fabs(x - y) <= atol + rtol * fabs(y)))
      return 0;
  }
  return 1;
}

int mat_equal(const Mat *a, const Mat *b) {
  size_t i, n = mat_len(a);
  if (a->rows != b->rows || a->cols != b->cols)
    return 0;
  for (i = 0; i < n; i++)
    if (!(a->v[i] == b->v[i]))
      return 0;
  return 1;
}
