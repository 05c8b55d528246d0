// SPDX-License-Identifier: GPL-2.0-or-later
/* topo.c - bridge/tap topologies as Proxmox builds them (vmbrN, tapVMIDiN),
 * with libnl-3 and libnl-route-3, in a private network namespace
 *
 * Theory of operation: ns_topo_netns_private() moves the calling process
 * into a network namespace of its own (unshare(CLONE_NEWNET)) with only
 * `lo`; everything built afterwards lives there and vanishes with the
 * namespace once no process (kdh, its QEMUs, its dnsmasq, all of which die
 * with kdh) holds it.  Taps are created through /dev/net/tun and are not
 * persistent: the fd handed to QEMU is the interface, closing the last
 * copy removes it.  Bridges, enslaving, addresses and links up/down are
 * rtnetlink requests through libnl; the two things libnl-route 3.7 has no
 * call for (a bridge's vlan_filtering, a port's VLAN) are rtnetlink
 * messages built with libnl's message API.  Every error names the request
 * and the object, with nl_geterror()'s text.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "netsim/topo.h"

struct ns_topo {
	struct nl_sock *sk;
	int nlerr;			/* the last failure's libnl code */
	char err[256];
};

static int fail(struct ns_topo *t, int nlerr, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	t->nlerr = nlerr;
	snprintf(t->err, sizeof(t->err), "libnl: %s: %s", what,
		 nlerr ? nl_geterror(nlerr) : strerror(errno));
	return -1;
}

/** ns_topo_can_admin() - whether this process has CAP_NET_ADMIN */
bool ns_topo_can_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
}

/**
 * ns_topo_open() - a routing netlink socket in the current namespace
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: topology handle, or NULL
 */
struct ns_topo *ns_topo_open(char *err, size_t errlen)
{
	struct ns_topo *t = calloc(1, sizeof(*t));
	int rc;

	if (!t || !(t->sk = nl_socket_alloc())) {
		snprintf(err, errlen, "libnl: out of memory");
		free(t);
		return NULL;
	}
	rc = nl_connect(t->sk, NETLINK_ROUTE);
	if (rc) {
		snprintf(err, errlen, "libnl: connect NETLINK_ROUTE: %s",
			 nl_geterror(rc));
		ns_topo_close(t);
		return NULL;
	}
	return t;
}

/** ns_topo_close() - close the socket (the topology stays); @t may be NULL */
void ns_topo_close(struct ns_topo *t)
{
	if (!t)
		return;
	nl_socket_free(t->sk);
	free(t);
}

/**
 * ns_topo_unsupported() - whether the last failure was the kernel saying
 * it cannot do that at all (EOPNOTSUPP: e.g. a kernel built without
 * CONFIG_BRIDGE_VLAN_FILTERING refuses vlan_filtering and port VLANs)
 * @t:		topology
 *
 * Return: true for "not supported"
 */
bool ns_topo_unsupported(const struct ns_topo *t)
{
	return t->nlerr == -NLE_OPNOTSUPP;
}

/** ns_topo_error() - the last failure's text */
const char *ns_topo_error(const struct ns_topo *t)
{
	return t->err;
}

/**
 * ns_topo_netns_private() - move this process into a new, empty network
 * namespace and bring its loopback up
 * @err:	reason on failure (no CAP_NET_ADMIN, no namespaces)
 * @errlen:	its size
 *
 * Return: 0 or -1
 */
int ns_topo_netns_private(char *err, size_t errlen)
{
	struct ns_topo *t;
	int rc;

	if (unshare(CLONE_NEWNET)) {
		snprintf(err, errlen, "unshare(CLONE_NEWNET): %s (the bridge backend "
			 "needs root or CAP_NET_ADMIN)", strerror(errno));
		return -1;
	}
	t = ns_topo_open(err, errlen);
	if (!t)
		return -1;
	rc = ns_topo_link_up(t, "lo");
	if (rc)
		snprintf(err, errlen, "%s", t->err);
	ns_topo_close(t);
	return rc;
}

static int link_set_up(struct ns_topo *t, const char *name, bool grouped);

static int link_get(struct ns_topo *t, const char *name, struct rtnl_link **l)
{
	int rc = rtnl_link_get_kernel(t->sk, 0, name, l);

	return rc ? fail(t, rc, "get link %s", name) : 0;
}

/* A raw rtnetlink request on link @name, for what libnl-route lacks */
static int raw_request(struct ns_topo *t, const char *name, int type,
		       int family, struct nl_msg *m)
{
	struct ifinfomsg ifi = { .ifi_family = (unsigned char)family,
				 .ifi_index = (int)if_nametoindex(name) };
	struct nlmsghdr *h = nlmsg_hdr(m);
	int rc;

	if (!ifi.ifi_index)
		return fail(t, 0, "no link %s", name);
	h->nlmsg_type = (uint16_t)type;
	memcpy(nlmsg_data(h), &ifi, sizeof(ifi));
	rc = nl_send_sync(t->sk, m);	/* sends, waits for the ACK, frees */
	return rc ? fail(t, rc, "rtnetlink request %d on %s", type, name) : 0;
}

static struct nl_msg *raw_msg(void)
{
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST);
	struct ifinfomsg ifi = { 0 };

	if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/**
 * ns_topo_bridge_add() - a Linux bridge, up
 * @t:		topology
 * @name:	e.g. vmbr0
 * @vlan_filtering: VLAN-aware (Proxmox's bridge-vlan-aware yes), so ports
 *		can be given a tag
 *
 * Return: 0 or -1 (ns_topo_error())
 */
int ns_topo_bridge_add(struct ns_topo *t, const char *name, bool vlan_filtering)
{
	struct rtnl_link *br = rtnl_link_bridge_alloc();
	struct nl_msg *m;
	struct nlattr *info, *data;
	int rc = -NLE_NOMEM;

	/* not rtnl_link_bridge_add(): without NLM_F_EXCL an existing link of
	 * that name would be taken over silently */
	if (br) {
		rtnl_link_set_name(br, name);
		rc = rtnl_link_add(t->sk, br, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(br);
	}
	if (rc)
		return fail(t, rc, "add bridge %s", name);
	if (vlan_filtering) {
		if (!(m = raw_msg()) ||
		    !(info = nla_nest_start(m, IFLA_LINKINFO)) ||
		    nla_put_string(m, IFLA_INFO_KIND, "bridge") ||
		    !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
		    nla_put_u8(m, IFLA_BR_VLAN_FILTERING, 1)) {
			nlmsg_free(m);
			return fail(t, -NLE_NOMEM, "vlan_filtering on %s", name);
		}
		nla_nest_end(m, data);
		nla_nest_end(m, info);
		if (raw_request(t, name, RTM_NEWLINK, AF_UNSPEC, m))
			return -1;
	}
	return link_set_up(t, name, true);
}

/**
 * ns_topo_tap_open() - a tap interface (no packet info header), down
 * @t:		topology (for the error)
 * @name:	e.g. tap100i0
 * @fd:		the tap's fd (close-on-exec; the interface lives as long as it)
 *
 * Return: 0 or -1
 */
int ns_topo_tap_open(struct ns_topo *t, const char *name, int *fd)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };

	*fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return fail(t, 0, "open /dev/net/tun for %s", name);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(*fd, TUNSETIFF, &ifr)) {
		close(*fd);
		*fd = -1;
		return fail(t, 0, "TUNSETIFF %s", name);
	}
	return 0;
}

static int port_vlan(struct ns_topo *t, const char *port, int type,
		     uint16_t flags, uint16_t vid)
{
	struct bridge_vlan_info vi = { .flags = flags, .vid = vid };
	struct nl_msg *m = raw_msg();
	struct nlattr *spec;

	if (!m || !(spec = nla_nest_start(m, IFLA_AF_SPEC)) ||
	    nla_put(m, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi)) {
		nlmsg_free(m);
		return fail(t, -NLE_NOMEM, "VLAN %u on %s", vid, port);
	}
	nla_nest_end(m, spec);
	return raw_request(t, port, type, AF_BRIDGE, m);
}

/**
 * ns_topo_port_add() - enslave @port to @bridge and bring it up
 * @t:		topology
 * @port:	tap or veth name
 * @bridge:	bridge name
 * @pvid:	VLAN tag (Proxmox's tag=): untagged member of that VLAN
 *		only, instead of the default VLAN 1; 0 for none
 *
 * Return: 0 or -1
 */
int ns_topo_port_add(struct ns_topo *t, const char *port, const char *bridge,
		     uint16_t pvid)
{
	unsigned m = if_nametoindex(bridge), p = if_nametoindex(port);
	int rc;

	if (!m || !p)
		return fail(t, 0, "enslave %s to %s", port, bridge);
	rc = rtnl_link_enslave_ifindex(t->sk, (int)m, (int)p);
	if (rc)
		return fail(t, rc, "enslave %s to %s", port, bridge);
	if (pvid && (port_vlan(t, port, RTM_DELLINK, 0, 1) ||
		     port_vlan(t, port, RTM_SETLINK, BRIDGE_VLAN_INFO_PVID |
			       BRIDGE_VLAN_INFO_UNTAGGED, pvid)))
		return -1;
	return link_set_up(t, port, true);
}

/* IFF_UP, and membership of kdh's link group (for ns_topo_teardown()) */
static int link_set_up(struct ns_topo *t, const char *name, bool grouped)
{
	struct rtnl_link *l, *change;
	int rc;

	if (link_get(t, name, &l))
		return -1;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(l);
		return fail(t, -NLE_NOMEM, "up %s", name);
	}
	rtnl_link_set_flags(change, IFF_UP);
	if (grouped)
		rtnl_link_set_group(change, NS_TOPO_GROUP);
	rc = rtnl_link_change(t->sk, l, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(l);
	return rc ? fail(t, rc, "set %s up", name) : 0;
}

/**
 * ns_topo_link_up() - set IFF_UP on a link
 * @t:		topology
 * @name:	link
 *
 * Return: 0 or -1
 */
int ns_topo_link_up(struct ns_topo *t, const char *name)
{
	return link_set_up(t, name, false);
}

/**
 * ns_topo_teardown() - delete every bridge and port this module set up,
 * in one request
 * @t:		topology
 *
 * Each link deleted alone waits for an RCU grace period (about 20 ms
 * here); "ip link del group" style deletion unregisters them as one batch.
 *
 * Return: 0 or -1
 */
int ns_topo_teardown(struct ns_topo *t)
{
	struct nl_msg *m = nlmsg_alloc_simple(RTM_DELLINK, NLM_F_REQUEST);
	struct ifinfomsg ifi = { 0 };
	int rc;

	if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) ||
	    nla_put_u32(m, IFLA_GROUP, NS_TOPO_GROUP)) {
		nlmsg_free(m);
		return fail(t, -NLE_NOMEM, "delete link group");
	}
	rc = nl_send_sync(t->sk, m);
	/* an empty group is not an error worth reporting */
	return rc && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND ?
	       fail(t, rc, "delete link group %#x", NS_TOPO_GROUP) : 0;
}

/**
 * ns_topo_addr_add() - an IPv4 address on a link
 * @t:		topology
 * @name:	link
 * @ip:		address, host byte order
 * @prefix:	prefix length
 *
 * Return: 0 or -1
 */
int ns_topo_addr_add(struct ns_topo *t, const char *name, uint32_t ip,
		     int prefix)
{
	uint32_t be = htonl(ip);
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, &be, 4);
	unsigned idx = if_nametoindex(name);
	int rc = -NLE_NOMEM;

	if (a && local && idx) {
		nl_addr_set_prefixlen(local, prefix);
		rtnl_addr_set_ifindex(a, (int)idx);
		rc = rtnl_addr_set_local(a, local);
		if (!rc)
			rc = rtnl_addr_add(t->sk, a, 0);
	} else if (!idx) {
		rc = -NLE_OBJ_NOTFOUND;
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return rc ? fail(t, rc, "add address to %s", name) : 0;
}

/**
 * ns_topo_link_del() - delete a link (a bridge; taps go with their fd)
 * @t:		topology
 * @name:	link
 *
 * Return: 0 or -1
 */
int ns_topo_link_del(struct ns_topo *t, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int rc;

	if (!l)
		return fail(t, -NLE_NOMEM, "delete %s", name);
	rtnl_link_set_name(l, name);
	rc = rtnl_link_delete(t->sk, l);
	rtnl_link_put(l);
	return rc ? fail(t, rc, "delete link %s", name) : 0;
}
