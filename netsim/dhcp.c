/* dhcp.c - DHCP message parser (the options kdh needs to time a lease) */
#include <errno.h>
#include <string.h>

#include "kdh/dhcp.h"

#define DHCP_MAGIC	0x63825363u
#define OPT_PAD		0
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
