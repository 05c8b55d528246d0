/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd_synth.h - synthetic KDNET sessions for the tests (kd_synth.c) */
#ifndef KDH_TEST_KD_SYNTH_H
#define KDH_TEST_KD_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/kdnet/kdnet.h"

#define KS_S(x)		((uint64_t)((x) * 1e9))
#define KS_TIP		0xc0a80248u	/* the debuggee, 192.168.2.72 */
#define KS_HIP		0xc0a80201u	/* the debugger, 192.168.2.1 */
#define KS_KEY		"1.2.3.4"

typedef void (*ks_emit_fn)(void *opaque, uint64_t t_ns, const uint8_t *frame,
			   size_t len);

/**
 * struct kd_synth - a debuggee (bc:24:11:00:00:10) and a debugger whose
 * Ethernet frames go to @emit (the analysis, a pcapng file)
 */
struct kd_synth {
	struct kdnet_cipher *c;
	uint32_t dbg_id;		/* the debugger's next KD id */
	ks_emit_fn emit;
	void *opaque;
};

void ks_init(struct kd_synth *s, ks_emit_fn emit, void *opaque);
void ks_fini(struct kd_synth *s);
void ks_kdnet(struct kd_synth *s, uint64_t t, bool from_dbg, uint8_t ch,
	      const uint8_t *body, size_t len);
void ks_announce(struct kd_synth *s, uint64_t t);
void ks_kd(struct kd_synth *s, uint64_t t, bool from_dbg, uint32_t leader,
	   uint16_t type, uint32_t id, const uint8_t *body, size_t len);
void ks_ack(struct kd_synth *s, uint64_t t, bool from_dbg, uint32_t id);
void ks_load_symbols(struct kd_synth *s, uint64_t t, uint32_t id,
		     const char *name);
void ks_exception(struct kd_synth *s, uint64_t t, uint32_t id, uint32_t code,
		  uint64_t pc);
void ks_manip(struct kd_synth *s, uint64_t t, uint32_t api, uint32_t status);
void ks_dbgprint(struct kd_synth *s, uint64_t t, uint32_t id, const char *text);
void ks_frozen_until(struct kd_synth *s, double from, double end);

#endif
