// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_synth.c - synthetic KDNET sessions for the tests: a debuggee and a
 * debugger that connect (announcement, reply, the first data packet at
 * 0.011 s), then KD packets sealed with the session key, as frames handed
 * to a callback (the analysis directly, or a pcapng file for kdh watch) */
#include <criterion/criterion.h>
#include <stdio.h>

#include "helpers.h"
#include "kd_synth.h"
#include "kdh/kdnet/kd_api.h"

static const uint8_t mac_t[6] = { 0xbc, 0x24, 0x11, 0, 0, 0x10 };
static const uint8_t mac_h[6] = { 0x52, 0x55, 0x0a, 0, 2, 2 };

/* A KDNET datagram from the debuggee or the debugger */
void ks_kdnet(struct kd_synth *s, uint64_t t, bool from_dbg, uint8_t ch,
	      const uint8_t *body, size_t len)
{
	struct kdnet_packet p = { .version = 5, .channel = ch,
		.from_debugger = from_dbg, .counter = 1, .payload = body,
		.payload_len = len };
	uint8_t dg[2048], f[2200];
	int n = kdnet_seal(s->c, &p, dg, sizeof(dg));
	size_t fl;

	cr_assert_gt(n, 0);
	fl = from_dbg ? test_udp_frame(f, mac_h, mac_t, KS_HIP, 50000, KS_TIP,
				       50000, dg, (size_t)n)
		      : test_udp_frame(f, mac_t, mac_h, KS_TIP, 50000, KS_HIP,
				       50000, dg, (size_t)n);
	s->emit(s->opaque, t, f, fl);
}

void ks_announce(struct kd_synth *s, uint64_t t)
{
	struct kdnet_announce a = { .debuggee_ip = KS_TIP, .debuggee_port = 50000,
		.debugger_ip = KS_HIP, .debugger_port = 50000 };
	uint8_t body[KDNET_ANNOUNCE_LEN];

	kdnet_announce_build(&a, body);
	ks_kdnet(s, t, false, KDNET_CH_CONTROL, body, sizeof(body));
}

/* Announce, reply, the 12-byte first data packet: connected at 0.011 s */
void ks_init(struct kd_synth *s, ks_emit_fn emit, void *opaque)
{
	struct kdnet_reply r = { .debugger_nonce = { 9, 8, 7, 6 } };
	uint8_t k[32], body[KDNET_REPLY_LEN], kd[32];
	const uint8_t conn[12] = { 0 };

	cr_assert_eq(kdnet_key_parse(KS_KEY, k, NULL, 0), 0);
	s->c = kdnet_cipher_new(k);
	cr_assert(s->c);
	s->dbg_id = 0x80000000u;
	s->emit = emit;
	s->opaque = opaque;
	ks_announce(s, 0);
	kdnet_reply_build(&r, body);
	ks_kdnet(s, KS_S(0.01), true, KDNET_CH_CONTROL, body, sizeof(body));
	kdnet_data_key(kdnet_cipher_key(s->c), body, sizeof(body), kd);
	kdnet_cipher_set_data_key(s->c, kd);
	ks_kdnet(s, KS_S(0.011), false, KDNET_CH_DATA, conn, sizeof(conn));
}

void ks_fini(struct kd_synth *s)
{
	kdnet_cipher_free(s->c);
}

/* A KD packet in a data packet */
void ks_kd(struct kd_synth *s, uint64_t t, bool from_dbg, uint32_t leader,
	   uint16_t type, uint32_t id, const uint8_t *body, size_t len)
{
	uint8_t pkt[1600];
	int n = kd_packet_build(leader, type, id, body, (uint16_t)len, 0, pkt,
				sizeof(pkt));

	cr_assert_gt(n, 0);
	ks_kdnet(s, t, from_dbg, KDNET_CH_DATA, pkt, (size_t)n);
}

void ks_ack(struct kd_synth *s, uint64_t t, bool from_dbg, uint32_t id)
{
	ks_kd(s, t, from_dbg, KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE, id, NULL, 0);
}

/* The debuggee's load symbols @name at 0xfffff80312000000 */
void ks_load_symbols(struct kd_synth *s, uint64_t t, uint32_t id,
		     const char *name)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
		.n_processors = 1, .base = 0xfffff80312000000ull, .size = 0x1046000 };
	uint8_t body[400];
	int n;

	snprintf(sc.name, sizeof(sc.name), "%s", name);
	n = kd_state_change_build(&sc, body, sizeof(body));
	cr_assert_gt(n, 0);
	ks_kd(s, t, false, KD_LEADER_DATA, KD_TYPE_STATE_CHANGE64, id, body,
	      (size_t)n);
}

/* The debuggee's exception @code at @pc, an int3 there */
void ks_exception(struct kd_synth *s, uint64_t t, uint32_t id, uint32_t code,
		  uint64_t pc)
{
	struct kd_state_change sc = { .new_state = KD_STATE_EXCEPTION,
		.n_processors = 1, .pc = pc, .code = code, .address = pc,
		.first_chance = 1, .istream = { KD_INT3 }, .istream_len = 16 };
	uint8_t body[KD_STATE_LEN];

	cr_assert_eq(kd_state_change_build(&sc, body, sizeof(body)), KD_STATE_LEN);
	ks_kd(s, t, false, KD_LEADER_DATA, KD_TYPE_STATE_CHANGE64, id, body,
	      sizeof(body));
}

/* A manipulate from the debugger (GetContext, Continue2 ...); @status is
 * the first word of the union (a continue's status) */
void ks_manip(struct kd_synth *s, uint64_t t, uint32_t api, uint32_t status)
{
	struct kd_manip m = { .api = api };
	uint8_t body[KD_MANIP_LEN];

	kd_put_le32(m.u, status);
	cr_assert_eq(kd_manip_build(&m, NULL, 0, body, sizeof(body)), KD_MANIP_LEN);
	ks_kd(s, t, true, KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE, s->dbg_id,
	      body, sizeof(body));
	s->dbg_id += 2;
}

void ks_dbgprint(struct kd_synth *s, uint64_t t, uint32_t id, const char *text)
{
	uint8_t body[600];
	int n = kd_debug_io_build(KD_API_PRINT_STRING, text, 0, body, sizeof(body));

	cr_assert_gt(n, 0);
	ks_kd(s, t, false, KD_LEADER_DATA, KD_TYPE_DEBUG_IO, id, body, (size_t)n);
}

/* Announcements only, every 3 s after @from, and one at @end: a frozen
 * guest (seconds) */
void ks_frozen_until(struct kd_synth *s, double from, double end)
{
	for (double t = from + 3; t < end; t += 3)
		ks_announce(s, KS_S(t));
	ks_announce(s, KS_S(end));
}
