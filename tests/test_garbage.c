// SPDX-License-Identifier: GPL-2.0-or-later
/* test_garbage.c - every parser on random and mutated input: an error,
 * never a crash or a read past the buffer (run it under ASan: the
 * sanitizer build of scripts/test.sh does). Seeded, so it replays. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "netsim/capfile.h"
#include "netsim/dhcp.h"
#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kdnet_decoder.h"
#include "netsim/pkt.h"

#define ROUNDS	20000

/* Exact-size heap copies so ASan sees any overread */
static uint8_t *random_buf(GRand *r, size_t len, bool mdbg)
{
	uint8_t *b = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)g_rand_int(r);
	if (mdbg && len >= 4)
		memcpy(b, "MDBG", 4);
	return b;
}

Test(garbage, packet_parsers)
{
	GRand *r = g_rand_new_with_seed(1);
	static const uint16_t links[] = { LINKTYPE_ETHERNET, LINKTYPE_RAW,
		LINKTYPE_LINUX_SLL, LINKTYPE_IPV4 };

	for (int i = 0; i < ROUNDS; i++) {
		size_t len = (size_t)g_rand_int_range(r, 0, 600);
		uint8_t *b = random_buf(r, len, false);
		struct frame_view v;
		struct dhcp_view d;
		struct kd_packet k;
		struct kd_payload pl;
		struct kdnet_announce a;
		struct kdnet_reply rep;
		struct icmp_view ic;

		if (len > 14) {		/* steer some into IPv4/ARP */
			b[12] = i & 1 ? 0x08 : 0x08;
			b[13] = i & 2 ? 0x06 : 0x00;
			b[14] = (uint8_t)(0x45 + (i % 3));
		}
		frame_parse(links[i % 4], b, len, &v);
		dhcp_parse(b, len, &d);
		kd_packet_parse(b, len, (unsigned)i & KD_SERIAL, &k);
		kd_payload_parse(b, len, &pl);
		kdnet_announce_parse(b, len, &a);
		kdnet_reply_parse(b, len, &rep);
		kdnet_ctl_kind(b, len);
		icmp_parse(b, len, &ic);
		free(b);
	}
	g_rand_free(r);
}

Test(garbage, kdnet_open_and_decoder)
{
	GRand *r = g_rand_new_with_seed(2);
	uint8_t key[32] = { 8 }, plain[2048];
	struct kdnet_cipher *c = kdnet_cipher_new(key);
	struct kdnet_decoder *d = kdnet_decoder_new(key);
	struct kdnet_endpoint s = { 1, 50000 }, t = { 2, 50000 };

	kdnet_cipher_set_data_key(c, key);
	for (int i = 0; i < ROUNDS; i++) {
		size_t len = (size_t)g_rand_int_range(r, 0, 1400);
		uint8_t *b = random_buf(r, len, true);
		struct kdnet_packet p;
		struct kdnet_record rec;
		struct kdnet_outer o;

		if (len > 5)
			b[5] &= 1;
		kdnet_outer_parse(b, len, &o);
		cr_assert_neq(kdnet_open(c, b, len, plain, sizeof(plain), &p), 0);
		kdnet_decoder_feed(d, &s, &t, b, len, &rec);
		cr_assert_neq(rec.status, KDNET_VERIFIED);
		free(b);
	}
	kdnet_decoder_free(d);
	kdnet_cipher_free(c);
	g_rand_free(r);
}

static unsigned walk(const uint8_t *b, size_t len)
{
	char err[128];
	struct capfile *cf = capfile_open_mem(b, len, err, sizeof(err));
	struct cap_frame f;
	struct frame_view v;
	unsigned n = 0;

	if (!cf)
		return 0;
	while (capfile_next(cf, &f) == 1) {
		frame_parse(f.linktype, f.data, f.caplen, &v);
		n++;
	}
	capfile_close(cf);
	return n;
}

/* Flip random bytes of the real capture and read it back */
Test(garbage, mutated_capture_files)
{
	char *path = test_data_path(REAL_CAPTURE);
	size_t len;
	uint8_t *orig = test_gunzip_file(path, &len), *b = malloc(len);
	GRand *r = g_rand_new_with_seed(3);

	for (int i = 0; i < 300; i++) {
		memcpy(b, orig, len);
		for (int j = 0; j < 1 + i % 8; j++) {
			/* bias toward the headers at the start */
			size_t at = j & 1 ? (size_t)g_rand_int_range(r, 0, 200)
					  : (size_t)g_rand_int_range(r, 0, (gint32)len);
			b[at] = (uint8_t)g_rand_int(r);
		}
		cr_assert_leq(walk(b, len), 955);
	}
	for (int i = 0; i < 2000; i++) {	/* random blocks after an SHB */
		size_t n = (size_t)g_rand_int_range(r, 28, 400);
		uint8_t *g = random_buf(r, n, false);

		memcpy(g, orig, 28);
		walk(g, n);
		free(g);
	}
	g_rand_free(r);
	free(b);
	free(orig);
	g_free(path);
}

Test(garbage, pcapng_block_parsers)
{
	GRand *r = g_rand_new_with_seed(4);

	for (int i = 0; i < ROUNDS; i++) {
		size_t len = (size_t)g_rand_int_range(r, 0, 200);
		uint8_t *b = random_buf(r, len, false);
		struct pcapng_idb idb;
		struct pcapng_epb epb;
		struct pcap_global g = { .swapped = i & 1 };
		uint64_t ts;
		uint32_t cl, ol;

		pcapng_idb_parse(b, len, i & 1, &idb);
		pcapng_epb_parse(i % 3 == 0 ? PCAPNG_EPB : i % 3 == 1 ? PCAPNG_SPB
				 : PCAPNG_PB_OBSOLETE, b, len, i & 2, &epb);
		if (len >= 16)
			pcap_record_parse(&g, b, &ts, &cl, &ol);
		if (len >= 24)
			pcap_global_parse(b, &g);
		free(b);
	}
	g_rand_free(r);
}
