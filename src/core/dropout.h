/*
 * dropout.h -- inverted dropout: the mask and its application.
 *
 * Pure C.  A unit is kept with probability keep = 1 - p and then scaled by
 * 1 / keep, so the expected output equals the input and evaluation needs no
 * rescaling.
 */
#ifndef NNLAB_DROPOUT_H
#define NNLAB_DROPOUT_H

#include "mat.h"
#include "rng.h"

/* mask(i, j) = 1 if u >= p else 0, with one u = rng_double per entry drawn in
   row-major order: numpy's (np.random.random_sample(shape) >= p).  p = 0
   draws nothing and keeps every entry. */
void dropout_mask(Mat *mask, Rng *rng, double p);
/* dst = (src .* mask) / keep elementwise, all the same shape; dst may alias
   src.  A dropped NaN stays NaN (NaN * 0), as in numpy. */
void dropout_apply(Mat *dst, const Mat *src, const Mat *mask, double keep);

#endif
