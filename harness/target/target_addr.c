// SPDX-License-Identifier: GPL-2.0-or-later
/* target_addr.c - the debug NIC's address: Windows-like DHCP, then an
 * RFC 3927 link-local address; or the static address with `dhcp no`
 *
 * Theory of operation: with dhcp on, DISCOVERs follow the Windows
 * schedule (4, 8, 16, 32, 64 s, +-1 s, repeating) while the boot waits at
 * the logo; no lease after dhcp_give_up (600 s) means RFC 3927: pick
 * 169.254.x.y (x in 1..254) from the run's RNG, wait 0-1 s, send 3 ARP
 * probes 1-2 s apart, wait 2 s, then announce twice 2 s apart; an ARP from
 * another MAC for the candidate means a conflict and a new candidate.
 * With dhcp off the configured static address is used at once.
 */
#include <errno.h>
#include <string.h>

#include "harness/target/target_priv.h"
#include "netsim/capfile.h"

static uint64_t between(struct target *t, uint64_t lo, uint64_t hi)
{
	return lo + ns_rng_below(ns_loop_rng(t->loop), hi - lo + 1);
}

static void apipa_pick(struct target *t)
{
	struct ns_rng *r = ns_loop_rng(t->loop);

	t->apipa_ip = 0xa9fe0000u | (uint32_t)(1 + ns_rng_below(r, 254)) << 8 |
		      (uint32_t)ns_rng_below(r, 256);
	t->apipa_step = 0;
	t->apipa_conflict = false;
	ns_timer_mod(t->addr_timer, ns_loop_now(t->loop) +
		     between(t, 0, APIPA_PROBE_WAIT));
}

static void arp_send(struct target *t, uint32_t spa, uint32_t tpa)
{
	static const uint8_t zero[6];
	size_t n = arp_frame_build(t->buf, sizeof(t->buf), ARP_OP_REQUEST,
				   ns_host_mac(t->host), spa, zero, tpa);

	ns_host_send_frame(t->host, t->buf, n);
}

/* One RFC 3927 step: probes 0..2, announcements 3..4, then done */
void target_addr_timer(void *opaque)
{
	struct target *t = opaque;
	uint64_t now = ns_loop_now(t->loop);
	unsigned step = t->apipa_step++;

	if (t->apipa_conflict) {
		target_log(t, "169.254 address in use: picking another");
		apipa_pick(t);
		return;
	}
	if (step < APIPA_PROBE_NUM) {
		arp_send(t, 0, t->apipa_ip);
		ns_timer_mod(t->addr_timer, now + (step + 1 < APIPA_PROBE_NUM ?
			     between(t, APIPA_PROBE_MIN, APIPA_PROBE_MAX) :
			     APIPA_ANNOUNCE_WAIT));
	} else if (step < APIPA_PROBE_NUM + APIPA_ANNOUNCE_NUM) {
		arp_send(t, t->apipa_ip, t->apipa_ip);
		if (step + 1 < APIPA_PROBE_NUM + APIPA_ANNOUNCE_NUM) {
			ns_timer_mod(t->addr_timer, now + APIPA_ANNOUNCE_INTERVAL);
			return;
		}
		ns_host_set_addr(t->host, t->apipa_ip, 0xffff0000u, 0);
		target_address_ready(t);
	}
}

/**
 * target_addr_sniff() - watch ARP for a conflict with our 169.254 candidate
 * @t:		target
 * @frame:	a frame delivered to the stack
 * @len:	its length
 */
void target_addr_sniff(struct target *t, const uint8_t *frame, size_t len)
{
	struct frame_view v;

	if (!t->apipa_ip || t->apipa_step > APIPA_PROBE_NUM + APIPA_ANNOUNCE_NUM ||
	    frame_parse(LINKTYPE_ETHERNET, frame, len, &v) || v.kind != FRAME_ARP ||
	    !memcmp(v.arp.sha, ns_host_mac(t->host), 6))
		return;
	if (v.arp.spa == t->apipa_ip || (!v.arp.spa && v.arp.tpa == t->apipa_ip))
		t->apipa_conflict = true;
}

static void dhcp_done(void *opaque, int status, const struct ns_dhcp_lease *l)
{
	struct target *t = opaque;

	if (!status) {
		target_address_ready(t);
		return;
	}
	target_log(t, "no DHCP answer after %u DISCOVERs: RFC 3927",
		   ns_dhcp_client_discovers(t->dhcp));
	apipa_pick(t);
}

/**
 * target_addr_start() - get the debug NIC an address, then call
 * target_address_ready()
 * @t:		target (stack up)
 */
void target_addr_start(struct target *t)
{
	const struct target_timing *tm = &t->cfg.timing;
	struct ns_dhcp_config dc = { .discover_ns = tm->dhcp_ns,
		.n_discover = tm->n_dhcp, .jitter_ns = tm->dhcp_jitter_ns,
		.give_up_ns = tm->dhcp_give_up_ns };

	if (!t->cfg.dhcp) {
		if (!t->cfg.ip) {
			target_log(t, "dhcp no, but no static address: debugging off");
			t->phase = TP_NO_DEBUG;
			return;
		}
		ns_host_set_addr(t->host, t->cfg.ip, t->cfg.netmask, t->cfg.gateway);
		target_address_ready(t);
		return;
	}
	t->dhcp = ns_dhcp_client_new(t->host, &dc, dhcp_done, t);
	if (!t->dhcp || ns_dhcp_client_start(t->dhcp))
		target_log(t, "DHCP client could not start");
}

/**
 * target_addr_stop() - abandon address acquisition (power off)
 * @t:		target
 */
void target_addr_stop(struct target *t)
{
	ns_timer_del(t->addr_timer);
	t->apipa_ip = 0;
}
