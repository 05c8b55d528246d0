// SPDX-License-Identifier: GPL-2.0-or-later
/* switch.c - a learning L2 switch with ports, link faults and monitors
 *
 * Theory of operation: a frame entering a port passes the port's inbound
 * link (faults), is shown to every monitor (the pcapng capture is one: it
 * sees what the switch received), teaches the MAC table its source, and is
 * forwarded to the port that learned its destination, or flooded to all
 * other ports when the destination is broadcast, multicast, unknown or aged
 * out.  Each outgoing copy passes that port's outbound link.  Without faults
 * nothing is allocated or copied per frame.  A port set down (a NIC with
 * Proxmox's link_down=1: the plug pulled) passes no frame either way: what
 * it is given is dropped before its link and monitors, nothing is delivered
 * to it.
 *
 * VLANs as Proxmox's tag= makes them on a VLAN-aware bridge: a port with a
 * VLAN id is an untagged member of that VLAN only (pve-common's tap_plug:
 * "bridge vlan add dev $iface vid $tag pvid untagged"); every other port,
 * the debugger's, slirp's and the capture's included, is on VLAN 1, the
 * bridge's own.  A frame goes only to ports of the VLAN it entered on; a
 * destination learned on another VLAN is unknown on this one, so the frame
 * floods its own VLAN.  Monitors are the bridge's own interface and see
 * VLAN 1 only, as a capture on a Linux bridge does: what a tag=5 NIC sends
 * never reaches it.  One MAC table serves all VLANs (a MAC lives on one
 * port here).
 *
 * Forwarding is not re-entered: a frame that a deliver callback sends
 * while the switch is still forwarding (slirp answering a DHCP request at
 * once, a node replying to ARP) is copied into a FIFO and forwarded when the
 * current frame is done.  So a sender may reuse its buffer as soon as
 * ns_port_input() returns, and frames keep a causal order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/link.h"
#include "netsim/switch.h"

struct mac_entry {
	uint64_t mac;			/* 48-bit address, 0 = empty slot */
	struct ns_port *port;
	uint64_t seen;
};

struct monitor {
	ns_monitor_cb cb;
	void *opaque;
};

struct ns_port {
	struct ns_switch *sw;
	char name[32];
	unsigned id;
	struct ns_port_ops ops;
	void *opaque;
	struct ns_link *link[2];	/* NS_DIR_IN, NS_DIR_OUT; NULL = clean */
	struct ns_link_stats clean[2];	/* stats when no link is set */
	uint64_t rx, tx, runts;
	bool down;			/* link down: no frame either way */
	uint16_t vlan;			/* untagged member of; 1: the bridge's */
};

struct deferred {
	struct deferred *next;
	struct ns_port *port;
	size_t len;
	uint8_t frame[];
};

struct ns_switch {
	struct ns_loop *loop;
	unsigned depth;			/* forwarding in progress */
	struct deferred *fifo, **fifo_tail;
	char name[32];
	struct ns_port **ports;
	size_t n_ports;
	unsigned next_id;
	struct mac_entry *macs;
	size_t mac_cap, mac_used;
	uint64_t ageing_ns;
	struct monitor *monitors;
	size_t n_monitors;
};

static uint64_t mac_key(const uint8_t m[6])
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
	       (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}

static size_t mac_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static struct mac_entry *mac_find(struct ns_switch *sw, uint64_t key)
{
	for (size_t i = mac_slot(key, sw->mac_cap);; i = (i + 1) & (sw->mac_cap - 1))
		if (sw->macs[i].mac == key || !sw->macs[i].mac)
			return &sw->macs[i];
}

/* Rebuild the table at @cap slots, leaving out entries of @gone */
static int mac_rebuild(struct ns_switch *sw, size_t cap, const struct ns_port *gone)
{
	struct mac_entry *old = sw->macs;
	size_t old_cap = sw->mac_cap;

	sw->macs = calloc(cap, sizeof(*sw->macs));
	if (!sw->macs) {
		sw->macs = old;
		return -1;
	}
	sw->mac_cap = cap;
	sw->mac_used = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].mac && old[i].port != gone) {
			*mac_find(sw, old[i].mac) = old[i];
			sw->mac_used++;
		}
	free(old);
	return 0;
}

static void mac_learn(struct ns_switch *sw, const uint8_t src[6],
		      struct ns_port *p, uint64_t now)
{
	uint64_t key = mac_key(src);
	struct mac_entry *e;

	if (src[0] & 1 || !key)
		return;			/* never learn group or zero addresses */
	if ((sw->mac_used + 1) * 2 > sw->mac_cap &&
	    mac_rebuild(sw, sw->mac_cap * 2, NULL))
		return;
	e = mac_find(sw, key);
	if (!e->mac) {
		e->mac = key;
		sw->mac_used++;
	}
	e->port = p;
	e->seen = now;
}

/**
 * ns_switch_new() - an empty switch
 * @l:		loop
 * @name:	for logs and the capture (e.g. "vmbr0")
 *
 * Return: switch, or NULL when out of memory
 */
struct ns_switch *ns_switch_new(struct ns_loop *l, const char *name)
{
	struct ns_switch *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return NULL;
	sw->loop = l;
	snprintf(sw->name, sizeof(sw->name), "%s", name);
	sw->ageing_ns = NS_AGEING_DEFAULT;
	sw->fifo_tail = &sw->fifo;
	sw->mac_cap = 64;
	sw->macs = calloc(sw->mac_cap, sizeof(*sw->macs));
	if (!sw->macs) {
		free(sw);
		return NULL;
	}
	return sw;
}

/**
 * ns_switch_free() - free the switch and every port still on it
 * @sw:		switch, may be NULL
 */
void ns_switch_free(struct ns_switch *sw)
{
	if (!sw)
		return;
	while (sw->n_ports)
		ns_port_free(sw->ports[sw->n_ports - 1]);
	free(sw->ports);
	free(sw->macs);
	free(sw->monitors);
	free(sw);
}

/** ns_switch_name() - the name given at creation */
const char *ns_switch_name(const struct ns_switch *sw)
{
	return sw->name;
}

/** ns_switch_loop() - the loop the switch runs on */
struct ns_loop *ns_switch_loop(const struct ns_switch *sw)
{
	return sw->loop;
}

/** ns_switch_set_ageing() - forget a MAC not heard from for @ageing_ns */
void ns_switch_set_ageing(struct ns_switch *sw, uint64_t ageing_ns)
{
	sw->ageing_ns = ageing_ns;
}

/** ns_switch_n_ports() - ports attached now */
size_t ns_switch_n_ports(const struct ns_switch *sw)
{
	return sw->n_ports;
}

/**
 * ns_switch_add_monitor() - see every frame the switch receives
 * @sw:		switch
 * @cb:		called with the ingress port, the frame and the time
 * @opaque:	passed to @cb
 *
 * Return: 0, or -1 when out of memory
 */
int ns_switch_add_monitor(struct ns_switch *sw, ns_monitor_cb cb, void *opaque)
{
	struct monitor *m = realloc(sw->monitors,
				    (sw->n_monitors + 1) * sizeof(*m));

	if (!m)
		return -1;
	sw->monitors = m;
	sw->monitors[sw->n_monitors++] = (struct monitor){ cb, opaque };
	return 0;
}

/**
 * ns_switch_lookup() - the port a MAC was learned on, if not aged out
 * @sw:		switch
 * @mac:	address
 *
 * Return: port, or NULL
 */
const struct ns_port *ns_switch_lookup(struct ns_switch *sw,
				       const uint8_t mac[6])
{
	struct mac_entry *e = mac_find(sw, mac_key(mac));

	if (!e->mac || ns_loop_now(sw->loop) - e->seen > sw->ageing_ns)
		return NULL;
	return e->port;
}

static void deliver_clean(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_port *p = opaque;

	p->tx++;
	p->ops.deliver(p->opaque, frame, len);
}

static void port_output(struct ns_port *p, const uint8_t *frame, size_t len)
{
	if (p->down)
		return;
	if (p->link[NS_DIR_OUT]) {
		ns_link_send(p->link[NS_DIR_OUT], frame, len);
	} else {
		p->clean[NS_DIR_OUT].frames++;
		deliver_clean(p, frame, len);
	}
}

static void forward(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_port *in = opaque;
	struct ns_switch *sw = in->sw;
	uint64_t now = ns_loop_now(sw->loop);
	const struct ns_port *out;

	in->rx++;
	for (size_t i = 0; in->vlan == 1 && i < sw->n_monitors; i++)
		sw->monitors[i].cb(sw->monitors[i].opaque, in, frame, len, now);
	mac_learn(sw, frame + 6, in, now);
	out = frame[0] & 1 ? NULL : ns_switch_lookup(sw, frame);
	if (out && out->vlan == in->vlan) {
		if (out != in)
			port_output((struct ns_port *)out, frame, len);
		return;
	}
	for (size_t i = 0; i < sw->n_ports; i++)
		if (sw->ports[i] != in && sw->ports[i]->vlan == in->vlan)
			port_output(sw->ports[i], frame, len);
}

static void port_input_now(struct ns_port *p, const uint8_t *frame,
			   size_t len);

static void fifo_drain(struct ns_switch *sw)
{
	struct deferred *d;

	while ((d = sw->fifo)) {
		sw->fifo = d->next;
		if (!sw->fifo)
			sw->fifo_tail = &sw->fifo;
		port_input_now(d->port, d->frame, d->len);
		free(d);
	}
}

/* The inbound link's exit: runs from a link timer, so it guards itself */
static void forward_from_link(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_port *p = opaque;
	struct ns_switch *sw = p->sw;

	if (sw->depth) {
		forward(p, frame, len);
		return;
	}
	sw->depth++;
	forward(p, frame, len);
	fifo_drain(sw);
	sw->depth--;
}

static void port_input_now(struct ns_port *p, const uint8_t *frame, size_t len)
{
	if (p->down)
		return;
	if (p->link[NS_DIR_IN]) {
		ns_link_send(p->link[NS_DIR_IN], frame, len);
	} else {
		p->clean[NS_DIR_IN].frames++;
		forward(p, frame, len);
	}
}

/**
 * ns_port_input() - a frame from outside enters the switch through @p
 * @p:		port
 * @frame:	Ethernet frame (not kept after the call)
 * @len:	its length; runts below 14 bytes are counted and dropped
 */
void ns_port_input(struct ns_port *p, const uint8_t *frame, size_t len)
{
	struct ns_switch *sw = p->sw;
	struct deferred *d;

	if (len < 14 || len > NS_FRAME_MAX) {
		p->runts++;
		return;
	}
	if (sw->depth) {		/* sent from inside a deliver: later */
		d = malloc(sizeof(*d) + len);
		if (!d) {
			p->runts++;
			return;
		}
		d->next = NULL;
		d->port = p;
		d->len = len;
		memcpy(d->frame, frame, len);
		*sw->fifo_tail = d;
		sw->fifo_tail = &d->next;
		return;
	}
	sw->depth++;
	port_input_now(p, frame, len);
	fifo_drain(sw);
	sw->depth--;
}

/**
 * ns_port_new() - attach a port
 * @sw:		switch
 * @name:	for logs and the capture's interface name ("net0", "host")
 * @ops:	deliver callback (copied)
 * @opaque:	passed to it
 *
 * Return: port, or NULL when out of memory
 */
struct ns_port *ns_port_new(struct ns_switch *sw, const char *name,
			    const struct ns_port_ops *ops, void *opaque)
{
	struct ns_port *p = calloc(1, sizeof(*p));
	struct ns_port **ports;

	if (!p)
		return NULL;
	ports = realloc(sw->ports, (sw->n_ports + 1) * sizeof(*ports));
	if (!ports) {
		free(p);
		return NULL;
	}
	sw->ports = ports;
	sw->ports[sw->n_ports++] = p;
	p->sw = sw;
	p->id = sw->next_id++;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ops = *ops;
	p->opaque = opaque;
	p->vlan = 1;
	return p;
}

/**
 * ns_port_free() - detach a port and forget the MACs learned on it
 * @p:		port, may be NULL; never from inside a deliver callback
 */
void ns_port_free(struct ns_port *p)
{
	struct ns_switch *sw;

	if (!p)
		return;
	sw = p->sw;
	for (size_t i = 0; i < sw->n_ports; i++)
		if (sw->ports[i] == p) {
			memmove(&sw->ports[i], &sw->ports[i + 1],
				(sw->n_ports - i - 1) * sizeof(*sw->ports));
			sw->n_ports--;
			break;
		}
	mac_rebuild(sw, sw->mac_cap, p);
	ns_link_free(p->link[NS_DIR_IN]);
	ns_link_free(p->link[NS_DIR_OUT]);
	free(p);
}

/**
 * ns_port_set_faults() - set (or clear, with all zeros) a direction's faults
 * @p:		port
 * @dir:	NS_DIR_IN (toward the switch) or NS_DIR_OUT
 * @f:		profile
 *
 * Return: 0, or -1 when out of memory
 */
int ns_port_set_faults(struct ns_port *p, enum ns_dir dir,
		       const struct ns_faults *f)
{
	ns_link_free(p->link[dir]);
	p->link[dir] = NULL;
	if (ns_faults_none(f))
		return 0;
	p->link[dir] = ns_link_new(p->sw->loop, f,
				   dir == NS_DIR_IN ? forward_from_link : deliver_clean, p);
	return p->link[dir] ? 0 : -1;
}

/**
 * ns_port_set_down() - pull (or put back) the port's plug
 * @p:		port
 * @down:	true: no frame enters or leaves the switch through @p
 */
void ns_port_set_down(struct ns_port *p, bool down)
{
	p->down = down;
}

/**
 * ns_port_set_vlan() - make the port an untagged member of one VLAN only
 * @p:		port
 * @vid:	VLAN id 1-4094 (Proxmox's tag=); 0 or 1: the bridge's own VLAN,
 *		where every port starts
 *
 * Return: 0, or -1 for an id above 4094
 */
int ns_port_set_vlan(struct ns_port *p, unsigned vid)
{
	if (vid > 4094)
		return -1;
	p->vlan = (uint16_t)(vid ? vid : 1);
	return 0;
}

/** ns_port_link_stats() - what a direction's link did */
const struct ns_link_stats *ns_port_link_stats(const struct ns_port *p,
					       enum ns_dir dir)
{
	return p->link[dir] ? ns_link_stats(p->link[dir]) : &p->clean[dir];
}

/** ns_port_name() - the port's name */
const char *ns_port_name(const struct ns_port *p)
{
	return p->name;
}

/** ns_port_id() - a number unique on its switch, in creation order */
unsigned ns_port_id(const struct ns_port *p)
{
	return p->id;
}

/** ns_port_rx() - frames the switch received through the port */
uint64_t ns_port_rx(const struct ns_port *p)
{
	return p->rx;
}

/** ns_port_tx() - frames delivered out of the port */
uint64_t ns_port_tx(const struct ns_port *p)
{
	return p->tx;
}
