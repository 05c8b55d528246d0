// SPDX-License-Identifier: GPL-2.0-or-later
/* kd.c - libFuzzer harness: kd_packet_parse() (KDNET and serial framing)
 * and kd_payload_parse() on any bytes.
 * Invariants: a parsed packet fits in the input and uses exactly header +
 * count (+ trailer) bytes; checksum_ok is the byte sum's verdict; building
 * the parsed fields again gives the same bytes when the checksum was right;
 * a payload classified as a packet parses as one. */
#include <errno.h>

#include "fuzz.h"
#include "kdh/kdnet/kd.h"

static void packet_check(const uint8_t *b, size_t size, unsigned flags)
{
	struct kd_packet p;
	uint8_t *out;
	int rc = kd_packet_parse(b, size, flags, &p), n;

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EMSGSIZE, "rc %d", rc);
	FUZZ_CHECK(rc != -EMSGSIZE || size < KD_HDR_LEN + (size_t)KD_SERIAL_MAX_DATA + 1 ||
		   !(flags & KD_SERIAL), "serial: waits for more than KD sends");
	if (rc)
		return;
	FUZZ_CHECK(p.len == KD_HDR_LEN + (size_t)p.count + (flags & KD_SERIAL ? 1 : 0) &&
		   p.len <= size, "len %zu, count %u, of %zu", p.len, p.count, size);
	FUZZ_CHECK(p.data == b + KD_HDR_LEN, "data not after the header");
	FUZZ_CHECK(p.checksum_ok == (kd_checksum(p.data, p.count) == p.checksum),
		   "checksum_ok %d", p.checksum_ok);
	FUZZ_CHECK(kd_type_name(p.type) && kd_leader_name(p.leader), "no name");
	out = malloc(p.len);
	if (!out)
		abort();
	n = kd_packet_build(p.leader, p.type, p.id, p.data, p.count, flags, out,
			    p.len);
	FUZZ_CHECK(n == (int)p.len, "build %d, parse %zu", n, p.len);
	FUZZ_CHECK(!p.checksum_ok || !memcmp(out, b, p.len),
		   "build of the parsed fields differs from the input");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = fuzz_dup(data, size);
	struct kd_payload pl;
	int rc;

	packet_check(b, size, 0);
	packet_check(b, size, KD_SERIAL);
	rc = kd_payload_parse(b, size, &pl);
	if (!rc && pl.kind == KD_PAYLOAD_PACKET) {
		struct kd_packet p;

		FUZZ_CHECK(!kd_packet_parse(b, size, 0, &p) && p.len == pl.pkt.len &&
			   pl.pkt.len <= size, "payload packet does not parse");
	}
	free(b);
	return 0;
}
