// SPDX-License-Identifier: GPL-2.0-or-later
/* test_slirp.c - libslirp as router and DHCP server in virtual time; the
 * in-process host and DHCP client against it; the pcapng of it all */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/analyze/analyze.h"
#include "netsim/capfile.h"
#include "netsim/dhcp_client.h"
#include "netsim/pcapng.h"
#include "netsim/slirp_node.h"

static const uint8_t vm_mac[6] = { 0xbc, 0x24, 0x11, 0, 0, 1 };

struct lab {
	struct ns_loop *l;
	struct ns_switch *sw;
	struct ns_slirp *slirp;
	struct ns_host *h;
	struct ns_dhcp_client *dc;
	int status;
	bool done;
	struct ns_dhcp_lease lease;
	uint64_t done_at;
};

static void on_dhcp(void *opaque, int status, const struct ns_dhcp_lease *l)
{
	struct lab *b = opaque;

	b->done = true;
	b->status = status;
	b->done_at = ns_loop_now(b->l);
	if (l)
		b->lease = *l;
}

static void lab_up(struct lab *b, bool dhcp, const struct ns_dhcp_config *cfg)
{
	struct ns_slirp_config sc = { .dhcp = dhcp };
	char err[128];

	memset(b, 0, sizeof(*b));
	cr_assert_eq(ns_subnet_parse("192.168.2.0/24", &sc.network, &sc.netmask), 0);
	b->l = ns_loop_new(NS_CLOCK_VIRTUAL, 11);
	b->sw = ns_switch_new(b->l, "vmbr0");
	b->slirp = ns_slirp_new(b->sw, &sc, err, sizeof(err));
	cr_assert(b->slirp, "%s", err);
	b->h = ns_host_new(b->sw, "vm", vm_mac);
	b->dc = ns_dhcp_client_new(b->h, cfg, on_dhcp, b);
	cr_assert(b->dc);
}

static void lab_down(struct lab *b)
{
	ns_dhcp_client_free(b->dc);
	ns_host_free(b->h);
	ns_slirp_free(b->slirp);
	ns_switch_free(b->sw);
	ns_loop_free(b->l);
}

Test(slirp, dhcp_network_gives_a_lease_in_virtual_time)
{
	struct lab b;

	lab_up(&b, true, NULL);
	cr_assert_eq(ns_dhcp_client_start(b.dc), 0);
	cr_assert_eq(ns_loop_run(b.l, 60 * NS_PER_S), 0, "%s",
		     ns_loop_error(b.l) ? ns_loop_error(b.l) : "");
	cr_assert(b.done);
	cr_assert_eq(b.status, 0);
	cr_assert_eq(b.lease.addr, 0xc0a8020f, "192.168.2.15");
	cr_assert_eq(b.lease.router, 0, "restricted slirp offers no router");
	cr_assert_eq(b.lease.server, 0xc0a80202);
	cr_assert_eq(b.lease.netmask, 0xffffff00);
	cr_assert_eq(ns_host_addr(b.h), 0xc0a8020f);
	cr_assert_eq(ns_dhcp_client_discovers(b.dc), 1);
	cr_assert_eq(b.done_at, 0, "answered at once, in virtual time");
	cr_assert_eq(ns_loop_stats(b.l)->polls, 0);
	lab_down(&b);
}

Test(slirp, static_network_never_answers_dhcp)
{
	static const uint64_t sched[] = { 4 * NS_PER_S, 8 * NS_PER_S,
		16 * NS_PER_S, 32 * NS_PER_S, 64 * NS_PER_S };
	const struct ns_dhcp_config cfg = { .discover_ns = sched, .n_discover = 5,
		.jitter_ns = NS_PER_S, .give_up_ns = 600 * NS_PER_S };
	struct lab b;

	lab_up(&b, false, &cfg);
	cr_assert_eq(ns_dhcp_client_start(b.dc), 0);
	cr_assert_eq(ns_loop_run(b.l, 700 * NS_PER_S), 0);
	cr_assert(b.done);
	cr_assert_eq(b.status, -ETIMEDOUT);
	cr_assert_eq(b.done_at, 600 * NS_PER_S, "gave up at 600 s exactly");
	/* 0, 4, 12, 28, 60, then every 64 s (+-1 s) until 600 s */
	cr_assert(ns_dhcp_client_discovers(b.dc) >= 12 &&
		  ns_dhcp_client_discovers(b.dc) <= 14, "%u discovers",
		  ns_dhcp_client_discovers(b.dc));
	cr_assert_eq(ns_host_addr(b.h), 0);
	lab_down(&b);
}

Test(slirp, gateway_answers_arp_and_ping_on_a_static_network)
{
	struct lab b;

	lab_up(&b, false, NULL);
	ns_host_set_addr(b.h, 0xc0a80248, 0xffffff00, 0xc0a80202);
	cr_assert_eq(ns_host_ping(b.h, 0xc0a80202, 1), 0);
	ns_loop_run(b.l, 5 * NS_PER_S);
	cr_assert_eq(ns_host_ping_replies(b.h), 1);
	cr_assert_eq(ns_host_stats(b.h)->arp_requests, 1);
	cr_assert_eq(ns_host_stats(b.h)->arp_failures, 0);
	lab_down(&b);
}

Test(slirp, unreachable_neighbour_is_retried_then_dropped)
{
	struct lab b;
	const uint8_t data[4] = "kdh";

	lab_up(&b, false, NULL);
	ns_host_set_addr(b.h, 0xc0a80248, 0xffffff00, 0);
	cr_assert_eq(ns_host_udp_send(b.h, 50000, 0xc0a80263, 50000, data, 4), 0);
	ns_loop_run(b.l, 30 * NS_PER_S);
	cr_assert_eq(ns_host_stats(b.h)->arp_requests, NS_ARP_RETRIES);
	cr_assert_eq(ns_host_stats(b.h)->arp_failures, 1);
	cr_assert_eq(ns_host_stats(b.h)->dropped, 1);
	lab_down(&b);
}

/* Two hosts exchange UDP; the capture is read back by capfile and the
 * analyzer sees the DHCP lease, all in virtual time. */
struct echo {
	unsigned got;
	char text[16];
};

static void on_udp(void *opaque, const uint8_t mac[6], uint32_t sip,
		   uint16_t sport, uint16_t dport, const uint8_t *d, size_t len)
{
	struct echo *e = opaque;

	e->got++;
	snprintf(e->text, sizeof(e->text), "%.*s", (int)len, (const char *)d);
}

Test(slirp, capture_of_a_dhcp_run_reads_back_and_analyzes)
{
	char *path = test_tmpfile(".pcapng"), err[128];
	static const uint8_t dbg_mac[6] = { 0x52, 0x54, 0, 0, 0, 9 };
	struct ns_pcapng *cap = ns_pcapng_open(path, err, sizeof(err));
	struct ns_host *dbg;
	struct echo e = { 0 };
	struct capfile *cf;
	struct cap_frame f;
	struct analysis *a;
	struct an_metrics m;
	uint8_t key[32] = { 0 };
	unsigned frames = 0, comments = 0;
	struct lab b;

	cr_assert(cap, "%s", err);
	lab_up(&b, true, NULL);
	ns_pcapng_attach(cap, b.sw);
	dbg = ns_host_new(b.sw, "debugger", dbg_mac);
	ns_host_set_addr(dbg, 0xc0a80201, 0xffffff00, 0);
	ns_host_udp_bind(dbg, 50000, on_udp, &e);
	ns_pcapng_event(cap, ns_loop_now(b.l), "power on vm100");
	ns_loop_run(b.l, 2 * NS_PER_S);
	ns_dhcp_client_start(b.dc);
	ns_loop_run(b.l, 4 * NS_PER_S);
	ns_host_udp_send(b.h, 50000, 0xc0a80201, 50000, (const uint8_t *)"hello", 5);
	ns_loop_run(b.l, 10 * NS_PER_S);
	cr_assert_eq(e.got, 1);
	cr_assert_str_eq(e.text, "hello");
	cr_assert_eq(ns_pcapng_close(cap), 0);

	cf = capfile_open(path, err, sizeof(err));
	cr_assert(cf, "%s", err);
	a = analysis_new(key, 0);
	while (capfile_next(cf, &f) == 1) {
		frames++;
		comments += f.comment != NULL;
		analysis_feed(a, &f);
	}
	cr_assert_null(capfile_warning(cf));
	cr_assert_eq(comments, 1);
	cr_assert_geq(frames, 7, "event, DISCOVER, OFFER, REQUEST, ACK, ARP x2, UDP");
	cr_assert(analysis_has_power_on(a));
	cr_assert_eq(analysis_n_targets(a), 1);
	an_metrics_compute(a, analysis_target(a, 0), &m);
	cr_assert_str_eq(m.address, "192.168.2.15");
	cr_assert_str_eq(m.address_source, "dhcp");
	cr_assert_eq(m.discover_count, 1);
	cr_assert_float_eq(m.dhcp_phase_s, 0.0, 1e-9);
	analysis_free(a);
	capfile_close(cf);
	ns_host_free(dbg);
	lab_down(&b);
	unlink(path);
	g_free(path);
}

Test(slirp, subnet_parse)
{
	uint32_t n, m;

	cr_assert_eq(ns_subnet_parse("10.0.2.7/24", &n, &m), 0);
	cr_assert_eq(n, 0x0a000200);
	cr_assert_eq(m, 0xffffff00);
	cr_assert_eq(ns_subnet_parse("10.0.2.0", &n, &m), -EINVAL);
	cr_assert_eq(ns_subnet_parse("10.0.2.0/31", &n, &m), -EINVAL);
	cr_assert_eq(ns_subnet_parse("300.0.2.0/24", &n, &m), -EINVAL);
}
