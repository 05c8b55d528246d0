// SPDX-License-Identifier: GPL-2.0-or-later
/* pkt.c - packet parsers: link layer, Ethernet/802.1Q, ARP, IPv4, UDP
 *
 * A malformed packet is an error return, never a read past the buffer:
 * callers count it and go on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netsim/capfile.h"
#include "netsim/pkt.h"

#define SLL_HLEN	16

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int eth_parse(const uint8_t *f, size_t len, struct eth_view *e)
{
	size_t off = ETH_HLEN;

	if (len < ETH_HLEN)
		return -EMSGSIZE;
	memcpy(e->dst, f, ETH_ALEN);
	memcpy(e->src, f + ETH_ALEN, ETH_ALEN);
	e->has_mac = true;
	e->type = be16(f + 12);
	if (e->type == ETHERTYPE_VLAN) {
		if (len < ETH_HLEN + 4)
			return -EMSGSIZE;
		e->tagged = true;
		e->vlan = be16(f + 14) & 0x0fff;
		e->type = be16(f + 16);
		off += 4;
	}
	e->payload = f + off;
	e->len = len - off;
	return 0;
}

/**
 * link_parse() - read the link-layer header of a captured frame
 * @linktype:	LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_RAW or
 *		LINKTYPE_IPV4
 * @f:		frame bytes
 * @len:	captured length
 * @e:		filled on success
 *
 * Return: 0, -EMSGSIZE for a short frame, -EPROTONOSUPPORT for other types
 */
int link_parse(uint16_t linktype, const uint8_t *f, size_t len,
	       struct eth_view *e)
{
	memset(e, 0, sizeof(*e));
	switch (linktype) {
	case LINKTYPE_ETHERNET:
		return eth_parse(f, len, e);
	case LINKTYPE_LINUX_SLL:
		if (len < SLL_HLEN)
			return -EMSGSIZE;
		if (be16(f + 4) == 6) {		/* address length */
			memcpy(e->src, f + 6, ETH_ALEN);
			e->has_mac = true;
		}
		e->type = be16(f + 14);
		e->payload = f + SLL_HLEN;
		e->len = len - SLL_HLEN;
		return 0;
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
		e->type = ETHERTYPE_IPV4;
		e->payload = f;
		e->len = len;
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}

/**
 * arp_parse() - read an Ethernet/IPv4 ARP packet
 * @p:		ARP bytes
 * @len:	their count
 * @a:		filled on success
 *
 * Return: 0, -EMSGSIZE, or -EPROTO for another hardware/protocol pair
 */
int arp_parse(const uint8_t *p, size_t len, struct arp_view *a)
{
	if (len < 28)
		return -EMSGSIZE;
	if (be16(p) != 1 || be16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6 ||
	    p[5] != 4)
		return -EPROTO;
	a->op = be16(p + 6);
	memcpy(a->sha, p + 8, ETH_ALEN);
	a->spa = be32(p + 14);
	memcpy(a->tha, p + 18, ETH_ALEN);
	a->tpa = be32(p + 24);
	return 0;
}

/**
 * inet_csum() - Internet checksum (RFC 1071)
 * @p:		bytes
 * @len:	their count
 * @sum:	initial partial sum (pseudo-header), 0 for none
 *
 * Return: the folded, complemented checksum (0 when @p holds a valid one)
 */
uint16_t inet_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (; len > 1; p += 2, len -= 2)
		s += be16(p);
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/**
 * ipv4_parse() - read an IPv4 header
 * @p:		IP bytes
 * @len:	bytes available (may include link-layer padding)
 * @ip:		filled on success; @ip->len is the total length's payload
 *
 * Return: 0, -EMSGSIZE when the buffer is shorter than the header says,
 * -EPROTO when it is not IPv4
 */
int ipv4_parse(const uint8_t *p, size_t len, struct ipv4_view *ip)
{
	size_t ihl, total;

	if (len < 20)
		return -EMSGSIZE;
	if (p[0] >> 4 != 4)
		return -EPROTO;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	total = be16(p + 2);
	if (ihl < 20 || total < ihl)
		return -EPROTO;
	if (total > len)
		return -EMSGSIZE;
	ip->id = be16(p + 4);
	ip->fragment = (be16(p + 6) & 0x3fff) != 0;	/* MF or offset */
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->src = be32(p + 12);
	ip->dst = be32(p + 16);
	ip->csum_ok = inet_csum(p, ihl, 0) == 0;
	ip->payload = p + ihl;
	ip->len = total - ihl;
	return 0;
}

/**
 * udp_parse() - read a UDP header
 * @p:		UDP bytes
 * @len:	bytes available
 * @u:		filled on success
 *
 * Return: 0, -EMSGSIZE, -EPROTO for a length below the header
 */
int udp_parse(const uint8_t *p, size_t len, struct udp_view *u)
{
	size_t ulen;

	if (len < 8)
		return -EMSGSIZE;
	ulen = be16(p + 4);
	if (ulen < 8)
		return -EPROTO;
	if (ulen > len)
		return -EMSGSIZE;
	u->sport = be16(p);
	u->dport = be16(p + 2);
	u->payload = p + 8;
	u->len = ulen - 8;
	return 0;
}

/**
 * frame_parse() - parse a captured frame down to ARP or UDP
 * @linktype:	capture link type
 * @f:		frame bytes
 * @len:	captured length
 * @v:		filled; @v->kind says how far parsing got
 *
 * Return: 0 (also for frames of no interest: kind FRAME_OTHER), or a
 * negative errno for a frame whose headers are damaged or truncated
 */
int frame_parse(uint16_t linktype, const uint8_t *f, size_t len,
		struct frame_view *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = link_parse(linktype, f, len, &v->eth);
	if (rc)
		return rc;
	if (v->eth.type == ETHERTYPE_ARP) {
		rc = arp_parse(v->eth.payload, v->eth.len, &v->arp);
		if (!rc)
			v->kind = FRAME_ARP;
		return rc;
	}
	if (v->eth.type != ETHERTYPE_IPV4)
		return 0;
	rc = ipv4_parse(v->eth.payload, v->eth.len, &v->ip);
	if (rc)
		return rc;
	v->kind = FRAME_IPV4;
	if (v->ip.proto != IPPROTO_UDP_ || v->ip.fragment)
		return 0;
	rc = udp_parse(v->ip.payload, v->ip.len, &v->udp);
	if (!rc)
		v->kind = FRAME_UDP;
	return rc;
}

/**
 * mac_str() - "aa:bb:cc:dd:ee:ff"
 * @mac:	address
 * @buf:	output
 *
 * Return: @buf
 */
const char *mac_str(const uint8_t mac[ETH_ALEN], char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/**
 * mac_parse() - read "aa:bb:cc:dd:ee:ff" (either case, ':' or '-'):
 * exactly six pairs of hex digits, one kind of separator
 * @s:		text
 * @mac:	output
 *
 * Return: 0, or -EINVAL
 */
int mac_parse(const char *s, uint8_t mac[ETH_ALEN])
{
	int hi, lo;

	if (!s || strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != s[2]))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/**
 * mac_is_nic() - whether @mac can be a NIC's own address: unicast, not
 * all zero (a multicast or broadcast address, or 00:00:00:00:00:00, is not)
 * @mac:	address
 *
 * Return: true for a usable station address
 */
bool mac_is_nic(const uint8_t mac[ETH_ALEN])
{
	static const uint8_t zero[ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, ETH_ALEN);
}

/**
 * ip_str() - dotted quad of a host-order address
 * @ip:		address
 * @buf:	output
 *
 * Return: @buf
 */
const char *ip_str(uint32_t ip, char buf[IP_STRLEN])
{
	snprintf(buf, IP_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

/**
 * ip_is_linklocal() - 169.254.0.0/16 (RFC 3927)
 * @ip:		address, host order
 *
 * Return: true for a link-local address
 */
bool ip_is_linklocal(uint32_t ip)
{
	return (ip >> 16) == 0xa9fe;
}

/**
 * icmp_parse() - read an ICMP echo request or reply
 * @p:		ICMP bytes (IPv4 payload)
 * @len:	their count
 * @v:		filled on success
 *
 * Return: 0, -EMSGSIZE, or -EPROTO for other ICMP types
 */
int icmp_parse(const uint8_t *p, size_t len, struct icmp_view *v)
{
	if (len < 8)
		return -EMSGSIZE;
	v->type = p[0];
	v->code = p[1];
	if (v->type != ICMP_ECHO_REQUEST && v->type != ICMP_ECHO_REPLY)
		return -EPROTO;
	v->id = be16(p + 4);
	v->seq = be16(p + 6);
	v->csum_ok = inet_csum(p, len, 0) == 0;
	v->data = p + 8;
	v->len = len - 8;
	return 0;
}
