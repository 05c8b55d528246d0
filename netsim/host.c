// SPDX-License-Identifier: GPL-2.0-or-later
/* host.c - a tiny in-process IPv4 host: ARP, ping, UDP
 *
 * Theory of operation: frames for the host's MAC (or broadcast) arrive on
 * its switch port.  ARP requests for its address are answered; ARP replies
 * fill the neighbour table.  Outgoing datagrams to an unresolved neighbour
 * wait in that neighbour's small queue while ARP requests go out every
 * NS_ARP_INTERVAL, up to NS_ARP_RETRIES; then the queue is dropped and
 * counted.  Off-subnet destinations resolve the gateway instead, or the
 * destination itself when an extra on-link prefix covers it (a 169.254/16
 * route, or KDNET's own stack that ARPs for the debugger whatever its
 * address); without either they are dropped as "no route".  Nothing
 * here reads a clock: the neighbour timers are loop timers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/capfile.h"
#include "netsim/host.h"

#define NEIGH_QUEUE	8
#define NEIGH_MAX	64
#define FRAME_BUF	(ETH_HLEN + IPV4_HLEN + UDP_HLEN + 65507)

struct pending {
	size_t len;
	uint8_t *frame;			/* Ethernet dst filled on resolution */
};

struct neigh {
	struct ns_host *host;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	bool resolved;
	unsigned tries;
	struct ns_timer *timer;
	struct pending queue[NEIGH_QUEUE];
	size_t n_queue;
};

struct bind {
	uint16_t port;
	ns_udp_rx_cb cb;
	void *opaque;
};

struct ns_host {
	struct ns_switch *sw;
	struct ns_loop *loop;
	struct ns_port *port;
	uint8_t mac[ETH_ALEN];
	uint32_t ip, netmask, gateway;
	struct neigh *neigh[NEIGH_MAX];
	size_t n_neigh;
	struct bind binds[NS_HOST_MAX_BINDS];
	size_t n_binds;
	struct { uint32_t net, mask; } onlink[4];
	size_t n_onlink;
	ns_frame_cb sniffer;
	void *sniffer_opaque;
	uint16_t ip_id;
	uint64_t ping_replies;
	struct ns_host_stats st;
	uint8_t buf[FRAME_BUF];
};

static void host_deliver(void *opaque, const uint8_t *frame, size_t len);

/**
 * ns_host_new() - a host without an address on a new port of @sw
 * @sw:		switch
 * @name:	port name ("host", "dbg")
 * @mac:	its MAC address
 *
 * Return: host, or NULL when out of memory
 */
struct ns_host *ns_host_new(struct ns_switch *sw, const char *name,
			    const uint8_t mac[ETH_ALEN])
{
	static const struct ns_port_ops ops = { .deliver = host_deliver };
	struct ns_host *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->sw = sw;
	h->loop = ns_switch_loop(sw);
	memcpy(h->mac, mac, ETH_ALEN);
	h->port = ns_port_new(sw, name, &ops, h);
	if (!h->port) {
		free(h);
		return NULL;
	}
	return h;
}

static void neigh_free(struct neigh *n)
{
	for (size_t i = 0; i < n->n_queue; i++)
		free(n->queue[i].frame);
	ns_timer_free(n->timer);
	free(n);
}

/**
 * ns_host_free() - detach and free the host
 * @h:		host, may be NULL
 */
void ns_host_free(struct ns_host *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_neigh; i++)
		neigh_free(h->neigh[i]);
	ns_port_free(h->port);
	free(h);
}

/**
 * ns_host_set_addr() - configure (or, with @ip 0, unconfigure) the address
 * @h:		host
 * @ip:		address, host order
 * @netmask:	e.g. 0xffffff00
 * @gateway:	for off-subnet destinations, 0 for none
 */
void ns_host_set_addr(struct ns_host *h, uint32_t ip, uint32_t netmask,
		      uint32_t gateway)
{
	h->ip = ip;
	h->netmask = netmask;
	h->gateway = gateway;
}

/** ns_host_addr() - the configured address, 0 when none */
uint32_t ns_host_addr(const struct ns_host *h)
{
	return h->ip;
}

/** ns_host_mac() - the host's MAC address */
const uint8_t *ns_host_mac(const struct ns_host *h)
{
	return h->mac;
}

/** ns_host_port() - the host's switch port (for faults) */
struct ns_port *ns_host_port(const struct ns_host *h)
{
	return h->port;
}

/** ns_host_loop() - the loop the host's switch runs on */
struct ns_loop *ns_host_loop(const struct ns_host *h)
{
	return h->loop;
}

/** ns_host_stats() - counters */
const struct ns_host_stats *ns_host_stats(const struct ns_host *h)
{
	return &h->st;
}

/** ns_host_ping_replies() - echo replies received for ns_host_ping() */
uint64_t ns_host_ping_replies(const struct ns_host *h)
{
	return h->ping_replies;
}

/**
 * ns_host_set_sniffer() - see every frame delivered to the host's port
 * @h:		host
 * @cb:		called before the host handles the frame, NULL to stop
 * @opaque:	passed to @cb
 */
void ns_host_set_sniffer(struct ns_host *h, ns_frame_cb cb, void *opaque)
{
	h->sniffer = cb;
	h->sniffer_opaque = opaque;
}

/**
 * ns_host_send_frame() - put a raw frame on the wire from the host's port
 * @h:		host
 * @frame:	Ethernet frame
 * @len:	its length
 */
void ns_host_send_frame(struct ns_host *h, const uint8_t *frame, size_t len)
{
	ns_port_input(h->port, frame, len);
}

static void arp_request(struct ns_host *h, uint32_t ip)
{
	static const uint8_t zero[ETH_ALEN];
	uint8_t f[64];
	size_t n = arp_frame_build(f, sizeof(f), ARP_OP_REQUEST, h->mac, h->ip,
				   zero, ip);

	h->st.arp_requests++;
	ns_host_send_frame(h, f, n);
}

static void neigh_timer_cb(void *opaque)
{
	struct neigh *n = opaque;
	struct ns_host *h = n->host;

	if (n->resolved)
		return;
	if (n->tries >= NS_ARP_RETRIES) {
		h->st.arp_failures++;
		h->st.dropped += n->n_queue;
		for (size_t i = 0; i < n->n_queue; i++)
			free(n->queue[i].frame);
		n->n_queue = 0;
		n->tries = 0;		/* a later send starts over */
		return;
	}
	n->tries++;
	arp_request(h, n->ip);
	ns_timer_mod(n->timer, ns_loop_now(h->loop) + NS_ARP_INTERVAL);
}

static struct neigh *neigh_get(struct ns_host *h, uint32_t ip, bool create)
{
	struct neigh *n;

	for (size_t i = 0; i < h->n_neigh; i++)
		if (h->neigh[i]->ip == ip)
			return h->neigh[i];
	if (!create || h->n_neigh == NEIGH_MAX)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->host = h;
	n->ip = ip;
	n->timer = ns_timer_new(h->loop, neigh_timer_cb, n);
	if (!n->timer) {
		free(n);
		return NULL;
	}
	h->neigh[h->n_neigh++] = n;
	return n;
}

static void neigh_learn(struct ns_host *h, uint32_t ip,
			const uint8_t mac[ETH_ALEN])
{
	struct neigh *n = neigh_get(h, ip, false);

	if (!n)
		return;
	memcpy(n->mac, mac, ETH_ALEN);
	n->resolved = true;
	ns_timer_del(n->timer);
	for (size_t i = 0; i < n->n_queue; i++) {
		memcpy(n->queue[i].frame, mac, ETH_ALEN);
		ns_host_send_frame(h, n->queue[i].frame, n->queue[i].len);
		free(n->queue[i].frame);
	}
	n->n_queue = 0;
}

static bool onlink(const struct ns_host *h, uint32_t dip)
{
	for (size_t i = 0; i < h->n_onlink; i++)
		if ((dip & h->onlink[i].mask) == h->onlink[i].net)
			return true;
	return false;
}

/**
 * ns_host_add_onlink() - reach @net/@mask directly, without the gateway
 * @h:		host
 * @net:	prefix, host order
 * @mask:	its mask (0 with @net 0: everything is on the link)
 *
 * Return: 0, or -ENOSPC (four prefixes at most)
 */
int ns_host_add_onlink(struct ns_host *h, uint32_t net, uint32_t mask)
{
	if (h->n_onlink == sizeof(h->onlink) / sizeof(h->onlink[0]))
		return -ENOSPC;
	h->onlink[h->n_onlink].net = net & mask;
	h->onlink[h->n_onlink++].mask = mask;
	return 0;
}

/* Send @f (Ethernet dst still open) toward @dip: now, or after ARP */
static int ip_output(struct ns_host *h, uint32_t dip, uint8_t *f, size_t len)
{
	uint32_t hop = dip;
	struct neigh *n;
	uint8_t *copy;

	if (dip == 0xffffffff || (h->netmask && dip == (h->ip | ~h->netmask))) {
		memcpy(f, mac_broadcast, ETH_ALEN);
		ns_host_send_frame(h, f, len);
		return 0;
	}
	if (h->netmask && (dip & h->netmask) != (h->ip & h->netmask) &&
	    !onlink(h, dip)) {
		if (!h->gateway) {
			h->st.no_route++;
			return -ENETUNREACH;
		}
		hop = h->gateway;
	}
	n = neigh_get(h, hop, true);
	if (n && n->resolved) {
		memcpy(f, n->mac, ETH_ALEN);
		ns_host_send_frame(h, f, len);
		return 0;
	}
	if (!n || n->n_queue == NEIGH_QUEUE || !(copy = malloc(len))) {
		h->st.dropped++;
		return -ENOBUFS;
	}
	memcpy(copy, f, len);
	n->queue[n->n_queue++] = (struct pending){ len, copy };
	if (!ns_timer_pending(n->timer) && !n->tries)
		neigh_timer_cb(n);
	return 0;
}

/**
 * ns_host_udp_send() - send a datagram (resolving the next hop with ARP)
 * @h:		host
 * @sport:	source port
 * @dip:	destination, host order (255.255.255.255 for broadcast)
 * @dport:	destination port
 * @data:	payload
 * @len:	its length
 *
 * Return: 0 (sent or queued for ARP), -EMSGSIZE, -ENOBUFS (queue full),
 * -ENETUNREACH (off-subnet, no gateway, no on-link prefix)
 */
int ns_host_udp_send(struct ns_host *h, uint16_t sport, uint32_t dip,
		     uint16_t dport, const uint8_t *data, size_t len)
{
	size_t n = udp_frame_build(h->buf, sizeof(h->buf), mac_broadcast,
				   h->mac, h->ip, sport, dip, dport, data, len);

	if (!n) {
		h->st.dropped++;
		return -EMSGSIZE;
	}
	h->st.udp_tx++;
	return ip_output(h, dip, h->buf, n);
}

/**
 * ns_host_ping() - send one ICMP echo request
 * @h:		host
 * @dip:	destination
 * @seq:	sequence number; replies are counted in ns_host_ping_replies()
 *
 * Return: as ns_host_udp_send()
 */
int ns_host_ping(struct ns_host *h, uint32_t dip, uint16_t seq)
{
	uint8_t icmp[64], data[32] = "kdh ping";
	size_t n = icmp_echo_build(icmp, sizeof(icmp), ICMP_ECHO_REQUEST, 0x6b64,
				   seq, data, sizeof(data));

	n = ipv4_frame_build(h->buf, sizeof(h->buf), mac_broadcast, h->mac,
			     h->ip, dip, IPPROTO_ICMP_, h->ip_id++, icmp, n);
	return ip_output(h, dip, h->buf, n);
}

/**
 * ns_host_udp_bind() - receive datagrams for @port
 * @h:		host
 * @port:	local port
 * @cb:		called per datagram
 * @opaque:	passed to @cb
 *
 * Return: 0, -EADDRINUSE, -ENOSPC
 */
int ns_host_udp_bind(struct ns_host *h, uint16_t port, ns_udp_rx_cb cb,
		     void *opaque)
{
	for (size_t i = 0; i < h->n_binds; i++)
		if (h->binds[i].port == port)
			return -EADDRINUSE;
	if (h->n_binds == NS_HOST_MAX_BINDS)
		return -ENOSPC;
	h->binds[h->n_binds++] = (struct bind){ port, cb, opaque };
	return 0;
}

/** ns_host_udp_unbind() - stop receiving on @port */
void ns_host_udp_unbind(struct ns_host *h, uint16_t port)
{
	for (size_t i = 0; i < h->n_binds; i++)
		if (h->binds[i].port == port) {
			h->binds[i] = h->binds[--h->n_binds];
			return;
		}
}

static void arp_input(struct ns_host *h, const struct arp_view *a)
{
	uint8_t f[64];
	size_t n;

	if (a->spa)
		neigh_learn(h, a->spa, a->sha);
	if (a->op != ARP_OP_REQUEST || !h->ip || a->tpa != h->ip)
		return;
	n = arp_frame_build(f, sizeof(f), ARP_OP_REPLY, h->mac, h->ip, a->sha,
			    a->spa);
	h->st.arp_replies++;
	ns_host_send_frame(h, f, n);
}

static void icmp_input(struct ns_host *h, const struct frame_view *v)
{
	struct icmp_view ic;
	uint8_t msg[1500];
	size_t n;

	if (icmp_parse(v->ip.payload, v->ip.len, &ic) || !ic.csum_ok)
		return;
	if (ic.type == ICMP_ECHO_REPLY) {
		h->ping_replies++;
		return;
	}
	n = icmp_echo_build(msg, sizeof(msg), ICMP_ECHO_REPLY, ic.id, ic.seq,
			    ic.data, ic.len);
	if (!n)
		return;
	n = ipv4_frame_build(h->buf, sizeof(h->buf), v->eth.src, h->mac, h->ip,
			     v->ip.src, IPPROTO_ICMP_, h->ip_id++, msg, n);
	h->st.pings_answered++;
	ns_host_send_frame(h, h->buf, n);
}

static void udp_input(struct ns_host *h, const struct frame_view *v)
{
	for (size_t i = 0; i < h->n_binds; i++)
		if (h->binds[i].port == v->udp.dport) {
			h->st.udp_rx++;
			h->binds[i].cb(h->binds[i].opaque, v->eth.src, v->ip.src,
				       v->udp.sport, v->udp.dport,
				       v->udp.payload, v->udp.len);
			return;
		}
	h->st.udp_no_listener++;
}

static bool ip_for_me(const struct ns_host *h, const struct frame_view *v)
{
	if (v->ip.dst == 0xffffffff)
		return true;
	if (!h->ip)	/* unconfigured: whatever is sent to our MAC */
		return !memcmp(v->eth.dst, h->mac, ETH_ALEN);
	return v->ip.dst == h->ip ||
	       (h->netmask && v->ip.dst == (h->ip | ~h->netmask));
}

static void host_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_host *h = opaque;
	struct frame_view v;

	if (h->sniffer)
		h->sniffer(h->sniffer_opaque, frame, len);
	if (memcmp(frame, h->mac, ETH_ALEN) && !(frame[0] & 1))
		return;		/* unicast for someone else (flooded) */
	if (frame_parse(LINKTYPE_ETHERNET, frame, len, &v))
		return;
	if (v.kind == FRAME_ARP)
		arp_input(h, &v.arp);
	else if (v.kind >= FRAME_IPV4 && ip_for_me(h, &v) && v.ip.csum_ok) {
		if (v.ip.proto == IPPROTO_ICMP_ && h->ip)
			icmp_input(h, &v);
		else if (v.kind == FRAME_UDP)
			udp_input(h, &v);
	}
}
