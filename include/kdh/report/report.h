/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h - what a run tells: console lines, TAP 13, JUnit XML, JSON */
#ifndef KDH_REPORT_H
#define KDH_REPORT_H

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "kdh/result/provenance.h"

#include "kdh/result/result.h"

/**
 * struct run_totals - counts over a run
 */
struct run_totals {
	size_t pass, fail, skip, error, interrupted, flaky;
	double sim_s, wall_s;
};

/**
 * struct run_status - how a run ended, for summary.json and junit.xml
 * @interrupted: a signal stopped it: the scenarios given are those that
 *		finished or were interrupted, the others never started
 * @signal:	"SIGINT", "SIGTERM"; NULL when not interrupted or not known
 * @scenarios:	scenarios the run had (0: as many as the results given)
 * @stopped:	why kdh run stopped before the end without a signal ("PATH:
 *		No space left on device": results it could not write); NULL
 * @prov:	the run's provenance (a merge's: the merging host's); NULL
 * @shards:	kdh report merge: each shard's provenance, in K order, for
 *		the summary's "shards"; NULL
 * @n_shards:	their count
 */
struct run_status {
	bool interrupted;
	const char *signal;
	size_t scenarios;
	const char *stopped;
	const struct provenance *prov;
	const struct provenance *shards;
	size_t n_shards;
};

void report_totals(const struct scenario_result *rs, size_t n,
		   struct run_totals *t);
const char *report_wall(double secs, char *buf, size_t len);
void report_line(FILE *out, const struct scenario_result *r);
char *report_name(const struct scenario_result *r);
const char *report_attempts(const struct scenario_result *r, char *buf,
			    size_t len);
void report_summary(FILE *out, const struct run_totals *t, uint64_t seed);
void report_tap_plan(FILE *out, size_t n);
void report_tap_line(FILE *out, size_t i, const struct scenario_result *r);
JsonNode *report_result_node(const struct scenario_result *r);
int report_result_file(const char *path, const struct scenario_result *r);
int report_json_file(const char *path, const struct scenario_result *rs,
		     size_t n, uint64_t seed, const struct run_status *st);
int report_junit_file(const char *path, const struct scenario_result *rs,
		      size_t n, const struct run_status *st);
void report_interrupted(FILE *out, const struct run_status *st,
			const struct scenario_result *rs, size_t n,
			const char *dir);
char *report_figures(const struct scenario_result *r);
int report_result_parse(JsonObject *o, struct scenario_result *r);
struct jr;
int report_result_read(struct jr *jr, JsonObject *o, struct scenario_result *r);
int report_summary_parse(struct jr *jr, JsonNode *node, GArray *rs,
			 uint64_t *seed, struct run_status *st,
			 struct provenance *pv);

/* report_kd.c: what a guest said over KD, in words */
void report_kd_figures(GString *s, const struct an_vm_result *m);
char *report_kd_bugcheck(const struct an_vm_result *m);
char *report_kd_stall(const struct an_vm_result *m);
char *report_kd_summary(const struct an_vm_result *m);
char *report_kd_problems(const struct scenario_result *r);

/**
 * struct report_run - one run as `kdh report` shows it
 * @name:	as given (a run directory, its summary.json, a --json file)
 * @id:		what the report calls it ("run-20260101-000000-42": the
 *		directory's name, or the file's); NULL: @name
 * @dir:	the run's directory, where SCENARIO/{capture.pcapng,...} are;
 *		NULL when not known (each result's capture path is tried)
 * @rs:		its results, in the summary's order; @n: how many
 * @seed:	the run's seed
 * @prov:	where it ran (all "" for a summary without provenance)
 * @interrupted: a signal stopped it
 * @scenarios:	scenarios it had, those that never ran included (>= @n)
 * @when:	when it ran, seconds since the epoch; -1: not known
 * @order:	its place on the command line (kdh report sorts by @when)
 */
struct report_run {
	const char *name;
	const char *id;
	const char *dir;
	const struct scenario_result *rs;
	size_t n;
	uint64_t seed;
	struct provenance prov;
	bool interrupted;
	size_t scenarios;
	const char *incomplete;	/* no summary.json: why, and what is
				   missing (report_partial.c); NULL */
	int64_t when;
	size_t order;
};

int report_html_write(const char *path, const struct report_run *runs,
		      size_t n);
int report_text_print(FILE *out, const struct report_run *runs, size_t n);

#endif /* KDH_REPORT_H */
