/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_priv.h - the model `kdh report` draws, shared by its renderers:
 * report_model.c builds it (the "first screen": counts, failures first,
 * skips with reasons, provenance, each scenario's files), report_html.c
 * and report_text.c show it, report_lanes.c and report_trend.c draw the
 * page's SVG.  Not a public header. */
#ifndef KDH_REPORT_PRIV_H
#define KDH_REPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

#include "kdh/report/report.h"

#define RP_MAX_FILES	(4 + 2 * SC_MAX_VMS)	/* capture, a kd-VM.log
						   per VM, result, 2 logs,
						   a console per VM */

/**
 * struct rp_file - one artifact of a scenario
 * @name:	its file name ("capture.pcapng")
 * @path:	where it is, as the run named it (for a terminal)
 * @href:	relative to the page and URI-escaped; NULL without a page
 */
struct rp_file {
	char name[48];
	char *path;
	char *href;
};

/**
 * struct rp_item - one scenario of the last run, as the first screen and
 * the table list it
 * @r:		its result
 * @anchor:	id of its section on the page ("s-lossy-link"): by name, so
 *		links hold from one run's page to the next
 * @files:	its artifacts that exist, in a fixed order
 * @streak:	runs in a row, up to the last, with this verdict class
 *		(failed, skipped or passed), at least 1
 * @before:	its verdict in the run before the streak; -1: that run does
 *		not have it, or there is none
 * @before_run:	that run; NULL: the streak spans every run given
 */
struct rp_item {
	const struct scenario_result *r;
	char anchor[3 * 64 + 3];	/* "s-", each byte of a name as _XX */
	struct rp_file files[RP_MAX_FILES];
	size_t n_files;
	size_t streak;
	int before;
	const struct report_run *before_run;
};

/**
 * struct rp_screen - what the first screen says, renderer-neutral
 * @runs, @n_runs: the runs given, oldest first; @last the one in detail
 * @t:		verdict counts of @last
 * @regressions: findings of @last that are baseline regressions
 * @items:	every scenario of @last: failed (fail, error, interrupted)
 *		first, then skipped, then passed, each in suite order
 * @n_failed, @n_skipped: how many of @items are in the first two groups
 * @item_at:	per result of @last, in suite order: its item
 * @mx:		the matrices of @last, set by a renderer that draws them:
 *		their cells are then not listed as scenarios (rp_listed())
 * @accel:	"VMs booted: 0 kvm, 2 tcg; KDH_ACCEL=auto; KVM: ..." (how
 *		VMs ran, the mode, the KVM probe's answer)
 */
struct rp_screen {
	const struct report_run *runs;
	size_t n_runs;
	const struct report_run *last;
	struct run_totals t;
	size_t regressions;
	struct rp_item *items;
	size_t n_items, n_failed, n_skipped;
	struct rp_item **item_at;
	const struct rp_mxs *mx;
	char accel[320];
};

int rp_screen_build(struct rp_screen *s, const struct report_run *runs,
		    size_t n, const char *page);
void rp_screen_free(struct rp_screen *s);
bool rp_listed(const struct rp_screen *s, const struct rp_item *it);
size_t rp_listed_count(const struct rp_screen *s, size_t from, size_t to);
char *rp_finding_text(const struct scenario_result *r,
		      const struct run_finding *f);
const struct rp_file *rp_kd_log(const struct rp_item *it, const char *vm);
char *rp_streak_text(const struct rp_screen *s, const struct rp_item *it);
const char *rp_verdict_glyph(enum verdict v);
void rp_provenance(const struct rp_screen *s,
		   void (*field)(void *opaque, const char *name, const char *value),
		   void *opaque);
double rp_figure(const struct an_vm_result *m, const char *key);

/* report_svg.c: the page's shared pieces */
void rp_esc(GString *h, const char *s);
double rp_tick_step(double span, int want);
void rp_num(char *buf, size_t len, double v, double step);

/* Phases of a boot, as the wire shows them (report_phases.c) */
enum rp_kind {
	RP_PREV_BOOT, RP_BOOT, RP_DHCP, RP_DHCP_HANG, RP_APIPA, RP_ANNOUNCE,
	RP_ATTACHED, RP_OS_NET, RP_SILENT, RP_WRONG_NIC, RP_KEY_MISMATCH,
	RP_NOT_VERIFIED, RP_NO_ANSWER, RP_VM_FAILED, RP_SERIAL_WAIT, RP_SERIAL_UP,
	RP_SERIAL_NONE, RP_KD_STOP, RP_KINDS
};

/**
 * struct rp_phase - one stretch of a lane
 * @from, @to:	seconds from the VM's (latest) power-on
 * @label:	what it was, with its figures ("DHCP hang 600 s, 13
 *		DISCOVERs, no answer")
 */
struct rp_phase {
	enum rp_kind kind;
	double from, to;
	char label[128];
};

#define RP_MAX_PHASES	8

size_t rp_phases_net(const struct vm_result *v, double end, struct rp_phase *p);
size_t rp_phases_serial(const struct vm_result *v, double end,
			struct rp_phase *p);
bool rp_event_serial(const char *text);
double rp_vm_end(const struct scenario_result *r, const struct vm_result *v);
const char *rp_kind_name(enum rp_kind k);
const char *rp_kind_fill(enum rp_kind k);
const char *rp_kind_pattern(enum rp_kind k);
bool rp_kind_bad(enum rp_kind k);

/* report_lanes.c, report_trend.c */
void rp_lanes(GString *h, const struct scenario_result *r);
void rp_trends(GString *h, const struct rp_screen *s,
	       const struct scenario_result *r);

/* report_matrix.c: a run's [matrix] cells as matrices */
#define RP_MX_AXES	16	/* scenario/matrix_priv.h's MX_MAX_AXES */

/* What a cell shows: its verdict, a disagreement with the oracle first */
enum rp_mark { RM_PASS, RM_FAIL, RM_DISAGREE, RM_ERROR, RM_SKIP,
	       RM_INTERRUPTED, RM_FLAKY, RM_N };

/**
 * struct rp_mx_value - one value of an axis, and its cells' marks
 * @name:	as the labels say it ("q35")
 * @cells:	cells with it; @n: of them, per mark
 */
struct rp_mx_value {
	char *name;
	size_t cells;
	size_t n[RM_N];
};

/**
 * struct rp_mx_axis - one axis of a matrix ("machine")
 * @values:	struct rp_mx_value, in the order the cells first show them
 */
struct rp_mx_axis {
	char *name;
	GArray *values;
};

/**
 * struct rp_mx_cell - one cell of a matrix
 * @pos:	its result's position in the run (struct rp_mxs's @rs)
 * @mark:	what it shows
 * @v:		its value index on each axis
 */
struct rp_mx_cell {
	size_t pos;
	enum rp_mark mark;
	unsigned v[RP_MX_AXES];
};

/**
 * struct rp_matrix - the cells of one matrix file in a run
 * @name:	the matrix ("kdnet")
 * @axes, @n_axes: in file order
 * @cells:	struct rp_mx_cell, in suite order
 * @rows, @cols: the axes of a grid's rows and columns; @cols -1: one
 *		column (a matrix of one axis)
 * @marks:	cells per mark
 */
struct rp_matrix {
	char *name;
	struct rp_mx_axis *axes;
	size_t n_axes;
	GArray *cells;
	int rows, cols;
	size_t marks[RM_N];
};

/**
 * struct rp_mxs - the matrices of a run
 * @m, @n:	in the order of their first cell
 * @rs, @n_rs:	the run's results they point into
 * @held:	per result: drawn in a matrix (not listed as a scenario)
 */
struct rp_mxs {
	struct rp_matrix *m;
	size_t n;
	const struct scenario_result *rs;
	size_t n_rs;
	bool *held;
};

/**
 * struct rp_mx_grid - one of a matrix's small multiples
 * @first:	a cell of it (its values on the other axes name it)
 * @at:		@n_rows x @n_cols, the cell at each place or NULL
 */
struct rp_mx_grid {
	const struct rp_matrix *m;
	const struct rp_mx_cell *first;
	const struct rp_mx_cell **at;
	unsigned n_rows, n_cols;
};

typedef void (*rp_mx_grid_fn)(void *opaque, const struct rp_mx_grid *g);

enum rp_mark rp_mark_of(const struct scenario_result *r);
const char *rp_mark_glyph(enum rp_mark k);
const char *rp_mark_name(enum rp_mark k);
int rp_label_split(const char *label, char ***pairs);
void rp_mxs_build(struct rp_mxs *x, const struct scenario_result *rs, size_t n);
void rp_mxs_free(struct rp_mxs *x);
bool rp_mxs_holds(const struct rp_mxs *x, const struct scenario_result *r);
int rp_mx_pick(struct rp_matrix *m, const char *rows, const char *cols,
	       char *err, size_t errlen);
size_t rp_mx_grids(const struct rp_matrix *m, rp_mx_grid_fn fn, void *opaque);
const char *rp_mx_value_name(const struct rp_matrix *m, int a, unsigned k);
char *rp_mx_others(const struct rp_matrix *m, const struct rp_mx_cell *c,
		   const char *sep);
char *rp_mx_shared(const struct rp_matrix *m, enum rp_mark k);

/**
 * struct rp_view - how `kdh report` draws a run's matrices
 * @rows, @cols: --rows, --cols (NULL: the two axes with most values)
 */
struct rp_view {
	const char *rows, *cols;
};

int rp_view_apply(struct rp_mxs *x, const struct rp_view *v, char *err,
		  size_t errlen);
int rp_screen_view(struct rp_screen *s, struct rp_mxs *mx,
		   const struct report_run *runs, size_t n, const char *page,
		   const struct rp_view *v);
int rp_html_write(const char *path, const struct report_run *runs, size_t n,
		  const struct rp_view *v);
int rp_text_print(FILE *out, const struct report_run *runs, size_t n,
		  const struct rp_view *v);

/* report_matrix_text.c, report_matrix_html.c: the matrix view */
void rp_mx_text(FILE *out, const struct rp_screen *s);
void rp_mx_html(GString *h, const struct rp_screen *s);
extern const char rp_mx_css[];
const struct rp_item *rp_item_of(const struct rp_screen *s,
				 const struct scenario_result *r);

/* report_parse.c */
int report_summary_load(const char *dir, GArray *rs, uint64_t *seed, char *err,
			size_t errlen, bool same_seed, struct run_status *st,
			struct provenance *pv);

/**
 * struct rp_runs - the runs of `kdh report`'s command line (report_runs.c)
 * @runs, @n:	loaded, oldest first
 * @rs, @names, @ids, @dirs: what @runs point into, one each
 */
struct rp_runs {
	struct report_run *runs;
	size_t n;
	GArray **rs;
	char **names, **ids, **dirs;
	char **incomplete;		/* report_run.incomplete's text */
};

int rp_runs_load(struct rp_runs *rr, char *const *args, size_t n, char *err,
		 size_t errlen, FILE *note);
void rp_runs_free(struct rp_runs *rr);
const char *rp_run_id(const struct report_run *run);

/* report_partial.c */
bool rp_partial_is(const char *dir);
char *rp_partial_load(const char *dir, GArray *rs, struct report_run *run);

/* report_merge.c */
int report_merge_main(int argc, char **argv, const char *out);

/* `kdh report` (report_cmd.c), named in its messages */
struct kdh_cmd;
extern const struct kdh_cmd kdh_cmd_report;

#endif /* KDH_REPORT_PRIV_H */
