// SPDX-License-Identifier: GPL-2.0-or-later
/* dhcp.c - DHCP message parser (the options kdh needs to time a lease) */
#include <errno.h>
#include <string.h>

#include "netsim/dhcp.h"

#define DHCP_MAGIC	0x63825363u
#define OPT_PAD		0
#define OPT_SUBNET	1
#define OPT_ROUTER	3
#define OPT_HOSTNAME	12
#define OPT_PARAMS	55
#define OPT_REQ_IP	50
#define OPT_LEASE	51
#define OPT_MSG_TYPE	53
#define OPT_SERVER_ID	54
#define OPT_END		255

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void option_take(struct dhcp_view *d, uint8_t code, const uint8_t *v,
			uint8_t len)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (len == 1)
			d->msg_type = v[0];
		break;
	case OPT_SERVER_ID:
		if (len == 4)
			d->server_id = be32(v);
		break;
	case OPT_REQ_IP:
		if (len == 4)
			d->requested_ip = be32(v);
		break;
	case OPT_LEASE:
		if (len == 4)
			d->lease_s = be32(v);
		break;
	case OPT_SUBNET:
		if (len == 4)
			d->subnet_mask = be32(v);
		break;
	case OPT_ROUTER:
		if (len >= 4)
			d->router = be32(v);
		break;
	}
}

/**
 * dhcp_parse() - read a DHCP message (UDP payload)
 * @p:		bytes
 * @len:	their count
 * @d:		filled on success
 *
 * Return: 0, -EMSGSIZE when shorter than the fixed part or an option runs
 * past the end, -EPROTO without the magic cookie or Ethernet addresses
 */
int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_view *d)
{
	size_t off = DHCP_FIXED_LEN;

	memset(d, 0, sizeof(*d));
	if (len < DHCP_FIXED_LEN)
		return -EMSGSIZE;
	if (be32(p + 236) != DHCP_MAGIC || p[1] != 1 || p[2] != 6)
		return -EPROTO;
	d->op = p[0];
	d->xid = be32(p + 4);
	d->secs = (uint16_t)(p[8] << 8 | p[9]);
	d->ciaddr = be32(p + 12);
	d->yiaddr = be32(p + 16);
	memcpy(d->chaddr, p + 28, sizeof(d->chaddr));

	while (off < len) {
		uint8_t code = p[off], olen;

		if (code == OPT_END)
			return 0;
		if (code == OPT_PAD) {
			off++;
			continue;
		}
		if (off + 2 > len)
			return -EMSGSIZE;
		olen = p[off + 1];
		if (off + 2 + olen > len)
			return -EMSGSIZE;
		option_take(d, code, p + off + 2, olen);
		off += 2 + (size_t)olen;
	}
	return 0;	/* no END option: tolerated, as most clients do */
}

/**
 * dhcp_msg_name() - "DHCPDISCOVER" etc.
 * @type:	option 53 value
 *
 * Return: static string, "BOOTP" for 0, "DHCP?" for unknown values
 */
const char *dhcp_msg_name(uint8_t type)
{
	static const char *const names[] = {
		"BOOTP", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST",
		"DHCPDECLINE", "DHCPACK", "DHCPNAK", "DHCPRELEASE",
		"DHCPINFORM",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "DHCP?";
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Append option @code; return the new offset, or 0 when it does not fit */
static size_t opt_put(uint8_t *buf, size_t off, size_t cap, uint8_t code,
		      const void *v, size_t len)
{
	if (len > 255 || off + 2 + len + 1 > cap)
		return 0;
	buf[off] = code;
	buf[off + 1] = (uint8_t)len;
	memcpy(buf + off + 2, v, len);
	return off + 2 + len;
}

static size_t opt_put32(uint8_t *buf, size_t off, size_t cap, uint8_t code,
			uint32_t v)
{
	uint8_t b[4];

	if (!off || !v)
		return off;
	put32(b, v);
	return opt_put(buf, off, cap, code, b, 4);
}

/**
 * dhcp_build() - write a DHCP message (UDP payload)
 * @m:		contents
 * @buf:	output
 * @cap:	its size; DHCP_MAX_LEN is always enough
 *
 * Return: message length (at least 300, the BOOTP minimum), or 0 when @cap
 * is too small
 */
size_t dhcp_build(const struct dhcp_msg *m, uint8_t *buf, size_t cap)
{
	size_t off = DHCP_FIXED_LEN;

	if (cap < 300)
		return 0;
	memset(buf, 0, 300);
	buf[0] = m->op;
	buf[1] = 1;
	buf[2] = 6;
	put32(buf + 4, m->xid);
	buf[8] = (uint8_t)(m->secs >> 8);
	buf[9] = (uint8_t)m->secs;
	buf[10] = (uint8_t)(m->flags >> 8);
	buf[11] = (uint8_t)m->flags;
	put32(buf + 12, m->ciaddr);
	put32(buf + 16, m->yiaddr);
	put32(buf + 20, m->siaddr);
	memcpy(buf + 28, m->chaddr, 6);
	put32(buf + 236, DHCP_MAGIC);
	off = opt_put(buf, off, cap, OPT_MSG_TYPE, &m->msg_type, 1);
	off = opt_put32(buf, off, cap, OPT_REQ_IP, m->requested_ip);
	off = opt_put32(buf, off, cap, OPT_SERVER_ID, m->server_id);
	off = opt_put32(buf, off, cap, OPT_LEASE, m->lease_s);
	off = opt_put32(buf, off, cap, OPT_SUBNET, m->subnet_mask);
	off = opt_put32(buf, off, cap, OPT_ROUTER, m->router);
	if (off && m->hostname)
		off = opt_put(buf, off, cap, OPT_HOSTNAME, m->hostname,
			      strlen(m->hostname));
	if (off && m->n_params)
		off = opt_put(buf, off, cap, OPT_PARAMS, m->params, m->n_params);
	if (!off)
		return 0;
	buf[off++] = OPT_END;
	return off < 300 ? 300 : off;
}
