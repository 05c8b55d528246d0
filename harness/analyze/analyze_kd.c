// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_kd.c - what the KD conversation of one debuggee says, from the
 * wire alone: counts, the first GetVersion, a bugcheck, the kd log, and
 * what the guest waits on
 *
 * Theory of operation: every KD packet that crossed the wire after the
 * handshake (KDNET: verified data packets; serial: packets off a link) is
 * given to an_kd_take() with its direction; kd_note_of() says what it is,
 * and the same words (kd_note_str()) go into the kd log.  A data packet
 * with the id of the last one from the same side is a retransmission and
 * counts once.  A body that does not parse (or a bad checksum) is counted
 * in @malformed and skipped.
 *
 * The wait: a debuggee request that stops the guest (note.waits: a state
 * change, a DbgPrompt, a FILE_IO request; KdpSendWaitContinue) opens a
 * wait; the debugger's answer (note.ends_wait: a continue, a prompt's or
 * a file answer) closes it.  What the debugger sends in between says who
 * it is: nothing, only ACKs (an ACK-only debugger: the guest is frozen for
 * good), or manipulate requests (a debugger at work: WinDbg at a break).
 * Time goes on between packets: an_kd_clock(), called for every frame of
 * the debuggee, puts a wait that lasted AN_KD_STALL_NS in the timeline.
 *
 *   guest  STATE_CHANGE64 load symbols ntoskrnl.exe     wait opens
 *   dbg    ACK                                          answered_ack
 *   guest  (announcements only, 3 s apart)              an_kd_clock: stall
 *   -> at the capture's end: stalled, "acknowledges but never continues"
 *
 * an_kd_judge() turns that into the outcome of a connected debuggee
 * (bugcheck, break, stalled), an_kd_vm_result() into a VM's figures.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"

/* Timeline lines the KD conversation may add per debuggee: the first
 * state change, bugchecks, the first break, stalls and their ends */
#define AN_KD_EVENTS	12

/**
 * an_kd_free() - release a KD record's log
 * @kd:		record (its counts stay)
 */
void an_kd_free(struct an_kd *kd)
{
	if (!kd->log)
		return;
	for (guint i = 0; i < kd->log->len; i++) {
		struct an_kd_line *l = &g_array_index(kd->log, struct an_kd_line, i);

		g_free(l->text);
		g_free(l->print);
	}
	g_array_free(kd->log, TRUE);
	kd->log = NULL;
}

/**
 * an_kd_restart() - a new session or a new boot of the debuggee: ids
 * start over; after a reboot nothing waits any more
 * @kd:		record
 * @rebooted:	the guest booted again (not only a new debugger session)
 */
void an_kd_restart(struct an_kd *kd, bool rebooted)
{
	memset(kd->last, 0, sizeof(kd->last));
	if (rebooted)
		kd->waiting = false;
}

/* The same id, type, length and checksum as the side's last data packet:
 * sent again (no ACK came, a RESEND, or a RESET) */
static bool retransmission(struct an_kd *kd, const struct kd_packet *p,
			   int side)
{
	bool again = kd->last[side].valid && kd->last[side].id == p->id &&
		     kd->last[side].type == p->type &&
		     kd->last[side].count == p->count &&
		     kd->last[side].checksum == p->checksum;

	kd->last[side].valid = true;
	kd->last[side].id = p->id;
	kd->last[side].type = p->type;
	kd->last[side].count = p->count;
	kd->last[side].checksum = p->checksum;
	return again;
}

static int event_cmp(gconstpointer pa, gconstpointer pb)
{
	const struct an_event *x = pa, *y = pb;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

/* A timeline line, within AN_KD_EVENTS; @t NULL: no timeline (serial) */
static void kd_event(struct an_kd *kd, struct an_target *t, uint64_t at,
		     const char *text)
{
	guint before;

	if (!t || kd->events >= AN_KD_EVENTS)
		return;
	kd->events++;
	before = t->events->len;
	an_event_add(t, at, "%s", text);
	if (t->events->len > before && before &&
	    g_array_index(t->events, struct an_event, before - 1).t_ns > at)
		g_array_sort(t->events, event_cmp);	/* stable */
}

static void log_add(struct an_kd *kd, uint64_t now, const struct kd_note *n)
{
	struct an_kd_line l = { .t_ns = now, .kind = n->kind };
	char text[KD_TEXT_MAX + KD_NAME_MAX];

	if (n->kind == KD_NOTE_NONE)
		return;
	if (kd->log && kd->log->len >= AN_KD_LOG_MAX) {
		kd->log_dropped++;
		return;
	}
	if (!kd->log)
		kd->log = g_array_new(FALSE, FALSE, sizeof(struct an_kd_line));
	kd_note_str(n, text, sizeof(text));
	l.text = g_strdup(text);
	l.print = n->kind == KD_NOTE_PRINT ? g_strdup(n->text) : NULL;
	g_array_append_val(kd->log, l);
}

/* "a breakpoint (0x80000003 at 0x9cf07e)", "load symbols hal.dll", ... */
static void wait_what_of(const struct kd_note *n, char *out, size_t len)
{
	const struct kd_state_change *sc = &n->sc;
	const char *name = n->name[0] ? n->name : "(no name)";

	if (n->kind == KD_NOTE_EXCEPTION && sc->code == KD_STATUS_BREAKPOINT)
		snprintf(out, len, "a breakpoint (0x%08X at 0x%llx)", sc->code,
			 (unsigned long long)sc->pc);
	else if (n->kind == KD_NOTE_EXCEPTION && sc->code == KD_STATUS_ASSERTION)
		snprintf(out, len, "an assertion (0x%08X at 0x%llx)", sc->code,
			 (unsigned long long)sc->pc);
	else if (n->kind == KD_NOTE_EXCEPTION)
		snprintf(out, len, "exception 0x%08X at 0x%llx", sc->code,
			 (unsigned long long)sc->pc);
	else if (n->kind == KD_NOTE_LOAD)
		snprintf(out, len, "load symbols %s", name);
	else if (n->kind == KD_NOTE_UNLOAD && sc->base == UINT64_MAX)
		snprintf(out, len, "unload all symbols");
	else if (n->kind == KD_NOTE_UNLOAD)
		snprintf(out, len, "unload symbols %s", name);
	else if (n->kind == KD_NOTE_COMMAND)
		snprintf(out, len, "command string \"%s\"", name);
	else if (n->kind == KD_NOTE_PROMPT)
		snprintf(out, len, "DbgPrompt \"%.60s\"", n->text);
	else
		snprintf(out, len, "CreateFile %s", name);
}

static bool is_break(const struct kd_note *n)
{
	return n->kind == KD_NOTE_EXCEPTION &&
	       (n->sc.code == KD_STATUS_BREAKPOINT ||
		n->sc.code == KD_STATUS_ASSERTION);
}

static void wait_open(struct an_kd *kd, const struct kd_note *n, uint64_t now)
{
	kd->waiting = true;
	kd->wait_since_ns = now;
	kd->wait_break = is_break(n);
	kd->wait_reply = n->kind == KD_NOTE_PROMPT || n->kind == KD_NOTE_FILE_OPEN;
	kd->wait_answered_ack = kd->wait_worked = kd->wait_told = false;
	wait_what_of(n, kd->wait_what, sizeof(kd->wait_what));
}

static void wait_close(struct an_kd *kd, const struct kd_note *n, uint64_t now,
		       struct an_target *t)
{
	char text[sizeof(((struct an_event *)0)->text)], what[96];

	if (!kd->waiting)
		return;
	kd->waiting = false;
	if (!kd->wait_told)
		return;
	kd_note_str(n, what, sizeof(what));
	snprintf(text, sizeof(text), "the debugger answered after %.1f s: %s",
		 (double)(now - kd->wait_since_ns) / 1e9, what);
	kd_event(kd, t, now, text);
}

/* A DbgPrint with the kernel's bugcheck text, or the boot library's fatal
 * error; a kernel bugcheck outranks an earlier boot library one */
static void bugcheck_take(struct an_kd *kd, const struct kd_packet *p,
			  uint64_t now, struct an_target *t)
{
	struct kd_debug_io io;
	struct kd_bugcheck b;
	char text[112];
	bool boot;

	if (kd_debug_io_parse(p->data, p->count, &io) ||
	    !kd_bugcheck_parse(io.text, io.text_len, &b))
		return;
	boot = b.boot_library;
	if (kd->bugcheck_seen && (boot || !kd->bugcheck_boot))
		return;
	kd->bugcheck_seen = true;
	kd->bugcheck_boot = boot;
	kd->bugcheck = b;
	an_kd_bugcheck_str(kd, text, sizeof(text));
	kd_event(kd, t, now, text);
}

static void count_state(struct an_kd *kd, const struct kd_note *n,
			uint64_t now, struct an_target *t)
{
	char text[112];
	bool first = !kd->state_changes++;

	kd->modules_loaded += n->kind == KD_NOTE_LOAD;
	kd->modules_unloaded += n->kind == KD_NOTE_UNLOAD;
	if (n->kind == KD_NOTE_EXCEPTION && is_break(n))
		kd->breaks++;
	else if (n->kind == KD_NOTE_EXCEPTION)
		kd->exceptions++;
	if (first || (is_break(n) && kd->breaks == 1)) {
		char what[96];

		kd_note_str(n, what, sizeof(what));
		snprintf(text, sizeof(text), "%s%s", first ?
			 "first KD state change: " : "", what);
		kd_event(kd, t, now, text);
	}
}

/* What a note adds to the counts and the timeline */
static void count_note(struct an_kd *kd, const struct kd_note *n,
		       const struct kd_packet *p, uint64_t now,
		       struct an_target *t)
{
	switch (n->kind) {
	case KD_NOTE_PRINT:
		kd->dbgprint_lines++;
		bugcheck_take(kd, p, now, t);
		break;
	case KD_NOTE_LOAD:
	case KD_NOTE_UNLOAD:
	case KD_NOTE_EXCEPTION:
	case KD_NOTE_COMMAND:
		count_state(kd, n, now, t);
		break;
	case KD_NOTE_FILE_OPEN:
		kd->file_opens++;
		break;
	case KD_NOTE_CONTINUE:
		kd->continues++;
		break;
	case KD_NOTE_VERSION:
		if (!kd->has_version) {
			kd->has_version = true;
			kd->version = n->ver;
		}
		break;
	default:
		break;
	}
}

/* What the debugger's packet does to a wait */
static void debugger_take(struct an_kd *kd, const struct kd_note *n,
			  uint64_t now, struct an_target *t)
{
	if (n->ends_wait)
		wait_close(kd, n, now, t);
	else if (kd->waiting)
		kd->wait_worked = true;
}

/**
 * an_kd_take() - one KD packet of the debuggee's conversation
 * @kd:		its record
 * @p:		the packet (any leader; only data packets are noted)
 * @from_debugger: its direction
 * @now:	its capture time
 * @t:		the target whose timeline gets the notable lines, or NULL
 */
void an_kd_take(struct an_kd *kd, const struct kd_packet *p,
		bool from_debugger, uint64_t now, struct an_target *t)
{
	struct kd_note n;

	if (p->leader != KD_LEADER_DATA) {
		if (from_debugger && kd->waiting)	/* ACK, RESEND, RESET */
			kd->wait_answered_ack = true;
		return;
	}
	if (retransmission(kd, p, from_debugger)) {
		kd->retransmits++;
		return;
	}
	kd->packets++;
	if (!p->checksum_ok) {
		kd->malformed++;
		return;
	}
	kd_note_of(p, from_debugger, &n);
	log_add(kd, now, &n);
	if (n.kind == KD_NOTE_MALFORMED) {
		kd->malformed++;
		return;
	}
	count_note(kd, &n, p, now, t);
	if (from_debugger)
		debugger_take(kd, &n, now, t);
	else if (n.waits)
		wait_open(kd, &n, now);
}

/**
 * an_kd_clock() - time passes for the debuggee (any of its frames): a
 * wait that lasted AN_KD_STALL_NS goes into the timeline, at its start
 * @kd:		its record
 * @now:	the frame's time
 * @t:		the target, or NULL
 */
void an_kd_clock(struct an_kd *kd, uint64_t now, struct an_target *t)
{
	char text[112];

	if (!kd->waiting || kd->wait_told || now < kd->wait_since_ns ||
	    now - kd->wait_since_ns < AN_KD_STALL_NS)
		return;
	kd->wait_told = true;
	kd->stalls++;
	snprintf(text, sizeof(text), "the guest waits for the debugger to %s %s",
		 kd->wait_reply ? "answer" : "continue after", kd->wait_what);
	kd_event(kd, t, kd->wait_since_ns, text);
}
