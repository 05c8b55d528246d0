// SPDX-License-Identifier: GPL-2.0-or-later
/* report_kd.c - what a guest said over KD, in the words every report
 * uses: kdh run's line, TAP and JUnit, `kdh report` as text and HTML
 *
 * Theory of operation: the figures are the wire analysis's, as result.json
 * holds them (struct an_vm_result's kd); nothing here measures.  A VM
 * without a KD conversation (kd.seen false) gets no words at all, so
 * results of scenarios that never reach KD read as they always did.  A
 * bugcheck is always written with all five numbers, the stop code as
 * 0x%08X and its parameters as 0x%016X, as the kernel prints them; the
 * console line, short by design, gives only the code ("bugcheck 0xD1").
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include "kdh/report/report.h"

static const char *s_of(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* The guest stopped for good: a wait at the end is news only then (a
 * connected guest may wait a moment for the next continue) */
static bool stopped(const struct an_vm_result *m)
{
	return m->kd.seen && !isnan(m->kd.stalled_s) &&
	       (m->outcome == AN_BUGCHECK || m->outcome == AN_BREAK ||
		m->outcome == AN_STALLED);
}

/**
 * report_kd_figures() - a VM's KD figures for its console line
 * @s:		the line so far ("win: connected on net0, connect 4.00s")
 * @m:		the VM's result
 *
 * Appends ", 52 modules, 3 DbgPrint" and, where there are some, ", 1
 * break", ", 2 exceptions", ", bugcheck 0xD1", and for a guest that
 * stopped ", stalled 23.10s at load symbols ntoskrnl.exe" (outcome
 * stalled) or ", waiting 23.10s at ..." (at a break or its bugcheck);
 * nothing without a KD conversation.
 */
void report_kd_figures(GString *s, const struct an_vm_result *m)
{
	if (!m->kd.seen)
		return;
	g_string_append_printf(s, ", %u module%s, %u DbgPrint", m->kd.modules_loaded,
			       s_of(m->kd.modules_loaded), m->kd.dbgprint_lines);
	if (m->kd.breaks)
		g_string_append_printf(s, ", %u break%s", m->kd.breaks,
				       s_of(m->kd.breaks));
	if (m->kd.exceptions)
		g_string_append_printf(s, ", %u exception%s", m->kd.exceptions,
				       s_of(m->kd.exceptions));
	if (m->kd.bugcheck_seen)
		g_string_append_printf(s, ", bugcheck 0x%" PRIX32, m->kd.bugcheck.code);
	if (stopped(m))
		g_string_append_printf(s, ", %s %.2fs%s%s", m->outcome == AN_STALLED ?
				       "stalled" : "waiting", m->kd.stalled_s,
				       m->kd.waiting_on[0] ? " at " : "",
				       m->kd.waiting_on);
}

/**
 * report_kd_bugcheck() - a VM's bugcheck with its five numbers
 * @m:		the VM's result
 *
 * Return: "bugcheck 0x000000D1 (0x0000000000000000, 0x0000000000000002,
 * 0x0000000000000000, 0xFFFFF80312345678)", or NULL without one (g_free
 * it)
 */
char *report_kd_bugcheck(const struct an_vm_result *m)
{
	const struct kd_bugcheck *b = &m->kd.bugcheck;

	if (!m->kd.seen || !m->kd.bugcheck_seen)
		return NULL;
	return g_strdup_printf("bugcheck 0x%08" PRIX32 " (0x%016" PRIX64 ", 0x%016"
			       PRIX64 ", 0x%016" PRIX64 ", 0x%016" PRIX64 ")",
			       b->code, b->param[0], b->param[1], b->param[2],
			       b->param[3]);
}

/**
 * report_kd_stall() - how long a guest that stopped has waited for the
 * debugger, and on what, at the capture's end
 * @m:		the VM's result
 *
 * Return: "stalled 23.1 s waiting on load symbols ntoskrnl.exe" (outcome
 * stalled), "waiting 23.1 s on break ..." (a break or a bugcheck nobody
 * continued), or NULL when the guest did not stop (g_free it)
 */
char *report_kd_stall(const struct an_vm_result *m)
{
	const char *on = m->kd.waiting_on[0] ? " on " : "";

	if (!stopped(m))
		return NULL;
	if (m->outcome == AN_STALLED)
		return g_strdup_printf("stalled %.1f s%s%s", m->kd.stalled_s,
				       m->kd.waiting_on[0] ? " waiting on " : "",
				       m->kd.waiting_on);
	return g_strdup_printf("waiting %.1f s%s%s", m->kd.stalled_s, on,
			       m->kd.waiting_on);
}

/**
 * report_kd_summary() - a VM's KD conversation in one sentence
 * @m:		the VM's result
 *
 * Return: "Windows build 26100 (kernel), kernel base 0xFFFFF80312000000;
 * 52 modules loaded, 3 DbgPrint lines, 1 break, 0 exceptions, 12 files
 * asked", or NULL without a KD conversation (g_free it)
 */
char *report_kd_summary(const struct an_vm_result *m)
{
	GString *s;

	if (!m->kd.seen)
		return NULL;
	s = g_string_new(NULL);
	if (m->kd.has_version)
		g_string_append_printf(s, "Windows build %u (%s), kernel base 0x%016"
				       PRIX64 "; ", m->kd.build, m->kd.boot_debugger ?
				       "boot debugger" : "kernel", m->kd.kern_base);
	else
		g_string_append(s, "no GetVersion reply; ");
	g_string_append_printf(s, "%u module%s loaded, %u DbgPrint line%s, %u "
			       "break%s, %u exception%s, %u file%s asked",
			       m->kd.modules_loaded, s_of(m->kd.modules_loaded),
			       m->kd.dbgprint_lines, s_of(m->kd.dbgprint_lines),
			       m->kd.breaks, s_of(m->kd.breaks), m->kd.exceptions,
			       s_of(m->kd.exceptions), m->kd.file_opens,
			       s_of(m->kd.file_opens));
	return g_string_free(s, FALSE);
}

/**
 * report_kd_problems() - the bugchecks and stalls of a scenario's VMs,
 * for a failure message
 * @r:		the result
 *
 * Return: "win: bugcheck 0x000000D1 (...); srv: stalled 23.1 s waiting
 * on ...", or NULL when no VM bugchecked or stalled (g_free it)
 */
char *report_kd_problems(const struct scenario_result *r)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < r->n_vms; i++) {
		char *said[2] = { report_kd_bugcheck(&r->vms[i].m),
				  report_kd_stall(&r->vms[i].m) };

		for (int k = 0; k < 2; k++)
			if (said[k])
				g_string_append_printf(s, "%s%s: %s", s->len ? "; " :
						       "", r->vms[i].name, said[k]);
		g_free(said[0]);
		g_free(said[1]);
	}
	if (!s->len) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}
