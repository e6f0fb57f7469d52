/*
 * random.h - the system's one seeded generator (splitmix64). Everything that
 * varies (ASLR bases, ...) draws from it, so the seed decides it all.
 */
#ifndef NTSIM_RTL_RANDOM_H
#define NTSIM_RTL_RANDOM_H

#include <stdint.h>

typedef struct rtl_random {
    uint64_t state;
} rtl_random;

static inline void rtl_random_seed(rtl_random *r, uint64_t seed)
{
    r->state = seed;
}

static inline uint64_t rtl_random_next(rtl_random *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A value in [0, n), n > 0; the tiny modulo bias does not matter here. */
static inline uint64_t rtl_random_below(rtl_random *r, uint64_t n)
{
    return rtl_random_next(r) % n;
}

#endif
