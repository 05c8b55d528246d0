/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dhcp.h - DHCP (RFC 2131/2132) message parser */
#ifndef NETSIM_DHCP_H
#define NETSIM_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_FIXED_LEN		240	/* BOOTP header + magic cookie */

enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

/**
 * struct dhcp_view - the fields of a DHCP message kdh reads
 * @op:		1 request, 2 reply
 * @xid:	transaction id
 * @secs:	seconds since the client began (client messages)
 * @yiaddr:	"your" address (offer/ack), host order
 * @chaddr:	client hardware address
 * @msg_type:	option 53, 0 when absent (plain BOOTP)
 * @server_id:	option 54, 0 when absent
 * @requested_ip: option 50, 0 when absent
 * @lease_s:	option 51, 0 when absent
 */
struct dhcp_view {
	uint8_t op;
	uint32_t xid;
	uint16_t secs;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint8_t chaddr[6];
	uint8_t msg_type;
	uint32_t server_id;
	uint32_t requested_ip;
	uint32_t lease_s;
	uint32_t subnet_mask;
	uint32_t router;
};

/**
 * struct dhcp_msg - what dhcp_build() writes; zero fields are left out
 * @op:		1 request (client), 2 reply (server)
 * @msg_type:	option 53
 * @xid, @secs, @flags: header fields (flags 0x8000: broadcast replies)
 * @ciaddr, @yiaddr, @siaddr: header addresses, host order
 * @chaddr:	client MAC
 * @requested_ip, @server_id, @lease_s, @subnet_mask, @router: options
 * @hostname:	option 12, may be NULL
 * @params:	option 55 (parameter request list), @n_params bytes
 */
struct dhcp_msg {
	uint8_t op;
	uint8_t msg_type;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr, yiaddr, siaddr;
	uint8_t chaddr[6];
	uint32_t requested_ip, server_id, lease_s, subnet_mask, router;
	const char *hostname;
	const uint8_t *params;
	size_t n_params;
};

#define DHCP_MAX_LEN		576	/* what every server accepts */

int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_view *d);
const char *dhcp_msg_name(uint8_t type);
size_t dhcp_build(const struct dhcp_msg *m, uint8_t *buf, size_t cap);

#endif /* NETSIM_DHCP_H */
