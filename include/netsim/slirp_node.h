/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slirp_node.h - libslirp as a network's router and (optionally) its DHCP
 * server, driven by the loop's clock and timers so it runs in virtual time
 *
 * Always restricted (nothing leaves this machine) and without DNS.  A DHCP
 * network has slirp's DHCP server on; a static-IP network has it off and
 * slirp only answers ARP and ping as the gateway.
 */
#ifndef NETSIM_SLIRP_NODE_H
#define NETSIM_SLIRP_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim/switch.h"

/**
 * struct ns_slirp_config - addresses, host byte order
 * @network, @netmask: the subnet (e.g. 192.168.2.0/24)
 * @gateway:	slirp's own address (default: network + 2, as QEMU)
 * @dhcp_start:	first address of the pool (default: network + 15)
 * @dhcp:	serve DHCP (a "DHCP network") or not (a "static network")
 */
struct ns_slirp_config {
	uint32_t network;
	uint32_t netmask;
	uint32_t gateway;
	uint32_t dhcp_start;
	bool dhcp;
};

struct ns_slirp;

struct ns_slirp *ns_slirp_new(struct ns_switch *sw,
			      const struct ns_slirp_config *cfg,
			      char *err, size_t errlen);
void ns_slirp_free(struct ns_slirp *s);
struct ns_port *ns_slirp_port(const struct ns_slirp *s);
const struct ns_slirp_config *ns_slirp_config(const struct ns_slirp *s);
const char *ns_slirp_version(void);
int ns_subnet_parse(const char *s, uint32_t *network, uint32_t *netmask);

#endif /* NETSIM_SLIRP_NODE_H */
