/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay.h - a byte relay between two stream sockets (unix, or a TCP
 * listener) that survives either side restarting (a VM reboot), for
 * serial ports */
#ifndef NETSIM_RELAY_H
#define NETSIM_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netsim/loop.h"

#define NS_RELAY_QUEUE	(1u << 20)	/* per direction, then back-pressure */
#define NS_RELAY_RETRY	(250 * NS_PER_MS)

#define NS_RELAY_TCP	"tcp-listen:"	/* an end's spec: "tcp-listen:5800" */
#define NS_TCP_ADDR_LEN	56		/* "[v6 address]:65535" and its NUL */

/* NS_RELAY_REFUSED: a TCP client came while another was connected and was
 * closed at once (ns_relay_peer() names it during the event) */
enum ns_relay_event { NS_RELAY_UP, NS_RELAY_DOWN, NS_RELAY_REFUSED };

/**
 * struct ns_tcp_addr - where a tcp-listen end listens
 * @ss:		the address, AF_INET or AF_INET6, with the port
 * @len:	its length
 * @port:	the port, 1-65535
 * @loopback:	127.0.0.0/8 or ::1 (or ::ffff:127.x): this host only
 * @text:	"127.0.0.1:5800" or "[::1]:5800"
 */
struct ns_tcp_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	uint16_t port;
	bool loopback;
	char text[NS_TCP_ADDR_LEN];
};

/**
 * struct ns_relay_ops - what the owner hears
 * @data:	bytes that arrived from end @from (0 or 1), before relaying
 * @event:	end @end connected or went away
 */
struct ns_relay_ops {
	void (*data)(void *opaque, int from, const uint8_t *buf, size_t len);
	void (*event)(void *opaque, int end, enum ns_relay_event ev);
};

struct ns_relay;

struct ns_relay *ns_relay_new(struct ns_loop *l, const char *const spec[2],
			      const struct ns_relay_ops *ops, void *opaque,
			      char *err, size_t errlen);
void ns_relay_free(struct ns_relay *r);
int ns_tcp_addr_parse(const char *s, struct ns_tcp_addr *a, char *err,
		      size_t errlen);
const char *ns_relay_peer(const struct ns_relay *r, int end);
uint64_t ns_relay_bytes(const struct ns_relay *r, int from);
int ns_relay_write(struct ns_relay *r, int from, const uint8_t *buf, size_t len);

#endif /* NETSIM_RELAY_H */
