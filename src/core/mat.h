/*
 * mat.h -- dense double-precision matrix kernels.
 *
 * Pure C: nothing here knows about Lua.  A Mat describes rows x cols doubles
 * stored row-major (element (i, j), 0-based, at v[i*cols + j]), the order in
 * which numpy fills an array.  Callers (the Lua bindings) check shapes before
 * calling; kernels assume shapes agree and only report interruption.
 */
#ifndef NNLAB_MAT_H
#define NNLAB_MAT_H

#include <signal.h>
#include <stddef.h>

typedef struct Mat {
  int rows, cols;
  double *v;
} Mat;

/* Kernel status codes. */
enum { MAT_OK = 0, MAT_EINTR = 1 };

/*
 * Set asynchronously (from a SIGINT handler, or by a deadline) to ask running
 * kernels to stop; long kernels poll it between blocks of work and return
 * MAT_EINTR.  Whoever reports the interruption clears it.
 */
extern volatile sig_atomic_t mat_interrupted;

#define MAT_MAXDIM 0x7fffffff

static inline size_t mat_len(const Mat *m) { return (size_t)m->rows * (size_t)m->cols; }

/* Filling and copying (dst and src may be the same matrix where it makes sense). */
void mat_fill(Mat *dst, double x);
void mat_eye(Mat *dst);
void mat_copy(Mat *dst, const Mat *src);            /* same number of elements */
int mat_transpose(Mat *dst, const Mat *src);        /* dst is cols x rows, dst != src */

/* Elementwise binary ops: dst = a op b, all the same shape, may alias. */
typedef enum { MAT_ADD, MAT_SUB, MAT_MUL, MAT_DIV } MatOp;
void mat_binop(Mat *dst, const Mat *a, const Mat *b, MatOp op);
/* dst = a op col, col is a->rows x 1, added to every column of a. */
void mat_binop_col(Mat *dst, const Mat *a, const Mat *col, MatOp op);
/* dst = col op a, the column on the left (col is a->rows x 1). */
void mat_col_binop(Mat *dst, const Mat *col, const Mat *a, MatOp op);
/* dst = a op s (scalar on the right) or s op a (scalar on the left). */
void mat_binop_scalar(Mat *dst, const Mat *a, double s, MatOp op, int scalar_left);
/* dst = a + alpha * b (same shapes, may alias). */
void mat_axpy(Mat *dst, const Mat *a, double alpha, const Mat *b);

/*
 * Elementwise functions: dst = f(a), same shape, may alias.  exp, log,
 * tanh and sqrt are the C library's (glibc's libm on Linux: numpy calls the
 * same exp, log and sqrt, so the results are the same bits; log of a
 * negative number, and sqrt of one, is NaN, log(0) is -inf, as in numpy).
 * sign is -1, 0 or 1 (NaN stays NaN, -0 gives 0).  Returns MAT_EINTR when
 * interrupted (dst then holds partial results).
 */
typedef enum { MAT_EXP, MAT_LOG, MAT_TANH, MAT_SQRT, MAT_ABS, MAT_SIGN } MatFunc;
int mat_apply(Mat *dst, const Mat *a, MatFunc f);

/*
 * Comparisons and the elementwise maximum / minimum: dst = a op b (b a
 * matrix of a's shape) or a op s (a number).  Comparisons give 1.0 where
 * true, 0.0 where false (a NaN compares false, except by MAT_NE); maximum
 * and minimum give NaN where either is NaN, as numpy's do.  May alias.
 */
typedef enum { MAT_GT, MAT_GE, MAT_LT, MAT_LE, MAT_EQ, MAT_NE, MAT_MAXIMUM, MAT_MINIMUM } MatCmp;
void mat_compare(Mat *dst, const Mat *a, const Mat *b, MatCmp op);
void mat_compare_scalar(Mat *dst, const Mat *a, double s, MatCmp op);
/* dst = min(max(a, lo), hi) elementwise (numpy.clip; NaN stays NaN). */
void mat_clip(Mat *dst, const Mat *a, double lo, double hi);
/* dst = a where mask is not 0 (NaN counts as not 0), else b; a and b are
   matrices of mask's shape, or NULL for the numbers sa and sb.  May alias. */
void mat_where(Mat *dst, const Mat *mask, const Mat *a, double sa, const Mat *b, double sb);
/* dst (r x c) = the block of src whose top left element is (i0, j0),
   0-based; the block lies inside src; dst must not alias src. */
void mat_slice(Mat *dst, const Mat *src, int i0, int j0);
/* Copy src into dst with its top left element at (i0, j0), 0-based; src
   fits inside dst there; no aliasing.  hstack and vstack. */
void mat_place(Mat *dst, const Mat *src, int i0, int j0);

/*
 * dst = op(a) * op(b) where op transposes when ta / tb is nonzero.
 * Shapes must agree; dst must not alias a or b.  Returns MAT_EINTR if
 * interrupted (dst then holds partial results).  Products of at most
 * MAT_SMALL_MATMUL multiply-adds run as plain loops (mat_matmul_small),
 * larger ones through BLAS (mat_matmul_blas); both are exported so that
 * tests can hold one against the other.
 */
#define MAT_SMALL_MATMUL 4096
int mat_matmul(Mat *dst, const Mat *a, int ta, const Mat *b, int tb);
/* The same on raw storage with row strides (BLAS's leading dimensions), for
   views into a bigger matrix (a minibatch of neighbouring columns): d is
   m x n with row i at d + i*ldd; a is stored as k x m when ta, else m x k,
   with row stride lda; b as n x k when tb, else k x n, with row stride
   ldb. */
int mat_gemm(int m, int n, int k, const double *a, size_t lda, int ta, const double *b,
             size_t ldb, int tb, double *d, size_t ldd);
void mat_matmul_small(Mat *dst, const Mat *a, int ta, const Mat *b, int tb);
int mat_matmul_blas(Mat *dst, const Mat *a, int ta, const Mat *b, int tb);

/*
 * Memory of big matrices (at least MAT_HUGE bytes, just allocated and not yet
 * written): asks Linux for transparent huge pages where it gives them on
 * request ("madvise" mode), so that walking a big data set does not miss the
 * TLB at every row.  Only a hint; does nothing elsewhere.
 */
#define MAT_HUGE ((size_t)8 << 20)
void mat_advise(void *p, size_t bytes);

/*
 * BLAS (OpenBLAS) is loaded on first use, by the first product big enough to
 * need it; mat_blas() loads it now and says whether it is there (without it
 * big products run as plain loops: right, but slower).
 *
 * Threads: nnlab starts none of its own.  Large products use BLAS's thread
 * pool (OpenBLAS: as many threads as cores unless OPENBLAS_NUM_THREADS says
 * otherwise); everything else runs on the calling thread, so the pool is the
 * only one and nothing competes with it.  mat_threads(n) sets the pool's
 * size when n > 0 and returns the size it had; before BLAS is loaded it only
 * remembers n for the load (and returns the size remembered, 0 for none):
 * a forked grading child can ask for one thread without loading anything.
 */
int mat_blas(void);
int mat_threads(int n);

/* dst (rows x k) = the columns idx[0 .. k-1] (0-based, < src->cols) of src;
   dst must not alias src.  A minibatch out of a data set. */
void mat_gather_cols(Mat *dst, const Mat *src, const size_t *idx);

/* Reductions.  axis 0: over all elements; 1: down each column (result 1 x cols);
   2: along each row (result rows x 1).  Empty reductions: sum 0, mean NaN. */
typedef enum { MAT_SUM, MAT_MEAN, MAT_MAX, MAT_MIN } MatReduce;
double mat_reduce_all(const Mat *a, MatReduce r);
void mat_reduce_axis(Mat *dst, const Mat *a, int axis, MatReduce r);
/* Index (0-based) of the first maximum: over all elements (row-major index),
   or per column (axis 1, dst 1 x cols) / per row (axis 2, dst rows x 1),
   stored as doubles.  NaN counts as the maximum, as in numpy. */
size_t mat_argmax_all(const Mat *a);
void mat_argmax_axis(Mat *dst, const Mat *a, int axis);

double mat_dot(const Mat *a, const Mat *b);         /* same number of elements */
double mat_norm(const Mat *a);                      /* Frobenius, overflow-safe */
/* numpy.allclose: |a - b| <= atol + rtol * |b| elementwise, NaN never close. */
int mat_allclose(const Mat *a, const Mat *b, double rtol, double atol);
int mat_equal(const Mat *a, const Mat *b);          /* same shape, all a == b */

#endif
