/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pve_cpu.h - the -cpu value qemu-server builds (models, flags, Hyper-V
 * enlightenments, custom models) and what the guest's CPUID shows for a
 * -cpu value (hypervisor vendor, enlightenments, hv-syndbg) */
#ifndef KDH_PVE_CPU_H
#define KDH_PVE_CPU_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

struct qemu_opts;

#define PVE_CPU_MODELS_MAX	64
#define PVE_CPU_DEFAULT_MODELS	"/etc/pve/virtual-guest/cpu-models.conf"

/**
 * struct pve_cpu - a `cpu:` value, or one model of cpu-models.conf
 * @cputype:	the model ("" when absent: only a cpu-models.conf section)
 * @reported_model: custom models only: the QEMU model the guest sees
 * @flags:	"+a;-b" as written (checked against qemu-server's rules)
 * @hv_vendor_id: "" when absent
 * @hidden:	-1 absent, 0 or 1
 * @level:	-1 absent, else 0..4294967295
 * @phys_bits:	"" absent, "host" or "8".."64"
 * @guest_phys_bits: 0 absent, else 32..64
 */
struct pve_cpu {
	char cputype[64];
	char reported_model[64];
	char flags[512];
	char hv_vendor_id[16];
	int hidden;
	long long level;
	char phys_bits[8];
	int guest_phys_bits;
};

/**
 * struct pve_cpu_models - a cpu-models.conf: "cpu-model: NAME" sections,
 * used in a VM config as cputype custom-NAME
 */
struct pve_cpu_models {
	size_t n;
	struct pve_cpu_model {
		char name[64];
		struct pve_cpu cpu;
	} m[PVE_CPU_MODELS_MAX];
};

/**
 * struct pve_cpu_env - what qemu-server reads from the host
 * @qemu:	QEMU binary version; all zero: unknown (the flags qemu-server
 *		adds from QEMU 11.0 on are left out)
 * @host_vendor: host CPU vendor, NULL: "GenuineIntel" (hv_evmcs, and
 *		nested-virt = vmx; "AuthenticAMD": svm)
 * @models:	custom CPU models, NULL: none
 */
struct pve_cpu_env {
	struct pve_version qemu;
	const char *host_vendor;
	const struct pve_cpu_models *models;
};

/* the newest machine version kdh knows qemu-server for (11.0+pve2) */
extern const struct pve_version pve_cpu_latest_machine;

void pve_cpu_init(struct pve_cpu *cpu);
int pve_cpu_set(struct pve_cpu *cpu, const char *key, const char *value,
		bool vm, char *err, size_t errlen);
int pve_cpu_parse(const char *value, struct pve_cpu *out, char *err,
		  size_t errlen);
int pve_cpu_models_parse(const char *file, const char *text,
			 struct pve_cpu_models *out, char *err, size_t errlen);
int pve_cpu_models_load(const char *path, struct pve_cpu_models *out,
			char *err, size_t errlen);
const struct pve_cpu *pve_cpu_models_find(const struct pve_cpu_models *ms,
					  const char *name);
char *pve_cpu_build(const struct vmconf *c, const struct pve_machine *m,
		    bool kvm, const struct pve_cpu_env *env, char *err,
		    size_t errlen);
char *pve_cpu_string(const struct vmconf *c, const struct pve_machine *m,
		     bool kvm);
char *pve_cpu_for_opts(const struct vmconf *c, bool kvm,
		       const struct qemu_opts *o, char *err, size_t errlen);
char *pve_cpu_argv(const struct vmconf *c, bool kvm, const struct qemu_opts *o);
char *pve_cpu_final(const struct vmconf *c, const char *built);
char *pve_args_cpu(const struct vmconf *c);
int pve_guest_hv_vendor(const struct vmconf *c, bool kvm,
			const struct qemu_opts *o, char **cpu, char vendor[13]);

/* pve_cpu_models.c: qemu-server's tables */
const char *pve_cpu_model_vendor(const char *model);
bool pve_cpu_model_known(const char *model);
bool pve_cpu_flag_vm_allowed(const char *name);
const char *pve_cpu_vm_flag_list(void);
const char *pve_cpu_builtin_flags(const char *model);
const char *pve_cpu_deprecated(const char *model);
int pve_cpu_flags_check(const char *flags, bool vm, char *err, size_t errlen);

/* pve_cpu_hv.c: what the guest sees for a final -cpu value */
bool qemu_cpu_hv_enlightened(const char *cpu);
int qemu_cpu_hv_vendor(const char *cpu, bool kvm, char vendor[13]);
bool qemu_cpu_hv_syndbg(const char *cpu);

#endif /* KDH_PVE_CPU_H */
