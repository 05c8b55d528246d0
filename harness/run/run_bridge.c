// SPDX-License-Identifier: GPL-2.0-or-later
/* run_bridge.c - the bridge backend: a scenario's networks as Linux
 * bridges in a private network namespace, as a Proxmox host has them
 *
 * Theory of operation: the scenario's process moves into a network
 * namespace of its own (ns_topo_netns_private(); each scenario gets a new
 * one, so -j children never share bridge names), then builds with libnl:
 *   - a bridge vmbrN per [network] (N = its index in the file), VLAN-aware
 *     when a NIC on it has tag=, with the gateway's and the debugger's
 *     addresses on it (the host's own stack answers ARP and ping);
 *   - on DHCP networks a real dnsmasq on that bridge (lease file and log
 *     in the scenario's results); on static networks, nothing;
 *   - a tap tap<vmid>i<n> per NIC of each `target = vm` VM, handed to QEMU
 *     as -netdev tap,fd=N (tag= makes it an untagged member of that VLAN
 *     only, so it cannot reach the debugger on VLAN 1);
 *   - for simulated VMs, one tap kdhswN joining netsim's switch for that
 *     network to the bridge;
 *   - the debugger endpoint on a real UDP socket at its address;
 *   - the capture live on each bridge with libpcap, stamped with the loop's
 *     clock like harness events, into the same pcapng as the user backend,
 *     so the analyzer does not know the difference.
 * Nothing is made in the host's namespace.  QEMU and dnsmasq get SIGKILL
 * when kdh dies (PR_SET_PDEATHSIG; dnsmasq stays root so it keeps it), and
 * the namespace, with every bridge and tap in it, goes with the last of
 * them.  A normal end deletes the links in one request first.
 *
 * May use: run_backend.h (the runner through env->cb), netsim's topo
 * (libnl), switch and tap ports, libpcap, vm.c's process spawning,
 * run_debugger.c.  Used by: run.c, through run_bridge_ops, when
 * run_uses_bridge() says so.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/run/run_backend.h"
#include "kdh/run/vm.h"
#include "netsim/capfile.h"
#include "netsim/ports.h"
#include "netsim/switch.h"
#include "netsim/topo.h"

#define MAX_TAPS	(SC_MAX_VMS * SC_MAX_NETS)	/* the switches' taps are their ports' */

struct bnet {
	struct sim_bridge *b;
	char name[16];			/* vmbrN */
	pcap_t *pc;
	int iface;			/* in the capture */
	struct vm_proc dnsmasq;
	struct ns_tap_port *swport;	/* netsim switch <-> bridge */
};

struct sim_bridge {
	const struct run_env *env;
	struct ns_switch *sw[SC_MAX_NETWORKS];	/* for simulated VMs */
	struct run_debugger dbg;
	struct ns_topo *topo;
	struct bnet net[SC_MAX_NETWORKS];
	int dbg_fd;
	int taps[MAX_TAPS];
	size_t n_taps;
};

/* time: bridges, dnsmasq and the kernel take real time */
static bool bridge_real_clock(const struct scenario *sc,
			      const struct run_opts *o)
{
	return true;
}

static int prefix_of(uint32_t mask)
{
	return __builtin_popcount(mask);
}

static void on_frame(u_char *opaque, const struct pcap_pkthdr *h,
		     const u_char *data)
{
	struct bnet *n = (struct bnet *)opaque;
	const struct run_env *s = n->b->env;

	if (s->cap)
		ns_pcapng_packet(s->cap, n->iface, ns_loop_now(s->loop), data,
				 h->caplen, NULL);
}

static void pcap_readable(void *opaque, int fd, short revents)
{
	struct bnet *n = opaque;

	pcap_dispatch(n->pc, -1, on_frame, (u_char *)n);
}

static int capture_open(struct bnet *n)
{
	const struct run_env *s = n->b->env;
	char perr[PCAP_ERRBUF_SIZE];

	n->pc = pcap_create(n->name, perr);
	if (!n->pc || pcap_set_snaplen(n->pc, 65535) ||
	    pcap_set_immediate_mode(n->pc, 1) || pcap_activate(n->pc) ||
	    pcap_setnonblock(n->pc, 1, perr) || pcap_get_selectable_fd(n->pc) < 0) {
		snprintf(s->err, s->err_len, "libpcap on %s: %s", n->name,
			 n->pc ? pcap_geterr(n->pc) : perr);
		return -EIO;
	}
	n->iface = s->cap ? ns_pcapng_iface(s->cap, n->name, LINKTYPE_ETHERNET) : -1;
	return ns_loop_add_fd(s->loop, pcap_get_selectable_fd(n->pc), POLLIN,
			      pcap_readable, n, "libpcap");
}

/* A real dnsmasq: DHCP only (port=0), on this bridge only, root so that
 * it keeps the parent-death signal, its leases and log in the results */
static int dnsmasq_start(struct bnet *n, const struct sc_network *net,
			 uint32_t gw)
{
	const struct run_env *s = n->b->env;
	uint32_t last = (net->network | ~net->netmask) - 1;
	char a[IP_STRLEN], z[IP_STRLEN], m[IP_STRLEN], g[IP_STRLEN], log[700];
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	int rc;

	ip_str(net->network + 15, a);
	ip_str(last, z);
	ip_str(net->netmask, m);
	ip_str(gw, g);
	g_ptr_array_add(argv, g_strdup("dnsmasq"));
	g_ptr_array_add(argv, g_strdup("--keep-in-foreground"));
	g_ptr_array_add(argv, g_strdup("--conf-file=/dev/null"));
	g_ptr_array_add(argv, g_strdup("--user=root"));
	g_ptr_array_add(argv, g_strdup("--group=root"));
	g_ptr_array_add(argv, g_strdup("--port=0"));
	g_ptr_array_add(argv, g_strdup("--no-resolv"));
	g_ptr_array_add(argv, g_strdup("--no-hosts"));
	g_ptr_array_add(argv, g_strdup_printf("--interface=%s", n->name));
	g_ptr_array_add(argv, g_strdup("--bind-interfaces"));
	g_ptr_array_add(argv, g_strdup("--dhcp-authoritative"));
	g_ptr_array_add(argv, g_strdup("--dhcp-sequential-ip"));	/* as slirp: .15 first */
	g_ptr_array_add(argv, g_strdup("--no-ping"));	/* no 3 s probe per offer */
	g_ptr_array_add(argv, g_strdup_printf("--dhcp-range=%s,%s,%s,1h", a, z, m));
	g_ptr_array_add(argv, g_strdup_printf("--dhcp-option=option:router,%s", g));
	g_ptr_array_add(argv, g_strdup_printf("--dhcp-leasefile=%s/dnsmasq-%s.leases",
					      s->dir, net->name));
	g_ptr_array_add(argv, g_strdup_printf("--pid-file=%s/dnsmasq-%s.pid",
					      s->dir, net->name));
	g_ptr_array_add(argv, g_strdup_printf("--log-facility=%s/dnsmasq-%s.log",
					      s->dir, net->name));
	g_ptr_array_add(argv, g_strdup("--log-dhcp"));
	snprintf(log, sizeof(log), "%s/dnsmasq-%s.out", s->dir, net->name);
	rc = vm_spawn(argv, log, &n->dnsmasq, s->err, s->err_len);
	g_ptr_array_unref(argv);
	return rc;
}

static int addr_once(struct sim_bridge *b, const char *br, uint32_t ip,
		     uint32_t mask, uint32_t *added, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (added[i] == ip)
			return 0;
	added[(*n)++] = ip;
	return ns_topo_addr_add(b->topo, br, ip, prefix_of(mask));
}

static bool net_has_tag(const struct scenario *sc, const char *net)
{
	for (size_t v = 0; v < sc->n_vms; v++)
		for (size_t i = 0; i < sc->vms[v].n_nets; i++)
			if (!strcmp(sc->vms[v].nets[i].bridge, net) &&
			    sc->vms[v].nets[i].tag)
				return true;
	return false;
}

static int tap_keep(struct sim_bridge *b, int fd)
{
	if (b->n_taps == MAX_TAPS) {
		close(fd);
		return -ENOSPC;
	}
	b->taps[b->n_taps++] = fd;
	return 0;
}

/* netsim's switch for simulated VMs, joined to the bridge by a tap */
static int switch_join(struct sim_bridge *b, size_t i)
{
	const struct run_env *s = b->env;
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "kdhsw%zu", i);
	b->sw[i] = ns_switch_new(s->loop, s->sc->nets[i].name);
	if (!b->sw[i] || ns_topo_tap_open(b->topo, name, &fd))
		return -EIO;
	if (ns_topo_port_add(b->topo, name, b->net[i].name, 0) ||
	    !(b->net[i].swport = ns_tap_port_new(b->sw[i], fd, name))) {
		close(fd);
		return -EIO;
	}
	return 0;			/* the port owns the fd now */
}

static int network_build(struct sim_bridge *b, size_t i)
{
	const struct run_env *env = b->env;
	const struct sc_network *n = &env->sc->nets[i];
	const struct sc_debugger *d = &env->sc->dbg;
	struct bnet *bn = &b->net[i];
	uint32_t added[2], gw = n->gateway;
	size_t n_added = 0;
	bool vlan;

	bn->b = b;
	snprintf(bn->name, sizeof(bn->name), "vmbr%zu", i);
	if (n->dhcp && !gw)
		gw = n->network + 2;	/* as libslirp's default */
	vlan = net_has_tag(env->sc, n->name);
	if (ns_topo_bridge_add(b->topo, bn->name, vlan)) {
		if (vlan && ns_topo_unsupported(b->topo))
			snprintf(env->skip, env->skip_len, "tag= needs a VLAN-"
				 "aware bridge, and this kernel has no bridge VLAN "
				 "filtering (CONFIG_BRIDGE_VLAN_FILTERING)");
		return -EIO;
	}
	if ((gw && addr_once(b, bn->name, gw, n->netmask, added, &n_added)) ||
	    (!strcmp(d->network, n->name) &&
	     addr_once(b, bn->name, d->ip, n->netmask, added, &n_added)) ||
	    switch_join(b, i))
		return -EIO;
	if (capture_open(bn))
		return -EIO;
	return n->dhcp ? dnsmasq_start(bn, n, gw) : 0;
}

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct sim_bridge *b = opaque;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(ip) };

	sendto(b->dbg_fd, d, len, 0, (struct sockaddr *)&to, sizeof(to));
}

static void dbg_readable(void *opaque, int fd, short revents)
{
	struct sim_bridge *b = opaque;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl)) > 0) {
		fl = sizeof(from);
		run_debugger_input(&b->dbg, ntohl(from.sin_addr.s_addr),
				   ntohs(from.sin_port), buf, (size_t)n);
		fl = sizeof(from);
	}
}

static int debugger_open(struct sim_bridge *b)
{
	const struct run_env *s = b->env;
	const struct sc_debugger *d = &s->sc->dbg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(d->port),
				  .sin_addr.s_addr = htonl(d->ip) };
	char ip[IP_STRLEN];
	int rc;

	rc = run_debugger_open(&b->dbg, s, dbg_send, b);
	b->dbg_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rc || b->dbg_fd < 0 ||
	    bind(b->dbg_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(s->err, s->err_len, "debugger socket %s:%u: %s",
			 ip_str(d->ip, ip), d->port, strerror(errno));
		return -EIO;
	}
	run_debugger_announce(&b->dbg);
	return ns_loop_add_fd(s->loop, b->dbg_fd, POLLIN, dbg_readable, b,
			      "debugger socket");
}

/* build: namespace, bridges, dnsmasq, capture, debugger (instead of
 * netsim's switches, libslirp and the in-process debugger host); the
 * loop runs on the real clock */
static int bridge_build(const struct run_env *s, void **out)
{
	struct sim_bridge *b = calloc(1, sizeof(*b));
	char err[256];

	*out = b;
	if (!b)
		return -ENOMEM;
	b->env = s;
	b->dbg_fd = -1;
	if (ns_topo_netns_private(err, sizeof(err)) ||
	    !(b->topo = ns_topo_open(err, sizeof(err)))) {
		snprintf(s->err, s->err_len, "%s", err);
		return -EIO;
	}
	for (size_t i = 0; i < s->sc->n_nets; i++)
		if (network_build(b, i)) {
			if (!s->err[0])
				snprintf(s->err, s->err_len, "%s",
					 ns_topo_error(b->topo));
			return -EIO;
		}
	return debugger_open(b);
}

/* attach: a simulated VM's NIC joins the switch on its bridge; a QEMU's
 * gets a tap tap<vmid>i<n> on the bridge (for -netdev tap,fd=) */
static int bridge_attach(void *opaque, size_t vm, size_t nic,
			 struct run_nic *out)
{
	struct sim_bridge *b = opaque;
	const struct run_env *s = b->env;
	const struct pve_net *n = &s->sc->vms[vm].nets[nic];
	size_t ni = sc_net_index(s->sc, n->bridge);
	char name[16];
	int fd;

	out->sw = b->sw[ni];
	out->tap_fd = -1;
	if (!s->sc->vms[vm].real)
		return 0;
	snprintf(name, sizeof(name), "tap%ui%u", sc_vm_vmid(vm), n->index);
	if (ns_topo_tap_open(b->topo, name, &fd) || tap_keep(b, fd) ||
	    ns_topo_port_add(b->topo, name, b->net[ni].name, (uint16_t)n->tag)) {
		snprintf(s->err, s->err_len, "%s", ns_topo_error(b->topo));
		return -EIO;
	}
	out->tap_fd = fd;
	return 0;
}

static uint64_t bridge_kd_connected(void *opaque)
{
	struct sim_bridge *b = opaque;

	return run_debugger_connected(&b->dbg);
}

/* free: dnsmasq, the captures and the debugger socket, every link (QEMU
 * is stopped already), the switches */
static void bridge_free(void *opaque)
{
	struct sim_bridge *b = opaque;

	if (!b)
		return;
	for (size_t i = 0; i < SC_MAX_NETWORKS; i++) {
		struct bnet *n = &b->net[i];

		vm_stop(&n->dnsmasq);
		if (n->pc) {
			ns_loop_del_fd(b->env->loop, pcap_get_selectable_fd(n->pc));
			pcap_close(n->pc);
		}
		ns_tap_port_free(n->swport);
	}
	if (b->dbg_fd >= 0) {
		ns_loop_del_fd(b->env->loop, b->dbg_fd);
		close(b->dbg_fd);
	}
	if (b->topo && ns_topo_teardown(b->topo))
		g_string_append_printf(b->env->log, "bridge teardown: %s\n",
				       ns_topo_error(b->topo));
	for (size_t i = 0; i < b->n_taps; i++)
		close(b->taps[i]);
	ns_topo_close(b->topo);
	run_debugger_close(&b->dbg);
	for (size_t i = 0; i < SC_MAX_NETWORKS; i++)
		ns_switch_free(b->sw[i]);
	free(b);
}

const struct run_backend_ops run_bridge_ops = {
	.name = "bridge",
	.real_clock = bridge_real_clock,
	.build = bridge_build,
	.attach = bridge_attach,
	.kd_connected = bridge_kd_connected,
	.free = bridge_free,
};
