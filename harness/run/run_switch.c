// SPDX-License-Identifier: GPL-2.0-or-later
/* run_switch.c - the switch backend: each [network] a netsim switch (with
 * a libslirp node when it serves DHCP or has a gateway), the debugger a
 * host node on its network running the debugger endpoint
 *
 * May use: run_backend.h (the runner through env->cb), netsim's switch,
 * host and slirp node, run_debugger.c.  Used by: run.c, through
 * run_switch_ops, for a scenario on the user backend (the default).
 * Every frame a switch sees goes to the capture; a debuggee's NIC (of
 * the sim or the qemu backend) is given its network's switch by attach.
 */
#include <errno.h>
#include <stdlib.h>

#include "netsim/host.h"
#include "netsim/pcapng.h"
#include "netsim/slirp_node.h"
#include "netsim/switch.h"
#include "harness/run/run_backend.h"

struct run_switch {
	const struct run_env *env;
	struct ns_switch *sw[SC_MAX_NETWORKS];
	struct ns_slirp *slirp[SC_MAX_NETWORKS];
	struct ns_host *dbg_host;
	struct run_debugger dbg;
};

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct run_switch *s = opaque;

	ns_host_udp_send(s->dbg_host, s->env->sc->dbg.port, ip, port, d, len);
}

static void dbg_rx(void *opaque, const uint8_t mac[6], uint32_t sip,
		   uint16_t sport, uint16_t dport, const uint8_t *data, size_t len)
{
	struct run_switch *s = opaque;

	run_debugger_input(&s->dbg, sip, sport, data, len);
}

static int networks_build(struct run_switch *s)
{
	const struct run_env *env = s->env;
	const struct scenario *sc = env->sc;

	for (size_t i = 0; i < sc->n_nets; i++) {
		const struct sc_network *n = &sc->nets[i];
		struct ns_slirp_config cfg = { n->network, n->netmask, n->gateway,
					       0, n->dhcp };

		s->sw[i] = ns_switch_new(env->loop, n->name);
		if (!s->sw[i] || (env->cap && ns_pcapng_attach(env->cap, s->sw[i])))
			return -ENOMEM;
		if (!n->dhcp && !n->gateway)
			continue;	/* a static network without a router */
		s->slirp[i] = ns_slirp_new(s->sw[i], &cfg, env->err, env->err_len);
		if (!s->slirp[i])
			return -EINVAL;
	}
	return 0;
}

static int debugger_build(struct run_switch *s)
{
	const struct run_env *env = s->env;
	const struct sc_debugger *d = &env->sc->dbg;
	size_t ni = sc_net_index(env->sc, d->network);
	int rc;

	s->dbg_host = ns_host_new(s->sw[ni], "debugger", d->mac);
	rc = run_debugger_open(&s->dbg, env, dbg_send, s);
	if (!s->dbg_host || rc)
		return -ENOMEM;
	ns_host_set_addr(s->dbg_host, d->ip, env->sc->nets[ni].netmask,
			 env->sc->nets[ni].gateway);
	if (d->apipa_route)
		ns_host_add_onlink(s->dbg_host, 0xa9fe0000u, 0xffff0000u);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_IN, &d->faults);
	ns_port_set_faults(ns_host_port(s->dbg_host), NS_DIR_OUT, &d->faults);
	run_debugger_announce(&s->dbg);
	return ns_host_udp_bind(s->dbg_host, d->port, dbg_rx, s);
}

/* build: the switches (each into the capture), slirp, the debugger */
static int switch_build(const struct run_env *env, void **b)
{
	struct run_switch *s = calloc(1, sizeof(*s));

	*b = s;
	if (!s)
		return -ENOMEM;
	s->env = env;
	if (networks_build(s) || debugger_build(s))
		return -EINVAL;
	return 0;
}

/* attach: a NIC, simulated or QEMU's, joins its network's switch */
static int switch_attach(void *b, size_t vm, size_t nic, struct run_nic *out)
{
	struct run_switch *s = b;
	const struct sc_vm *c = &s->env->sc->vms[vm];

	out->sw = s->sw[sc_net_index(s->env->sc, c->nets[nic].bridge)];
	out->tap_fd = -1;
	return 0;
}

static uint64_t switch_kd_connected(void *b)
{
	struct run_switch *s = b;

	return run_debugger_connected(&s->dbg);
}

static void switch_free(void *b)
{
	struct run_switch *s = b;

	if (!s)
		return;
	run_debugger_close(&s->dbg);
	ns_host_free(s->dbg_host);
	for (size_t i = 0; i < s->env->sc->n_nets; i++) {
		ns_slirp_free(s->slirp[i]);
		ns_switch_free(s->sw[i]);
	}
	free(s);
}

const struct run_backend_ops run_switch_ops = {
	.name = "switch",
	.build = switch_build,
	.attach = switch_attach,
	.kd_connected = switch_kd_connected,
	.free = switch_free,
};
