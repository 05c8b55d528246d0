/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_retry.h - kdh run --retries N (run_retry.c).  Not a public header. */
#ifndef KDH_RUN_RETRY_H
#define KDH_RUN_RETRY_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/run/run.h"

/**
 * struct run_retry - how to retry
 * @retries:	attempts after the first, at most (1 to RUN_MAX_RETRIES)
 * @dir:	the run's results directory
 * @jobs:	-j N of the retries (as the first attempts')
 * @tap:	the console speaks TAP: retry lines are TAP comments
 */
struct run_retry {
	unsigned retries;
	const char *dir;
	unsigned jobs;
	bool tap;
};

bool run_retry_wanted(const struct scenario_result *r);
int run_retry(const struct run_source *src, const struct run_opts *o,
	      const struct run_retry *rt, struct scenario_result *rs, size_t n);

#endif /* KDH_RUN_RETRY_H */
