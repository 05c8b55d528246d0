/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay.h - a byte relay between two unix stream sockets that survives
 * either side restarting (a VM reboot), for serial ports */
#ifndef NETSIM_RELAY_H
#define NETSIM_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim/loop.h"

#define NS_RELAY_QUEUE	(1u << 20)	/* per direction, then back-pressure */
#define NS_RELAY_RETRY	(250 * NS_PER_MS)

enum ns_relay_event { NS_RELAY_UP, NS_RELAY_DOWN };

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
uint64_t ns_relay_bytes(const struct ns_relay *r, int from);
int ns_relay_write(struct ns_relay *r, int from, const uint8_t *buf, size_t len);

#endif /* NETSIM_RELAY_H */
