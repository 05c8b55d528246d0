// SPDX-License-Identifier: GPL-2.0-or-later
/* check_hv.c - `kdh check`: Hyper-V and what the guest's CPUID shows
 *
 * KDNET takes Hyper-V's synthetic debug transport when CPUID leaf
 * 0x40000000 says "Microsoft Hv" (observed: kvm-guest-drivers-windows
 * #1325, ntoseye citing OSR) -- QEMU's vendor once any hv_* enlightenment
 * is on, unless hv-vendor-id is set (documented: QEMU hyperv.rst).  So the
 * verdict is read from the -cpu QEMU really gets: qemu-server's, built
 * from ostype and cpu:, unless `args:` has a -cpu -- qemu-server puts
 * args after its own options and QEMU keeps the last -cpu, so then only
 * args' counts.  The finding names the line that brings the flags (args,
 * ostype, cpu) and offers only fixes to that line which, tried on a copy of
 * the config, leave the guest without "Microsoft Hv": keep the
 * enlightenments (Windows stays fast) with another vendor id, or drop
 * them.  (qemu-server writes hv_vendor_id only with a Windows ostype, so
 * with ostype other a cpu: hv-vendor-id does nothing.)  Any fix takes
 * effect only when QEMU restarts: a reboot inside Windows keeps the old
 * CPU flags.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/platform/check_priv.h"
#include "kdh/platform/pve.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"

/* "x86-64-v2-AES,hv-vendor-id=KVMKVMKVM": the cpu line with the vendor set */
static char *vendor_fix_cpu(const struct vmconf *c)
{
	struct pve_cpu cpu;

	if (!c->cpu[0] || pve_cpu_parse(c->cpu, &cpu, NULL, 0))
		return g_strdup("kvm64,hv-vendor-id=KVMKVMKVM");
	if (cpu.hv_vendor_id[0])
		return g_strdup(c->cpu);
	return g_strdup_printf("%s,hv-vendor-id=KVMKVMKVM", c->cpu);
}

/* "+hv_tlbflush", "hv-time=on", "-hv-x": a Hyper-V item of a -cpu or flags */
static bool hv_item(const char *s)
{
	s += *s == '+' || *s == '-';
	return !strncmp(s, "hv-", 3) || !strncmp(s, "hv_", 3);
}

/* @list without its hv items; @keep_first: the first is the model */
static char *drop_hv(const char *list, const char *sep, bool keep_first)
{
	gchar **items = g_strsplit(list, sep, -1);
	GString *s = g_string_new(NULL);

	for (gchar **p = items; *p; p++) {
		if (!**p || ((p > items || !keep_first) && hv_item(*p)))
			continue;
		g_string_append_printf(s, "%s%s", s->len ? sep : "", *p);
	}
	g_strfreev(items);
	return g_string_free(s, FALSE);
}

/* the cpu line with no hv flags in flags=, NULL when it has none */
static char *cpu_line_without_hv(const struct vmconf *c)
{
	gchar **items = g_strsplit(c->cpu, ",", -1);
	GString *s = g_string_new(NULL);
	bool changed = false;

	for (gchar **p = items; *p; p++) {
		char *v = *p;

		if (!strncmp(*p, "flags=", 6)) {
			char *f = drop_hv(*p + 6, ";", false);

			changed |= strcmp(f, *p + 6) != 0;
			v = *f ? g_strdup_printf("flags=%s", f) : NULL;
			g_free(f);
			if (v)
				g_string_append_printf(s, "%s%s", s->len ? "," : "", v);
			g_free(v);
			continue;
		}
		g_string_append_printf(s, "%s%s", s->len ? "," : "", v);
	}
	g_strfreev(items);
	if (!changed) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/* the args line with its last -cpu value @old replaced by @new (NULL
 * when @old is not there as written, e.g. quoted) */
static char *args_with_cpu(const struct vmconf *c, const char *old,
			   const char *new)
{
	const char *at = g_strrstr(c->args, old);

	if (!at)
		return NULL;
	return g_strdup_printf("%.*s%s%s", (int)(at - c->args), c->args, new,
			       at + strlen(old));
}

/* Does the guest of @c with these lines changed (NULL: kept) still see
 * "Microsoft Hv"? */
static bool fix_works(const struct vmconf *c, const struct check_ctx *x,
		      const char *ostype, const char *cpu, const char *args)
{
	struct qemu_opts o = { .qemu = x->qemu };
	struct vmconf *t = g_new(struct vmconf, 1);
	char vendor[13];
	int rc;

	memcpy(t, c, sizeof(*t));
	if (ostype)
		snprintf(t->ostype, sizeof(t->ostype), "%s", ostype);
	if (cpu)
		snprintf(t->cpu, sizeof(t->cpu), "%s", cpu);
	if (args)
		snprintf(t->args, sizeof(t->args), "%s", args);
	rc = pve_guest_hv_vendor(t, t->kvm, &o, NULL, vendor);
	g_free(t);
	return rc >= 0 && strcmp(vendor, "Microsoft Hv");
}

/* ", or qm set 105 --cpu 'x' (why)": one fix offered, its line quoted */
static void offer(GString *s, const char *vmid, const char *opt,
		  const char *value, const char *why)
{
	char *q = strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789") ==
		  strlen(value) ? g_strdup(value) : g_shell_quote(value);

	g_string_append_printf(s, "%sqm set %s %s %s%s", s->len ? ", or " : "",
			       vmid, opt, q, why);
	g_free(q);
}

#define KEEPS	" (keeps the enlightenments, Windows stays fast)"
#define DROPS	" (drops the hv flags)"

/* args' -cpu brings the flags: change args */
static void args_fixes(const struct vmconf *c, const struct check_ctx *x,
		       const char *vmid, const char *acpu, GString *s)
{
	const char *id = strstr(acpu, "hv_") ? "hv_vendor_id" : "hv-vendor-id";
	char *v = g_strdup_printf("%s,%s=KVMKVMKVM", acpu, id);
	char *nohv = drop_hv(acpu, ",", true);
	char *a = args_with_cpu(c, acpu, v), *b = args_with_cpu(c, acpu, nohv);

	if (a && fix_works(c, x, NULL, NULL, a))
		offer(s, vmid, "--args", a, KEEPS);
	if (b && fix_works(c, x, NULL, NULL, b))
		offer(s, vmid, "--args", b, DROPS);
	g_free(v);
	g_free(nohv);
	g_free(a);
	g_free(b);
}

/* qemu-server's -cpu brings them: change cpu:, ostype, or both */
static void conf_fixes(const struct vmconf *c, const struct check_ctx *x,
		       const char *vmid, GString *s)
{
	char *vc = vendor_fix_cpu(c), *nohv = cpu_line_without_hv(c);
	bool win = pve_ostype_hyperv(c->ostype);

	if (fix_works(c, x, NULL, vc, NULL))
		offer(s, vmid, "--cpu", vc, KEEPS);
	if (win && fix_works(c, x, "other", NULL, NULL))
		offer(s, vmid, "--ostype", "other", "");
	if (nohv && fix_works(c, x, NULL, nohv, NULL))
		offer(s, vmid, "--cpu", nohv, DROPS);
	else if (nohv && win && fix_works(c, x, "other", nohv, NULL))
		offer(s, vmid, "--ostype other --cpu", nohv, DROPS);
	g_free(vc);
	g_free(nohv);
}

/* "args: -cpu host,hv_time (...)", "ostype win10", "cpu: host,flags=..." */
static void source_text(const struct vmconf *c, const struct check_ctx *x,
			const char *acpu, char *buf, size_t len)
{
	bool win = pve_ostype_hyperv(c->ostype);
	bool cpu = !fix_works(c, x, "other", NULL, NULL);

	if (acpu)
		snprintf(buf, len, "args: -cpu %s, which wins: qemu-server puts "
			 "args after its own -cpu and QEMU takes the last one%s%s",
			 acpu, win ? ", so ostype " : "", win ? c->ostype : "");
	else if (win && cpu)
		snprintf(buf, len, "ostype %s and cpu: %s", c->ostype, c->cpu);
	else if (cpu)
		snprintf(buf, len, "cpu: %s", c->cpu);
	else
		snprintf(buf, len, "ostype %s", c->ostype);
	if (acpu && win)
		g_strlcat(buf, "'s flags do not count", len);
}

/* "Microsoft Hv": the finding names the line, the fix changes it */
static void microsoft_hv(const struct vmconf *c, const struct check_ctx *x,
			 const char *vmid, const char *acpu, struct finding *f)
{
	GString *s = g_string_new(NULL);
	char source[400];

	source_text(c, x, acpu, source, sizeof(source));
	check_add(f, FIND_BLOCK, "the guest's CPUID says \"Microsoft Hv\" (Hyper-V "
		  "enlightenments from %s%s no hv-vendor-id): KDNET takes Hyper-V's "
		  "synthetic debug transport and nothing reaches the debugger "
		  "over the NIC", source, acpu ? ";" : ",");
	if (acpu)
		args_fixes(c, x, vmid, acpu, s);
	else
		conf_fixes(c, x, vmid, s);
	if (!s->len)
		g_string_append(s, "remove the hv flags from every -cpu the VM "
				"gets (args:, cpu:, its custom model)");
	check_fix(f, "%s; then qm stop %s && qm start %s -- a reboot inside "
		  "Windows keeps the old CPU flags", s->str, vmid, vmid);
	g_string_free(s, TRUE);
}

static void syndbg_findings(const struct vmconf *c, const char *cpu,
			    struct finding *f, size_t *n)
{
	if (!qemu_cpu_hv_syndbg(cpu))
		return;
	if (!strstr(c->args, "vmbus-bridge")) {
		check_add(&f[*n], FIND_BLOCK, "hv-syndbg is on but there is no "
			  "vmbus-bridge device: QEMU's synthetic debugger needs it");
		check_fix(&f[(*n)++], "args: ... -device vmbus-bridge (and "
			  "hv-relaxed, hv-time, hv-vapic, hv-vpindex, hv-synic, "
			  "hv-runtime, hv-stimer on the -cpu)");
		return;
	}
	check_add(&f[(*n)++], FIND_WARN, "hv-syndbg: QEMU's Hyper-V synthetic "
		  "debugger carries KDNET from the guest to a UDP port of the host "
		  "(the supported way to debug with enlightenments on); nothing "
		  "of it crosses the VM's NICs, so the NIC findings do not apply");
}

/* args: -cpu without hv flags replaces an enlightened qemu-server -cpu */
static void args_replace_ok(const struct vmconf *c, const struct check_ctx *x,
			    const char *acpu, struct finding *f, size_t *n)
{
	struct qemu_opts o = { .qemu = x->qemu };
	char *built = pve_cpu_for_opts(c, c->kvm, &o, NULL, 0);

	if (built && qemu_cpu_hv_enlightened(built))
		check_add(&f[(*n)++], FIND_OK, "args: -cpu %s replaces the -cpu "
			  "qemu-server builds with its Hyper-V enlightenments (from "
			  "%s%s; QEMU takes the last -cpu): the guest does not see "
			  "\"Microsoft Hv\"", acpu, pve_ostype_hyperv(c->ostype) ?
			  "ostype " : "cpu: ", pve_ostype_hyperv(c->ostype) ?
			  c->ostype : c->cpu);
	g_free(built);
}

/**
 * check_hv() - the Hyper-V findings
 * @c:		VM config
 * @x:		the QEMU version for the -cpu
 * @vmid:	"105" or "VMID", for fixes
 * @f:		findings
 * @n:		their count, advanced
 */
void check_hv(const struct vmconf *c, const struct check_ctx *x,
	      const char *vmid, struct finding *f, size_t *n)
{
	struct qemu_opts o = { .qemu = x->qemu };
	char vendor[13], *cpu = NULL, *acpu;
	int rc;

	if (c->vmware)		/* "VMwareVMware", no qemu-server -cpu */
		return;
	rc = pve_guest_hv_vendor(c, c->kvm, &o, &cpu, vendor);
	if (rc < 0) {
		check_add(&f[(*n)++], FIND_WARN, "the cpu line cannot be built as "
			  "qemu-server would: Hyper-V not judged");
		return;
	}
	acpu = pve_args_cpu(c);
	if (!strcmp(vendor, "Microsoft Hv")) {
		microsoft_hv(c, x, vmid, acpu, &f[(*n)++]);
	} else if (qemu_cpu_hv_enlightened(cpu) && vendor[0]) {
		check_add(&f[(*n)++], FIND_OK, "Hyper-V enlightenments with vendor "
			  "id \"%s\": the guest does not see \"Microsoft Hv\", so KDNET "
			  "uses the NIC", vendor);
	} else if (acpu && c->kvm) {
		args_replace_ok(c, x, acpu, f, n);
	}
	syndbg_findings(c, cpu, f, n);
	g_free(acpu);
	g_free(cpu);
}
