/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ports.h - switch ports backed by file descriptors: QEMU stream sockets
 * and tap devices (both need the real clock) */
#ifndef NETSIM_PORTS_H
#define NETSIM_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "netsim/switch.h"

#define NS_STREAM_TXQ_MAX	(1u << 20)	/* bytes queued for a slow peer */

enum ns_port_event {
	NS_PORT_CONNECTED,
	NS_PORT_CLOSED,
};

/* @why: NULL on connect; the reason on close ("peer closed", ...) */
typedef void (*ns_port_event_cb)(void *opaque, const char *port_name,
				 enum ns_port_event ev, const char *why);

/**
 * struct ns_fdport_stats - counters of an fd-backed port
 */
struct ns_fdport_stats {
	uint64_t rx_frames, tx_frames;
	uint64_t tx_dropped;		/* peer too slow or gone */
};

struct ns_stream_port;
struct ns_stream_listener;
struct ns_tap_port;

struct ns_stream_port *ns_stream_port_new(struct ns_switch *sw, int fd,
					  const char *name,
					  ns_port_event_cb cb, void *opaque);
void ns_stream_port_free(struct ns_stream_port *sp);
bool ns_stream_port_closed(const struct ns_stream_port *sp);
const struct ns_fdport_stats *ns_stream_port_stats(const struct ns_stream_port *sp);

struct ns_stream_listener *ns_stream_listen(struct ns_switch *sw,
					    const char *path, const char *name,
					    ns_port_event_cb cb, void *opaque,
					    char *err, size_t errlen);
void ns_stream_listener_set_down(struct ns_stream_listener *ls, bool down);
void ns_stream_listener_free(struct ns_stream_listener *ls);

struct ns_tap_port *ns_tap_port_new(struct ns_switch *sw, int fd,
				    const char *name);
void ns_tap_port_free(struct ns_tap_port *tp);
const struct ns_fdport_stats *ns_tap_port_stats(const struct ns_tap_port *tp);

#endif /* NETSIM_PORTS_H */
