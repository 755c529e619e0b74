/* splitmix64.h: the generators' PRNG, the splitmix64 step (Vigna's
 * public-domain splitmix64.c, after Steele, Lea and Flood's SplittableRandom),
 * so a seed gives the same files bit for bit on every machine. Each generator
 * keeps its own state and its own reduction to a range. */
#ifndef BENCH_SPLITMIX64_H
#define BENCH_SPLITMIX64_H

#include <stdint.h>

static inline uint64_t
splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
