// SPDX-License-Identifier: GPL-2.0-or-later
/* pkt.c - libFuzzer harness: the packet parsers (Ethernet, Linux SLL,
 * raw IP; ARP, IPv4, UDP, ICMP; DHCP).  The first input byte picks the
 * link type, the rest is the frame.
 * Invariants: every view points inside the frame and its lengths stay
 * within it; a UDP view on port 67/68 parses as DHCP or fails cleanly;
 * DHCP options found have sane values (message type kept as read). */
#include "fuzz.h"
#include "netsim/capfile.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"

#define INSIDE(p, n, b, len) \
	((p) >= (b) && (size_t)((p) - (b)) <= (len) && (n) <= (len) - (size_t)((p) - (b)))

static const uint16_t links[] = { LINKTYPE_ETHERNET, LINKTYPE_RAW,
	LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_USER1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_view v;
	struct dhcp_view d;
	struct icmp_view ic;
	struct arp_view arp;
	struct ipv4_view ip;
	struct udp_view udp;
	uint8_t *b;
	size_t len;
	int rc;

	if (!size)
		return 0;
	len = size - 1;
	b = fuzz_dup(data + 1, len);
	rc = frame_parse(links[data[0] % 5], b, len, &v);
	if (!rc)
		FUZZ_CHECK(INSIDE(v.eth.payload, v.eth.len, b, len),
			   "link payload of %zu outside the %zu-byte frame",
			   v.eth.len, len);
	if (!rc && (v.kind == FRAME_IPV4 || v.kind == FRAME_UDP)) {
		FUZZ_CHECK(INSIDE(v.ip.payload, v.ip.len, b, len),
			   "IPv4 payload of %zu outside the %zu-byte frame",
			   (size_t)v.ip.len, len);
		icmp_parse(v.ip.payload, v.ip.len, &ic);
	}
	if (!rc && v.kind == FRAME_UDP) {
		FUZZ_CHECK(INSIDE(v.udp.payload, v.udp.len, b, len),
			   "UDP payload of %zu outside the %zu-byte frame",
			   (size_t)v.udp.len, len);
		FUZZ_CHECK((size_t)v.udp.len + 8 <= v.ip.len, "UDP %zu in IP %zu",
			   (size_t)v.udp.len, (size_t)v.ip.len);
		if (!dhcp_parse(v.udp.payload, v.udp.len, &d))
			FUZZ_CHECK(dhcp_msg_name(d.msg_type), "no name");
	}
	/* the layer parsers alone, on the same bytes */
	arp_parse(b, len, &arp);
	if (!ipv4_parse(b, len, &ip))
		FUZZ_CHECK(INSIDE(ip.payload, ip.len, b, len), "ipv4_parse: payload "
			   "%zu outside %zu bytes", (size_t)ip.len, len);
	if (!udp_parse(b, len, &udp))
		FUZZ_CHECK(INSIDE(udp.payload, udp.len, b, len), "udp_parse: payload "
			   "%zu outside %zu bytes", (size_t)udp.len, len);
	if (!dhcp_parse(b, len, &d))
		FUZZ_CHECK(dhcp_msg_name(d.msg_type), "no name");
	if (!icmp_parse(b, len, &ic))
		FUZZ_CHECK(INSIDE(ic.data, ic.len, b, len), "icmp data outside");
	free(b);
	return 0;
}
