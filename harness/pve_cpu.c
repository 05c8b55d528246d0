/* pve_cpu.c - the -cpu value qemu-server builds for a VM config
 *
 * Mirrors proxmox/qemu-server PVE/QemuServer/CPUConfig.pm
 * (get_cpu_options, get_hyperv_enlightenments): the model (kvm64 by
 * default), Proxmox's own models, flags, and the Hyper-V enlightenments of
 * Windows ostypes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/pve_cpu.h"

struct flag {
	char name[24];
	char op;		/* '+', '-' or 0 */
	char value[12];
};

static int flag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct flag *)a)->name, ((const struct flag *)b)->name);
}

static void flag_add(struct flag *f, size_t *n, char op, const char *name,
		     const char *value)
{
	snprintf(f[*n].name, sizeof(f[0].name), "%s", name);
	snprintf(f[*n].value, sizeof(f[0].value), "%s", value ? value : "");
	f[(*n)++].op = op;
}

/* qemu-server's get_hyperv_enlightenments, machine version >= 3.1 */
static void hyperv_flags(const char *ostype, struct flag *f, size_t *n)
{
	int winver = pve_windows_version(ostype);

	if (winver < 6)
		return;
	flag_add(f, n, 0, "hv_spinlocks", "0x1fff");
	flag_add(f, n, 0, "hv_vapic", NULL);
	flag_add(f, n, 0, "hv_time", NULL);
	flag_add(f, n, 0, "hv_reset", NULL);
	flag_add(f, n, 0, "hv_vpindex", NULL);
	flag_add(f, n, 0, "hv_runtime", NULL);
	if (winver < 7)
		return;
	flag_add(f, n, 0, "hv_relaxed", NULL);
	flag_add(f, n, 0, "hv_synic", NULL);
	flag_add(f, n, 0, "hv_stimer", NULL);
	flag_add(f, n, 0, "hv_ipi", NULL);
}

/**
 * pve_cpu_string() - the -cpu value qemu-server builds
 * @c:		config (ostype, cpu)
 * @m:		the machine (its version selects enlightenments), NULL: latest
 * @kvm:	with KVM (hv flags, enforce and kvm_pv_* need it)
 *
 * Default model kvm64 (qemu64 without KVM); flags sorted by name, each
 * with its +/- prefix, as qemu-server does "for command line stability".
 * Example, win10: kvm64,enforce,hv_ipi,hv_relaxed,hv_reset,hv_runtime,
 * hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,hv_vpindex,
 * +kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep
 *
 * Return: g_malloc'd string
 */
char *pve_cpu_string(const struct vmconf *c, const struct pve_machine *m,
		     bool kvm)
{
	struct flag f[32];
	size_t n = 0;
	char model[64];
	GString *s;

	snprintf(model, sizeof(model), "%s", c->cpu[0] ? c->cpu :
		 kvm ? "kvm64" : "qemu64");
	if (strchr(model, ','))		/* "cputype=...,flags=..." kept simple */
		*strchr(model, ',') = '\0';
	if (!strcmp(model, "kvm64"))
		flag_add(f, &n, '+', "lahf_lm", NULL);
	if (!strcmp(model, "kvm64") || !strcmp(model, "kvm32"))
		flag_add(f, &n, '+', "sep", NULL);
	if (!strcmp(c->ostype, "solaris"))
		flag_add(f, &n, '-', "x2apic", NULL);
	if (kvm) {
		flag_add(f, &n, '+', "kvm_pv_unhalt", NULL);
		flag_add(f, &n, '+', "kvm_pv_eoi", NULL);
		if (strcmp(model, "host"))
			flag_add(f, &n, 0, "enforce", NULL);
		hyperv_flags(c->ostype, f, &n);
	}
	qsort(f, n, sizeof(f[0]), flag_cmp);
	s = g_string_new(model);
	for (size_t i = 0; i < n; i++) {
		g_string_append_c(s, ',');
		if (f[i].op)
			g_string_append_c(s, f[i].op);
		g_string_append(s, f[i].name);
		if (f[i].value[0])
			g_string_append_printf(s, "=%s", f[i].value);
	}
	return g_string_free(s, FALSE);
}
