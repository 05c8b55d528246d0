// SPDX-License-Identifier: GPL-2.0-or-later
/* test_pkt.c - link/ARP/IPv4/UDP/DHCP parsers on built and damaged frames */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "helpers.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"

static const uint8_t mac_a[6] = { 0xbc, 0x24, 0x11, 0, 0, 1 };
static const uint8_t mac_b[6] = { 0xbc, 0x24, 0x11, 0, 0, 2 };

Test(pkt, udp_frame_parses)
{
	uint8_t f[128], pl[10] = "kdh-test!";
	struct frame_view v;
	size_t n = test_udp_frame(f, mac_a, mac_b, 0xc0a80248, 50000,
				  0xc0a80201, 50001, pl, sizeof(pl));

	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n, &v), 0);
	cr_assert_eq(v.kind, FRAME_UDP);
	cr_assert_arr_eq(v.eth.src, mac_a, 6);
	cr_assert(v.ip.csum_ok);
	cr_assert_eq(v.ip.src, 0xc0a80248);
	cr_assert_eq(v.udp.dport, 50001);
	cr_assert_eq(v.udp.len, sizeof(pl));
	/* Ethernet padding after the datagram must not become payload */
	memset(f + n, 0xee, 20);
	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n + 20, &v), 0);
	cr_assert_eq(v.udp.len, sizeof(pl));
	/* every truncation is an error or a shallower kind, never a crash */
	for (size_t len = 0; len < n; len++) {
		int rc = frame_parse(LINKTYPE_ETHERNET, f, len, &v);

		cr_assert(rc < 0 || v.kind != FRAME_UDP, "len %zu", len);
	}
}

Test(pkt, raw_and_sll_link_types)
{
	uint8_t f[128], sll[160], pl[4] = { 1, 2, 3, 4 };
	struct frame_view v;
	size_t n = test_udp_frame(f, mac_a, mac_b, 1, 2, 3, 4, pl, 4);

	cr_assert_eq(frame_parse(LINKTYPE_RAW, f + ETH_HLEN, n - ETH_HLEN, &v), 0);
	cr_assert_eq(v.kind, FRAME_UDP);
	cr_assert_not(v.eth.has_mac);
	memset(sll, 0, 16);
	sll[5] = 6;
	memcpy(sll + 6, mac_a, 6);
	sll[14] = 0x08;
	memcpy(sll + 16, f + ETH_HLEN, n - ETH_HLEN);
	cr_assert_eq(frame_parse(LINKTYPE_LINUX_SLL, sll, n - ETH_HLEN + 16, &v), 0);
	cr_assert_eq(v.kind, FRAME_UDP);
	cr_assert_arr_eq(v.eth.src, mac_a, 6);
	cr_assert_eq(frame_parse(999, f, n, &v), -EPROTONOSUPPORT);
}

Test(pkt, vlan_tag)
{
	uint8_t f[160], t[160], pl[4] = { 0 };
	struct frame_view v;
	size_t n = test_udp_frame(f, mac_a, mac_b, 1, 2, 3, 4, pl, 4);

	memcpy(t, f, 12);
	t[12] = 0x81; t[13] = 0x00; t[14] = 0x00; t[15] = 0x05;
	memcpy(t + 16, f + 12, n - 12);
	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, t, n + 4, &v), 0);
	cr_assert(v.eth.tagged);
	cr_assert_eq(v.eth.vlan, 5);
	cr_assert_eq(v.kind, FRAME_UDP);
}

Test(pkt, arp_probe)
{
	uint8_t f[64];
	static const uint8_t zero[6];
	struct frame_view v;
	size_t n = test_arp_frame(f, ARP_OP_REQUEST, mac_a, 0, zero, 0xa9fe0a0b);

	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n, &v), 0);
	cr_assert_eq(v.kind, FRAME_ARP);
	cr_assert_eq(v.arp.spa, 0);
	cr_assert(ip_is_linklocal(v.arp.tpa));
	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n - 1, &v), -EMSGSIZE);
}

Test(pkt, dhcp_messages)
{
	uint8_t m[300];
	struct dhcp_view d;
	size_t n = test_dhcp_msg(m, 2, DHCPACK, 0x1234, mac_a, 0x0a00020f,
				 0x0a000202);

	cr_assert_eq(dhcp_parse(m, n, &d), 0);
	cr_assert_eq(d.msg_type, DHCPACK);
	cr_assert_eq(d.xid, 0x1234);
	cr_assert_eq(d.yiaddr, 0x0a00020f);
	cr_assert_eq(d.server_id, 0x0a000202);
	cr_assert_arr_eq(d.chaddr, mac_a, 6);
	cr_assert_str_eq(dhcp_msg_name(d.msg_type), "DHCPACK");
	cr_assert_eq(dhcp_parse(m, 200, &d), -EMSGSIZE);
	m[241] = 200;		/* option length past the end */
	cr_assert_eq(dhcp_parse(m, 250, &d), -EMSGSIZE);
	m[236] = 0;
	cr_assert_eq(dhcp_parse(m, n, &d), -EPROTO);
}

Test(pkt, address_strings)
{
	char b[MAC_STRLEN], i[IP_STRLEN];
	uint8_t mac[6];

	cr_assert_str_eq(mac_str(mac_a, b), "bc:24:11:00:00:01");
	cr_assert_eq(mac_parse("BC-24-11-00-00-01", mac), 0);
	cr_assert_arr_eq(mac, mac_a, 6);
	cr_assert_eq(mac_parse("bc:24:11:00:00", mac), -EINVAL);
	cr_assert_eq(mac_parse("bc:24:11:00:00:01:02", mac), -EINVAL);
	/* found by tests/fuzz/text (regressions/text/mac-signed-hex): %2x
	 * took signs and blanks, "-1" as 0xff */
	cr_assert_eq(mac_parse("bc-24--1--1-ab-cc", mac), -EINVAL);
	cr_assert_eq(mac_parse("bc:24:+1: 1:ab:cc", mac), -EINVAL);
	cr_assert_eq(mac_parse("bc:24:11:00:00:0g", mac), -EINVAL);
	cr_assert_eq(mac_parse("bc:24:11.00:00:01", mac), -EINVAL);
	cr_assert_str_eq(ip_str(0xa9fe0102, i), "169.254.1.2");
}

Test(pkt, builders_round_trip)
{
	uint8_t f[256], icmp[64], m[DHCP_MAX_LEN];
	const uint8_t data[5] = "hello", params[3] = { 1, 3, 6 };
	struct frame_view v;
	struct icmp_view ic;
	struct dhcp_view d;
	struct dhcp_msg msg = { .op = 1, .msg_type = DHCPREQUEST, .xid = 77,
		.secs = 12, .requested_ip = 0x0a00020f, .server_id = 0x0a000202,
		.hostname = "WIN-KDNET", .params = params, .n_params = 3 };
	size_t n = udp_frame_build(f, sizeof(f), mac_b, mac_a, 0x0a00020f, 49152,
				   0x0a000202, 50000, data, 5);

	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n, &v), 0);
	cr_assert_eq(v.kind, FRAME_UDP);
	cr_assert(v.ip.csum_ok);
	cr_assert_eq(inet_csum(v.ip.payload, v.ip.len, (0x0a00 + 0x020f + 0x0a00 +
		     0x0202 + 17 + (uint32_t)v.ip.len)), 0, "UDP checksum verifies");
	cr_assert_eq(memcmp(v.udp.payload, data, 5), 0);
	cr_assert_eq(udp_frame_build(f, 40, mac_b, mac_a, 1, 2, 3, 4, data, 5), 0);

	n = icmp_echo_build(icmp, sizeof(icmp), ICMP_ECHO_REQUEST, 9, 3, data, 5);
	cr_assert_eq(icmp_parse(icmp, n, &ic), 0);
	cr_assert(ic.csum_ok);
	cr_assert_eq(ic.id, 9);
	cr_assert_eq(ic.seq, 3);
	cr_assert_eq(ic.len, 5);

	memcpy(msg.chaddr, mac_a, 6);
	n = dhcp_build(&msg, m, sizeof(m));
	cr_assert_geq(n, 300);
	cr_assert_eq(dhcp_parse(m, n, &d), 0);
	cr_assert_eq(d.msg_type, DHCPREQUEST);
	cr_assert_eq(d.xid, 77);
	cr_assert_eq(d.secs, 12);
	cr_assert_eq(d.requested_ip, 0x0a00020f);
	cr_assert_eq(d.server_id, 0x0a000202);
	cr_assert_eq(dhcp_build(&msg, m, 100), 0);

	n = arp_frame_build(f, sizeof(f), ARP_OP_REPLY, mac_a, 1, mac_b, 2);
	cr_assert_eq(frame_parse(LINKTYPE_ETHERNET, f, n, &v), 0);
	cr_assert_eq(v.arp.op, ARP_OP_REPLY);
	cr_assert_arr_eq(v.eth.dst, mac_b, 6);
}
