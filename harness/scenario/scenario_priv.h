/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenario_priv.h - shared by scenario.c, scenario_vm.c, scenario_check.c,
 * scenario_net_check.c, scenario_vmx.c, scenario_vmx_check.c */
#ifndef KDH_SCENARIO_PRIV_H
#define KDH_SCENARIO_PRIV_H

#include "harness/scenario/scenario_ini.h"
#include "kdh/scenario/scenario.h"

struct parse {
	struct scenario *sc;
	const char *file;
	char *err;
	size_t errlen;
	char kv_err[400];
};

int sc_fail(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sc_copy(struct parse *p, const struct ini_item *it, char *dst, size_t size);
int sc_duration_key(struct parse *p, const struct ini_item *it, uint64_t *out);
int sc_list_key(struct parse *p, const struct ini_item *it, char (*out)[24],
		size_t max, size_t *n);
void sc_vm_new(struct parse *p, const struct ini_item *sec);
int sc_vm_key(struct parse *p, struct sc_vm *vm, const struct ini_item *it);
int scenario_check(struct parse *p);
bool sc_key_known(const char *kind, const char *key);
int sc_parse_items(const char *file, const struct ini *ini, uint64_t hash,
		   struct scenario *sc, char *err, size_t errlen);
int sc_subnet_exact(struct parse *p, const struct ini_item *it,
		    const struct sc_network *net);
int sc_net_check(struct parse *p);
int sc_serial_key(struct parse *p, const struct ini_item *it);
int sc_serial_check(struct parse *p);
int sc_vm_kd_key(struct parse *p, struct sc_vm *vm, const struct ini_item *it);
int sc_debugger_kd_key(struct parse *p, const struct ini_item *it);
int sc_vm_kd_check(struct parse *p, const struct sc_vm *vm);
int sc_debugger_time_check(struct parse *p);
/* scenario_vmx.c, scenario_vmx_check.c: VMware VMs */
bool sc_vmx_line(const struct ini_item *it);
int sc_vm_vmx(struct parse *p, struct sc_vm *vm, const struct ini *ini,
	      size_t sec);
int sc_vmx_not_pve(struct parse *p, const struct sc_vm *vm,
		   const struct ini_item *it);
int sc_debugger_vmx(struct parse *p, const struct ini_item *it);
int sc_vmx_check(struct parse *p);

#endif /* KDH_SCENARIO_PRIV_H */
