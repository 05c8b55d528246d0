/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenario_values.h - value syntaxes of scenario files */
#ifndef KDH_SCENARIO_VALUES_H
#define KDH_SCENARIO_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "netsim/switch.h"
#include "kdh/target.h"

int sv_bool(const char *v, bool *out);
int sv_ipv4(const char *v, uint32_t *ip, uint32_t *mask);
void sv_ipv4_error(const char *key, const char *v, int rc, bool prefix,
		   char *err, size_t errlen);
int sv_faults(const char *v, struct ns_faults *f, char *err, size_t errlen);
int sv_dbgsettings(const char *v, struct target_config *tc, char *err,
		   size_t errlen);

/* scenario_values_kd.c */
int sv_drivers(const char *v, struct target_kd_script *s, char *err,
	       size_t errlen);
int sv_dbgprint(const char *v, struct target_dbgprint *d, char *err,
		size_t errlen);
int sv_bugcheck(const char *v, struct target_kd_script *s, char *err,
		size_t errlen);

#endif /* KDH_SCENARIO_VALUES_H */
