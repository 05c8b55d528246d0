/* SPDX-License-Identifier: GPL-2.0-or-later */
/* values.h - value syntaxes shared by scenario files, kdh-agent and
 * `kdh check` (values.c): yes/no, IPv4 addresses with /prefix */
#ifndef KDH_VALUES_H
#define KDH_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int sv_bool(const char *v, bool *out);
int sv_ipv4(const char *v, uint32_t *ip, uint32_t *mask);
void sv_ipv4_error(const char *key, const char *v, int rc, bool prefix,
		   char *err, size_t errlen);

#endif /* KDH_VALUES_H */
