// SPDX-License-Identifier: GPL-2.0-or-later
/* report_partial.c - a run that left no summary.json (kdh run killed with
 * SIGKILL, or out of disk before its end), read from what it did leave
 *
 * Theory of operation: kdh run writes plan.json (the scenarios it will
 * run, its seed and provenance) before the first scenario starts, and each
 * scenario's result.json as soon as it is in; summary.json comes last.  A
 * run directory with no summary.json is read from its plan: every planned
 * scenario whose result.json reads back is shown, the others are named as
 * not completed, and the run is marked incomplete so the report says so.
 * A run directory from an older kdh (no plan) is read from whichever
 * NAME/result.json files it holds, in name order; how many were planned
 * is then unknown, and the report says that too.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "harness/report/report_priv.h"
#include "kdh/result/result.h"
#include "kdh/util/json_read.h"
#include "kdh/util/jsonfile.h"
#include "kdh/result/provenance.h"

/* How many names "not completed" lists before "and N more" */
#define MISSING_SHOWN	10

/**
 * rp_partial_is() - whether @dir is a run that left no summary.json but a
 * plan.json or a scenario's result.json
 * @dir:	a path given to kdh report
 *
 * Return: true when rp_partial_load() can read it
 */
bool rp_partial_is(const char *dir)
{
	char *sum = g_build_filename(dir, "summary.json", NULL);
	char *plan = g_build_filename(dir, RUN_PLAN_FILE, NULL);
	bool yes = g_file_test(dir, G_FILE_TEST_IS_DIR) &&
		   !g_file_test(sum, G_FILE_TEST_EXISTS) &&
		   g_file_test(plan, G_FILE_TEST_IS_REGULAR);
	GDir *d = yes || !g_file_test(dir, G_FILE_TEST_IS_DIR) ||
		  g_file_test(sum, G_FILE_TEST_EXISTS) ? NULL :
		  g_dir_open(dir, 0, NULL);
	const char *e;

	while (d && !yes && (e = g_dir_read_name(d))) {
		char *res = g_build_filename(dir, e, "result.json", NULL);

		yes = g_file_test(res, G_FILE_TEST_IS_REGULAR);
		g_free(res);
	}
	if (d)
		g_dir_close(d);
	g_free(sum);
	g_free(plan);
	return yes;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The planned scenarios' names from plan.json (seed and provenance into
 * @run); without a plan, the scenario directories holding a result.json */
static GPtrArray *planned(const char *dir, struct report_run *run,
			  bool *have_plan)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	char *path = g_build_filename(dir, RUN_PLAN_FILE, NULL);
	JsonParser *p = json_parser_new();
	JsonObject *o = NULL;
	JsonArray *a = NULL;
	char err[256];
	struct jr jr;
	GDir *d;
	const char *e;

	/* plan.json is written atomically: whole, or not there (then, as
	 * when it does not read, the scenario directories say what ran) */
	jr_init(&jr, path, err, sizeof(err));
	if (!json_file_load(p, path, FILE_SUMMARY, err, sizeof(err)) &&
	    jr_root(&jr, json_parser_get_root(p), &o) > 0)
		jr_array(&jr, o, "planned", JR_REQUIRED, 0, &a);
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *s;
		const char *name;

		if (jr_elem_object(&jr, a, i, &s) > 0 &&
		    jr_str(&jr, s, "name", JR_REQUIRED, &name) > 0)
			g_ptr_array_add(names, g_strdup(name));
	}
	*have_plan = a && !jr.failed;
	if (*have_plan) {
		jr_seed(&jr, o, "seed", 0, &run->seed);
		provenance_read(&jr, o, &run->prov);
	}
	if (!*have_plan)
		g_ptr_array_set_size(names, 0);
	d = *have_plan ? NULL : g_dir_open(dir, 0, NULL);
	while (d && (e = g_dir_read_name(d))) {
		char *res = g_build_filename(dir, e, "result.json", NULL);

		if (g_file_test(res, G_FILE_TEST_IS_REGULAR))
			g_ptr_array_add(names, g_strdup(e));
		g_free(res);
	}
	if (d)
		g_dir_close(d);
	if (!*have_plan && names->len)
		qsort(names->pdata, names->len, sizeof(char *), by_name);
	g_object_unref(p);
	g_free(path);
	return names;
}

/* DIR/NAME/result.json into @r; 0, or -1 when it is missing or unreadable */
static int result_read(const char *dir, const char *name,
		       struct scenario_result *r)
{
	char *path = g_build_filename(dir, name, "result.json", NULL);
	JsonParser *p = json_parser_new();
	JsonObject *o = NULL;
	char err[256];
	struct jr jr;
	int rc = -1;

	jr_init(&jr, path, err, sizeof(err));
	if (!json_file_load(p, path, FILE_SUMMARY, err, sizeof(err)) &&
	    jr_root(&jr, json_parser_get_root(p), &o) > 0)
		rc = report_result_read(&jr, o, r);
	g_object_unref(p);
	g_free(path);
	return rc;
}

/* "no summary.json (...); 3 of 30 scenarios completed; not completed: a, b" */
static char *why_of(GPtrArray *missing, size_t done, size_t planned,
		    bool have_plan)
{
	GString *w = g_string_new("no summary.json (kdh run was "
				  "killed, or could not write it)");

	if (have_plan)
		g_string_append_printf(w, "; %zu of %zu scenarios completed", done,
				       planned);
	else
		g_string_append_printf(w, "; %zu scenarios completed, how many "
				       "were planned is unknown (no %s)", done,
				       RUN_PLAN_FILE);
	for (guint i = 0; i < missing->len && i < MISSING_SHOWN; i++)
		g_string_append_printf(w, "%s%s", i ? ", " : "; not completed: ",
				       (char *)missing->pdata[i]);
	if (missing->len > MISSING_SHOWN)
		g_string_append_printf(w, " and %u more",
				       missing->len - MISSING_SHOWN);
	return g_string_free(w, FALSE);
}

/**
 * rp_partial_load() - the completed scenarios of a run without summary.json
 * @dir:	the run's directory (rp_partial_is() said yes)
 * @rs:		struct scenario_result array to append to
 * @run:	seed, provenance and scenario count set here
 *
 * Return: why the run is incomplete ("no summary.json ...; 3 of 30 ..."), g_free() it
 */
char *rp_partial_load(const char *dir, GArray *rs, struct report_run *run)
{
	bool have_plan;
	GPtrArray *names = planned(dir, run, &have_plan);
	GPtrArray *missing = g_ptr_array_new();
	size_t done = 0;
	char *why;

	for (guint i = 0; i < names->len; i++) {
		struct scenario_result r;

		if (result_read(dir, names->pdata[i], &r)) {
			g_ptr_array_add(missing, names->pdata[i]);
			continue;
		}
		g_array_append_val(rs, r);
		done++;
	}
	run->scenarios = have_plan ? names->len : done;
	why = why_of(missing, done, names->len, have_plan);
	g_ptr_array_unref(missing);
	g_ptr_array_unref(names);
	return why;
}
