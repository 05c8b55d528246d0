/* test_pkt.c - link/ARP/IPv4/UDP/DHCP parsers on built and damaged frames */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "helpers.h"
#include "kdh/dhcp.h"
#include "kdh/pkt.h"

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
	cr_assert_str_eq(ip_str(0xa9fe0102, i), "169.254.1.2");
}
