// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_cpu.c - the -cpu value qemu-server builds for a VM config
 *
 * Mirrors proxmox/qemu-server PVE/QemuServer/CPUConfig.pm: the `cpu:`
 * property string and its checks (validate_vm_cpu_conf), then
 * get_cpu_options: the model (kvm64 by default, qemu64 without KVM),
 * Proxmox's x86-64-vN models, custom models, deprecated ones, the flags
 * qemu-server adds (get_pve_cpu_flags), the Hyper-V enlightenments of
 * Windows ostypes by machine version (get_hyperv_enlightenments), the
 * forced ones (enforce, kvm=off, vendor=), level and phys-bits.  Flags are
 * resolved in that order, a later one replacing an earlier of the same
 * name, and printed sorted by name "for command line stability".
 * Left out: aarch64, qemu-server's warnings (a flag overriding another,
 * OVMF and phys-bits above 40).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve_cpu.h"

const struct pve_version pve_cpu_latest_machine = { 11, 0, 2 };

/** pve_cpu_init() - every property absent */
void pve_cpu_init(struct pve_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->hidden = -1;
	cpu->level = -1;
}

static int copy(char *dst, size_t len, const char *key, const char *v,
		char *err, size_t errlen)
{
	if (strlen(v) >= len) {
		snprintf(err, errlen, "%s: the value is %zu characters, at most %zu",
			 key, strlen(v), len - 1);
		return -EINVAL;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int boolean(const char *v, int *out)
{
	if (!g_ascii_strcasecmp(v, "1") || !g_ascii_strcasecmp(v, "on") ||
	    !g_ascii_strcasecmp(v, "yes") || !g_ascii_strcasecmp(v, "true"))
		*out = 1;
	else if (!g_ascii_strcasecmp(v, "0") || !g_ascii_strcasecmp(v, "off") ||
		 !g_ascii_strcasecmp(v, "no") || !g_ascii_strcasecmp(v, "false"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static int integer(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	long long n;

	if (!g_ascii_isdigit(*v) || strlen(v) > 12)
		return -EINVAL;
	n = strtoll(v, &end, 10);
	if (*end || n < lo || n > hi)
		return -EINVAL;
	*out = n;
	return 0;
}

static bool vendor_id_ok(const char *v)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(v[i]))
			return false;
	return n >= 1 && n <= 12;
}

static bool is_set(const struct pve_cpu *cpu, const char *key)
{
	return (!strcmp(key, "cputype") && cpu->cputype[0]) ||
	       (!strcmp(key, "reported-model") && cpu->reported_model[0]) ||
	       (!strcmp(key, "flags") && cpu->flags[0]) ||
	       (!strcmp(key, "hv-vendor-id") && cpu->hv_vendor_id[0]) ||
	       (!strcmp(key, "hidden") && cpu->hidden >= 0) ||
	       (!strcmp(key, "level") && cpu->level >= 0) ||
	       (!strcmp(key, "phys-bits") && cpu->phys_bits[0]) ||
	       (!strcmp(key, "guest-phys-bits") && cpu->guest_phys_bits);
}

static int set_numbers(struct pve_cpu *cpu, const char *key, const char *v,
		       char *err, size_t errlen)
{
	long long n;

	if (!strcmp(key, "level")) {
		if (integer(v, 0, 4294967295LL, &cpu->level))
			goto bad;
	} else if (!strcmp(key, "guest-phys-bits")) {
		if (integer(v, 32, 64, &n))
			goto bad;
		cpu->guest_phys_bits = (int)n;
	} else {		/* phys-bits */
		if (strcmp(v, "host") && (strlen(v) > 2 || integer(v, 8, 64, &n))) {
			snprintf(err, errlen, "phys-bits: '%s': value must be an "
				 "integer between 8 and 64 or 'host'", v);
			return -EINVAL;
		}
		snprintf(cpu->phys_bits, sizeof(cpu->phys_bits), "%s", v);
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not an integer from %s", key, v,
		 !strcmp(key, "level") ? "0 to 4294967295" : "32 to 64");
	return -EINVAL;
}

/**
 * pve_cpu_set() - one property of a `cpu:` value or a cpu-models.conf
 * section, checked as qemu-server does
 * @cpu:	settings so far
 * @key:	cputype, reported-model, flags, hidden, hv-vendor-id, level,
 *		phys-bits, guest-phys-bits
 * @value:	its value
 * @vm:		a VM config (only qemu-server's allowed flags, no
 *		reported-model) rather than a custom model
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int pve_cpu_set(struct pve_cpu *cpu, const char *key, const char *value,
		bool vm, char *err, size_t errlen)
{
	if (is_set(cpu, key)) {
		snprintf(err, errlen, "%s: given twice", key);
		return -EINVAL;
	}
	if (!strcmp(key, "cputype"))
		return *value ? copy(cpu->cputype, sizeof(cpu->cputype), key, value,
				     err, errlen) :
		       (snprintf(err, errlen, "CPU is missing cputype"), -EINVAL);
	if (!strcmp(key, "reported-model")) {
		if (vm) {
			snprintf(err, errlen, "Property 'reported-model' not allowed "
				 "in VM-specific CPU config.");
			return -EINVAL;
		}
		if (!pve_cpu_model_known(value) || pve_cpu_builtin_flags(value)) {
			snprintf(err, errlen, "reported-model: '%s' is not a QEMU CPU "
				 "model qemu-server knows", value);
			return -EINVAL;
		}
		return copy(cpu->reported_model, sizeof(cpu->reported_model), key,
			    value, err, errlen);
	}
	if (!strcmp(key, "flags"))
		return pve_cpu_flags_check(value, vm, err, errlen) ? -EINVAL :
		       copy(cpu->flags, sizeof(cpu->flags), key, value, err, errlen);
	if (!strcmp(key, "hidden")) {
		if (!boolean(value, &cpu->hidden))
			return 0;
		snprintf(err, errlen, "hidden: '%s' is not a boolean (0/1, on/off, "
			 "yes/no, true/false)", value);
		return -EINVAL;
	}
	if (!strcmp(key, "hv-vendor-id")) {
		if (vendor_id_ok(value))
			return copy(cpu->hv_vendor_id, sizeof(cpu->hv_vendor_id), key,
				    value, err, errlen);
		snprintf(err, errlen, "hv-vendor-id: '%s' (%zu characters) is not "
			 "1 to 12 letters or digits", value, strlen(value));
		return -EINVAL;
	}
	if (!strcmp(key, "level") || !strcmp(key, "phys-bits") ||
	    !strcmp(key, "guest-phys-bits"))
		return set_numbers(cpu, key, value, err, errlen);
	snprintf(err, errlen, "unknown property '%s'", key);
	return -EINVAL;
}

/**
 * pve_cpu_parse() - a VM config's `cpu:` value, checked as qemu-server
 * does (validate_vm_cpu_conf)
 * @value:	"[cputype=]MODEL[,flags=+a;-b][,hidden=1][,hv-vendor-id=ID]
 *		[,level=N][,phys-bits=N|host][,guest-phys-bits=N]"
 * @out:	output
 * @err:	"cpu: ..." reason on failure
 * @errlen:	its size
 *
 * MODEL is a QEMU model qemu-server lists, one of Proxmox's x86-64-vN,
 * or custom-NAME (whether NAME exists is up to pve_cpu_build(), which has
 * the cpu-models.conf).
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_cpu_parse(const char *value, struct pve_cpu *out, char *err,
		  size_t errlen)
{
	gchar **items = g_strsplit(value, ",", -1);
	char e[512];
	int rc = 0;

	pve_cpu_init(out);
	for (gchar **it = items; *it && !rc; it++) {
		char *eq = strchr(*it, '=');

		if (!**it)
			continue;
		if (eq)
			*eq = '\0';
		rc = pve_cpu_set(out, eq ? *it : "cputype", eq ? eq + 1 : *it,
				 true, e, sizeof(e));
	}
	g_strfreev(items);
	if (!rc && !out->cputype[0])
		rc = (snprintf(e, sizeof(e), "CPU is missing cputype"), -EINVAL);
	if (!rc && strncmp(out->cputype, "custom-", 7) &&
	    !pve_cpu_model_known(out->cputype))
		rc = (snprintf(e, sizeof(e), "Built-in cputype '%s' is not defined "
			       "(missing 'custom-' prefix?)", out->cputype), -EINVAL);
	if (rc)
		snprintf(err, errlen, "cpu: %s", e);
	return rc;
}

/* ---- get_cpu_options ---- */

#define MAX_FLAGS 96

struct flag {
	char name[64];
	char op;		/* '+', '-' or 0 */
	char value[16];		/* "" for none */
};

struct flags {
	size_t n;
	struct flag f[MAX_FLAGS];
};

struct build {
	const struct vmconf *c;
	struct pve_version mach;	/* machine version (version_guard) */
	struct pve_version qemu;	/* QEMU binary, zero: unknown */
	const char *host_vendor;
	bool kvm;
	int winver;
	char *err;
	size_t errlen;
};

static bool at_least(const struct pve_version *v, unsigned major,
		     unsigned minor, unsigned pve)
{
	if (v->major != major)
		return v->major > major;
	if (v->minor != minor)
		return v->minor > minor;
	return v->pve >= pve;
}

static int put(struct build *b, struct flags *fs, char op, const char *name,
	       const char *value)
{
	size_t i;

	if (strlen(name) >= sizeof(fs->f[0].name) ||
	    strlen(value) >= sizeof(fs->f[0].value)) {
		snprintf(b->err, b->errlen, "cpu flag '%s%s%s' is too long (%zu "
			 "characters)", name, *value ? "=" : "", value,
			 strlen(name) + strlen(value));
		return -EINVAL;
	}
	for (i = 0; i < fs->n && strcmp(fs->f[i].name, name); i++)
		;
	if (i == MAX_FLAGS) {
		snprintf(b->err, b->errlen, "more than %d cpu flags", MAX_FLAGS);
		return -EINVAL;
	}
	fs->n += i == fs->n;
	snprintf(fs->f[i].name, sizeof(fs->f[i].name), "%s", name);
	snprintf(fs->f[i].value, sizeof(fs->f[i].value), "%s", value);
	fs->f[i].op = op;
	return 0;
}

/* "+a;-b" (checked already); nested-virt is vmx or svm by the host's vendor */
static int put_list(struct build *b, struct flags *fs, const char *list)
{
	gchar **items = g_strsplit(list, ";", -1);
	int rc = 0;

	for (gchar **it = items; *it && !rc; it++) {
		const char *name = *it + 1;

		if (!**it)
			continue;
		if (!strcmp(name, "nested-virt")) {
			if (!strcmp(b->host_vendor, "GenuineIntel"))
				name = "vmx";
			else if (!strcmp(b->host_vendor, "AuthenticAMD"))
				name = "svm";
			else
				rc = (snprintf(b->err, b->errlen, "nested-virt: neither "
					       "vmx nor svm on a %s host", b->host_vendor),
				      -EINVAL);
		}
		if (!rc)
			rc = put(b, fs, **it, name, "");
	}
	g_strfreev(items);
	return rc;
}

/* get_pve_cpu_flags */
static int pve_flags(struct build *b, struct flags *fs, const char *model)
{
	bool qemu11 = at_least(&b->qemu, 11, 0, 0);
	int rc = 0;

	if (!strcmp(model, "kvm64"))
		rc |= put(b, fs, '+', "lahf_lm", "");
	if (!strcmp(b->c->ostype, "solaris"))
		rc |= put(b, fs, '-', "x2apic", "");
	if (!strcmp(model, "kvm64") || !strcmp(model, "kvm32"))
		rc |= put(b, fs, '+', "sep", "");
	if (!strncmp(model, "Opteron", 7))
		rc |= put(b, fs, '-', "rdtscp", "");
	if (b->kvm && at_least(&b->mach, 2, 3, 0)) {
		rc |= put(b, fs, '+', "kvm_pv_unhalt", "");
		rc |= put(b, fs, '+', "kvm_pv_eoi", "");
	}
	if (qemu11 && b->winver >= 11) {
		rc |= put(b, fs, '-', "cet-ibt", "");
		rc |= put(b, fs, '-', "cet-ss", "");
	}
	if (qemu11 && !strcmp(model, "host") && !at_least(&b->mach, 11, 0, 0))
		rc |= put(b, fs, '-', "vmx-mbec", "");
	return rc;
}

static bool gpu_passthrough(const struct vmconf *c)
{
	for (int i = 0; i < VMCONF_HOSTPCI; i++)
		if (c->hostpci[i].present && c->hostpci[i].x_vga)
			return true;
	return false;
}

/* get_hyperv_enlightenments; @vendor_id "" when not set */
static int hv_flags(struct build *b, struct flags *fs, const char *vendor_id)
{
	const struct pve_version *v = &b->mach;
	int rc = 0;

	if (b->winver < 6 || (!strcmp(b->c->bios, "ovmf") && b->winver < 8))
		return 0;
	if (*vendor_id || gpu_passthrough(b->c))
		rc |= put(b, fs, 0, "hv_vendor_id", *vendor_id ? vendor_id : "proxmox");
	if (at_least(v, 2, 3, 0)) {
		rc |= put(b, fs, 0, "hv_spinlocks", "0x1fff");
		rc |= put(b, fs, 0, "hv_vapic", "");
		rc |= put(b, fs, 0, "hv_time", "");
	} else {
		rc |= put(b, fs, 0, "hv_spinlocks", "0xffff");
	}
	if (at_least(v, 2, 6, 0)) {
		rc |= put(b, fs, 0, "hv_reset", "");
		rc |= put(b, fs, 0, "hv_vpindex", "");
		rc |= put(b, fs, 0, "hv_runtime", "");
	}
	if (b->winver >= 7) {
		rc |= put(b, fs, 0, "hv_relaxed", "");
		if (at_least(v, 2, 12, 0)) {
			rc |= put(b, fs, 0, "hv_synic", "");
			rc |= put(b, fs, 0, "hv_stimer", "");
		}
		if (at_least(v, 3, 1, 0))
			rc |= put(b, fs, 0, "hv_ipi", "");
	}
	if (!strcmp(b->host_vendor, "GenuineIntel") && b->winver >= 11 &&
	    at_least(v, 11, 0, 2))
		rc |= put(b, fs, 0, "hv_evmcs", "");
	return rc;
}

static int flag_cmp(const void *x, const void *y)
{
	return strcmp(((const struct flag *)x)->name, ((const struct flag *)y)->name);
}

static void print_flags(GString *s, struct flags *fs)
{
	qsort(fs->f, fs->n, sizeof(fs->f[0]), flag_cmp);
	for (size_t i = 0; i < fs->n; i++) {
		g_string_append_c(s, ',');
		if (fs->f[i].op)
			g_string_append_c(s, fs->f[i].op);
		g_string_append(s, fs->f[i].name);
		if (fs->f[i].value[0] && strcmp(fs->f[i].value, "0"))
			g_string_append_printf(s, "=%s", fs->f[i].value);
	}
}

/* guest-phys-bits, then phys-bits: the VM's over the custom model's */
static void print_phys_bits(GString *s, const struct pve_cpu *custom,
			    const struct pve_cpu *vm)
{
	const struct pve_cpu *g = vm->guest_phys_bits ? vm :
		custom && custom->guest_phys_bits ? custom : NULL;
	const struct pve_cpu *p = vm->phys_bits[0] ? vm :
		custom && custom->phys_bits[0] ? custom : NULL;

	if (g)
		g_string_append_printf(s, ",guest-phys-bits=%d", g->guest_phys_bits);
	if (p && !strcmp(p->phys_bits, "host"))
		g_string_append(s, ",host-phys-bits=true");
	else if (p)
		g_string_append_printf(s, ",phys-bits=%s", p->phys_bits);
}

/* the model: built-in, custom or QEMU's; @custom set for a custom one */
static int resolve_model(struct build *b, const struct pve_cpu *vm,
			 const struct pve_cpu_models *models, char *model,
			 size_t len, const struct pve_cpu **custom)
{
	const char *dep;

	*custom = NULL;
	if (!vm->cputype[0]) {
		snprintf(model, len, "%s", b->kvm ? "kvm64" : "qemu64");
		return 0;
	}
	snprintf(model, len, "%s", vm->cputype);
	if (pve_cpu_builtin_flags(model)) {
		snprintf(model, len, "qemu64");
	} else if (!strncmp(model, "custom-", 7)) {
		if (!(*custom = pve_cpu_models_find(models, model))) {
			snprintf(b->err, b->errlen, "cpu: Custom cputype '%s' not found%s",
				 model + 7, models ? "" : " (no cpu-models.conf given)");
			return -EINVAL;
		}
		snprintf(model, len, "%s", (*custom)->reported_model[0] ?
			 (*custom)->reported_model : "kvm64");
	}
	if ((dep = pve_cpu_deprecated(model)))
		snprintf(model, len, "%s", dep);
	if (!pve_cpu_model_vendor(model)) {
		snprintf(b->err, b->errlen, "cpu: CPU model '%s' does not exist for "
			 "configured vCPU architecture 'x86_64'", model);
		return -EINVAL;
	}
	return 0;
}

static int resolve_flags(struct build *b, struct flags *fs, const char *model,
			 const struct pve_cpu *vm, const struct pve_cpu *custom)
{
	bool kvm_off = gpu_passthrough(b->c);
	const char *vendor = pve_cpu_model_vendor(model);
	const char *vendor_id = "";
	int rc;

	if (custom && custom->hidden == 1)
		kvm_off = true;
	if (custom && custom->hv_vendor_id[0])
		vendor_id = custom->hv_vendor_id;
	if (vm->hidden >= 0)
		kvm_off = vm->hidden;
	if (vm->hv_vendor_id[0])
		vendor_id = vm->hv_vendor_id;
	rc = pve_flags(b, fs, model);
	if (!rc && b->kvm)
		rc = hv_flags(b, fs, vendor_id);
	if (!rc && pve_cpu_builtin_flags(vm->cputype))
		rc = put_list(b, fs, pve_cpu_builtin_flags(vm->cputype));
	if (!rc && custom)
		rc = put_list(b, fs, custom->flags);
	if (!rc)
		rc = put_list(b, fs, vm->flags);
	if (!rc && strcmp(model, "host") && b->kvm)
		rc = put(b, fs, 0, "enforce", "");
	if (!rc && kvm_off)
		rc = put(b, fs, 0, "kvm", "off");
	if (!rc && strcmp(vendor, "default"))
		rc = put(b, fs, 0, "vendor", vendor);
	return rc;
}

/**
 * pve_cpu_build() - the -cpu value qemu-server builds (get_cpu_options)
 * @c:		config: cpu, ostype, bios, hostpciN x-vga
 * @m:		the machine (its version selects enlightenments), NULL: the
 *		latest (pve_cpu_latest_machine, or the QEMU version of @env)
 * @kvm:	with KVM (the config's kvm: 0 or kdh's --tcg: false)
 * @env:	host facts: QEMU version, CPU vendor, custom models; NULL:
 *		QEMU unknown, GenuineIntel, no custom models
 * @err:	reason on failure ("cpu: ...")
 * @errlen:	its size
 *
 * Example, win10 on machine >= 3.1 with KVM: kvm64,enforce,hv_ipi,
 * hv_relaxed,hv_reset,hv_runtime,hv_spinlocks=0x1fff,hv_stimer,hv_synic,
 * hv_time,hv_vapic,hv_vpindex,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep
 *
 * Return: g_malloc'd value, or NULL with @err filled
 */
char *pve_cpu_build(const struct vmconf *c, const struct pve_machine *m,
		    bool kvm, const struct pve_cpu_env *env, char *err,
		    size_t errlen)
{
	static const struct pve_cpu_env none;
	const struct pve_cpu *custom;
	struct build b = { .c = c, .kvm = kvm, .err = err, .errlen = errlen,
		.winver = pve_windows_version(c->ostype) };
	struct pve_cpu vm;
	struct flags *fs;
	char model[64];
	GString *s;

	env = env ? env : &none;
	b.qemu = env->qemu;
	b.host_vendor = env->host_vendor ? env->host_vendor : "GenuineIntel";
	b.mach = pve_cpu_latest_machine;
	if (m)
		b.mach = m->version;
	else if (b.qemu.major && !at_least(&b.qemu, b.mach.major, b.mach.minor, 0))
		b.mach = (struct pve_version){ b.qemu.major, b.qemu.minor, 0 };
	pve_cpu_init(&vm);
	if (c->cpu[0] && pve_cpu_parse(c->cpu, &vm, err, errlen))
		return NULL;
	if (resolve_model(&b, &vm, env->models, model, sizeof(model), &custom))
		return NULL;
	fs = g_new0(struct flags, 1);
	if (resolve_flags(&b, fs, model, &vm, custom)) {
		g_free(fs);
		return NULL;
	}
	s = g_string_new(model);
	if (vm.level >= 0 || (custom && custom->level > 0))
		g_string_append_printf(s, ",level=%lld", vm.level >= 0 ? vm.level :
				       custom->level);
	print_flags(s, fs);
	print_phys_bits(s, custom, &vm);
	g_free(fs);
	return g_string_free(s, FALSE);
}

/**
 * pve_cpu_string() - pve_cpu_build() without host facts, for configs
 * known to be valid
 * @c:		config
 * @m:		machine, NULL: latest
 * @kvm:	with KVM
 *
 * Return: g_malloc'd value; "invalid-cpu-config" (which QEMU refuses too)
 * when pve_cpu_build() refuses the config
 */
char *pve_cpu_string(const struct vmconf *c, const struct pve_machine *m,
		     bool kvm)
{
	char err[512];
	char *s = pve_cpu_build(c, m, kvm, NULL, err, sizeof(err));

	return s ? s : g_strdup("invalid-cpu-config");
}
