/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target_kd_bench.h - a test bench for the debuggee's KD (target_kd.c):
 * packets fed in as a debugger sends them, what it sends recorded; shared
 * by test_target_kd.c (the protocol) and test_target_kd_events.c (breaks,
 * bugcheck, .kdfiles, DbgPrint) */
#ifndef KDH_TEST_TARGET_KD_BENCH_H
#define KDH_TEST_TARGET_KD_BENCH_H

#include "harness/target/target_priv.h"
#include "kdh/kdnet/kd_api.h"

#define MAX_SENT	512
#define KEEP		512	/* body bytes kept per packet */
#define DBG_ID		0x80000000u

struct sent {
	uint32_t leader;
	uint16_t type;
	uint32_t id;
	uint16_t len;
	uint8_t body[KEEP];
	uint64_t at;
};

struct bench {
	struct ns_loop *l;
	struct target_config cfg;
	struct target_kd *kd;
	struct sent *s;
	size_t n;
	bool boot_done, halted;
	bool sync_ack;			/* ACK each data packet inside send() */
	uint32_t dbg_id;		/* the debugger's next: 0x80000000 + 2n */
};

void bench_up(struct bench *b);
void start(struct bench *b, bool loads);
void run(struct bench *b, uint64_t ns);
void bench_down(struct bench *b);
const struct sent *last_data(const struct bench *b, size_t *count);
size_t data_count(const struct bench *b);
void feed(struct bench *b, uint32_t leader, uint16_t type, uint32_t id,
	  const uint8_t *body, uint16_t len);
void ctl(struct bench *b, uint16_t type, uint32_t id);
void ack_last(struct bench *b);
void manip(struct bench *b, uint32_t api, const uint8_t *data,
	   size_t data_len, bool again);
void cont(struct bench *b);
struct kd_state_change state_of(const struct sent *p);
struct kd_state_change last_state(const struct bench *b);

#endif
