/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay_priv.h - the relay's state, shared by relay.c (ends, queues,
 * unix sockets) and relay_tcp.c (the TCP listening end).  Not a public
 * header. */
#ifndef NETSIM_RELAY_PRIV_H
#define NETSIM_RELAY_PRIV_H

#include "netsim/relay.h"

struct end {
	struct ns_relay *r;
	int idx;
	char path[108];
	bool listen;
	bool tcp;			/* "tcp-listen:": a TCP listener */
	bool owner;			/* "-": the owner, no socket */
	int lfd, fd;
	bool parked;			/* hung up, other queue full: not polled */
	uint8_t *q;			/* bytes waiting to go out of this end: */
	size_t qhead, qlen;		/* q[qhead, qhead + qlen) */
	uint64_t rx;
	struct ns_timer *retry;
	char peer[NS_TCP_ADDR_LEN];	/* TCP: the client connected last */
	char refused[NS_TCP_ADDR_LEN];	/* TCP: the client being refused */
	bool refusing;			/* during the NS_RELAY_REFUSED event */
};

struct ns_relay {
	struct ns_loop *loop;
	struct ns_relay_ops ops;
	void *opaque;
	struct end e[2];
	uint8_t buf[65536];
};

void relay_end_up(struct end *e, int fd);
int relay_tcp_open(struct end *e, const char *addr, char *err, size_t errlen);

#endif /* NETSIM_RELAY_PRIV_H */
