// SPDX-License-Identifier: GPL-2.0-or-later
/* bench.c - `kdh bench`: measured side by side in one run, ratios reported
 *
 * `kdh bench decode` opens KDNET-sized datagrams with kdnet_open() and, on
 * the same buffers, runs the bare OpenSSL work that any decoder must do
 * (AES-256-CBC decrypt + HMAC-SHA256 with pre-keyed contexts).  Rounds of
 * the two alternate so both see the same machine state; the best round of
 * each counts.  Benchmarks may read the clock; the event loop never does.
 *
 * Wing harness/bench/ (docs/development.md): kdh bench.
 * Uses: netsim/, util/, kdnet/, cmd/, analyze/, platform/, target/,
 *   debugger/, run/.
 * Used by: nothing of the others.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "kdh/bench/bench.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/value.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_bench;

/* Payload sizes seen in the public capture: datagrams of 54 to 1334 bytes */
static const size_t bench_sizes[] = { 12, 16, 40, 56, 104, 296, 600, 1300 };
#define N_SIZES		(sizeof(bench_sizes) / sizeof(bench_sizes[0]))
#define GOAL_RATIO	0.8

struct bench_set {
	uint8_t *dgram[N_SIZES];
	size_t len[N_SIZES];
	size_t bytes;			/* per pass over the set */
	uint8_t plain[2048];
};

struct raw_ctx {
	EVP_CIPHER_CTX *aes;
	EVP_MAC_CTX *hmac;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int set_build(struct kdnet_cipher *c, struct bench_set *s)
{
	uint8_t payload[1400];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	s->bytes = 0;
	for (size_t i = 0; i < N_SIZES; i++) {
		struct kdnet_packet p = {
			.version = 4, .channel = KDNET_CH_DATA, .counter = (uint32_t)i,
			.payload = payload, .payload_len = bench_sizes[i],
		};
		size_t len = kdnet_sealed_len(bench_sizes[i]);
		int n;

		s->dgram[i] = malloc(len);
		if (!s->dgram[i])
			return -1;
		n = kdnet_seal(c, &p, s->dgram[i], len);
		if (n < 0)
			return -1;
		s->len[i] = (size_t)n;
		s->bytes += (size_t)n;
	}
	return 0;
}

static int raw_init(struct raw_ctx *r, const uint8_t kd[32], const uint8_t kh[32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	int ok;

	r->aes = EVP_CIPHER_CTX_new();
	r->hmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	ok = r->aes && r->hmac &&
	     EVP_DecryptInit_ex2(r->aes, EVP_aes_256_cbc(), kd, NULL, NULL) &&
	     EVP_CIPHER_CTX_set_padding(r->aes, 0) &&
	     EVP_MAC_init(r->hmac, kh, 32, params);
	return ok ? 0 : -1;
}

/* The irreducible work per datagram: decrypt, then MAC header + plaintext */
static int raw_pass(struct raw_ctx *r, struct bench_set *s)
{
	uint8_t mac[32];
	size_t mac_len;
	int ok = 1;

	for (size_t i = 0; i < N_SIZES; i++) {
		const uint8_t *d = s->dgram[i];
		int ct = (int)(s->len[i] - 22), n1, n2;

		ok &= EVP_DecryptInit_ex2(r->aes, NULL, NULL, d + s->len[i] - 16,
					  NULL);
		ok &= EVP_DecryptUpdate(r->aes, s->plain, &n1, d + 6, ct);
		ok &= EVP_DecryptFinal_ex(r->aes, s->plain + n1, &n2);
		ok &= EVP_MAC_init(r->hmac, NULL, 0, NULL);
		ok &= EVP_MAC_update(r->hmac, d, 6);
		ok &= EVP_MAC_update(r->hmac, s->plain, (size_t)ct);
		ok &= EVP_MAC_final(r->hmac, mac, &mac_len, sizeof(mac));
	}
	return ok ? 0 : -1;
}

static int kdh_pass(struct kdnet_cipher *c, struct bench_set *s)
{
	struct kdnet_packet p;

	for (size_t i = 0; i < N_SIZES; i++)
		if (kdnet_open(c, s->dgram[i], s->len[i], s->plain,
			       sizeof(s->plain), &p))
			return -1;
	return 0;
}

static int bench_decode(unsigned rounds, unsigned passes)
{
	uint8_t key[KDNET_KEY_LEN], kd[KDNET_KEY_LEN], kh[KDNET_KEY_LEN];
	struct bench_set set = { 0 };
	struct raw_ctx raw = { 0 };
	uint64_t best_raw = UINT64_MAX, best_kdh = UINT64_MAX;
	struct kdnet_cipher *c;
	double pkts, ratio;
	int rc = KDH_EXIT_USAGE;

	kdnet_key_parse("8.8.8.8", key, NULL, 0);
	for (int i = 0; i < KDNET_KEY_LEN; i++) {
		kd[i] = (uint8_t)(0x5a ^ i);
		kh[i] = key[i] ^ 0xff;
	}
	c = kdnet_cipher_new(key);
	if (!c || kdnet_cipher_set_data_key(c, kd) < 0 || set_build(c, &set) ||
	    raw_init(&raw, kd, kh))
		goto out;
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = now_ns();

		for (unsigned p = 0; p < passes; p++)
			if (raw_pass(&raw, &set))
				goto out;
		t = now_ns() - t;
		best_raw = t < best_raw ? t : best_raw;
		t = now_ns();
		for (unsigned p = 0; p < passes; p++)
			if (kdh_pass(c, &set))
				goto out;
		t = now_ns() - t;
		best_kdh = t < best_kdh ? t : best_kdh;
	}
	pkts = (double)passes * N_SIZES;
	ratio = (double)best_raw / (double)best_kdh;
	printf("kdh bench decode: %zu datagram sizes (%zu..%zu bytes), %.0f "
	       "datagrams per round, best of %u rounds\n", N_SIZES, set.len[0],
	       set.len[N_SIZES - 1], pkts, rounds);
	printf("  %-34s %8.0f ns/datagram %8.1f MB/s\n",
	       "openssl AES-256-CBC + HMAC-SHA256", best_raw / pkts,
	       set.bytes * (double)passes / (best_raw / 1e9) / 1e6);
	printf("  %-34s %8.0f ns/datagram %8.1f MB/s\n",
	       "kdh kdnet_open (decrypt+verify)", best_kdh / pkts,
	       set.bytes * (double)passes / (best_kdh / 1e9) / 1e6);
	printf("  ratio kdh/openssl throughput: %.3f (goal >= %.1f)\n", ratio,
	       GOAL_RATIO);
	rc = KDH_EXIT_OK;
out:
	if (rc)
		fprintf(stderr, "kdh bench: OpenSSL setup or decode failed\n");
	for (size_t i = 0; i < N_SIZES; i++)
		free(set.dgram[i]);
	EVP_CIPHER_CTX_free(raw.aes);
	EVP_MAC_CTX_free(raw.hmac);
	kdnet_cipher_free(c);
	return rc;
}

/* value_uint(): strtoul() took " 5" and "+5" */
static int parse_count(const char *s, unsigned *out)
{
	uint64_t v;

	if (value_uint(s, 1, 100000000, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int bench_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "passes", required_argument, NULL, 'n' },
		{ "tcp", no_argument, NULL, 't' },
		{ "cells", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned rounds = 7, passes = 4000, cells = 10000;
	bool rounds_set = false, passes_set = false, tcp = false;
	struct cli_once once = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "r:n:c:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_bench, &once, opt, opts, "r:n:c:h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'r':
			rounds_set = true;
			/* fall through */
		case 'n':
			passes_set |= opt == 'n';
			if (parse_count(optarg, opt == 'r' ? &rounds : &passes))
				return cli_usage_error(&kdh_cmd_bench,
					"'%s' is not a count", optarg);
			break;
		case 't': tcp = true; break;
		case 'c':
			if (parse_count(optarg, &cells))
				return cli_usage_error(&kdh_cmd_bench,
					"--cells: '%s' is not a count", optarg);
			break;
		case 'h': cli_help_print(&kdh_cmd_bench); return KDH_EXIT_OK;
		default:  return cli_bad_option(&kdh_cmd_bench, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(&kdh_cmd_bench,
				       "expected a subject: decode, switch, sim, "
				       "matrix, relay, topo, vm, analyze, watch or kd");
	if (tcp && strcmp(argv[optind], "relay"))
		return cli_usage_error(&kdh_cmd_bench, "--tcp is relay's: kdh "
				       "bench relay --tcp");
	if (!strcmp(argv[optind], "decode"))
		return bench_decode(rounds, passes);
	if (!strcmp(argv[optind], "switch"))
		return bench_switch(rounds, (uint64_t)passes * 250);
	if (!strcmp(argv[optind], "sim"))
		return bench_sim(rounds);
	if (!strcmp(argv[optind], "matrix"))
		return bench_matrix(cells);
	if (!strcmp(argv[optind], "relay"))
		return bench_relay(rounds_set ? rounds : 3, tcp);
	if (!strcmp(argv[optind], "vm"))
		return bench_vm(rounds_set ? rounds : 3);
	if (!strcmp(argv[optind], "topo"))
		return bench_topo(rounds_set ? rounds : 3);
	if (!strcmp(argv[optind], "watch"))
		return bench_watch(rounds_set ? rounds : 3);
	if (!strcmp(argv[optind], "analyze"))
		return bench_analyze(rounds_set ? rounds : 3,
				     passes_set ? passes : 1000000);
	if (!strcmp(argv[optind], "kd"))
		return bench_kd(rounds_set ? rounds : 3);
	return cli_usage_error(&kdh_cmd_bench, "no subject '%s' (decode, "
			       "switch, sim, matrix, relay, topo, vm, analyze, "
			       "watch, kd)",
			       argv[optind]);
}

const struct kdh_cmd kdh_cmd_bench = {
	.name = "bench",
	.summary = "benchmarks, each against a reference measured in the same run",
	.usage = "kdh bench (decode | switch | sim | matrix | relay | topo | vm | analyze\n"
		 "       | watch | kd) [--rounds N] [--passes N] [--cells N] [--tcp]",
	.run = bench_main,
	.help =
"Subjects:\n"
"  decode   kdnet_open() (parse, AES-256-CBC decrypt, HMAC-SHA256 verify,\n"
"           header checks) against bare OpenSSL AES-256-CBC + HMAC-SHA256 on\n"
"           the same eight KDNET-sized datagrams (54..1334 bytes).  Prints\n"
"           ns per datagram and MB/s for both and the throughput ratio\n"
"           kdh/openssl; the goal is >= 0.8.\n"
"  switch   64-byte frames between two in-process ports of a netsim switch,\n"
"           without faults and with 1% loss, 1% duplication, 1% reordering\n"
"           and 200us +-50us delay on both ports; frames per second on one\n"
"           core and the ratio.  The goal is >= 1M frames/s without faults.\n"
"  sim      wall time of seed-dhcp-hang (ten simulated minutes) and of the\n"
"           whole built-in suite, captures included, and simulated seconds\n"
"           per wall second.  Goals: <= 20 ms and <= 1 s.\n"
"  matrix   the built-in matrix (matrix/kdnet, 2,700 cells) repeated over a\n"
"           bench-only axis scenario.timeout = 12m | 13m | ... to --cells\n"
"           (default 10,000: 10,800 cells), in one kdh run -j 2 into a\n"
"           temporary directory (removed after): wall time, cells/s, user\n"
"           and system time, bytes written per cell; then 20 cells spread\n"
"           over it, each as a one-cell file in its own kdh run, their mean\n"
"           scaled to the cell count, and the ratio; where the one run's\n"
"           time goes (parse, the cells in the workers, the rest).  The\n"
"           goal is 10,000 cells in < 30 s.\n"
"  relay    kdh serial-link's relay (in a child, two listen: ends) against\n"
"           a plain socketpair, both driven by the same poll loop: MiB/s of\n"
"           a 64 MiB stream and the round trip of one byte (3 rounds).\n"
"           With --tcp, as kdh serial-link --tcp serves WinDbg: one unix\n"
"           end and a tcp-listen: end on 127.0.0.1, against a loopback TCP\n"
"           connection (TCP_NODELAY on both, as the relay sets it).\n"
"  topo     one bridge and 32 taps (tap100i0..) created, enslaved, up and\n"
"           deleted with libnl, against the same with ip(8) commands, in a\n"
"           private network namespace (needs root or CAP_NET_ADMIN); times\n"
"           and ratio, goal >= 10x faster and <= 50 ms (3 rounds).\n"
"  vm       boot of the agent image to its marker under bare QEMU and with\n"
"           its NIC on a kdh network, alternating (3 rounds by default);\n"
"           the overhead, goal <= 2 %.\n"
"  analyze  analysis_feed() on generated captures of N/100, N/10 and N\n"
"           frames (N = --passes, default 1M): DHCPDISCOVERs from distinct\n"
"           MACs and one KDNET session; ns per frame of each size and their\n"
"           ratio, goal 1x (linear cost; 3 rounds).\n"
"  watch    kdh watch on a tap of a bridge carrying 10,000 frames/s that\n"
"           are not its VM's (and 1/s that is), for 5 s, in a private\n"
"           network namespace (root): its CPU, user + system, as per cent\n"
"           of one core, with the VM's MAC filter and without; goal a few\n"
"           per cent filtered (3 rounds).\n"
"  kd       how long kdh's debugger keeps a guest waiting: 2000 load-symbols\n"
"           state changes, each sent once the continue for the one before\n"
"           came, to the debugger (in a child, as kdh listen) over UDP on\n"
"           127.0.0.1, against the same datagrams echoed by a child; the\n"
"           engine alone; WinDbg's waits in the bundled capture.  Then a\n"
"           boot that loads 200 drivers, simulated and as the agent in QEMU\n"
"           (skipped without QEMU or the image): first load symbols to last\n"
"           continue on the wire, against the loads alone (3 rounds).\n"
"\n"
"Options:\n"
"  --rounds N   alternating rounds of each side; the best counts (default 7)\n"
"  --passes N   decode: passes over the eight datagrams per round (default\n"
"               4000); switch: 250 * N frames per round (default 1M);\n"
"               analyze: frames of the largest capture (default 1M)\n"
"  --cells N    matrix: at least N cells (default 10000)\n"
"  --tcp        relay: its TCP end (kdh serial-link --tcp), against a\n"
"               loopback TCP connection\n"
"\n"
"Benchmarks never fail on a slow machine: they report.\n"
"\n"
"Exit status: 0, or 2 for bad usage or an OpenSSL failure.\n",
};
