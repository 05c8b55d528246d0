// SPDX-License-Identifier: GPL-2.0-or-later
/* run_results.c - where a run's results go: the results path checked, the
 * run's directory made for it alone, and its plan written first
 *
 * Theory of operation: two `kdh run --seed 42` started in the same second
 * name the same run-DATE-SEED directory.  The last component is made with
 * mkdir(), which fails with EEXIST when another run made it first: the run
 * then takes run-DATE-SEED-2, -3, ..., so each run owns its directory and
 * writes its own summary.json.  Before any scenario starts, plan.json
 * lists the scenarios the run will run, so `kdh report` of a run that
 * never wrote its summary.json (killed, disk full) can say which completed
 * (their result.json) and which did not (report_partial.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "harness/run/run_results.h"
#include "harness/run/run_suite.h"
#include "kdh/util/json_out.h"
#include "kdh/run/run.h"

/**
 * run_dir_create() - make @results/@base, or @base-2, -3, ... when another
 * run made it first: the directory is this run's alone
 * @results:	--results (made with its parents when missing)
 * @base:	"run-DATE-SEED"
 * @dir:	output: the directory made
 * @len:	its size
 * @err:	"PATH: errno text" on failure
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int run_dir_create(const char *results, const char *base, char *dir,
		   size_t len, char *err, size_t errlen)
{
	if (g_mkdir_with_parents(results, 0755)) {
		snprintf(err, errlen, "%s: cannot create the results directory: %s",
			 results, strerror(errno));
		return -1;
	}
	for (unsigned k = 1; k <= RUN_DIR_MAX_SUFFIX; k++) {
		int n = k == 1 ? snprintf(dir, len, "%s/%s", results, base) :
			snprintf(dir, len, "%s/%s-%u", results, base, k);

		if (n < 0 || (size_t)n >= len) {
			snprintf(err, errlen, "%s: the results path is too long (%d "
				 "characters; at most %zu)", results, n, len - 1);
			return -1;
		}
		if (!mkdir(dir, 0755))
			return 0;
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create the run directory: %s",
				 dir, strerror(errno));
			return -1;
		}
	}
	snprintf(err, errlen, "%s/%s: %u runs of that name already; remove old "
		 "ones or give another --results", results, base, RUN_DIR_MAX_SUFFIX);
	return -1;
}

/* One planned scenario: where its result.json will be (a cell's name is
 * NAME/cNNNNN, its results directory, as its result's) */
static void planned_json(JsonBuilder *b, const struct suite_item *it)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "index");
	json_builder_add_int_value(b, it->index);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, it->rname);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, it->file);
	json_builder_end_object(b);
}

/**
 * run_plan_write() - DIR/plan.json: { "seed", provenance, "planned": [
 * { "index", "name", "file" }, ... ] }, written before any scenario runs
 * @dir:	the run's directory
 * @s:		the scenarios the run will run
 * @seed:	the run's seed
 * @prov:	the run's provenance (its date orders the run in a history)
 * @err:	"PATH: errno text" on failure
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int run_plan_write(const char *dir, const struct suite *s,
		   uint64_t seed, const struct provenance *prov, char *err,
		   size_t errlen)
{
	JsonBuilder *b = json_builder_new();
	char *path = g_build_filename(dir, RUN_PLAN_FILE, NULL);
	int rc;

	json_builder_begin_object(b);
	jb_uint(b, "seed", seed);	/* unsigned, as summary.json's */
	provenance_json(b, prov);
	json_builder_set_member_name(b, "planned");
	json_builder_begin_array(b);
	for (size_t i = 0; i < s->n; i++)
		planned_json(b, &s->it[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	rc = json_write_file(path, json_builder_get_root(b));
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	g_free(path);
	g_object_unref(b);
	return rc ? -1 : 0;
}
