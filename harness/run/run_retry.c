// SPDX-License-Identifier: GPL-2.0-or-later
/* run_retry.c - kdh run --retries N: a failed scenario runs again with a
 * new seed, up to N times; one that passes on a retry is flaky
 *
 * Theory of operation: after the suite's pool (run_pool()) has run every
 * scenario once, each round K = 2, 3, ... runs another pool over just the
 * scenarios still failing, with run_opts.attempt = K: their seeds are
 * mixed with K (run_attempt_seed()) and their files go in
 * RUNDIR/NAME/attempt-K/, so the first attempt's RUNDIR/NAME/ is never
 * touched.  A scenario leaves the rounds at its first pass (then it is
 * V_FLAKY) or after N retries (then it stays V_FAIL).  The result kept in
 * rs[] is the first attempt's (its figures, its failure, what a baseline
 * compared), with every attempt listed in its attempts[]; its result.json
 * is written again with them.
 *
 * What is retried: FAIL only, the verdict a seed can change (loss, jitter,
 * reordering drawn by the seed).  Not ERROR: kdh or the host failed (a
 * file not written, QEMU not starting, a --max-wall budget spent), which a
 * new seed does not mend and a retry would hide as "flaky" or pay for a
 * second time; not SKIP (its requirements are the same on a retry); not a
 * FAIL with a baseline regression: the baseline judges the first attempt,
 * and a retry that happened to be fast would hide the regression.  A
 * signal (SIGINT, SIGTERM) ends the rounds: what ran is kept.
 *
 * Example: with --retries 2, "lossy" fails with seed S, fails with
 * run_attempt_seed(S, 2) in lossy/attempt-2/ and passes with
 * run_attempt_seed(S, 3) in lossy/attempt-3/: it is flaky, 3 attempts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/run/run_retry.h"
#include "kdh/report/report.h"

/* One round: the scenarios it reruns, as a run_source over the suite's */
struct round {
	const struct run_source *src;	/* the suite */
	const size_t *which;		/* suite index of each one */
	struct scenario_result *rs;	/* the suite's results */
	struct scenario_result *got;	/* this round's */
	const struct run_retry *rt;
	unsigned attempt;
	bool unwritten;			/* a result.json could not be written */
};

/**
 * run_retry_wanted() - whether kdh run --retries reruns this result
 * @r:		a first attempt's result (its baseline already checked)
 *
 * Return: true for a FAIL without a baseline regression
 */
bool run_retry_wanted(const struct scenario_result *r)
{
	if (r->verdict != V_FAIL)
		return false;
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].regression)
			return false;
	return true;
}

static int round_get(void *ctx, size_t i, struct scenario *sc, char *err,
		     size_t errlen)
{
	const struct round *rd = ctx;

	return rd->src->get(rd->src->ctx, rd->which[i], sc, err, errlen);
}

static void attempt_add(struct scenario_result *r,
			const struct scenario_result *a)
{
	struct run_attempt *t;

	if (r->n_attempts >= RUN_MAX_ATTEMPTS)
		return;
	t = &r->attempts[r->n_attempts++];
	t->seed = a->seed;
	t->verdict = a->verdict;
	t->wall_s = a->wall_s;
	snprintf(t->reason, sizeof(t->reason), "%s", a->reason);
}

/* "retry lossy: attempt 2 of 3, seed N: FAIL, connect_time < 2s ..." */
static void retry_say(const struct round *rd, const struct scenario_result *a)
{
	char *name = report_name(a);

	printf("%sretry %s: attempt %u of %u, seed %" PRIu64 ": %s%s%s\n",
	       rd->rt->tap ? "# " : "      ", name, rd->attempt,
	       rd->rt->retries + 1, a->seed, verdict_name(a->verdict),
	       a->reason[0] ? ", " : "", a->reason);
	fflush(stdout);
	g_free(name);
}

/* run_pool()'s ready: one retry's result.json and line, in order */
static bool round_ready(void *opaque, size_t i)
{
	struct round *rd = opaque;
	struct scenario_result *a = &rd->got[i], *r = &rd->rs[rd->which[i]];
	char path[700];
	int rc;

	run_result_dir(rd->rt->dir, a->name, rd->attempt, path, sizeof(path));
	strncat(path, "/result.json", sizeof(path) - strlen(path) - 1);
	if (a->verdict != V_SKIP && (rc = report_result_file(path, a))) {
		a->verdict = V_ERROR;
		a->unwritten = true;
		snprintf(a->reason, sizeof(a->reason), "%s: %s", path,
			 strerror(-rc));
	}
	attempt_add(r, a);
	if (a->verdict == V_PASS)
		r->verdict = V_FLAKY;
	retry_say(rd, a);
	rd->unwritten |= a->unwritten;
	return a->unwritten;
}

/* A FAIL with a baseline regression: not retried, and why */
static void regression_say(const struct run_retry *rt,
			   const struct scenario_result *r)
{
	char *name = report_name(r);

	printf("%s%s is not retried: it regressed from the baseline, which "
	       "judges the first attempt\n", rt->tap ? "# " : "      ", name);
	fflush(stdout);
	g_free(name);
}

/* The suite indices still failing; 0 when none */
static size_t still_failing(const struct scenario_result *rs, size_t n,
			    size_t *which)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (rs[i].n_attempts && rs[i].verdict == V_FAIL &&
		    rs[i].attempts[rs[i].n_attempts - 1].verdict != V_INTERRUPTED)
			which[k++] = i;
	return k;
}

/* One round of attempt @rd->attempt over @k scenarios */
static int round_run(struct round *rd, const struct run_opts *o, size_t k)
{
	struct run_source sub = { .n = k, .get = round_get, .ctx = rd };
	struct run_opts here = *o;
	long ran;

	here.attempt = rd->attempt;
	rd->got = calloc(k, sizeof(*rd->got));
	if (!rd->got)
		return -ENOMEM;
	ran = run_pool(&sub, &here, rd->rt->jobs, rd->got, round_ready, NULL, rd);
	free(rd->got);
	rd->got = NULL;
	return ran < 0 ? (int)ran : 0;
}

/* The retried scenario's verdict after its attempts: its console line
 * again (FLAKY, or FAIL with "failed all N attempts"), a comment in TAP */
static void verdict_say(const struct run_retry *rt,
			const struct scenario_result *r)
{
	char buf[160], *name;

	if (!rt->tap) {
		report_line(stdout, r);
		return;
	}
	name = report_name(r);
	printf("# %s %s: %s\n", r->verdict == V_FLAKY ? "FLAKY" : "FAIL", name,
	       report_attempts(r, buf, sizeof(buf)));
	fflush(stdout);
	g_free(name);
}

/* result.json of each retried scenario again: its verdict and attempts */
static int results_rewrite(const struct run_retry *rt,
			   struct scenario_result *rs, size_t n)
{
	char path[700];
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!rs[i].n_attempts)
			continue;
		if (rs[i].n_attempts > 1)
			verdict_say(rt, &rs[i]);
		snprintf(path, sizeof(path), "%s/%s/result.json", rt->dir, rs[i].name);
		if ((rc = report_result_file(path, &rs[i]))) {
			fprintf(stderr, "kdh run: %s: %s\n", path, strerror(-rc));
			bad = rc;
		}
	}
	return bad;
}

/**
 * run_retry() - rerun the failed scenarios with new seeds, up to
 * @rt->retries times each, stopping at a pass (then V_FLAKY)
 * @src:	the suite, as run_pool() had it
 * @o:		the suite's options (its seed, results directory, stop)
 * @rt:		how many retries, where, -j
 * @rs:		the first attempts' results (run_pool()'s), updated: verdict
 *		(V_FLAKY for a pass on a retry) and attempts[]
 * @n:		how many
 *
 * Prints a line per retry.  Nothing is retried once a stop is asked.
 *
 * Return: 0, -EIO when a result.json could not be written (said on
 * standard error or in the result: the run stops as for a first
 * attempt's), or -ENOMEM
 */
int run_retry(const struct run_source *src, const struct run_opts *o,
	      const struct run_retry *rt, struct scenario_result *rs, size_t n)
{
	size_t *which = calloc(n ? n : 1, sizeof(*which));
	struct round rd = { .src = src, .which = which, .rs = rs, .rt = rt };
	int rc = 0;

	if (!which)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (run_retry_wanted(&rs[i]))
			attempt_add(&rs[i], &rs[i]);
		else if (rs[i].verdict == V_FAIL)
			regression_say(rt, &rs[i]);
	for (rd.attempt = 2; !rc && rd.attempt <= rt->retries + 1; rd.attempt++) {
		size_t k = still_failing(rs, n, which);

		if (!k || (o->stop && *o->stop) || rd.unwritten)
			break;
		rc = round_run(&rd, o, k);
	}
	free(which);
	if (results_rewrite(rt, rs, n) || rd.unwritten)
		return rc ? rc : -EIO;
	return rc;
}
