// SPDX-License-Identifier: GPL-2.0-or-later
/* test_report_history.c - kdh report across several runs: "since when" in
 * words that name the runs, the runs put in the order they ran (with a
 * note when given otherwise), a run given twice refused, a --results
 * directory standing for its runs, --text by default, lines that fit a
 * terminal, one mention of a bad path, and built-in scenarios named
 * built-in:NAME.kdh by kdh run and the report alike.
 *
 * The fixture is written by hand, not run: four summaries whose verdicts
 * are chosen so that each phrasing of "since when" appears once.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define N_RUNS	4

/* Each scenario's verdict in runs 1..4 ('-': not in that run) */
static const struct {
	const char *name, *verdicts;
} history[] = {
	{ "absent-first", "-fff" },	/* failing since run 2 */
	{ "passed-first", "ppff" },	/* failing since run 3, passed in 2 */
	{ "new-fail", "pppf" },		/* new, passed in run 3 */
	{ "new-absent", "---f" },	/* new, not in run 3 */
	{ "always", "ffff" },		/* failed in all 4 */
	{ "long-skip", "psss" },	/* skipped since run 2 */
};

struct fixture {
	char *dir, *results;
	char *run[N_RUNS];	/* oldest first */
	char *id[N_RUNS];	/* "run-20260101-000001-1" */
};

static const char *verdict(char c)
{
	return c == 'p' ? "pass" : c == 'f' ? "fail" : "skip";
}

/* Run @k's summary.json: its scenarios, 30 passing ones to wrap, and a
 * provenance date unless @dated is false */
static void summary_write(const struct fixture *f, int k, bool dated)
{
	GString *j = g_string_new(NULL);
	char *path = g_build_filename(f->run[k], "summary.json", NULL);

	g_string_append_printf(j, "{ \"seed\": %d, ", k + 1);
	if (dated)
		g_string_append_printf(j, "\"provenance\": { \"date\": "
				       "\"2026-01-01T00:00:0%dZ\" }, ", k + 1);
	g_string_append(j, "\"scenarios\": [");
	for (size_t i = 0; i < G_N_ELEMENTS(history); i++)
		if (history[i].verdicts[k] != '-')
			g_string_append_printf(j, "{ \"name\": \"%s\", \"file\": "
				"\"s/%s.kdh\", \"verdict\": \"%s\", \"reason\": "
				"\"why\" }, ", history[i].name, history[i].name,
				verdict(history[i].verdicts[k]));
	for (int i = 0; i < 30; i++)
		g_string_append_printf(j, "%s{ \"name\": \"passing-scenario-%02d\", "
				       "\"verdict\": \"pass\" }", i ? ", " : "", i);
	g_string_append(j, "] }\n");
	cr_assert(g_file_set_contents(path, j->str, -1, NULL), "%s", path);
	g_string_free(j, TRUE);
	g_free(path);
}

static void fixture_make(struct fixture *f, bool dated)
{
	f->dir = g_dir_make_tmp("kdh-history-XXXXXX", NULL);
	cr_assert(f->dir);
	f->results = g_build_filename(f->dir, "results", NULL);
	for (int k = 0; k < N_RUNS; k++) {
		f->id[k] = g_strdup_printf("run-20260101-00000%d-%d", k + 1, k + 1);
		f->run[k] = g_build_filename(f->results, f->id[k], NULL);
		cr_assert(!g_mkdir_with_parents(f->run[k], 0755));
		summary_write(f, k, dated);
	}
}

static void fixture_free(struct fixture *f)
{
	test_rmtree(f->dir);
	for (int k = 0; k < N_RUNS; k++) {
		g_free(f->run[k]);
		g_free(f->id[k]);
	}
	g_free(f->results);
	g_free(f->dir);
}

static void has(const char *text, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* @text contains the string @fmt makes */
static void has(const char *text, const char *fmt, ...)
{
	va_list ap;
	char *want;

	va_start(ap, fmt);
	want = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cr_assert(strstr(text, want), "no \"%s\" in:\n%s", want, text);
	g_free(want);
}

/* The results directory stands for its runs; no --html: --text */
Test(report_history, since_when_names_the_runs, .timeout = 30)
{
	struct fixture f;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, NULL };
	char *out, *err;

	fixture_make(&f, true);
	argv[2] = f.results;
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert_str_empty(err, "in order: no note");
	cr_assert(strstr(out, "(4 runs given)"), "%s", out);
	has(out, "absent-first\n        failing since %s (3 runs); not in %s, "
	    "the run before\n", f.id[1], f.id[0]);
	has(out, "passed-first\n        failing since %s (2 runs); passed in %s\n",
	    f.id[2], f.id[1]);
	has(out, "new-fail\n        new in this run (passed in %s)\n", f.id[2]);
	has(out, "new-absent\n        new in this run (not in %s)\n", f.id[2]);
	has(out, "always\n        failed in all 4 runs given\n");
	has(out, "long-skip: why");	/* a skip's reason, not its streak */
	cr_assert_null(strstr(out, "the run the run"), "%s", out);
	g_free(out);
	g_free(err);
	fixture_free(&f);
}

/* Runs given newest first are taken oldest first, and one note says so;
 * without provenance, by the run-DATE-SEED names */
static void out_of_order(bool dated)
{
	struct fixture f;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, NULL, NULL,
			       "--text", NULL };
	char *out, *err;

	fixture_make(&f, dated);
	argv[2] = f.run[3];
	argv[3] = f.run[0];
	argv[4] = f.run[2];
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	has(out, "kdh report: %s: 5 failed", f.run[3]);
	has(err, "taken oldest first: %s, %s, ", f.id[0], f.id[2]);
	cr_assert_eq(strchr(err, '\n') - err + 1, (long)strlen(err), "one line: %s", err);
	has(out, "passed-first\n        failing since %s (2 runs); passed in %s\n",
	    f.id[2], f.id[0]);
	g_free(out);
	g_free(err);
	fixture_free(&f);
}

Test(report_history, sorted_by_provenance_date, .timeout = 30)
{
	out_of_order(true);
}

Test(report_history, sorted_by_directory_name, .timeout = 30)
{
	out_of_order(false);
}

Test(report_history, a_run_given_twice_is_refused, .timeout = 30)
{
	struct fixture f;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, NULL, "--text",
			       NULL };
	char *out, *err, *sum;

	fixture_make(&f, true);
	sum = g_build_filename(f.run[1], "summary.json", NULL);
	argv[2] = f.run[1];
	argv[3] = sum;
	cr_assert_eq(test_run(argv, &out, &err), 2, "%s", err);
	cr_assert_str_empty(out);
	has(err, "given twice (as %s and %s)", f.run[1], sum);
	g_free(out);
	g_free(err);
	g_free(sum);
	fixture_free(&f);
}

/* Every line of --text but the first (it names the run) fits 78 columns */
Test(report_history, text_fits_a_terminal, .timeout = 30)
{
	struct fixture f;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, NULL };
	char *out, *err, **lines;

	fixture_make(&f, true);
	argv[2] = f.run[0];
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	lines = g_strsplit(out, "\n", -1);
	for (int i = 1; lines[i]; i++)
		cr_assert_leq(g_utf8_strlen(lines[i], -1), 78, "%s", lines[i]);
	cr_assert(strstr(out, "PASSED  33: absent-first,") ||
		  strstr(out, "PASSED  33: passed-first,"), "%s", out);
	cr_assert(strstr(out, ",\n            passing-scenario-"),
		  "continued under the first name: %s", out);
	g_strfreev(lines);
	g_free(out);
	g_free(err);
	fixture_free(&f);
}

/* A page that cannot be written is refused before the runs are read
 * (exit 2, saying why); a bad summary names its path once */
Test(report_history, errors_say_why_once, .timeout = 30)
{
	struct fixture f;
	const char *html[] = { getenv("KDH_BIN"), "report", NULL, "--html",
			       "/nonexistent/dir/report.html", NULL };
	const char *bad[] = { getenv("KDH_BIN"), "report", NULL, NULL };
	char *out, *err, *sum;

	fixture_make(&f, true);
	html[2] = f.run[0];
	cr_assert_eq(test_run(html, &out, &err), 2, "%s", err);
	cr_assert(strstr(err, "--html: '/nonexistent/dir/report.html': no "
			 "directory '/nonexistent/dir' to write it in"), "%s", err);
	g_free(out);
	g_free(err);
	sum = g_build_filename(f.run[0], "summary.json", NULL);
	cr_assert(g_file_set_contents(sum, "{ \"seed\": ", -1, NULL));
	bad[2] = sum;
	cr_assert_eq(test_run(bad, &out, &err), 2, "%s", err);
	has(err, "kdh report: %s:1:", sum);
	cr_assert_null(strstr(strstr(err, sum) + strlen(sum), sum), "once: %s", err);
	g_free(out);
	g_free(err);
	g_free(sum);
	fixture_free(&f);
}

/* Section ids are the scenario's name: a link holds from run to run */
Test(report_history, anchors_by_name, .timeout = 30)
{
	struct fixture f;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, "--html", "-",
			       NULL };
	char *out, *err;

	fixture_make(&f, true);
	argv[2] = f.results;
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "href=\"#s-new-fail\""), "a link by name");
	cr_assert(strstr(out, "id=\"s-new-fail\""), "its section");
	g_free(out);
	g_free(err);
	fixture_free(&f);
}

/* kdh run names a compiled-in scenario built-in:NAME.kdh, and so does
 * its result (which kdh report reads FILE:LINE from) */
Test(report_history, built_in_scenarios_are_named_so, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-builtin-XXXXXX", NULL), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "run", "--json", "-",
			       "--results", dir, NULL };

	cr_assert(dir);
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	test_rmtree(dir);
	g_free(dir);
	cr_assert(strstr(out, "\"file\" : \"built-in:lossy-link.kdh\""), "%s", out);
	cr_assert(strstr(out, "\"name\" : \"lossy-link\""), "its name is unchanged");
	cr_assert_null(strstr(out, "\"scenarios/"), "%s", out);
	g_free(out);
	g_free(err);
}

/* Three runs of one VM scenario at @dates (connecting in 4.5, 5.5, 6.5 s,
 * or 4.5 s each when @same); the page kdh report draws */
static char *trend_page(const char *const dates[3], bool same)
{
	char *dir = g_dir_make_tmp("kdh-trend-XXXXXX", NULL), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "report", NULL, NULL, NULL,
			       "--html", "-", NULL };

	for (int k = 0; k < 3; k++) {
		char *run = g_strdup_printf("%s/run-%d", dir, k + 1);
		char *path = g_build_filename(run, "summary.json", NULL);
		char *json = g_strdup_printf("{ \"seed\": 1, \"provenance\": { "
			"\"date\": \"%s\" }, \"scenarios\": [ { \"name\": \"t\", "
			"\"verdict\": \"pass\", \"targets\": [ { \"name\": \"win\", "
			"\"outcome\": \"connected\", \"connect_time_s\": %d.5 } ] } ] }\n",
			dates[k], same ? 4 : 4 + k);

		cr_assert(!g_mkdir_with_parents(run, 0755));
		cr_assert(g_file_set_contents(path, json, -1, NULL));
		argv[2 + k] = run;
		g_free(path); g_free(json);
	}
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	for (int k = 0; k < 3; k++)
		g_free((char *)argv[2 + k]);
	g_free(err);
	test_rmtree(dir);
	g_free(dir);
	return out;
}

/* A trend's value axis is titled with its unit; its run axis names each
 * run by its day, or by its time when they share a day (to the second when
 * they share a minute, as kdh run's runs do), and by its number only when
 * none tells them apart */
Test(report_history, trend_axis_says_when, .timeout = 30)
{
	const char *days[] = { "2026-11-29T02:00:00Z", "2026-11-30T02:00:00Z",
			       "2026-12-01T02:00:00Z" };
	const char *times[] = { "2026-12-01T01:00:00Z", "2026-12-01T02:30:00Z",
				"2026-12-01T04:00:00Z" };
	const char *secs[] = { "2026-12-01T01:00:01Z", "2026-12-01T01:00:02Z",
			       "2026-12-01T01:00:03Z" };
	const char *same[] = { "2026-12-01T01:00:01Z", "2026-12-01T01:00:01Z",
			       "2026-12-01T01:00:01Z" };
	char *page = trend_page(days, false);

	has(page, "%s", ">11-29</text>");
	has(page, "%s", ">12-01</text>");
	has(page, "%s", ">run date, UTC (oldest → newest)</text>");
	g_free(page);
	page = trend_page(times, false);
	has(page, "%s", ">02:30</text>");
	has(page, "%s", ">run time, UTC (oldest → newest)</text>");
	has(page, "%s", ">seconds</text>");
	g_free(page);
	page = trend_page(secs, false);
	has(page, "%s", ">01:00:02</text>");
	has(page, "%s", ">run time, UTC (oldest → newest)</text>");
	g_free(page);
	page = trend_page(same, false);
	has(page, "%s", ">3</text>");
	has(page, "%s", ">run (oldest → newest)</text>");
	g_free(page);
}

/* A trend whose value never changes is one line, not a chart */
Test(report_history, flat_trend_folded, .timeout = 30)
{
	const char *days[] = { "2026-11-29T02:00:00Z", "2026-11-30T02:00:00Z",
			       "2026-12-01T02:00:00Z" };
	char *page = trend_page(days, true);

	has(page, "%s", "<p class=\"flat\">Unchanged across the runs: win "
	    "connect_time_s 4.500 s in all 3 runs</p>");
	cr_assert_null(strstr(page, "<figure class=\"trend\">"), "no chart");
	g_free(page);
}
