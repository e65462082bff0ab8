/*
 * blas.c -- the benchmark's reference for the matrix product: OpenBLAS's
 * dgemm called directly from C on n x n doubles, as many times as fill about
 * 0.2 s, a few times over.  Prints one line per size:
 *   RESULT matmul.N GFLOP/s v1 v2 ...
 * usage: blas REPS N...   (threads: OPENBLAS_NUM_THREADS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int reps, a;
  if (argc < 3) {
    fprintf(stderr, "usage: %s REPS N...\n", argv[0]);
    return 2;
  }
  reps = atoi(argv[1]);
  for (a = 2; a < argc; a++) {
    int n = atoi(argv[a]), r;
    size_t i, len = (size_t)n * (size_t)n;
    double *x = malloc(len * sizeof *x), *y = malloc(len * sizeof *y), *z = malloc(len * sizeof *z);
    long calls = 1, c;
    double flops = 2.0 * n * n * (double)n, t;
    if (!x || !y || !z)
      return 1;
    for (i = 0; i < len; i++) {
      x[i] = (double)rand() / RAND_MAX - 0.5;
      y[i] = (double)rand() / RAND_MAX - 0.5;
    }
    for (;;) {  /* calls per repetition: about 0.2 s */
      t = now();
      for (c = 0; c < calls; c++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, x, n, y, n, 0.0, z, n);
      t = now() - t;
      if (t > 0.05)
        break;
      calls *= 2;
    }
    calls = (long)(calls * 0.2 / t) + 1;
    printf("RESULT matmul.%d GFLOP/s", n);
    for (r = 0; r < reps; r++) {
      t = now();
      for (c = 0; c < calls; c++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, x, n, y, n, 0.0, z, n);
      t = now() - t;
      printf(" %.6g", flops * (double)calls / t * 1e-9);
    }
    printf("\n");
    fflush(stdout);
    free(x); free(y); free(z);
  }
  return 0;
}
