// SPDX-License-Identifier: GPL-2.0-or-later
/* debugger_serial.c - the debugger host's side of KD over a serial line
 *
 * Theory of operation: until started (WinDbg not open yet) every byte is
 * lost, as on a COM port nobody reads.  When it starts it says "Waiting to
 * reconnect...", sends one KD RESET and listens.  A RESET that arrives is
 * answered with a RESET unless ours went out less than KD_CONN_WINDOW ago
 * (then it is the answer), and every data packet whose checksum is right
 * is acknowledged.  A debuggee that reboots sends a new RESET and gets a
 * new answer, as WinDbg's reconnect does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kdh/debugger_serial.h"
#include "kdh/kd_stream.h"

struct dbg_serial {
	struct ns_loop *loop;
	struct dbg_serial_ops ops;
	void *opaque;
	bool started;
	uint64_t reset_at;		/* our last RESET, 0: none */
	struct dbg_serial_stats st;
	struct kd_stream in;
};

static void say(struct dbg_serial *d, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!d->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->ops.log(d->opaque, msg);
}

static void control_send(struct dbg_serial *d, uint16_t type, uint32_t id)
{
	uint8_t pkt[KD_HDR_LEN + 1];
	int n = kd_packet_build(KD_LEADER_CONTROL, type, id, NULL, 0, KD_SERIAL,
				pkt, sizeof(pkt));

	if (n > 0)
		d->ops.send(d->opaque, pkt, (size_t)n);
}

static void reset_send(struct dbg_serial *d)
{
	control_send(d, KD_TYPE_RESET, 0);
	d->reset_at = ns_loop_now(d->loop);
	d->st.resets_tx++;
}

static void on_packet(void *opaque, enum kd_stream_event ev,
		      const struct kd_packet *p)
{
	struct dbg_serial *d = opaque;
	uint64_t now = ns_loop_now(d->loop);

	if (ev != KD_EV_PACKET)
		return;
	if (!p->checksum_ok) {
		d->st.bad_checksum++;
		return;
	}
	if (p->type == KD_TYPE_RESET) {
		d->st.resets_rx++;
		if (!d->reset_at || now - d->reset_at > KD_CONN_WINDOW)
			reset_send(d);
		say(d, "KD RESET from the debuggee: in sync");
	} else if (p->leader == KD_LEADER_DATA) {
		d->st.data_rx++;
		control_send(d, KD_TYPE_ACKNOWLEDGE, p->id);
		d->st.acks_tx++;
		if (d->st.data_rx == 1)
			say(d, "Connected to the target (first %s packet)",
			    kd_type_name(p->type));
	}
}

/**
 * dbg_serial_new() - a debugger not started yet
 * @l:		loop (time of RESETs)
 * @ops:	callbacks (copied)
 * @opaque:	passed to them
 *
 * Return: debugger, or NULL when out of memory
 */
struct dbg_serial *dbg_serial_new(struct ns_loop *l,
				  const struct dbg_serial_ops *ops, void *opaque)
{
	struct dbg_serial *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->loop = l;
	d->ops = *ops;
	d->opaque = opaque;
	kd_stream_init(&d->in);
	return d;
}

/** dbg_serial_free() - free; @d may be NULL */
void dbg_serial_free(struct dbg_serial *d)
{
	free(d);
}

/** dbg_serial_start() - WinDbg opens the port: one RESET, then listen */
void dbg_serial_start(struct dbg_serial *d)
{
	d->started = true;
	say(d, "Waiting to reconnect...");
	reset_send(d);
}

/**
 * dbg_serial_input() - bytes from the line
 * @d:		debugger
 * @buf:	bytes
 * @len:	how many
 */
void dbg_serial_input(struct dbg_serial *d, const uint8_t *buf, size_t len)
{
	if (!d->started)
		return;
	kd_stream_feed(&d->in, buf, len, on_packet, d);
	d->st.garbage = d->in.garbage;
}

/** dbg_serial_stats() - counters since creation */
const struct dbg_serial_stats *dbg_serial_stats(const struct dbg_serial *d)
{
	return &d->st;
}
