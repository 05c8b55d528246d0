// SPDX-License-Identifier: GPL-2.0-or-later
/* run_vm.c - scenario VMs that really boot: QEMU with the Proxmox argv,
 * the agent image (or the user's disk), NICs on the scenario's switches
 *
 * Theory of operation: each NIC of a `target = vm` VM is a unix socket
 * kdh listens on; QEMU joins with -netdev stream, so the VM's frames cross
 * the same switches, slirp and capture as simulated debuggees'.  The
 * accelerator is decided before power-on by accel.c's probe (about a
 * second at most, cached per run): KVM when QEMU starts this VM's machine
 * and CPU under KVM, else TCG, the reason in vm.log, target.log and
 * result.json.  Should a guest that passed the probe still not print its
 * boot marker within KVM_WATCHDOG (or QEMU exit first), the VM starts
 * over under TCG and the run's cache remembers it for that VM shape.  A
 * guest that never boots, or a QEMU that exits, makes the VM "vm-failed"
 * with the reason; the run goes on.  Hyper-V enlightenments need KVM: a VM
 * whose ostype needs them is skipped under TCG, not faked.  A user's disk
 * image prints no marker: it counts as booted while QEMU runs, and only a
 * QEMU that exits within IMAGE_GRACE under KVM starts over under TCG.
 *
 * May use: run_backend.h (the runner through env->cb), accel.c, vm.c's
 * processes, the Proxmox model (qemu_argv.h, pve_cpu.h), the agent's
 * files, netsim's stream ports.  Used by: run.c, through run_qemu_ops,
 * for every VM with target = vm.  A NIC asks the runner where it plugs
 * in (cb->net_attach): a switch to listen on for -netdev stream, or a
 * bridge's tap for -netdev tap,fd=.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/run/run_backend.h"
#include "kdh/run/accel.h"
#include "kdh/target/agent.h"
#include "kdh/util/datadir.h"
#include "netsim/ports.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/run/vm.h"
#include "kdh/target/target.h"

#define KVM_WATCHDOG	(20 * NS_PER_S)
#define TCG_WATCHDOG	(120 * NS_PER_S)
#define WATCH_TICK	(250 * NS_PER_MS)
#define IMAGE_GRACE	(5 * NS_PER_S)

struct vm_real {
	const struct run_env *env;
	size_t idx;			/* in the scenario's VMs */
	const struct sc_vm *cfg;
	char ostype[16];
	unsigned boots;
	struct ns_stream_listener *ls[SC_MAX_NETS];
	int tap_fd[PVE_MAX_NETS];	/* bridge backend: netN's tap */
	bool taps;			/* its NICs are taps (-netdev tap,fd=) */
	char sockdir[108];		/* unix sockets: QEMU's serial, netN */
	bool sockdir_made;
	struct vm_proc proc;
	struct accel_choice accel;	/* accel.kvm: the current boot's */
	bool booted, failed;
	uint64_t started;
	struct ns_timer *power, *watch;
};

static struct vm_result *result_of(struct vm_real *r)
{
	return &r->env->results->vms[r->idx];
}

static void fail(struct vm_real *r, const char *why)
{
	r->failed = true;
	snprintf(result_of(r)->failed, sizeof(result_of(r)->failed), "%s", why);
	g_string_append_printf(r->env->log, "%s: vm-failed: %s\n",
			       r->cfg->name, why);
	vm_stop(&r->proc);
}

/* The VM's Proxmox lines as scenario_vm.c read them, with the ostype of
 * the current boot (a `reboot = ... ostype` changes it) */
static void vmconf_of(const struct vm_real *r, struct vmconf *vc)
{
	*vc = r->cfg->conf;
	snprintf(vc->ostype, sizeof(vc->ostype), "%s", r->ostype);
}

static unsigned vmid_of(const struct vm_real *r)
{
	return sc_vm_vmid(r->idx);
}

/* The unix socket QEMU serves for serialN, as Proxmox's
 * /var/run/qemu-server/VMID.serialN (here in the run's socket directory) */
static void serial_path(const struct vm_real *r, unsigned port, char *out,
			size_t len)
{
	snprintf(out, len, "%s/%u.serial%u", r->sockdir, vmid_of(r), port);
}

static GPtrArray *argv_of(struct vm_real *r, char **append, char *err,
			  size_t errlen)
{
	const struct sc_vm *c = r->cfg;
	char agent[4096], kernel[4200], initrd[4200], vars[160], *words = agent_cmdline_build(&c->tc);
	GPtrArray *argv;
	GString *notes;
	gchar **lines;
	struct qemu_opts o = { .vmid = vmid_of(r),
		.kvm = r->accel.kvm, .sock_dir = r->sockdir, .tap_fd = r->tap_fd,
		.net = r->taps ? QEMU_NET_TAPFD : QEMU_NET_STREAM,
		.serial_dir = r->sockdir, .console = r->proc.console };
	struct vmconf vc;

	vmconf_of(r, &vc);
	kdh_agent_dir(agent, sizeof(agent));	/* qemu_vm_add checked it */
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", agent);
	snprintf(initrd, sizeof(initrd), "%s/initrd.img", agent);
	if (c->image[0]) {
		o.disk = c->image;
	} else {
		*append = g_strdup_printf("console=ttyS%d quiet panic=-1 ipv6.disable=1 %s",
					  qemu_console_index(&vc), words);
		o.kernel = kernel;
		o.initrd = initrd;
		o.append = *append;
	}
	free(words);
	if (!strcmp(vc.bios, "ovmf")) {	/* the VM's own UEFI variables */
		snprintf(vars, sizeof(vars), "%s/%u-ovmf.fd", r->sockdir, o.vmid);
		if (vm_ovmf_vars_copy(vars, err, errlen))
			return NULL;
		o.ovmf_vars = vars;
	}
	notes = g_string_new(NULL);
	argv = qemu_argv_new(&vc, &o, notes, err, errlen);
	lines = g_strsplit(notes->str, "\n", -1);
	for (gchar **l = lines; *l; l++)
		if (**l)
			g_string_append_printf(r->env->log, "%s: note: %s\n",
					       c->name, *l);
	g_strfreev(lines);
	g_string_free(notes, TRUE);
	return argv;
}

/* Whether the VM's -cpu under KVM has Hyper-V enlightenments */
static bool needs_hyperv(struct vm_real *r)
{
	struct qemu_opts o = { 0 };
	struct vmconf vc;
	char vendor[13], *cpu = NULL;
	bool hv;

	vmconf_of(r, &vc);
	if (pve_guest_hv_vendor(&vc, true, &o, &cpu, vendor) < 0)
		return false;
	hv = qemu_cpu_hv_enlightened(cpu);
	g_free(cpu);
	return hv;
}

/* A line of kdh's in vm.log (QEMU's stdout and stderr), stamped with
 * the seconds since the scenario started on its clock */
static void vmlog_note(struct vm_real *r, const char *fmt, ...)
{
	const struct run_env *s = r->env;
	char path[700];
	gchar *text;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vm.log", s->dir);
	if (!(f = fopen(path, "ae")))
		return;		/* QEMU's own opening of it will say why */
	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(f, "kdh [+%.3f s] %s: %s\n", (double)(ns_loop_now(s->loop) -
		s->t0) / 1e9, r->cfg->name, text);
	fclose(f);
	g_free(text);
}

/* The accelerator of the first boot, from the run's probe cache (or a
 * cache of this VM's own when the caller has none) */
static void accel_decide(struct vm_real *r)
{
	struct accel_cache *own = NULL, *c = r->env->opts->accel;
	struct vm_result *res = result_of(r);
	struct vmconf vc;

	if (!c)
		c = own = accel_cache_new(ACCEL_AUTO);
	vmconf_of(r, &vc);
	accel_choose(c, &vc, &r->accel);
	accel_cache_free(own);
	snprintf(res->accel_why, sizeof(res->accel_why), "%s", r->accel.why);
	g_string_append_printf(r->env->log, "%s: accelerator %s: %s%s\n",
			       r->cfg->name, r->accel.kvm ? "KVM" : "TCG",
			       r->accel.why, r->accel.cached ?
			       " (probed earlier in this run)" : "");
	if (r->accel.cmd[0] && !r->accel.cached)
		vmlog_note(r, "KVM probe (%u ms): %s", r->accel.probe_ms,
			   r->accel.cmd);
	vmlog_note(r, "accelerator %s: %s%s", r->accel.kvm ? "KVM" : "TCG",
		   r->accel.why, r->accel.cached ? " (probed earlier in this run)" :
		   "");
}

static void start(struct vm_real *r)
{
	const struct run_env *s = r->env;
	char log[700], err[256], *append = NULL;
	int keep[SC_MAX_NETS];
	GPtrArray *argv;

	if (!r->accel.kvm && needs_hyperv(r)) {
		snprintf(s->skip, s->skip_len, "VM %s needs Hyper-V "
			 "enlightenments (ostype %s, or its cpu/args), which QEMU "
			 "cannot expose under TCG", r->cfg->name, r->ostype);
		ns_loop_stop(s->loop);
		return;
	}
	snprintf(result_of(r)->accel, sizeof(result_of(r)->accel), "%s",
		 r->accel.kvm ? "kvm" : "tcg");
	s->cb->power_on(s->opaque, r->idx, ++r->boots, r->ostype,
			r->accel.kvm ? "accel=kvm" : "accel=tcg");
	argv = argv_of(r, &append, err, sizeof(err));
	if (!argv) {
		fail(r, err);
		g_free(append);
		return;
	}
	snprintf(log, sizeof(log), "%s/vm.log", s->dir);
	unlink(r->proc.console);
	for (size_t i = 0; i < r->cfg->n_nets; i++)
		keep[i] = r->tap_fd[r->cfg->nets[i].index];
	vmlog_note(r, "starting QEMU under %s", r->accel.kvm ? "KVM" : "TCG");
	if (vm_spawn_keep(argv, log, keep, r->taps ? r->cfg->n_nets : 0,
			  &r->proc, err, sizeof(err)))
		fail(r, err);
	r->started = ns_loop_now(s->loop);
	ns_timer_mod(r->watch, r->started + WATCH_TICK);
	g_ptr_array_unref(argv);
	g_free(append);
}

static void power_cb(void *opaque)
{
	start(opaque);
}

/* KVM passed the probe but not the boot: TCG from now on, for this VM
 * and (through the run's cache) every later VM of its shape */
static void kvm_gave_up(struct vm_real *r, const char *why)
{
	struct vm_result *res = result_of(r);
	struct vmconf vc;

	g_string_append_printf(r->env->log, "%s: KVM did not boot the guest "
			       "(%s): starting over under TCG\n", r->cfg->name,
			       why);
	vmlog_note(r, "KVM did not boot the guest (%s): starting over under TCG",
		   why);
	vm_stop(&r->proc);
	vmconf_of(r, &vc);
	if (r->env->opts->accel)
		accel_note_failed(r->env->opts->accel, &vc, why);
	r->accel.kvm = false;
	snprintf(r->accel.why, sizeof(r->accel.why), "KVM passed the probe but "
		 "did not boot the guest: %s", why);
	snprintf(res->accel_why, sizeof(res->accel_why), "%s", r->accel.why);
}

/* The boot watchdog, then QEMU's liveness, every WATCH_TICK */
static void watch_cb(void *opaque)
{
	struct vm_real *r = opaque;
	uint64_t now = ns_loop_now(r->env->loop);
	uint64_t limit = r->accel.kvm ? KVM_WATCHDOG : TCG_WATCHDOG;
	char why[200];

	if (r->cfg->image[0] && !r->booted && now >= r->started + IMAGE_GRACE &&
	    vm_alive(&r->proc)) {
		r->booted = true;	/* no marker to wait for: QEMU stayed up */
		g_string_append_printf(r->env->log, "%s: image running under %s\n",
				       r->cfg->name, r->accel.kvm ? "KVM" : "TCG");
	}
	if (!r->cfg->image[0] && !r->booted &&
	    vm_console_has(&r->proc, VM_BOOT_MARKER)) {
		r->booted = true;
		g_string_append_printf(r->env->log, "%s: booted under %s in %.1f s\n",
				       r->cfg->name, r->accel.kvm ? "KVM" : "TCG",
				       (double)(now - r->started) / 1e9);
	}
	if (!vm_alive(&r->proc)) {
		snprintf(why, sizeof(why), "QEMU exited (status %d)%s; see vm.log",
			 r->proc.status, r->booted ? "" : " before the boot marker");
		if (r->accel.kvm && !r->booted && !r->accel.forced)
			goto fallback;
		fail(r, why);
		return;
	}
	if (!r->booted && now >= r->started + limit) {
		snprintf(why, sizeof(why), "no boot marker within %.0f s under %s",
			 (double)limit / 1e9, r->accel.kvm ? "KVM" : "TCG");
		if (r->accel.kvm && !r->accel.forced)
			goto fallback;
		fail(r, why);
		return;
	}
	ns_timer_mod(r->watch, now + WATCH_TICK);
	return;
fallback:
	kvm_gave_up(r, why);
	start(r);
}

/* Each NIC where the runner says: a bridge's tap for -netdev tap,fd=,
 * else a unix socket on its network's switch for -netdev stream */
static int nets_attach(struct vm_real *r)
{
	const struct run_env *s = r->env;
	const struct sc_vm *c = r->cfg;
	char path[128], name[48];

	for (size_t i = 0; i < c->n_nets; i++) {
		struct run_nic place = { .tap_fd = -1 };

		if (s->cb->net_attach(s->opaque, r->idx, i, &place))
			return -EIO;
		if (place.tap_fd >= 0) {
			r->tap_fd[c->nets[i].index] = place.tap_fd;
			r->taps = true;
			continue;
		}
		snprintf(path, sizeof(path), "%s/net%u.sock", r->sockdir,
			 c->nets[i].index);
		snprintf(name, sizeof(name), "%s.net%u", c->name, c->nets[i].index);
		r->ls[i] = ns_stream_listen(place.sw, path, name, NULL, NULL,
					    s->err, s->err_len);
		if (!r->ls[i])
			return -EIO;
		ns_stream_listener_set_down(r->ls[i], !pve_net_link_up(&c->nets[i]));
	}
	return 0;
}

/* The VM's sockets go in its scenario's results (so a kdh killed
 * mid-run leaves them there, not in /tmp), unless that path is too long
 * for a unix socket (108 bytes with "/100.serial0"): then /tmp */
static int sockdir_make(struct vm_real *r, const char *results)
{
	snprintf(r->sockdir, sizeof(r->sockdir), "%s/sockets-%u", results,
		 vmid_of(r));
	if (strlen(r->sockdir) + sizeof("/100.serial0") <= sizeof(r->sockdir)) {
		if (mkdir(r->sockdir, 0700) && errno != EEXIST)
			return -1;
	} else {
		snprintf(r->sockdir, sizeof(r->sockdir), "/tmp/kdh-vm-XXXXXX");
		if (!mkdtemp(r->sockdir))
			return -1;
	}
	r->sockdir_made = true;
	return 0;
}

/* The qemu backend: the scenario's QEMU VMs, by index */
struct run_qemu {
	const struct run_env *env;
	struct vm_real *vms[SC_MAX_VMS];
};

/* time: QEMU runs in real time */
static bool qemu_real_clock(const struct scenario *sc, const struct run_opts *o)
{
	return sc_has_real_vm(sc);
}

static int qemu_build(const struct run_env *env, void **b)
{
	struct run_qemu *q = calloc(1, sizeof(*q));

	*b = q;
	if (!q)
		return -ENOMEM;
	q->env = env;
	return 0;
}

/**
 * qemu_vm_add() - prepare a `target = vm` VM; QEMU starts at power_on
 * @b:		the qemu backend
 * @vm:		the VM's index in the scenario
 *
 * Return: 0, -ENOENT when QEMU or the image is missing (the scenario is
 * skipped), or another negative errno with the run's error set
 */
static int qemu_vm_add(void *b, size_t vm)
{
	struct run_qemu *q = b;
	const struct run_env *s = q->env;
	struct vm_real *r = calloc(1, sizeof(*r));
	char path[4096], missing[384];	/* with "requires ", in skip[400] */
	gchar *qemu = g_find_program_in_path("qemu-system-x86_64");
	bool no_image;

	if (!r) {
		g_free(qemu);
		return -ENOMEM;
	}
	q->vms[vm] = r;
	r->env = s;
	r->idx = vm;
	r->cfg = &s->sc->vms[vm];
	snprintf(r->ostype, sizeof(r->ostype), "%s", r->cfg->ostype);
	no_image = !r->cfg->image[0] && kdh_agent_dir(path, sizeof(path));
	if (!qemu || no_image ||
	    (r->cfg->image[0] && access(r->cfg->image, R_OK))) {
		if (no_image)
			kdh_agent_missing(missing, sizeof(missing));
		snprintf(s->skip, s->skip_len, "requires %s", !qemu ?
			 "qemu-system-x86_64" : r->cfg->image[0] ? r->cfg->image :
			 missing);
		g_free(qemu);
		return -ENOENT;
	}
	g_free(qemu);
	if (sockdir_make(r, s->dir))
		return -errno;
	snprintf(r->proc.console, sizeof(r->proc.console), "%s/%s.console",
		 s->dir, r->cfg->name);
	accel_decide(r);
	r->power = ns_timer_new(s->loop, power_cb, r);
	r->watch = ns_timer_new(s->loop, watch_cb, r);
	if (!r->power || !r->watch || nets_attach(r))
		return -EIO;
	ns_timer_mod(r->power, s->t0 + r->cfg->power_on_ns);
	return 0;
}

/**
 * qemu_settled() - nothing more to wait for: failed, or booted, the
 * debugger has as many connections as there are real VMs, and the agent
 * said its KD script is played out (a user's image says nothing: its
 * connection is enough)
 * @b:		the qemu backend
 * @vm:		the VM's index
 *
 * Return: true when settled
 */
static bool qemu_settled(void *b, size_t vm)
{
	struct run_qemu *q = b;
	const struct run_env *s = q->env;
	struct vm_real *r = q->vms[vm];
	uint64_t real = 0;
	bool kd_done = r->cfg->image[0] ||
		       vm_console_has(&r->proc, AGENT_KD_DONE);

	for (size_t i = 0; i < s->sc->n_vms; i++)
		real += s->sc->vms[i].real && !s->sc->vms[i].tc.serial;
	if (r->failed)
		return true;
	if (r->cfg->tc.serial)
		return r->booted && s->cb->kd_connected(s->opaque, true) > 0 &&
		       kd_done;
	return r->booted && s->cb->kd_connected(s->opaque, false) >= real &&
	       kd_done;
}

/* serial_socket: where QEMU serves VM @vm's serial@port, for a serial
 * link */
static int qemu_serial_socket(void *b, size_t vm, unsigned port, char *path,
			      size_t len)
{
	struct run_qemu *q = b;

	if (!q->vms[vm])
		return -EINVAL;
	serial_path(q->vms[vm], port, path, len);
	return 0;
}

/* Stop QEMU, close the sockets, remove their directory */
static void vm_free(struct vm_real *r)
{
	if (!r)
		return;
	vm_stop(&r->proc);
	for (size_t i = 0; i < SC_MAX_NETS; i++)
		ns_stream_listener_free(r->ls[i]);
	for (unsigned i = 0; i < SC_MAX_SERIALS && r->sockdir_made; i++) {
		char path[128];

		serial_path(r, i, path, sizeof(path));
		unlink(path);		/* QEMU leaves its server sockets */
	}
	if (r->sockdir_made)
		rmdir(r->sockdir);
	ns_timer_free(r->power);
	ns_timer_free(r->watch);
	free(r);
}

static void qemu_free(void *b)
{
	struct run_qemu *q = b;

	if (!q)
		return;
	for (size_t i = 0; i < SC_MAX_VMS; i++)
		vm_free(q->vms[i]);
	free(q);
}

const struct run_backend_ops run_qemu_ops = {
	.name = "qemu",
	.real_clock = qemu_real_clock,
	.build = qemu_build,
	.vm_add = qemu_vm_add,
	.serial_socket = qemu_serial_socket,
	.settled = qemu_settled,
	.free = qemu_free,
};
