/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenario_values.h - value syntaxes of scenario files (those shared with
 * kdh-agent are in values.h and, for the KD script, target.h) */
#ifndef KDH_SCENARIO_VALUES_H
#define KDH_SCENARIO_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "netsim/switch.h"
#include "kdh/target/target.h"
#include "kdh/util/values.h"

int sv_faults(const char *v, struct ns_faults *f, char *err, size_t errlen);
int sv_dbgsettings(const char *v, struct target_config *tc, char *err,
		   size_t errlen);

#endif /* KDH_SCENARIO_VALUES_H */
