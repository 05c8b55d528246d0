// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_cpu_hv.c - what a Windows guest's CPUID shows for a QEMU -cpu value
 *
 * QEMU (target/i386: x86_cpu_parse_featurestr, kvm.c hyperv_enabled,
 * docs/system/i386/hyperv.rst): "feat", "feat=on|off" are properties set
 * in order, "+feat"/"-feat" are applied after them and "-" wins; '_' and
 * '-' are the same in a feature name.  Hyper-V is on with any hv-* feature
 * bit, hv-passthrough, or hv-spinlocks other than 0xffffffff; then CPUID
 * leaf 0x40000000 says "Microsoft Hv" (or hv-vendor-id, at most 12
 * characters), KVM's "KVMKVMKVM" moves to 0x40000100.  Without Hyper-V,
 * KVM says "KVMKVMKVM" unless kvm=off; TCG says "TCGTCGTCGTCG" unless
 * tcg-cpuid=off (KVM only features, hv-* included, do nothing under TCG).
 * hv-passthrough keeps "Microsoft Hv" from QEMU 6.1 on (5.x-6.0 copied
 * KVM's "Linux KVM Hv"; not modelled).
 * Also here: the -cpu for kdh's QEMU options (the machine, QEMU version,
 * host vendor and custom models of struct qemu_opts) and the one QEMU
 * takes when `args:` has its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"

enum feat_state { FEAT_UNSET, FEAT_ON, FEAT_OFF };

/* "hv_vpindex" -> g_malloc'd "hv-vpindex" */
static char *normalize(const char *name, size_t n)
{
	char *s = g_strndup(name, n);

	g_strdelimit(s, "_", '-');
	return s;
}

static enum feat_state bool_value(const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") ||
	    !strcmp(v, "y"))
		return FEAT_ON;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") ||
	    !strcmp(v, "n"))
		return FEAT_OFF;
	return FEAT_UNSET;
}

/*
 * The final state of every feature of @cpu that @match accepts, as QEMU
 * applies them; @value gets the last "name=value" of @want_value.
 */
struct cpu_view {
	bool hv_on;		/* some Hyper-V feature bit, or passthrough */
	bool spinlocks;		/* hv-spinlocks != 0xffffffff */
	bool syndbg;
	bool kvm_hidden;	/* kvm=off */
	bool tcg_hidden;	/* tcg-cpuid=off */
	char vendor_id[64];	/* hv-vendor-id, "" unset */
	size_t vendor_len;	/* its full length */
};

/* not feature bits: values, or switches of how QEMU fills the leaves */
static bool hv_not_a_feature(const char *n)
{
	return !strcmp(n, "hv-vendor-id") || !strcmp(n, "hv-spinlocks") ||
	       !strncmp(n, "hv-version-id", 13) || !strcmp(n, "hv-enforce-cpuid") ||
	       !strcmp(n, "hv-no-nonarch-coresharing");
}

static void view_of(const char *cpu, struct cpu_view *v)
{
	gchar **items = g_strsplit(cpu, ",", -1);
	GHashTable *st = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer key, val;

	memset(v, 0, sizeof(*v));
	for (int pass = 0; pass < 3; pass++)	/* props, then +, then - */
		for (gchar **p = items[0] ? items + 1 : items; *p; p++) {
			const char *s = *p, *eq = strchr(s, '=');
			enum feat_state fs;
			char *name;

			if ((pass == 1) != (*s == '+') || (pass == 2) != (*s == '-'))
				continue;
			if (pass)
				s++;
			name = normalize(s, eq ? (size_t)(eq - s) : strlen(s));
			fs = pass == 1 ? FEAT_ON : pass == 2 ? FEAT_OFF :
			     eq ? bool_value(eq + 1) : FEAT_ON;
			if (!pass && eq && !strcmp(name, "hv-vendor-id")) {
				v->vendor_len = strlen(eq + 1);
				snprintf(v->vendor_id, sizeof(v->vendor_id), "%s", eq + 1);
			} else if (!pass && eq && !strcmp(name, "hv-spinlocks")) {
				v->spinlocks = strtoull(eq + 1, NULL, 0) != 0xffffffffULL;
			} else if (fs != FEAT_UNSET) {
				g_hash_table_insert(st, name, GINT_TO_POINTER(fs));
				continue;
			}
			g_free(name);
		}
	g_hash_table_iter_init(&it, st);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const char *n = key;
		bool on = GPOINTER_TO_INT(val) == FEAT_ON;

		if (!strncmp(n, "hv-", 3) && !hv_not_a_feature(n))
			v->hv_on |= on;
		if (!strcmp(n, "hv-syndbg"))
			v->syndbg = on;
		if (!strcmp(n, "kvm"))
			v->kvm_hidden = !on;
		if (!strcmp(n, "tcg-cpuid"))
			v->tcg_hidden = !on;
	}
	g_hash_table_destroy(st);
	g_strfreev(items);
}

/**
 * qemu_cpu_hv_enlightened() - does a -cpu value turn Hyper-V on (with KVM)?
 * @cpu:	"kvm64,hv_relaxed,...", "host,hv-passthrough", ...
 *
 * Return: true for any hv-* feature left on (hv_x and hv-x alike, after
 * "hv-x=off" and "-hv_x"), hv-passthrough, or hv-spinlocks=N other than
 * 0xffffffff
 */
bool qemu_cpu_hv_enlightened(const char *cpu)
{
	struct cpu_view v;

	view_of(cpu, &v);
	return v.hv_on || v.spinlocks;
}

/**
 * qemu_cpu_hv_syndbg() - is hv-syndbg on (Hyper-V's synthetic debugger,
 * which KDNET on Hyper-V uses instead of a NIC)?
 * @cpu:	-cpu value
 *
 * Return: true when hv-syndbg/hv_syndbg is left on
 */
bool qemu_cpu_hv_syndbg(const char *cpu)
{
	struct cpu_view v;

	view_of(cpu, &v);
	return v.syndbg;
}

/**
 * qemu_cpu_hv_vendor() - the hypervisor vendor at CPUID 0x40000000
 * @cpu:	the final -cpu value (pve_cpu_final())
 * @kvm:	with KVM (false: TCG)
 * @vendor:	output, "" when there is no hypervisor leaf
 *
 * "Microsoft Hv" with enlightenments and no hv-vendor-id, the
 * hv-vendor-id when set, "KVMKVMKVM" with KVM and no enlightenments unless
 * kvm=off, "TCGTCGTCGTCG" under TCG unless tcg-cpuid=off.
 *
 * Return: 1 a vendor is shown, 0 none, -E2BIG an hv-vendor-id longer than
 * 12 characters (@vendor has the 12 QEMU keeps; it warns)
 */
int qemu_cpu_hv_vendor(const char *cpu, bool kvm, char vendor[13])
{
	struct cpu_view v;

	view_of(cpu, &v);
	vendor[0] = '\0';
	if (!kvm) {
		if (v.tcg_hidden)
			return 0;
		snprintf(vendor, 13, "TCGTCGTCGTCG");
		return 1;
	}
	if (v.hv_on || v.spinlocks) {
		snprintf(vendor, 13, "%.12s", v.vendor_len ? v.vendor_id :
			 "Microsoft Hv");
		return v.vendor_len > 12 ? -E2BIG : 1;
	}
	if (v.kvm_hidden)
		return 0;
	snprintf(vendor, 13, "KVMKVMKVM");
	return 1;
}

/**
 * pve_args_cpu() - the last -cpu of `args:`, which QEMU takes over the
 * -cpu qemu-server builds (config_to_command pushes args after it; QEMU's
 * option loop keeps the last -cpu)
 * @c:		config (args)
 *
 * Return: g_malloc'd value, or NULL when args has no -cpu/--cpu
 */
char *pve_args_cpu(const struct vmconf *c)
{
	gchar **argv = NULL;
	const char *last = NULL;
	char *r;

	if (c->args[0] && g_shell_parse_argv(c->args, NULL, &argv, NULL))
		for (gchar **a = argv; *a; a++)
			if ((!strcmp(*a, "-cpu") || !strcmp(*a, "--cpu")) && a[1])
				last = *++a;
	r = g_strdup(last);
	g_strfreev(argv);
	return r;
}

/**
 * pve_cpu_final() - the -cpu QEMU uses: qemu-server appends `args:` after
 * its own -cpu, and QEMU takes the last one
 * @c:		config (args)
 * @built:	the -cpu value qemu-server built
 *
 * Return: g_malloc'd copy of the last -cpu/--cpu value in args, else of
 * @built
 */
char *pve_cpu_final(const struct vmconf *c, const char *built)
{
	char *r = pve_args_cpu(c);

	return r ? r : g_strdup(built);
}

/**
 * pve_cpu_for_opts() - the -cpu value for a config run with kdh's options:
 * the machine from the config (pve_machine_parse), the QEMU version, the
 * host CPU vendor and custom models from @o
 * @c:		config
 * @kvm:	with KVM
 * @o:		qemu, host_cpu_vendor, cpu_models
 * @err:	reason on failure, may be NULL
 * @errlen:	its size
 *
 * Return: g_malloc'd value, or NULL
 */
char *pve_cpu_for_opts(const struct vmconf *c, bool kvm,
		       const struct qemu_opts *o, char *err, size_t errlen)
{
	struct pve_cpu_env env = { o->qemu, o->host_cpu_vendor, o->cpu_models };
	struct pve_machine m, *mp = &m;
	char e[512];

	if (pve_machine_parse(c->machine, c->ostype, &o->qemu, &m, e, sizeof(e)) ||
	    (!m.version.major && !m.version.minor))
		mp = NULL;	/* the machine's own error is reported elsewhere */
	return pve_cpu_build(c, mp, kvm, &env, err ? err : e, err ? errlen :
			     sizeof(e));
}

/**
 * pve_cpu_argv() - pve_cpu_for_opts() for qemu_argv_new(), which cannot
 * fail: callers check the config with pve_cpu_for_opts() first
 * @c:		config
 * @kvm:	with KVM
 * @o:		kdh's options
 *
 * Return: g_malloc'd value; "invalid-cpu-config" (which QEMU refuses)
 * for a config pve_cpu_for_opts() refuses
 */
char *pve_cpu_argv(const struct vmconf *c, bool kvm, const struct qemu_opts *o)
{
	char *s = pve_cpu_for_opts(c, kvm, o, NULL, 0);

	return s ? s : g_strdup("invalid-cpu-config");
}

/**
 * pve_guest_hv_vendor() - what CPUID leaf 0x40000000 says in the guest of
 * a config run by qemu-server: its -cpu (args: -cpu included) on @o's QEMU
 * @c:		config
 * @kvm:	with KVM (a Proxmox host); false: TCG
 * @o:		QEMU version, host vendor, custom models
 * @cpu:	output, g_malloc'd final -cpu value (may be NULL)
 * @vendor:	output, "" when none
 *
 * A VMware VM (vmx_to_vmconf()) shows "VMwareVMware" whatever its guestOS
 * (VMware KB 1009458; Linux's arch/x86/kernel/cpu/vmware.c looks for it):
 * never Hyper-V's "Microsoft Hv", so its ostype brings no enlightenments.
 *
 * Return: 1 when a vendor is shown, 0 when none, -EINVAL when qemu-server
 * would refuse the cpu line
 */
int pve_guest_hv_vendor(const struct vmconf *c, bool kvm,
			const struct qemu_opts *o, char **cpu, char vendor[13])
{
	char *built, *final;
	int rc;

	vendor[0] = '\0';
	if (cpu)
		*cpu = NULL;
	if (c->vmware) {
		memcpy(vendor, "VMwareVMware", 13);
		return 1;
	}
	built = pve_cpu_for_opts(c, kvm, o, NULL, 0);
	if (!built)
		return -EINVAL;
	final = pve_cpu_final(c, built);
	g_free(built);
	rc = qemu_cpu_hv_vendor(final, kvm, vendor);
	if (rc == -E2BIG)
		rc = 1;		/* QEMU keeps the first 12 characters */
	if (cpu)
		*cpu = final;
	else
		g_free(final);
	return rc;
}
