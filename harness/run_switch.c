// SPDX-License-Identifier: GPL-2.0-or-later
/* run_switch.c - the switch backend: each [network] a netsim switch (with
 * a libslirp node when it serves DHCP or has a gateway), the debugger a
 * host node on its network running the debugger endpoint
 */
#include <errno.h>
#include <stdio.h>

#include "kdh/debugger.h"
#include "netsim/host.h"
#include "netsim/pcapng.h"
#include "netsim/slirp_node.h"
#include "harness/run_priv.h"

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct sim *s = opaque;

	ns_host_udp_send(s->dbg_host, s->sc->dbg.port, ip, port, d, len);
}

static void dbg_rx(void *opaque, const uint8_t mac[6], uint32_t sip,
		   uint16_t sport, uint16_t dport, const uint8_t *data, size_t len)
{
	struct sim *s = opaque;

	if (sim_debugger_listening(s))
		debugger_input(s->dbg, sip, sport, data, len, ns_loop_now(s->loop));
}

int networks_build(struct sim *s)
{
	const struct scenario *sc = s->sc;

	for (size_t i = 0; i < sc->n_nets; i++) {
		const struct sc_network *n = &sc->nets[i];
		struct ns_slirp_config cfg = { n->network, n->netmask, n->gateway,
					       0, n->dhcp };

		s->sw[i] = ns_switch_new(s->loop, n->name);
		if (!s->sw[i] || (s->cap && ns_pcapng_attach(s->cap, s->sw[i])))
			return -ENOMEM;
		if (!n->dhcp && !n->gateway)
			continue;	/* a static network without a router */
		s->slirp[i] = ns_slirp_new(s->sw[i], &cfg, s->err, sizeof(s->err));
		if (!s->slirp[i])
			return -EINVAL;
	}
	return 0;
}

static void dbg_kd(void *opaque, uint32_t ip, uint16_t port,
		   const struct kd_engine_out *o, uint64_t now)
{
	char who[32], a[IP_STRLEN];

	snprintf(who, sizeof(who), "%s:%u", ip_str(ip, a), port);
	sim_kd_said(opaque, who, o);
}

int debugger_build(struct sim *s)
{
	static const struct debugger_ops ops = { .send = dbg_send, .kd = dbg_kd };
	struct kd_engine_cfg kd = sim_kd_cfg(s);
	const struct sc_debugger *d = &s->sc->dbg;
	size_t ni = sc_net_index(s->sc, d->network);
	char text[96], ip[IP_STRLEN];

	s->dbg_host = ns_host_new(s->sw[ni], "debugger", d->mac);
	s->dbg = debugger_new(d->key, ns_loop_rng(s->loop), &ops, s);
	if (!s->dbg_host || !s->dbg || debugger_set_kd(s->dbg, &kd, s->loop))
		return -ENOMEM;
	ns_host_set_addr(s->dbg_host, d->ip, s->sc->nets[ni].netmask,
			 s->sc->nets[ni].gateway);
	if (d->apipa_route)
		ns_host_add_onlink(s->dbg_host, 0xa9fe0000u, 0xffff0000u);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_IN, &d->faults);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_OUT, &d->faults);
	snprintf(text, sizeof(text), "debugger %s %s:%u", d->network,
		 ip_str(d->ip, ip), d->port);
	sim_event(s, text);
	return ns_host_udp_bind(s->dbg_host, d->port, dbg_rx, s);
}
