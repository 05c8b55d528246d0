/* kd_stream.h - KD packets out of a serial byte stream (pure; any chunking) */
#ifndef KDH_KD_STREAM_H
#define KDH_KD_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "kdh/kd.h"

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

#endif /* KDH_KD_STREAM_H */
