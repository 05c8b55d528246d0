/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debugger_serial.h - the debugger's side of KD over a serial line (what
 * WinDbg does on a COM port with "reconnect" checked) */
#ifndef KDH_DEBUGGER_SERIAL_H
#define KDH_DEBUGGER_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/debugger/kd_engine.h"
#include "netsim/loop.h"

/**
 * struct dbg_serial_ops - what the owner provides
 * @send:	bytes onto the line
 * @log:	a diagnostic line (never measured), may be NULL
 * @kd:		what a KD packet said and what the engine made of it, may
 *		be NULL
 */
struct dbg_serial_ops {
	void (*send)(void *opaque, const uint8_t *buf, size_t len);
	void (*log)(void *opaque, const char *msg);
	void (*kd)(void *opaque, const struct kd_engine_out *o);
};

/**
 * struct dbg_serial_stats - counters
 */
struct dbg_serial_stats {
	uint64_t resets_rx, resets_tx, data_rx, acks_tx, bad_checksum, garbage;
};

struct dbg_serial;

struct dbg_serial *dbg_serial_new(struct ns_loop *l,
				  const struct dbg_serial_ops *ops, void *opaque);
void dbg_serial_free(struct dbg_serial *d);
void dbg_serial_start(struct dbg_serial *d);
void dbg_serial_set_kd(struct dbg_serial *d, const struct kd_engine_cfg *cfg);
void dbg_serial_input(struct dbg_serial *d, const uint8_t *buf, size_t len);
const struct dbg_serial_stats *dbg_serial_stats(const struct dbg_serial *d);

#endif /* KDH_DEBUGGER_SERIAL_H */
