// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_engine.c - the debugger's KD engine: keep a Windows guest running
 *
 * Theory of operation (docs/kd-engine.md; kd-debugger.md sections 1-3, 6):
 * a Windows debuggee that reports a state change waits until the debugger
 * continues, without a time limit; a FILE_IO request and a DbgPrompt wait
 * for their answers.  The engine answers as WinDbg did in the bundled
 * capture:
 *   first data packet            -> KD_RESEND id 0 (KDNET; WinDbg's first
 *                                   word, frame 5); the guest sends it again
 *   any data packet              -> KD_ACKNOWLEDGE of its id; a packet with
 *                                   the id just taken is a retransmission:
 *                                   acknowledged again, not acted on twice
 *   first state change           -> GetVersion (frame 10), then as below
 *   load/unload symbols, command -> Continue2 DBG_CONTINUE, TraceFlag 0,
 *                                   Dr7 0x400, symbol range 1..0 (frame
 *                                   234); the "unload all" before a reboot:
 *                                   Continue DBG_CONTINUE (frame 954)
 *   break (0x80000003) or        -> at an int3 (int 2c): GetContext, RIP + 1
 *   assertion (0xC0000420)          (+ 2), SetContext, Continue2
 *                                   DBG_EXCEPTION_HANDLED (frames 384-950);
 *                                   elsewhere Continue2 handled at once;
 *                                   with on_break = hold: nothing, the
 *                                   guest stays stopped for a person
 *   other exceptions             -> Continue2 DBG_EXCEPTION_NOT_HANDLED:
 *                                   Windows handles them itself
 *   FILE_IO request              -> the 64 bytes echoed, STATUS_NO_SUCH_FILE
 *   DbgPrompt                    -> an empty answer
 *   KD_RESEND                    -> our unacknowledged packet again
 *   KD_RESET                     -> ids from the start, a RESET back (KDNET;
 *                                   on serial the transport answers), our
 *                                   pending packet again
 * One request of ours is in flight at a time (KD is stop-and-wait); it is
 * sent again every KD_ENGINE_RESEND_NS until acknowledged, and a new data
 * packet from the guest acknowledges it too (the guest only moves on once
 * it has it).  The "*** Fatal System Error" DbgPrint before a break makes
 * that break a bugcheck.  Ids: KDNET 0x80000000 + 2n as in the capture;
 * serial 0x80800000 with bit 0 toggling.
 */
#include <string.h>

#include "kdh/debugger/kd_engine.h"

#define ID_KDNET	0x80000000u
#define ID_SERIAL	0x80800000u

/**
 * kd_engine_init() - a new conversation (a new session or boot)
 * @e:		engine
 * @cfg:	how to answer (copied)
 */
void kd_engine_init(struct kd_engine *e, const struct kd_engine_cfg *cfg)
{
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	e->next_id = cfg->serial ? ID_SERIAL : ID_KDNET;
}

/** kd_on_break_name() - "continue" or "hold" */
const char *kd_on_break_name(enum kd_on_break b)
{
	return b == KD_BREAK_HOLD ? "hold" : "continue";
}

/** kd_engine_mode_name() - "continue" or "ack-only" */
const char *kd_engine_mode_name(enum kd_engine_mode m)
{
	return m == KD_MODE_ACK_ONLY ? "ack-only" : "continue";
}

static void out_clear(struct kd_engine_out *o)
{
	o->n = 0;
	memset(&o->note, 0, sizeof(o->note));
	o->event = KD_ENG_NONE;
	o->bugcheck_seen = false;
}

static struct kd_out_packet *out_add(struct kd_engine_out *o)
{
	struct kd_out_packet *p = &o->pkt[o->n++];

	p->len = 0;
	return p;
}

static void control(struct kd_engine_out *o, uint16_t type, uint32_t id)
{
	struct kd_out_packet *p;

	if (o->n == KD_ENGINE_MAX_OUT)
		return;
	p = out_add(o);
	p->leader = KD_LEADER_CONTROL;
	p->type = type;
	p->id = id;
}

static void id_advance(struct kd_engine *e)
{
	e->next_id = e->cfg.serial ? e->next_id ^ 1u : e->next_id + 2;
}

/* Our next data packet; it stays pending until acknowledged */
static void data(struct kd_engine *e, struct kd_engine_out *o, uint16_t type,
		 const uint8_t *body, int len, uint64_t now)
{
	if (len < 0 || o->n == KD_ENGINE_MAX_OUT)
		return;
	e->out.leader = KD_LEADER_DATA;
	e->out.type = type;
	e->out.id = e->next_id;
	e->out.len = (uint16_t)len;
	memmove(e->out.body, body, (size_t)len);
	e->out_pending = true;
	e->out_at = now;
	id_advance(e);
	o->pkt[o->n++] = e->out;
}

static void manip(struct kd_engine *e, struct kd_engine_out *o,
		  const struct kd_manip *m, const uint8_t *extra,
		  size_t extra_len, uint64_t now)
{
	uint8_t body[KD_ENGINE_BODY_MAX];

	data(e, o, KD_TYPE_STATE_MANIPULATE, body,
	     kd_manip_build(m, extra, extra_len, body, sizeof(body)), now);
}

/* WinDbg's requests carry STATUS_PENDING (0x103) as ReturnStatus */
static void request(struct kd_engine *e, struct kd_engine_out *o,
		    uint32_t api, uint64_t now)
{
	struct kd_manip m = { .api = api, .status = 0x103,
			      .processor = e->sc.processor };

	if (api == KD_API_GET_VERSION)
		m.processor_level = m.processor = 0xffff;   /* frame 10 */
	if (api == KD_API_GET_CONTEXT)
		kd_put_le32(m.u + 4, KD_CONTEXT_LEN);	     /* frame 384 */
	manip(e, o, &m, NULL, 0, now);
}

/* Continue (0x3136) or Continue2 (0x313C) with WinDbg's control set */
static void resume(struct kd_engine *e, struct kd_engine_out *o, uint32_t api,
		   uint32_t status, uint64_t now)
{
	struct kd_manip m = { .api = api, .status = status,
			      .processor = e->sc.processor };

	kd_put_le32(m.u, status);
	if (api == KD_API_CONTINUE2) {
		kd_put_le64(m.u + 8, 0x400);	/* Dr7 */
		kd_put_le64(m.u + 16, 1);	/* CurrentSymbolStart */
	}
	e->step = KD_STEP_IDLE;
	manip(e, o, &m, NULL, 0, now);
}

/* Bytes of the instruction the guest broke at, 0 when not known */
static unsigned break_len(const struct kd_state_change *sc)
{
	if (sc->istream_len >= 1 && sc->istream[0] == KD_INT3)
		return 1;
	if (sc->istream_len >= 2 && sc->istream[0] == 0xcd &&
	    sc->istream[1] == 0x2c)
		return 2;			/* int 2c: an assertion */
	return 0;
}

static void on_exception(struct kd_engine *e, struct kd_engine_out *o,
			 uint64_t now)
{
	uint32_t code = e->sc.code;
	bool brk = code == KD_STATUS_BREAKPOINT || code == KD_STATUS_ASSERTION;

	if (code == KD_STATUS_BREAKPOINT && e->bugcheck_text) {
		e->bugcheck_text = false;
		o->event = KD_ENG_BUGCHECK;
		o->bugcheck_seen = true;
		o->bugcheck = e->bugcheck;
	}
	if (brk && e->cfg.on_break == KD_BREAK_HOLD) {
		e->step = KD_STEP_HELD;
		o->event = KD_ENG_HELD;
		return;
	}
	if (brk && break_len(&e->sc)) {
		e->step = KD_STEP_GET_CONTEXT;
		request(e, o, KD_API_GET_CONTEXT, now);
	} else {
		resume(e, o, KD_API_CONTINUE2, brk || code == KD_STATUS_SINGLE_STEP ?
		       KD_DBG_EXCEPTION_HANDLED : KD_DBG_NOT_HANDLED, now);
	}
}

static void on_state_change(struct kd_engine *e, struct kd_engine_out *o,
			    uint64_t now)
{
	if (e->sc.new_state == KD_STATE_EXCEPTION)
		on_exception(e, o, now);
	else if (e->sc.unload && e->sc.base == UINT64_MAX)
		resume(e, o, KD_API_CONTINUE, KD_DBG_CONTINUE, now);
	else
		resume(e, o, KD_API_CONTINUE2, KD_DBG_CONTINUE, now);
}

/* The context came: move RIP past the int3 (int 2c) and write it back */
static void on_context(struct kd_engine *e, struct kd_engine_out *o,
		       const struct kd_manip *m, uint64_t now)
{
	uint8_t ctx[KD_CONTEXT_LEN];
	struct kd_manip set = { .api = KD_API_SET_CONTEXT, .status = 0x103,
				.processor = e->sc.processor };

	if (m->status != KD_STATUS_SUCCESS || m->data_len < KD_CONTEXT_LEN) {
		resume(e, o, KD_API_CONTINUE2, KD_DBG_EXCEPTION_HANDLED, now);
		return;
	}
	memcpy(ctx, m->data, sizeof(ctx));
	kd_put_le64(ctx + KD_CONTEXT_RIP,
		    kd_le64(ctx + KD_CONTEXT_RIP) + break_len(&e->sc));
	e->step = KD_STEP_SET_CONTEXT;
	manip(e, o, &set, ctx, sizeof(ctx), now);
}

static void on_manip_reply(struct kd_engine *e, const struct kd_packet *p,
			   struct kd_engine_out *o, uint64_t now)
{
	struct kd_manip m;

	if (kd_manip_parse(p->data, p->count, &m))
		return;
	if (e->step == KD_STEP_VERSION && m.api == KD_API_GET_VERSION) {
		e->have_version = !kd_version_parse(&m, &e->version);
		on_state_change(e, o, now);
	} else if (e->step == KD_STEP_GET_CONTEXT &&
		   m.api == KD_API_GET_CONTEXT) {
		on_context(e, o, &m, now);
	} else if (e->step == KD_STEP_SET_CONTEXT &&
		   m.api == KD_API_SET_CONTEXT) {
		resume(e, o, KD_API_CONTINUE2, KD_DBG_EXCEPTION_HANDLED, now);
	}
}

static void answer_file(struct kd_engine *e, const struct kd_packet *p,
			struct kd_engine_out *o, uint64_t now)
{
	uint8_t body[KD_FILE_IO_LEN];
	struct kd_file_io f;

	if (kd_file_io_parse(p->data, p->count, &f))
		return;
	f.status = KD_STATUS_NO_SUCH_FILE;
	data(e, o, KD_TYPE_FILE_IO, body,
	     kd_file_io_build(&f, NULL, body, sizeof(body)), now);
}

static void answer_prompt(struct kd_engine *e, struct kd_engine_out *o,
			  uint64_t now)
{
	uint8_t body[KD_DEBUG_IO_LEN];

	data(e, o, KD_TYPE_DEBUG_IO, body,
	     kd_debug_io_build(KD_API_GET_STRING, "", 0, body, sizeof(body)),
	     now);
}

/* A new data packet of the guest, acknowledged: what it asks for */
static void act(struct kd_engine *e, const struct kd_packet *p,
		struct kd_engine_out *o, uint64_t now)
{
	const struct kd_note *n = &o->note;
	struct kd_bugcheck b;

	if (n->kind == KD_NOTE_PRINT &&
	    kd_bugcheck_parse((const uint8_t *)n->text, strlen(n->text), &b)) {
		e->bugcheck_text = true;
		e->bugcheck = b;
	}
	if (e->cfg.mode == KD_MODE_ACK_ONLY || e->step == KD_STEP_HELD)
		return;
	switch (n->kind) {
	case KD_NOTE_LOAD:
	case KD_NOTE_UNLOAD:
	case KD_NOTE_COMMAND:
	case KD_NOTE_EXCEPTION:
		e->sc = n->sc;
		if (e->have_version) {
			on_state_change(e, o, now);
		} else {
			e->step = KD_STEP_VERSION;
			request(e, o, KD_API_GET_VERSION, now);
		}
		break;
	case KD_NOTE_MANIP:
	case KD_NOTE_VERSION:
		on_manip_reply(e, p, o, now);
		break;
	case KD_NOTE_FILE_OPEN:
		answer_file(e, p, o, now);
		break;
	case KD_NOTE_PROMPT:
		answer_prompt(e, o, now);
		break;
	default:
		break;
	}
}

static void on_control(struct kd_engine *e, const struct kd_packet *p,
		       struct kd_engine_out *o)
{
	switch (p->type) {
	case KD_TYPE_ACKNOWLEDGE:
		if (e->out_pending && p->id == e->out.id)
			e->out_pending = false;
		break;
	case KD_TYPE_RESEND:
		if (e->out_pending && o->n < KD_ENGINE_MAX_OUT) {
			o->pkt[o->n++] = e->out;
			e->resends++;
		}
		break;
	case KD_TYPE_RESET:
		e->resets_rx++;
		e->have_rx = false;
		e->next_id = e->cfg.serial ? ID_SERIAL : ID_KDNET;
		if (!e->cfg.serial)
			control(o, KD_TYPE_RESET, 0);
		if (e->out_pending && o->n < KD_ENGINE_MAX_OUT) {
			e->out.id = e->next_id;
			id_advance(e);
			o->pkt[o->n++] = e->out;
		}
		break;
	}
}

/**
 * kd_engine_input() - one KD packet from the debuggee
 * @e:		engine
 * @p:		the packet (any leader; a bad checksum is answered with
 *		KD_RESEND, as kddll does)
 * @now_ns:	its arrival, for the resend timer
 * @out:	what to send, in order, and what the packet said
 */
void kd_engine_input(struct kd_engine *e, const struct kd_packet *p,
		     uint64_t now_ns, struct kd_engine_out *out)
{
	out_clear(out);
	if (p->leader == KD_LEADER_CONTROL) {
		on_control(e, p, out);
		return;
	}
	if (p->leader != KD_LEADER_DATA)
		return;				/* a breakin: not ours to get */
	if (!p->checksum_ok) {
		control(out, KD_TYPE_RESEND, 0);
		return;
	}
	if (!e->cfg.serial && !e->resend_sent) {
		e->resend_sent = true;
		control(out, KD_TYPE_RESEND, 0);
		return;
	}
	control(out, KD_TYPE_ACKNOWLEDGE, p->id);
	if (e->have_rx && p->id == e->rx_id)
		return;				/* sent again: taken already */
	e->have_rx = true;
	e->rx_id = p->id;
	e->out_pending = false;		/* it moved on: it has ours */
	kd_note_of(p, false, &out->note);
	act(e, p, out, now_ns);
}

/**
 * kd_engine_deadline() - when kd_engine_timer() has work
 * @e:		engine
 *
 * Return: time in ns, UINT64_MAX when nothing is pending
 */
uint64_t kd_engine_deadline(const struct kd_engine *e)
{
	return e->out_pending ? e->out_at + KD_ENGINE_RESEND_NS : UINT64_MAX;
}

/**
 * kd_engine_timer() - send our unacknowledged packet again when due
 * @e:		engine
 * @now_ns:	now
 * @out:	what to send (nothing said: @out->note is KD_NOTE_NONE)
 *
 * Return: the next deadline, as kd_engine_deadline()
 */
uint64_t kd_engine_timer(struct kd_engine *e, uint64_t now_ns,
			 struct kd_engine_out *out)
{
	out_clear(out);
	if (e->out_pending && now_ns >= kd_engine_deadline(e)) {
		out->pkt[out->n++] = e->out;
		e->out_at = now_ns;
		e->resends++;
	}
	return kd_engine_deadline(e);
}
