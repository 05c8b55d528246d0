/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rng.h - the run's seeded random number generator (xoshiro256**)
 *
 * One per run, so a seed replays a run exactly: DHCP xids, jitter, faults
 * and 169.254 addresses all come from here, in event order.
 */
#ifndef NETSIM_RNG_H
#define NETSIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct ns_rng {
	uint64_t s[4];
};

void ns_rng_seed(struct ns_rng *r, uint64_t seed);
uint64_t ns_rng_next(struct ns_rng *r);
uint64_t ns_rng_below(struct ns_rng *r, uint64_t n);
bool ns_rng_chance(struct ns_rng *r, double percent);
double ns_rng_unit(struct ns_rng *r);

#endif /* NETSIM_RNG_H */
