/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.h - a tiny in-process IPv4 host on a switch port
 *
 * It answers ARP and ping for its address, resolves neighbours with ARP
 * (retrying), and sends and receives UDP datagrams through a socket-like
 * API.  The debugger endpoint and the DHCP client sit on it.  Until it has
 * an address (ip 0) it still receives datagrams sent to its MAC or to
 * broadcast, which is what a DHCP client needs.
 */
#ifndef NETSIM_HOST_H
#define NETSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "netsim/pkt.h"
#include "netsim/switch.h"

#define NS_ARP_RETRIES		3
#define NS_ARP_INTERVAL		NS_PER_S
#define NS_HOST_MAX_BINDS	8

/**
 * struct ns_host_stats - what the host did
 */
struct ns_host_stats {
	uint64_t arp_requests;		/* sent */
	uint64_t arp_replies;		/* sent */
	uint64_t arp_failures;		/* neighbours that never answered */
	uint64_t pings_answered;
	uint64_t udp_rx, udp_tx;
	uint64_t udp_no_listener;
	uint64_t dropped;		/* queue full, unresolved, too large */
	uint64_t no_route;		/* off-subnet without a gateway */
};

typedef void (*ns_udp_rx_cb)(void *opaque, const uint8_t src_mac[ETH_ALEN],
			     uint32_t sip, uint16_t sport, uint16_t dport,
			     const uint8_t *data, size_t len);
typedef void (*ns_frame_cb)(void *opaque, const uint8_t *frame, size_t len);

struct ns_host;

struct ns_host *ns_host_new(struct ns_switch *sw, const char *name,
			    const uint8_t mac[ETH_ALEN]);
void ns_host_free(struct ns_host *h);
void ns_host_set_addr(struct ns_host *h, uint32_t ip, uint32_t netmask,
		      uint32_t gateway);
int ns_host_add_onlink(struct ns_host *h, uint32_t net, uint32_t mask);
uint32_t ns_host_addr(const struct ns_host *h);
const uint8_t *ns_host_mac(const struct ns_host *h);
struct ns_port *ns_host_port(const struct ns_host *h);
struct ns_loop *ns_host_loop(const struct ns_host *h);
int ns_host_udp_bind(struct ns_host *h, uint16_t port, ns_udp_rx_cb cb,
		     void *opaque);
void ns_host_udp_unbind(struct ns_host *h, uint16_t port);
int ns_host_udp_send(struct ns_host *h, uint16_t sport, uint32_t dip,
		     uint16_t dport, const uint8_t *data, size_t len);
int ns_host_ping(struct ns_host *h, uint32_t dip, uint16_t seq);
void ns_host_set_sniffer(struct ns_host *h, ns_frame_cb cb, void *opaque);
void ns_host_send_frame(struct ns_host *h, const uint8_t *frame, size_t len);
const struct ns_host_stats *ns_host_stats(const struct ns_host *h);
uint64_t ns_host_ping_replies(const struct ns_host *h);

#endif /* NETSIM_HOST_H */
