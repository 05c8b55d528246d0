// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_kd_outcome.c - what a debuggee's KD conversation means for its
 * outcome, and the words for it (kdh analyze, results, kdh watch)
 *
 * Theory of operation: only a connected debuggee is judged, on what its
 * conversation shows at the capture's end (analyze_kd.c):
 *
 *   the kernel's "*** Fatal System Error"        -> bugcheck
 *   waits on a break since >= AN_KD_STALL_NS     -> break
 *   waits on anything else as long               -> stalled
 *
 * The boot library's "*** Fatal Error" (winload giving up before the
 * kernel runs) is counted with the figures and said in the why, but does
 * not make a bugcheck: the kernel never ran, and a debugger that goes on
 * lets winload reboot (the bundled WinDbg capture).  The why of a wait
 * names what the guest waits on and what the debugger did since: nothing,
 * only ACKs, or requests of its own without a continue.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"

/**
 * an_kd_bugcheck_str() - "bugcheck 0x000000D1 (0x0, 0x2, 0x0, 0xFFFFF80…)",
 * or "the boot library's Fatal Error 0x00000001 (…)" (winload's)
 * @kd:		a record with @bugcheck_seen
 * @out, @len:	output
 *
 * Return: snprintf()'s
 */
int an_kd_bugcheck_str(const struct an_kd *kd, char *out, size_t len)
{
	const struct kd_bugcheck *b = &kd->bugcheck;

	return snprintf(out, len, "%s 0x%08" PRIX32 " (0x%" PRIX64 ", 0x%" PRIX64
			", 0x%" PRIX64 ", 0x%" PRIX64 ")", kd->bugcheck_boot ?
			"the boot library's Fatal Error" : "bugcheck",
			b->code, b->param[0], b->param[1], b->param[2],
			b->param[3]);
}

/**
 * an_kd_waited_s() - how long the guest has waited at @end_ns
 * @kd:		record
 * @end_ns:	the capture's end (or now)
 *
 * Return: seconds, NAN when it does not wait
 */
double an_kd_waited_s(const struct an_kd *kd, uint64_t end_ns)
{
	if (!kd->waiting)
		return NAN;
	return end_ns > kd->wait_since_ns ?
	       (double)(end_ns - kd->wait_since_ns) / 1e9 : 0.0;
}

/**
 * an_kd_stalled() - the guest has waited AN_KD_STALL_NS or more
 * @kd:		record
 * @end_ns:	the capture's end (or now)
 *
 * Return: true when stalled
 */
bool an_kd_stalled(const struct an_kd *kd, uint64_t end_ns)
{
	return kd->waiting && end_ns >= kd->wait_since_ns &&
	       end_ns - kd->wait_since_ns >= AN_KD_STALL_NS;
}

/* "acknowledges but never continues", ... */
static const char *debugger_did(const struct an_kd *kd)
{
	if (kd->wait_worked)
		return kd->wait_reply ? "sends requests but never answers" :
		       "answers but never continues";
	if (kd->wait_answered_ack)
		return kd->wait_reply ? "acknowledges but never answers" :
		       "acknowledges but never continues";
	return "sends nothing";
}

/**
 * an_kd_wait_text() - "the guest waits for the debugger to continue after
 * load symbols ntoskrnl.exe since 12.4 s: the debugger at 192.168.2.1
 * acknowledges but never continues"
 * @kd:		a record that waits
 * @end_ns:	the capture's end (or now)
 * @who:	"the debugger at 192.168.2.1"
 * @out, @len:	output
 */
void an_kd_wait_text(const struct an_kd *kd, uint64_t end_ns, const char *who,
		     char *out, size_t len)
{
	snprintf(out, len, "the guest waits for the debugger to %s %s since "
		 "%.1f s: %s %s", kd->wait_reply ? "answer" : "continue after",
		 kd->wait_what, an_kd_waited_s(kd, end_ns), who,
		 debugger_did(kd));
}

/**
 * an_kd_judge() - the outcome of a connected debuggee, from its KD
 * conversation
 * @kd:		its record
 * @end_ns:	the capture's end
 * @who:	"the debugger at 192.168.2.1", for the why
 * @o:		in: AN_CONNECTED (anything else is left alone); out: the
 *		outcome
 * @why, @len:	in: the connected why; out: the outcome's why
 */
void an_kd_judge(const struct an_kd *kd, uint64_t end_ns, const char *who,
		 enum an_outcome *o, char *why, size_t len)
{
	size_t n;

	if (*o != AN_CONNECTED)
		return;
	if (kd->bugcheck_seen && !kd->bugcheck_boot) {
		*o = AN_BUGCHECK;
		an_kd_bugcheck_str(kd, why, len);
	} else if (an_kd_stalled(kd, end_ns) && kd->wait_break) {
		*o = AN_BREAK;
		snprintf(why, len, "the guest stopped at %s %.1f s before the "
			 "capture ended and waits for the debugger to continue",
			 kd->wait_what, an_kd_waited_s(kd, end_ns));
	} else if (an_kd_stalled(kd, end_ns)) {
		*o = AN_STALLED;
		an_kd_wait_text(kd, end_ns, who, why, len);
	} else if (kd->bugcheck_seen && (n = strlen(why)) + 2 < len) {
		snprintf(why + n, len - n, "; ");
		an_kd_bugcheck_str(kd, why + n + 2, len - n - 2);
	}
}

/**
 * an_kd_vm_result() - a VM result's KD figures
 * @kd:		the record of the VM's debuggee
 * @end_ns:	the capture's end
 * @r:		the result whose kd block is filled
 */
void an_kd_vm_result(const struct an_kd *kd, uint64_t end_ns,
		     struct an_vm_result *r)
{
	memset(&r->kd, 0, sizeof(r->kd));
	r->kd.seen = kd->packets > 0;
	r->kd.modules_loaded = kd->modules_loaded;
	r->kd.dbgprint_lines = kd->dbgprint_lines;
	r->kd.breaks = kd->breaks;
	r->kd.exceptions = kd->exceptions;
	r->kd.file_opens = kd->file_opens;
	r->kd.has_version = kd->has_version;
	r->kd.build = kd->has_version ? kd->version.build : 0;
	r->kd.kern_base = kd->has_version ? kd->version.kern_base : 0;
	r->kd.boot_debugger = kd->has_version && kd->version.major >> 8 == 4;
	r->kd.bugcheck_seen = kd->bugcheck_seen;
	r->kd.bugcheck_boot = kd->bugcheck_boot;
	r->kd.bugcheck = kd->bugcheck;
	r->kd.stalled_s = an_kd_waited_s(kd, end_ns);
	if (kd->waiting)
		snprintf(r->kd.waiting_on, sizeof(r->kd.waiting_on), "%s",
			 kd->wait_what);
}

/**
 * an_kd_outcome() - a KDNET debuggee's outcome judged on its KD
 * conversation at @end_ns (an_metrics_compute_from() at the capture's end,
 * kdh watch at its last tick)
 * @t:		the debuggee
 * @end_ns:	the time it is judged at
 * @o:		in: the outcome from the handshake (only AN_CONNECTED is
 *		judged); out: the outcome
 * @why, @len:	in and out: its why
 */
void an_kd_outcome(const struct an_target *t, uint64_t end_ns,
		   enum an_outcome *o, char *why, size_t len)
{
	char who[48], ip[IP_STRLEN];

	snprintf(who, sizeof(who), "the debugger at %s",
		 ip_str(t->debugger_ip, ip));
	an_kd_judge(&t->kd, end_ns, who, o, why, len);
}

/**
 * analysis_end_ns() - the capture's end, where waits are judged
 * @a:		analysis
 *
 * Return: the last record's time (frames and harness events), AN_NONE
 * when nothing was fed
 */
uint64_t analysis_end_ns(const struct analysis *a)
{
	return a->first_ns == AN_NONE ? AN_NONE : a->last_ns;
}
