/*
 * rng.h -- the Mersenne Twister exactly as numpy's legacy np.random uses it.
 *
 * Pure C.  After rng_seed(s), rng_double, rng_gauss and rng_randint produce
 * the same stream as np.random.seed(s) followed by np.random.random_sample,
 * np.random.normal (standard_normal) and np.random.randint(n).
 */
#ifndef NNLAB_RNG_H
#define NNLAB_RNG_H

#include <stdint.h>

typedef struct Rng {
  uint32_t key[624];
  int pos;
  int has_gauss;
  double gauss;
} Rng;

void rng_seed(Rng *r, uint32_t seed);           /* np.random.seed(seed) */
uint32_t rng_uint32(Rng *r);                    /* genrand_int32 */
double rng_double(Rng *r);                      /* random_sample(): [0, 1), 53 bits */
double rng_gauss(Rng *r);                       /* standard_normal(), legacy polar method */
/* np.random.randint(n) for n >= 1: a value in 0 .. n-1 (masked rejection). */
uint64_t rng_randint(Rng *r, uint64_t n);

#endif
