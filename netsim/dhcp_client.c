// SPDX-License-Identifier: GPL-2.0-or-later
/* dhcp_client.c - a DHCP client on an ns_host
 *
 * Theory of operation: SELECTING sends DISCOVER, then waits the next entry
 * of the schedule (plus jitter from the run's RNG) before sending another;
 * the first OFFER moves to REQUESTING (one REQUEST, answered by ACK or NAK,
 * or timed out back to SELECTING); ACK configures the host and reports the
 * lease.  If @give_up_ns passes first, the client stops and reports
 * -ETIMEDOUT; what follows (a 169.254 address, say) is its owner's business.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/dhcp.h"
#include "netsim/dhcp_client.h"

enum dhcp_state { ST_IDLE, ST_SELECTING, ST_REQUESTING, ST_BOUND, ST_FAILED };

static const uint64_t default_schedule[] = {
	4 * NS_PER_S, 8 * NS_PER_S, 16 * NS_PER_S, 32 * NS_PER_S, 64 * NS_PER_S,
};

struct ns_dhcp_client {
	struct ns_host *host;
	struct ns_loop *loop;
	struct ns_dhcp_config cfg;
	ns_dhcp_cb cb;
	void *opaque;
	enum dhcp_state state;
	uint32_t xid;
	uint64_t started;
	unsigned discovers;
	uint32_t offer_addr, offer_server;
	struct ns_timer *retry, *give_up;
};

static void client_send(struct ns_dhcp_client *c, uint8_t type)
{
	static const uint8_t params[] = { 1, 3, 6, 15, 51, 54 };
	uint64_t secs = (ns_loop_now(c->loop) - c->started) / NS_PER_S;
	struct dhcp_msg m = {
		.op = 1, .msg_type = type, .xid = c->xid,
		.secs = secs > 0xffff ? 0xffff : (uint16_t)secs,
		.hostname = c->cfg.hostname, .params = params,
		.n_params = sizeof(params),
	};
	uint8_t buf[DHCP_MAX_LEN];
	size_t n;

	memcpy(m.chaddr, ns_host_mac(c->host), 6);
	if (type == DHCPREQUEST) {
		m.requested_ip = c->offer_addr;
		m.server_id = c->offer_server;
	}
	n = dhcp_build(&m, buf, sizeof(buf));
	ns_host_udp_send(c->host, DHCP_CLIENT_PORT, 0xffffffff, DHCP_SERVER_PORT,
			 buf, n);
}

static uint64_t next_wait(struct ns_dhcp_client *c)
{
	const uint64_t *s = c->cfg.discover_ns;
	size_t n = c->cfg.n_discover, i = c->discovers - 1;
	uint64_t wait = s[i < n ? i : n - 1];
	uint64_t j = c->cfg.jitter_ns;

	if (j) {
		wait += ns_rng_below(ns_loop_rng(c->loop), 2 * j + 1);
		wait = wait > j ? wait - j : 0;
	}
	return wait;
}

static void discover(struct ns_dhcp_client *c)
{
	c->state = ST_SELECTING;
	c->discovers++;
	client_send(c, DHCPDISCOVER);
	ns_timer_mod(c->retry, ns_loop_now(c->loop) + next_wait(c));
}

static void retry_cb(void *opaque)
{
	struct ns_dhcp_client *c = opaque;

	if (c->state == ST_SELECTING || c->state == ST_REQUESTING)
		discover(c);
}

static void give_up_cb(void *opaque)
{
	struct ns_dhcp_client *c = opaque;

	if (c->state == ST_BOUND)
		return;
	c->state = ST_FAILED;
	ns_timer_del(c->retry);
	c->cb(c->opaque, -ETIMEDOUT, NULL);
}

static void reply_input(void *opaque, const uint8_t src_mac[6], uint32_t sip,
			uint16_t sport, uint16_t dport, const uint8_t *data,
			size_t len)
{
	struct ns_dhcp_client *c = opaque;
	struct ns_dhcp_lease lease;
	struct dhcp_view d;

	if (dhcp_parse(data, len, &d) || d.op != 2 || d.xid != c->xid ||
	    memcmp(d.chaddr, ns_host_mac(c->host), 6))
		return;
	if (d.msg_type == DHCPOFFER && c->state == ST_SELECTING) {
		c->offer_addr = d.yiaddr;
		c->offer_server = d.server_id ? d.server_id : sip;
		c->state = ST_REQUESTING;
		client_send(c, DHCPREQUEST);
		ns_timer_mod(c->retry, ns_loop_now(c->loop) +
			     c->cfg.request_timeout_ns);
	} else if (d.msg_type == DHCPNAK && c->state == ST_REQUESTING) {
		discover(c);
	} else if (d.msg_type == DHCPACK && c->state == ST_REQUESTING) {
		c->state = ST_BOUND;
		ns_timer_del(c->retry);
		ns_timer_del(c->give_up);
		lease = (struct ns_dhcp_lease){ d.yiaddr, d.subnet_mask,
			d.router, c->offer_server, d.lease_s };
		ns_host_set_addr(c->host, d.yiaddr,
				 d.subnet_mask ? d.subnet_mask : 0xffffff00,
				 d.router);
		c->cb(c->opaque, 0, &lease);
	}
}

/**
 * ns_dhcp_client_new() - a client for @h (not started)
 * @h:		host whose MAC asks for a lease; configured on ACK
 * @cfg:	schedule (copied; the schedule array must outlive the client),
 *		NULL for the defaults
 * @cb:		told of the lease or of giving up
 * @opaque:	passed to @cb
 *
 * Return: client, or NULL when out of memory
 */
struct ns_dhcp_client *ns_dhcp_client_new(struct ns_host *h,
					  const struct ns_dhcp_config *cfg,
					  ns_dhcp_cb cb, void *opaque)
{
	struct ns_dhcp_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->host = h;
	c->loop = ns_host_loop(h);
	if (cfg)
		c->cfg = *cfg;
	if (!c->cfg.discover_ns || !c->cfg.n_discover) {
		c->cfg.discover_ns = default_schedule;
		c->cfg.n_discover = sizeof(default_schedule) / sizeof(*default_schedule);
	}
	if (!c->cfg.request_timeout_ns)
		c->cfg.request_timeout_ns = 4 * NS_PER_S;
	c->cb = cb;
	c->opaque = opaque;
	c->retry = ns_timer_new(c->loop, retry_cb, c);
	c->give_up = ns_timer_new(c->loop, give_up_cb, c);
	if (!c->retry || !c->give_up) {
		ns_dhcp_client_free(c);
		return NULL;
	}
	return c;
}

/**
 * ns_dhcp_client_start() - send the first DISCOVER now
 * @c:		client
 *
 * Return: 0, or the error of binding UDP port 68 on the host
 */
int ns_dhcp_client_start(struct ns_dhcp_client *c)
{
	int rc = ns_host_udp_bind(c->host, DHCP_CLIENT_PORT, reply_input, c);

	if (rc)
		return rc;
	c->xid = (uint32_t)ns_rng_next(ns_loop_rng(c->loop));
	c->started = ns_loop_now(c->loop);
	if (c->cfg.give_up_ns)
		ns_timer_mod(c->give_up, c->started + c->cfg.give_up_ns);
	discover(c);
	return 0;
}

/**
 * ns_dhcp_client_free() - stop and free
 * @c:		client, may be NULL
 */
void ns_dhcp_client_free(struct ns_dhcp_client *c)
{
	if (!c)
		return;
	if (c->state != ST_IDLE)
		ns_host_udp_unbind(c->host, DHCP_CLIENT_PORT);
	ns_timer_free(c->retry);
	ns_timer_free(c->give_up);
	free(c);
}

/** ns_dhcp_client_discovers() - DISCOVERs sent so far */
unsigned ns_dhcp_client_discovers(const struct ns_dhcp_client *c)
{
	return c->discovers;
}
