// SPDX-License-Identifier: GPL-2.0-or-later
/* test_target.c - the simulated debuggee, step by step, on a netsim switch:
 * NIC choice, Hyper-V, Windows DHCP timing, RFC 3927, static address,
 * handshake with the debugger endpoint, the sticky binding, and a boot
 * that waits for the debugger to continue its load symbols */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netsim/capfile.h"
#include "kdh/debugger/debugger.h"
#include "kdh/debugger/kd_engine.h"
#include "netsim/dhcp.h"
#include "netsim/host.h"
#include "kdh/target/target.h"

#define MAX_REC	512
#define KEY	"1x2y3z.4a5b6c.7d8e9f.0g1h2i"

struct rec {
	uint64_t at;
	uint8_t frame[600];
	size_t len;
};

struct bench {
	struct ns_loop *l;
	struct ns_switch *sw;
	struct ns_port *nic_port[3], *spy;
	struct target_nic nics[3];
	size_t n_nics;
	bool hv;
	struct target *t;
	struct rec rec[MAX_REC];
	size_t n_rec;
	bool claim_probes;		/* answer ARP probes: address in use */
	struct ns_host *dbg_host;
	struct debugger *dbg;
};

static void env_send(void *o, unsigned nic, const uint8_t *f, size_t len)
{
	struct bench *b = o;

	ns_port_input(b->nic_port[nic], f, len);
}

static bool env_cpuid(void *o, char vendor[13])
{
	struct bench *b = o;

	if (b->hv)
		memcpy(vendor, "Microsoft Hv", 13);
	return b->hv;
}

static size_t env_nics(void *o, struct target_nic *n, size_t max)
{
	struct bench *b = o;

	memcpy(n, b->nics, b->n_nics * sizeof(*n));
	return b->n_nics;
}

static const struct target_env_ops env = { .send = env_send,
	.cpuid_hypervisor = env_cpuid, .list_nics = env_nics };

struct nicref {
	struct bench *b;
	unsigned i;
};

static struct nicref refs[3];

static void nic_deliver(void *o, const uint8_t *f, size_t len)
{
	struct nicref *r = o;

	target_input(r->b->t, r->i, f, len);
}

static void spy_deliver(void *o, const uint8_t *f, size_t len)
{
	struct bench *b = o;
	struct frame_view v;
	struct rec *r;

	if (b->n_rec == MAX_REC)
		return;
	r = &b->rec[b->n_rec++];
	r->at = ns_loop_now(b->l);
	r->len = len < sizeof(r->frame) ? len : sizeof(r->frame);
	memcpy(r->frame, f, r->len);
	if (b->claim_probes && !frame_parse(LINKTYPE_ETHERNET, f, len, &v) &&
	    v.kind == FRAME_ARP && !v.arp.spa) {
		static const uint8_t other[6] = { 2, 0, 0, 0, 0, 0x99 };
		uint8_t reply[64];
		size_t n = arp_frame_build(reply, sizeof(reply), ARP_OP_REPLY, other,
					   v.arp.tpa, v.arp.sha, 0);

		b->claim_probes = false;	/* the first candidate only */
		ns_port_input(b->spy, reply, n);
	}
}

static void bench_up(struct bench *b, const char *models[], size_t n,
		     struct target_config *cfg)
{
	static const struct ns_port_ops nic_ops = { .deliver = nic_deliver };
	static const struct ns_port_ops spy_ops = { .deliver = spy_deliver };

	memset(b, 0, sizeof(*b));
	b->l = ns_loop_new(NS_CLOCK_VIRTUAL, 3);
	b->sw = ns_switch_new(b->l, "lan");
	b->spy = ns_port_new(b->sw, "spy", &spy_ops, b);
	b->n_nics = n;
	for (size_t i = 0; i < n; i++) {
		struct target_nic *t = &b->nics[i];

		snprintf(t->name, sizeof(t->name), "net%zu", i);
		snprintf(t->model, sizeof(t->model), "%s", models[i]);
		t->mac[0] = 0xbc; t->mac[5] = (uint8_t)(i + 1);
		pve_net_pci((unsigned)i, &t->pci);
		refs[i] = (struct nicref){ b, (unsigned)i };
		b->nic_port[i] = ns_port_new(b->sw, t->name, &nic_ops, &refs[i]);
	}
	target_config_default(cfg);
	snprintf(cfg->name, sizeof(cfg->name), "win");
	cfg->host_ip = 0xc0a80201;
	kdnet_key_parse(KEY, cfg->key, NULL, 0);
}

static void debugger_up(struct bench *b)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint8_t key[32];

	b->dbg_host = ns_host_new(b->sw, "dbg", mac);
	ns_host_set_addr(b->dbg_host, 0xc0a80201, 0xffffff00, 0);
	kdnet_key_parse(KEY, key, NULL, 0);
	b->dbg = debugger_new(key, ns_loop_rng(b->l), &(struct debugger_ops){ 0 }, b);
}

static void bench_down(struct bench *b)
{
	target_free(b->t);
	debugger_free(b->dbg);
	ns_host_free(b->dbg_host);
	ns_switch_free(b->sw);
	ns_loop_free(b->l);
}

static void boot(struct bench *b, const struct target_config *cfg, uint64_t for_ns)
{
	b->t = target_new(b->l, cfg, &env, b);
	target_power_on(b->t);
	ns_loop_run(b->l, ns_loop_now(b->l) + for_ns);
}

/* frames sent by NIC i (by source MAC) */
static size_t from_nic(const struct bench *b, unsigned i)
{
	size_t n = 0;

	for (size_t k = 0; k < b->n_rec; k++)
		n += b->rec[k].frame[6] == 0xbc && b->rec[k].frame[11] == i + 1;
	return n;
}

Test(target, first_supported_nic_in_pci_order)
{
	const char *models[] = { "rtl8139", "e1000", "e1000" };
	struct target_config cfg;
	struct bench b;

	bench_up(&b, models, 3, &cfg);
	cfg.dhcp = false;
	cfg.ip = 0xc0a80248;
	boot(&b, &cfg, 30 * NS_PER_S);
	cr_assert_eq(from_nic(&b, 0), 0, "rtl8139 is not driven");
	cr_assert_gt(from_nic(&b, 1), 0, "net1: first e1000 in PCI order");
	cr_assert_eq(from_nic(&b, 2), 0);
	cr_assert_eq(b.rec[0].at, 4 * NS_PER_S, "KDNET starts 4 s after power on");
	cr_assert_eq(target_phase(b.t), TP_KDNET, "nobody answers");
	bench_down(&b);
}

Test(target, busparams_on_an_unsupported_nic_turns_debugging_off)
{
	const char *models[] = { "rtl8139", "e1000" };
	struct target_config cfg;
	struct bench b;

	bench_up(&b, models, 2, &cfg);
	cfg.dhcp = false;
	cfg.ip = 0xc0a80248;
	cfg.has_busparams = true;
	cfg.busparams = (struct pci_addr){ 0, 18, 0 };
	boot(&b, &cfg, 60 * NS_PER_S);
	cr_assert_eq(b.n_rec, 0, "no frame at all");
	cr_assert_eq(target_phase(b.t), TP_NO_DEBUG);
	cr_assert(target_settled(b.t), "the boot went on");
	bench_down(&b);
}

Test(target, hyperv_is_silent_unless_bound)
{
	const char *models[] = { "e1000" };
	struct target_config cfg;
	struct bench b;

	bench_up(&b, models, 1, &cfg);
	debugger_up(&b);
	cfg.dhcp = false;
	cfg.ip = 0xc0a80248;
	b.hv = true;
	boot(&b, &cfg, 60 * NS_PER_S);
	cr_assert_eq(b.n_rec, 0, "hypervisor transport: nothing on the wire");
	cr_assert_eq(target_phase(b.t), TP_HYPERV);
	bench_down(&b);
}

static void dbg_rx(void *o, const uint8_t mac[6], uint32_t sip, uint16_t sport,
		   uint16_t dport, const uint8_t *d, size_t len)
{
	struct bench *b = o;

	debugger_input(b->dbg, sip, sport, d, len, ns_loop_now(b->l));
}

static void dbg_send(void *o, uint32_t ip, uint16_t port, const uint8_t *d,
		     size_t len)
{
	struct bench *b = o;

	ns_host_udp_send(b->dbg_host, 50000, ip, port, d, len);
}

Test(target, static_address_handshake_and_sticky_binding)
{
	const char *models[] = { "e1000" };
	struct target_config cfg;
	struct bench b;
	uint8_t key[32];

	bench_up(&b, models, 1, &cfg);
	b.dbg_host = ns_host_new(b.sw, "dbg", (uint8_t[6]){ 0x52, 0x54, 0, 0, 0, 1 });
	ns_host_set_addr(b.dbg_host, 0xc0a80201, 0xffffff00, 0);
	kdnet_key_parse(KEY, key, NULL, 0);
	b.dbg = debugger_new(key, ns_loop_rng(b.l),
			     &(struct debugger_ops){ .send = dbg_send }, &b);
	ns_host_udp_bind(b.dbg_host, 50000, dbg_rx, &b);
	cfg.dhcp = false;
	cfg.ip = 0xc0a80248;
	boot(&b, &cfg, 10 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	cr_assert(target_bound(b.t));
	cr_assert(debugger_connected(b.dbg, 0xc0a80248, 50000, NULL));
	/* reboot with hv flags: the binding holds, KDNET still connects */
	target_power_off(b.t);
	b.hv = true;
	target_power_on(b.t);
	ns_loop_run(b.l, ns_loop_now(b.l) + 10 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	cr_assert_eq(debugger_stats(b.dbg)->connected, 2);
	bench_down(&b);
}

static bool is_discover(const struct rec *r)
{
	struct frame_view v;
	struct dhcp_view d;

	return !frame_parse(LINKTYPE_ETHERNET, r->frame, r->len, &v) &&
	       v.kind == FRAME_UDP && v.udp.dport == 67 &&
	       !dhcp_parse(v.udp.payload, v.udp.len, &d) && d.msg_type == DHCPDISCOVER;
}

static bool is_arp(const struct rec *r, struct arp_view *a)
{
	struct frame_view v;

	if (frame_parse(LINKTYPE_ETHERNET, r->frame, r->len, &v) || v.kind != FRAME_ARP)
		return false;
	*a = v.arp;
	return true;
}

Test(target, windows_dhcp_schedule_then_rfc3927)
{
	static const double base[] = { 0, 4, 8, 16, 32, 64, 64, 64, 64 };
	const char *models[] = { "e1000" };
	struct target_config cfg;
	struct bench b;
	uint64_t d[32], probes[8], ann[8];
	size_t nd = 0, np = 0, na = 0;
	uint32_t ip = 0;

	bench_up(&b, models, 1, &cfg);
	boot(&b, &cfg, 640 * NS_PER_S);
	for (size_t k = 0; k < b.n_rec; k++) {
		struct arp_view a;

		if (is_discover(&b.rec[k]) && nd < 32)
			d[nd++] = b.rec[k].at;
		else if (is_arp(&b.rec[k], &a) && !a.spa && np < 8)
			probes[np++] = b.rec[k].at, ip = a.tpa;
		else if (is_arp(&b.rec[k], &a) && a.spa == a.tpa && na < 8)
			ann[na++] = b.rec[k].at;
	}
	cr_assert_eq(d[0], 4 * NS_PER_S);
	for (size_t i = 1; i < 9; i++) {
		double gap = (double)(d[i] - d[i - 1]) / 1e9;

		cr_assert(fabs(gap - base[i]) <= 1.0, "gap %zu: %.3f s", i, gap);
	}
	cr_assert_eq(np, 3, "RFC 3927: three probes");
	cr_assert_eq(na, 2, "and two announcements");
	cr_assert_geq(probes[0], 604 * NS_PER_S, "after the 600 s give-up");
	cr_assert_leq(probes[0], 605 * NS_PER_S, "PROBE_WAIT is at most 1 s");
	for (int i = 1; i < 3; i++) {
		uint64_t gap = probes[i] - probes[i - 1];

		cr_assert(gap >= NS_PER_S && gap <= 2 * NS_PER_S, "probe gap");
	}
	cr_assert_eq(ann[0] - probes[2], 2 * NS_PER_S, "ANNOUNCE_WAIT");
	cr_assert_eq(ann[1] - ann[0], 2 * NS_PER_S, "ANNOUNCE_INTERVAL");
	cr_assert_eq(ip >> 16, 0xa9fe);
	cr_assert(((ip >> 8) & 0xff) >= 1 && ((ip >> 8) & 0xff) <= 254);
	cr_assert_eq(target_phase(b.t), TP_KDNET);
	bench_down(&b);
}

Test(target, rfc3927_conflict_picks_another_address)
{
	const char *models[] = { "e1000" };
	struct target_config cfg;
	struct bench b;
	uint32_t first = 0, announced = 0;

	bench_up(&b, models, 1, &cfg);
	cfg.timing.dhcp_give_up_ns = 10 * NS_PER_S;
	b.claim_probes = true;
	boot(&b, &cfg, 60 * NS_PER_S);
	for (size_t k = 0; k < b.n_rec; k++) {
		struct arp_view a;

		if (!is_arp(&b.rec[k], &a) || a.sha[0] != 0xbc)
			continue;
		if (!a.spa && !first)
			first = a.tpa;
		if (a.spa && a.spa == a.tpa)
			announced = a.spa;
	}
	cr_assert_neq(first, 0);
	cr_assert_neq(announced, 0);
	cr_assert_neq(announced, first, "the claimed address was given up");
	bench_down(&b);
}

static unsigned pings_seen;

static void dbg_sniff(void *o, const uint8_t *f, size_t len)
{
	struct frame_view v;

	if (!frame_parse(LINKTYPE_ETHERNET, f, len, &v) && v.kind == FRAME_IPV4 &&
	    v.ip.proto == 1)
		pings_seen++;
}

/* The guest's boot waits at each state change: with an ACK-only debugger
 * it never leaves nt's load symbols, its OS never pings and it never
 * settles; with the KD engine it boots, pings and settles */
static void boot_with_engine(enum kd_engine_mode mode, bool *settled,
			     unsigned *pings)
{
	const char *models[] = { "e1000" };
	struct kd_engine_cfg kc = { .mode = mode };
	struct target_config cfg;
	struct bench b;
	uint8_t key[32];

	bench_up(&b, models, 1, &cfg);
	b.dbg_host = ns_host_new(b.sw, "dbg", (uint8_t[6]){ 0x52, 0x54, 0, 0, 0, 1 });
	ns_host_set_addr(b.dbg_host, 0xc0a80201, 0xffffff00, 0);
	ns_host_set_sniffer(b.dbg_host, dbg_sniff, &b);
	kdnet_key_parse(KEY, key, NULL, 0);
	b.dbg = debugger_new(key, ns_loop_rng(b.l),
			     &(struct debugger_ops){ .send = dbg_send }, &b);
	cr_assert_eq(debugger_set_kd(b.dbg, &kc, b.l), 0);
	ns_host_udp_bind(b.dbg_host, 50000, dbg_rx, &b);
	cfg.dhcp = false;
	cfg.ip = 0xc0a80248;
	cfg.os_ping = 0xc0a80201;
	pings_seen = 0;
	boot(&b, &cfg, 60 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	*settled = target_settled(b.t);
	*pings = pings_seen;
	bench_down(&b);
}

Test(target, an_ack_only_debugger_holds_the_boot_for_good)
{
	unsigned pings;
	bool settled;

	boot_with_engine(KD_MODE_ACK_ONLY, &settled, &pings);
	cr_assert_not(settled, "waiting at nt's load symbols");
	cr_assert_eq(pings, 0, "the OS never started");
	boot_with_engine(KD_MODE_CONTINUE, &settled, &pings);
	cr_assert(settled, "every boot driver continued");
	cr_assert_geq(pings, 3, "the OS pinged");
}
