// SPDX-License-Identifier: GPL-2.0-or-later
/* pkt_build.c - packet builders: Ethernet, ARP, IPv4, UDP, ICMP echo
 *
 * Each writes a whole frame (or message) into a caller's buffer and returns
 * its length, 0 when the buffer is too small; checksums are filled in.
 */
#include <string.h>

#include "netsim/pkt.h"

const uint8_t mac_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/**
 * eth_build() - an Ethernet II header
 * @buf:	output
 * @cap:	its size
 * @dst, @src:	addresses
 * @type:	ethertype
 *
 * Return: 14, or 0 when @cap is too small
 */
size_t eth_build(uint8_t *buf, size_t cap, const uint8_t dst[ETH_ALEN],
		 const uint8_t src[ETH_ALEN], uint16_t type)
{
	if (cap < ETH_HLEN)
		return 0;
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	put16(buf + 12, type);
	return ETH_HLEN;
}

/**
 * arp_frame_build() - a whole ARP frame; requests go to broadcast
 * @buf:	output
 * @cap:	its size
 * @op:		ARP_OP_REQUEST or ARP_OP_REPLY
 * @sha, @spa:	sender
 * @tha, @tpa:	target (@tha ignored in requests, sent as zeros)
 *
 * Return: 42, or 0
 */
size_t arp_frame_build(uint8_t *buf, size_t cap, uint16_t op,
		       const uint8_t sha[ETH_ALEN], uint32_t spa,
		       const uint8_t tha[ETH_ALEN], uint32_t tpa)
{
	static const uint8_t zero[ETH_ALEN];
	uint8_t *a = buf + ETH_HLEN;
	bool req = op == ARP_OP_REQUEST;

	if (cap < ETH_HLEN + 28)
		return 0;
	eth_build(buf, cap, req ? mac_broadcast : tha, sha, ETHERTYPE_ARP);
	put16(a, 1);
	put16(a + 2, ETHERTYPE_IPV4);
	a[4] = ETH_ALEN;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, ETH_ALEN);
	put32(a + 14, spa);
	memcpy(a + 18, req ? zero : tha, ETH_ALEN);
	put32(a + 24, tpa);
	return ETH_HLEN + 28;
}

/**
 * ipv4_frame_build() - Ethernet + IPv4 header (checksummed) + payload
 * @buf:	output
 * @cap:	its size
 * @dst_mac, @src_mac: Ethernet addresses
 * @sip, @dip:	IPv4 addresses, host order
 * @proto:	IP protocol
 * @id:		identification
 * @payload:	bytes after the header (copied unless already in place)
 * @len:	their count
 *
 * Return: frame length, or 0
 */
size_t ipv4_frame_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[ETH_ALEN],
			const uint8_t src_mac[ETH_ALEN], uint32_t sip, uint32_t dip,
			uint8_t proto, uint16_t id, const uint8_t *payload,
			size_t len)
{
	uint8_t *ip = buf + ETH_HLEN;

	if (cap < ETH_HLEN + IPV4_HLEN + len || IPV4_HLEN + len > 0xffff)
		return 0;
	eth_build(buf, cap, dst_mac, src_mac, ETHERTYPE_IPV4);
	memset(ip, 0, IPV4_HLEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IPV4_HLEN + len));
	put16(ip + 4, id);
	put16(ip + 6, 0x4000);			/* don't fragment */
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	put16(ip + 10, inet_csum(ip, IPV4_HLEN, 0));
	if (payload != ip + IPV4_HLEN && len)
		memmove(ip + IPV4_HLEN, payload, len);
	return ETH_HLEN + IPV4_HLEN + len;
}

/**
 * udp_frame_build() - Ethernet + IPv4 + UDP (checksummed) + payload
 * @buf:	output
 * @cap:	its size
 * @dst_mac, @src_mac: Ethernet addresses
 * @sip, @sport, @dip, @dport: endpoints, host order
 * @payload:	datagram bytes
 * @len:	their count
 *
 * Return: frame length, or 0
 */
size_t udp_frame_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[ETH_ALEN],
		       const uint8_t src_mac[ETH_ALEN], uint32_t sip,
		       uint16_t sport, uint32_t dip, uint16_t dport,
		       const uint8_t *payload, size_t len)
{
	uint8_t *udp = buf + ETH_HLEN + IPV4_HLEN;
	size_t ulen = UDP_HLEN + len;
	uint32_t pseudo;
	uint16_t csum;

	if (cap < ETH_HLEN + IPV4_HLEN + ulen || ulen > 0xffff - IPV4_HLEN)
		return 0;
	memmove(udp + UDP_HLEN, payload, len);
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)ulen);
	put16(udp + 6, 0);
	pseudo = (sip >> 16) + (sip & 0xffff) + (dip >> 16) + (dip & 0xffff) +
		 IPPROTO_UDP_ + (uint32_t)ulen;
	csum = inet_csum(udp, ulen, pseudo);
	put16(udp + 6, csum ? csum : 0xffff);
	return ipv4_frame_build(buf, cap, dst_mac, src_mac, sip, dip,
				IPPROTO_UDP_, 0, udp, ulen);
}

/**
 * icmp_echo_build() - an ICMP echo request or reply (IPv4 payload)
 * @buf:	output
 * @cap:	its size
 * @type:	ICMP_ECHO_REQUEST or ICMP_ECHO_REPLY
 * @id, @seq:	identifier and sequence number
 * @data:	echo data
 * @len:	its length
 *
 * Return: message length, or 0
 */
size_t icmp_echo_build(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
		       uint16_t seq, const uint8_t *data, size_t len)
{
	if (cap < 8 + len)
		return 0;
	memmove(buf + 8, data, len);
	buf[0] = type;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	put16(buf + 2, inet_csum(buf, 8 + len, 0));
	return 8 + len;
}
