/*
 * dropout.c -- inverted dropout.  See dropout.h.
 */
#include <stddef.h>

#include "dropout.h"

void dropout_mask(Mat *mask, Rng *rng, double p) {
  size_t i, n = mat_len(mask);
  for (i = 0; i < n; i++)
    mask->v[i] = p == 0.0 || rng_double(rng) >= p ? 1.0 : 0.0;
}

void dropout_apply(Mat *dst, const Mat *src, const Mat *mask, double keep) {
  size_t i, n = mat_len(dst);
  for (i = 0; i < n; i++)
    dst->v[i] = src->v[i] * mask->v[i] / keep;
}
