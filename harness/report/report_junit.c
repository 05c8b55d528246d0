// SPDX-License-Identifier: GPL-2.0-or-later
/* report_junit.c - junit.xml: one testcase per scenario, for Jenkins and
 * GitLab (it validates against tests/junit.xsd)
 *
 * Theory of operation: the suite's counts are the run's verdicts (an
 * interrupted scenario counts as an error); each testcase carries its
 * verdict as <failure>, <error> or <skipped> with the result's reason as
 * the message (and, when a VM bugchecked or stalled, that with its
 * numbers), and the key figures of its VMs as <system-out>: the console
 * line's words, then what each VM said over KD.  The testcase element
 * has no <properties> in the common schema, so the KD figures are text.
 * The file is written atomically.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/util/fileio.h"
#include "kdh/report/report.h"

static size_t scenarios_of(const struct run_status *st, size_t n)
{
	return st && st->scenarios > n ? st->scenarios : n;
}

/* An interrupted run's <properties>: what JUnit has no attribute for */
static void junit_properties(GString *x, const struct run_status *st, size_t n,
			     const struct run_totals *t)
{
	g_string_append(x, "    <properties>\n"
			"      <property name=\"interrupted\" value=\"true\"/>\n");
	if (st->signal)
		g_string_append_printf(x, "      <property name=\"signal\" "
				       "value=\"%s\"/>\n", st->signal);
	g_string_append_printf(x, "      <property name=\"scenarios\" value=\"%zu\"/>\n"
		"      <property name=\"run\" value=\"%zu\"/>\n"
		"      <property name=\"not_run\" value=\"%zu\"/>\n"
		"      <property name=\"interrupted_scenarios\" value=\"%zu\"/>\n"
		"    </properties>\n", scenarios_of(st, n), n, scenarios_of(st, n) - n,
		t->interrupted);
}

/* <system-out>: the console line's figures, then per VM that spoke KD
 * what it said, its bugcheck and its stall */
static char *junit_out(const struct scenario_result *r)
{
	GString *s = g_string_new(NULL);
	char *fig = report_figures(r), buf[160];

	if (r->n_attempts > 1)		/* "flaky: passed on attempt 2 ..." */
		g_string_append_printf(s, "%s; attempt 1: %s\n",
				       report_attempts(r, buf, sizeof(buf)), r->reason);
	g_string_append(s, fig);
	g_free(fig);
	for (size_t i = 0; i < r->n_vms; i++) {
		const struct an_vm_result *m = &r->vms[i].m;
		char *said[3] = { report_kd_summary(m), report_kd_bugcheck(m),
				  report_kd_stall(m) };

		for (int k = 0; k < 3; k++)
			if (said[k])
				g_string_append_printf(s, "\n%s: %s%s", r->vms[i].name,
						       k ? "" : "KD: ", said[k]);
		for (int k = 0; k < 3; k++)
			g_free(said[k]);
	}
	return g_string_free(s, FALSE);
}

/* A retried scenario (kdh run --retries): <properties> with kdh.verdict
 * and kdh.attempts, and, for a flaky one, Maven Surefire's <flakyFailure>
 * per failed attempt (Jenkins' Flaky Test Handler, Gradle, and
 * action-junit-report read them; GitLab and Jenkins' JUnit plugin skip
 * the unknown element and show a passed test) */
static void junit_attempts(GString *x, const struct scenario_result *r)
{
	char buf[160];
	gchar *say = g_markup_escape_text(report_attempts(r, buf, sizeof(buf)), -1);

	g_string_append_printf(x, "      <properties>\n"
			       "        <property name=\"kdh.verdict\" value=\"%s\"/>\n"
			       "        <property name=\"kdh.attempts\" value=\"%zu\"/>\n"
			       "        <property name=\"kdh.retries\" value=\"%s\"/>\n"
			       "      </properties>\n", verdict_name(r->verdict),
			       r->n_attempts, say);
	g_free(say);
	if (r->verdict != V_FLAKY)
		return;
	for (size_t i = 0; i < r->n_attempts; i++) {
		const struct run_attempt *a = &r->attempts[i];
		gchar *why;

		if (a->verdict == V_PASS)
			continue;
		why = g_markup_escape_text(a->reason, -1);
		g_string_append_printf(x, "      <flakyFailure type=\"%s\" "
				       "message=\"%s\"><system-out>attempt %zu, seed "
				       "%" PRIu64 "</system-out></flakyFailure>\n",
				       verdict_name(a->verdict), why, i + 1, a->seed);
		g_free(why);
	}
}

/* One <testcase>; a failure or error message ends with the bugchecks and
 * stalls of its VMs, the first thing a reader of a CI page needs */
static void junit_case(GString *x, const struct scenario_result *r)
{
	static const char *const el[V_COUNT] = { NULL, "failure", "skipped",
						 "error", "error", NULL };
	char *fig = junit_out(r), *kd = report_kd_problems(r);
	char *msg = kd && (r->verdict == V_FAIL || r->verdict == V_ERROR) ?
		    g_strdup_printf("%s (%s)", r->reason, kd) : g_strdup(r->reason);
	gchar *name = g_markup_escape_text(r->name, -1);
	gchar *why = g_markup_escape_text(msg, -1);
	gchar *out = g_markup_escape_text(fig, -1);

	g_string_append_printf(x, "    <testcase classname=\"kdh\" name=\"%s\" "
			       "time=\"%.3f\">\n", name, r->wall_s);
	if (r->n_attempts > 1)
		junit_attempts(x, r);
	if (r->verdict == V_INTERRUPTED)
		g_string_append_printf(x, "      <error type=\"interrupted\" "
				       "message=\"%s\"/>\n", why);
	else if (el[r->verdict])
		g_string_append_printf(x, "      <%s message=\"%s\"/>\n",
				       el[r->verdict], why);
	g_string_append_printf(x, "      <system-out>%s</system-out>\n"
			       "    </testcase>\n", out);
	g_free(name);
	g_free(why);
	g_free(out);
	g_free(msg);
	g_free(kd);
	g_free(fig);
}

/**
 * report_junit_file() - JUnit XML: one testcase per scenario
 * @path:	file (written atomically)
 * @rs:		results
 * @n:		their count
 * @st:		how the run ended; NULL: every scenario ran to its end
 *
 * An interrupted scenario is an <error type="interrupted">; an interrupted
 * run's suite starts with <properties> (interrupted, signal, and how many
 * scenarios it had, ran and did not run).  A failure's message names the
 * bugchecks and stalls of its VMs; <system-out> has their KD figures.
 *
 * Return: 0 or a negative errno
 */
int report_junit_file(const char *path, const struct scenario_result *rs,
		      size_t n, const struct run_status *st)
{
	GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	struct run_totals t;
	int rc;

	report_totals(rs, n, &t);
	g_string_append_printf(x, "<testsuites name=\"kdh\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n"
		"  <testsuite name=\"kdh\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", n, t.fail,
		t.error + t.interrupted, t.skip, t.wall_s, n, t.fail,
		t.error + t.interrupted, t.skip, t.wall_s);
	if (st && st->interrupted)
		junit_properties(x, st, n, &t);
	for (size_t i = 0; i < n; i++)
		junit_case(x, &rs[i]);
	g_string_append(x, "  </testsuite>\n</testsuites>\n");
	rc = write_file_atomic(path, x->str, x->len);
	g_string_free(x, TRUE);
	return rc;
}
