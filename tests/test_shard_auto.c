// SPDX-License-Identifier: GPL-2.0-or-later
/* test_shard_auto.c - `--shard auto` (shard_auto.c) on fake environments:
 * each engine's variables with 0- and 1-based indexes, Slurm arrays that
 * do not start at 1 or step by more than 1, and every refusal (none set,
 * half a pair, not a number, out of range, engines that disagree); then
 * `kdh list --shard auto` and `kdh run --shard auto` themselves */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/run/shard_auto.h"

struct ok_case {
	const char *env[8];
	unsigned k, n;
	const char *from;
};

static const struct ok_case oks[] = {
	/* GitLab: 1-based */
	{ { "CI_NODE_INDEX=1", "CI_NODE_TOTAL=3" }, 1, 3,
	  "CI_NODE_INDEX=1 CI_NODE_TOTAL=3" },
	{ { "PATH=/bin", "CI_NODE_TOTAL=3", "CI_NODE_INDEX=3" }, 3, 3,
	  "CI_NODE_INDEX=3 CI_NODE_TOTAL=3" },
	/* GitLab without parallel: CI_NODE_TOTAL=1 only */
	{ { "CI_NODE_TOTAL=1" }, 1, 1, "CI_NODE_TOTAL=1" },
	/* Slurm: an array from 6 (--array=6-8), from 0, and with a step */
	{ { "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=6",
	    "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MAX=8" }, 2, 3,
	  "SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=6 SLURM_ARRAY_TASK_COUNT=3" },
	{ { "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=0",
	    "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=1" }, 1, 4,
	  "SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=4" },
	{ { "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=1",
	    "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=2",
	    "SLURM_ARRAY_TASK_MAX=7" }, 3, 4,
	  "SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4 "
	  "SLURM_ARRAY_TASK_STEP=2" },
	/* Azure: 1-based */
	{ { "SYSTEM_JOBPOSITIONINPHASE=2", "SYSTEM_TOTALJOBSINPHASE=2" }, 2, 2,
	  "SYSTEM_JOBPOSITIONINPHASE=2 SYSTEM_TOTALJOBSINPHASE=2" },
	/* Kubernetes: 0-based, so index 0 is shard 1 and 4 of 5 is 5/5 */
	{ { "JOB_COMPLETION_INDEX=0", "KDH_SHARD_TOTAL=5" }, 1, 5,
	  "JOB_COMPLETION_INDEX=0 KDH_SHARD_TOTAL=5" },
	{ { "JOB_COMPLETION_INDEX=4", "KDH_SHARD_TOTAL=5" }, 5, 5,
	  "JOB_COMPLETION_INDEX=4 KDH_SHARD_TOTAL=5" },
	/* KDH_SHARD */
	{ { "KDH_SHARD=2/7" }, 2, 7, "KDH_SHARD=2/7" },
	/* two engines that agree; an empty variable is unset */
	{ { "CI_NODE_INDEX=2", "CI_NODE_TOTAL=3", "KDH_SHARD=2/3" }, 2, 3,
	  "CI_NODE_INDEX=2 CI_NODE_TOTAL=3; KDH_SHARD=2/3" },
	{ { "KDH_SHARD=", "JOB_COMPLETION_INDEX=1", "KDH_SHARD_TOTAL=2" }, 2, 2,
	  "JOB_COMPLETION_INDEX=1 KDH_SHARD_TOTAL=2" },
	/* an Indexed Job's pod that says KDH_SHARD, not KDH_SHARD_TOTAL */
	{ { "JOB_COMPLETION_INDEX=0", "KDH_SHARD=1/2" }, 1, 2, "KDH_SHARD=1/2" },
	/* a GitLab job without parallel: inside a Slurm array gives way */
	{ { "CI_NODE_TOTAL=1", "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1",
	    "SLURM_ARRAY_TASK_COUNT=3" }, 3, 3,
	  "SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3" },
};

Test(shard_auto, each_engine_and_base)
{
	for (size_t i = 0; i < sizeof(oks) / sizeof(oks[0]); i++) {
		struct shard_pick p;
		char err[400] = "";

		cr_assert_eq(shard_auto(oks[i].env, &p, err, sizeof(err)), 0,
			     "case %zu: %s", i, err);
		cr_expect_eq(p.k, oks[i].k, "case %zu: k %u", i, p.k);
		cr_expect_eq(p.n, oks[i].n, "case %zu: n %u", i, p.n);
		cr_expect_str_eq(p.from, oks[i].from, "case %zu", i);
	}
}

struct bad_case {
	const char *env[8];
	const char *says;	/* a part of the message */
};

static const struct bad_case bads[] = {
	{ { "PATH=/bin" }, "no engine's shard variables are set: GitLab "
	  "CI_NODE_INDEX and CI_NODE_TOTAL" },
	{ { NULL }, "set one, or give --shard K/N" },
	/* half a pair */
	{ { "CI_NODE_INDEX=2" }, "CI_NODE_INDEX=2 is set but CI_NODE_TOTAL is not" },
	{ { "CI_NODE_TOTAL=4" }, "CI_NODE_TOTAL=4 is set but CI_NODE_INDEX is not" },
	{ { "SYSTEM_TOTALJOBSINPHASE=2" }, "SYSTEM_TOTALJOBSINPHASE=2 is set but "
	  "SYSTEM_JOBPOSITIONINPHASE is not" },
	{ { "JOB_COMPLETION_INDEX=0" }, "JOB_COMPLETION_INDEX=0 is set but "
	  "KDH_SHARD_TOTAL is not" },
	{ { "SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=3" },
	  "SLURM_ARRAY_TASK_ID=4 is set but SLURM_ARRAY_TASK_MIN is not" },
	{ { "SLURM_ARRAY_TASK_MIN=4" },
	  "SLURM_ARRAY_TASK_MIN=4 is set but SLURM_ARRAY_TASK_ID is not" },
	/* not a number */
	{ { "CI_NODE_INDEX=two", "CI_NODE_TOTAL=3" },
	  "CI_NODE_INDEX='two' is not a whole number" },
	{ { "CI_NODE_INDEX=1", "CI_NODE_TOTAL=+3" },
	  "CI_NODE_TOTAL='+3' is not a whole number from 1 to 100000" },
	{ { "JOB_COMPLETION_INDEX=-1", "KDH_SHARD_TOTAL=3" },
	  "JOB_COMPLETION_INDEX='-1' is not a whole number" },
	{ { "KDH_SHARD=2" }, "KDH_SHARD='2' is not K/N" },
	{ { "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=1",
	    "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_STEP=0" },
	  "SLURM_ARRAY_TASK_STEP='0' is not a whole number from 1" },
	/* out of range, with the base named */
	{ { "CI_NODE_INDEX=0", "CI_NODE_TOTAL=3" },
	  "CI_NODE_INDEX=0 is outside 1..3 (CI_NODE_TOTAL=3; the index counts "
	  "from 1)" },
	{ { "CI_NODE_INDEX=4", "CI_NODE_TOTAL=3" }, "CI_NODE_INDEX=4 is outside 1..3" },
	{ { "JOB_COMPLETION_INDEX=3", "KDH_SHARD_TOTAL=3" },
	  "JOB_COMPLETION_INDEX=3 is outside 0..2 (KDH_SHARD_TOTAL=3; the index "
	  "counts from 0)" },
	{ { "SYSTEM_JOBPOSITIONINPHASE=3", "SYSTEM_TOTALJOBSINPHASE=2" },
	  "SYSTEM_JOBPOSITIONINPHASE=3 is outside 1..2" },
	{ { "KDH_SHARD=4/3" }, "KDH_SHARD='4/3' is not K/N" },
	{ { "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=6",
	    "SLURM_ARRAY_TASK_COUNT=3" }, "SLURM_ARRAY_TASK_ID=5 "
	  "SLURM_ARRAY_TASK_MIN=6 SLURM_ARRAY_TASK_COUNT=3: the task is not one "
	  "of the array's 3 tasks from 6" },
	{ { "SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_MIN=6",
	    "SLURM_ARRAY_TASK_COUNT=3" }, "not one of the array's 3 tasks" },
	{ { "SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_MIN=1",
	    "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=2" },
	  "not one of the array's 4 tasks from 1 in steps of 2" },
	/* --array=1,2,9: three tasks, not evenly spaced */
	{ { "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=1",
	    "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MAX=9" },
	  "SLURM_ARRAY_TASK_MAX=9: not an evenly spaced array" },
	/* engines that disagree */
	{ { "CI_NODE_INDEX=2", "CI_NODE_TOTAL=3", "KDH_SHARD=1/3" },
	  "the engines disagree: CI_NODE_INDEX=2 CI_NODE_TOTAL=3 is shard 2/3, "
	  "KDH_SHARD=1/3 is 1/3" },
	{ { "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=6",
	    "SLURM_ARRAY_TASK_COUNT=3", "JOB_COMPLETION_INDEX=1",
	    "KDH_SHARD_TOTAL=4" }, "is shard 2/3, JOB_COMPLETION_INDEX=1 "
	  "KDH_SHARD_TOTAL=4 is 2/4" },
};

Test(shard_auto, refusals_name_the_variables)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct shard_pick p;
		char err[400] = "";

		cr_assert_eq(shard_auto(bads[i].env, &p, err, sizeof(err)), -1,
			     "case %zu: accepted as %u/%u", i, p.k, p.n);
		cr_expect(strstr(err, bads[i].says), "case %zu: '%s'", i, err);
		cr_expect(!strncmp(err, "--shard auto: ", 14), "%s", err);
	}
}

Test(shard_auto, option_takes_k_of_n_or_auto)
{
	const char *env[] = { "KDH_SHARD=3/4", NULL };
	struct shard_pick p;
	char err[400];

	cr_assert_eq(shard_option("2/5", env, &p, err, sizeof(err)), 0);
	cr_expect(p.k == 2 && p.n == 5);
	cr_expect_str_eq(p.from, "--shard 2/5");
	cr_assert_eq(shard_option("auto", env, &p, err, sizeof(err)), 0);
	cr_expect(p.k == 3 && p.n == 4);
	cr_expect_str_eq(p.from, "KDH_SHARD=3/4");
	cr_assert_eq(shard_option("Auto", env, &p, err, sizeof(err)), -1);
	cr_expect(strstr(err, "--shard: 'Auto' is not K/N with 1 <= K <= N <= "
			 "100000, or auto"), "%s", err);
}

/* every engine variable unset, then @set ("NAME=VALUE", NULL-terminated):
 * the test's worker process only, kdh inherits it */
static void env_only(const char *const *set)
{
	static const char *const all[] = {
		"CI_NODE_INDEX", "CI_NODE_TOTAL", "SLURM_ARRAY_TASK_ID",
		"SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
		"SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP",
		"SYSTEM_JOBPOSITIONINPHASE", "SYSTEM_TOTALJOBSINPHASE",
		"JOB_COMPLETION_INDEX", "KDH_SHARD_TOTAL", "KDH_SHARD",
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		g_unsetenv(all[i]);
	for (; set && *set; set++) {
		char **kv = g_strsplit(*set, "=", 2);

		g_setenv(kv[0], kv[1], TRUE);
		g_strfreev(kv);
	}
}

/* kdh list --shard auto lists what --shard K/N lists; unset: exit 2 */
Test(shard_auto, list_auto_is_list_k_of_n)
{
	const char *slurm[] = { "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=6",
				"SLURM_ARRAY_TASK_COUNT=3", NULL };
	const char *autov[] = { getenv("KDH_BIN"), "list", "--shard", "auto", NULL };
	const char *kofn[] = { getenv("KDH_BIN"), "list", "--shard", "2/3", NULL };
	char *out, *err, *want, *werr;

	env_only(slurm);
	cr_assert_eq(test_run(kofn, &want, &werr), 0, "%s", werr);
	cr_assert_eq(test_run(autov, &out, &err), 0, "%s", err);
	cr_expect_str_eq(out, want);
	cr_expect(out[0], "shard 2/3 lists something");
	g_free(out); g_free(err); g_free(want); g_free(werr);

	env_only(NULL);
	cr_assert_eq(test_run(autov, &out, &err), 2);
	cr_expect_str_eq(out, "");
	cr_expect(strstr(err, "kdh list: --shard auto: no engine's shard "
			 "variables are set"), "%s", err);
	g_free(out); g_free(err);
}

/* how many run-* directories @dir has */
static int runs_in(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *e;
	int n = 0;

	while (d && (e = g_dir_read_name(d)))
		n += !strncmp(e, "run-", 4);
	if (d)
		g_dir_close(d);
	return n;
}

/* kdh run --shard auto: the provenance says which variables decided; a
 * contradiction runs nothing */
Test(shard_auto, run_records_the_variables, .timeout = 60)
{
	const char *k8s[] = { "JOB_COMPLETION_INDEX=2", "KDH_SHARD_TOTAL=3", NULL };
	const char *both[] = { "JOB_COMPLETION_INDEX=2", "KDH_SHARD_TOTAL=3",
			       "CI_NODE_INDEX=1", "CI_NODE_TOTAL=3", NULL };
	char *dir = g_dir_make_tmp("kdh-shard-XXXXXX", NULL);
	char *json = g_build_filename(dir, "s.json", NULL);
	const char *run[] = { getenv("KDH_BIN"), "run", "--seed", "3", "--shard",
		"auto", "--results", dir, "--json", json, NULL };
	JsonParser *p = json_parser_new();
	JsonObject *pv;
	char *out, *err;

	env_only(k8s);
	cr_assert_eq(test_run(run, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert(json_parser_load_from_file(p, json, NULL));
	pv = json_object_get_object_member(json_node_get_object(
		json_parser_get_root(p)), "provenance");
	cr_expect_str_eq(json_object_get_string_member(pv, "shard"), "3/3");
	cr_expect_str_eq(json_object_get_string_member(pv, "shard_from"),
			 "JOB_COMPLETION_INDEX=2 KDH_SHARD_TOTAL=3");
	g_object_unref(p);

	env_only(both);
	cr_assert_eq(test_run(run, &out, &err), 2);
	cr_expect(strstr(err, "kdh run: --shard auto: the engines disagree: "
			 "CI_NODE_INDEX=1 CI_NODE_TOTAL=3 is shard 1/3, "
			 "JOB_COMPLETION_INDEX=2 KDH_SHARD_TOTAL=3 is 3/3"), "%s", err);
	cr_expect_eq(runs_in(dir), 1, "the refused run made no directory");
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(json); g_free(dir);
}

/* Three shards, each decided by another engine, merged: merge prints each
 * shard's provenance with its variables, the merged summary keeps them
 * ("shards"), and a merge short of shards names every missing one */
Test(shard_auto, merge_shows_each_shard_and_the_missing, .timeout = 90)
{
	const char *const engines[3][4] = {
		{ "CI_NODE_INDEX=1", "CI_NODE_TOTAL=3", NULL },
		{ "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=6",
		  "SLURM_ARRAY_TASK_COUNT=3", NULL },
		{ "JOB_COMPLETION_INDEX=2", "KDH_SHARD_TOTAL=3", NULL },
	};
	const char *const from[3] = {
		"CI_NODE_INDEX=1 CI_NODE_TOTAL=3",
		"SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=6 SLURM_ARRAY_TASK_COUNT=3",
		"JOB_COMPLETION_INDEX=2 KDH_SHARD_TOTAL=3",
	};
	char *dir = g_dir_make_tmp("kdh-shard-merge-XXXXXX", NULL);
	char *merged = g_build_filename(dir, "merged", NULL);
	char *msum = g_build_filename(merged, "summary.json", NULL);
	char *json[3], *out, *err, *line;
	JsonParser *p = json_parser_new();
	JsonArray *shards;

	for (int k = 0; k < 3; k++) {
		const char *run[] = { getenv("KDH_BIN"), "run", "--seed", "9",
			"--shard", "auto", "--results", dir, "--json", NULL, NULL };

		json[k] = g_strdup_printf("%s/shard%d.json", dir, k + 1);
		run[9] = json[k];
		env_only(engines[k]);
		cr_assert_eq(test_run(run, &out, &err), 0, "%s", err);
		g_free(out); g_free(err);
	}
	const char *merge[] = { getenv("KDH_BIN"), "report", "merge", json[2],
		json[0], json[1], "--out", merged, NULL };
	cr_assert_eq(test_run(merge, &out, &err), 0, "%s", err);
	for (int k = 0; k < 3; k++) {	/* in K order, whatever the order given */
		line = g_strdup_printf("kdh report merge: shard %d/3 %s (%s): host ",
				       k + 1, json[k], from[k]);
		cr_expect(strstr(out, line), "no '%s' in:\n%s", line, out);
		if (k)
			cr_expect(strstr(out, line) > strstr(out, "shard 1/3"));
		g_free(line);
	}
	cr_expect(strstr(out, ", QEMU ") || strstr(out, ", libslirp "), "%s", out);
	g_free(out); g_free(err);

	cr_assert(json_parser_load_from_file(p, msum, NULL));
	shards = json_object_get_array_member(json_node_get_object(
		json_parser_get_root(p)), "shards");
	cr_assert(shards && json_array_get_length(shards) == 3);
	for (guint k = 0; k < 3; k++) {
		JsonObject *s = json_array_get_object_element(shards, k);
		char want[8];

		snprintf(want, sizeof(want), "%u/3", k + 1);
		cr_expect_str_eq(json_object_get_string_member(s, "shard"), want);
		cr_expect_str_eq(json_object_get_string_member(s, "shard_from"),
				 from[k]);
		cr_expect(json_object_has_member(s, "host"));
	}
	g_object_unref(p);

	const char *one[] = { getenv("KDH_BIN"), "report", "merge", json[1],
		"--out", merged, NULL };
	cr_assert_eq(test_run(one, &out, &err), 2);
	cr_expect(strstr(out, "shard 2/3"), "the given shard is shown: %s", out);
	cr_expect(strstr(err, "shards 1/3, 3/3 are missing: merge all 3 shards "
			 "of the run (1 given; run each with --shard K/3 and the "
			 "same --seed)"), "%s", err);
	g_free(out); g_free(err);
	for (int k = 0; k < 3; k++)
		g_free(json[k]);
	test_rmtree(dir);
	g_free(msum); g_free(merged); g_free(dir);
}
