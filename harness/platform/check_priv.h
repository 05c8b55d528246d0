/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_priv.h - shared by check.c, check_nic.c and the VMware findings
 * (check_vmx.c, check_vmx_serial.c) */
#ifndef KDH_CHECK_PRIV_H
#define KDH_CHECK_PRIV_H

#include "kdh/platform/check.h"

void check_add(struct finding *f, enum finding_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_fix(struct finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void check_secboot(const struct vmconf *c, const char *vmid, struct finding *f,
		   size_t *n);
void check_hv(const struct vmconf *c, const struct check_ctx *x,
	      const char *vmid, struct finding *f, size_t *n);
void check_dhcp_finding(const struct dbgsettings *d, enum check_network net,
			struct finding *f);
void check_link_findings(const struct vmconf *c, int nic, struct finding *f,
			 size_t *n, size_t max);
void check_settings_findings(const struct dbgsettings *d, struct finding *f,
			     size_t *n);

#endif /* KDH_CHECK_PRIV_H */
