// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_switch.c - `kdh bench switch`: 64-byte frames between two
 * in-process ports, with and without a fault profile, in one run */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <stdlib.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "netsim/pcapng.h"
#include "netsim/switch.h"

#define BATCH	1024

struct sink {
	uint64_t frames;
};

static void sink_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	((struct sink *)opaque)->frames++;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One measurement: @n frames A -> B, optionally through faults and into a
 * pcapng capture; return delivered frames per second */
static double switch_rate(uint64_t n, const struct ns_faults *f, bool capture,
			  uint64_t *delivered)
{
	char path[] = "/tmp/kdh-bench-XXXXXX", err[128];
	struct ns_pcapng *cap = NULL;
	static const struct ns_port_ops ops = { .deliver = sink_deliver };
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "bench");
	struct sink sa = { 0 }, sb = { 0 };
	struct ns_port *a = ns_port_new(sw, "a", &ops, &sa);
	struct ns_port *b = ns_port_new(sw, "b", &ops, &sb);
	uint8_t fa[64] = { 2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa, 0x08, 0x00 };
	uint8_t fb[64] = { 2, 0, 0, 0, 0, 0xa, 2, 0, 0, 0, 0, 0xb, 0x08, 0x00 };
	uint64_t t;

	ns_port_input(b, fb, sizeof(fb));	/* teach the switch B's MAC */
	if (f) {
		ns_port_set_faults(a, NS_DIR_OUT, f);
		ns_port_set_faults(b, NS_DIR_OUT, f);
	}
	if (capture) {
		int fd = mkstemp(path);

		if (fd >= 0)
			close(fd);
		cap = ns_pcapng_open(path, err, sizeof(err));
		if (cap)
			ns_pcapng_attach(cap, sw);
	}
	sb.frames = 0;
	t = now_ns();
	for (uint64_t i = 0; i < n; i += BATCH) {
		for (uint64_t j = 0; j < BATCH && i + j < n; j++)
			ns_port_input(a, fa, sizeof(fa));
		if (f)	/* let delayed frames out: virtual time moves on */
			ns_loop_run(l, ns_loop_now(l) + NS_PER_MS);
	}
	if (f)
		ns_loop_run(l, NS_NEVER);
	if (cap)
		ns_pcapng_close(cap);
	t = now_ns() - t;
	if (capture)
		unlink(path);
	*delivered = sb.frames;
	ns_switch_free(sw);
	ns_loop_free(l);
	return (double)sb.frames / ((double)t / 1e9);
}

/**
 * bench_switch() - print frames per second through the switch
 * @rounds:	measurements of each kind; the best counts
 * @frames:	frames per measurement
 *
 * Return: 0
 */
int bench_switch(unsigned rounds, uint64_t frames)
{
	const struct ns_faults f = { .loss_pct = 1, .dup_pct = 1,
		.reorder_pct = 1, .delay_ns = 200000, .jitter_ns = 50000 };
	double best_clean = 0, best_faulty = 0, best_cap = 0, r;
	uint64_t d_clean = 0, d_faulty = 0, d_cap = 0;

	for (unsigned i = 0; i < rounds; i++) {
		r = switch_rate(frames, NULL, false, &d_clean);
		best_clean = r > best_clean ? r : best_clean;
		r = switch_rate(frames, &f, false, &d_faulty);
		best_faulty = r > best_faulty ? r : best_faulty;
		r = switch_rate(frames, NULL, true, &d_cap);
		best_cap = r > best_cap ? r : best_cap;
	}
	printf("kdh bench switch: 64-byte frames between two in-process ports, "
	       "%llu per round, best of %u rounds, one core\n",
	       (unsigned long long)frames, rounds);
	printf("  %-46s %10.0f frames/s (%llu delivered)\n", "no faults",
	       best_clean, (unsigned long long)d_clean);
	printf("  %-46s %10.0f frames/s (%llu delivered)\n",
	       "1% loss, 1% dup, 1% reorder, 200us +-50us delay", best_faulty,
	       (unsigned long long)d_faulty);
	printf("  %-46s %10.0f frames/s (%llu delivered)\n",
	       "no faults, pcapng capture to /tmp", best_cap,
	       (unsigned long long)d_cap);
	printf("  ratios to no faults: faults %.3f, capture %.3f; goal >= "
	       "1000000 frames/s without faults: %s\n", best_faulty / best_clean,
	       best_cap / best_clean, best_clean >= 1e6 ? "met" : "NOT met");
	return 0;
}
