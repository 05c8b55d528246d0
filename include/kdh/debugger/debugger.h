/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debugger.h - the debugger host's side of KDNET (what WinDbg does)
 *
 * Transport-agnostic: the owner feeds it datagrams (from a netsim host
 * node in simulations, from a real UDP socket in `kdh listen`) and gives it
 * a send callback.  It answers announcements that verify with the key,
 * derives the session key, answers KD packets with its KD engine
 * (kd_engine.h: what WinDbg answers, so a Windows guest keeps running),
 * tells its owner what each debuggee said, and records when each
 * debuggee connected.  Packets that do not verify are counted and ignored,
 * never answered: that is what a wrong key looks like from the debuggee.
 */
#ifndef KDH_DEBUGGER_H
#define KDH_DEBUGGER_H

#include <stdbool.h>
#include <stdint.h>

#include "kdh/debugger/kd_engine.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/loop.h"
#include "netsim/rng.h"

#define DBG_MAX_SESSIONS	16

enum dbg_event_kind {
	DBG_EV_ANNOUNCE,	/* first verified announcement of a debuggee */
	DBG_EV_CONNECTED,	/* first data packet verified with Kd */
	DBG_EV_REJECTED,	/* first packet from a source that fails */
};

struct dbg_event {
	enum dbg_event_kind kind;
	uint32_t ip;
	uint16_t port;
	uint64_t at_ns;
};

/**
 * struct debugger_ops - what the owner provides
 * @send:	a datagram to @ip:@port
 * @event:	announce / connected / rejected, may be NULL
 * @kd:		what a debuggee's KD packet said and what the engine made of
 *		it (a note, a bugcheck, a break held), may be NULL
 */
struct debugger_ops {
	void (*send)(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *dgram, size_t len);
	void (*event)(void *opaque, const struct dbg_event *ev);
	void (*kd)(void *opaque, uint32_t ip, uint16_t port,
		   const struct kd_engine_out *o, uint64_t now_ns);
};

/**
 * struct debugger_stats - counters over all debuggees
 */
struct debugger_stats {
	uint64_t announces, replies, data_rx, data_tx, rejected, sessions,
		 connected;
};

struct debugger;

struct debugger *debugger_new(const uint8_t key[KDNET_KEY_LEN],
			      struct ns_rng *rng,
			      const struct debugger_ops *ops, void *opaque);
void debugger_free(struct debugger *d);
int debugger_set_kd(struct debugger *d, const struct kd_engine_cfg *cfg,
		    struct ns_loop *loop);
void debugger_input(struct debugger *d, uint32_t ip, uint16_t port,
		    const uint8_t *dgram, size_t len, uint64_t now_ns);
const struct debugger_stats *debugger_stats(const struct debugger *d);
bool debugger_connected(const struct debugger *d, uint32_t ip, uint16_t port,
			uint64_t *at_ns);

#endif /* KDH_DEBUGGER_H */
