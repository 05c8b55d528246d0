/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serial_line.h - a simulated null-modem cable: bytes between two ends at
 * a baud rate, for serial ports in virtual time */
#ifndef NETSIM_SERIAL_LINE_H
#define NETSIM_SERIAL_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "netsim/loop.h"

/**
 * struct ns_serial_ops - what the owner hears
 * @deliver:	bytes from end @from arrived at the other end
 *		(@from is 0 or 1; the time is the loop's now)
 */
struct ns_serial_ops {
	void (*deliver)(void *opaque, int from, const uint8_t *buf, size_t len);
};

struct ns_serial;

struct ns_serial *ns_serial_new(struct ns_loop *l, unsigned baud,
				const struct ns_serial_ops *ops, void *opaque);
void ns_serial_free(struct ns_serial *s);
int ns_serial_send(struct ns_serial *s, int from, const uint8_t *buf,
		   size_t len);
uint64_t ns_serial_byte_ns(unsigned baud);

#endif /* NETSIM_SERIAL_LINE_H */
