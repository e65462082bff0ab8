/*
 * mat.c -- dense double-precision matrix kernels (see mat.h).
 */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "mat.h"

volatile sig_atomic_t mat_interrupted = 0;

/* Products smaller than this many multiply-adds skip BLAS's call overhead. */
#define SMALL_MATMUL 4096
/* Large products run as row panels of about this many multiply-adds, so
   that an interrupt is seen within a fraction of a second. */
#define PANEL_WORK ((size_t)1 << 27)

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

static double apply(double x, double y, MatOp op) {
  switch (op) {
  case MAT_ADD: return x + y;
  case MAT_SUB: return x - y;
  case MAT_MUL: return x * y;
  default: return x / y;
  }
}

void mat_binop(Mat *dst, const Mat *a, const Mat *b, MatOp op) {
  size_t i, n = mat_len(a);
  double *d = dst->v;
  const double *x = a->v, *y = b->v;
  switch (op) {  /* one loop per operation, so that each vectorises */
  case MAT_ADD: for (i = 0; i < n; i++) d[i] = x[i] + y[i]; break;
  case MAT_SUB: for (i = 0; i < n; i++) d[i] = x[i] - y[i]; break;
  case MAT_MUL: for (i = 0; i < n; i++) d[i] = x[i] * y[i]; break;
  case MAT_DIV: for (i = 0; i < n; i++) d[i] = x[i] / y[i]; break;
  }
}

void mat_binop_col(Mat *dst, const Mat *a, const Mat *col, MatOp op) {
  int i, j, c = a->cols;
  for (i = 0; i < a->rows; i++) {
    double y = col->v[i];
    const double *x = a->v + (size_t)i * c;
    double *d = dst->v + (size_t)i * c;
    for (j = 0; j < c; j++)
      d[j] = apply(x[j], y, op);
  }
}

void mat_col_binop(Mat *dst, const Mat *col, const Mat *a, MatOp op) {
  int i, j, c = a->cols;
  for (i = 0; i < a->rows; i++) {
    double y = col->v[i];
    const double *x = a->v + (size_t)i * c;
    double *d = dst->v + (size_t)i * c;
    for (j = 0; j < c; j++)
      d[j] = apply(y, x[j], op);
  }
}

void mat_binop_scalar(Mat *dst, const Mat *a, double s, MatOp op, int scalar_left) {
  size_t i, n = mat_len(a);
  for (i = 0; i < n; i++)
    dst->v[i] = scalar_left ? apply(s, a->v[i], op) : apply(a->v[i], s, op);
}

void mat_axpy(Mat *dst, const Mat *a, double alpha, const Mat *b) {
  size_t i, n = mat_len(a);
  for (i = 0; i < n; i++)
    dst->v[i] = a->v[i] + alpha * b->v[i];
}

/* The plain loop for small products: i-p-j order reads b and dst by rows. */
static void matmul_small(Mat *dst, const Mat *a, int ta, const Mat *b, int tb, int k) {
  int i, j, p, m = dst->rows, n = dst->cols;
  mat_fill(dst, 0.0);
  for (i = 0; i < m; i++) {
    double *d = dst->v + (size_t)i * n;
    for (p = 0; p < k; p++) {
      double x = ta ? a->v[(size_t)p * a->cols + i] : a->v[(size_t)i * a->cols + p];
      if (tb)
        for (j = 0; j < n; j++)
          d[j] += x * b->v[(size_t)j * b->cols + p];
      else {
        const double *y = b->v + (size_t)p * b->cols;
        for (j = 0; j < n; j++)
          d[j] += x * y[j];
      }
    }
  }
}

int mat_matmul(Mat *dst, const Mat *a, int ta, const Mat *b, int tb) {
  int m = dst->rows, n = dst->cols, k = ta ? a->rows : a->cols;
  size_t work = (size_t)m * n * k, panel;
  int i0;
  if (m == 0 || n == 0)
    return MAT_OK;
  if (k == 0 || work <= SMALL_MATMUL) {
    matmul_small(dst, a, ta, b, tb, k);
    return MAT_OK;
  }
  panel = PANEL_WORK / ((size_t)n * k);
  if (panel < 16)
    panel = 16;
  for (i0 = 0; i0 < m; i0 += (int)panel) {
    int rows = m - i0 < (int)panel ? m - i0 : (int)panel;
    /* Row i of op(a) starts at row i of a, or at column i when transposed. */
    const double *ap = ta ? a->v + i0 : a->v + (size_t)i0 * a->cols;
    if (mat_interrupted)
      return MAT_EINTR;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, rows, n, k, 1.0,
                ap, a->cols > 0 ? a->cols : 1, b->v, b->cols > 0 ? b->cols : 1,
                0.0, dst->v + (size_t)i0 * n, n);
  }
  return MAT_OK;
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
