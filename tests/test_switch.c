// SPDX-License-Identifier: GPL-2.0-or-later
/* test_switch.c - learning, flooding, ageing, re-entrancy, link faults */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "netsim/switch.h"

struct node {
	struct ns_port *port;
	unsigned frames;
	uint8_t last[64];
	struct node *echo_to;		/* answer every frame through this node */
	unsigned seen_order[16];
	unsigned n_order;
};

static void node_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct node *n = opaque;

	n->frames++;
	memcpy(n->last, frame, len < 64 ? len : 64);
	if (n->n_order < 16)
		n->seen_order[n->n_order++] = frame[14];
	if (n->echo_to) {	/* re-entrant send from inside deliver */
		uint8_t reply[60] = { 0 };

		memset(reply, 0xff, 6);		/* broadcast: everyone sees it */
		reply[6] = 2;
		reply[11] = 0x77;
		reply[14] = (uint8_t)(frame[14] + 100);
		ns_port_input(n->echo_to->port, reply, sizeof(reply));
	}
}

static const struct ns_port_ops node_ops = { .deliver = node_deliver };

static void frame_to(uint8_t *f, uint8_t dst, uint8_t src, uint8_t tag)
{
	memset(f, 0, 60);
	f[0] = 2; f[5] = dst;		/* locally administered unicast */
	f[6] = 2; f[11] = src;
	if (dst == 0xff)
		memset(f, 0xff, 6);
	f[12] = 0x08;
	f[14] = tag;
}

struct net {
	struct ns_loop *l;
	struct ns_switch *sw;
	struct node n[4];
};

static void net_up(struct net *t, int nodes)
{
	char name[8];

	memset(t, 0, sizeof(*t));
	t->l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	t->sw = ns_switch_new(t->l, "sw");
	for (int i = 0; i < nodes; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		t->n[i].port = ns_port_new(t->sw, name, &node_ops, &t->n[i]);
	}
}

static void net_down(struct net *t)
{
	ns_switch_free(t->sw);
	ns_loop_free(t->l);
}

Test(switch, floods_unknown_then_learns)
{
	struct net t;
	uint8_t f[60];

	net_up(&t, 3);
	frame_to(f, 2, 1, 0);		/* node 0 (MAC ..01) to MAC ..02 */
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[1].frames, 1, "unknown unicast floods");
	cr_assert_eq(t.n[2].frames, 1);
	cr_assert_eq(t.n[0].frames, 0, "never back out of the ingress port");
	frame_to(f, 1, 2, 0);		/* node 1 answers: it is learned too */
	ns_port_input(t.n[1].port, f, 60);
	cr_assert_eq(t.n[0].frames, 1, "known unicast goes to one port");
	cr_assert_eq(t.n[2].frames, 1);
	frame_to(f, 2, 1, 0);
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[1].frames, 2);
	cr_assert_eq(t.n[2].frames, 1, "no more flooding once learned");
	frame_to(f, 0xff, 1, 0);	/* broadcast always floods */
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[1].frames, 3);
	cr_assert_eq(t.n[2].frames, 2);
	net_down(&t);
}

static void noop(void *opaque) { }

Test(switch, entries_age_out)
{
	struct net t;
	uint8_t f[60], mac1[6] = { 2, 0, 0, 0, 0, 1 };
	struct ns_timer *tm;

	net_up(&t, 3);
	ns_switch_set_ageing(t.sw, 10 * NS_PER_S);
	frame_to(f, 0xff, 1, 0);
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(ns_switch_lookup(t.sw, mac1), t.n[0].port);
	tm = ns_timer_new(t.l, noop, NULL);
	ns_timer_mod(tm, 11 * NS_PER_S);
	ns_loop_run(t.l, NS_NEVER);
	cr_assert_null(ns_switch_lookup(t.sw, mac1), "aged out after 10 s");
	frame_to(f, 1, 2, 0);
	ns_port_input(t.n[1].port, f, 60);
	cr_assert_eq(t.n[2].frames, 2, "aged-out destination floods again");
	ns_timer_free(tm);
	net_down(&t);
}

Test(switch, freed_port_is_forgotten)
{
	struct net t;
	uint8_t f[60], mac1[6] = { 2, 0, 0, 0, 0, 1 };

	net_up(&t, 3);
	frame_to(f, 0xff, 1, 0);
	ns_port_input(t.n[0].port, f, 60);
	ns_port_free(t.n[0].port);
	cr_assert_null(ns_switch_lookup(t.sw, mac1));
	cr_assert_eq(ns_switch_n_ports(t.sw), 2);
	frame_to(f, 1, 2, 0);
	ns_port_input(t.n[1].port, f, 60);
	cr_assert_eq(t.n[2].frames, 2);
	net_down(&t);
}

Test(switch, many_macs_and_runts)
{
	struct net t;
	uint8_t f[60], mac[6] = { 2, 0, 0, 0, 0, 0 };

	net_up(&t, 2);
	for (int i = 0; i < 5000; i++) {
		frame_to(f, 0xff, (uint8_t)i, 0);
		f[10] = (uint8_t)(i >> 8);
		ns_port_input(t.n[i & 1].port, f, 60);
	}
	for (int i = 0; i < 5000; i += 97) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		cr_assert_eq(ns_switch_lookup(t.sw, mac), t.n[i & 1].port, "mac %d", i);
	}
	ns_port_input(t.n[0].port, f, 13);
	cr_assert_eq(ns_port_rx(t.n[0].port), 2500, "a runt is not forwarded");
	net_down(&t);
}

/* A node that answers from inside deliver: the answer waits until the
 * original frame has reached every port, so order stays causal. */
Test(switch, sends_from_deliver_are_deferred_in_order)
{
	struct net t;
	uint8_t f[60];

	net_up(&t, 3);
	t.n[1].echo_to = &t.n[1];
	frame_to(f, 0xff, 1, 7);
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[2].n_order, 2);
	cr_assert_eq(t.n[2].seen_order[0], 7, "the broadcast first");
	cr_assert_eq(t.n[2].seen_order[1], 107, "then the answer it caused");
	cr_assert_eq(t.n[0].frames, 1, "the answer reached the sender");
	cr_assert_eq(t.n[0].seen_order[0], 107);
	net_down(&t);
}

static unsigned run_faults(uint64_t seed, const struct ns_faults *f,
			   struct ns_link_stats *st)
{
	struct net t;
	uint8_t fr[60];

	net_up(&t, 2);
	ns_rng_seed(ns_loop_rng(t.l), seed);
	ns_port_set_faults(t.n[1].port, NS_DIR_OUT, f);
	for (int i = 0; i < 10000; i++) {
		frame_to(fr, 0xff, 1, (uint8_t)i);
		ns_port_input(t.n[0].port, fr, 60);
		ns_loop_run(t.l, ns_loop_now(t.l) + NS_PER_MS);
	}
	ns_loop_run(t.l, NS_NEVER);
	*st = *ns_port_link_stats(t.n[1].port, NS_DIR_OUT);
	unsigned got = t.n[1].frames;

	net_down(&t);
	return got;
}

Test(faults, exact_counts_that_replay)
{
	const struct ns_faults f = { .loss_pct = 5, .dup_pct = 3,
		.reorder_pct = 2 };
	struct ns_link_stats a, b, c;
	unsigned ga = run_faults(7, &f, &a), gb = run_faults(7, &f, &b);
	unsigned gc = run_faults(8, &f, &c);

	cr_assert_eq(a.frames, 10000);
	cr_assert_eq(ga, a.frames - a.lost + a.duplicated,
		     "every frame is delivered, lost or duplicated");
	cr_assert(a.lost > 400 && a.lost < 600, "5%% loss: %llu",
		  (unsigned long long)a.lost);
	cr_assert(a.duplicated > 200 && a.duplicated < 400);
	cr_assert(a.reordered > 100 && a.reordered < 300);
	cr_assert_eq(ga, gb, "same seed, same run");
	cr_assert_eq(a.lost, b.lost);
	cr_assert_eq(a.duplicated, b.duplicated);
	cr_assert_eq(a.reordered, b.reordered);
	cr_assert(a.lost != c.lost || a.duplicated != c.duplicated ||
		  ga != gc, "another seed, another run");
}

struct stamp {
	struct ns_loop *l;
	uint64_t at[100];
	int n;
};

static void stamp_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct stamp *s = opaque;

	s->at[s->n++] = ns_loop_now(s->l);
}

Test(faults, delay_and_jitter_in_virtual_time)
{
	static const struct ns_port_ops ops = { .deliver = stamp_deliver };
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 3);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct stamp s = { .l = l };
	struct stamp sa = { .l = l };
	struct ns_port *a = ns_port_new(sw, "a", &ops, &sa);
	cr_assert(ns_port_new(sw, "b", &ops, &s));
	const struct ns_faults f = { .delay_ns = 50 * NS_PER_MS,
				     .jitter_ns = 10 * NS_PER_MS };
	uint8_t fr[60];

	ns_port_set_faults(a, NS_DIR_IN, &f);
	for (int i = 0; i < 100; i++) {
		frame_to(fr, 0xff, 1, 0);
		ns_port_input(a, fr, 60);
	}
	ns_loop_run(l, NS_NEVER);
	cr_assert_eq(s.n, 100);
	for (int i = 0; i < 100; i++) {
		cr_assert_geq(s.at[i], 40 * NS_PER_MS);
		cr_assert_leq(s.at[i], 60 * NS_PER_MS);
		if (i)
			cr_assert_geq(s.at[i], s.at[i - 1], "delivered in time order");
	}
	cr_assert_eq(ns_port_link_stats(a, NS_DIR_IN)->delayed, 100);
	ns_switch_free(sw);
	ns_loop_free(l);
}

static void count_frame(void *opaque, const struct ns_port *in,
			const uint8_t *frame, size_t len, uint64_t now)
{
	(*(unsigned *)opaque)++;
}

/* Proxmox's tag=: p1 and p2 on VLAN 5, p0 and p3 on the bridge's VLAN 1.
 * Frames stay in their VLAN whether flooded or learned, and the monitor
 * (the bridge's own capture) sees VLAN 1 only */
Test(switch, vlans_keep_their_frames)
{
	struct net t;
	unsigned seen = 0;
	uint8_t f[60];

	net_up(&t, 4);
	ns_switch_add_monitor(t.sw, count_frame, &seen);
	cr_assert_eq(ns_port_set_vlan(t.n[1].port, 5), 0);
	cr_assert_eq(ns_port_set_vlan(t.n[2].port, 5), 0);
	cr_assert_eq(ns_port_set_vlan(t.n[3].port, 4095), -1, "no VLAN 4095");
	frame_to(f, 0xff, 2, 0);	/* p1 broadcasts on VLAN 5 */
	ns_port_input(t.n[1].port, f, 60);
	cr_assert_eq(t.n[2].frames, 1, "its VLAN hears it");
	cr_assert_eq(t.n[0].frames + t.n[3].frames, 0, "VLAN 1 does not");
	cr_assert_eq(seen, 0, "the bridge's capture is on VLAN 1");
	frame_to(f, 2, 1, 0);		/* p0 to p1's learned MAC: not its VLAN */
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[1].frames, 0, "no unicast across VLANs");
	cr_assert_eq(t.n[3].frames, 1, "flooded in VLAN 1 instead");
	cr_assert_eq(seen, 1);
	frame_to(f, 2, 3, 0);		/* p2 to p1: same VLAN, learned */
	ns_port_input(t.n[2].port, f, 60);
	cr_assert_eq(t.n[1].frames, 1);
	cr_assert_eq(t.n[0].frames + t.n[3].frames, 1, "nothing more on VLAN 1");
	ns_port_set_vlan(t.n[1].port, 0);	/* back on VLAN 1 */
	frame_to(f, 2, 1, 0);
	ns_port_input(t.n[0].port, f, 60);
	cr_assert_eq(t.n[1].frames, 2, "untagged again: reached");
	net_down(&t);
}
