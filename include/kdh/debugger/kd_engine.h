/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd_engine.h - the debugger's KD engine: what WinDbg answers a debuggee
 * after the handshake, so a Windows guest keeps running
 *
 * Pure: a KD packet in (with the time), the packets to send out and what
 * the packet said; no I/O, no clock of its own, no allocation.  The
 * transports (debugger.c for KDNET, debugger_serial.c for a COM port) seal
 * and send what it returns, and call kd_engine_timer() at the deadline it
 * gives so an unacknowledged packet of ours is sent again.
 */
#ifndef KDH_KD_ENGINE_H
#define KDH_KD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kd_api.h"

/* What the engine does after the handshake */
enum kd_engine_mode {
	KD_MODE_CONTINUE,	/* answer as WinDbg does: the guest runs on */
	KD_MODE_ACK_ONLY,	/* kdh before the engine: acknowledge only,
				   the guest stalls at its first state change */
};

/* What it does when the guest breaks (breakpoint, assertion, bugcheck) */
enum kd_on_break {
	KD_BREAK_CONTINUE,	/* continue (past a hard-coded int3): Windows
				   writes its dump and reboots on a bugcheck */
	KD_BREAK_HOLD,		/* leave the guest stopped for a person */
};

#define KD_ENGINE_MAX_OUT	3
#define KD_ENGINE_BODY_MAX	(KD_MANIP_LEN + KD_CONTEXT_LEN)
#define KD_ENGINE_RESEND_NS	1000000000ull	/* 1 s (a guess, see
						   docs/kd-engine.md) */

/**
 * struct kd_engine_cfg - how the engine answers
 * @mode:	see enum kd_engine_mode
 * @on_break:	see enum kd_on_break
 * @serial:	KD on a COM port: WinDbg's serial packet ids, no KD_RESEND
 *		for the first packet (the transport's RESET exchange did it)
 */
struct kd_engine_cfg {
	enum kd_engine_mode mode;
	enum kd_on_break on_break;
	bool serial;
};

/**
 * struct kd_out_packet - one packet to send
 * @leader, @type, @id: its header
 * @len, @body:	its body (0 for control packets)
 */
struct kd_out_packet {
	uint32_t leader;
	uint16_t type;
	uint32_t id;
	uint16_t len;
	uint8_t body[KD_ENGINE_BODY_MAX];
};

/* What the engine's answer means for whoever drives it */
enum kd_engine_event {
	KD_ENG_NONE,
	KD_ENG_HELD,		/* policy hold: the guest stays stopped at a
				   break or bugcheck; nothing more is sent */
	KD_ENG_BUGCHECK,		/* a bugcheck's break arrived (@bugcheck) */
};

/**
 * struct kd_engine_out - kd_engine_input()'s and kd_engine_timer()'s result
 * @pkt, @n:	packets to send, in order
 * @note:	what the incoming packet said (KD_NOTE_NONE: nothing new,
 *		a retransmission or a control packet)
 * @event:	see enum kd_engine_event (a bugcheck held is KD_ENG_HELD
 *		with @bugcheck_seen set)
 * @bugcheck_seen, @bugcheck: the stop code and parameters, from the
 *		"Fatal System Error" text before the break
 */
struct kd_engine_out {
	struct kd_out_packet pkt[KD_ENGINE_MAX_OUT];
	unsigned n;
	struct kd_note note;
	enum kd_engine_event event;
	bool bugcheck_seen;
	struct kd_bugcheck bugcheck;
};

/* The step the engine is in; one request of ours at a time (KD is
 * stop-and-wait) */
enum kd_step {
	KD_STEP_IDLE,		/* the guest runs, or nothing asked yet */
	KD_STEP_VERSION,	/* GetVersion sent, the state change waits */
	KD_STEP_GET_CONTEXT,	/* a break at an int3: the context asked */
	KD_STEP_SET_CONTEXT,	/* RIP moved past it, written back */
	KD_STEP_HELD,		/* policy hold: nothing more is sent */
};

/**
 * struct kd_engine - one debuggee's KD conversation
 * @cfg:	as given
 * @resend_sent: the first data packet got KD_RESEND (WinDbg's first word)
 * @next_id:	our next data packet's id
 * @rx_id, @have_rx: the last data packet of the guest taken, for
 *		telling a retransmission from a new packet
 * @out, @out_pending, @out_at: our data packet not acknowledged yet, and
 *		when it was sent
 * @step, @sc:	what we are in the middle of, and the state change it is for
 * @have_version, @version: the GetVersion reply of this session
 * @bugcheck_text, @bugcheck: a "Fatal System Error" text came: the next
 *		break is the bugcheck's
 * @resends, @resets_rx: counters
 */
struct kd_engine {
	struct kd_engine_cfg cfg;
	bool resend_sent;
	uint32_t next_id;
	uint32_t rx_id;
	bool have_rx;
	struct kd_out_packet out;
	bool out_pending;
	uint64_t out_at;
	enum kd_step step;
	struct kd_state_change sc;
	bool have_version;
	struct kd_version version;
	bool bugcheck_text;
	struct kd_bugcheck bugcheck;
	unsigned resends, resets_rx;
};

void kd_engine_init(struct kd_engine *e, const struct kd_engine_cfg *cfg);
void kd_engine_input(struct kd_engine *e, const struct kd_packet *p,
		     uint64_t now_ns, struct kd_engine_out *out);
uint64_t kd_engine_timer(struct kd_engine *e, uint64_t now_ns,
			 struct kd_engine_out *out);
uint64_t kd_engine_deadline(const struct kd_engine *e);
const char *kd_on_break_name(enum kd_on_break b);
const char *kd_engine_mode_name(enum kd_engine_mode m);

#endif /* KDH_KD_ENGINE_H */
