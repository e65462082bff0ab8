/*
 * rng.c -- MT19937 as numpy's legacy RandomState drives it (see rng.h).
 *
 * Each function follows its counterpart in numpy/random/src (mt19937.c,
 * legacy-distributions.c, distributions.c) step by step, so that the same
 * seed gives bit-for-bit the same numbers.
 */
#include <math.h>

#include "rng.h"

#define MT_N 624
#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfU
#define MT_UPPER 0x80000000U
#define MT_LOWER 0x7fffffffU

/* mt19937_seed (init_genrand). */
void rng_seed(Rng *r, uint32_t seed) {
  int i;
  for (i = 0; i < MT_N; i++) {
    r->key[i] = seed;
    seed = (uint32_t)(1812433253U * (seed ^ (seed >> 30)) + (uint32_t)i + 1);
  }
  r->pos = MT_N;
  r->has_gauss = 0;
  r->gauss = 0.0;
}

static uint32_t twist(uint32_t a, uint32_t b, uint32_t c) {
  uint32_t y = (a & MT_UPPER) | (b & MT_LOWER);
  return c ^ (y >> 1) ^ ((0U - (y & 1U)) & MT_MATRIX_A);
}

/* mt19937_gen: the next 624 words. */
static void generate(Rng *r) {
  uint32_t *k = r->key;
  int i;
  for (i = 0; i < MT_N - MT_M; i++)
    k[i] = twist(k[i], k[i + 1], k[i + MT_M]);
  for (; i < MT_N - 1; i++)
    k[i] = twist(k[i], k[i + 1], k[i + MT_M - MT_N]);
  k[MT_N - 1] = twist(k[MT_N - 1], k[0], k[MT_M - 1]);
  r->pos = 0;
}

/* mt19937_next: one tempered word.  Afterwards pos is in 1 .. 624. */
uint32_t rng_uint32(Rng *r) {
  uint32_t y;
  /* A zero-filled Rng (pos is never 0 between calls) is seeded with 0 on
     its first draw: reproducible without a seed, unlike numpy's default. */
  if (r->pos == 0)
    rng_seed(r, 0);
  if (r->pos >= MT_N)
    generate(r);
  y = r->key[r->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

/* mt19937_next64: the first word is the high half. */
static uint64_t rng_uint64(Rng *r) {
  uint64_t hi = rng_uint32(r);
  return hi << 32 | rng_uint32(r);
}

/* mt19937_next_double: 27 + 26 bits. */
double rng_double(Rng *r) {
  uint32_t a = rng_uint32(r) >> 5;
  uint32_t b = rng_uint32(r) >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* legacy_gauss: polar Box-Muller, the second value kept for the next call. */
double rng_gauss(Rng *r) {
  double x1, x2, r2, f;
  if (r->has_gauss) {
    r->has_gauss = 0;
    f = r->gauss;
    r->gauss = 0.0;
    return f;
  }
  do {
    x1 = 2.0 * rng_double(r) - 1.0;
    x2 = 2.0 * rng_double(r) - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  f = sqrt(-2.0 * log(r2) / r2);
  r->gauss = f * x1;
  r->has_gauss = 1;
  return f * x2;
}

/*
 * random_bounded_uint64_fill with use_masked, for the range 0 .. n-1:
 * draw words masked to the smallest 2^k - 1 >= n - 1 until one is <= n - 1;
 * 32-bit words while n - 1 fits in 32 bits, 64-bit words beyond.
 */
uint64_t rng_randint(Rng *r, uint64_t n) {
  uint64_t max = n - 1, mask = max, v;
  if (n <= 1)
    return 0;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  if (max <= 0xffffffffU) {
    while ((v = rng_uint32(r) & mask) > max)
      ;
  } else {
    while ((v = rng_uint64(r) & mask) > max)
      ;
  }
  return v;
}
