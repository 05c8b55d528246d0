/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shard_auto.h - `--shard auto`: which shard of the run this machine
 * takes, from the variables a CI engine or batch system sets (shard_auto.c) */
#ifndef KDH_SHARD_AUTO_H
#define KDH_SHARD_AUTO_H

#include <stddef.h>

#define SHARD_FROM_LEN	256

/**
 * struct shard_pick - the shard a run takes and what decided it
 * @k:		1-based index, 1 <= @k <= @n
 * @n:		shard count
 * @from:	the variables that decided, "NAME=VALUE ..." ("; " between
 *		engines that agreed), or "--shard K/N" when given as such
 */
struct shard_pick {
	unsigned k, n;
	char from[SHARD_FROM_LEN];
};

int shard_auto(const char *const *env, struct shard_pick *out, char *err,
	       size_t errlen);
int shard_option(const char *arg, const char *const *env,
		 struct shard_pick *out, char *err, size_t errlen);

#endif /* KDH_SHARD_AUTO_H */
