// SPDX-License-Identifier: GPL-2.0-or-later
/* rng.c - xoshiro256** seeded through splitmix64 (public-domain algorithms
 * by Blackman and Vigna): fast, and the same sequence on every machine. */
#include "netsim/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/**
 * ns_rng_seed() - start the sequence of @seed
 * @r:		generator
 * @seed:	any value, 0 included
 */
void ns_rng_seed(struct ns_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/**
 * ns_rng_next() - the next 64 random bits
 * @r:		generator
 *
 * Return: value
 */
uint64_t ns_rng_next(struct ns_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/**
 * ns_rng_below() - uniform integer in [0, n), without modulo bias
 * @r:		generator
 * @n:		bound, 0 gives 0
 *
 * Return: value
 */
uint64_t ns_rng_below(struct ns_rng *r, uint64_t n)
{
	uint64_t limit, v;

	if (n <= 1)
		return 0;
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		v = ns_rng_next(r);
	while (v >= limit);
	return v % n;
}

/**
 * ns_rng_unit() - uniform double in [0, 1)
 * @r:		generator
 *
 * Return: value
 */
double ns_rng_unit(struct ns_rng *r)
{
	return (double)(ns_rng_next(r) >> 11) * 0x1.0p-53;
}

/**
 * ns_rng_chance() - true with probability @percent / 100
 * @r:		generator
 * @percent:	0..100; 0 never draws a number (a run without faults keeps
 *		the same sequence whatever its fault code paths)
 *
 * Return: the draw
 */
bool ns_rng_chance(struct ns_rng *r, double percent)
{
	if (percent <= 0)
		return false;
	return ns_rng_unit(r) * 100.0 < percent;
}
