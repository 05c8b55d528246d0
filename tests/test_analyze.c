// SPDX-License-Identifier: GPL-2.0-or-later
/* test_analyze.c - wire-derived metrics on the real capture and on
 * synthetic captures of the seed situations (DHCP network, static network
 * with the 10-minute hang, wrong key, no KDNET at all). */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "kdh/analyze/analyze.h"
#include "netsim/capfile.h"
#include "kdh/bench/bench.h"
#include "netsim/dhcp.h"

#define S(x)	((uint64_t)((x) * 1e9))

static const uint8_t mac_t[6] = { 0xbc, 0x24, 0x11, 0, 0, 0x10 };	/* target */
static const uint8_t mac_h[6] = { 0x52, 0x55, 0x0a, 0, 2, 2 };		/* host */
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];

struct synth {
	struct analysis *a;
	uint8_t key[32];
	struct kdnet_cipher *c;		/* the sender's key */
	uint8_t buf[2048];
};

static void synth_init(struct synth *s, const char *sender_key,
		       const char *analysis_key)
{
	uint8_t k[32];

	cr_assert_eq(kdnet_key_parse(sender_key, k, NULL, 0), 0);
	s->c = kdnet_cipher_new(k);
	cr_assert_eq(kdnet_key_parse(analysis_key, s->key, NULL, 0), 0);
	s->a = analysis_new(s->key, 50000);
	cr_assert(s->a && s->c);
}

static void synth_fini(struct synth *s)
{
	analysis_free(s->a);
	kdnet_cipher_free(s->c);
}

static void feed(struct synth *s, uint64_t t, const uint8_t *f, size_t len,
		 const char *comment)
{
	struct cap_frame fr = { .ts_ns = t, .linktype = LINKTYPE_ETHERNET,
		.data = f, .caplen = (uint32_t)len, .origlen = (uint32_t)len,
		.comment = comment };

	analysis_feed(s->a, &fr);
}

static void dhcp(struct synth *s, uint64_t t, uint8_t type, uint32_t yiaddr)
{
	uint8_t m[300], f[400];
	bool client = type == DHCPDISCOVER || type == DHCPREQUEST;
	size_t n = test_dhcp_msg(m, client ? 1 : 2, type, 0x42, mac_t, yiaddr,
				 client ? 0 : 0x0a000202);

	n = client ? test_udp_frame(f, mac_t, bcast, 0, 68, 0xffffffff, 67, m, n)
		   : test_udp_frame(f, mac_h, mac_t, 0x0a000202, 67, yiaddr, 68, m, n);
	feed(s, t, f, n, NULL);
}

/* An ARP request from the target, sent from @spa */
static void arp_from(struct synth *s, uint64_t t, uint32_t spa, uint32_t tpa)
{
	uint8_t f[64];
	size_t n = test_arp_frame(f, ARP_OP_REQUEST, mac_t, spa, zero6, tpa);

	feed(s, t, f, n, NULL);
}

static void kdnet(struct synth *s, uint64_t t, bool from_dbg, uint8_t ch,
		  uint32_t tip, uint32_t hip, const uint8_t *body, size_t len)
{
	struct kdnet_packet p = { .version = 5, .channel = ch,
		.from_debugger = from_dbg, .counter = 1, .payload = body,
		.payload_len = len };
	uint8_t dg[1024], f[1100];
	int n = kdnet_seal(s->c, &p, dg, sizeof(dg));
	size_t fl;

	cr_assert_gt(n, 0);
	fl = from_dbg ? test_udp_frame(f, mac_h, mac_t, hip, 50000, tip, 50000, dg, (size_t)n)
		      : test_udp_frame(f, mac_t, mac_h, tip, 50000, hip, 50000, dg, (size_t)n);
	feed(s, t, f, fl, NULL);
}

static void announce(struct synth *s, uint64_t t, uint32_t tip, uint32_t hip)
{
	struct kdnet_announce a = { .debuggee_ip = tip, .debuggee_port = 50000,
		.debugger_ip = hip, .debugger_port = 50000 };
	uint8_t body[KDNET_ANNOUNCE_LEN];

	kdnet_announce_build(&a, body);
	kdnet(s, t, false, KDNET_CH_CONTROL, tip, hip, body, sizeof(body));
}

static void handshake(struct synth *s, uint64_t t, uint32_t tip, uint32_t hip)
{
	static uint8_t sessions;	/* each handshake a new debugger nonce */
	struct kdnet_reply r = { .debugger_nonce = { 9, 8, 7, ++sessions } };
	uint8_t body[KDNET_REPLY_LEN], kd[32];
	const uint8_t conn[12] = { 0 };

	kdnet_reply_build(&r, body);
	kdnet(s, t, true, KDNET_CH_CONTROL, tip, hip, body, sizeof(body));
	kdnet_data_key(kdnet_cipher_key(s->c), body, sizeof(body), kd);
	kdnet_cipher_set_data_key(s->c, kd);
	kdnet(s, t + S(0.001), false, KDNET_CH_DATA, tip, hip, conn, sizeof(conn));
}

static void metrics_of_only_target(struct synth *s, struct an_metrics *m)
{
	cr_assert_eq(analysis_n_targets(s->a), 1);
	an_metrics_compute(s->a, analysis_target(s->a, 0), m);
	cr_assert_str_eq(m->mac, "bc:24:11:00:00:10");
}

/* VMware-NAT-like DHCP network: lease, ARP, announce, reply, connected */
Test(analyze, dhcp_network_connects)
{
	struct synth s;
	struct an_metrics m;
	uint8_t f[64];
	size_t n;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	feed(&s, S(100), NULL, 0, "power on vm100");
	dhcp(&s, S(105), DHCPDISCOVER, 0);
	dhcp(&s, S(105.001), DHCPOFFER, 0x0a00020f);
	dhcp(&s, S(105.002), DHCPREQUEST, 0);
	dhcp(&s, S(105.003), DHCPACK, 0x0a00020f);
	n = test_arp_frame(f, ARP_OP_REQUEST, mac_t, 0x0a00020f, zero6, 0x0a000202);
	feed(&s, S(105.1), f, n, NULL);
	n = test_arp_frame(f, ARP_OP_REPLY, mac_h, 0x0a000202, mac_t, 0x0a00020f);
	feed(&s, S(105.101), f, n, NULL);
	announce(&s, S(105.2), 0x0a00020f, 0x0a000202);
	handshake(&s, S(105.203), 0x0a00020f, 0x0a000202);

	cr_assert(analysis_has_power_on(s.a));
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_CONNECTED);
	cr_assert_float_eq(m.dhcp_phase_s, 0.003, 1e-6);
	cr_assert_eq(m.discover_count, 1);
	cr_assert_str_eq(m.address, "10.0.2.15");
	cr_assert_str_eq(m.address_source, "dhcp");
	cr_assert_float_eq(m.first_kdnet_s, 5.2, 1e-6);
	cr_assert_float_eq(m.connect_s, 5.204, 1e-6);
	synth_fini(&s);
}

/* Static-IP network with dhcp on: DISCOVERs for ~10 minutes, then 169.254 */
Test(analyze, static_network_hang_then_apipa)
{
	static const double discover_at[] = { 4, 12, 28, 60, 124, 188, 252,
		316, 380, 444, 508, 572 };
	struct synth s;
	struct an_metrics m;
	uint8_t f[64];
	size_t n;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	feed(&s, 0, NULL, 0, "power on vm100");
	for (size_t i = 0; i < sizeof(discover_at) / sizeof(*discover_at); i++)
		dhcp(&s, S(discover_at[i]), DHCPDISCOVER, 0);
	for (int i = 0; i < 3; i++) {
		n = test_arp_frame(f, ARP_OP_REQUEST, mac_t, 0, zero6, 0xa9fe0a0b);
		feed(&s, S(605 + i), f, n, NULL);
	}
	n = test_arp_frame(f, ARP_OP_REQUEST, mac_t, 0xa9fe0a0b, zero6, 0xa9fe0a0b);
	feed(&s, S(610), f, n, NULL);
	announce(&s, S(611), 0xa9fe0a0b, 0xc0a80201);
	announce(&s, S(614), 0xa9fe0a0b, 0xc0a80201);

	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_APIPA_AFTER_HANG);
	cr_assert_float_eq(m.dhcp_phase_s, 601.0, 1e-6);
	cr_assert_eq(m.discover_count, 12);
	cr_assert_str_eq(m.address, "169.254.10.11");
	cr_assert_str_eq(m.address_source, "apipa");
	cr_assert_float_eq(m.first_kdnet_s, 611.0, 1e-6);
	cr_assert(isnan(m.connect_s));
	cr_assert_float_eq(m.logo_hang_s, 607.0, 1e-6);
	synth_fini(&s);
}

Test(analyze, wrong_key_is_key_mismatch)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s, "1.2.3.5", "1.2.3.4");
	for (int i = 0; i < 5; i++)
		announce(&s, S(3 * i), 0xc0a80248, 0xc0a80201);
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_KEY_MISMATCH);
	cr_assert_str_eq(m.address_source, "static");
	/* the first KDNET packet needs no key: said, flagged not verified */
	cr_assert_float_eq(m.first_kdnet_s, 0.0, 1e-9);
	cr_assert(!m.first_kdnet_verified);
	cr_assert_eq(analysis_target(s.a, 0)->kdnet_failed, 5);
	cr_assert_eq(analysis_target(s.a, 0)->announce_sized, 5);
	synth_fini(&s);
}

Test(analyze, announcements_without_reply_time_out)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	for (int i = 0; i < 5; i++)
		announce(&s, S(3 * i), 0xc0a80248, 0xc0a80201);
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_TIMEOUT);
	cr_assert_float_eq(m.first_kdnet_s, 0.0, 1e-9);
	synth_fini(&s);
}

Test(analyze, dhcp_without_kdnet)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	dhcp(&s, S(1), DHCPDISCOVER, 0);
	dhcp(&s, S(2), DHCPOFFER, 0x0a00020f);
	dhcp(&s, S(3), DHCPREQUEST, 0);
	dhcp(&s, S(4), DHCPACK, 0x0a00020f);
	/* the capture ends at the ACK: it cannot tell whether it was taken */
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_NO_KDNET_TRAFFIC);
	cr_assert_null(m.address_source);
	cr_assert(strstr(m.why, "cannot tell whether the client took the lease"),
		  "%s", m.why);
	/* the client ARPs from the address: taken, the phase ends at the ACK */
	arp_from(&s, S(5), 0x0a00020f, 0x0a000202);
	metrics_of_only_target(&s, &m);
	cr_assert_float_eq(m.dhcp_phase_s, 3.0, 1e-9);
	cr_assert_str_eq(m.address_source, "dhcp");
	cr_assert_str_eq(m.address, "10.0.2.15");
	synth_fini(&s);
}

/* 50 % loss: the switch saw an ACK the client lost; it DISCOVERs again and
 * takes the second lease */
Test(analyze, ack_lost_then_a_later_lease)
{
	struct synth s;
	struct an_metrics m;
	const struct an_target *t;
	bool said = false;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	dhcp(&s, S(1), DHCPDISCOVER, 0);
	dhcp(&s, S(1.1), DHCPOFFER, 0x0a00020f);
	dhcp(&s, S(1.2), DHCPREQUEST, 0);
	dhcp(&s, S(1.3), DHCPACK, 0x0a00020f);
	dhcp(&s, S(114), DHCPDISCOVER, 0);
	dhcp(&s, S(114.1), DHCPOFFER, 0x0a000210);
	dhcp(&s, S(114.2), DHCPREQUEST, 0);
	dhcp(&s, S(114.3), DHCPACK, 0x0a000210);
	announce(&s, S(115), 0x0a000210, 0x0a000201);
	metrics_of_only_target(&s, &m);
	cr_assert_str_eq(m.address, "10.0.2.16", "the lease it took");
	cr_assert_float_eq(m.dhcp_phase_s, 113.3, 1e-6);
	t = analysis_target(s.a, 0);
	cr_assert_eq(t->acks_not_taken, 1);
	for (guint i = 0; i < t->events->len; i++)
		said |= !strcmp(g_array_index(t->events, struct an_event, i).text,
				"ACK 10.0.2.15 not taken: DISCOVER again 113 s later");
	cr_assert(said, "the timeline says the first ACK was not taken");
	synth_fini(&s);
}

Test(analyze, ack_lost_and_never_a_lease)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	dhcp(&s, S(1), DHCPDISCOVER, 0);
	dhcp(&s, S(1.3), DHCPACK, 0x0a00020f);
	for (int i = 0; i < 5; i++)
		dhcp(&s, S(9 + 16 * i), DHCPDISCOVER, 0);
	metrics_of_only_target(&s, &m);
	cr_assert_null(m.address_source, "no address: none was taken");
	cr_assert(isnan(m.dhcp_phase_s), "the DHCP phase did not end");
	cr_assert_eq(m.discover_count, 6);
	synth_fini(&s);
}

/* tcpdump started after WinDbg connected: announcements name the bound
 * debugger, data flows both ways without a key */
Test(analyze, capture_started_mid_session)
{
	struct synth s, other;
	struct an_metrics m;
	const uint8_t kd[16] = { 0x30, 0x30, 0x30, 0x30, 2 };

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	synth_init(&other, "1.2.3.4", "1.2.3.4");	/* a key only it has */
	cr_assert_geq(kdnet_cipher_set_data_key(other.c, (uint8_t[32]){ 7 }), 0);
	other.a = s.a;
	/* the debugger speaks first: who is who is known only from the
	 * announcement (the control key) that comes later */
	kdnet(&other, S(0.5), true, KDNET_CH_DATA, 0xc0a80248, 0xc0a80201, kd, 16);
	kdnet(&other, S(0.6), false, KDNET_CH_DATA, 0xc0a80248, 0xc0a80201, kd, 16);
	announce(&s, S(2), 0xc0a80248, 0xc0a80201);
	metrics_of_only_target(&s, &m);
	cr_assert_eq(analysis_target(s.a, 0)->nokey[0], 1);
	cr_assert_eq(analysis_target(s.a, 0)->nokey[1], 1);
	cr_assert_eq(m.outcome, AN_CONNECTED);
	cr_assert(m.mid_session);
	cr_assert(isnan(m.connect_s), "connect_time unknown");
	cr_assert(strstr(m.why, "the session began before the capture: data "
			 "packets both ways"), "%s", m.why);
	cr_assert(strstr(m.why, "from the debuggee first seen at 0.100 s, from the "
			 "debugger at 0.000 s"), "%s", m.why);	/* t0: first frame */
	kdnet_cipher_free(other.c);
	synth_fini(&s);
}

Test(analyze, bound_announcement_means_connected_before)
{
	struct synth s;
	struct an_metrics m;
	struct kdnet_announce a = { .debuggee_ip = 0xc0a80248, .debuggee_port = 50000,
		.debugger_ip = 0xc0a80201, .debugger_port = 50000,
		.third_ip = 0xc0a80201, .third_port = 50000 };
	uint8_t body[KDNET_ANNOUNCE_LEN];

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	kdnet_announce_build(&a, body);
	kdnet(&s, S(1), false, KDNET_CH_CONTROL, 0xc0a80248, 0xc0a80201, body,
	      sizeof(body));
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_CONNECTED);
	cr_assert(strstr(m.why, "announcements name a bound debugger"), "%s", m.why);
	synth_fini(&s);
}

/* A reboot inside the capture: a new nonce, then a new handshake */
Test(analyze, reboot_inside_a_capture)
{
	struct synth s;
	struct an_metrics m;
	struct kdnet_announce a = { .debuggee_ip = 0xc0a80248, .debuggee_port = 50000,
		.debugger_ip = 0xc0a80201, .debugger_port = 50000, .nonce = { 1, 0, 5 } };
	uint8_t body[KDNET_ANNOUNCE_LEN];
	const struct an_target *t;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	kdnet_announce_build(&a, body);
	kdnet(&s, S(1), false, KDNET_CH_CONTROL, 0xc0a80248, 0xc0a80201, body,
	      sizeof(body));
	handshake(&s, S(1.01), 0xc0a80248, 0xc0a80201);
	a.nonce[2] = 6;		/* a new boot */
	kdnet_announce_build(&a, body);
	kdnet(&s, S(60), false, KDNET_CH_CONTROL, 0xc0a80248, 0xc0a80201, body,
	      sizeof(body));
	handshake(&s, S(60.01), 0xc0a80248, 0xc0a80201);
	t = analysis_target(s.a, 0);
	cr_assert_eq(t->reboots, 1);
	cr_assert_eq(t->sessions, 2);
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.outcome, AN_CONNECTED);
	synth_fini(&s);
}

/* Every frame twice (tcpdump -i any on tap and bridge): counted once */
Test(analyze, duplicate_frames_count_once)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	for (int i = 0; i < 3; i++) {
		dhcp(&s, S(1 + 4 * i), DHCPDISCOVER, 0);
		dhcp(&s, S(1 + 4 * i) + 20000, DHCPDISCOVER, 0);	/* 20 us */
	}
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.discover_count, 3);
	cr_assert_eq(analysis_duplicates(s.a), 3);
	synth_fini(&s);

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	analysis_keep_duplicates(s.a, true);
	for (int i = 0; i < 3; i++) {
		dhcp(&s, S(1 + 4 * i), DHCPDISCOVER, 0);
		dhcp(&s, S(1 + 4 * i) + 20000, DHCPDISCOVER, 0);
	}
	metrics_of_only_target(&s, &m);
	cr_assert_eq(m.discover_count, 6, "kept");
	synth_fini(&s);
}

Test(analyze, damaged_frames_are_counted_and_skipped)
{
	struct synth s;
	uint8_t f[64];
	size_t n = test_arp_frame(f, ARP_OP_REQUEST, mac_t, 0, zero6, 0xa9fe0101);
	uint64_t bad;

	synth_init(&s, "1.2.3.4", "1.2.3.4");
	feed(&s, 0, f, 20, NULL);	/* truncated ARP */
	feed(&s, 1, f, n, NULL);
	cr_assert_eq(analysis_frames(s.a, &bad, NULL), 2);
	cr_assert_eq(bad, 1);
	cr_assert_eq(analysis_n_targets(s.a), 1);
	synth_fini(&s);
}

Test(analyze, real_capture)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	uint8_t key[32];
	struct analysis *a;
	struct an_metrics m;
	struct cap_frame f;

	kdnet_key_parse(REAL_KEY, key, NULL, 0);
	a = analysis_new(key, 0);
	while (capfile_next(cf, &f) == 1)
		analysis_feed(a, &f);
	cr_assert_not(analysis_has_power_on(a));
	cr_assert_eq(analysis_n_targets(a), 1);
	an_metrics_compute(a, analysis_target(a, 0), &m);
	cr_assert_str_eq(m.mac, "80:fa:5b:23:29:23");
	cr_assert_eq(m.outcome, AN_CONNECTED);
	cr_assert_str_eq(m.address, "192.168.2.72");
	cr_assert_str_eq(m.address_source, "static");
	cr_assert_float_eq(m.first_kdnet_s, 0.0, 1e-9);
	cr_assert_float_eq(m.connect_s, 0.002481, 1e-6);
	cr_assert(isnan(m.dhcp_phase_s));
	cr_assert_eq(analysis_target(a, 0)->kdnet_sent, 692);
	cr_assert_eq(analysis_target(a, 0)->kdnet_received, 263);
	analysis_free(a);
	capfile_close(cf);
	g_free(path);
}

/* Many DHCP clients (kdh bench analyze's capture): one target per MAC, in
 * order of appearance, and the one KDNET debuggee among them connects */
Test(analyze, many_macs_one_target_each)
{
	struct analysis *a = analysis_new(bench_analyze_key(), 50000);
	const uint64_t n = 30000;	/* 30 of them KDNET frames */
	size_t debuggee = 0, nt;
	uint64_t last = 0;
	struct an_metrics m;

	cr_assert(a);
	cr_assert_eq(bench_analyze_feed(a, n, NULL), 0);
	nt = analysis_n_targets(a);
	cr_assert_eq(nt, n - 30 + 1);
	for (size_t i = 0; i < nt; i++) {
		const struct an_target *t = analysis_target(a, i);

		uint64_t v = 0;

		if (t->mac[0] != 0x02) {
			debuggee++;
			cr_assert_eq(t->kdnet_sent + t->kdnet_received, 30);
			an_metrics_compute(a, t, &m);
			cr_assert_eq(m.outcome, AN_CONNECTED);
			cr_assert_str_eq(m.address, "10.0.2.15");
			continue;
		}
		cr_assert_eq(t->discovers, 1, "target %zu", i);
		for (int k = 1; k < 6; k++)
			v = v << 8 | t->mac[k];
		cr_assert(i == 0 || v > last, "target %zu: MACs in frame order", i);
		last = v;
	}
	cr_assert_eq(debuggee, 1);
	analysis_free(a);
}

/* The bundled capture without its first 99 frames, as a tcpdump started
 * after WinDbg connected: no reply, data without key both ways, and
 * announcements that name the bound debugger */
Test(analyze, real_capture_cut_mid_session)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	struct analysis *a;
	struct an_metrics m;
	struct cap_frame f;
	uint8_t key[32];

	cr_assert(cf, "%s", err);
	kdnet_key_parse(REAL_KEY, key, NULL, 0);
	a = analysis_new(key, 0);
	while (capfile_next(cf, &f) == 1)
		if (capfile_frames(cf) >= 100)
			analysis_feed(a, &f);
	cr_assert_eq(analysis_n_targets(a), 1);
	an_metrics_compute(a, analysis_target(a, 0), &m);
	cr_assert_eq(m.outcome, AN_CONNECTED);
	cr_assert(m.mid_session);
	cr_assert(isnan(m.connect_s));
	cr_assert(strstr(m.why, "announcements name a bound debugger"), "%s", m.why);
	cr_assert_gt(analysis_target(a, 0)->nokey[0], 0);
	cr_assert_gt(analysis_target(a, 0)->nokey[1], 0);
	analysis_free(a);
	capfile_close(cf);
	g_free(path);
}
