// SPDX-License-Identifier: GPL-2.0-or-later
/* report_merge.c - `kdh report merge`: shard runs made on several machines
 * become one summary.json, junit.xml and report.html, in the order of the
 * unsharded suite */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/cmd/cli.h"
#include "harness/report/report_priv.h"

static int by_index(const void *a, const void *b)
{
	const struct scenario_result *x = a, *y = b;

	return x->index != y->index ? (x->index < y->index ? -1 : 1) :
	       strcmp(x->name, y->name);
}

/*
 * Shards of one run: the same kdh version, each K of 1..N exactly once.
 * (Summaries without provenance, from an older kdh, are not checked.)
 */
static int shards_check(char **dirs, int from, int to, const struct provenance *pv,
			char *err, size_t errlen)
{
	unsigned n = 0, seen[256] = { 0 };

	if (to - from == 1 && !pv[from].shard_n)
		return 0;		/* one whole run: itself */
	for (int i = from; i < to; i++) {
		if (!pv[i].kdh[0])
			return 0;
		if (strcmp(pv[i].kdh, pv[from].kdh)) {
			snprintf(err, errlen, "%s: kdh %s, %s: kdh %s: shards of one run "
				 "come from one kdh", dirs[from], pv[from].kdh, dirs[i],
				 pv[i].kdh);
			return -1;
		}
		if (!pv[i].shard_n || (n && pv[i].shard_n != n) || pv[i].shard_n > 255) {
			snprintf(err, errlen, "%s: %s: not shards of one run", dirs[i],
				 pv[i].shard_n ? "another shard count" :
				 "a whole run (no --shard)");
			return -1;
		}
		n = pv[i].shard_n;
		if (seen[pv[i].shard_k]++) {
			snprintf(err, errlen, "%s: shard %u/%u is given twice", dirs[i],
				 pv[i].shard_k, n);
			return -1;
		}
	}
	for (unsigned k = 1; k <= n; k++)
		if (!seen[k]) {
			snprintf(err, errlen, "shard %u/%u is missing: merge all %u "
				 "shards of the run", k, n, n);
			return -1;
		}
	return 0;
}

static int merge_write(const char *out, GArray *rs, uint64_t seed,
		       struct run_status *st)
{
	struct provenance merged;
	struct report_run run = { .name = out, .seed = seed };
	char path[700];
	int rc;

	provenance_collect(&merged, 0, 0);
	st->prov = &merged;
	g_array_sort(rs, by_index);
	g_mkdir_with_parents(out, 0755);
	snprintf(path, sizeof(path), "%s/summary.json", out);
	rc = report_json_file(path, (struct scenario_result *)rs->data, rs->len,
			      seed, st);
	snprintf(path, sizeof(path), "%s/junit.xml", out);
	rc |= report_junit_file(path, (struct scenario_result *)rs->data, rs->len,
				st);
	run.rs = (struct scenario_result *)rs->data;
	run.n = rs->len;
	run.prov = merged;
	run.interrupted = st->interrupted;
	run.scenarios = st->scenarios;
	snprintf(path, sizeof(path), "%s/report.html", out);
	rc |= report_html_write(path, &run, 1);
	return rc;
}

/**
 * report_merge_main() - kdh report merge DIR... --out DIR
 * @argc:	how many DIRs
 * @argv:	the DIRs (run directories or their summary.json)
 * @out:	the directory to write the merged files in
 *
 * Return: exit status: 0 every scenario passed, 1 not, 2 bad input
 */
int report_merge_main(int argc, char **argv, const char *out)
{
	GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	struct provenance *pv = g_new0(struct provenance, argc ? argc : 1);
	struct run_status st = { 0 };
	uint64_t seed = 0;
	char err[400];
	struct run_totals t;
	int rc = KDH_EXIT_OK;

	if (!argc)
		rc = cli_usage_error(&kdh_cmd_report, "merge: no DIR given");
	for (int i = 0; i < argc && rc == KDH_EXIT_OK; i++)
		if (report_summary_load(argv[i], rs, &seed, err, sizeof(err),
					i > 0, &st, &pv[i]))	/* 0 is a seed too */
			rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK && shards_check(argv, 0, argc, pv, err, sizeof(err)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK) {
		rc = merge_write(out, rs, seed, &st);
		report_totals((struct scenario_result *)rs->data, rs->len, &t);
		printf("kdh report merge: %u scenarios into %s: ", rs->len, out);
		report_summary(stdout, &t, seed);
		if (st.stopped)
			printf("kdh report merge: a stopped run is among them: %s\n",
			       st.stopped);
		if (st.interrupted)
			printf("kdh report merge: an interrupted run is among them: "
			       "%zu of %zu scenarios ran\n", (size_t)rs->len,
			       st.scenarios);
		rc = rc ? KDH_EXIT_FAIL : (t.fail || t.error || t.interrupted ||
					  st.interrupted ? KDH_EXIT_FAIL : KDH_EXIT_OK);
	}
	g_array_free(rs, TRUE);
	g_free(pv);
	g_free((char *)st.stopped);
	return rc;
}
