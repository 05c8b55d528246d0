// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_analyze.c - `kdh bench analyze`: analysis cost per frame of
 * captures of 10k, 100k and 1M DHCP frames from distinct MACs plus one
 * KDNET session, measured side by side in one run: flat means linear.
 *
 * Frames are generated in memory in batches (untimed) and fed to
 * analysis_feed() (timed), so the figures are the analyzer's alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdh/analyze/analyze.h"
#include "kdh/bench/bench.h"
#include "netsim/dhcp.h"

#define BATCH		4096
#define FRAME_CAP	640
#define KDNET_EVERY	1000	/* one KDNET frame per this many */
#define TIP		0x0a00020fu	/* debuggee 10.0.2.15 */
#define HIP		0x0a000202u	/* debugger 10.0.2.2 */
#define KPORT		50000

static const uint8_t bench_key[KDNET_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t mac_dbg[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0, 2, 2 };
static const uint8_t mac_tgt[ETH_ALEN] = { 0xbc, 0x24, 0x11, 0, 0, 0x10 };

struct synth {
	struct kdnet_cipher *c;	/* the debuggee's view: K, then K + Kd */
	uint64_t i;		/* next frame number */
	uint32_t kdnet_n;	/* KDNET frames so far */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t dhcp_frame(uint64_t i, uint8_t *f)
{
	struct dhcp_msg m = { .op = 1, .msg_type = DHCPDISCOVER,
		.xid = (uint32_t)i };
	uint8_t d[DHCP_MAX_LEN];
	size_t n;

	m.chaddr[0] = 0x02;	/* locally administered, distinct per frame */
	for (int k = 0; k < 5; k++)
		m.chaddr[5 - k] = (uint8_t)(i >> (8 * k));
	n = dhcp_build(&m, d, sizeof(d));
	return udp_frame_build(f, FRAME_CAP, mac_broadcast, m.chaddr, 0,
			       DHCP_CLIENT_PORT, 0xffffffffu, DHCP_SERVER_PORT,
			       d, n);
}

/* The KDNET session: announcement, reply, then data both ways */
static size_t kdnet_frame(struct synth *s, uint8_t *f)
{
	struct kdnet_packet p = { .version = 6, .counter = s->kdnet_n + 1 };
	struct kdnet_announce an = { .debuggee_ip = TIP, .debuggee_port = KPORT,
		.debugger_ip = HIP, .debugger_port = KPORT };
	struct kdnet_reply rep = { .debugger_nonce = { 9, 8, 7 } };
	uint8_t body[KDNET_REPLY_LEN + KDNET_ANNOUNCE_LEN], dg[512], kd[32];
	uint32_t k = s->kdnet_n++;
	int n;

	p.payload = body;
	if (k == 0) {
		kdnet_announce_build(&an, body);
		p.channel = KDNET_CH_CONTROL;
		p.payload_len = KDNET_ANNOUNCE_LEN;
	} else if (k == 1) {
		kdnet_reply_build(&rep, body);
		p.channel = KDNET_CH_CONTROL;
		p.from_debugger = true;
		p.payload_len = KDNET_REPLY_LEN;
	} else {
		memset(body, 0, 16);
		p.channel = KDNET_CH_DATA;
		p.from_debugger = k % 2;
		p.payload_len = 16;
	}
	n = kdnet_seal(s->c, &p, dg, sizeof(dg));
	if (k == 1 && !kdnet_data_key(kdnet_cipher_key(s->c), body,
				      KDNET_REPLY_LEN, kd))
		kdnet_cipher_set_data_key(s->c, kd);
	if (n < 0)
		return 0;
	return p.from_debugger
		? udp_frame_build(f, FRAME_CAP, mac_tgt, mac_dbg, HIP, KPORT,
				  TIP, KPORT, dg, (size_t)n)
		: udp_frame_build(f, FRAME_CAP, mac_dbg, mac_tgt, TIP, KPORT,
				  HIP, KPORT, dg, (size_t)n);
}

/**
 * bench_analyze_feed() - feed @n generated frames to an analysis
 * @a:		analysis made with bench_analyze_key() and port 50000
 * @n:		frames: DHCPDISCOVERs from distinct MACs (02:00:..), one in
 *		1000 instead a KDNET packet of one debuggee (bc:24:11:00:00:10,
 *		10.0.2.15) that announces, gets a reply and then connects
 * @feed_ns:	output: wall time spent in analysis_feed(), may be NULL
 *
 * Return: 0, or -1 when the frames could not be built
 */
int bench_analyze_feed(struct analysis *a, uint64_t n, uint64_t *feed_ns)
{
	struct synth s = { .c = kdnet_cipher_new(bench_key) };
	uint8_t *buf = malloc((size_t)BATCH * FRAME_CAP);
	size_t len[BATCH];
	uint64_t spent = 0;
	int rc = 0;

	if (!s.c || !buf)
		rc = -1;
	while (!rc && s.i < n) {
		size_t m = 0;
		uint64_t t;

		for (; m < BATCH && s.i < n; m++, s.i++) {
			uint8_t *f = buf + m * FRAME_CAP;

			len[m] = s.i % KDNET_EVERY == KDNET_EVERY / 2
				 ? kdnet_frame(&s, f) : dhcp_frame(s.i, f);
			if (!len[m])
				rc = -1;
		}
		t = now_ns();
		for (size_t j = 0; j < m; j++) {
			struct cap_frame fr = {
				.ts_ns = (s.i - m + j) * 1000, .linktype = LINKTYPE_ETHERNET,
				.data = buf + j * FRAME_CAP, .caplen = (uint32_t)len[j],
				.origlen = (uint32_t)len[j] };

			analysis_feed(a, &fr);
		}
		spent += now_ns() - t;
	}
	if (feed_ns)
		*feed_ns = spent;
	kdnet_cipher_free(s.c);
	free(buf);
	return rc;
}

/**
 * bench_analyze_key() - the key K of bench_analyze_feed()'s KDNET session
 *
 * Return: KDNET_KEY_LEN static bytes
 */
const uint8_t *bench_analyze_key(void)
{
	return bench_key;
}

/* One size: best ns per frame of @rounds; whether the results are right */
static double per_frame(uint64_t n, unsigned rounds, bool *ok)
{
	double best = 1e18;

	*ok = true;
	for (unsigned r = 0; r < rounds; r++) {
		struct analysis *a = analysis_new(bench_key, KPORT);
		uint64_t ns = 0;
		struct an_metrics m;
		uint64_t k;
		size_t nt;

		if (!a || bench_analyze_feed(a, n, &ns)) {
			analysis_free(a);
			*ok = false;
			return 0;
		}
		nt = analysis_n_targets(a);
		k = (n + KDNET_EVERY / 2 - 1) / KDNET_EVERY;	/* KDNET frames */
		*ok &= nt == n - k + (k > 0);
		for (size_t i = 0; i < nt; i++)
			if (!memcmp(analysis_target(a, i)->mac, mac_tgt, ETH_ALEN)) {
				an_metrics_compute(a, analysis_target(a, i), &m);
				*ok &= n < 3 * KDNET_EVERY || m.outcome == AN_CONNECTED;
			}
		analysis_free(a);
		if ((double)ns / (double)n < best)
			best = (double)ns / (double)n;
	}
	return best;
}

/**
 * bench_analyze() - time the analyzer at three capture sizes
 * @rounds:	repetitions of each size; the best counts
 * @largest:	frames of the largest capture; the others are 1/10 and 1/100
 *
 * Return: 0, or 1 when an analysis gave wrong results
 */
int bench_analyze(unsigned rounds, uint64_t largest)
{
	uint64_t sizes[3] = { largest / 100, largest / 10, largest };
	double ns[3];
	bool ok[3];

	printf("kdh bench analyze: DHCPDISCOVERs from distinct MACs plus one "
	       "KDNET session (1 frame in %u), in memory; best of %u rounds\n",
	       KDNET_EVERY, rounds);
	for (int i = 0; i < 3; i++) {
		ns[i] = per_frame(sizes[i] ? sizes[i] : 1, rounds, &ok[i]);
		printf("  %9llu frames  %8.0f ns/frame  %8.3f s  results %s\n",
		       (unsigned long long)sizes[i], ns[i], ns[i] * (double)sizes[i] / 1e9,
		       ok[i] ? "right" : "WRONG");
	}
	printf("  per-frame cost %llu vs %llu frames: %.2fx (1.00x is linear)\n",
	       (unsigned long long)sizes[2], (unsigned long long)sizes[0],
	       ns[0] > 0 ? ns[2] / ns[0] : 0.0);
	return ok[0] && ok[1] && ok[2] ? 0 : 1;
}
