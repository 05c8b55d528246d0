/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdnet_decoder.h - follow KDNET sessions through a stream of datagrams
 *
 * The decoder holds the key K and, per debuggee endpoint, the data key that
 * the newest verified debugger reply gave.  It is what `kdh decode` and the
 * analyzer use on captures; it never does I/O.
 */
#ifndef KDH_KDNET_DECODER_H
#define KDH_KDNET_DECODER_H

#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kdnet.h"

/**
 * struct kdnet_endpoint - an IPv4 UDP endpoint, host byte order
 */
struct kdnet_endpoint {
	uint32_t ip;
	uint16_t port;
};

enum kdnet_status {
	KDNET_VERIFIED,		/* decrypted and authenticated */
	KDNET_AUTH_FAILED,	/* HMAC mismatch: wrong key or damage */
	KDNET_NO_SESSION_KEY,	/* data packet before any captured reply */
	KDNET_MALFORMED,	/* "MDBG" but impossible length or channel */
	KDNET_BAD_HEADER,	/* authentic, inconsistent inner header */
};

/**
 * struct kdnet_record - what the decoder found in one datagram
 * @status:	see enum kdnet_status
 * @version, @channel: outer header (valid unless KDNET_MALFORMED)
 * @from_debugger: direction bit (valid when KDNET_VERIFIED)
 * @counter:	header counter (data: sequence number)
 * @ctl_kind:	KDNET_CTL_* for verified control packets, else 0
 * @announce:	when @ctl_kind is KDNET_CTL_ANNOUNCE
 * @new_key:	this reply installed a data key different from before
 * @kd:		verified data packets: their payload
 * @kd_rc:	0, or the error of kd_payload_parse() for @kd
 * @payload_len: bytes of KDNET payload
 * @payload:	verified packets: the plaintext payload (in the decoder,
 *		valid until the next kdnet_decoder_feed())
 */
struct kdnet_record {
	enum kdnet_status status;
	uint8_t version;
	uint8_t channel;
	bool from_debugger;
	uint32_t counter;
	int ctl_kind;
	struct kdnet_announce announce;
	bool new_key;
	struct kd_payload kd;
	int kd_rc;
	size_t payload_len;
	const uint8_t *payload;
};

struct kdnet_decoder;

struct kdnet_decoder *kdnet_decoder_new(const uint8_t key[KDNET_KEY_LEN]);
void kdnet_decoder_free(struct kdnet_decoder *d);
void kdnet_decoder_feed(struct kdnet_decoder *d,
			const struct kdnet_endpoint *src,
			const struct kdnet_endpoint *dst,
			const uint8_t *dgram, size_t len,
			struct kdnet_record *rec);
const char *kdnet_status_name(enum kdnet_status s);

#endif /* KDH_KDNET_DECODER_H */
