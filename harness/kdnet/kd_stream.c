// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_stream.c - KD packets out of a serial byte stream
 *
 * Theory of operation: bytes are appended to a buffer; at its start there
 * must be a leader ("0000", "iiii") or a break-in byte 'b' standing
 * alone (see breakin_alone()).  Anything
 * else is garbage and skipped up to the next byte that could begin a
 * leader, which is how the parser resynchronises after noise or a restart
 * in the middle of a packet.  A complete packet (16-byte header, data,
 * trailing 0xAA) is handed to the callback; a packet whose trailer is not
 * 0xAA is garbage from its first byte.  Chunk boundaries do not matter.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "kdh/kdnet/kd_stream.h"

/** kd_stream_init() - an empty parser */
void kd_stream_init(struct kd_stream *s)
{
	memset(s, 0, sizeof(*s));
}

static bool leader_prefix(const uint8_t *p, size_t len)
{
	static const uint8_t l[2][4] = { "0000", "iiii" };

	for (int k = 0; k < 2; k++)
		if (!memcmp(p, l[k], len < 4 ? len : 4))
			return true;
	return false;
}

/* WinDbg breaks in by sending 'b' bytes alone; a 'b' inside text (boot
 * chatter on the port) is followed by a letter, not by more 'b's or a
 * leader.  Judging needs the byte after it: a 'b' that ends what has
 * arrived waits (see kd_stream_breakin_waiting()). */
static bool breakin_alone(const uint8_t *p)
{
	return p[1] == KD_BREAKIN_BYTE || p[1] == '0' || p[1] == 'i';
}

/* Parse what the buffer holds, stopping at an incomplete packet; consumed
 * bytes are dropped once at the end, not one memmove per garbage byte */
static void drain(struct kd_stream *s, kd_stream_cb cb, void *opaque)
{
	size_t off = 0;

	while (off < s->len) {
		const uint8_t *p = s->buf + off;
		size_t len = s->len - off;
		struct kd_packet pkt;
		int rc;

		if (p[0] == KD_BREAKIN_BYTE && len == 1)
			break;		/* judged by the next byte */
		if (p[0] == KD_BREAKIN_BYTE && breakin_alone(p)) {
			s->breakins++;
			cb(opaque, KD_EV_BREAKIN, NULL);
			off++;
			continue;
		}
		if (!leader_prefix(p, len)) {
			s->garbage++;
			off++;
			continue;
		}
		rc = kd_packet_parse(p, len, KD_SERIAL, &pkt);
		if (rc == -EMSGSIZE && (off || s->len < sizeof(s->buf)))
			break;		/* wait for more */
		if (rc) {
			s->garbage++;	/* bad trailer or leader: resync */
			off++;
			continue;
		}
		s->packets++;
		cb(opaque, KD_EV_PACKET, &pkt);
		off += pkt.len;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
}

/**
 * kd_stream_feed() - take bytes of one direction
 * @s:		parser
 * @data:	bytes as they came
 * @len:	their count
 * @cb:		called per packet and break-in, in order
 * @opaque:	passed to @cb
 */
void kd_stream_feed(struct kd_stream *s, const uint8_t *data, size_t len,
		    kd_stream_cb cb, void *opaque)
{
	while (len) {
		size_t n = sizeof(s->buf) - s->len;

		if (n > len)
			n = len;
		memcpy(s->buf + s->len, data, n);
		s->len += n;
		data += n;
		len -= n;
		drain(s, cb, opaque);
	}
}

/**
 * kd_stream_breakin_waiting() - whether the last byte that arrived is a
 * 'b' not judged yet
 * @s:		parser
 *
 * The parser reports a 'b' (KD_EV_BREAKIN, or garbage when text follows)
 * only once the next byte shows what it is, so that chunk boundaries do
 * not change the result.  A target that must answer a break-in at once
 * (Windows takes any 'b' it polls) asks here after each feed.
 *
 * Return: true when a lone 'b' ends the bytes fed so far
 */
bool kd_stream_breakin_waiting(const struct kd_stream *s)
{
	return s->len == 1 && s->buf[0] == KD_BREAKIN_BYTE;
}

/**
 * kd_conn_packet() - apply the reset-exchange rule to one KD packet
 * @c:		rule state
 * @dir:	direction the packet went (0 or 1)
 * @type:	its KD type
 * @now_ns:	when its last byte was seen
 *
 * Return: true when this packet completed a reset exchange (c->reset_from
 * still names the side that asked)
 */
bool kd_conn_packet(struct kd_conn *c, int dir, uint16_t type, uint64_t now_ns)
{
	bool answer = type == KD_TYPE_RESET || type == KD_TYPE_ACKNOWLEDGE;

	if (c->pending && dir != c->reset_from && answer &&
	    now_ns - c->reset_at <= KD_CONN_WINDOW) {
		c->pending = false;
		c->connections++;
		return true;
	}
	if (type == KD_TYPE_RESET) {
		c->pending = true;
		c->reset_at = now_ns;
		c->reset_from = dir;
	}
	return false;
}
