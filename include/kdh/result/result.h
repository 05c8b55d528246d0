/* SPDX-License-Identifier: GPL-2.0-or-later */
/* result.h - the results model: what one scenario gave (verdict, each VM's
 * figures, findings, baseline bands), written by the runner (run.h) and
 * read by the reports (report.h, baseline.h); with the judging that fills
 * it from a capture (verdict.c, run_why.c)
 *
 * May use: scenario.h, analyze.h.  Used by: run/, report/, bench/, tests.
 */
#ifndef KDH_RESULT_H
#define KDH_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/analyze/analyze.h"
#include "kdh/scenario/scenario.h"

/* V_INTERRUPTED: stopped by SIGINT/SIGTERM before it ended (kdh run was
 * interrupted); its files hold what happened up to then.  V_FLAKY: failed,
 * then passed on a retry (kdh run --retries): neither pass nor fail */
enum verdict { V_PASS, V_FAIL, V_SKIP, V_ERROR, V_INTERRUPTED, V_FLAKY,
	       V_COUNT };

/* Attempts kept per scenario: the first and up to RUN_MAX_RETRIES more */
#define RUN_MAX_RETRIES		9
#define RUN_MAX_ATTEMPTS	(RUN_MAX_RETRIES + 1)

/**
 * struct run_attempt - one run of a scenario under kdh run --retries
 * @seed:	the seed it ran with (the first attempt's is the result's)
 * @verdict:	what it gave
 * @reason:	its first failed expectation, or why it errored
 * @wall_s:	real seconds it took
 *
 * Attempt K (from 1) has its results in RUNDIR/NAME/ for K = 1, else in
 * RUNDIR/NAME/attempt-K/ (run_result_dir()).
 */
struct run_attempt {
	uint64_t seed;
	enum verdict verdict;
	char reason[200];
	double wall_s;
};

/* The plan a run writes before its first scenario (report_partial.c
 * reads it back when the run left no summary.json) */
#define RUN_PLAN_FILE		"plan.json"

#define RUN_MAX_BANDS	5	/* figures compared with a baseline */
#define RUN_MAX_FINDINGS 8	/* reasons to fail kept per scenario */

/**
 * struct run_band - one figure of a VM against the baseline (kdh run
 * --baseline): what it was and the range its allowance gives
 * @key:	the figure's JSON name ("connect_time_s")
 * @was:	the baseline's value
 * @low, @high:	the allowed range; -INFINITY / INFINITY where the
 *		allowance does not bound it ("+20% or +2s" has no low)
 * @allowed:	the allowance as written ("+20% or +2s")
 * @regressed:	this run's value is outside, or vanished
 */
struct run_band {
	char key[24];
	double was, low, high;
	char allowed[48];
	bool regressed;
};

struct vm_result {
	char name[SC_NAME];
	struct an_vm_result m;
	bool measured;			/* the capture named this VM */
	char accel[8];			/* target = vm: "kvm" or "tcg" */
	char accel_why[200];		/* target = vm: what decided it */
	char failed[200];		/* target = vm: why QEMU failed */
	struct run_band bands[RUN_MAX_BANDS];
	size_t n_bands;
};

/**
 * struct run_finding - one reason a scenario failed, for reports that put
 * failures first: an [expect] line that did not hold, or a figure that
 * regressed from the baseline
 * @regression:	false: an expectation (@line is its line in the result's
 *		file); true: a baseline comparison (@line is the scenario's
 *		[thresholds] line for the figure, 0 for the default allowance)
 * @vm:		the VM it is about
 * @metric:	the expectation's metric ("connect_time") or the figure's
 *		JSON name ("connect_time_s")
 * @expected:	the expectation ("connect_time < 2s"), or the allowance
 * @got:	this run's value as text ("4.000s", "none", "key-mismatch")
 * @was:	a regression's baseline value ("" for an expectation)
 */
struct run_finding {
	bool regression;
	int line;
	char vm[SC_NAME];
	char metric[24];
	char expected[160];
	char got[48];
	char was[48];
};

/**
 * struct scenario_result - what one scenario gave
 * @reason:	first failed expectation, or why it was skipped / errored
 * @sim_s:	simulated seconds; @wall_s: real seconds it took
 */
/**
 * struct run_oracle - `check` in [expect]: kdh check's prediction against
 * the wire's measurement
 * @on:		the scenario asked for it
 * @agree:	every VM's measurement matched its prediction
 * @predicted:	"net0 (e1000e at 0.18.0): connects" (per VM, "; " apart)
 * @measured:	"net0 at 0.18.0: connected", "no KDNET traffic"
 */
struct run_oracle {
	bool on, agree;
	char predicted[600];
	char measured[300];
};

struct scenario_result {
	unsigned index;			/* position in the unsharded suite */
	char name[SC_CELL_NAME];
	char file[256];
	char description[256];		/* the scenario's description key */
	bool is_cell;			/* a [matrix] cell: @name is
					   NAME/cNNNNN, its results dir */
	unsigned cell_index;		/* cNNNNN */
	char cell_label[256];		/* "machine=q35,bios=ovmf" */
	enum verdict verdict;
	char reason[400];
	unsigned failed;		/* expectations that failed */
	uint64_t seed;
	double sim_s, wall_s;
	struct vm_result vms[SC_MAX_VMS];
	size_t n_vms;
	char capture[512];
	uint64_t frames;
	struct run_finding findings[RUN_MAX_FINDINGS];	/* in the order found */
	size_t n_findings;
	struct run_oracle oracle;
	bool unwritten;			/* a file of its results could not be
					   written (reason names it): the
					   run stops */
	struct run_attempt attempts[RUN_MAX_ATTEMPTS];	/* --retries: every
					   attempt, the first included */
	size_t n_attempts;		/* 0: it was not retried */
};

struct run_finding *run_finding_add(struct scenario_result *r);
struct check_ctx;
void run_check_ctx(const struct sc_vm *vm, struct check_ctx *x);
void run_oracle_judge(const struct scenario *sc, struct scenario_result *r);
bool run_oracle_test_hook(char *buf, size_t len);
bool run_config_why(const struct sc_vm *vm, char *buf, size_t len);
const char *verdict_name(enum verdict v);
void run_judge(const struct scenario *sc, struct scenario_result *r);
void run_metric_value(const struct an_vm_result *m, enum sc_metric k,
		      struct sc_value *v);

#endif /* KDH_RESULT_H */
