/* SPDX-License-Identifier: GPL-2.0-or-later */
/* topo.h - Linux bridge/tap topologies with libnl-3, inside a private
 * network namespace (the host's interfaces are never touched) */
#ifndef NETSIM_TOPO_H
#define NETSIM_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_TOPO_GROUP	0x4b4448u	/* "KDH": the links kdh made */

struct ns_topo;

int ns_topo_netns_private(char *err, size_t errlen);
bool ns_topo_can_admin(void);
struct ns_topo *ns_topo_open(char *err, size_t errlen);
void ns_topo_close(struct ns_topo *t);
int ns_topo_bridge_add(struct ns_topo *t, const char *name, bool vlan_filtering);
int ns_topo_tap_open(struct ns_topo *t, const char *name, int *fd);
int ns_topo_port_add(struct ns_topo *t, const char *port, const char *bridge,
		     uint16_t pvid);
int ns_topo_link_up(struct ns_topo *t, const char *name);
int ns_topo_addr_add(struct ns_topo *t, const char *name, uint32_t ip,
		     int prefix);
int ns_topo_link_del(struct ns_topo *t, const char *name);
int ns_topo_teardown(struct ns_topo *t);
const char *ns_topo_error(const struct ns_topo *t);
bool ns_topo_unsupported(const struct ns_topo *t);

#endif /* NETSIM_TOPO_H */
