// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kd.c - KD packets: build/parse, checksum, serial trailer, payloads */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kdh/kdnet/kd.h"

Test(kd, build_parse_round_trip)
{
	uint8_t data[300], buf[400];
	struct kd_packet k;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i + 1);
	for (unsigned flags = 0; flags <= KD_SERIAL; flags++) {
		int n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE,
					0x80000002u, data, 300, flags, buf,
					sizeof(buf));

		cr_assert_eq(n, 316 + (flags ? 1 : 0));
		cr_assert_eq(kd_packet_parse(buf, (size_t)n, flags, &k), 0);
		cr_assert_eq(k.leader, KD_LEADER_DATA);
		cr_assert_eq(k.type, KD_TYPE_STATE_MANIPULATE);
		cr_assert_eq(k.count, 300);
		cr_assert_eq(k.id, 0x80000002u);
		cr_assert(k.checksum_ok);
		cr_assert_eq(k.checksum, kd_checksum(data, 300));
		cr_assert_eq(k.len, (size_t)n);
		cr_assert_eq(memcmp(k.data, data, 300), 0);
	}
}

Test(kd, checksum_is_byte_sum)
{
	const uint8_t d[] = { 0xff, 0xff, 0x01 };

	cr_assert_eq(kd_checksum(d, 3), 0x1ff);
	cr_assert_eq(kd_checksum(d, 0), 0);
}

Test(kd, damaged_checksum_is_reported_not_fatal)
{
	uint8_t buf[64], d[4] = { 1, 2, 3, 4 };
	struct kd_packet k;
	int n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 2, d, 4, 0,
				buf, sizeof(buf));

	buf[KD_HDR_LEN] ^= 0x10;
	cr_assert_eq(kd_packet_parse(buf, (size_t)n, 0, &k), 0);
	cr_assert_not(k.checksum_ok);
}

Test(kd, truncated_and_bad_leader)
{
	uint8_t buf[64], d[8] = { 0 };
	struct kd_packet k;
	int n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 0, d, 8,
				KD_SERIAL, buf, sizeof(buf));

	for (int len = 0; len < n; len++)
		cr_assert_eq(kd_packet_parse(buf, (size_t)len, KD_SERIAL, &k),
			     -EMSGSIZE, "len %d", len);
	buf[n - 1] = 0;		/* trailer */
	cr_assert_eq(kd_packet_parse(buf, (size_t)n, KD_SERIAL, &k), -EINVAL);
	buf[0] = 'x';
	cr_assert_eq(kd_packet_parse(buf, (size_t)n, 0, &k), -EINVAL);
	cr_assert_eq(kd_packet_build(KD_LEADER_DATA, 0, 0, d, 8, 0, buf, 20),
		     -ENOSPC);
}

/* On serial, a header KD never sends is noise at once: control packets
 * carry no data, data packets at most KD_SERIAL_MAX_DATA */
Test(kd, serial_rejects_impossible_lengths)
{
	uint8_t buf[64], d[8] = { 0 };
	struct kd_packet k;
	int n = kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE, 0, d, 8,
				KD_SERIAL, buf, sizeof(buf));

	cr_assert_eq(kd_packet_parse(buf, (size_t)n, KD_SERIAL, &k), -EINVAL);
	cr_assert_eq(kd_packet_parse(buf, (size_t)n - 1, 0, &k), 0, "KDNET: as sent");
	n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 0, d, 8, KD_SERIAL,
			    buf, sizeof(buf));
	buf[6] = 0x01;			/* count 4097 */
	buf[7] = 0x10;
	cr_assert_eq(kd_packet_parse(buf, KD_HDR_LEN, KD_SERIAL, &k), -EINVAL);
}

Test(kd, payload_kinds)
{
	const uint8_t conn[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0xa8, 0xc0 };
	const uint8_t b = 'b';
	uint8_t buf[32];
	struct kd_payload pl;
	int n;

	cr_assert_eq(kd_payload_parse(conn, 12, &pl), 0);
	cr_assert_eq(pl.kind, KD_PAYLOAD_CONNECT);
	cr_assert_eq(pl.debugger_ip, 0xc0a80201);
	cr_assert_eq(kd_payload_parse(&b, 1, &pl), 0);
	cr_assert_eq(pl.kind, KD_PAYLOAD_BREAKIN);
	n = kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_RESET, 0x62, NULL, 0, 0,
			    buf, sizeof(buf));
	cr_assert_eq(kd_payload_parse(buf, (size_t)n, &pl), 0);
	cr_assert_eq(pl.kind, KD_PAYLOAD_PACKET);
	cr_assert_eq(pl.pkt.type, KD_TYPE_RESET);
	cr_assert_eq(kd_payload_parse(buf, 3, &pl), -EMSGSIZE);
}

Test(kd, names)
{
	cr_assert_str_eq(kd_type_name(KD_TYPE_STATE_CHANGE64), "KD_STATE_CHANGE64");
	cr_assert_str_eq(kd_type_name(KD_TYPE_FILE_IO), "KD_FILE_IO");
	cr_assert_str_eq(kd_type_name(999), "UNKNOWN");
	cr_assert_str_eq(kd_leader_name(KD_LEADER_BREAKIN), "breakin");
	cr_assert_str_eq(kd_leader_name(0), "unknown");
}

Test(kd, print_body_is_dbgkd_debug_io)
{
	uint8_t b[32];
	int n = kd_print_body("hi\n", b, sizeof(b));

	cr_assert_eq(n, 19);
	cr_assert_eq(b[0] | b[1] << 8, KD_API_PRINT_STRING);
	cr_assert_eq(b[8], 3, "length of the text");
	cr_assert_eq(memcmp(b + 16, "hi\n", 3), 0);
	cr_assert_eq(kd_print_body("hi\n", b, 18), -ENOSPC);
}
