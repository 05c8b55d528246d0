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
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/run/run_priv.h"
#include "kdh/analyze/analyze.h"
#include "netsim/capfile.h"
#include "netsim/relay.h"
#include "netsim/serial_line.h"

static bool end_real(const struct sim_serial *l, int end)
{
	int vm = l->cfg->vm[end];

	return vm != SC_DEBUGGER && l->sim->sc->vms[vm].real;
}

static void capture(struct sim_serial *l, int from, const uint8_t *buf,
		    size_t len)
{
	struct sim *s = l->sim;

	if (s->cap && s->serial_iface >= 0)
		ns_pcapng_stream(s->cap, s->serial_iface, ns_loop_now(s->loop),
				 (uint8_t)(l->idx * 2 + (unsigned)from), buf, len);
}

/* Bytes reached end @to: hand them to whoever is there in this process */
static void arrive(struct sim_serial *l, int to, const uint8_t *buf, size_t len)
{
	int vm = l->cfg->vm[to];

	if (vm == SC_DEBUGGER)
		dbg_serial_input(l->sim->dbg_serial, buf, len);
	else if (l->sim->vms[vm].t)
		target_serial_input(l->sim->vms[vm].t, l->cfg->port[to], buf, len);
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

	g_string_append_printf(l->sim->log, "%12.6f serial link %u: %s %s\n",
			       (double)ns_loop_now(l->sim->loop) / 1e9, l->idx,
			       l->cfg->end[end], ev == NS_RELAY_UP ? "connected" :
			       "went away");
}

static void link_send(struct sim_serial *l, int from, const uint8_t *buf,
		      size_t len)
{
	if (l->line)
		ns_serial_send(l->line, from, buf, len);
	else if (l->relay && ns_relay_write(l->relay, from, buf, len))
		g_string_append_printf(l->sim->log, "serial link %u: %zu bytes "
				       "from %s lost (the VM's side is full)\n",
				       l->idx, len, l->cfg->end[from]);
}

/**
 * run_serial_send() - bytes from a simulated end onto its link
 * @s:		run
 * @vm:		VM index, or SC_DEBUGGER
 * @port:	its serialN (ignored for the debugger)
 * @buf:	bytes
 * @len:	how many
 *
 * A port no link joins loses them, as a socket nobody connected to does.
 */
void run_serial_send(struct sim *s, int vm, unsigned port, const uint8_t *buf,
		     size_t len)
{
	for (size_t i = 0; i < s->sc->n_serials; i++)
		for (int e = 0; e < 2; e++)
			if (s->sc->serials[i].vm[e] == vm &&
			    (vm == SC_DEBUGGER || s->sc->serials[i].port[e] == port)) {
				link_send(&s->serials[i], e, buf, len);
				return;
			}
}

static void dbg_send(void *opaque, const uint8_t *buf, size_t len)
{
	run_serial_send(opaque, SC_DEBUGGER, 0, buf, len);
}

static void dbg_log(void *opaque, const char *msg)
{
	struct sim *s = opaque;

	g_string_append_printf(s->log, "%12.6f debugger (serial): %s\n",
			       (double)ns_loop_now(s->loop) / 1e9, msg);
}

static void dbg_kd(void *opaque, const struct kd_engine_out *o)
{
	sim_kd_said(opaque, "the serial debuggee", o);
}

static void dbg_start(void *opaque)
{
	struct sim *s = opaque;

	sim_event(s, "serial debugger start");
	dbg_serial_start(s->dbg_serial);
}

static int link_open(struct sim *s, unsigned i)
{
	static const struct ns_serial_ops lops = { .deliver = line_deliver };
	static const struct ns_relay_ops rops = { relay_data, relay_event };
	struct sim_serial *l = &s->serials[i];
	char path[2][128], text[160];
	const char *spec[2];

	*l = (struct sim_serial){ .sim = s, .idx = i, .cfg = &s->sc->serials[i] };
	snprintf(text, sizeof(text), "%s %u %s %s", AN_SERIAL_LINK, i,
		 l->cfg->end[0], l->cfg->end[1]);
	sim_event(s, text);
	if (!end_real(l, 0) && !end_real(l, 1)) {
		l->line = ns_serial_new(s->loop, l->cfg->baud, &lops, l);
		return l->line ? 0 : -ENOMEM;
	}
	for (int e = 0; e < 2; e++) {
		spec[e] = "-";
		if (!end_real(l, e))
			continue;
		if (run_vm_serial_path(&s->vms[l->cfg->vm[e]], l->cfg->port[e],
				       path[e], sizeof(path[e])))
			return -EIO;
		spec[e] = path[e];
	}
	l->relay = ns_relay_new(s->loop, spec, &rops, l, s->err, sizeof(s->err));
	return l->relay ? 0 : -EIO;
}

/**
 * run_serial_build() - the links, the serial debugger, the capture's
 * kdh-serial interface (after the VMs: a real VM's socket path is known)
 * @s:		run being built
 *
 * Return: 0, or a negative errno with s->err set where there is a reason
 */
int run_serial_build(struct sim *s)
{
	static const struct dbg_serial_ops ops = { dbg_send, dbg_log, dbg_kd };
	struct kd_engine_cfg kd = sim_kd_cfg(s);
	bool dbg = false;

	s->serial_iface = -1;
	if (!s->sc->n_serials)
		return 0;
	if (s->cap)
		s->serial_iface = ns_pcapng_iface(s->cap, AN_SERIAL_IFACE,
						  LINKTYPE_USER1);
	for (unsigned i = 0; i < s->sc->n_serials; i++) {
		if (link_open(s, i))
			return -EIO;
		dbg |= s->sc->serials[i].vm[0] == SC_DEBUGGER ||
		       s->sc->serials[i].vm[1] == SC_DEBUGGER;
	}
	if (!dbg)
		return 0;
	s->dbg_serial = dbg_serial_new(s->loop, &ops, s);
	s->dbg_serial_start = ns_timer_new(s->loop, dbg_start, s);
	if (!s->dbg_serial || !s->dbg_serial_start)
		return -ENOMEM;
	dbg_serial_set_kd(s->dbg_serial, &kd);
	ns_timer_mod(s->dbg_serial_start, s->t0 + s->sc->dbg.start_ns);
	return 0;
}

/** run_serial_free() - links and the serial debugger; idempotent */
void run_serial_free(struct sim *s)
{
	for (size_t i = 0; i < SC_MAX_SERIALS; i++) {
		ns_serial_free(s->serials[i].line);
		ns_relay_free(s->serials[i].relay);
		s->serials[i].line = NULL;
		s->serials[i].relay = NULL;
	}
	ns_timer_free(s->dbg_serial_start);
	dbg_serial_free(s->dbg_serial);
	s->dbg_serial_start = NULL;
	s->dbg_serial = NULL;
}

/**
 * run_serial_connected() - the serial debugger acknowledged a packet (the
 * runner's stop rule only; the figures come from the capture)
 * @s:		run
 *
 * Return: true once it has
 */
bool run_serial_connected(const struct sim *s)
{
	return s->dbg_serial && dbg_serial_stats(s->dbg_serial)->acks_tx > 0;
}
