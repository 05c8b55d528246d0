/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_suite.h - the scenarios `kdh run` and `kdh list` take (run_suite.c) */
#ifndef KDH_RUN_SUITE_H
#define KDH_RUN_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/scenario/scenario.h"

/* which scenarios: -g GROUP, --all, --shard K/N (0/0: all) */
struct suite_sel {
	const char *group;
	bool all;
	unsigned shard, shards;
};

struct suite {
	struct scenario *sc;
	size_t n, cap;
	bool bad;		/* a file was bad: said on stderr */
};

const struct builtin_scenario *builtin_find(const char *name);
void suite_load(struct suite *s, int argc, char **argv,
		const struct suite_sel *sel);

#endif /* KDH_RUN_SUITE_H */
