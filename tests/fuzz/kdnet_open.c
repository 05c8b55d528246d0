// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet_open.c - libFuzzer harness: kdnet_open() of any datagram with a
 * fixed key K (control channel) and with K plus a fixed data key, and the
 * session decoder over the input cut into datagrams (2-byte lengths).
 * Invariants: only the documented result codes; an opened packet's payload
 * lies inside the plaintext buffer and its length adds up with the header
 * and padding; the outer fields match the datagram's bytes. */
#include "fuzz.h"
#include "kdh/kdnet/kdnet.h"
#include "kdh/kdnet/kdnet_decoder.h"

static const uint8_t key_k[KDNET_KEY_LEN] = { 0x0f, 0x05, 1, 2, 3, 4, 5, 6 };
static const uint8_t key_d[KDNET_KEY_LEN] = { 0xdd, 1, 2, 3 };

static void open_check(struct kdnet_cipher *c, const uint8_t *dg, size_t len)
{
	uint8_t *plain = malloc(len ? len : 1);
	struct kdnet_packet p;
	struct kdnet_outer o;
	int rc;

	if (!plain)
		abort();
	rc = kdnet_open(c, dg, len, plain, len, &p);
	FUZZ_CHECK(rc == 0 || rc == KDNET_E_MALFORMED || rc == KDNET_E_AUTH ||
		   rc == KDNET_E_NOKEY || rc == KDNET_E_HEADER ||
		   rc == KDNET_E_NOSPACE, "rc %d (%s)", rc, kdnet_strerror(rc));
	FUZZ_CHECK((rc == KDNET_E_MALFORMED) == (kdnet_outer_parse(dg, len, &o) != 0),
		   "kdnet_open %d disagrees with kdnet_outer_parse", rc);
	if (rc != KDNET_E_MALFORMED) {
		FUZZ_CHECK(p.version == dg[4] && p.channel == dg[5],
			   "outer fields %u/%u", p.version, p.channel);
		FUZZ_CHECK(o.ct_len + KDNET_OUTER_LEN + KDNET_TAG_LEN == len,
			   "ct_len %zu of %zu", (size_t)o.ct_len, len);
	}
	if (!rc) {
		FUZZ_CHECK(p.payload >= plain + KDNET_HDR_LEN &&
			   p.payload + p.payload_len + p.pad == plain + o.ct_len,
			   "payload %zu+%u outside the %zu-byte plaintext",
			   p.payload_len, p.pad, (size_t)o.ct_len);
	}
	free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdnet_cipher *ctl = kdnet_cipher_new(key_k);
	struct kdnet_cipher *dat = kdnet_cipher_new(key_k);
	struct kdnet_decoder *dec = kdnet_decoder_new(key_k);
	const struct kdnet_endpoint ep[2] = { { 0x0a00020f, 50000 },
					      { 0x0a000202, 50000 } };
	uint8_t *dg = fuzz_dup(data, size);

	if (!ctl || !dat || !dec)
		abort();
	kdnet_cipher_set_data_key(dat, key_d);
	open_check(ctl, dg, size);
	open_check(dat, dg, size);
	free(dg);

	for (size_t off = 0, n = 0; off + 2 <= size; off += 2 + n) {
		struct kdnet_record r;
		bool dir = data[off] & 0x80;

		n = ((size_t)(data[off] & 0x7f) << 8 | data[off + 1]);
		if (n > size - off - 2)
			n = size - off - 2;
		dg = fuzz_dup(data + off + 2, n);
		kdnet_decoder_feed(dec, &ep[dir], &ep[!dir], dg, n, &r);
		FUZZ_CHECK(r.status <= KDNET_BAD_HEADER, "status %d", r.status);
		FUZZ_CHECK(r.status != KDNET_VERIFIED || r.payload_len < n,
			   "payload %zu of a %zu-byte datagram", r.payload_len, n);
		free(dg);
	}
	kdnet_decoder_free(dec);
	kdnet_cipher_free(dat);
	kdnet_cipher_free(ctl);
	return 0;
}
