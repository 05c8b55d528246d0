/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_results.h - where a run's results go (run_results.c) */
#ifndef KDH_RUN_RESULTS_H
#define KDH_RUN_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "kdh/result/provenance.h"
#include "kdh/scenario/scenario.h"

/* run-DATE-SEED, -2, ... -999: more runs than that in one second are a
 * loop gone wrong, not a user */
#define RUN_DIR_MAX_SUFFIX	999

int run_dir_create(const char *results, const char *base, char *dir,
		   size_t len, char *err, size_t errlen);
struct suite;
int run_plan_write(const char *dir, const struct suite *s,
		   uint64_t seed, const struct provenance *prov, char *err,
		   size_t errlen);

#endif /* KDH_RUN_RESULTS_H */
