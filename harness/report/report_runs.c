// SPDX-License-Identifier: GPL-2.0-or-later
/* report_runs.c - the RUNs of `kdh report`'s command line, loaded and put
 * in time order
 *
 * Theory of operation: each RUN is a run's directory, its summary.json, a
 * kdh run --json file, or a --results directory, which stands for every
 * run-* directory in it.  The runs are loaded, a run given twice is
 * refused (the same file, by its resolved path: counting it twice would
 * make a streak longer than it is), and the rest are sorted oldest first
 * by when they ran: the provenance date of the summary (UTC), or else
 * the run-YYYYMMDD-HHMMSS-SEED name kdh run gave its directory (local
 * time).  When one of them has neither, the order given stands.  Either
 * way, one note on standard error says when the order used is not the
 * order given, so "newest" is never a silent guess.  A run directory
 * without summary.json (killed, disk full) is read from its plan.json and
 * result.json files (report_partial.c), shown as incomplete.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "harness/report/report_priv.h"

/* The summary file a RUN names */
static char *summary_of(const char *path)
{
	return g_file_test(path, G_FILE_TEST_IS_DIR) ?
	       g_build_filename(path, "summary.json", NULL) : g_strdup(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append @path, or each DIR/run-* when @path is a --results directory;
 * Return: how many were added (0: @path as given, not a results dir) */
static size_t results_expand(const char *path, GPtrArray *out)
{
	char *sum = summary_of(path);
	GDir *d = NULL;
	GPtrArray *runs = g_ptr_array_new();
	const char *e;
	size_t n;

	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(sum, G_FILE_TEST_EXISTS))
		d = g_dir_open(path, 0, NULL);
	while (d && (e = g_dir_read_name(d))) {
		char *run = g_build_filename(path, e, NULL), *s = summary_of(run);

		if (g_str_has_prefix(e, "run-") &&
		    (g_file_test(s, G_FILE_TEST_IS_REGULAR) || rp_partial_is(run)))
			g_ptr_array_add(runs, run);
		else
			g_free(run);
		g_free(s);
	}
	if (runs->len)
		qsort(runs->pdata, runs->len, sizeof(char *), by_name);
	for (guint i = 0; i < runs->len; i++)
		g_ptr_array_add(out, runs->pdata[i]);
	n = runs->len;
	if (d)
		g_dir_close(d);
	g_ptr_array_unref(runs);
	g_free(sum);
	return n;
}

/* "run-20260101-000000-42" for results/run-20260101-000000-42, its
 * summary.json or a --json file's name */
static char *id_of(const char *path)
{
	char *base = g_path_get_basename(path), *dir;

	if (g_file_test(path, G_FILE_TEST_IS_DIR) || strcmp(base, "summary.json"))
		return base;
	g_free(base);
	dir = g_path_get_dirname(path);
	base = g_path_get_basename(dir);
	g_free(dir);
	return base;
}

/* When @run ran, seconds since the epoch; -1: it does not say */
static int64_t when_of(const struct report_run *run, const char *id)
{
	GDateTime *dt = run->prov.date[0] ?
			g_date_time_new_from_iso8601(run->prov.date, NULL) : NULL;
	struct tm tm = { .tm_isdst = -1 };
	char rest;
	int64_t t;

	if (dt) {
		t = g_date_time_to_unix(dt);
		g_date_time_unref(dt);
		return t;
	}
	if (sscanf(id, "run-%4d%2d%2d-%2d%2d%2d%c", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &rest) != 7 ||
	    rest != '-')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)mktime(&tm);
}

static int load_one(struct rp_runs *rr, size_t i, const char *path, char *err,
		    size_t errlen)
{
	struct report_run *run = &rr->runs[i];
	struct run_status st = { 0 };
	char *sum = summary_of(path);
	bool none = g_file_test(path, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(sum, G_FILE_TEST_EXISTS);

	g_free(sum);
	rr->rs[i] = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	if (none && rp_partial_is(path)) {
		rr->incomplete[i] = rp_partial_load(path, rr->rs[i], run);
		st.scenarios = run->scenarios;
	} else if (none) {
		snprintf(err, errlen, "%s: neither a run (no summary.json in it) nor "
			 "a results directory (no run-*/summary.json in it)", path);
		return -1;
	} else if (report_summary_load(path, rr->rs[i], &run->seed, err, errlen,
				       false, &st, &run->prov)) {
		return -1;
	}
	if (st.stopped && !rr->incomplete[i])	/* results unwritable */
		rr->incomplete[i] = g_strdup_printf("kdh run stopped: %s; %u of "
			"%zu scenarios ran", st.stopped, rr->rs[i]->len,
			st.scenarios);
	g_free((char *)st.stopped);
	run->incomplete = rr->incomplete[i];
	rr->names[i] = g_strdup(path);
	rr->ids[i] = id_of(path);
	rr->dirs[i] = g_file_test(path, G_FILE_TEST_IS_DIR) ? g_strdup(path) :
		      g_path_get_dirname(path);
	run->name = rr->names[i];
	run->id = rr->ids[i];
	run->dir = rr->dirs[i];
	run->rs = (const struct scenario_result *)rr->rs[i]->data;
	run->n = rr->rs[i]->len;
	run->interrupted = st.interrupted;
	run->scenarios = st.scenarios;
	run->when = when_of(run, run->id);
	return 0;
}

/* The same summary twice, by its resolved path */
static int twice_check(GPtrArray *paths, char *err, size_t errlen)
{
	char **real = g_new0(char *, paths->len + 1);
	int rc = 0;

	for (guint i = 0; i < paths->len && !rc; i++) {
		char *sum = summary_of(paths->pdata[i]);

		real[i] = realpath(sum, NULL);
		if (!real[i])	/* an incomplete run: its directory */
			real[i] = realpath(paths->pdata[i], NULL);
		for (guint k = 0; real[i] && k < i && !rc; k++)
			if (real[k] && !strcmp(real[k], real[i])) {
				snprintf(err, errlen, "%s: given twice (as %s and %s); "
					 "each run counts once", real[i],
					 (char *)paths->pdata[k],
					 (char *)paths->pdata[i]);
				rc = -1;
			}
		g_free(sum);
	}
	for (guint i = 0; i < paths->len; i++)
		free(real[i]);
	g_free(real);
	return rc;
}

static int by_when(const void *a, const void *b)
{
	const struct report_run *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;	/* stable */
}

/* Oldest first, with one note when that is not the order given */
static void runs_sort(struct rp_runs *rr, FILE *note)
{
	bool moved = false;

	for (size_t i = 0; i < rr->n; i++) {
		rr->runs[i].order = i;
		if (rr->runs[i].when < 0) {
			if (rr->n > 1)
				fprintf(note, "kdh report: %s does not say when it ran "
					"(no provenance date, not named run-DATE-SEED): "
					"the runs are taken in the order given\n",
					rr->runs[i].name);
			return;
		}
	}
	qsort(rr->runs, rr->n, sizeof(*rr->runs), by_when);
	for (size_t i = 0; i < rr->n; i++)
		moved |= rr->runs[i].order != i;
	if (!moved)
		return;
	fprintf(note, "kdh report: the runs are not in the order they ran; "
		"taken oldest first:");
	for (size_t i = 0; i < rr->n; i++)
		fprintf(note, "%s %s", i ? "," : "", rr->runs[i].id);
	fprintf(note, "\n");
}

/**
 * rp_runs_load() - the RUNs of the command line, loaded, oldest first
 * @rr:		output (rp_runs_free() it, also on failure)
 * @args:	the RUNs as given
 * @n:		their count, at least 1
 * @err:	"PATH: what is wrong" on failure
 * @errlen:	its size
 * @note:	where the note on the order goes (standard error)
 *
 * Return: 0, or -1 with @err set (nothing to show)
 */
int rp_runs_load(struct rp_runs *rr, char *const *args, size_t n, char *err,
		 size_t errlen, FILE *note)
{
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	int rc = 0;

	memset(rr, 0, sizeof(*rr));
	for (size_t i = 0; i < n; i++)
		if (!results_expand(args[i], paths))
			g_ptr_array_add(paths, g_strdup(args[i]));
	rr->n = paths->len;
	rr->runs = g_new0(struct report_run, rr->n);
	rr->rs = g_new0(GArray *, rr->n);
	rr->names = g_new0(char *, rr->n);
	rr->ids = g_new0(char *, rr->n);
	rr->dirs = g_new0(char *, rr->n);
	rr->incomplete = g_new0(char *, rr->n);
	for (size_t i = 0; i < rr->n && !rc; i++)
		rc = load_one(rr, i, paths->pdata[i], err, errlen);
	if (!rc)
		rc = twice_check(paths, err, errlen);
	if (!rc)
		runs_sort(rr, note);
	g_ptr_array_unref(paths);
	return rc;
}

/** rp_runs_free() - what rp_runs_load() allocated */
void rp_runs_free(struct rp_runs *rr)
{
	for (size_t i = 0; i < rr->n; i++) {
		if (rr->rs[i])
			g_array_free(rr->rs[i], TRUE);
		g_free(rr->names[i]);
		g_free(rr->ids[i]);
		g_free(rr->dirs[i]);
		g_free(rr->incomplete[i]);
	}
	g_free(rr->runs);
	g_free(rr->rs);
	g_free(rr->names);
	g_free(rr->ids);
	g_free(rr->dirs);
	g_free(rr->incomplete);
	memset(rr, 0, sizeof(*rr));
}

/** rp_run_id() - what the report calls @run: its id, or else its name */
const char *rp_run_id(const struct report_run *run)
{
	return run->id ? run->id : run->name;
}
