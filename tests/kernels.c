/*
 * kernels.c -- the matrix product's paths held against each other and
 * against the textbook loop (run by tests/perf_kernels_spec.lua).
 *
 * mat.c is included whole, so that its static kernels can be called one by
 * one: the plain loops and the AVX2 tiles must give exactly the bits of the
 * textbook sum (each entry summed over p in increasing order, one multiply
 * and one add at a time), for every transpose flag and odd shapes around
 * the tile sizes; BLAS agrees to rounding; the same on views with row
 * strides (mat_gemm).  Prints one line per failure and a summary; exits 1
 * on any failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mat.c"

static int checks, failures;

static double *numbers(size_t n, unsigned *seed) {
  double *v = malloc((n ? n : 1) * sizeof(double));
  size_t i;
  for (i = 0; i < n; i++) {
    *seed = *seed * 1103515245u + 12345u;
    v[i] = ((double)(*seed >> 8 & 0xffff) - 32768.0) / 4096.0;  /* also negatives, zeros */
  }
  return v;
}

/* The textbook product: op(a)(i, p) op(b)(p, j) summed over p upwards. */
static void textbook(Mat *d, const Mat *a, int ta, const Mat *b, int tb) {
  int i, j, p, k = ta ? a->rows : a->cols;
  for (i = 0; i < d->rows; i++)
    for (j = 0; j < d->cols; j++) {
      double s = 0.0;
      for (p = 0; p < k; p++) {
        double x = ta ? a->v[(size_t)p * a->cols + i] : a->v[(size_t)i * a->cols + p];
        double y = tb ? b->v[(size_t)j * b->cols + p] : b->v[(size_t)p * b->cols + j];
        s = p == 0 ? x * y : s + x * y;
      }
      d->v[(size_t)i * d->cols + j] = s;
    }
}

/* got == want to the bit (exact) or to rounding (tol > 0: relative to the
   sum of |products|, which bounds the rounding error of any order). */
static void compare(const char *what, const Mat *got, const Mat *want, const Mat *a, int ta,
                    const Mat *b, int tb, double tol) {
  int i, j, p, k = ta ? a->rows : a->cols;
  checks++;
  for (i = 0; i < want->rows; i++)
    for (j = 0; j < want->cols; j++) {
      double g = got->v[(size_t)i * want->cols + j], w = want->v[(size_t)i * want->cols + j];
      double mag = 0.0;
      for (p = 0; p < k; p++) {
        double x = ta ? a->v[(size_t)p * a->cols + i] : a->v[(size_t)i * a->cols + p];
        double y = tb ? b->v[(size_t)j * b->cols + p] : b->v[(size_t)p * b->cols + j];
        mag += fabs(x * y);
      }
      if (tol == 0 ? memcmp(&g, &w, sizeof g) != 0 : !(fabs(g - w) <= tol * mag)) {
        printf("FAIL %s: %dx%dx%d ta=%d tb=%d at (%d, %d): got %.17g, want %.17g\n", what,
               want->rows, want->cols, k, ta, tb, i, j, g, w);
        failures++;
        return;
      }
    }
}

/* mat_gemm on views: a, b and the result inside wider matrices (row strides
   beyond their columns); the numbers must be those of the dense product and
   the padding around the result untouched. */
static void strided(const Mat *a, int ta, const Mat *b, int tb, const Mat *want, unsigned *seed) {
  size_t lda = (size_t)a->cols + 3, ldb = (size_t)b->cols + 5, ldd = (size_t)want->cols + 2;
  int i, j, k = ta ? a->rows : a->cols;
  double *wa = numbers((size_t)a->rows * lda, seed), *wb = numbers((size_t)b->rows * ldb, seed);
  double *wd = malloc(((size_t)want->rows * ldd + 1) * sizeof(double));
  Mat got = *want;
  for (i = 0; i < a->rows; i++)
    memcpy(wa + i * lda, a->v + (size_t)i * a->cols, (size_t)a->cols * sizeof(double));
  for (i = 0; i < b->rows; i++)
    memcpy(wb + i * ldb, b->v + (size_t)i * b->cols, (size_t)b->cols * sizeof(double));
  for (i = 0; i < want->rows * (int)ldd; i++)
    wd[i] = -7.0;
  mat_gemm(want->rows, want->cols, k, wa, lda, ta, wb, ldb, tb, wd, ldd);
  got.v = malloc(mat_len(want) * sizeof(double) + 1);
  for (i = 0; i < want->rows; i++)
    for (j = 0; j < (int)ldd; j++) {
      if (j < want->cols)
        got.v[(size_t)i * want->cols + j] = wd[i * ldd + j];
      else if (wd[i * ldd + j] != -7.0) {
        printf("FAIL gemm: %dx%dx%d ta=%d tb=%d wrote the padding at (%d, %d)\n", want->rows,
               want->cols, k, ta, tb, i, j);
        failures++;
      }
    }
  compare("gemm on views", &got, want, a, ta, b, tb,
          (size_t)want->rows * want->cols * k <= MAT_SMALL_MATMUL ? 0 : 1e-14);
  free(wa); free(wb); free(wd); free(got.v);
}

static void one(int m, int n, int k, int ta, int tb, unsigned *seed) {
  Mat a, b, want, got;
  size_t rows_a = ta ? k : m, cols_a = ta ? m : k, rows_b = tb ? n : k, cols_b = tb ? k : n;
  a.rows = (int)rows_a; a.cols = (int)cols_a; a.v = numbers(rows_a * cols_a, seed);
  b.rows = (int)rows_b; b.cols = (int)cols_b; b.v = numbers(rows_b * cols_b, seed);
  want.rows = got.rows = m; want.cols = got.cols = n;
  want.v = numbers((size_t)m * n, seed);
  got.v = numbers((size_t)m * n, seed);  /* garbage: every entry must be written */
  textbook(&want, &a, ta, &b, tb);

  mat_matmul_small(&got, &a, ta, &b, tb);
  compare("small", &got, &want, &a, ta, &b, tb, 0);
  if (k > 0 && !tb) {  /* the row kernels themselves (tb goes through packing) */
    size_t si = ta ? 1 : (size_t)a.cols, sp = ta ? (size_t)a.cols : 1;
    free(got.v);
    got.v = numbers((size_t)m * n, seed);
    rows_plain(got.v, (size_t)n, a.v, si, sp, b.v, (size_t)b.cols, m, n, k);
    compare("rows_plain", &got, &want, &a, ta, &b, tb, 0);
#ifdef HAVE_AVX2_ROWS
    if (have_avx2()) {
      free(got.v);
      got.v = numbers((size_t)m * n, seed);
      rows_avx2(got.v, (size_t)n, a.v, si, sp, b.v, (size_t)b.cols, m, n, k);
      compare("rows_avx2", &got, &want, &a, ta, &b, tb, 0);
    }
#endif
  }
  free(got.v);
  got.v = numbers((size_t)m * n, seed);
  mat_matmul_blas(&got, &a, ta, &b, tb);
  compare("blas", &got, &want, &a, ta, &b, tb, 1e-14);
  free(got.v);
  got.v = numbers((size_t)m * n, seed);
  mat_matmul(&got, &a, ta, &b, tb);
  compare("matmul", &got, &want, &a, ta, &b, tb,
          (size_t)m * n * k <= MAT_SMALL_MATMUL ? 0 : 1e-14);
  strided(&a, ta, &b, tb, &want, seed);
  free(a.v); free(b.v); free(want.v); free(got.v);
}

int main(void) {
  static const int sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33};
  static const int big[][3] = {  /* beyond the small path, and packing's limit */
    {40, 50, 30}, {3, 200, 9}, {200, 3, 9}, {64, 64, 64}, {1, 700, 3}, {70, 1, 90}
  };
  int ns = (int)(sizeof sizes / sizeof sizes[0]), i, j, p, t;
  unsigned seed = 1;
  for (i = 0; i < ns; i++)
    for (j = 0; j < ns; j++)
      for (p = 0; p < ns; p++)
        for (t = 0; t < 4; t++)
          one(sizes[i], sizes[j], sizes[p], t & 1, t >> 1, &seed);
  for (i = 0; i < (int)(sizeof big / sizeof big[0]); i++)
    for (t = 0; t < 4; t++)
      one(big[i][0], big[i][1], big[i][2], t & 1, t >> 1, &seed);
#ifdef HAVE_AVX2_ROWS
  printf("avx2 tiles: %s\n", have_avx2() ? "tested" : "not available on this machine");
#else
  printf("avx2 tiles: not built for this processor\n");
#endif
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
