// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kd_stream.c - KD packets out of a serial byte stream: any chunking,
 * garbage between packets, break-ins, a packet cut by a reboot */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/kdnet/kd_stream.h"

struct seen {
	unsigned packets, breakins, bad_sum;
	uint16_t type[16];
	uint32_t id[16];
};

static void record(void *opaque, enum kd_stream_event ev,
		   const struct kd_packet *p)
{
	struct seen *s = opaque;

	if (ev == KD_EV_BREAKIN) {
		s->breakins++;
		return;
	}
	cr_assert_lt(s->packets, 16);
	s->type[s->packets] = p->type;
	s->id[s->packets] = p->id;
	s->bad_sum += !p->checksum_ok;
	s->packets++;
}

/* reset, 'b', a 200-byte state manipulate, an ack: what a session starts with */
static size_t session(uint8_t *buf)
{
	uint8_t data[200];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	n += (size_t)kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_RESET, 0x80800000u,
				     NULL, 0, KD_SERIAL, buf + n, 64);
	buf[n++] = KD_BREAKIN_BYTE;
	n += (size_t)kd_packet_build(KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE,
				     0x80800001u, data, sizeof(data), KD_SERIAL,
				     buf + n, 300);
	n += (size_t)kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE,
				     0x80800001u, NULL, 0, KD_SERIAL, buf + n, 64);
	return n;
}

static void expect_session(const struct seen *s)
{
	cr_assert_eq(s->packets, 3);
	cr_assert_eq(s->breakins, 1);
	cr_assert_eq(s->type[0], KD_TYPE_RESET);
	cr_assert_eq(s->type[1], KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(s->id[1], 0x80800001u);
	cr_assert_eq(s->type[2], KD_TYPE_ACKNOWLEDGE);
	cr_assert_eq(s->bad_sum, 0);
}

Test(kd_stream, whole_and_byte_by_byte)
{
	static struct kd_stream ks;
	uint8_t buf[512];
	size_t n = session(buf);

	for (size_t step = 1; step <= n; step = step == 1 ? n : n + 1) {
		struct seen s = { 0 };

		kd_stream_init(&ks);
		for (size_t i = 0; i < n; i += step)
			kd_stream_feed(&ks, buf + i, n - i < step ? n - i : step,
				       record, &s);
		expect_session(&s);
		cr_assert_eq(ks.garbage, 0);
		cr_assert_eq(ks.len, 0);
	}
}

Test(kd_stream, every_split_point)
{
	static struct kd_stream ks;
	uint8_t buf[512];
	size_t n = session(buf);

	for (size_t cut = 0; cut <= n; cut++) {
		struct seen s = { 0 };

		kd_stream_init(&ks);
		kd_stream_feed(&ks, buf, cut, record, &s);
		kd_stream_feed(&ks, buf + cut, n - cut, record, &s);
		expect_session(&s);
	}
}

Test(kd_stream, garbage_before_and_between_is_skipped_and_counted)
{
	static struct kd_stream ks;
	/* boot chatter (its 'b' is no break-in), a leader's false start
	 * "000", then the session */
	static const char noise[] = "boot\r\n000x";
	uint8_t buf[600];
	size_t n = sizeof(noise) - 1;
	struct seen s = { 0 };

	memcpy(buf, noise, n);
	n += session(buf + n);
	kd_stream_init(&ks);
	kd_stream_feed(&ks, buf, n, record, &s);
	expect_session(&s);
	cr_assert_eq(ks.garbage, sizeof(noise) - 1);
}

Test(kd_stream, bad_trailer_resyncs_on_the_next_packet)
{
	static struct kd_stream ks;
	uint8_t buf[600];
	struct seen s = { 0 };
	int first = kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_RESEND, 1, NULL, 0,
				    KD_SERIAL, buf, 64);
	size_t n;

	buf[first - 1] = 0x55;		/* trailer lost */
	n = (size_t)first + session(buf + first);
	kd_stream_init(&ks);
	kd_stream_feed(&ks, buf, n, record, &s);
	expect_session(&s);
	cr_assert_eq(ks.garbage, (uint64_t)first);
}

Test(kd_stream, damaged_data_is_delivered_with_a_bad_checksum)
{
	static struct kd_stream ks;
	uint8_t buf[512];
	size_t n = session(buf);
	struct seen s = { 0 };

	buf[KD_HDR_LEN + 1 + 1 + KD_HDR_LEN + 10] ^= 0xff;	/* inside the 200 */
	kd_stream_init(&ks);
	kd_stream_feed(&ks, buf, n, record, &s);
	cr_assert_eq(s.packets, 3);
	cr_assert_eq(s.bad_sum, 1);
}

static void count_only(void *opaque, enum kd_stream_event ev,
		       const struct kd_packet *p)
{
	(void)ev;
	(void)p;
	(*(unsigned long *)opaque)++;
}

Test(kd_stream, random_bytes_never_crash)
{
	static struct kd_stream ks;
	static uint8_t junk[1 << 18], buf[512];
	struct seen s = { 0 };
	unsigned long events = 0;
	unsigned seed = 7;
	size_t n;

	for (size_t i = 0; i < sizeof(junk); i++) {
		seed = seed * 1103515245u + 12345u;
		/* mostly leader bytes, so the parser works hard at resyncing */
		junk[i] = (seed >> 16) % 3 ? (uint8_t)"0i\xaa"[(seed >> 8) % 3] :
					     (uint8_t)(seed >> 16);
	}
	kd_stream_init(&ks);
	for (size_t i = 0; i < sizeof(junk); i += 1000)
		kd_stream_feed(&ks, junk + i, sizeof(junk) - i < 1000 ?
			       sizeof(junk) - i : 1000, count_only, &events);
	cr_assert_leq(ks.len, sizeof(ks.buf));
	cr_assert_gt(ks.garbage, 0);
	kd_stream_init(&ks);		/* a reboot: a session still parses */
	n = session(buf);
	kd_stream_feed(&ks, buf, n, record, &s);
	expect_session(&s);
}

/* Found by tests/fuzz/kd_stream (regressions/kd_stream/b-at-chunk-end):
 * "boot" fed a byte at a time counted its 'b' as a break-in, because a 'b'
 * ending a chunk was judged without the byte after it */
Test(kd_stream, b_at_chunk_end_waits_for_the_next_byte)
{
	static struct kd_stream ks;
	static const char text[] = "boot\r\nbb";
	struct seen s = { 0 };

	kd_stream_init(&ks);
	for (size_t i = 0; i < 2; i++)
		kd_stream_feed(&ks, (const uint8_t *)text + i, 1, record, &s);
	cr_assert_eq(s.breakins, 0);
	cr_assert_not(kd_stream_breakin_waiting(&ks));
	for (size_t i = 2; i < sizeof(text) - 1; i++) {
		kd_stream_feed(&ks, (const uint8_t *)text + i, 1, record, &s);
		cr_assert_eq(kd_stream_breakin_waiting(&ks), text[i] == 'b');
	}
	cr_assert_eq(s.breakins, 1, "the first of \"bb\" is a break-in; the "
		     "second waits");
	cr_assert_eq(ks.garbage, 6, "garbage %llu", (unsigned long long)ks.garbage);
}
