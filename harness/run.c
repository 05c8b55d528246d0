// SPDX-License-Identifier: GPL-2.0-or-later
/* run.c - one scenario: build the network, boot the debuggees, capture,
 * measure from the capture, judge
 *
 * Theory of operation: everything runs on one virtual-clock loop seeded
 * from the run's seed and the scenario's name.  Each [network] is a
 * switch (with a libslirp node when it serves DHCP or has a gateway), the
 * debugger is a host node running the debugger endpoint, each VM NIC is a
 * switch port feeding a target model.  Every frame the switches see goes
 * to capture.pcapng with the harness events ("power on", "debugger",
 * "capture end") as comments.  The run ends at the scenario's timeout, or
 * 5 s after every debuggee has settled.  Then the capture file is read
 * back and analysed exactly as `kdh analyze` would: the verdict comes from
 * the wire.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "kdh/debugger.h"
#include "netsim/host.h"
#include "netsim/pcapng.h"
#include "kdh/pve_cpu.h"
#include "kdh/pve_pci.h"
#include "kdh/qemu_argv.h"
#include "kdh/winbuild.h"
#include "kdh/run.h"
#include "netsim/slirp_node.h"
#include "kdh/target.h"
#include "harness/run_priv.h"
#include "netsim/topo.h"
#include "kdh/vm.h"

static const char *const verdict_names[V_COUNT] = { "pass", "fail", "skip",
						    "error", "interrupted" };

/** verdict_name() - "pass", "fail", "skip", "error", "interrupted" */
const char *verdict_name(enum verdict v)
{
	return verdict_names[v];
}

/**
 * run_scenario_seed() - the seed a scenario runs with
 * @run_seed:	the run's
 * @sc:		scenario (its own seed key wins)
 *
 * Return: seed mixed with the scenario's name, so order does not matter
 */
uint64_t run_scenario_seed(uint64_t run_seed, const struct scenario *sc)
{
	uint64_t h = 1469598103934665603ull;

	if (sc->has_seed)
		return sc->seed;
	for (const char *p = sc->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	return run_seed ^ h;
}

void sim_event(struct sim *s, const char *text)
{
	if (s->cap)
		ns_pcapng_event(s->cap, ns_loop_now(s->loop), text);
}

/**
 * sim_power_on_event() - "power on VM boot=N nic=..." for the capture
 * @v:		the VM (its boots counter is advanced)
 * @extra:	appended (e.g. "accel=tcg"), may be NULL
 */
void sim_power_on_event(struct sim_vm *v, const char *extra)
{
	GString *e = g_string_new(NULL);
	char mac[MAC_STRLEN], pci[16];

	g_string_printf(e, "power on %s boot=%u", v->cfg->name, ++v->boots);
	for (size_t i = 0; i < v->cfg->n_nets; i++) {
		const struct pve_net *n = &v->cfg->nets[i];
		struct pci_addr a;

		pve_guest_nic_pci(&v->cfg->conf, n->index, &a);
		g_string_append_printf(e, " nic=net%u,%s,%s,%s", n->index,
				       mac_str(n->mac, mac),
				       pci_addr_str(&a, pci, sizeof(pci)), n->bridge);
	}
	g_string_append_printf(e, " ostype=%s%s%s", v->ostype, extra ? " " : "",
			       extra ? extra : "");
	sim_event(v->sim, e->str);
	g_string_free(e, TRUE);
}

static void check_cb(void *opaque)
{
	struct sim *s = opaque;
	uint64_t now = ns_loop_now(s->loop);
	bool all = true;

	for (size_t i = 0; i < s->sc->n_vms; i++) {
		struct sim_vm *v = &s->vms[i];

		if (v->cfg->real)
			all &= run_vm_settled(v);
		else
			all &= target_settled(v->t) &&
			       (!v->cfg->reboot_ns || v->boots > 1);
	}
	if ((all || s->held_at) && !s->settled_at)
		s->settled_at = now;
	if (s->settled_at && now >= s->settled_at + SETTLE_GRACE) {
		ns_loop_stop(s->loop);
		return;
	}
	ns_timer_mod(s->check, now + NS_PER_S);
}

/**
 * sim_debugger_listening() - whether WinDbg has opened its port yet
 * ([debugger] start); before that, the debuggee's packets go unanswered
 * @s:		scenario
 *
 * Return: true once it listens
 */
bool sim_debugger_listening(const struct sim *s)
{
	return s->dbg_net_open;
}

static void dbg_net_start_cb(void *opaque)
{
	struct sim *s = opaque;
	char text[96], ip[IP_STRLEN];

	s->dbg_net_open = true;
	snprintf(text, sizeof(text), "network debugger start %s:%u",
		 ip_str(s->sc->dbg.ip, ip), s->sc->dbg.port);
	sim_event(s, text);
}

static void sim_free(struct sim *s)
{
	run_serial_free(s);
	for (size_t i = 0; i < s->sc->n_vms; i++)
		run_vm_free(&s->vms[i]);	/* QEMUs first: they hold taps */
	run_bridge_free(s);
	for (size_t i = 0; i < s->sc->n_vms; i++) {
		target_free(s->vms[i].t);
		ns_timer_free(s->vms[i].power);
		ns_timer_free(s->vms[i].reboot);
	}
	ns_timer_free(s->check);
	ns_timer_free(s->tick);
	ns_timer_free(s->dbg_net_start);
	debugger_free(s->dbg);
	ns_host_free(s->dbg_host);
	for (size_t i = 0; i < s->sc->n_nets; i++) {
		ns_slirp_free(s->slirp[i]);
		ns_switch_free(s->sw[i]);
	}
	ns_loop_free(s->loop);
	g_string_free(s->log, TRUE);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line's heartbeat: real-clock loops only (a virtual one
 * would spend an event per simulated second, and ends in milliseconds) */
static void tick_cb(void *opaque)
{
	struct sim *s = opaque;

	s->opts->tick(s->opts->tick_opaque);
	ns_timer_mod(s->tick, ns_loop_now(s->loop) + NS_PER_S);
}

static int sim_build(struct sim *s, const struct run_opts *o,
		     struct scenario_result *r, struct nic_port np[][SC_MAX_NETS])
{
	char dir[600], err[256];
	bool bridge = run_uses_bridge(s->sc, o), real = bridge;

	for (size_t i = 0; i < s->sc->n_vms; i++)
		real |= s->sc->vms[i].real;
	s->loop = ns_loop_new(real ? NS_CLOCK_REAL : NS_CLOCK_VIRTUAL, r->seed);
	s->results = r;
	if (s->loop)
		s->t0 = ns_loop_now(s->loop);
	s->log = g_string_new(NULL);
	if (!s->loop)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s/%s", o->results_dir, s->sc->name);
	r->unwritten = true;		/* until its files are open */
	if (g_mkdir_with_parents(dir, 0755)) {	/* unique: run_suite.c */
		snprintf(s->err, sizeof(s->err), "%s: %s", dir, strerror(errno));
		return -EIO;
	}
	snprintf(r->capture, sizeof(r->capture), "%s/capture.pcapng", dir);
	s->cap = ns_pcapng_open(r->capture, err, sizeof(err));
	if (!s->cap) {
		snprintf(s->err, sizeof(s->err), "%s", err);
		return -EIO;
	}
	r->unwritten = false;
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	if (bridge ? run_bridge_build(s) : (networks_build(s) || debugger_build(s)))
		return -EINVAL;
	for (size_t i = 0; i < s->sc->n_vms; i++)
		if (vm_build(s, i, np[i]))
			return -ENOMEM;
	if (run_serial_build(s))
		return -EIO;
	s->check = ns_timer_new(s->loop, check_cb, s);
	s->dbg_net_start = ns_timer_new(s->loop, dbg_net_start_cb, s);
	if (s->dbg_net_start && s->sc->dbg.start_ns)
		ns_timer_mod(s->dbg_net_start, s->t0 + s->sc->dbg.start_ns);
	else
		s->dbg_net_open = true;
	if (!s->check)
		return -ENOMEM;
	ns_timer_mod(s->check, s->t0 + NS_PER_S);
	if (o->tick && real && !(s->tick = ns_timer_new(s->loop, tick_cb, s)))
		return -ENOMEM;
	if (s->tick)
		ns_timer_mod(s->tick, s->t0 + NS_PER_S);
	run_budgets_set(s, o);
	return 0;
}

/* target.log; its failure, like the capture's, is the scenario's error
 * and stops the run: its results can no longer be kept */
static void log_write(struct sim *s, const struct run_opts *o)
{
	char path[600];
	int rc;

	snprintf(path, sizeof(path), "%s/%s/target.log", o->results_dir,
		 s->sc->name);
	rc = write_file_atomic(path, s->log->str, s->log->len);
	if (rc && !s->results->unwritten)
		snprintf(s->err, sizeof(s->err), "%s: %s", path, strerror(-rc));
	s->results->unwritten |= rc != 0;
}

/**
 * run_scenario() - simulate, capture, measure and judge one scenario
 * @sc:		parsed scenario
 * @o:		seed and results directory
 * @r:		output
 *
 * Return: 0 (the verdict is in @r, V_ERROR included)
 */
int run_scenario(const struct scenario *sc, const struct run_opts *o,
		 struct scenario_result *r)
{
	struct nic_port (*np)[SC_MAX_NETS] = calloc(SC_MAX_VMS, sizeof(*np));
	struct sim s = { .sc = sc, .opts = o };
	double t0 = wall_now();
	bool stopped = false;
	int rc, cap_rc;

	memset(r, 0, sizeof(*r));
	r->index = sc->index;
	snprintf(r->name, sizeof(r->name), "%s", sc->name);
	snprintf(r->file, sizeof(r->file), "%s", sc->file);
	snprintf(r->description, sizeof(r->description), "%s", sc->description);
	r->seed = run_scenario_seed(o->seed, sc);
	if (run_requires_unmet(sc, o, r->reason, sizeof(r->reason))) {
		r->verdict = V_SKIP;
		free(np);
		return 0;
	}
	rc = np ? sim_build(&s, o, r, np) : -ENOMEM;
	if (!rc && o->pause_ns)
		run_test_pause(o);
	if (!rc && ns_loop_run(s.loop, s.t0 + sc->timeout_ns))
		snprintf(s.err, sizeof(s.err), "%s", ns_loop_error(s.loop));
	s.kept |= !rc && ns_loop_end(s.loop) == NS_LOOP_WALL_LIMIT; /* budgets */
	if (!rc && ns_loop_end(s.loop) == NS_LOOP_INTERRUPTED && !s.skip[0]) {
		stopped = true;
		sim_event(&s, "interrupted");
	} else if (!rc) {	/* where the capture stops, even after silence */
		sim_event(&s, "capture end");
	}
	if (s.loop)
		r->sim_s = (double)(ns_loop_now(s.loop) - s.t0) / 1e9;
	if (s.skip[0]) {
		r->verdict = V_SKIP;
		snprintf(r->reason, sizeof(r->reason), "%s", s.skip);
	}
	if (s.cap && (cap_rc = ns_pcapng_close(s.cap))) {
		snprintf(s.err, sizeof(s.err), "%s: %s", r->capture,
			 strerror(-cap_rc));
		r->unwritten = true;
	}
	s.cap = NULL;
	if (s.log && !r->unwritten)
		log_write(&s, o);
	if (s.skip[0]) {
		;	/* said above */
	} else if (s.kept && !r->unwritten) {
		run_judge(sc, r);	/* what the capture kept; no verdict */
		if (!r->unwritten)	/* else: the kd-VM.log it could not write */
			snprintf(r->reason, sizeof(r->reason), "%s", s.err);
		r->verdict = V_ERROR;
		r->failed = 0;
	} else if (rc || s.err[0]) {
		r->verdict = V_ERROR;
		snprintf(r->reason, sizeof(r->reason), "%s", s.err[0] ? s.err :
			 strerror(-rc));
	} else if (stopped) {
		run_judge(sc, r);	/* the figures so far; no verdict */
		r->verdict = V_INTERRUPTED;
		r->failed = 0;
		snprintf(r->reason, sizeof(r->reason), "interrupted by %s at %.3f s "
			 "simulated, %.1f s after it started; the capture ends there",
			 run_signal_name(*o->stop), r->sim_s, wall_now() - t0);
	} else {
		run_judge(sc, r);
	}
	if (s.loop)
		sim_free(&s);
	free(np);
	r->wall_s = wall_now() - t0;
	return 0;
}
