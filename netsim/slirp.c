// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp.c - libslirp node: router and optional DHCP server of a network
 *
 * Theory of operation: kdh owns the loop and the clock; libslirp only sees
 * them through its callback table.  clock_get_ns returns the loop's time
 * (virtual or real), slirp's timers are loop timers (timer_mod speaks
 * milliseconds, ns_timer nanoseconds: the conversion is ms_to_ns() below and
 * nowhere else), and slirp_pollfds_fill/poll run around every wait through a
 * loop hook, which is also where slirp's TCP timers run.  A restricted slirp
 * with DNS off opens no socket, so it runs on the virtual clock; should it
 * ever ask for an fd there, the loop stops with an error instead of mixing
 * clocks.  Frames from the switch go to slirp_input(); slirp's frames come
 * back through send_packet into its own switch port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "netsim/slirp_node.h"
#include "netsim/value.h"

struct slirp_timer {
	struct ns_slirp *node;
	struct ns_timer *t;
	SlirpTimerId id;
	void *cb_opaque;
};

struct ns_slirp {
	struct ns_switch *sw;
	struct ns_loop *loop;
	struct ns_port *port;
	struct ns_slirp_config cfg;
	Slirp *slirp;
};

static uint64_t ms_to_ns(int64_t ms)
{
	return ms < 0 ? 0 : (uint64_t)ms * NS_PER_MS;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct ns_slirp *s = opaque;

	ns_port_input(s->port, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	struct ns_slirp *s = opaque;

	fprintf(stderr, "kdh: slirp on %s: guest error: %s\n",
		ns_switch_name(s->sw), msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	struct ns_slirp *s = opaque;

	return (int64_t)ns_loop_now(s->loop);
}

static void timer_fire(void *opaque)
{
	struct slirp_timer *st = opaque;

	slirp_handle_timer(st->node->slirp, st->id, st->cb_opaque);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
				 void *opaque)
{
	struct slirp_timer *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->node = opaque;
	st->id = id;
	st->cb_opaque = cb_opaque;
	st->t = ns_timer_new(st->node->loop, timer_fire, st);
	if (!st->t) {
		free(st);
		return NULL;
	}
	return st;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct slirp_timer *st = timer;

	if (!st)
		return;
	ns_timer_free(st->t);
	free(st);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *st = timer;

	if (st)
		ns_timer_mod(st->t, ms_to_ns(expire_ms));
}

static void cb_register_poll_fd(int fd, void *opaque) { }
static void cb_unregister_poll_fd(int fd, void *opaque) { }
static void cb_notify(void *opaque) { }

static const SlirpCb slirp_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

static short to_poll(int ev)
{
	return (short)(((ev & SLIRP_POLL_IN) ? POLLIN : 0) |
		       ((ev & SLIRP_POLL_OUT) ? POLLOUT : 0) |
		       ((ev & SLIRP_POLL_PRI) ? POLLPRI : 0));
}

static int from_poll(short rev)
{
	return ((rev & POLLIN) ? SLIRP_POLL_IN : 0) |
	       ((rev & POLLOUT) ? SLIRP_POLL_OUT : 0) |
	       ((rev & POLLPRI) ? SLIRP_POLL_PRI : 0) |
	       ((rev & POLLERR) ? SLIRP_POLL_ERR : 0) |
	       ((rev & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

static int add_poll(int fd, int events, void *opaque)
{
	return ns_pollset_add(opaque, fd, to_poll(events));
}

static int get_revents(int idx, void *opaque)
{
	return from_poll(ns_pollset_revents(opaque, idx));
}

static void hook_prepare(void *opaque, struct ns_pollset *ps,
			 uint64_t *timeout_ns)
{
	struct ns_slirp *s = opaque;
	uint32_t timeout_ms = UINT32_MAX;

	slirp_pollfds_fill(s->slirp, &timeout_ms, add_poll, ps);
	if (timeout_ms != UINT32_MAX && ms_to_ns(timeout_ms) < *timeout_ns)
		*timeout_ns = ms_to_ns(timeout_ms);
}

static void hook_check(void *opaque, struct ns_pollset *ps, bool poll_error)
{
	struct ns_slirp *s = opaque;

	slirp_pollfds_poll(s->slirp, poll_error, get_revents, ps);
}

static void slirp_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_slirp *s = opaque;

	slirp_input(s->slirp, frame, (int)len);
}

static struct in_addr in4(uint32_t host_order)
{
	return (struct in_addr){ .s_addr = htonl(host_order) };
}

/**
 * ns_slirp_new() - attach a libslirp router (and DHCP server) to @sw
 * @sw:		switch
 * @cfg:	subnet and DHCP setting; zero gateway/dhcp_start take the
 *		defaults (network + 2, network + 15)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: node, or NULL with @err filled
 */
struct ns_slirp *ns_slirp_new(struct ns_switch *sw,
			      const struct ns_slirp_config *cfg,
			      char *err, size_t errlen)
{
	static const struct ns_port_ops ops = { .deliver = slirp_deliver };
	static const struct ns_hook hook = { hook_prepare, hook_check };
	struct ns_slirp *s = calloc(1, sizeof(*s));
	SlirpConfig sc = { .version = 4 };

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->sw = sw;
	s->loop = ns_switch_loop(sw);
	s->cfg = *cfg;
	if (!s->cfg.gateway)
		s->cfg.gateway = cfg->network + 2;
	if (!s->cfg.dhcp_start)
		s->cfg.dhcp_start = cfg->network + 15;

	sc.restricted = 1;		/* nothing leaves this machine */
	sc.in_enabled = true;
	sc.vnetwork = in4(s->cfg.network);
	sc.vnetmask = in4(s->cfg.netmask);
	sc.vhost = in4(s->cfg.gateway);
	sc.vdhcp_start = in4(s->cfg.dhcp_start);
	sc.vnameserver = in4(s->cfg.gateway);
	sc.vhostname = "kdh";
	sc.disable_host_loopback = true;
	sc.disable_dns = true;
	sc.disable_dhcp = !s->cfg.dhcp;

	s->port = ns_port_new(sw, "slirp", &ops, s);
	if (s->port)
		s->slirp = slirp_new(&sc, &slirp_callbacks, s);
	if (!s->port || !s->slirp) {
		snprintf(err, errlen, "libslirp refused the configuration "
			 "(gateway and DHCP pool must be inside the subnet)");
		ns_slirp_free(s);
		return NULL;
	}
	if (ns_loop_add_hook(s->loop, &hook, s)) {
		snprintf(err, errlen, "out of memory");
		ns_slirp_free(s);
		return NULL;
	}
	return s;
}

/**
 * ns_slirp_free() - detach and free the node
 * @s:		node, may be NULL
 */
void ns_slirp_free(struct ns_slirp *s)
{
	if (!s)
		return;
	ns_loop_del_hook(s->loop, s);
	if (s->slirp)
		slirp_cleanup(s->slirp);
	ns_port_free(s->port);
	free(s);
}

/** ns_slirp_port() - the node's switch port */
struct ns_port *ns_slirp_port(const struct ns_slirp *s)
{
	return s->port;
}

/** ns_slirp_config() - the configuration with defaults filled in */
const struct ns_slirp_config *ns_slirp_config(const struct ns_slirp *s)
{
	return &s->cfg;
}

/** ns_slirp_version() - libslirp's version string */
const char *ns_slirp_version(void)
{
	return slirp_version_string();
}

/**
 * ns_subnet_parse() - "192.168.2.0/24"
 * @s:		text
 * @network:	output, host order, host bits cleared
 * @netmask:	output
 *
 * Return: 0, or -EINVAL (prefix must be 8..30)
 */
int ns_subnet_parse(const char *s, uint32_t *network, uint32_t *netmask)
{
	unsigned prefix;
	uint32_t ip;

	if (value_cidr(s, &ip, &prefix) || prefix < 8 || prefix > 30)
		return -EINVAL;
	*netmask = ~0u << (32 - prefix);
	*network = ip & *netmask;
	return 0;
}
