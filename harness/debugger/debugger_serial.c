// SPDX-License-Identifier: GPL-2.0-or-later
/* debugger_serial.c - the debugger host's side of KD over a serial line
 *
 * Theory of operation: until started (WinDbg not open yet) every byte is
 * lost, as on a COM port nobody reads.  When it starts it says "Waiting to
 * reconnect...", sends one KD RESET and listens.  A RESET that arrives is
 * answered with a RESET unless ours went out less than KD_CONN_WINDOW ago
 * (then it is the answer), and every other packet goes to the KD engine
 * (kd_engine.c, in its serial form: no KD_RESEND first, serial ids), which
 * acknowledges data packets and answers what keeps the guest running; a
 * RESET starts the engine's conversation over.  A debuggee that reboots
 * sends a new RESET and gets a new answer, as WinDbg's reconnect does.
 * The engine's resends run on one loop timer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kdh/debugger/debugger_serial.h"
#include "kdh/debugger/kd_engine.h"
#include "kdh/kdnet/kd_stream.h"

struct dbg_serial {
	struct ns_loop *loop;
	struct dbg_serial_ops ops;
	void *opaque;
	bool started;
	uint64_t reset_at;		/* our last RESET, 0: none */
	struct dbg_serial_stats st;
	struct kd_stream in;
	struct kd_engine kd;
	struct kd_engine_cfg kd_cfg;
	struct kd_engine_out kd_out;
	struct ns_timer *resend;
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

/* What the engine returned: onto the line, then told to the owner */
static void kd_send(struct dbg_serial *d, const struct kd_engine_out *o)
{
	uint8_t pkt[KD_HDR_LEN + KD_ENGINE_BODY_MAX + 1];

	for (unsigned i = 0; i < o->n; i++) {
		const struct kd_out_packet *p = &o->pkt[i];
		int n = kd_packet_build(p->leader, p->type, p->id, p->body, p->len,
					KD_SERIAL, pkt, sizeof(pkt));

		if (n <= 0)
			continue;
		d->st.acks_tx += p->type == KD_TYPE_ACKNOWLEDGE;
		d->ops.send(d->opaque, pkt, (size_t)n);
	}
	if (d->ops.kd && (o->note.kind != KD_NOTE_NONE || o->event != KD_ENG_NONE))
		d->ops.kd(d->opaque, o);
	if (kd_engine_deadline(&d->kd) == UINT64_MAX)
		ns_timer_del(d->resend);
	else
		ns_timer_mod(d->resend, kd_engine_deadline(&d->kd));
}

static void resend_cb(void *opaque)
{
	struct dbg_serial *d = opaque;

	kd_engine_timer(&d->kd, ns_loop_now(d->loop), &d->kd_out);
	kd_send(d, &d->kd_out);
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
		kd_engine_init(&d->kd, &d->kd_cfg);
		ns_timer_del(d->resend);
		return;
	}
	if (p->leader == KD_LEADER_DATA && ++d->st.data_rx == 1)
		say(d, "Connected to the target (first %s packet)",
		    kd_type_name(p->type));
	kd_engine_input(&d->kd, p, now, &d->kd_out);
	kd_send(d, &d->kd_out);
}

/**
 * dbg_serial_set_kd() - how the KD engine answers (before it starts)
 * @d:		debugger
 * @cfg:	engine settings (copied; serial is implied)
 */
void dbg_serial_set_kd(struct dbg_serial *d, const struct kd_engine_cfg *cfg)
{
	d->kd_cfg = *cfg;
	d->kd_cfg.serial = true;
	kd_engine_init(&d->kd, &d->kd_cfg);
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
	dbg_serial_set_kd(d, &(struct kd_engine_cfg){ 0 });
	d->resend = ns_timer_new(l, resend_cb, d);
	if (!d->resend) {
		free(d);
		return NULL;
	}
	return d;
}

/** dbg_serial_free() - free; @d may be NULL */
void dbg_serial_free(struct dbg_serial *d)
{
	if (!d)
		return;
	ns_timer_free(d->resend);
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
