/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd_stream.h - KD packets out of a serial byte stream (pure; any chunking) */
#ifndef KDH_KD_STREAM_H
#define KDH_KD_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/kdnet/kd.h"

#define KD_STREAM_MAX	(KD_HDR_LEN + 65536 + 1)

enum kd_stream_event {
	KD_EV_PACKET,		/* a whole packet (checksum may be bad) */
	KD_EV_BREAKIN,		/* a 'b' between packets */
};

typedef void (*kd_stream_cb)(void *opaque, enum kd_stream_event ev,
			     const struct kd_packet *pkt);

/**
 * struct kd_stream - one direction's parser state
 * @garbage:	bytes skipped while looking for a leader
 * @packets:	packets found
 */
struct kd_stream {
	uint8_t buf[KD_STREAM_MAX];
	size_t len;
	uint64_t garbage, packets, breakins;
};

void kd_stream_init(struct kd_stream *s);
void kd_stream_feed(struct kd_stream *s, const uint8_t *data, size_t len,
		    kd_stream_cb cb, void *opaque);
bool kd_stream_breakin_waiting(const struct kd_stream *s);

/*
 * A KD "connection" on a serial line, as the wire shows it: a RESET from
 * one side answered by a RESET or an ACKNOWLEDGE from the other within
 * KD_CONN_WINDOW (KD's own resend timeout).  A RESET nobody answered in
 * time (a debuggee calling while the debugger is not there) is superseded
 * by the next RESET from either side.
 */
#define KD_CONN_WINDOW	1000000000ull	/* ns */

/**
 * struct kd_conn - the reset-exchange rule's state (zero it to start)
 * @pending:	a RESET waiting for its answer
 * @reset_at, @reset_from: when and from which direction (0 or 1)
 * @connections: exchanges completed
 */
struct kd_conn {
	bool pending;
	uint64_t reset_at;
	int reset_from;
	unsigned connections;
};

bool kd_conn_packet(struct kd_conn *c, int dir, uint16_t type, uint64_t now_ns);

#endif /* KDH_KD_STREAM_H */
