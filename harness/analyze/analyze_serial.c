// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_serial.c - KD over serial lines in a capture: per link, the KD
 * packets each end sent and the reset exchanges (serial_connect_time)
 *
 * Theory of operation: the harness records a link's bytes on the
 * kdh-serial interface (format in analyze.h) and names the link's ends in
 * a "serial link N A B" event.  Each direction is parsed with kd_stream as
 * the bytes arrived; a connection is kd_conn's rule (a RESET answered by a
 * RESET or ACK from the other side within a second).  A "power on" of a
 * VM on an end starts that link's figures over, so a VM's result is about
 * its latest boot, as for KDNET.
 *
 * The KD conversation (analyze_kd.c) is kept per link, for each end that
 * is a VM's port ("win:serial0") taken as the debuggee: a serial port has
 * no NIC, so its figures, outcome and why are the VM's (its result), not
 * a target's, and they add no timeline lines of their own.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"
#include "kdh/kdnet/kd_stream.h"

struct an_serial {
	char end[2][48];		/* "win:serial0", "debugger" */
	struct kd_stream ks[2];
	struct kd_conn conn;
	uint64_t now;
	int dir;
	unsigned packets[2], resets[2];
	uint64_t first_kd[2], connect_ns;
	uint64_t garbage_seen[2];	/* of ks[], which restarts at power on */
	uint64_t reset_ns[AN_VM_RESETS];	/* this boot's first RESETs */
	int reset_dir[AN_VM_RESETS];
	unsigned n_reset_marks;
	struct an_kd kd[2];		/* with end N as the debuggee */
	struct an_serial_info total;	/* the whole capture, for kdh analyze */
};

static void link_restart(struct an_serial *l)
{
	for (int i = 0; i < 2; i++) {
		kd_stream_init(&l->ks[i]);
		l->garbage_seen[i] = 0;
		l->packets[i] = l->resets[i] = 0;
		l->first_kd[i] = AN_NONE;
	}
	for (int i = 0; i < 2; i++) {
		an_kd_free(&l->kd[i]);
		memset(&l->kd[i], 0, sizeof(l->kd[i]));
	}
	memset(&l->conn, 0, sizeof(l->conn));
	l->connect_ns = AN_NONE;
	l->n_reset_marks = 0;
}

/**
 * an_serial_event() - "serial link N A B": a link and its ends
 * @a:		analysis
 * @rest:	the text after "serial link "
 */
void an_serial_event(struct analysis *a, const char *rest)
{
	unsigned n;
	char e0[48], e1[48];
	struct an_serial *l;

	if (sscanf(rest, "%u %47s %47s", &n, e0, e1) != 3 || n >= AN_MAX_SERIALS)
		return;
	if (!a->serials[n] && !(a->serials[n] = calloc(1, sizeof(*l))))
		return;
	l = a->serials[n];
	snprintf(l->end[0], sizeof(l->end[0]), "%s", e0);
	snprintf(l->end[1], sizeof(l->end[1]), "%s", e1);
	link_restart(l);
	memset(&l->total, 0, sizeof(l->total));
	memcpy(l->total.end, l->end, sizeof(l->end));
	l->total.first_connect_ns = AN_NONE;
}

/* Which end of @l is on VM @vm (its name before ':'), -1 none */
static int end_of(const struct an_serial *l, const char *vm)
{
	size_t n = strlen(vm);

	for (int i = 0; i < 2; i++)
		if (!strncmp(l->end[i], vm, n) && l->end[i][n] == ':')
			return i;
	return -1;
}

/**
 * an_serial_power_on() - a VM booted: its links' figures start over
 * @a:		analysis
 * @vm:		the VM's name
 */
void an_serial_power_on(struct analysis *a, const char *vm)
{
	for (int i = 0; i < AN_MAX_SERIALS; i++)
		if (a->serials[i] && end_of(a->serials[i], vm) >= 0)
			link_restart(a->serials[i]);
}

/* An end that is a VM's port ("win:serial0"), a possible debuggee */
static bool vm_end(const struct an_serial *l, int e)
{
	return strchr(l->end[e], ':') != NULL;
}

static void on_kd(void *opaque, enum kd_stream_event ev, const struct kd_packet *p)
{
	struct an_serial *l = opaque;
	int d = l->dir;

	for (int e = 0; e < 2 && ev == KD_EV_PACKET; e++)
		if (vm_end(l, e))
			an_kd_take(&l->kd[e], p, d != e, l->now, NULL);

	if (ev == KD_EV_BREAKIN)
		l->total.breakins[d]++;
	if (ev != KD_EV_PACKET)
		return;
	if (!l->packets[d]++)
		l->first_kd[d] = l->now;
	l->resets[d] += p->type == KD_TYPE_RESET;
	if (p->type == KD_TYPE_RESET && l->n_reset_marks < AN_VM_RESETS) {
		l->reset_ns[l->n_reset_marks] = l->now;
		l->reset_dir[l->n_reset_marks++] = d;
	}
	l->total.packets[d]++;
	l->total.resets[d] += p->type == KD_TYPE_RESET;
	if (!kd_conn_packet(&l->conn, d, p->type, l->now))
		return;
	if (l->connect_ns == AN_NONE)
		l->connect_ns = l->now;
	if (!l->total.connections++) {
		l->total.first_connect_ns = l->now;
		l->total.first_asker = l->conn.reset_from;
	}
}

/**
 * an_serial_frame() - one kdh-serial record
 * @a:		analysis
 * @f:		the record (link * 2 + end, then the bytes)
 *
 * Return: 0, or -1 for a record that is not one (counted as a bad frame)
 */
int an_serial_frame(struct analysis *a, const struct cap_frame *f)
{
	struct an_serial *l;

	if (f->caplen < 1 || f->data[0] / 2 >= AN_MAX_SERIALS ||
	    !(l = a->serials[f->data[0] / 2]))
		return -1;
	l->now = f->ts_ns;
	l->dir = f->data[0] & 1;
	l->total.bytes[l->dir] += f->caplen - 1;
	kd_stream_feed(&l->ks[l->dir], f->data + 1, f->caplen - 1, on_kd, l);
	l->total.noise[l->dir] += l->ks[l->dir].garbage - l->garbage_seen[l->dir];
	l->garbage_seen[l->dir] = l->ks[l->dir].garbage;
	for (int e = 0; e < 2; e++)
		an_kd_clock(&l->kd[e], l->now, NULL);
	return 0;
}

/**
 * analysis_serial() - what the whole capture shows of serial link @i
 * @a:		analysis
 * @i:		link number, 0 ... AN_MAX_SERIALS - 1
 * @out:	filled when the link exists
 *
 * Return: true when the capture named link @i
 */
bool analysis_serial(const struct analysis *a, size_t i,
		     struct an_serial_info *out)
{
	if (i >= AN_MAX_SERIALS || !a->serials[i])
		return false;
	*out = a->serials[i]->total;
	return true;
}

/** an_serial_free() - the links' state */
void an_serial_free(struct analysis *a)
{
	for (int i = 0; i < AN_MAX_SERIALS; i++) {
		if (!a->serials[i])
			continue;
		an_kd_free(&a->serials[i]->kd[0]);
		an_kd_free(&a->serials[i]->kd[1]);
		free(a->serials[i]);
	}
}

static void timeline_add(struct an_vm_result *r, uint64_t t, uint64_t t0,
			 const char *text)
{
	unsigned i = r->n_timeline;

	if (t == AN_NONE || i == AN_VM_TIMELINE)
		return;
	for (; i > 0 && r->timeline[i - 1].t > (double)(t - t0) / 1e9; i--)
		r->timeline[i] = r->timeline[i - 1];
	r->timeline[i].t = (double)(t - t0) / 1e9;
	snprintf(r->timeline[i].text, sizeof(r->timeline[i].text), "%s", text);
	r->n_timeline++;
}

/* The link's RESETs of this boot, for a report's serial lane */
static void resets_copy(const struct an_serial *l, int e, uint64_t t0,
			struct an_vm_result *r)
{
	r->serial_resets_sent = l->resets[e];
	r->serial_resets_received = l->resets[!e];
	r->n_serial_resets = l->n_reset_marks;
	for (unsigned i = 0; i < l->n_reset_marks; i++) {
		r->serial_resets[i].t = ((double)l->reset_ns[i] - (double)t0) / 1e9;
		r->serial_resets[i].from_vm = l->reset_dir[i] == e;
	}
}

/* A connected port's outcome, judged on its KD conversation */
static void kd_judge(const struct analysis *a, const struct an_serial *l,
		     int e, const struct an_vm *v, struct an_vm_result *r)
{
	const struct an_kd *kd = &l->kd[e];
	char who[80], text[72];

	snprintf(who, sizeof(who), "the debugger on %s (%s)", r->serial_port,
		 l->end[!e]);
	an_kd_judge(kd, a->last_ns, who, &r->outcome, r->why, sizeof(r->why));
	if (an_kd_stalled(kd, a->last_ns)) {
		snprintf(text, sizeof(text), "the guest waits: %s", kd->wait_what);
		timeline_add(r, kd->wait_since_ns, v->power_on_ns, text);
	}
}

/**
 * an_serial_vm_kd() - the KD conversation of a VM that spoke KD on a
 * serial port (the first such link)
 * @a:		analysis
 * @v:		the VM
 *
 * Return: the record, owned by @a, or NULL
 */
const struct an_kd *an_serial_vm_kd(const struct analysis *a,
				    const struct an_vm *v)
{
	for (int i = 0; i < AN_MAX_SERIALS; i++) {
		const struct an_serial *l = a->serials[i];
		int e = l ? end_of(l, v->name) : -1;

		if (e >= 0 && l->packets[e])
			return &l->kd[e];
	}
	return NULL;
}

/**
 * an_serial_vm_result() - a VM's serial figures, and its outcome when it
 * spoke KD on a serial port
 * @a:		analysis
 * @v:		the VM
 * @r:		its result so far (from its NICs)
 */
void an_serial_vm_result(const struct analysis *a, const struct an_vm *v,
			 struct an_vm_result *r)
{
	r->serial_connect_s = NAN;
	for (int i = 0; i < AN_MAX_SERIALS; i++) {
		const struct an_serial *l = a->serials[i];
		int e = l ? end_of(l, v->name) : -1;
		char text[72];

		if (e < 0 || !l->packets[e])
			continue;
		snprintf(r->serial_port, sizeof(r->serial_port), "%s",
			 strchr(l->end[e], ':') + 1);
		snprintf(text, sizeof(text), "first KD packet on %s", r->serial_port);
		timeline_add(r, l->first_kd[e], v->power_on_ns, text);
		resets_copy(l, e, v->power_on_ns, r);
		/* no debug NIC: the NICs' DHCP is the OS's, not a KD phase */
		r->first_kdnet_s = r->connect_s = r->logo_hang_s = NAN;
		r->dhcp_phase_s = NAN;
		r->discover_count = 0;
		r->has_debug_nic = false;
		an_kd_vm_result(&l->kd[e], a->last_ns, r);
		if (l->connect_ns != AN_NONE) {
			r->serial_connect_s = (double)(l->connect_ns - v->power_on_ns) / 1e9;
			r->outcome = AN_CONNECTED;
			snprintf(r->why, sizeof(r->why), "KD reset exchange with %s on %s",
				 l->end[!e], r->serial_port);
			snprintf(text, sizeof(text), "KD connected over %s", r->serial_port);
			timeline_add(r, l->connect_ns, v->power_on_ns, text);
			kd_judge(a, l, e, v, r);
		} else {
			r->outcome = AN_TIMEOUT;
			snprintf(r->why, sizeof(r->why), "%u KD packets (%u RESETs) on %s, "
				 "no reset exchange with %s", l->packets[e], l->resets[e],
				 r->serial_port, l->end[!e]);
		}
		return;
	}
}
