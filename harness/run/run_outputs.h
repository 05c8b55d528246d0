/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_outputs.h - `kdh run`'s output files, checked before anything runs */
#ifndef HARNESS_RUN_OUTPUTS_H
#define HARNESS_RUN_OUTPUTS_H

#include <stdbool.h>

struct kdh_cmd;

int run_outputs_check(const struct kdh_cmd *cmd, const char *json,
		      const char *junit, bool tap);

#endif /* HARNESS_RUN_OUTPUTS_H */
