// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kd_send.c - what the debuggee's KD sends: our one data packet in
 * flight (its id, sending it again), control packets, the kernel's reports
 * and the model's log line
 *
 * The bottom of the debuggee's KD: target_kd.c (the debugger's packets,
 * waits, manipulate requests) and target_kd_script.c (what the kernel
 * reports next) both send through here, and this file calls neither; it
 * only uses the transport's send of struct target_kd_link and the resend
 * timer (whose callback, in target_kd.c, decides what goes again).
 * Uses: netsim/ (loop time, timers), kdnet/ (packet names), libc.
 * Used by: target_kd.c, target_kd_script.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/target/target_kd_priv.h"

/**
 * tkd_log() - a diagnostic line through the model's log
 * @kd:		KD state
 * @fmt:	message
 */
void tkd_log(struct target_kd *kd, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!kd->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kd->ops.log(kd->opaque, msg);
}

/**
 * tkd_control() - a control packet (ACK, RESEND, RESET): never in flight
 * @kd:		KD state
 * @type:	KD_TYPE_*
 * @id:		the packet id it answers (0 for RESEND and RESET)
 */
void tkd_control(struct target_kd *kd, uint16_t type, uint32_t id)
{
	kd->link.send(kd->opaque, KD_LEADER_CONTROL, type, id, NULL, 0);
}

/**
 * tkd_transmit() - send our data packet in flight (again), and arm its resend
 * @kd:		KD state
 *
 * The timer first: the answer may come back within send() (an in-process
 * network delivers at once), and its ACK must find the timer to stop.
 */
void tkd_transmit(struct target_kd *kd)
{
	ns_timer_mod(kd->resend_timer, ns_loop_now(kd->loop) + TKD_RESEND_NS);
	kd->link.send(kd->opaque, KD_LEADER_DATA, kd->out.type, kd->out.id,
		      kd->out.body, kd->out.len);
}

/**
 * tkd_id_advance() - the id of our next data packet (toggled or +2)
 * @kd:		KD state
 */
void tkd_id_advance(struct target_kd *kd)
{
	kd->next_id = kd->link.toggle ? kd->next_id ^ 1u : kd->next_id + 2;
}

/**
 * tkd_send_new() - a new data packet of ours: the next id, in flight until
 * acknowledged
 * @kd:		KD state
 * @p:		the packet (may be &kd->out itself)
 */
void tkd_send_new(struct target_kd *kd, const struct tkd_packet *p)
{
	if (&kd->out != p)
		memcpy(&kd->out, p, sizeof(*p));
	kd->out.id = kd->next_id;
	tkd_id_advance(kd);
	kd->pending = true;
	tkd_transmit(kd);
}

/**
 * tkd_report() - the kernel sends a data packet and waits as it does
 * @kd:		KD state
 * @wait:	TKD_WAIT_ACK (DbgPrint), TKD_WAIT_CONTINUE (state change) or
 *		TKD_WAIT_FILE (FILE_IO request)
 * @type:	KD_TYPE_*
 * @body, @len:	the body (a negative @len: a builder failed, nothing sent)
 */
void tkd_report(struct target_kd *kd, enum tkd_wait wait, uint16_t type,
		const uint8_t *body, int len)
{
	if (len < 0 || (size_t)len > sizeof(kd->request.body)) {
		tkd_log(kd, "KD: a %s body did not fit", kd_type_name(type));
		return;
	}
	kd->request.type = type;
	kd->request.len = (uint16_t)len;
	memcpy(kd->request.body, body, (size_t)len);
	kd->wait = wait;
	tkd_send_new(kd, &kd->request);
}
