// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_addr.c - the address phase on the wire: DHCP, RFC 3927, ARP
 *
 * A lease counts when the client takes it, not when a DHCPACK crosses the
 * wire: on a lossy link the switch (and the capture) can see an ACK the
 * client never received.  So an ACK is pending until the client uses the
 * address -- ARP from it, IPv4 or KDNET from it -- which confirms it; a
 * DISCOVER after it means it was not taken (a timeline event says so, and
 * a later ACK may be); an ACK followed by neither counts when the client
 * stopped DISCOVERing, unless the capture ends before its next DISCOVER
 * would have been due (4 s, the Windows client's first wait): then the
 * capture cannot tell, and the address is not reported.
 */
#include <stdio.h>

#include "harness/analyze/analyze_priv.h"
#include "netsim/dhcp.h"

#define MAX_PROBE_EVENTS	3
#define LEASE_UNDECIDED_NS	(4ull * 1000000000ull)

/**
 * an_addr_used() - the NIC sent something from @src_ip: a pending lease of
 * that address is taken
 * @t:		target
 * @src_ip:	source address of an ARP, IPv4 or KDNET frame from the NIC
 * @now:	its time
 */
void an_addr_used(struct an_target *t, uint32_t src_ip, uint64_t now)
{
	char ip[IP_STRLEN];

	if (t->ack_pend_ns == AN_NONE || src_ip != t->ack_pend_addr ||
	    t->ack_ns != AN_NONE)
		return;
	t->ack_ns = t->ack_pend_ns;
	t->dhcp_addr = t->ack_pend_addr;
	an_event_add(t, now, "lease %s taken: the client sends from it",
		     ip_str(src_ip, ip));
}

/**
 * an_lease_ns() - when the NIC got the lease it took, AN_NONE if none
 * @t:		target
 * @end_ns:	the capture's last frame
 * @addr:	output: the address (when one was taken)
 * @undecided:	output: an ACK too close to the end to tell (may be NULL)
 *
 * Return: the ACK's time
 */
uint64_t an_lease_ns(const struct an_target *t, uint64_t end_ns, uint32_t *addr,
		     bool *undecided)
{
	bool open = t->ack_ns == AN_NONE && t->ack_pend_ns != AN_NONE;
	bool soon = open && end_ns - t->ack_pend_ns < LEASE_UNDECIDED_NS;

	if (undecided)
		*undecided = soon;
	if (t->ack_ns != AN_NONE) {
		*addr = t->dhcp_addr;
		return t->ack_ns;
	}
	if (open && !soon) {
		*addr = t->ack_pend_addr;	/* no DISCOVER after it */
		return t->ack_pend_ns;
	}
	return AN_NONE;
}

void an_arp_take(struct analysis *a, const struct arp_view *arp, uint64_t now)
{
	char ip[IP_STRLEN], mac[MAC_STRLEN];
	struct an_target *t;

	if (arp->spa && (t = analysis_open_target(a, arp->sha)))
		an_addr_used(t, arp->spa, now);
	if (arp->op == ARP_OP_REQUEST && !arp->spa && ip_is_linklocal(arp->tpa)) {
		t = an_target_get(a, arp->sha, now);
		if (t->first_probe_ns == AN_NONE)
			t->first_probe_ns = now;
		t->apipa_addr = arp->tpa;
		if (t->probes++ < MAX_PROBE_EVENTS)
			an_event_add(t, now, "ARP probe for %s (RFC 3927)",
				     ip_str(arp->tpa, ip));
	} else if (arp->spa == arp->tpa && ip_is_linklocal(arp->spa)) {
		t = an_target_get(a, arp->sha, now);
		t->apipa_addr = arp->spa;
		t->announcements++;
		an_event_add(t, now, "ARP announcement: %s is mine",
			     ip_str(arp->spa, ip));
	} else if (arp->op == ARP_OP_REQUEST) {
		t = a->dbg_ip && arp->tpa == a->dbg_ip ?
		    an_target_get(a, arp->sha, now) : analysis_open_target(a, arp->sha);
		if (!t)
			return;
		t->arp_requests++;
		t->arp_for_debugger += a->dbg_ip && arp->tpa == a->dbg_ip;
		if (t->arp_last_asked != arp->tpa)
			an_event_add(t, now, "ARP who-has %s", ip_str(arp->tpa, ip));
		t->arp_last_asked = arp->tpa;
	} else if (arp->op == ARP_OP_REPLY && (t = analysis_open_target(a, arp->tha))) {
		an_event_add(t, now, "ARP reply: %s is at %s",
			     ip_str(arp->spa, ip), mac_str(arp->sha, mac));
	}
}

/* A DISCOVER after an ACK the client did not take */
static void ack_not_taken(struct an_target *t, uint64_t now)
{
	char ip[IP_STRLEN];

	if (t->ack_pend_ns == AN_NONE || t->ack_ns != AN_NONE)
		return;
	t->acks_not_taken++;
	an_event_add(t, now, "ACK %s not taken: DISCOVER again %.0f s later",
		     ip_str(t->ack_pend_addr, ip),
		     (double)(now - t->ack_pend_ns) / 1e9);
	t->ack_pend_ns = AN_NONE;
	t->ack_pend_addr = 0;
}

void an_dhcp_take(struct analysis *a, const struct udp_view *udp, uint64_t now)
{
	char ip[IP_STRLEN], sid[IP_STRLEN];
	struct dhcp_view d;
	struct an_target *t;

	if (dhcp_parse(udp->payload, udp->len, &d))
		return;
	t = an_target_get(a, d.chaddr, now);
	switch (d.msg_type) {
	case DHCPDISCOVER:
		ack_not_taken(t, now);
		if (t->first_discover_ns == AN_NONE)
			t->first_discover_ns = now;
		t->discovers++;
		an_event_add(t, now, "DHCPDISCOVER #%u xid 0x%08x secs %u",
			     t->discovers, d.xid, d.secs);
		return;
	case DHCPOFFER:
		t->offers++;
		break;
	case DHCPREQUEST:
		t->requests++;
		an_event_add(t, now, "DHCPREQUEST %s xid 0x%08x",
			     ip_str(d.requested_ip ? d.requested_ip : d.ciaddr, ip),
			     d.xid);
		return;
	case DHCPACK:
		t->acks++;
		if (t->ack_ns == AN_NONE && t->ack_pend_ns == AN_NONE) {
			t->ack_pend_ns = now;
			t->ack_pend_addr = d.yiaddr;
		}
		break;
	case DHCPNAK:
		t->naks++;
		break;
	default:
		an_event_add(t, now, "%s xid 0x%08x", dhcp_msg_name(d.msg_type),
			     d.xid);
		return;
	}
	an_event_add(t, now, "%s %s from %s", dhcp_msg_name(d.msg_type),
		     ip_str(d.yiaddr, ip), ip_str(d.server_id, sid));
}
