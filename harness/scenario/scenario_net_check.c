// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_net_check.c - a scenario's network values checked for sense,
 * not only for syntax, in one place
 *
 * Theory of operation: by the time these run every value has parsed, so
 * what is left is whether it can mean anything on a real link:
 *   - a subnet is not in a block no host can use (0/8, loopback,
 *     link-local, multicast, reserved), and no two networks share
 *     addresses (a host could not tell which link an address is on);
 *   - a gateway, the debugger's address and a VM's static address lie
 *     inside their subnet and are neither its network nor its broadcast
 *     address; a VM's static address lies in the subnet of a network one
 *     of its NICs is on; hostip is a host's address;
 *   - a NIC whose tag= puts it on another VLAN than the (untagged)
 *     debugger of its network never reaches it: unless [expect] says the
 *     scenario tests exactly that (an outcome other than connected), the
 *     file is refused.
 * Each message names the value, the line, and what to write instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/scenario/scenario_priv.h"
#include "netsim/pkt.h"
#include "netsim/value.h"

#define IP(a, buf)	ip_str((a), (buf))

static unsigned prefix_of(uint32_t mask)
{
	unsigned n = 0;

	while (n < 32 && mask & (0x80000000u >> n))
		n++;
	return n;
}

/* "192.168.2.0/24" */
static const char *cidr(uint32_t net, uint32_t mask, char *buf, size_t len)
{
	char a[IP_STRLEN];

	snprintf(buf, len, "%s/%u", ip_str(net, a), prefix_of(mask));
	return buf;
}

/**
 * sc_subnet_exact() - refuse host bits in a subnet ("192.168.2.5/24" is
 * read as 192.168.2.0/24 otherwise, silently)
 * @p:		parse state
 * @it:		the subnet line
 * @net:	the network it set
 *
 * Return: 0, or -EINVAL with the error set
 */
int sc_subnet_exact(struct parse *p, const struct ini_item *it,
		    const struct sc_network *net)
{
	uint32_t ip;
	unsigned prefix;
	char c[32];

	if (value_cidr(it->value, &ip, &prefix) || ip == net->network)
		return 0;
	return sc_fail(p, it->line, "subnet: %s has host bits set; the network "
		       "is %s", it->value, cidr(net->network, net->netmask, c,
						  sizeof(c)));
}

/* Why @ip cannot be a host's address on @network/@mask, in words that
 * follow "ip A.B.C.D is ", or NULL when it can */
static const char *not_a_host(uint32_t ip, uint32_t network, uint32_t mask,
			      char *buf, size_t len)
{
	const char *special = ipv4_special(ip, ~0u);
	char c[32];

	if (special)
		return special;
	cidr(network, mask, c, sizeof(c));
	if ((ip & mask) != network)
		snprintf(buf, len, "outside %s", c);
	else if (ip == network)
		snprintf(buf, len, "the network address of %s", c);
	else if (ip == (network | ~mask))
		snprintf(buf, len, "the broadcast address of %s", c);
	else
		return NULL;
	return buf;
}

static int subnet_check(struct parse *p, const struct sc_network *n)
{
	int line = n->subnet_line ? n->subnet_line : n->line;
	const char *special = ipv4_special(n->network, n->netmask);
	const char *why;
	char c[32], c2[32], w[80], a[IP_STRLEN];

	if (special)	/* all of it in the block, or reaching into it */
		return sc_fail(p, line, "[network %s]: subnet %s %s %s; take a "
			       "private one such as 192.168.2.0/24", n->name,
			       cidr(n->network, n->netmask, c, sizeof(c)),
			       ipv4_special(n->network, ~0u) &&
			       ipv4_special(n->network | ~n->netmask, ~0u) ?
			       "is" : "takes in", special);
	for (const struct sc_network *o = p->sc->nets; o < n; o++)
		if (ipv4_overlap(n->network, n->netmask, o->network, o->netmask))
			return sc_fail(p, line, "[network %s]: subnet %s %s [network "
				       "%s]'s %s (line %d): give each network its "
				       "own subnet", n->name,
				       cidr(n->network, n->netmask, c, sizeof(c)),
				       n->netmask == o->netmask ? "is also" :
				       "overlaps", o->name,
				       cidr(o->network, o->netmask, c2, sizeof(c2)),
				       o->subnet_line ? o->subnet_line : o->line);
	if (n->gateway && (why = not_a_host(n->gateway, n->network, n->netmask,
					    w, sizeof(w))))
		return sc_fail(p, n->gateway_line, "[network %s]: gateway %s is %s",
			       n->name, IP(n->gateway, a), why);
	return 0;
}

/* The debugger's address on its network; it may be a VM's hostip */
static int debugger_check(struct parse *p)
{
	const struct scenario *sc = p->sc;
	const struct sc_debugger *d = &sc->dbg;
	const struct sc_network *n = sc_network_find(sc, d->network);
	const struct sc_vm *first = &sc->vms[0];
	const char *why;
	char w[80], a[IP_STRLEN];

	if (!n || first->tc.serial || !(why = not_a_host(d->ip, n->network,
							  n->netmask, w, sizeof(w))))
		return 0;
	if (d->ip_line)
		return sc_fail(p, d->ip_line, "ip %s is %s, [network %s]'s: the "
			       "debugger is a host on that network", IP(d->ip, a),
			       why, n->name);
	return sc_fail(p, first->dbgsettings_line ? first->dbgsettings_line :
		       first->line, "hostip %s, where the debugger sits, is %s, "
		       "[network %s]'s: give [debugger] an ip there (or network = "
		       "the network hostip is on)", IP(d->ip, a), why, n->name);
}

/* A VM's static address: a host's, in the subnet of one of its networks */
static int vm_ip_check(struct parse *p, const struct sc_vm *vm)
{
	const struct target_config *tc = &vm->tc;
	const char *why = ipv4_special(tc->ip, ~0u), *mine = NULL;
	char w[80], a[IP_STRLEN], b[IP_STRLEN];

	if (why)
		return sc_fail(p, vm->ip_line, "ip %s is %s: the debug adapter's "
			       "static address must be a host's", IP(tc->ip, a), why);
	if ((why = not_a_host(tc->ip, tc->ip & tc->netmask, tc->netmask, w,
			      sizeof(w))))
		return sc_fail(p, vm->ip_line, "ip %s is %s", IP(tc->ip, a), why);
	for (size_t i = 0; i < vm->n_nets; i++) {
		const struct sc_network *n = sc_network_find(p->sc, vm->nets[i].bridge);

		if (!n || (tc->ip & n->netmask) != n->network)
			continue;
		if ((why = not_a_host(tc->ip, n->network, n->netmask, w, sizeof(w))))
			return sc_fail(p, vm->ip_line, "ip %s is %s, [network %s]'s",
				       IP(tc->ip, a), why, n->name);
		mine = n->name;
	}
	if (!mine)
		return sc_fail(p, vm->ip_line, "ip %s is in the subnet of none of "
			       "[vm %s]'s networks (net0 is on [network %s]): no "
			       "host on its links could answer it", IP(tc->ip, a),
			       vm->name, vm->nets[0].bridge);
	if (tc->gateway == tc->ip)
		return sc_fail(p, vm->gateway_line, "gateway %s is the adapter's own "
			       "address (ip): a gateway is another host",
			       IP(tc->gateway, a));
	if (tc->gateway && (why = not_a_host(tc->gateway, tc->ip & tc->netmask,
					     tc->netmask, w, sizeof(w))))
		return sc_fail(p, vm->gateway_line, "gateway %s is %s, the subnet "
			       "of ip %s", IP(tc->gateway, a), why, IP(tc->ip, b));
	return 0;
}

static int vm_addr_check(struct parse *p, const struct sc_vm *vm)
{
	const char *why;
	char a[IP_STRLEN];

	if (vm->tc.serial)
		return 0;
	if ((why = ipv4_special(vm->tc.host_ip, ~0u)))
		return sc_fail(p, vm->dbgsettings_line ? vm->dbgsettings_line :
			       vm->line, "dbgsettings: hostip %s is %s: KDNET sends "
			       "to the debugger's own address", IP(vm->tc.host_ip, a),
			       why);
	if (vm->tc.os_ping && (why = ipv4_special(vm->tc.os_ping, ~0u)))
		return sc_fail(p, vm->os_ping_line, "os_ping %s is %s: the OS pings "
			       "a host", IP(vm->tc.os_ping, a), why);
	return vm->tc.ip ? vm_ip_check(p, vm) : 0;
}

/* Whether [expect] says @vm does not connect (what a scenario about an
 * unreachable debugger states) */
static bool expects_no_connect(const struct scenario *sc, const struct sc_vm *vm)
{
	for (size_t i = 0; i < sc->n_expects; i++) {
		const struct sc_expect *e = &sc->expects[i];
		bool connected = !strcmp(e->str, "connected");

		if (e->metric != M_OUTCOME || (e->vm[0] && strcmp(e->vm, vm->name)))
			continue;
		if ((e->op == OP_EQ && !connected) || (e->op == OP_NE && connected))
			return true;
	}
	return false;
}

/*
 * Proxmox's tag=N makes the NIC's tap an untagged member of VLAN N only
 * (pve-common's tap_plug: "bridge vlan add dev $iface vid $tag pvid
 * untagged"); the debugger, a host on the bridge itself, is on VLAN 1.
 * A VM whose NICs on the debugger's network are all on another VLAN never
 * reaches it.
 */
static int vlan_check(struct parse *p, const struct sc_vm *vm)
{
	const struct scenario *sc = p->sc;
	int tagged = -1;

	if (vm->tc.serial)
		return 0;
	for (size_t i = 0; i < vm->n_nets; i++) {
		if (strcmp(vm->nets[i].bridge, sc->dbg.network))
			continue;
		if (vm->nets[i].tag <= 1)
			return 0;
		if (tagged < 0)
			tagged = (int)i;
	}
	if (tagged < 0 || expects_no_connect(sc, vm))
		return 0;
	return sc_fail(p, vm->net_line[tagged], "net%u: tag=%u puts [vm %s] on "
		       "VLAN %u of [network %s], and the debugger there is untagged "
		       "(VLAN 1): KDNET can never reach it; drop tag=, or say that "
		       "this is what the scenario tests (outcome = "
		       "no-kdnet-traffic in [expect])", vm->nets[tagged].index,
		       vm->nets[tagged].tag, vm->name, vm->nets[tagged].tag,
		       sc->dbg.network);
}

/**
 * sc_net_check() - every network value of a parsed scenario, for sense
 * @p:		parse state with every section read, defaults filled and
 *		[expect] parsed
 *
 * Return: 0, or -EINVAL with the error set (the first problem found)
 */
int sc_net_check(struct parse *p)
{
	const struct scenario *sc = p->sc;

	for (size_t i = 0; i < sc->n_nets; i++)
		if (subnet_check(p, &sc->nets[i]))
			return -EINVAL;
	if (debugger_check(p))
		return -EINVAL;
	for (size_t i = 0; i < sc->n_vms; i++)
		if (vm_addr_check(p, &sc->vms[i]) || vlan_check(p, &sc->vms[i]))
			return -EINVAL;
	return 0;
}
