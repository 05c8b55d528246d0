// SPDX-License-Identifier: GPL-2.0-or-later
/* run_serial.c - a scenario's serial links: VM serial ports, the
 * simulated debugger's COM port, and their bytes in the capture
 *
 * Theory of operation: a link whose ends are both in this process (a
 * simulated debuggee, the simulated debugger) is an ns_serial line at the
 * link's baud rate, in virtual time.  A link with a real VM on an end is a
 * relay to that VM's QEMU socket (<vmid>.serialN, as Proxmox names it),
 * the other end being another VM's socket or this process ("-").  Either
 * way every chunk is written to the capture's kdh-serial interface when
 * it arrives, so serial_connect_time is measured from the wire like every
 * other figure.  The debugger (WinDbg) opens its port at [debugger] start.
 *
 * May use: run_backend.h (the runner through env->cb), netsim's serial
 * line and relay, debugger_serial.c.  Used by: run.c, through
 * run_serial_ops, after the VMs are built (a real VM's socket path is
 * known then: cb->serial_socket asks the qemu backend); a simulated VM's
 * bytes come in by serial_send and go out through cb->serial_input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/run/run_backend.h"
#include "kdh/analyze/analyze.h"
#include "kdh/debugger/debugger_serial.h"
#include "netsim/capfile.h"
#include "netsim/relay.h"
#include "netsim/serial_line.h"

struct run_serial;

/* One scenario serial link: a simulated line when both ends are in this
 * process, else a relay to the real VM's socket(s) */
struct sim_serial {
	struct run_serial *rs;
	unsigned idx;
	const struct sc_serial *cfg;
	struct ns_serial *line;
	struct ns_relay *relay;
};

struct run_serial {
	const struct run_env *env;
	int serial_iface;		/* kdh-serial in the capture, -1 none */
	struct sim_serial serials[SC_MAX_SERIALS];
	struct dbg_serial *dbg_serial;
	struct ns_timer *dbg_serial_start;
};

static bool end_real(const struct sim_serial *l, int end)
{
	int vm = l->cfg->vm[end];

	return vm != SC_DEBUGGER && l->rs->env->sc->vms[vm].real;
}

static void capture(struct sim_serial *l, int from, const uint8_t *buf,
		    size_t len)
{
	struct run_serial *s = l->rs;

	if (s->env->cap && s->serial_iface >= 0)
		ns_pcapng_stream(s->env->cap, s->serial_iface,
				 ns_loop_now(s->env->loop),
				 (uint8_t)(l->idx * 2 + (unsigned)from), buf, len);
}

/* Bytes reached end @to: hand them to whoever is there in this process */
static void arrive(struct sim_serial *l, int to, const uint8_t *buf, size_t len)
{
	const struct run_env *env = l->rs->env;
	int vm = l->cfg->vm[to];

	if (vm == SC_DEBUGGER)
		dbg_serial_input(l->rs->dbg_serial, buf, len);
	else
		env->cb->serial_input(env->opaque, (size_t)vm, l->cfg->port[to],
				      buf, len);
}

static void line_deliver(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct sim_serial *l = opaque;

	capture(l, from, buf, len);
	arrive(l, !from, buf, len);
}

static void relay_data(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct sim_serial *l = opaque;

	capture(l, from, buf, len);
	if (!end_real(l, !from))
		arrive(l, !from, buf, len);
}

static void relay_event(void *opaque, int end, enum ns_relay_event ev)
{
	struct sim_serial *l = opaque;

	g_string_append_printf(l->rs->env->log, "%12.6f serial link %u: %s %s\n",
			       (double)ns_loop_now(l->rs->env->loop) / 1e9, l->idx,
			       l->cfg->end[end], ev == NS_RELAY_UP ? "connected" :
			       "went away");
}

static void link_send(struct sim_serial *l, int from, const uint8_t *buf,
		      size_t len)
{
	if (l->line)
		ns_serial_send(l->line, from, buf, len);
	else if (l->relay && ns_relay_write(l->relay, from, buf, len))
		g_string_append_printf(l->rs->env->log, "serial link %u: %zu bytes "
				       "from %s lost (the VM's side is full)\n",
				       l->idx, len, l->cfg->end[from]);
}

/* serial_send: bytes from a simulated end (@vm, or SC_DEBUGGER whose
 * @port is ignored) onto its link; a port no link joins loses them, as a
 * socket nobody connected to does */
static void serial_send(void *b, int vm, unsigned port, const uint8_t *buf,
			size_t len)
{
	struct run_serial *s = b;
	const struct scenario *sc = s->env->sc;

	for (size_t i = 0; i < sc->n_serials; i++)
		for (int e = 0; e < 2; e++)
			if (sc->serials[i].vm[e] == vm &&
			    (vm == SC_DEBUGGER || sc->serials[i].port[e] == port)) {
				link_send(&s->serials[i], e, buf, len);
				return;
			}
}

static void dbg_send(void *opaque, const uint8_t *buf, size_t len)
{
	serial_send(opaque, SC_DEBUGGER, 0, buf, len);
}

static void dbg_log(void *opaque, const char *msg)
{
	struct run_serial *s = opaque;

	g_string_append_printf(s->env->log, "%12.6f debugger (serial): %s\n",
			       (double)ns_loop_now(s->env->loop) / 1e9, msg);
}

static void dbg_kd(void *opaque, const struct kd_engine_out *o)
{
	struct run_serial *s = opaque;

	s->env->cb->kd_said(s->env->opaque, "the serial debuggee", o);
}

static void dbg_start(void *opaque)
{
	struct run_serial *s = opaque;

	s->env->cb->event(s->env->opaque, "serial debugger start");
	dbg_serial_start(s->dbg_serial);
}

static int link_open(struct run_serial *s, unsigned i)
{
	static const struct ns_serial_ops lops = { .deliver = line_deliver };
	static const struct ns_relay_ops rops = { relay_data, relay_event };
	const struct run_env *env = s->env;
	struct sim_serial *l = &s->serials[i];
	char path[2][128], text[160];
	const char *spec[2];

	*l = (struct sim_serial){ .rs = s, .idx = i, .cfg = &env->sc->serials[i] };
	snprintf(text, sizeof(text), "%s %u %s %s", AN_SERIAL_LINK, i,
		 l->cfg->end[0], l->cfg->end[1]);
	env->cb->event(env->opaque, text);
	if (!end_real(l, 0) && !end_real(l, 1)) {
		l->line = ns_serial_new(env->loop, l->cfg->baud, &lops, l);
		return l->line ? 0 : -ENOMEM;
	}
	for (int e = 0; e < 2; e++) {
		spec[e] = "-";
		if (!end_real(l, e))
			continue;
		if (env->cb->serial_socket(env->opaque, (size_t)l->cfg->vm[e],
					   l->cfg->port[e], path[e],
					   sizeof(path[e])))
			return -EIO;
		spec[e] = path[e];
	}
	l->relay = ns_relay_new(env->loop, spec, &rops, l, env->err,
				env->err_len);
	return l->relay ? 0 : -EIO;
}

/* build: the links, the serial debugger, the capture's kdh-serial
 * interface; 0, or a negative errno with env->err set where there is a
 * reason */
static int serial_build(const struct run_env *env, void **b)
{
	static const struct dbg_serial_ops ops = { dbg_send, dbg_log, dbg_kd };
	struct run_serial *s = calloc(1, sizeof(*s));
	bool dbg = false;

	*b = s;
	if (!s)
		return -ENOMEM;
	s->env = env;
	s->serial_iface = -1;
	if (!env->sc->n_serials)
		return 0;
	if (env->cap)
		s->serial_iface = ns_pcapng_iface(env->cap, AN_SERIAL_IFACE,
						  LINKTYPE_USER1);
	for (unsigned i = 0; i < env->sc->n_serials; i++) {
		if (link_open(s, i))
			return -EIO;
		dbg |= env->sc->serials[i].vm[0] == SC_DEBUGGER ||
		       env->sc->serials[i].vm[1] == SC_DEBUGGER;
	}
	if (!dbg)
		return 0;
	s->dbg_serial = dbg_serial_new(env->loop, &ops, s);
	s->dbg_serial_start = ns_timer_new(env->loop, dbg_start, s);
	if (!s->dbg_serial || !s->dbg_serial_start)
		return -ENOMEM;
	dbg_serial_set_kd(s->dbg_serial, &env->kd);
	ns_timer_mod(s->dbg_serial_start, env->t0 + env->sc->dbg.start_ns);
	return 0;
}

/* free: links and the serial debugger */
static void serial_free(void *b)
{
	struct run_serial *s = b;

	if (!s)
		return;
	for (size_t i = 0; i < SC_MAX_SERIALS; i++) {
		ns_serial_free(s->serials[i].line);
		ns_relay_free(s->serials[i].relay);
	}
	ns_timer_free(s->dbg_serial_start);
	dbg_serial_free(s->dbg_serial);
	free(s);
}

/* kd_connected: 1 once the serial debugger acknowledged a packet (the
 * runner's stop rule only; the figures come from the capture) */
static uint64_t serial_kd_connected(void *b)
{
	struct run_serial *s = b;

	return s->dbg_serial && dbg_serial_stats(s->dbg_serial)->acks_tx > 0;
}

const struct run_backend_ops run_serial_ops = {
	.name = "serial",
	.build = serial_build,
	.serial_send = serial_send,
	.kd_connected = serial_kd_connected,
	.free = serial_free,
};
