// SPDX-License-Identifier: GPL-2.0-or-later
/* target_serial.c - the simulated debuggee's KD over a COM port
 * ({dbgsettings} serial debugport:N baudrate:B)
 *
 * Theory of operation: when the kernel's debugger initialises it sends a
 * KD RESET on COMn and resends it each KD_RESEND until SERIAL_RESETS went
 * unanswered; then the boot goes on without a debugger and the kernel
 * only polls the port (Windows does not wait at the logo for a serial
 * debugger).  A RESET that arrives is answered with a RESET unless it is
 * the answer to ours (one sent less than KD_RESEND ago), so two RESETs
 * never ping-pong.  Once the sides agree, the debuggee sends its first
 * packet (a DEBUG_IO print) until the debugger acknowledges it: connected.
 * That is what WinDbg's "Waiting to reconnect..." meets when it starts
 * after the debuggee: its RESET is answered whenever it comes.  Once
 * connected every KD packet (a RESET too) goes to target_kd.c, which
 * plays the kernel's part with ids going on from the print's.
 */
#include <stdlib.h>
#include <string.h>

#include "harness/target/target_priv.h"
#include "kdh/kdnet/kd_api.h"
#include "kdh/kdnet/kd_stream.h"

#define KD_RESEND		(1 * NS_PER_S)
#define SERIAL_RESETS		3
#define SERIAL_FIRST_ID		0x80800000u	/* KD's initial packet id */

static const char serial_banner[] = "KDTARGET: debugging over COM port\n";

static void serial_out(struct target *t, uint32_t leader, uint16_t type,
		       uint32_t id, const uint8_t *data, uint16_t len)
{
	uint8_t pkt[KD_HDR_LEN + KD_MANIP_LEN + KD_CONTEXT_LEN + 1];
	int n = kd_packet_build(leader, type, id, data, len, KD_SERIAL, pkt,
				sizeof(pkt));

	if (n > 0 && t->ops.serial_send)
		t->ops.serial_send(t->opaque, t->cfg.debugport - 1, pkt, (size_t)n);
}

/* target_kd's link */
static void kd_send(void *opaque, uint32_t leader, uint16_t type, uint32_t id,
		    const uint8_t *body, uint16_t len)
{
	serial_out(opaque, leader, type, id, body, len);
}

static void reset_send(struct target *t)
{
	serial_out(t, KD_LEADER_CONTROL, KD_TYPE_RESET, 0, NULL, 0);
	t->kd_reset_at = ns_loop_now(t->loop);
	t->kd_resets++;
}

static void print_send(struct target *t)
{
	uint8_t body[16 + sizeof(serial_banner)];
	int n = kd_print_body(serial_banner, body, sizeof(body));

	serial_out(t, KD_LEADER_DATA, KD_TYPE_DEBUG_IO, t->kd_id, body,
		   (uint16_t)n);
}

/* The sides agree: start the first packet's send-until-acknowledged */
static void synced(struct target *t)
{
	if (!t->kd_synced)
		target_log(t, "KD RESET exchange on COM%u: debugger there",
			   t->cfg.debugport);
	t->kd_synced = true;
	t->kd_acked = false;
	t->kd_id = SERIAL_FIRST_ID;
	t->phase = TP_KDNET;
	print_send(t);
	ns_timer_mod(t->serial_timer, ns_loop_now(t->loop) + KD_RESEND);
}

/** target_serial_timer() - resend a RESET or the unacknowledged packet */
void target_serial_timer(void *opaque)
{
	struct target *t = opaque;

	if (t->kd_synced && !t->kd_acked) {
		print_send(t);
	} else if (!t->kd_synced && t->kd_resets < SERIAL_RESETS) {
		reset_send(t);
	} else {
		if (!t->kd_synced)
			target_log(t, "no debugger answered on COM%u: the boot goes "
				   "on, KD polls the port", t->cfg.debugport);
		return;
	}
	ns_timer_mod(t->serial_timer, ns_loop_now(t->loop) + KD_RESEND);
}

static void on_packet(void *opaque, enum kd_stream_event ev,
		      const struct kd_packet *p)
{
	struct target *t = opaque;
	uint64_t now = ns_loop_now(t->loop);

	if (ev == KD_EV_BREAKIN) {	/* the debugger wants us: ask to sync */
		if (!t->kd_synced)
			reset_send(t);
		return;
	}
	if (t->kd_acked) {
		target_kd_input(t->kd, p);
		return;
	}
	if (!p->checksum_ok)
		return;
	if (p->type == KD_TYPE_RESET) {
		if (!t->kd_resets || now - t->kd_reset_at > KD_RESEND)
			reset_send(t);		/* answer it */
		synced(t);
	} else if (p->type == KD_TYPE_ACKNOWLEDGE && t->kd_synced &&
		   p->id == t->kd_id) {
		struct target_kd_link link = { .send = kd_send,
			.first_id = SERIAL_FIRST_ID, .next_id = t->kd_id ^ 1u,
			.toggle = true };

		t->kd_acked = true;
		t->phase = TP_CONNECTED;
		ns_timer_del(t->serial_timer);
		target_log(t, "KD over COM%u connected", t->cfg.debugport);
		target_debugger_connected(t, &link);
	} else if (p->leader == KD_LEADER_DATA) {
		serial_out(t, KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE, p->id, NULL, 0);
	}
}

/**
 * target_serial_start() - the kernel debugger initialises on COMn
 * @t:		target
 *
 * Return: 0, or -1 when out of memory
 */
int target_serial_start(struct target *t)
{
	if (!t->kd_in && !(t->kd_in = malloc(sizeof(*t->kd_in))))
		return -1;
	kd_stream_init(t->kd_in);
	t->kd_resets = 0;
	t->kd_synced = t->kd_acked = false;
	t->phase = TP_KDNET;
	target_log(t, "KD on COM%u at %u baud", t->cfg.debugport, t->cfg.baudrate);
	reset_send(t);
	ns_timer_mod(t->serial_timer, ns_loop_now(t->loop) + KD_RESEND);
	return 0;
}

/** target_serial_stop() - power off: forget the port's state */
void target_serial_stop(struct target *t)
{
	ns_timer_del(t->serial_timer);
	t->kd_synced = t->kd_acked = false;
	if (t->kd_in)
		kd_stream_init(t->kd_in);
}

/**
 * target_serial_input() - bytes arrived on a COM port
 * @t:		target
 * @port:	0 for COM1, ...
 * @buf:	bytes
 * @len:	how many
 *
 * Bytes on another port, or while the debugger is not initialised (or
 * the machine is off), are lost as a UART nobody reads loses them.
 */
void target_serial_input(struct target *t, unsigned port, const uint8_t *buf,
			 size_t len)
{
	if (!t->cfg.serial || port != t->cfg.debugport - 1 || !t->kd_in ||
	    (t->phase != TP_KDNET && t->phase != TP_CONNECTED))
		return;
	kd_stream_feed(t->kd_in, buf, len, on_packet, t);
	/* Windows breaks in on any 'b' it polls; the parser judges a 'b'
	 * only by the byte after it, which may be long in coming */
	if (kd_stream_breakin_waiting(t->kd_in) && !t->kd_synced)
		reset_send(t);
}
