// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kd.c - the debuggee's KD once a debugger connected: packets,
 * waits and the debugger's manipulate requests, on any transport
 *
 * Theory of operation (kd-debugger.md sections 1-3; ReactOS kddll.c and
 * kdapi.c): the transport (target_kdnet.c, target_serial.c) connects and
 * then hands every KD packet here, and sends what this gives it.  Like
 * Windows' KdSendPacket, one data packet of ours is in flight at a time,
 * sent again every TKD_RESEND_NS and at once on KD_RESEND until
 * acknowledged (a retransmission keeps its id; KDNET ids go 0, 2, 4, ...,
 * serial ones toggle bit 0).  What the guest does meanwhile:
 *   DbgPrint            -> runs on once it is acknowledged
 *   state change        -> KdpSendWaitContinue: serves manipulate requests
 *                          (GetVersion, Get/SetContext; anything else
 *                          STATUS_UNSUCCESSFUL) until Continue (0x3136) or
 *                          Continue2 (0x313C); a KD_RESEND while it waits
 *                          sends the state change again; no time limit
 *   FILE_IO CreateFile  -> waits for a FILE_IO answer (any status), asking
 *                          again every TKD_RESEND_NS
 * Every data packet of the debugger is acknowledged; one with the id last
 * taken is a retransmission, acknowledged again but not acted on, and
 * leaves ours in flight.  A new data packet while ours waits for its ACK
 * gets KD_RESEND, and ours counts as acknowledged (kdcom's rule: the
 * debugger only moves on once it has it; only a new id says it moved).  A
 * KD_RESET resets both ids, is answered with a RESET (unless it came
 * within TKD_RESEND_NS of ours: then it is the answer, and two RESETs
 * never ping-pong), and the packet in flight (or the request waited on)
 * goes again.  What the kernel reports, and when, is target_kd_script.c's;
 * what goes out (our packet in flight, its id, control packets) is
 * target_kd_send.c's.
 * The model never sleeps: the resend and the script's steps are loop
 * timers.  On the simulator's network an answer can arrive while send()
 * still runs, so every state change is made before a packet goes out.
 */
#include <stdlib.h>
#include <string.h>

#include "harness/target/target_kd_priv.h"

/* The Windows kernel's GetVersion, kd-debugger.md section 3: MajorVersion
 * 0x000F (a kernel, not winload's 0x040F), protocol 6, AMD64 */
#define VERS_MAJOR_KERNEL	0x000f
#define VERS_PROTOCOL		6
#define VERS_FLAG_MP		0x0001
#define VERS_FLAG_PTR64		0x0004
#define MACHINE_AMD64		0x8664

/* The guest runs again: the script decides what comes next */
static void resume(struct target_kd *kd)
{
	kd->wait = TKD_RUNNING;
	kd->resumed_ns = ns_loop_now(kd->loop);
	ns_timer_del(kd->resend_timer);
	tkd_script_resumed(kd);
}

/* Ours arrived (acknowledged, or the debugger moved on) */
static void acked(struct target_kd *kd)
{
	kd->pending = false;
	ns_timer_del(kd->resend_timer);
	if (kd->wait == TKD_WAIT_ACK)
		resume(kd);
	else if (kd->wait == TKD_WAIT_FILE)	/* no answer in time: again */
		ns_timer_mod(kd->resend_timer, ns_loop_now(kd->loop) +
			     TKD_RESEND_NS);
}

/* In flight: the same packet; waiting: the request again, as new */
static void again(struct target_kd *kd)
{
	if (kd->pending)
		tkd_transmit(kd);
	else if (kd->wait == TKD_WAIT_CONTINUE || kd->wait == TKD_WAIT_FILE)
		tkd_send_new(kd, &kd->request);
}

static void resend_cb(void *opaque)
{
	again(opaque);
}

static void on_control(struct target_kd *kd, const struct kd_packet *p)
{
	uint64_t now = ns_loop_now(kd->loop);

	switch (p->type) {
	case KD_TYPE_ACKNOWLEDGE:
		if (kd->pending && p->id == kd->out.id)
			acked(kd);
		break;
	case KD_TYPE_RESEND:
		again(kd);
		break;
	case KD_TYPE_RESET:
		kd->next_id = kd->link.first_id;
		kd->have_rx = false;
		if (!kd->reset_sent || now - kd->reset_at >= TKD_RESEND_NS) {
			kd->reset_sent = true;	/* not the answer to ours */
			kd->reset_at = now;
			tkd_control(kd, KD_TYPE_RESET, 0);
		}
		if (kd->pending) {
			kd->out.id = kd->next_id;
			tkd_id_advance(kd);
			tkd_transmit(kd);
		} else {
			again(kd);
		}
		break;
	}
}

/* A reply to a manipulate request: its union echoed, @status, @data */
static void reply(struct target_kd *kd, const struct kd_manip *req,
		  uint32_t status, const uint8_t *data, size_t data_len)
{
	struct kd_manip m = *req;
	struct tkd_packet p = { .type = KD_TYPE_STATE_MANIPULATE };
	int n;

	m.status = status;
	n = kd_manip_build(&m, data, data_len, p.body, sizeof(p.body));
	if (n < 0)
		return;
	p.len = (uint16_t)n;
	tkd_send_new(kd, &p);
}

static void get_version(struct target_kd *kd, const struct kd_manip *req)
{
	struct kd_version v = { .major = VERS_MAJOR_KERNEL,
		.build = (uint16_t)kd->cfg->windows_build,
		.protocol = VERS_PROTOCOL,
		.flags = VERS_FLAG_MP | VERS_FLAG_PTR64,
		.machine = MACHINE_AMD64, .kern_base = TKD_KERN_BASE,
		.ps_loaded_module_list = TKD_PS_LOADED_MODULE_LIST,
		.debugger_data_list = 0 };
	struct kd_manip m = *req;

	kd_version_build(&v, &m);
	reply(kd, &m, KD_STATUS_SUCCESS, NULL, 0);
}

/* An AMD64 CONTEXT: a kernel thread stopped at rip, status in rcx */
static void context_build(const struct target_kd *kd,
			  uint8_t ctx[KD_CONTEXT_LEN])
{
	memset(ctx, 0, KD_CONTEXT_LEN);
	kd_put_le32(ctx + 0x30, 0x10001f);	/* ContextFlags: CONTEXT_ALL */
	kd_put_le32(ctx + 0x34, 0x1f80);	/* MxCsr */
	kd_put_le16(ctx + 0x38, 0x10);		/* SegCs: kernel code */
	kd_put_le16(ctx + 0x3a, 0x2b);
	kd_put_le16(ctx + 0x3c, 0x2b);
	kd_put_le16(ctx + 0x3e, 0x53);
	kd_put_le16(ctx + 0x40, 0x2b);
	kd_put_le16(ctx + 0x42, 0x18);		/* SegSs */
	kd_put_le32(ctx + 0x44, 0x246);		/* EFlags */
	kd_put_le64(ctx + 0x70, 0x400);		/* Dr7, as the state change */
	kd_put_le64(ctx + KD_CONTEXT_RCX, kd->rcx);
	kd_put_le64(ctx + 0x98, 0xfffff80578e07c48ull);	/* Rsp */
	kd_put_le64(ctx + KD_CONTEXT_RIP, kd->rip);
}

/* KdpSendWaitContinue: one manipulate request while the guest waits */
static void manipulate(struct target_kd *kd, const struct kd_packet *p)
{
	uint8_t ctx[KD_CONTEXT_LEN];
	struct kd_manip m;

	if (kd_manip_parse(p->data, p->count, &m))
		return;
	switch (m.api) {
	case KD_API_CONTINUE:
	case KD_API_CONTINUE2:
		resume(kd);
		break;
	case KD_API_GET_VERSION:
		get_version(kd, &m);
		break;
	case KD_API_GET_CONTEXT:
		context_build(kd, ctx);
		reply(kd, &m, KD_STATUS_SUCCESS, ctx, sizeof(ctx));
		break;
	case KD_API_SET_CONTEXT:
		if (m.data_len >= KD_CONTEXT_RIP + 8)
			kd->rip = kd_le64(m.data + KD_CONTEXT_RIP);
		reply(kd, &m, KD_STATUS_SUCCESS, NULL, 0);
		break;
	default:
		reply(kd, &m, KD_STATUS_UNSUCCESSFUL, NULL, 0);
		break;
	}
}

/* A new data packet of the debugger, acknowledged: what the wait takes */
static void take(struct target_kd *kd, const struct kd_packet *p)
{
	if (kd->wait == TKD_WAIT_CONTINUE &&
	    p->type == KD_TYPE_STATE_MANIPULATE)
		manipulate(kd, p);
	else if (kd->wait == TKD_WAIT_FILE && p->type == KD_TYPE_FILE_IO &&
		 p->count >= KD_FILE_IO_LEN)
		resume(kd);
	/* anything else: "not what we wait for", dropped as kddll does */
}

/**
 * target_kd_input() - one KD packet from the debugger
 * @kd:		KD state
 * @p:		the packet, parsed by the transport (KDNET: verified)
 */
void target_kd_input(struct target_kd *kd, const struct kd_packet *p)
{
	bool dup;

	if (!kd->started || kd->halted)
		return;
	if (p->leader == KD_LEADER_CONTROL) {
		on_control(kd, p);
		return;
	}
	if (p->leader != KD_LEADER_DATA)
		return;			/* a breakin: not modelled */
	if (!p->checksum_ok) {
		tkd_control(kd, KD_TYPE_RESEND, 0);
		return;
	}
	dup = kd->have_rx && p->id == kd->rx_id;
	if (kd->pending && !dup) {
		acked(kd);		/* it answers: it has ours */
		tkd_control(kd, KD_TYPE_RESEND, 0);
		return;
	}
	/* A retransmission proves nothing about ours (its sender may have
	 * missed our ACK and our answer alike): ACKed again, ours stays in
	 * flight, as NT kdcom's KdpReceivePacket does */
	tkd_control(kd, KD_TYPE_ACKNOWLEDGE, p->id);
	if (dup)
		return;			/* sent again: taken already */
	kd->have_rx = true;
	kd->rx_id = p->id;
	take(kd, p);
}

/**
 * target_kd_new() - a debuggee's KD, not started
 * @l:		loop (timers)
 * @cfg:	the debuggee's configuration (its KD script, build, timing);
 *		must outlive the result
 * @ops:	callbacks (copied)
 * @opaque:	passed to @ops and to the link's send
 *
 * Return: KD state, or NULL when out of memory
 */
struct target_kd *target_kd_new(struct ns_loop *l,
				const struct target_config *cfg,
				const struct target_kd_ops *ops, void *opaque)
{
	struct target_kd *kd = calloc(1, sizeof(*kd));

	if (!kd)
		return NULL;
	kd->loop = l;
	kd->cfg = cfg;
	kd->ops = *ops;
	kd->opaque = opaque;
	kd->resend_timer = ns_timer_new(l, resend_cb, kd);
	kd->step_timer = ns_timer_new(l, tkd_script_step, kd);
	if (!kd->resend_timer || !kd->step_timer) {
		target_kd_free(kd);
		return NULL;
	}
	return kd;
}

/** target_kd_free() - free; @kd may be NULL */
void target_kd_free(struct target_kd *kd)
{
	if (!kd)
		return;
	ns_timer_free(kd->resend_timer);
	ns_timer_free(kd->step_timer);
	free(kd);
}

/**
 * target_kd_start() - the debugger acknowledged the banner: KD runs
 * @kd:		KD state
 * @link:	the transport (copied)
 * @power_on_ns: when this boot began (the script's times count from it)
 * @loads:	report nt, hal and the boot drivers (false: the boot went
 *		on before the debugger came, only timed events are left)
 */
void target_kd_start(struct target_kd *kd, const struct target_kd_link *link,
		     uint64_t power_on_ns, bool loads)
{
	target_kd_stop(kd);
	kd->link = *link;
	kd->next_id = link->next_id;
	kd->started = true;
	kd->power_on_ns = power_on_ns;
	kd->started_ns = kd->resumed_ns = ns_loop_now(kd->loop);
	tkd_script_reset(kd, loads);
}

/** target_kd_stop() - power off: forget the conversation and the script */
void target_kd_stop(struct target_kd *kd)
{
	ns_timer_del(kd->resend_timer);
	ns_timer_del(kd->step_timer);
	kd->started = kd->halted = kd->pending = kd->have_rx = false;
	kd->reset_sent = false;
	kd->wait = TKD_RUNNING;
}

/** target_kd_started() - whether a debugger connected in this boot */
bool target_kd_started(const struct target_kd *kd)
{
	return kd->started;
}

/**
 * target_kd_finished() - the script is played out: the guest neither
 * waits nor has anything left to report
 * @kd:		KD state
 *
 * Return: true when finished, or halted after a bugcheck
 */
bool target_kd_finished(const struct target_kd *kd)
{
	return kd->halted || (kd->started && !kd->pending &&
			      kd->wait == TKD_RUNNING && tkd_script_finished(kd));
}

/** target_kd_halted() - a bugcheck was continued: this boot is over */
bool target_kd_halted(const struct target_kd *kd)
{
	return kd->halted;
}
