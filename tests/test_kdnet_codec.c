// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kdnet_codec.c - seal/open, the capture's test vectors, tampering */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kdnet.h"

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; *hex; hex++) {
		unsigned v;

		if (*hex == ' ' || *hex == '|')
			continue;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex++;
	}
	return n;
}

/* Kd of the public capture, from kdnet-protocol.md section 2 */
#define PUBLIC_KD "6bd91c57bd6a551ad30b509c05c0c95b32cc5e47a0866907eaf0b1583384f660"

static struct kdnet_cipher *public_cipher(void)
{
	uint8_t k[32], kd[32];
	struct kdnet_cipher *c;

	cr_assert_eq(kdnet_key_parse("8.8.8.8", k, NULL, 0), 0);
	c = kdnet_cipher_new(k);
	cr_assert(c);
	unhex(PUBLIC_KD, kd);
	cr_assert_eq(kdnet_cipher_set_data_key(c, kd), 1);
	cr_assert_eq(kdnet_cipher_set_data_key(c, kd), 0, "same key: no change");
	return c;
}

Test(codec, frame3_vector)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t wire[64], plain[64], want[64];
	size_t n = unhex("4d444247 04 00 | 2fa399cffa8f888c766d5e595a843c6dee47e25b"
			 "8c9e098bd63242f627753edd | fb5900eab024ca9c9c435055f1c8e7d2",
			 wire);
	struct kdnet_packet p;
	struct kd_payload pl;

	cr_assert_eq(n, 54);
	cr_assert_eq(kdnet_open(c, wire, n, plain, sizeof(plain), &p), 0);
	unhex("000000 00000001 0c | 00000000 00000000 0102a8c0 | "
	      "000000000000000000000000", want);
	cr_assert_arr_eq(plain, want, 32);
	cr_assert_eq(p.version, 4);
	cr_assert_eq(p.channel, KDNET_CH_DATA);
	cr_assert_eq(p.counter, 1);
	cr_assert_not(p.from_debugger);
	cr_assert_eq(p.pad, 12);
	cr_assert_eq(p.payload_len, 12);
	cr_assert_eq(kd_payload_parse(p.payload, p.payload_len, &pl), 0);
	cr_assert_eq(pl.kind, KD_PAYLOAD_CONNECT);
	cr_assert_eq(pl.debugger_ip, 0xc0a80201);	/* 192.168.2.1 */
	kdnet_cipher_free(c);
}

Test(codec, frame5_vector_resend)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t wire[64], plain[64];
	size_t n = unhex("4d444247 04 00 | 0c3e6d1655f7c70b5d8a875f9032af003152b7f2"
			 "00de2491adb391c109d86f1e | 94bbfcb63ea493ff1e588fdbaab8575f",
			 wire);
	struct kdnet_packet p;
	struct kd_packet k;

	cr_assert_eq(kdnet_open(c, wire, n, plain, sizeof(plain), &p), 0);
	cr_assert(p.from_debugger);
	cr_assert_eq(p.counter, 1);
	cr_assert_eq(kd_packet_parse(p.payload, p.payload_len, 0, &k), 0);
	cr_assert_eq(k.leader, KD_LEADER_CONTROL);
	cr_assert_eq(k.type, KD_TYPE_RESEND);
	cr_assert_str_eq(kd_type_name(k.type), "KD_RESEND");
	kdnet_cipher_free(c);
}

Test(codec, seal_reproduces_frame3_exactly)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t want[64], out[64];
	const uint8_t payload[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0xa8, 0xc0 };
	struct kdnet_packet p = { .version = 4, .channel = KDNET_CH_DATA,
		.counter = 1, .payload = payload, .payload_len = 12 };
	size_t n = unhex("4d444247 04 00 2fa399cffa8f888c766d5e595a843c6dee47e25b"
			 "8c9e098bd63242f627753edd fb5900eab024ca9c9c435055f1c8e7d2",
			 want);

	cr_assert_eq(kdnet_seal(c, &p, out, sizeof(out)), (int)n);
	cr_assert_arr_eq(out, want, n);
	cr_assert_eq(kdnet_seal(c, &p, out, n - 1), KDNET_E_NOSPACE);
	kdnet_cipher_free(c);
}

/* Every payload length 0..100 plus large ones, both channels, both ways */
Test(codec, round_trips)
{
	struct kdnet_cipher *c = public_cipher();
	static uint8_t payload[2000], wire[2100], plain[2100];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + 1);
	for (int ch = 0; ch <= 1; ch++)
		for (int dir = 0; dir <= 1; dir++)
			for (size_t len = 0; len <= 2000; len += len < 100 ? 1 : 191) {
				struct kdnet_packet in = { .version = 5,
					.channel = (uint8_t)ch, .counter = 0x01020304u + (uint32_t)len,
					.from_debugger = dir, .payload = payload,
					.payload_len = len }, out;
				int n = kdnet_seal(c, &in, wire, sizeof(wire));

				cr_assert_eq((size_t)n, kdnet_sealed_len(len));
				cr_assert_eq((n - 22) % 16, 0);
				cr_assert_eq(kdnet_open(c, wire, (size_t)n, plain,
							sizeof(plain), &out), 0,
					     "ch %d dir %d len %zu", ch, dir, len);
				cr_assert_eq(out.payload_len, len);
				cr_assert_eq(out.counter, in.counter);
				cr_assert_eq(out.from_debugger, in.from_debugger);
				cr_assert_eq(out.channel, ch);
				cr_assert_eq(out.version, 5);
				cr_assert_eq(memcmp(out.payload, payload, len), 0);
			}
	kdnet_cipher_free(c);
}

/* Flip each bit of a sealed datagram: it must never verify */
Test(codec, any_flipped_bit_fails)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t payload[70], wire[128], plain[128];
	struct kdnet_packet in = { .version = 4, .channel = KDNET_CH_DATA,
		.counter = 7, .payload = payload, .payload_len = sizeof(payload) }, out;
	int n;

	memset(payload, 0x30, sizeof(payload));
	for (int ch = 0; ch <= 1; ch++) {
		in.channel = (uint8_t)ch;
		n = kdnet_seal(c, &in, wire, sizeof(wire));
		cr_assert_gt(n, 0);
		for (int bit = 0; bit < n * 8; bit++) {
			wire[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			cr_assert_neq(kdnet_open(c, wire, (size_t)n, plain,
						 sizeof(plain), &out), 0,
				      "channel %d bit %d flipped but verified", ch, bit);
			wire[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		}
		cr_assert_eq(kdnet_open(c, wire, (size_t)n, plain, sizeof(plain),
					&out), 0);
	}
	kdnet_cipher_free(c);
}

Test(codec, wrong_key_fails_authentication)
{
	struct kdnet_cipher *c = public_cipher(), *other;
	uint8_t k[32], wire[128], plain[128], payload[40] = { 1 };
	struct kdnet_packet in = { .version = 4, .channel = KDNET_CH_CONTROL,
		.payload = payload, .payload_len = sizeof(payload) }, out;
	int n = kdnet_seal(c, &in, wire, sizeof(wire));

	kdnet_key_parse("8.8.8.9", k, NULL, 0);
	other = kdnet_cipher_new(k);
	cr_assert_eq(kdnet_open(other, wire, (size_t)n, plain, sizeof(plain), &out),
		     KDNET_E_AUTH);
	in.channel = KDNET_CH_DATA;
	n = kdnet_seal(c, &in, wire, sizeof(wire));
	cr_assert_eq(kdnet_open(other, wire, (size_t)n, plain, sizeof(plain), &out),
		     KDNET_E_NOKEY, "no data key yet");
	kdnet_cipher_free(other);
	kdnet_cipher_free(c);
}

Test(codec, truncated_and_bad_lengths)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t payload[100] = { 0 }, wire[160], plain[160];
	struct kdnet_packet in = { .version = 4, .channel = KDNET_CH_DATA,
		.payload = payload, .payload_len = sizeof(payload) }, out;
	int n = kdnet_seal(c, &in, wire, sizeof(wire));

	for (int len = 0; len < n; len++)
		cr_assert_neq(kdnet_open(c, wire, (size_t)len, plain, sizeof(plain),
					 &out), 0, "length %d", len);
	cr_assert_eq(kdnet_open(c, wire, (size_t)n, plain, 10, &out),
		     KDNET_E_NOSPACE);
	wire[5] = 7;		/* channel */
	cr_assert_eq(kdnet_open(c, wire, (size_t)n, plain, sizeof(plain), &out),
		     KDNET_E_MALFORMED);
	kdnet_cipher_free(c);
}

/* Seal an arbitrary plaintext with K (control channel), as a forger with the
 * key could: lets the test reach the checks that run after the MAC. */
static size_t forge_control(const uint8_t *plain, size_t len, uint8_t *wire)
{
	uint8_t k[32], kh[32], mac[32];
	unsigned int mac_len;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1, n2;

	kdnet_key_parse("8.8.8.8", k, NULL, 0);
	for (int i = 0; i < 32; i++)
		kh[i] = k[i] ^ 0xff;
	memcpy(wire, "MDBG\x04\x01", 6);
	memcpy(wire + 6, plain, len);	/* MAC input: header then plaintext */
	HMAC(EVP_sha256(), kh, 32, wire, 6 + len, mac, &mac_len);
	memcpy(wire + 6 + len, mac, 16);
	EVP_EncryptInit_ex2(ctx, EVP_aes_256_cbc(), k, mac, NULL);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, wire + 6, &n1, plain, (int)len);
	EVP_EncryptFinal_ex(ctx, wire + 6 + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	return 6 + len + 16;
}

Test(codec, authentic_but_inconsistent_header_is_refused)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t plain[32] = { 0 }, wire[64], out_buf[64];
	struct kdnet_packet out;
	size_t n;

	plain[7] = 15;			/* pad 15, plaintext 32: fine */
	n = forge_control(plain, 32, wire);
	cr_assert_eq(kdnet_open(c, wire, n, out_buf, sizeof(out_buf), &out), 0);
	cr_assert_eq(out.payload_len, 9);

	plain[31] = 1;			/* a padding byte that is not zero */
	n = forge_control(plain, 32, wire);
	cr_assert_eq(kdnet_open(c, wire, n, out_buf, sizeof(out_buf), &out),
		     KDNET_E_HEADER);

	memset(plain, 0, sizeof(plain));
	plain[7] = 0x7f;		/* pad 127: beyond a block */
	n = forge_control(plain, 16, wire);
	cr_assert_eq(kdnet_open(c, wire, n, out_buf, sizeof(out_buf), &out),
		     KDNET_E_HEADER);
	plain[7] = 9;			/* pad 9 > 16 - 8 */
	n = forge_control(plain, 16, wire);
	cr_assert_eq(kdnet_open(c, wire, n, out_buf, sizeof(out_buf), &out),
		     KDNET_E_HEADER);
	kdnet_cipher_free(c);
}

Test(codec, control_bodies_round_trip)
{
	struct kdnet_announce a = { .debuggee_ip = 0xc0a80248, .debuggee_port = 51111,
		.debugger_ip = 0xc0a80201, .debugger_port = 51111 }, a2;
	struct kdnet_reply r, r2;
	uint8_t body[KDNET_ANNOUNCE_LEN], rbody[KDNET_REPLY_LEN];

	for (int i = 0; i < 32; i++) {
		a.nonce[i] = (uint8_t)i;
		r.debuggee_nonce[i] = (uint8_t)i;
		r.debugger_nonce[i] = (uint8_t)(0xa0 + i);
	}
	kdnet_announce_build(&a, body);
	cr_assert_eq(kdnet_ctl_kind(body, sizeof(body)), KDNET_CTL_ANNOUNCE);
	cr_assert_eq(kdnet_announce_parse(body, sizeof(body), &a2), 0);
	cr_assert(a2.mapped);
	cr_assert_eq(a2.debuggee_ip, a.debuggee_ip);
	cr_assert_eq(a2.debugger_port, 51111);
	cr_assert_eq(a2.third_ip, 0);
	cr_assert_arr_eq(a2.nonce, a.nonce, 32);
	cr_assert_eq(kdnet_announce_parse(body, 60, &a2), -EMSGSIZE);
	cr_assert_eq(kdnet_reply_parse(body, sizeof(body), &r2), -EPROTO);

	kdnet_reply_build(&r, rbody);
	cr_assert_eq(kdnet_reply_parse(rbody, sizeof(rbody), &r2), 0);
	cr_assert_arr_eq(r2.debugger_nonce, r.debugger_nonce, 32);
	cr_assert_eq(kdnet_reply_parse(rbody, 100, &r2), -EMSGSIZE);
	cr_assert_eq(kdnet_ctl_kind(rbody, 1), -EMSGSIZE);
}

Test(codec, error_strings)
{
	cr_assert_str_eq(kdnet_strerror(KDNET_E_NOKEY),
			 "no session key (handshake not captured)");
	cr_assert_str_eq(kdnet_strerror(KDNET_E_AUTH),
			 "authentication failed (wrong key or damaged)");
}

/* Found by tests/fuzz/kdnet_seal (regressions/kdnet_seal/max-payload-too-
 * big): KDNET_MAX_PAYLOAD sealed to 65510 bytes, more than a UDP datagram
 * holds, which kdnet_open then refused as malformed */
Test(codec, largest_payload_seals_and_opens)
{
	struct kdnet_cipher *c = public_cipher();
	uint8_t *payload = calloc(1, KDNET_MAX_PAYLOAD + 1);
	uint8_t *wire = malloc(KDNET_MAX_DGRAM + 64), *plain = malloc(KDNET_MAX_DGRAM);
	struct kdnet_packet in = { .version = 6, .channel = KDNET_CH_CONTROL,
		.payload = payload, .payload_len = KDNET_MAX_PAYLOAD }, out;
	int n;

	cr_assert(payload && wire && plain);
	n = kdnet_seal(c, &in, wire, KDNET_MAX_DGRAM);
	cr_assert_eq(n, (int)kdnet_sealed_len(KDNET_MAX_PAYLOAD));
	cr_assert_leq(n, KDNET_MAX_DGRAM);
	cr_assert_eq(kdnet_open(c, wire, (size_t)n, plain, KDNET_MAX_DGRAM, &out), 0);
	cr_assert_eq(out.payload_len, (size_t)KDNET_MAX_PAYLOAD);
	in.payload_len++;
	cr_assert_eq(kdnet_seal(c, &in, wire, KDNET_MAX_DGRAM + 64), KDNET_E_MALFORMED);
	kdnet_cipher_free(c);
	free(payload);
	free(wire);
	free(plain);
}
