/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dhcp_client.h - a DHCP client on an ns_host, with a configurable
 * retransmission schedule and give-up time (the simulated debuggee uses a
 * Windows-like schedule; tests use the defaults) */
#ifndef NETSIM_DHCP_CLIENT_H
#define NETSIM_DHCP_CLIENT_H

#include <stdint.h>

#include "netsim/host.h"

/**
 * struct ns_dhcp_config - how the client retries
 * @discover_ns: wait after the 1st, 2nd, ... DISCOVER; the last repeats.
 *		NULL: 4, 8, 16, 32, 64 s (RFC 2131's backoff)
 * @n_discover:	entries in @discover_ns
 * @jitter_ns:	each wait varies by a uniform [-jitter, +jitter]
 * @give_up_ns:	stop after this long without a lease (0: never)
 * @request_timeout_ns: no ACK this long after REQUEST: back to DISCOVER
 *		(0: 4 s)
 * @hostname:	option 12, may be NULL
 */
struct ns_dhcp_config {
	const uint64_t *discover_ns;
	size_t n_discover;
	uint64_t jitter_ns;
	uint64_t give_up_ns;
	uint64_t request_timeout_ns;
	const char *hostname;
};

/**
 * struct ns_dhcp_lease - what the server gave
 */
struct ns_dhcp_lease {
	uint32_t addr;
	uint32_t netmask;
	uint32_t router;
	uint32_t server;
	uint32_t lease_s;
};

/* status: 0 bound (lease set), -ETIMEDOUT gave up (lease NULL) */
typedef void (*ns_dhcp_cb)(void *opaque, int status,
			   const struct ns_dhcp_lease *lease);

struct ns_dhcp_client;

struct ns_dhcp_client *ns_dhcp_client_new(struct ns_host *h,
					  const struct ns_dhcp_config *cfg,
					  ns_dhcp_cb cb, void *opaque);
int ns_dhcp_client_start(struct ns_dhcp_client *c);
void ns_dhcp_client_free(struct ns_dhcp_client *c);
unsigned ns_dhcp_client_discovers(const struct ns_dhcp_client *c);

#endif /* NETSIM_DHCP_CLIENT_H */
