// SPDX-License-Identifier: GPL-2.0-or-later
/* accel.c - which accelerator a VM gets: KVM when a short probe says so,
 * else TCG, with the reason
 *
 * Theory of operation: a host whose /dev/kvm opens may still be unable
 * to run a guest (nested virtualisation that lacks CPU features, a
 * sandbox).  Booting the guest under KVM and waiting for its first console
 * line costs up to the boot watchdog per VM; instead kdh asks twice, each
 * answer in milliseconds:
 *  1. the device: /dev/kvm opens read-write, KVM_GET_API_VERSION is 12,
 *     KVM_CREATE_VM and KVM_CREATE_VCPU succeed (once per kdh process);
 *  2. QEMU itself, with the VM's own -machine, -cpu (Proxmox adds
 *     `enforce`, so a model the host cannot give is refused at once) and
 *     -smp, paused (-S), no devices, QMP on stdin already holding
 *     qmp_capabilities and quit: status 0 means QEMU created the machine
 *     and its vCPUs under KVM; anything else, or no exit within
 *     ACCEL_PROBE_TIMEOUT_MS (then SIGKILL to its process group), means TCG,
 *     with QEMU's own words as the reason.
 * Answers are cached per (machine, cpu, smp) for the life of the cache:
 * `kdh run` makes one per run and fills it before forking -j children, so
 * a suite probes each distinct VM shape once.  KDH_ACCEL=kvm|tcg skips the
 * probe (kvm: also the fallback to TCG); kdh reads it in one place
 * (accel_cache_from_env()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/run/accel.h"
#include "kdh/result/provenance.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/run/vm.h"

struct accel_cache {
	enum accel_mode mode;
	char kvm_dev[256];
	char qemu[256];
	bool dev_done, dev_ok;
	char dev_why[200];
	bool qemu_done;			/* version and machine types asked */
	struct pve_version version;
	GPtrArray *machines;		/* NULL: QEMU did not answer */
	char qemu_err[200];
	GHashTable *shapes;		/* probe argv -> struct accel_choice */
};

/**
 * accel_mode_parse() - a KDH_ACCEL value
 * @s:		"auto", "kvm", "tcg", or NULL / "" for auto
 * @mode:	output
 *
 * Return: 0, or -EINVAL for anything else
 */
int accel_mode_parse(const char *s, enum accel_mode *mode)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*mode = ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*mode = ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*mode = ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

/** accel_mode_name() - "auto", "kvm" or "tcg" */
const char *accel_mode_name(enum accel_mode mode)
{
	return mode == ACCEL_KVM ? "kvm" : mode == ACCEL_TCG ? "tcg" : "auto";
}

/**
 * accel_cache_new() - an empty cache: nothing probed yet
 * @mode:	KDH_ACCEL's
 *
 * Return: the cache (accel_cache_free() it), /dev/kvm and
 * qemu-system-x86_64 as paths
 */
struct accel_cache *accel_cache_new(enum accel_mode mode)
{
	struct accel_cache *c = g_new0(struct accel_cache, 1);

	c->mode = mode;
	snprintf(c->kvm_dev, sizeof(c->kvm_dev), "/dev/kvm");
	snprintf(c->qemu, sizeof(c->qemu), "qemu-system-x86_64");
	c->shapes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return c;
}

/**
 * accel_cache_from_env() - the cache `kdh run` uses: KDH_ACCEL's mode,
 * and KDH_TEST_KVM_DEV (tests: another path for the device half, e.g. one
 * that does not exist)
 * @err:	why on failure
 * @errlen:	its size
 *
 * Return: a new cache, or NULL when KDH_ACCEL is not auto, kvm or tcg
 */
struct accel_cache *accel_cache_from_env(char *err, size_t errlen)
{
	const char *v = getenv("KDH_ACCEL"), *dev = getenv("KDH_TEST_KVM_DEV");
	enum accel_mode mode;
	struct accel_cache *c;

	if (accel_mode_parse(v, &mode)) {
		snprintf(err, errlen, "KDH_ACCEL=%s: not auto, kvm or tcg", v);
		return NULL;
	}
	c = accel_cache_new(mode);
	if (dev && *dev)
		accel_cache_set_paths(c, dev, NULL);
	return c;
}

/** accel_cache_free() - free it (NULL is fine) */
void accel_cache_free(struct accel_cache *c)
{
	if (!c)
		return;
	if (c->machines)
		g_ptr_array_unref(c->machines);
	g_hash_table_destroy(c->shapes);
	g_free(c);
}

/**
 * accel_cache_set_paths() - probe another device or QEMU (before any probe)
 * @c:		cache
 * @kvm_dev:	instead of /dev/kvm; NULL keeps it
 * @qemu:	instead of qemu-system-x86_64 (found in PATH); NULL keeps it
 */
void accel_cache_set_paths(struct accel_cache *c, const char *kvm_dev,
			   const char *qemu)
{
	if (kvm_dev)
		snprintf(c->kvm_dev, sizeof(c->kvm_dev), "%s", kvm_dev);
	if (qemu)
		snprintf(c->qemu, sizeof(c->qemu), "%s", qemu);
}

/** accel_cache_mode() - KDH_ACCEL's mode, as the cache was made with */
enum accel_mode accel_cache_mode(const struct accel_cache *c)
{
	return c->mode;
}

/**
 * accel_kvm_device() - half 1 of the probe (cached): /dev/kvm opens, has
 * API 12 and creates a VM with a vCPU
 * @c:		cache
 * @why:	what it found, one sentence
 * @len:	its size
 *
 * Return: true when the device works
 */
bool accel_kvm_device(struct accel_cache *c, char *why, size_t len)
{
	if (!c->dev_done) {
		c->dev_ok = accel_device_probe(c->kvm_dev, c->dev_why, sizeof(c->dev_why));
		c->dev_done = true;
	}
	snprintf(why, len, "%s", c->dev_why);
	return c->dev_ok;
}

/**
 * accel_device_probed() - what half 1 found, if it ran (for provenance)
 * @c:		cache
 * @why:	its sentence, "" when it did not run
 * @len:	its size
 *
 * Return: true when it ran
 */
bool accel_device_probed(const struct accel_cache *c, char *why, size_t len)
{
	snprintf(why, len, "%s", c->dev_done ? c->dev_why : "");
	return c->dev_done;
}

/* QEMU's version and machine types, asked once per cache */
static bool qemu_known(struct accel_cache *c)
{
	if (!c->qemu_done) {
		c->qemu_done = true;
		if (vm_qemu_probe(c->qemu, &c->version, &c->machines, c->qemu_err,
				  sizeof(c->qemu_err)))
			c->machines = NULL;
	}
	return c->machines != NULL;
}

/* The value after the last @opt in @argv (QEMU takes the last), or NULL */
static const char *last_value(GPtrArray *argv, const char *opt)
{
	const char *v = NULL;

	for (guint i = 1; i + 1 < argv->len; i++)
		if (!strcmp(g_ptr_array_index(argv, i), opt))
			v = g_ptr_array_index(argv, i + 1);
	return v;
}

/* The probe's argv (NULL-terminated): the VM's -machine, -cpu and -smp as
 * qemu_argv_new() builds them under KVM, no devices, paused, QMP on stdio */
static GPtrArray *probe_argv(struct accel_cache *c, const struct vmconf *vc,
			     char *err, size_t len)
{
	struct qemu_opts o = { .vmid = 100, .binary = c->qemu, .kvm = true,
		.net = QEMU_NET_STREAM, .sock_dir = "/", .serial_dir = "/",
		.qemu = c->version,
		.machines = (const char *const *)c->machines->pdata,
		.n_machines = c->machines->len };
	GPtrArray *full = qemu_argv_new(vc, &o, NULL, err, len), *a;
	static const char *const opts[] = { "-machine", "-cpu", "-smp" };

	if (!full)
		return NULL;
	a = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(a, g_strdup(c->qemu));
	g_ptr_array_add(a, g_strdup("-accel"));
	g_ptr_array_add(a, g_strdup("kvm"));
	for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
		const char *v = last_value(full, opts[i]);

		if (v) {
			g_ptr_array_add(a, g_strdup(opts[i]));
			g_ptr_array_add(a, g_strdup(v));
		}
	}
	for (const char *const *w = (const char *const[]){ "-nodefaults",
	     "-display", "none", "-S", "-qmp", "stdio", NULL }; *w; w++)
		g_ptr_array_add(a, g_strdup(*w));
	g_ptr_array_add(a, NULL);
	g_ptr_array_unref(full);
	return a;
}

/* "pc-i440fx-7.2, CPU kvm64": what the probe asked for, for the reason */
static void shape_of(GPtrArray *a, char *out, size_t len)
{
	const char *m = last_value(a, "-machine"), *cpu = last_value(a, "-cpu");
	const char *type = m ? strstr(m, "type=") : NULL;

	type = type ? type + 5 : m ? m : "default";
	snprintf(out, len, "machine %.*s, CPU %.*s", (int)strcspn(type, ","), type,
		 cpu ? (int)strcspn(cpu, ",") : 7, cpu ? cpu : "default");
}

/* The cache's key: the probe's arguments after the binary */
static gchar *key_of(GPtrArray *a)
{
	return g_strjoinv(" ", (gchar **)a->pdata + 1);
}

/* Half 2, for one VM shape; the answer goes into the cache */
static void qemu_half(struct accel_cache *c, GPtrArray *a, const char *key,
		      struct accel_choice *out)
{
	char msg[160], shape[120];
	gchar *cmd = g_strjoinv(" ", (gchar **)a->pdata);
	int rc = accel_qemu_probe((const char *const *)a->pdata,
				  ACCEL_PROBE_TIMEOUT_MS, msg, sizeof(msg),
				  &out->probe_ms);

	shape_of(a, shape, sizeof(shape));
	out->kvm = rc == 0;
	if (rc == 0)
		snprintf(out->why, sizeof(out->why), "probe: QEMU started %s "
			 "under KVM", shape);
	else
		snprintf(out->why, sizeof(out->why), "probe: QEMU refused KVM "
			 "for %s: %s", shape, msg);
	snprintf(out->cmd, sizeof(out->cmd), "%s", cmd);
	g_free(cmd);
	g_hash_table_replace(c->shapes, g_strdup(key), g_memdup2(out, sizeof(*out)));
}

/* Decided without probing QEMU: KDH_ACCEL, the config's kvm: 0 */
static bool decided_before_probe(const struct accel_cache *c,
				 const struct vmconf *vc, struct accel_choice *out)
{
	if (c->mode == ACCEL_TCG || (c->mode == ACCEL_KVM && vc->kvm)) {
		out->kvm = c->mode == ACCEL_KVM;
		out->forced = true;
		snprintf(out->why, sizeof(out->why), "KDH_ACCEL=%s: no probe%s",
			 accel_mode_name(c->mode), out->kvm ?
			 ", no fallback to TCG" : "");
		return true;
	}
	if (!vc->kvm) {
		snprintf(out->why, sizeof(out->why), "%s", vc->template_ ?
			 "template: 1 (qemu-server starts templates with kvm 0)" :
			 "kvm: 0 in the VM's config");
		return true;
	}
	return false;
}

/**
 * accel_choose() - a VM's accelerator: KDH_ACCEL, its config's kvm line,
 * then the probe (cached per machine, CPU and vCPU count)
 * @c:		cache
 * @vc:		the VM's Proxmox config, its current ostype in it
 * @out:	the choice and its reason
 */
void accel_choose(struct accel_cache *c, const struct vmconf *vc,
		  struct accel_choice *out)
{
	const struct accel_choice *hit;
	char why[200], err[200];
	GPtrArray *a;
	gchar *key;

	memset(out, 0, sizeof(*out));
	if (decided_before_probe(c, vc, out))
		return;
	if (!accel_kvm_device(c, why, sizeof(why))) {
		snprintf(out->why, sizeof(out->why), "probe: %s", why);
		return;
	}
	if (!qemu_known(c)) {
		snprintf(out->why, sizeof(out->why), "probe: %s", c->qemu_err);
		return;
	}
	if (!(a = probe_argv(c, vc, err, sizeof(err)))) {
		snprintf(out->why, sizeof(out->why), "probe: no QEMU command "
			 "line for this VM: %s", err);
		return;
	}
	key = key_of(a);
	if ((hit = g_hash_table_lookup(c->shapes, key))) {
		*out = *hit;
		out->cached = true;
		out->probe_ms = 0;
	} else {
		qemu_half(c, a, key, out);
	}
	g_free(key);
	g_ptr_array_unref(a);
}

/* A `target = vm` VM's config as run_vm.c boots it (its first ostype) */
static void vmconf_of_sc(const struct sc_vm *v, struct vmconf *vc)
{
	*vc = v->conf;
	snprintf(vc->ostype, sizeof(vc->ostype), "%s", v->ostype);
}

/**
 * accel_prepare() - probe every `target = vm` VM of @sc now, so that
 * processes forked later (kdh run -j N) find the answers in their copy
 * @c:		cache
 * @sc:		scenarios
 * @n:		their count
 */
void accel_prepare(struct accel_cache *c, const struct scenario *sc, size_t n)
{
	struct accel_choice ch;
	struct vmconf *vc = g_new(struct vmconf, 1);

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < sc[i].n_vms; j++)
			if (sc[i].vms[j].real) {
				vmconf_of_sc(&sc[i].vms[j], vc);
				accel_choose(c, vc, &ch);
			}
	g_free(vc);
}

/**
 * accel_note_failed() - KVM passed the probe but did not boot a guest of
 * this shape: the VMs of this shape that start later get TCG at once
 * @c:		cache
 * @vc:		the VM's config
 * @why:	what happened ("no boot marker within 20 s")
 */
void accel_note_failed(struct accel_cache *c, const struct vmconf *vc,
		       const char *why)
{
	struct accel_choice ch = { 0 };
	char err[200], shape[120];
	GPtrArray *a;

	if (c->mode != ACCEL_AUTO || !qemu_known(c) ||
	    !(a = probe_argv(c, vc, err, sizeof(err))))
		return;
	shape_of(a, shape, sizeof(shape));
	snprintf(ch.why, sizeof(ch.why), "KVM passed the probe but a guest "
		 "(%s) did not boot under it: %s", shape, why);
	g_hash_table_replace(c->shapes, key_of(a), g_memdup2(&ch, sizeof(ch)));
	g_ptr_array_unref(a);
}

/**
 * provenance_accel() - KDH_ACCEL's mode and the KVM device probe's answer,
 * once the run is over (the probe runs only when a VM needs it)
 * @p:		provenance
 * @c:		the run's probe cache
 */
void provenance_accel(struct provenance *p, const struct accel_cache *c)
{
	snprintf(p->accel, sizeof(p->accel), "%s",
		 accel_mode_name(accel_cache_mode(c)));
	accel_device_probed(c, p->kvm, sizeof(p->kvm));
}
