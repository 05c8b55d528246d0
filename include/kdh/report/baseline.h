/* SPDX-License-Identifier: GPL-2.0-or-later */
/* baseline.h - compare a run with a stored one, within thresholds */
#ifndef KDH_BASELINE_H
#define KDH_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/result/result.h"

struct baseline;

struct baseline *baseline_load(const char *path, char *err, size_t errlen);
void baseline_free(struct baseline *b);
unsigned baseline_check(const struct baseline *b, const struct scenario *sc,
			struct scenario_result *r);
bool baseline_missing(const struct baseline *b, const struct scenario_result *r,
		      char *why, size_t len);
bool threshold_allows(const struct sc_threshold *t, double old, double now);

#endif /* KDH_BASELINE_H */
