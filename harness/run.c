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

/* target environment: NIC n is a port on the scenario's switch */
static void env_send(void *opaque, unsigned nic, const uint8_t *f, size_t len)
{
	struct sim_vm *v = opaque;

	ns_port_input(v->ports[nic], f, len);
}

/* The QEMU a simulated VM's unversioned machine type takes: Proxmox VE 9's */
static const struct pve_version sim_qemu = { 10, 0, 0 };

/* CPUID 0x40000000 as QEMU on a Proxmox host shows it for this boot's
 * config: qemu-server's -cpu (ostype, cpu, hostpci x-vga) or args' -cpu */
static bool env_cpuid(void *opaque, char vendor[13])
{
	struct sim_vm *v = opaque;
	struct qemu_opts o = { .qemu = sim_qemu };
	struct vmconf *c = g_memdup2(&v->cfg->conf, sizeof(*c));
	bool shown;

	snprintf(c->ostype, sizeof(c->ostype), "%s", v->ostype);
	shown = pve_guest_hv_vendor(c, c->kvm, &o, NULL, vendor) == 1;
	g_free(c);
	return shown;
}

static size_t env_nics(void *opaque, struct target_nic *nics, size_t max)
{
	struct sim_vm *v = opaque;
	struct pve_machine m;
	size_t n = 0;

	if (pve_machine_parse(v->cfg->conf.machine, v->ostype, &sim_qemu, &m,
			      NULL, 0))
		m.version = sim_qemu;

	for (size_t i = 0; i < v->cfg->n_nets && n < max; i++, n++) {
		const struct pve_net *net = &v->cfg->nets[i];

		snprintf(nics[n].name, sizeof(nics[n].name), "net%u", net->index);
		snprintf(nics[n].model, sizeof(nics[n].model), "%s",
			 nic_guest_model(net->model, m.version.major,
					 m.version.minor));
		memcpy(nics[n].mac, net->mac, 6);
		pve_guest_nic_pci(&v->cfg->conf, net->index, &nics[n].pci);
	}
	return n;
}

static void env_log(void *opaque, const char *msg)
{
	struct sim_vm *v = opaque;

	g_string_append_printf(v->sim->log, "%12.6f %s: %s\n",
			       (double)ns_loop_now(v->sim->loop) / 1e9,
			       v->cfg->name, msg);
}

static void env_serial(void *opaque, unsigned port, const uint8_t *buf,
		       size_t len)
{
	struct sim_vm *v = opaque;

	run_serial_send(v->sim, (int)(v - v->sim->vms), port, buf, len);
}

static const struct target_env_ops sim_env = {
	.send = env_send, .cpuid_hypervisor = env_cpuid,
	.list_nics = env_nics, .log = env_log, .serial_send = env_serial,
};

/* A frame for the VM arrives on one of its ports */
struct nic_port {
	struct sim_vm *vm;
	unsigned nic;
};

static void vm_port_deliver(void *opaque, const uint8_t *f, size_t len)
{
	struct nic_port *np = opaque;

	target_input(np->vm->t, np->nic, f, len);
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

static void power_on(struct sim_vm *v)
{
	sim_power_on_event(v, NULL);
	target_power_on(v->t);
}

static void power_cb(void *opaque)
{
	power_on(opaque);
}

/* A power cycle (qm stop + qm start) restarts QEMU with the config's
 * current CPU flags; a reboot from inside the guest keeps the QEMU process
 * and its flags, so a changed ostype waits for the next power cycle. */
static void reboot_cb(void *opaque)
{
	struct sim_vm *v = opaque;
	bool guest = v->cfg->reboot_kind == SC_REBOOT_GUEST;
	char text[80];

	snprintf(text, sizeof(text), "power off %s%s", v->cfg->name,
		 guest ? " reboot=guest" : "");
	sim_event(v->sim, text);
	target_power_off(v->t);
	if (v->cfg->reboot_ostype[0] && !guest)
		snprintf(v->ostype, sizeof(v->ostype), "%s", v->cfg->reboot_ostype);
	else if (v->cfg->reboot_ostype[0])
		g_string_append_printf(v->sim->log, "%s: ostype %s in the config; the "
				       "guest reboot keeps QEMU's CPU flags (%s)\n",
				       v->cfg->name, v->cfg->reboot_ostype, v->ostype);
	power_on(v);
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

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct sim *s = opaque;

	ns_host_udp_send(s->dbg_host, s->sc->dbg.port, ip, port, d, len);
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

static void dbg_rx(void *opaque, const uint8_t mac[6], uint32_t sip,
		   uint16_t sport, uint16_t dport, const uint8_t *data, size_t len)
{
	struct sim *s = opaque;

	if (sim_debugger_listening(s))
		debugger_input(s->dbg, sip, sport, data, len, ns_loop_now(s->loop));
}

static int networks_build(struct sim *s)
{
	const struct scenario *sc = s->sc;

	for (size_t i = 0; i < sc->n_nets; i++) {
		const struct sc_network *n = &sc->nets[i];
		struct ns_slirp_config cfg = { n->network, n->netmask, n->gateway,
					       0, n->dhcp };

		s->sw[i] = ns_switch_new(s->loop, n->name);
		if (!s->sw[i] || (s->cap && ns_pcapng_attach(s->cap, s->sw[i])))
			return -ENOMEM;
		if (!n->dhcp && !n->gateway)
			continue;	/* a static network without a router */
		s->slirp[i] = ns_slirp_new(s->sw[i], &cfg, s->err, sizeof(s->err));
		if (!s->slirp[i])
			return -EINVAL;
	}
	return 0;
}

static void dbg_kd(void *opaque, uint32_t ip, uint16_t port,
		   const struct kd_engine_out *o, uint64_t now)
{
	char who[32], a[IP_STRLEN];

	snprintf(who, sizeof(who), "%s:%u", ip_str(ip, a), port);
	sim_kd_said(opaque, who, o);
}

static int debugger_build(struct sim *s)
{
	static const struct debugger_ops ops = { .send = dbg_send, .kd = dbg_kd };
	struct kd_engine_cfg kd = sim_kd_cfg(s);
	const struct sc_debugger *d = &s->sc->dbg;
	size_t ni = sc_net_index(s->sc, d->network);
	char text[96], ip[IP_STRLEN];

	s->dbg_host = ns_host_new(s->sw[ni], "debugger", d->mac);
	s->dbg = debugger_new(d->key, ns_loop_rng(s->loop), &ops, s);
	if (!s->dbg_host || !s->dbg || debugger_set_kd(s->dbg, &kd, s->loop))
		return -ENOMEM;
	ns_host_set_addr(s->dbg_host, d->ip, s->sc->nets[ni].netmask,
			 s->sc->nets[ni].gateway);
	if (d->apipa_route)
		ns_host_add_onlink(s->dbg_host, 0xa9fe0000u, 0xffff0000u);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_IN, &d->faults);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_OUT, &d->faults);
	snprintf(text, sizeof(text), "debugger %s %s:%u", d->network,
		 ip_str(d->ip, ip), d->port);
	sim_event(s, text);
	return ns_host_udp_bind(s->dbg_host, d->port, dbg_rx, s);
}

static int vm_build(struct sim *s, size_t i, struct nic_port *np)
{
	static const struct ns_port_ops ops = { .deliver = vm_port_deliver };
	struct sim_vm *v = &s->vms[i];
	const struct sc_vm *c = &s->sc->vms[i];

	v->sim = s;
	v->cfg = c;
	snprintf(v->ostype, sizeof(v->ostype), "%s", c->ostype);
	if (c->real)
		return run_vm_build(v);
	v->t = target_new(s->loop, &c->tc, &sim_env, v);
	v->power = ns_timer_new(s->loop, power_cb, v);
	v->reboot = ns_timer_new(s->loop, reboot_cb, v);
	if (!v->t || !v->power || !v->reboot)
		return -ENOMEM;
	for (size_t n = 0; n < c->n_nets; n++) {
		char name[40];

		np[n] = (struct nic_port){ v, (unsigned)n };
		snprintf(name, sizeof(name), "%s.net%u", c->name, c->nets[n].index);
		v->ports[n] = ns_port_new(s->sw[sc_net_index(s->sc, c->nets[n].bridge)],
					  name, &ops, &np[n]);
		if (!v->ports[n])
			return -ENOMEM;
		ns_port_set_faults(v->ports[n], NS_DIR_IN, &c->faults);
		ns_port_set_faults(v->ports[n], NS_DIR_OUT, &c->faults);
		ns_port_set_down(v->ports[n], !pve_net_link_up(&c->nets[n]));
		ns_port_set_vlan(v->ports[n], c->nets[n].tag);	/* 1-4094 */
	}
	ns_timer_mod(v->power, s->t0 + c->power_on_ns);
	if (c->reboot_ns)
		ns_timer_mod(v->reboot, s->t0 + c->reboot_ns);
	return 0;
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
