/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pkt.h - packet parsers: link layer, Ethernet, ARP, IPv4, UDP
 *
 * Pure functions over a byte buffer; every length comes from the buffer and
 * is checked.  Addresses are host byte order (uint32_t IPv4, uint16_t ports).
 */
#ifndef NETSIM_PKT_H
#define NETSIM_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_VLAN		0x8100
#define IPPROTO_ICMP_		1
#define IPPROTO_UDP_		17
#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8
#define IPV4_HLEN		20
#define UDP_HLEN		8
#define ARP_OP_REQUEST		1
#define ARP_OP_REPLY		2

#define MAC_STRLEN		18	/* "aa:bb:cc:dd:ee:ff" + NUL */
#define IP_STRLEN		16

/**
 * struct eth_view - link-layer header
 * @dst, @src:	MAC addresses (@dst zero for link types without one)
 * @has_mac:	the link type carries @src
 * @type:	ethertype after an optional 802.1Q tag
 * @vlan:	VLAN id when @tagged
 * @payload, @len: the network-layer bytes
 */
struct eth_view {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	bool has_mac;
	bool tagged;
	uint16_t vlan;
	uint16_t type;
	const uint8_t *payload;
	size_t len;
};

struct arp_view {
	uint16_t op;
	uint8_t sha[ETH_ALEN];
	uint32_t spa;
	uint8_t tha[ETH_ALEN];
	uint32_t tpa;
};

/**
 * struct ipv4_view - IPv4 header
 * @fragment:	part of a fragmented datagram (payload is not a whole UDP)
 * @csum_ok:	header checksum verifies
 */
struct ipv4_view {
	uint32_t src;
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl;
	uint16_t id;
	bool fragment;
	bool csum_ok;
	const uint8_t *payload;
	size_t len;
};

struct udp_view {
	uint16_t sport;
	uint16_t dport;
	const uint8_t *payload;
	size_t len;
};

/**
 * struct icmp_view - ICMP echo request/reply
 * @csum_ok:	checksum over the whole message verifies
 */
struct icmp_view {
	uint8_t type;
	uint8_t code;
	uint16_t id;
	uint16_t seq;
	bool csum_ok;
	const uint8_t *data;
	size_t len;
};

enum frame_kind { FRAME_OTHER, FRAME_ARP, FRAME_IPV4, FRAME_UDP };

/**
 * struct frame_view - a frame parsed as far as kdh cares
 * @kind:	the deepest layer that parsed
 */
struct frame_view {
	enum frame_kind kind;
	struct eth_view eth;
	struct arp_view arp;
	struct ipv4_view ip;
	struct udp_view udp;
};

int link_parse(uint16_t linktype, const uint8_t *f, size_t len,
	       struct eth_view *e);
int arp_parse(const uint8_t *p, size_t len, struct arp_view *a);
int ipv4_parse(const uint8_t *p, size_t len, struct ipv4_view *ip);
int udp_parse(const uint8_t *p, size_t len, struct udp_view *u);
int frame_parse(uint16_t linktype, const uint8_t *f, size_t len,
		struct frame_view *v);
uint16_t inet_csum(const uint8_t *p, size_t len, uint32_t sum);
int icmp_parse(const uint8_t *p, size_t len, struct icmp_view *v);

/* Builders (pkt_build.c): write into @buf, return bytes written, or 0 when
 * @cap is too small.  Checksums are computed. */
extern const uint8_t mac_broadcast[ETH_ALEN];
size_t eth_build(uint8_t *buf, size_t cap, const uint8_t dst[ETH_ALEN],
		 const uint8_t src[ETH_ALEN], uint16_t type);
size_t arp_frame_build(uint8_t *buf, size_t cap, uint16_t op,
		       const uint8_t sha[ETH_ALEN], uint32_t spa,
		       const uint8_t tha[ETH_ALEN], uint32_t tpa);
size_t ipv4_frame_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[ETH_ALEN],
			const uint8_t src_mac[ETH_ALEN], uint32_t sip, uint32_t dip,
			uint8_t proto, uint16_t id, const uint8_t *payload,
			size_t len);
size_t udp_frame_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[ETH_ALEN],
		       const uint8_t src_mac[ETH_ALEN], uint32_t sip,
		       uint16_t sport, uint32_t dip, uint16_t dport,
		       const uint8_t *payload, size_t len);
size_t icmp_echo_build(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
		       uint16_t seq, const uint8_t *data, size_t len);

const char *mac_str(const uint8_t mac[ETH_ALEN], char buf[MAC_STRLEN]);
int mac_parse(const char *s, uint8_t mac[ETH_ALEN]);
bool mac_is_nic(const uint8_t mac[ETH_ALEN]);
const char *ip_str(uint32_t ip, char buf[IP_STRLEN]);
bool ip_is_linklocal(uint32_t ip);

#endif /* NETSIM_PKT_H */
