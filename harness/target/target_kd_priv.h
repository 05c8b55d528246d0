/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target_kd_priv.h - the debuggee's KD, shared by target_kd.c (packets,
 * waits, manipulate requests), target_kd_script.c (what the kernel
 * reports next, and when) and target_kd_send.c (what goes out).  Not a
 * public header. */
#ifndef KDH_TARGET_KD_PRIV_H
#define KDH_TARGET_KD_PRIV_H

#include "harness/target/target_priv.h"
#include "kdh/kdnet/kd_api.h"

#define TKD_BODY_MAX	(KD_MANIP_LEN + KD_CONTEXT_LEN)

/* Where the modelled kernel is: plausible Windows 11 x64 addresses (a
 * kernel image high in the system space, its loader list inside it), not
 * taken from any particular machine */
#define TKD_KERN_BASE	0xfffff80571200000ull
#define TKD_KERN_SIZE	0x01046000u
#define TKD_PS_LOADED_MODULE_LIST (TKD_KERN_BASE + 0x00f2a470)
#define TKD_RESEND_NS	NS_PER_S	/* unacknowledged: sent again (guess) */
#define TKD_INT3_REPEATS 100		/* a plain continue at an int3 */

/* What the guest is stopped for */
enum tkd_wait {
	TKD_RUNNING,		/* nothing: the script goes on */
	TKD_WAIT_ACK,		/* DbgPrint: KdSendPacket until acknowledged */
	TKD_WAIT_CONTINUE,	/* a state change: KdpSendWaitContinue */
	TKD_WAIT_FILE,		/* FILE_IO CreateFile: KdpCreateRemoteFile */
};

/* The script's item in progress */
enum tkd_item {
	TKD_NONE,
	TKD_FILE,		/* .kdfiles: a driver's file asked for */
	TKD_LOAD,		/* load symbols of nt, hal or a driver */
	TKD_PRINT,		/* a DbgPrint line */
	TKD_BREAK,		/* DbgBreakPoint's int3 */
	TKD_ASSERT,		/* an assertion's int 2c */
	TKD_BUG_TEXT,		/* "*** Fatal System Error" */
	TKD_BUG_BREAK,		/* the bugcheck's break, status 3 */
	TKD_UNLOAD_ALL,		/* unload all before the reboot */
};

struct tkd_packet {
	uint16_t type;
	uint32_t id;
	uint16_t len;
	uint8_t body[TKD_BODY_MAX];
};

struct target_kd {
	struct ns_loop *loop;
	const struct target_config *cfg;
	struct target_kd_ops ops;
	void *opaque;
	struct target_kd_link link;
	bool started, halted;

	/* packets: one data packet of ours in flight (KD is stop-and-wait) */
	uint32_t next_id;
	bool have_rx;			/* the debugger's last packet taken */
	uint32_t rx_id;
	bool reset_sent;		/* our last RESET, at reset_at */
	uint64_t reset_at;
	bool pending;
	struct tkd_packet out;
	struct ns_timer *resend_timer;

	/* the wait, and the request it is for (sent again on KD_RESEND) */
	enum tkd_wait wait;
	struct tkd_packet request;
	uint64_t rip, rcx;		/* the CONTEXT the debugger sees */

	/* the script (target_kd_script.c) */
	uint64_t power_on_ns, started_ns, resumed_ns;
	enum tkd_item cur;		/* reported, waited on */
	enum tkd_item forced;		/* must come next, at once */
	unsigned n_loads;		/* nt, hal and the drivers; 0: skipped */
	unsigned next_load;		/* 0 nt, 1 hal, 2... drivers */
	uint32_t printed;		/* dbgprint lines done, one bit each */
	unsigned cur_print;
	bool break_done, assert_done, bugcheck_started;
	uint64_t int3_pc;		/* the current break's int3, 0: none */
	unsigned int3_repeats;
	struct ns_timer *step_timer;
};

/* target_kd_send.c: what goes out */
void tkd_log(struct target_kd *kd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tkd_report(struct target_kd *kd, enum tkd_wait wait, uint16_t type,
		const uint8_t *body, int len);
void tkd_control(struct target_kd *kd, uint16_t type, uint32_t id);
void tkd_transmit(struct target_kd *kd);
void tkd_id_advance(struct target_kd *kd);
void tkd_send_new(struct target_kd *kd, const struct tkd_packet *p);

/* target_kd_script.c: what the kernel reports next */
void tkd_script_reset(struct target_kd *kd, bool loads);
void tkd_script_resumed(struct target_kd *kd);
void tkd_script_step(void *opaque);
bool tkd_script_finished(const struct target_kd *kd);

#endif /* KDH_TARGET_KD_PRIV_H */
