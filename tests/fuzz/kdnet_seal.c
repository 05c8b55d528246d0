// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet_seal.c - libFuzzer harness: authentic KDNET sessions.  The input
 * is a script of datagrams, each "OP LEN_HI LEN_LO PAYLOAD..." (OP bit 0:
 * control channel, bit 1: sent by the debugger, bit 2: from endpoint B
 * instead of A, bits 3-4: payload is raw, an announcement or a reply built
 * from the bytes, or LEN copies of the one byte that follows; bits 5-7:
 * the version byte).  Each is sealed with K (control) or the data key of a
 * reply seen earlier, then opened and fed to the session decoder.
 * Invariants: a sealed datagram opens to the same header and plaintext;
 * the decoder verifies every control datagram and every data datagram
 * sealed with a key it was shown, and its record matches what was sent. */
#include "fuzz.h"
#include "kdh/kdnet/kdnet.h"
#include "kdh/kdnet/kdnet_decoder.h"

static const uint8_t key_k[KDNET_KEY_LEN] = { 0x0f, 0x05, 1, 2, 3, 4, 5, 6 };

struct sess {
	struct kdnet_cipher *k;		/* K only */
	struct kdnet_cipher *c[2];	/* K + the data key of endpoint A, B */
	bool have[2];
	struct kdnet_decoder *dec;
	uint8_t dg[KDNET_MAX_DGRAM], plain[KDNET_MAX_DGRAM];
	uint8_t body[KDNET_MAX_DGRAM];
};

static const struct kdnet_endpoint eps[2] = { { 0x0a00020f, 50000 },
					      { 0x0a000202, 50001 } };

static size_t body_make(struct sess *s, uint8_t op, const uint8_t *in,
			size_t n, size_t have)
{
	struct kdnet_announce a = { 0 };
	struct kdnet_reply r;

	memset(&r, 0, sizeof(r));
	switch (op >> 3 & 3) {
	case 1:
		n = n < have ? n : have;
		memcpy(a.nonce, in, n < KDNET_NONCE_LEN ? n : KDNET_NONCE_LEN);
		a.debuggee_ip = n > 40 ? in[40] : 0;
		a.debugger_port = (uint16_t)n;
		kdnet_announce_build(&a, s->body);
		return KDNET_ANNOUNCE_LEN;
	case 2:
		n = n < have ? n : have;
		memcpy(r.debugger_nonce, in, n < KDNET_NONCE_LEN ? n : KDNET_NONCE_LEN);
		kdnet_reply_build(&r, s->body);
		return KDNET_REPLY_LEN;
	case 3:
		memset(s->body, have ? in[0] : 0, n);
		return n;
	default:
		memcpy(s->body, in, n);
		return n;
	}
}

/* One scripted datagram: seal, open, decode, compare */
static void step(struct sess *s, uint8_t op, const uint8_t *in, size_t n,
		 size_t have)
{
	bool ctl = op & 1, from_dbg = op & 2;
	int src = op >> 2 & 1, kidx = src, rc;
	struct kdnet_packet p = { .version = (uint8_t)(op >> 5), .channel = ctl,
		.from_debugger = from_dbg, .counter = (uint32_t)n * 2654435761u,
		.payload = s->body };
	struct kdnet_cipher *c;
	struct kdnet_packet o;
	struct kdnet_record r;
	uint8_t kd[KDNET_KEY_LEN];

	p.payload_len = body_make(s, op, in, n, have);
	if (!ctl && !s->have[kidx])
		kidx = !kidx;		/* seal with the other end's key */
	c = ctl ? s->k : s->c[kidx];
	rc = kdnet_seal(c, &p, s->dg, sizeof(s->dg));
	if (!ctl && !s->have[kidx]) {
		FUZZ_CHECK(rc == KDNET_E_NOKEY, "seal without data key: %d", rc);
		return;
	}
	FUZZ_CHECK(rc == (int)kdnet_sealed_len(p.payload_len), "seal %d", rc);
	FUZZ_CHECK(kdnet_looks_like(s->dg, (size_t)rc), "sealed but not MDBG");
	FUZZ_CHECK(!kdnet_open(c, s->dg, (size_t)rc, s->plain, sizeof(s->plain), &o),
		   "a sealed datagram does not open");
	FUZZ_CHECK(o.version == p.version && o.channel == p.channel &&
		   o.counter == p.counter && o.from_debugger == p.from_debugger &&
		   o.payload_len == p.payload_len &&
		   !memcmp(o.payload, p.payload, p.payload_len),
		   "opened packet differs (len %zu -> %zu)", p.payload_len,
		   o.payload_len);

	kdnet_decoder_feed(s->dec, &eps[src], &eps[!src], s->dg, (size_t)rc, &r);
	FUZZ_CHECK(r.status == KDNET_VERIFIED, "decoder: %s for a %s datagram",
		   kdnet_status_name(r.status), ctl ? "control" : "data");
	FUZZ_CHECK(r.channel == p.channel && r.from_debugger == p.from_debugger &&
		   r.counter == p.counter && r.payload_len == p.payload_len,
		   "decoder record differs");
	if (ctl && from_dbg && p.payload_len >= KDNET_REPLY_LEN &&
	    kdnet_ctl_kind(p.payload, p.payload_len) == KDNET_CTL_REPLY &&
	    !kdnet_data_key(key_k, p.payload, p.payload_len, kd)) {
		kdnet_cipher_set_data_key(s->c[!src], kd);	/* to the debuggee */
		s->have[!src] = true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sess *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	s->k = kdnet_cipher_new(key_k);
	s->c[0] = kdnet_cipher_new(key_k);
	s->c[1] = kdnet_cipher_new(key_k);
	s->dec = kdnet_decoder_new(key_k);
	if (!s->k || !s->c[0] || !s->c[1] || !s->dec)
		abort();
	for (size_t off = 0; off + 3 <= size && off < 64 * 1024;) {
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2], used;

		if ((data[off] >> 3 & 3) == 3) {	/* LEN copies of one byte */
			used = off + 3 < size;
		} else {
			if (n > size - off - 3)
				n = size - off - 3;
			used = n;
		}
		if (n > KDNET_MAX_PAYLOAD)
			n = KDNET_MAX_PAYLOAD;
		step(s, data[off], data + off + 3, n, used);
		off += 3 + used;
	}
	kdnet_decoder_free(s->dec);
	kdnet_cipher_free(s->c[1]);
	kdnet_cipher_free(s->c[0]);
	kdnet_cipher_free(s->k);
	free(s);
	return 0;
}
