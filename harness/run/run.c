// SPDX-License-Identifier: GPL-2.0-or-later
/* run.c - one scenario: build the network, boot the debuggees, capture,
 * measure from the capture, judge
 *
 * Theory of operation: everything runs on one loop seeded from the run's
 * seed and the scenario's name, on the virtual clock unless a backend
 * needs the real one.  The runner does not know which backends it drives:
 * backends_choose() picks them (the networks as netsim switches or Linux
 * bridges, simulated and QEMU debuggees, serial links), and run.c reaches
 * them only through their tables of operations (run_backend.h); they ask
 * the runner, and through it each other, only through struct run_cb.
 * Every frame they see goes to capture.pcapng with the harness events
 * ("power on", "debugger", "capture end") as comments.  The run ends at
 * the scenario's timeout, or 5 s after every debuggee has settled.  Then
 * the capture file is read back and analysed exactly as `kdh analyze`
 * would: the verdict comes from the wire.
 *
 * Wing harness/run/ (docs/development.md): the runner: one scenario, pool,
 *   stop, results dir, backends, QEMU, accelerator.
 * Uses: netsim/, util/, kdnet/, cmd/, analyze/, platform/, target/,
 *   debugger/, scenario/, result/, report/.
 * Used by: bench/.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "kdh/platform/pve_pci.h"
#include "kdh/run/run.h"
#include "kdh/util/fileio.h"
#include "netsim/pcapng.h"
#include "harness/run/run_priv.h"

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
	if (sc->is_cell)	/* each cell of a matrix its own seed */
		h = (h ^ (uint64_t)sc->cell_index) * 1099511628211ull;
	return run_seed ^ h;
}

/**
 * run_attempt_seed() - the seed of a scenario's attempt (kdh run --retries)
 * @seed:	the first attempt's (run_scenario_seed())
 * @attempt:	1 for the first (0 reads the same), 2, 3, ... for retries
 *
 * A retry's seed is the first's mixed with the attempt number (FNV-1a of
 * its bytes), so it differs from the first's, also when the scenario
 * fixes its seed, and a rerun with the same seed repeats every attempt.
 *
 * Return: @seed for the first attempt, else a seed of that attempt's own
 */
uint64_t run_attempt_seed(uint64_t seed, unsigned attempt)
{
	uint64_t h = 1469598103934665603ull;

	if (attempt <= 1)
		return seed;
	for (int i = 0; i < 8; i++)
		h = (h ^ ((seed >> (8 * i)) & 0xff)) * 1099511628211ull;
	return h ^ ((uint64_t)attempt * 0x9E3779B97F4A7C15ull);
}

/**
 * run_result_dir() - the directory of one attempt's results
 * @results_dir: the run's directory
 * @name:	the result's name (NAME, or NAME/cNNNNN for a cell)
 * @attempt:	1 (or 0) for the first, K > 1 for a retry
 * @buf:	output: RESULTS/NAME, or RESULTS/NAME/attempt-K
 * @len:	its size
 */
void run_result_dir(const char *results_dir, const char *name,
		    unsigned attempt, char *buf, size_t len)
{
	if (attempt <= 1)
		snprintf(buf, len, "%s/%s", results_dir, name);
	else
		snprintf(buf, len, "%s/%s/attempt-%u", results_dir, name, attempt);
}

/**
 * run_result_head() - a result's identity from its scenario: index, name
 * (NAME, or NAME/cNNNNN for a matrix cell: its results directory), file,
 * description and the cell's label
 * @sc:		the scenario
 * @r:		output (the rest left as it is)
 */
void run_result_head(const struct scenario *sc, struct scenario_result *r)
{
	r->index = sc->index;
	if (sc->is_cell)
		snprintf(r->name, sizeof(r->name), "%s/c%05zu", sc->name,
			 sc->cell_index);
	else
		snprintf(r->name, sizeof(r->name), "%s", sc->name);
	r->is_cell = sc->is_cell;
	r->cell_index = (unsigned)sc->cell_index;
	snprintf(r->cell_label, sizeof(r->cell_label), "%s",
		 sc->is_cell ? sc->cell_label : "");
	snprintf(r->file, sizeof(r->file), "%s", sc->file);
	snprintf(r->description, sizeof(r->description), "%s", sc->description);
}

static void sim_event(struct sim *s, const char *text)
{
	if (s->env.cap)
		ns_pcapng_event(s->env.cap, ns_loop_now(s->env.loop), text);
}

/* The op a part's backend lacks, of those run.c calls on it
 * (run_backend.h), or NULL */
static const char *op_missing(enum run_part p, const struct run_backend_ops *o)
{
	if (!o->build)
		return "build";
	if (!o->free)
		return "free";
	if ((p == RUN_NET || p == RUN_SERIAL) && !o->kd_connected)
		return "kd_connected";
	if (p == RUN_NET && !o->attach)
		return "attach";
	if ((p == RUN_SIM || p == RUN_QEMU) && !o->vm_add)
		return "vm_add";
	if ((p == RUN_SIM || p == RUN_QEMU) && !o->settled)
		return "settled";
	if (p == RUN_SIM && !o->serial_input)
		return "serial_input";
	if (p == RUN_QEMU && !o->serial_socket)
		return "serial_socket";
	if (p == RUN_SERIAL && !o->serial_send)
		return "serial_send";
	return NULL;
}

/* The backends a scenario runs on, in build order: its networks (Linux
 * bridges or netsim's switches), simulated and QEMU debuggees, serial
 * links.  The only place that names them. */
static void backends_choose(struct sim *s, const struct run_opts *o)
{
	s->be[RUN_NET].ops = run_uses_bridge(s->env.sc, o) ? &run_bridge_ops :
							       &run_switch_ops;
	s->be[RUN_SIM].ops = &run_sim_ops;
	s->be[RUN_QEMU].ops = &run_qemu_ops;
	s->be[RUN_SERIAL].ops = &run_serial_ops;
}

/* A table without an op its part needs is a programming error: the
 * scenario ends as ERROR saying so (checked once the results directory is
 * there, so that its result.json can tell) */
static int backends_check(struct sim *s)
{
	const char *op;

	for (size_t p = 0; p < RUN_PARTS; p++)
		if ((op = op_missing(p, s->be[p].ops))) {
			snprintf(s->env.err, s->env.err_len, "backend %s has no "
				 "%s operation (a bug in kdh)",
				 s->be[p].ops->name, op);
			return -EINVAL;
		}
	return 0;
}

/* time: the loop is real when any backend in use needs it */
static bool backends_real_clock(const struct sim *s, const struct run_opts *o)
{
	bool real = false;

	for (size_t p = 0; p < RUN_PARTS; p++)
		if (s->be[p].ops->real_clock)
			real |= s->be[p].ops->real_clock(s->env.sc, o);
	return real;
}

static int backend_build(struct sim *s, enum run_part p)
{
	return s->be[p].ops->build(&s->env, &s->be[p].b);
}

/* The debuggee backend of VM @vm's kind: QEMU for target = vm, else the
 * simulated target; the one place that says which */
static struct run_backend *vm_backend(struct sim *s, size_t vm)
{
	return &s->be[s->env.sc->vms[vm].real ? RUN_QEMU : RUN_SIM];
}

/* QEMUs before simulated VMs (they hold taps), the network last; those
 * built only */
static void backends_free(struct sim *s)
{
	for (size_t p = RUN_PARTS; p-- > 0;)
		if (s->be[p].b)
			s->be[p].ops->free(s->be[p].b);
}

static void cb_event(void *opaque, const char *text)
{
	sim_event(opaque, text);
}

/* "power on VM boot=N nic=net0,MAC,PCI,BRIDGE ... ostype=X [extra]" */
static void cb_power_on(void *opaque, size_t vm, unsigned boot,
			const char *ostype, const char *extra)
{
	struct sim *s = opaque;
	const struct sc_vm *c = &s->env.sc->vms[vm];
	GString *e = g_string_new(NULL);
	char mac[MAC_STRLEN], pci[16];

	g_string_printf(e, "power on %s boot=%u", c->name, boot);
	for (size_t i = 0; i < c->n_nets; i++) {
		const struct pve_net *n = &c->nets[i];
		struct pci_addr a;

		pve_guest_nic_pci(&c->conf, n->index, &a);
		g_string_append_printf(e, " nic=net%u,%s,%s,%s", n->index,
				       mac_str(n->mac, mac),
				       pci_addr_str(&a, pci, sizeof(pci)), n->bridge);
	}
	g_string_append_printf(e, " ostype=%s%s%s", ostype, extra ? " " : "",
			       extra ? extra : "");
	sim_event(s, e->str);
	g_string_free(e, TRUE);
}

static void cb_kd_said(void *opaque, const char *who,
		       const struct kd_engine_out *o)
{
	sim_kd_said(opaque, who, o);
}

/* WinDbg opens its network port at [debugger] start; before that, the
 * debuggee's packets go unanswered */
static bool cb_debugger_listening(void *opaque)
{
	return ((struct sim *)opaque)->dbg_net_open;
}

static uint64_t cb_kd_connected(void *opaque, bool serial)
{
	struct sim *s = opaque;
	struct run_backend *be = &s->be[serial ? RUN_SERIAL : RUN_NET];

	return be->b ? be->ops->kd_connected(be->b) : 0;
}

static int cb_net_attach(void *opaque, size_t vm, size_t nic,
			 struct run_nic *out)
{
	struct sim *s = opaque;

	return s->be[RUN_NET].ops->attach(s->be[RUN_NET].b, vm, nic, out);
}

static int cb_serial_socket(void *opaque, size_t vm, unsigned port,
			    char *path, size_t len)
{
	struct run_backend *be = vm_backend(opaque, vm);

	return be->ops->serial_socket(be->b, vm, port, path, len);
}

static void cb_serial_send(void *opaque, int vm, unsigned port,
			   const uint8_t *buf, size_t len)
{
	struct sim *s = opaque;

	if (s->be[RUN_SERIAL].b)
		s->be[RUN_SERIAL].ops->serial_send(s->be[RUN_SERIAL].b, vm, port,
						   buf, len);
}

static void cb_serial_input(void *opaque, size_t vm, unsigned port,
			    const uint8_t *buf, size_t len)
{
	struct run_backend *be = vm_backend(opaque, vm);

	be->ops->serial_input(be->b, vm, port, buf, len);
}

static const struct run_cb run_cbs = {
	.event = cb_event, .power_on = cb_power_on, .kd_said = cb_kd_said,
	.debugger_listening = cb_debugger_listening,
	.kd_connected = cb_kd_connected, .net_attach = cb_net_attach,
	.serial_socket = cb_serial_socket, .serial_send = cb_serial_send,
	.serial_input = cb_serial_input,
};

static void check_cb(void *opaque)
{
	struct sim *s = opaque;
	uint64_t now = ns_loop_now(s->env.loop);
	bool all = true;

	for (size_t i = 0; i < s->env.sc->n_vms; i++) {
		struct run_backend *be = vm_backend(s, i);

		all &= be->ops->settled(be->b, i);
	}
	if ((all || s->held_at) && !s->settled_at)
		s->settled_at = now;
	if (s->settled_at && now >= s->settled_at + SETTLE_GRACE) {
		ns_loop_stop(s->env.loop);
		return;
	}
	ns_timer_mod(s->check, now + NS_PER_S);
}

static void dbg_net_start_cb(void *opaque)
{
	struct sim *s = opaque;
	char text[96], ip[IP_STRLEN];

	s->dbg_net_open = true;
	snprintf(text, sizeof(text), "network debugger start %s:%u",
		 ip_str(s->env.sc->dbg.ip, ip), s->env.sc->dbg.port);
	sim_event(s, text);
}

static void sim_free(struct sim *s)
{
	backends_free(s);
	ns_timer_free(s->check);
	ns_timer_free(s->tick);
	ns_timer_free(s->dbg_net_start);
	ns_loop_free(s->env.loop);
	g_string_free(s->env.log, TRUE);
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

	s->env.opts->tick(s->env.opts->tick_opaque);
	ns_timer_mod(s->tick, ns_loop_now(s->env.loop) + NS_PER_S);
}

/* What every backend is given (struct run_env): the loop, the results
 * directory and the capture come as sim_build() makes them */
static void sim_init(struct sim *s, const struct scenario *sc,
		     const struct run_opts *o, struct scenario_result *r)
{
	memset(s, 0, sizeof(*s));
	s->env = (struct run_env){
		.sc = sc, .opts = o, .results = r, .dir = s->dir_buf,
		.err = s->err_buf, .err_len = sizeof(s->err_buf),
		.skip = s->skip_buf, .skip_len = sizeof(s->skip_buf),
		.cb = &run_cbs, .opaque = s,
	};
	s->env.kd = sim_kd_cfg(s);
}

/* The network, then each VM on the backend of its kind (in the
 * scenario's order), then the serial links (a QEMU's sockets are known) */
static int backends_build(struct sim *s)
{
	int rc;

	if ((rc = backends_check(s)))
		return rc;
	if (backend_build(s, RUN_NET))
		return -EINVAL;
	if (backend_build(s, RUN_SIM) || backend_build(s, RUN_QEMU))
		return -ENOMEM;
	for (size_t i = 0; i < s->env.sc->n_vms; i++) {
		struct run_backend *be = vm_backend(s, i);

		if (be->ops->vm_add(be->b, i))
			return -ENOMEM;
	}
	if (backend_build(s, RUN_SERIAL))
		return -EIO;
	return 0;
}

static int sim_build(struct sim *s, const struct run_opts *o,
		     struct scenario_result *r)
{
	char dir[600], err[256];
	bool real;
	int rc;

	backends_choose(s, o);
	real = backends_real_clock(s, o);
	s->env.loop = ns_loop_new(real ? NS_CLOCK_REAL : NS_CLOCK_VIRTUAL, r->seed);
	if (!s->env.loop)
		return -ENOMEM;	/* nothing else made: run_scenario frees nothing */
	s->env.t0 = ns_loop_now(s->env.loop);
	s->env.log = g_string_new(NULL);
	run_result_dir(o->results_dir, r->name, o->attempt, dir, sizeof(dir));
	r->unwritten = true;		/* until its files are open */
	if (g_mkdir_with_parents(dir, 0755)) {	/* unique: run_suite.c */
		snprintf(s->env.err, s->env.err_len, "%s: %s", dir, strerror(errno));
		return -EIO;
	}
	snprintf(r->capture, sizeof(r->capture), "%s/capture.pcapng", dir);
	s->env.cap = ns_pcapng_open(r->capture, err, sizeof(err));
	if (!s->env.cap) {
		snprintf(s->env.err, s->env.err_len, "%s", err);
		return -EIO;
	}
	r->unwritten = false;
	snprintf(s->dir_buf, sizeof(s->dir_buf), "%s", dir);
	if ((rc = backends_build(s)))
		return rc;
	s->check = ns_timer_new(s->env.loop, check_cb, s);
	s->dbg_net_start = ns_timer_new(s->env.loop, dbg_net_start_cb, s);
	if (s->dbg_net_start && s->env.sc->dbg.start_ns)
		ns_timer_mod(s->dbg_net_start, s->env.t0 + s->env.sc->dbg.start_ns);
	else
		s->dbg_net_open = true;
	if (!s->check)
		return -ENOMEM;
	ns_timer_mod(s->check, s->env.t0 + NS_PER_S);
	if (o->tick && real && !(s->tick = ns_timer_new(s->env.loop, tick_cb, s)))
		return -ENOMEM;
	if (s->tick)
		ns_timer_mod(s->tick, s->env.t0 + NS_PER_S);
	run_budgets_set(s, o);
	return 0;
}

/* target.log; its failure, like the capture's, is the scenario's error
 * and stops the run: its results can no longer be kept */
static void log_write(struct sim *s, const struct run_opts *o)
{
	char path[600];
	int rc;

	snprintf(path, sizeof(path), "%s/target.log", s->dir_buf);
	rc = write_file_atomic(path, s->env.log->str, s->env.log->len);
	if (rc && !s->env.results->unwritten)
		snprintf(s->env.err, s->env.err_len, "%s: %s", path, strerror(-rc));
	s->env.results->unwritten |= rc != 0;
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
	struct sim s;
	double t0 = wall_now();
	bool stopped = false;
	int rc, cap_rc;

	memset(r, 0, sizeof(*r));
	run_result_head(sc, r);
	r->seed = run_attempt_seed(run_scenario_seed(o->seed, sc), o->attempt);
	if (run_requires_unmet(sc, o, r->reason, sizeof(r->reason))) {
		r->verdict = V_SKIP;
		return 0;
	}
	sim_init(&s, sc, o, r);
	rc = sim_build(&s, o, r);
	if (!rc && o->pause_ns)
		run_test_pause(o);
	if (!rc && ns_loop_run(s.env.loop, s.env.t0 + sc->timeout_ns))
		snprintf(s.env.err, s.env.err_len, "%s", ns_loop_error(s.env.loop));
	s.kept |= !rc && ns_loop_end(s.env.loop) == NS_LOOP_WALL_LIMIT; /* budgets */
	if (!rc && ns_loop_end(s.env.loop) == NS_LOOP_INTERRUPTED && !s.env.skip[0]) {
		stopped = true;
		sim_event(&s, "interrupted");
	} else if (!rc) {	/* where the capture stops, even after silence */
		sim_event(&s, "capture end");
	}
	if (s.env.loop)
		r->sim_s = (double)(ns_loop_now(s.env.loop) - s.env.t0) / 1e9;
	if (s.env.skip[0]) {
		r->verdict = V_SKIP;
		snprintf(r->reason, sizeof(r->reason), "%s", s.env.skip);
	}
	if (s.env.cap && (cap_rc = ns_pcapng_close(s.env.cap))) {
		snprintf(s.env.err, s.env.err_len, "%s: %s", r->capture,
			 strerror(-cap_rc));
		r->unwritten = true;
	}
	s.env.cap = NULL;
	if (s.env.log && !r->unwritten)
		log_write(&s, o);
	if (s.env.skip[0]) {
		;	/* said above */
	} else if (s.kept && !r->unwritten) {
		run_judge(sc, r);	/* what the capture kept; no verdict */
		if (!r->unwritten)	/* else: the kd-VM.log it could not write */
			snprintf(r->reason, sizeof(r->reason), "%s", s.env.err);
		r->verdict = V_ERROR;
		r->failed = 0;
	} else if (rc || s.env.err[0]) {
		r->verdict = V_ERROR;
		snprintf(r->reason, sizeof(r->reason), "%s", s.env.err[0] ? s.env.err :
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
	if (s.env.loop)
		sim_free(&s);
	r->wall_s = wall_now() - t0;
	return 0;
}
