// SPDX-License-Identifier: GPL-2.0-or-later
/* shard_auto.c - `--shard auto`: the shard K/N from the variables the CI
 * engine or batch system already sets in each of its jobs, so a pipeline
 * needs no glue script.  Pure: the environment comes in as an array of
 * "NAME=VALUE" strings (environ, or a test's fake one).
 *
 * The engines and the base of their index, from their documentation:
 *  - GitLab CI `parallel: N`: CI_NODE_INDEX, 1-based, and CI_NODE_TOTAL
 *    (docs.gitlab.com, ci/variables/predefined_variables: "Index of the
 *    job in the job set", set only in a job with parallel:; CI_NODE_TOTAL
 *    is 1 in a job without parallel:).
 *  - Slurm job arrays: SLURM_ARRAY_TASK_ID, the task's own array index
 *    (any start, 0 allowed), SLURM_ARRAY_TASK_MIN and _MAX the lowest and
 *    highest index, SLURM_ARRAY_TASK_COUNT the number of tasks and
 *    SLURM_ARRAY_TASK_STEP the step of --array=A-B:S (slurm.schedmd.com,
 *    job_array.html and sbatch.html "OUTPUT ENVIRONMENT VARIABLES").  K is
 *    (ID - MIN) / STEP + 1; an array of scattered indexes (--array=1,2,9)
 *    has no such K and is refused.
 *  - Azure Pipelines `strategy: parallel: N`: System.JobPositionInPhase,
 *    1-based, and System.TotalJobsInPhase, as the agent exports them:
 *    SYSTEM_JOBPOSITIONINPHASE, SYSTEM_TOTALJOBSINPHASE (learn.microsoft.com,
 *    azure/devops/pipelines/test/parallel-testing-any-test-runner).
 *  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, 0-based, from 0 to
 *    .spec.completions - 1 (kubernetes.io, tasks/job/indexed-parallel-
 *    processing-static); the count is not exported, so KDH_SHARD_TOTAL
 *    gives it.
 *  - KDH_SHARD=K/N, 1-based as --shard K/N: for any other engine.
 *
 * An empty variable counts as unset.  Several engines may be set (a GitLab
 * runner inside a Slurm job); they must agree, except that an engine
 * which reports a single job (a count of 1: GitLab's CI_NODE_TOTAL=1
 * without parallel:) gives way to one that splits the run.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kdh/result/provenance.h"
#include "kdh/run/shard_auto.h"
#include "netsim/value.h"

#define ENGINES_MAX	5
#define INDEX_MAX	UINT32_MAX	/* an index as an engine writes it */

/* one engine's answer */
struct cand {
	unsigned k, n;
	char from[SHARD_FROM_LEN];
};

/* @name's value in @env, NULL when unset or empty */
static const char *env_get(const char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; env && *env; env++)
		if (!strncmp(*env, name, len) && (*env)[len] == '=')
			return (*env)[len + 1] ? *env + len + 1 : NULL;
	return NULL;
}

/* @name=@v as a number in @lo..@hi, else -1 with @err set */
static int num(const char *name, const char *v, uint64_t lo, uint64_t hi,
	       uint64_t *out, char *err, size_t errlen)
{
	if (!value_uint(v, lo, hi, out))
		return 0;
	snprintf(err, errlen, "--shard auto: %s='%s' is not a whole number "
		 "from %llu to %llu", name, v, (unsigned long long)lo,
		 (unsigned long long)hi);
	return -1;
}

/*
 * An index and a count: GitLab, Azure, Kubernetes.  @base is the first
 * index (1, or 0 for Kubernetes).
 * Return: 1 found, 0 neither set, -1 error
 */
static int pair(const char *const *env, const char *iname, const char *tname,
		unsigned base, struct cand *c, char *err, size_t errlen)
{
	const char *iv = env_get(env, iname), *tv = env_get(env, tname);
	uint64_t i, t;

	if (!iv && !tv)
		return 0;
	if (!iv || !tv) {
		snprintf(err, errlen, "--shard auto: %s=%s is set but %s is not: "
			 "set both, or neither", iv ? iname : tname, iv ? iv : tv,
			 iv ? tname : iname);
		return -1;
	}
	if (num(tname, tv, 1, SUITE_SHARDS_MAX, &t, err, errlen) ||
	    num(iname, iv, 0, INDEX_MAX, &i, err, errlen))
		return -1;
	if (i < base || i - base >= t) {
		snprintf(err, errlen, "--shard auto: %s=%s is outside %u..%llu "
			 "(%s=%s; the index counts from %u)", iname, iv, base,
			 (unsigned long long)(t - 1 + base), tname, tv, base);
		return -1;
	}
	c->k = (unsigned)(i - base + 1);
	c->n = (unsigned)t;
	snprintf(c->from, sizeof(c->from), "%s=%s %s=%s", iname, iv, tname, tv);
	return 1;
}

/* GitLab: CI_NODE_TOTAL=1 alone is a job without parallel:, shard 1/1 */
static int gitlab(const char *const *env, struct cand *c, char *err,
		  size_t errlen)
{
	const char *tv = env_get(env, "CI_NODE_TOTAL");

	if (!env_get(env, "CI_NODE_INDEX") && tv && !strcmp(tv, "1")) {
		c->k = c->n = 1;
		snprintf(c->from, sizeof(c->from), "CI_NODE_TOTAL=1");
		return 1;
	}
	return pair(env, "CI_NODE_INDEX", "CI_NODE_TOTAL", 1, c, err, errlen);
}

static int azure(const char *const *env, struct cand *c, char *err,
		 size_t errlen)
{
	return pair(env, "SYSTEM_JOBPOSITIONINPHASE", "SYSTEM_TOTALJOBSINPHASE",
		    1, c, err, errlen);
}

static int kubernetes(const char *const *env, struct cand *c, char *err,
		      size_t errlen)
{
	/* an Indexed Job always sets the index: a pod that says KDH_SHARD
	 * instead of KDH_SHARD_TOTAL means KDH_SHARD */
	if (!env_get(env, "KDH_SHARD_TOTAL") && env_get(env, "KDH_SHARD"))
		return 0;
	return pair(env, "JOB_COMPLETION_INDEX", "KDH_SHARD_TOTAL", 0, c, err,
		    errlen);
}

static int kdh_shard(const char *const *env, struct cand *c, char *err,
		     size_t errlen)
{
	const char *v = env_get(env, "KDH_SHARD");

	if (!v)
		return 0;
	if (suite_shard_parse(v, &c->k, &c->n)) {
		snprintf(err, errlen, "--shard auto: KDH_SHARD='%s' is not K/N with "
			 "1 <= K <= N <= %d", v, SUITE_SHARDS_MAX);
		return -1;
	}
	snprintf(c->from, sizeof(c->from), "KDH_SHARD=%s", v);
	return 1;
}

#define SLURM_VARS	4
static const char *const slurm_name[SLURM_VARS] = {
	"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
	"SLURM_ARRAY_TASK_STEP",
};

/* Slurm's ID, MIN, COUNT (all or none) and STEP (1 when unset) */
static int slurm_read(const char *const *env, const char **v, uint64_t *x,
		      char *err, size_t errlen)
{
	int set = 0;

	for (int i = 0; i < SLURM_VARS; i++)
		v[i] = env_get(env, slurm_name[i]);
	for (int i = 0; i < 3; i++)
		set += v[i] != NULL;
	if (!set)
		return 0;
	if (set < 3) {
		int have = !v[0] ? (v[1] ? 1 : 2) : 0;
		int miss = !v[0] ? 0 : (!v[1] ? 1 : 2);

		snprintf(err, errlen, "--shard auto: %s=%s is set but %s is not: "
			 "a Slurm array task has SLURM_ARRAY_TASK_ID, _MIN and "
			 "_COUNT (sbatch --array)", slurm_name[have], v[have],
			 slurm_name[miss]);
		return -1;
	}
	if (num(slurm_name[0], v[0], 0, INDEX_MAX, &x[0], err, errlen) ||
	    num(slurm_name[1], v[1], 0, INDEX_MAX, &x[1], err, errlen) ||
	    num(slurm_name[2], v[2], 1, SUITE_SHARDS_MAX, &x[2], err, errlen))
		return -1;
	x[3] = 1;
	if (v[3] && num(slurm_name[3], v[3], 1, INDEX_MAX, &x[3], err, errlen))
		return -1;
	return 1;
}

/* Slurm: K = (ID - MIN) / STEP + 1 of COUNT; MAX, when set, must be the
 * last of those (else the array is a list like 1,2,9) */
static int slurm(const char *const *env, struct cand *c, char *err,
		 size_t errlen)
{
	const char *v[SLURM_VARS], *maxv = env_get(env, "SLURM_ARRAY_TASK_MAX");
	uint64_t x[SLURM_VARS], max;
	int r = slurm_read(env, v, x, err, errlen);
	size_t len;

	if (r <= 0)
		return r;
	len = (size_t)snprintf(c->from, sizeof(c->from), "%s=%s %s=%s %s=%s",
			       slurm_name[0], v[0], slurm_name[1], v[1],
			       slurm_name[2], v[2]);
	if (x[3] != 1 && len < sizeof(c->from))
		snprintf(c->from + len, sizeof(c->from) - len, " %s=%s",
			 slurm_name[3], v[3]);
	if (x[0] < x[1] || (x[0] - x[1]) % x[3] || (x[0] - x[1]) / x[3] >= x[2]) {
		snprintf(err, errlen, "--shard auto: %s: the task is not one of "
			 "the array's %s tasks from %s%s%s", c->from, v[2], v[1],
			 x[3] != 1 ? " in steps of " : "", x[3] != 1 ? v[3] : "");
		return -1;
	}
	if (maxv && num("SLURM_ARRAY_TASK_MAX", maxv, 0, INDEX_MAX, &max, err,
			errlen))
		return -1;
	if (maxv && max != x[1] + (x[2] - 1) * x[3]) {
		snprintf(err, errlen, "--shard auto: %s SLURM_ARRAY_TASK_MAX=%s: "
			 "not an evenly spaced array (--array=1,2,9?): submit "
			 "--array=A-B or A-B:STEP, or set KDH_SHARD=K/N", c->from,
			 maxv);
		return -1;
	}
	c->k = (unsigned)((x[0] - x[1]) / x[3] + 1);
	c->n = (unsigned)x[2];
	return 1;
}

typedef int (*engine_fn)(const char *const *env, struct cand *c, char *err,
			 size_t errlen);

static const engine_fn engines[ENGINES_MAX] = {
	gitlab, slurm, azure, kubernetes, kdh_shard,
};

#define NONE_SET "--shard auto: no engine's shard variables are set: GitLab " \
	"CI_NODE_INDEX and CI_NODE_TOTAL (parallel:), Slurm SLURM_ARRAY_TASK_ID, " \
	"_MIN and _COUNT (sbatch --array), Azure SYSTEM_JOBPOSITIONINPHASE and " \
	"SYSTEM_TOTALJOBSINPHASE (parallel:), Kubernetes JOB_COMPLETION_INDEX " \
	"with KDH_SHARD_TOTAL, or KDH_SHARD=K/N: set one, or give --shard K/N"

/* The engines must agree; one that reports a single job (a count of 1)
 * gives way to one that splits the run */
static int agree(const struct cand *c, int n, struct shard_pick *out,
		 char *err, size_t errlen)
{
	bool split = false;
	int first = -1;
	size_t len = 0;

	for (int i = 0; i < n; i++)
		split |= c[i].n > 1;
	for (int i = 0; i < n; i++) {
		if (split && c[i].n == 1)
			continue;
		if (first < 0) {
			first = i;
		} else if (c[i].k != c[first].k || c[i].n != c[first].n) {
			snprintf(err, errlen, "--shard auto: the engines disagree: "
				 "%s is shard %u/%u, %s is %u/%u: unset the wrong "
				 "one's variables", c[first].from, c[first].k,
				 c[first].n, c[i].from, c[i].k, c[i].n);
			return -1;
		}
		if (len < sizeof(out->from))
			len += (size_t)snprintf(out->from + len, sizeof(out->from) - len,
						"%s%s", len ? "; " : "", c[i].from);
	}
	out->k = c[first].k;
	out->n = c[first].n;
	return 0;
}

/**
 * shard_auto() - the shard from the engines' variables (--shard auto)
 * @env:	the environment, "NAME=VALUE" strings, NULL-terminated
 * @out:	output: K, N and the variables that decided them
 * @err:	output: what is wrong, naming the variables and their values
 * @errlen:	size of @err
 *
 * Return: 0, or -1 when no engine is set, a pair is half set, a value is
 * not a number or out of range, or two engines disagree
 */
int shard_auto(const char *const *env, struct shard_pick *out, char *err,
	       size_t errlen)
{
	struct cand c[ENGINES_MAX];
	int n = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < ENGINES_MAX; i++) {
		int r = engines[i](env, &c[n], err, errlen);

		if (r < 0)
			return -1;
		n += r;
	}
	if (!n) {
		snprintf(err, errlen, "%s", NONE_SET);
		return -1;
	}
	return agree(c, n, out, err, errlen);
}

/**
 * shard_option() - --shard's argument: "K/N", or "auto" (shard_auto())
 * @arg:	the argument
 * @env:	the environment for "auto"
 * @out:	output; @out->from is "--shard K/N" for "K/N"
 * @err:	output: what is wrong
 * @errlen:	size of @err
 *
 * Return: 0, or -1 with @err set
 */
int shard_option(const char *arg, const char *const *env,
		 struct shard_pick *out, char *err, size_t errlen)
{
	if (!strcmp(arg, "auto"))
		return shard_auto(env, out, err, errlen);
	memset(out, 0, sizeof(*out));
	if (suite_shard_parse(arg, &out->k, &out->n)) {
		snprintf(err, errlen, "--shard: '%s' is not K/N with 1 <= K <= N "
			 "<= %d, or auto", arg, SUITE_SHARDS_MAX);
		return -1;
	}
	snprintf(out->from, sizeof(out->from), "--shard %s", arg);
	return 0;
}
