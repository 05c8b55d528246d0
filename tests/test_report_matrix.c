// SPDX-License-Identifier: GPL-2.0-or-later
/* test_report_matrix.c - kdh report's matrix view: cells grouped by
 * matrix and axis=value, rows and columns chosen (the two axes with most
 * values, ties by file order; --rows/--cols), the small multiples, an
 * unknown axis as bad input with the axes listed, a disagreement with
 * kdh check listed first in --text and on the page, a run without a
 * matrix as before, and 10,000 cells drawn in well under a second.
 * Simulated runs only.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/report/report_priv.h"
#include "helpers.h"

/* @n results of matrix @name, cell k labelled by @label(k) */
static void cell_set(struct scenario_result *r, const char *name, unsigned k,
		     const char *label, enum verdict v)
{
	snprintf(r->name, sizeof(r->name), "%s/c%05u", name, k);
	r->is_cell = true;
	r->cell_index = k;
	snprintf(r->cell_label, sizeof(r->cell_label), "%s", label);
	r->verdict = v;
}

Test(report_matrix, label_split)
{
	char **p;

	cr_assert_eq(rp_label_split("machine=q35,bios=ovmf,cpu=x=y", &p), 3);
	cr_expect_str_eq(p[0], "machine");
	cr_expect_str_eq(p[3], "ovmf");
	cr_expect_str_eq(p[5], "x=y");
	g_strfreev(p);
	cr_expect_eq(rp_label_split("machine", &p), -1);
	cr_expect_null(p);
	cr_expect_eq(rp_label_split("=q35", &p), -1);
	cr_expect_eq(rp_label_split("a=1,b=", &p), -1);
	cr_expect_eq(rp_label_split("", &p), -1);
	cr_expect_null(p);
}

/* mx: a (2 values) x b (3) x c (3), one cell filtered out, one
 * disagreement, one failure; a plain scenario and a cell of a second
 * matrix between them */
static struct scenario_result *sample(size_t *n)
{
	struct scenario_result *rs = g_new0(struct scenario_result, 20);
	size_t i = 0;

	snprintf(rs[i++].name, sizeof(rs->name), "plain");
	for (unsigned a = 0; a < 2; a++)
		for (unsigned b = 0; b < 3; b++)
			for (unsigned c = 0; c < 3; c++) {
				char label[64];

				if (a == 1 && b == 2 && c == 2)
					continue;	/* "no" filter */
				snprintf(label, sizeof(label), "a=a%u,b=b%u,c=c%u",
					 a, b, c);
				cell_set(&rs[i++], "mx", a * 9 + b * 3 + c, label,
					 V_PASS);
			}
	cell_set(&rs[i++], "other", 0, "x=1", V_SKIP);
	rs[3].verdict = V_FAIL;			/* a0 b0 c2 */
	rs[3].oracle.on = true;
	snprintf(rs[3].oracle.predicted, sizeof(rs->oracle.predicted), "connects");
	snprintf(rs[3].oracle.measured, sizeof(rs->oracle.measured), "silent");
	rs[5].verdict = V_FAIL;			/* a0 b1 c1 */
	*n = i;
	return rs;
}

/* A disagreement marks only a run that ended: an interrupted, errored or
 * skipped cell measured too little, and keeps its own mark */
Test(report_matrix, disagreement_only_for_pass_or_fail)
{
	struct scenario_result r = { 0 };
	static const struct { enum verdict v; enum rp_mark m; } c[] = {
		{ V_PASS, RM_DISAGREE }, { V_FAIL, RM_DISAGREE },
		{ V_INTERRUPTED, RM_INTERRUPTED }, { V_ERROR, RM_ERROR },
		{ V_SKIP, RM_SKIP }, { V_FLAKY, RM_FLAKY },
	};

	r.oracle.on = true;
	r.oracle.agree = false;
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
		r.verdict = c[i].v;
		cr_expect_eq(rp_mark_of(&r), c[i].m, "verdict %d", c[i].v);
	}
	r.oracle.agree = true;
	r.verdict = V_PASS;
	cr_expect_eq(rp_mark_of(&r), RM_PASS);
}

Test(report_matrix, cells_grouped_by_matrix_and_value)
{
	size_t n;
	struct scenario_result *rs = sample(&n);
	struct rp_mxs x;
	const struct rp_matrix *m;
	const struct rp_mx_value *v;

	rp_mxs_build(&x, rs, n);
	cr_assert_eq(x.n, 2);
	m = &x.m[0];
	cr_expect_str_eq(m->name, "mx");
	cr_expect_str_eq(x.m[1].name, "other");
	cr_assert_eq(m->n_axes, 3);
	cr_expect_str_eq(m->axes[1].name, "b");
	cr_expect_eq(m->axes[2].values->len, 3);
	cr_expect_str_eq(rp_mx_value_name(m, 2, 2), "c2");
	cr_expect_eq(m->cells->len, 17);
	cr_expect_eq(m->marks[RM_PASS], 15);
	cr_expect_eq(m->marks[RM_DISAGREE], 1);
	cr_expect_eq(m->marks[RM_FAIL], 1);
	v = &g_array_index(m->axes[2].values, struct rp_mx_value, 2);
	cr_expect_eq(v->cells, 5);
	cr_expect_eq(v->n[RM_DISAGREE], 1);
	cr_expect_not(rp_mxs_holds(&x, &rs[0]), "a plain scenario is listed");
	cr_expect(rp_mxs_holds(&x, &rs[1]));
	cr_expect(rp_mxs_holds(&x, &rs[n - 1]));
	rp_mxs_free(&x);
	g_free(rs);
}

Test(report_matrix, rows_and_cols_chosen)
{
	size_t n;
	struct scenario_result *rs = sample(&n);
	struct rp_mxs x;
	struct rp_matrix *m;
	char err[400] = "";

	rp_mxs_build(&x, rs, n);
	m = &x.m[0];
	cr_expect_eq(m->rows, 1, "b: most values, before c in the file");
	cr_expect_eq(m->cols, 2);
	cr_expect_eq(x.m[1].rows, 0, "one axis: rows");
	cr_expect_eq(x.m[1].cols, -1);
	cr_assert_eq(rp_mx_pick(m, "a", NULL, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m->rows, 0);
	cr_expect_eq(m->cols, 1);
	cr_assert_eq(rp_mx_pick(m, NULL, "a", err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m->rows, 1);
	cr_expect_eq(m->cols, 0);
	cr_expect_eq(rp_mx_pick(m, "nope", NULL, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "--rows nope: matrix mx has no axis nope; its axes: "
			 "a (2 values), b (3 values), c (3 values)");
	cr_expect_eq(m->rows, 1, "left as it was");
	cr_expect_eq(rp_mx_pick(m, "c", "c", err, sizeof(err)), -1);
	cr_expect(strstr(err, "both name c"), "%s", err);
	rp_mxs_free(&x);
	g_free(rs);
}

struct seen {
	size_t grids, empty;
	char first[64];
};

static void grid_seen(void *opaque, const struct rp_mx_grid *g)
{
	struct seen *s = opaque;
	char *o = rp_mx_others(g->m, g->first, ",");

	if (!s->grids++)
		snprintf(s->first, sizeof(s->first), "%s", o);
	for (unsigned i = 0; i < g->n_rows * g->n_cols; i++)
		s->empty += !g->at[i];
	cr_expect_eq(g->n_rows, 3);
	cr_expect_eq(g->n_cols, 3);
	g_free(o);
}

Test(report_matrix, small_multiples_per_other_value)
{
	size_t n;
	struct scenario_result *rs = sample(&n);
	struct rp_mxs x;
	struct seen s = { 0 };

	rp_mxs_build(&x, rs, n);
	cr_assert_eq(rp_mx_grids(&x.m[0], grid_seen, &s), 2);
	cr_expect_eq(s.grids, 2);
	cr_expect_str_eq(s.first, "a=a0");
	cr_expect_eq(s.empty, 1, "the filtered-out cell");
	rp_mxs_free(&x);
	g_free(rs);
}

/* One VM on a static lan, a matrix over machine x NIC x Windows judged by
 * kdh check, and a plain scenario beside it */
static const char matrix_kdh[] =
	"[scenario]\ndescription = the report's matrix test\n"
	"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n"
	"[debugger]\nnetwork = lan\n"
	"[vm win]\nostype: other\nnet0: e1000=BC:24:11:00:00:41,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1x2y3z.4a5b6c."
	"7d8e9f.0g1h2i\ndhcp = no\nip = 192.168.2.72/24\n"
	"[matrix]\nvm.machine = pc | q35\n"
	"vm.net0.model = e1000 | vmxnet3 | e1000e\n"
	"vm.windows = 19041 | 26100\nexpect = check\n";

static const char plain_kdh[] =
	"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n"
	"[debugger]\nnetwork = lan\n"
	"[vm win]\nostype: other\nmachine: pc\n"
	"net0: e1000=BC:24:11:00:00:41,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1x2y3z.4a5b6c."
	"7d8e9f.0g1h2i\ndhcp = no\nip = 192.168.2.72/24\n";

/* The run of @files (NAME, text, ...) in a new directory, vmxnet3's
 * driver flipped when @flip: its run directory (g_free()); *@tmp the
 * directory to remove */
static char *run_of(const char *const *files, bool flip, char **tmp)
{
	char *dir = g_dir_make_tmp("kdh-rpmx-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "s", NULL);
	char *res = g_build_filename(dir, "r", NULL), *out = NULL, *err = NULL;
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, NULL };
	GDir *d;
	char *run;

	g_mkdir_with_parents(sc, 0755);
	for (; *files; files += 2) {
		char *path = g_build_filename(sc, files[0], NULL);

		cr_assert(g_file_set_contents(path, files[1], -1, NULL), "%s", path);
		g_free(path);
	}
	if (flip)
		setenv("KDH_TEST_MODEL_FLIP", "vmxnet3", 1);
	test_run(argv, &out, &err);
	unsetenv("KDH_TEST_MODEL_FLIP");
	d = g_dir_open(res, 0, NULL);
	cr_assert(d, "no results: %s%s", out, err);
	run = g_build_filename(res, g_dir_read_name(d), NULL);
	g_dir_close(d);
	g_free(out);
	g_free(err);
	g_free(sc);
	g_free(res);
	*tmp = dir;
	return run;
}

/* `kdh report RUN ARGS...`: its exit status, @out its standard output */
static int report(const char *run, const char *a1, const char *a2,
		  const char *a3, const char *a4, char **out, char **err)
{
	const char *argv[] = { getenv("KDH_BIN"), "report", run, a1, a2, a3, a4,
			       NULL };

	return test_run(argv, out, err);
}

static const char *pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	cr_assert(p, "no \"%s\" in:\n%s", needle, hay);
	return p;
}

/* vmxnet3's driver flipped: its cells disagree with kdh check, listed
 * first with both sides, before the per-value counts and the grids; the
 * plain scenario beside the matrix is listed as before */
Test(report_matrix, disagreement_listed_first, .timeout = 120)
{
	const char *files[] = { "mx.kdh", matrix_kdh, "plain.kdh", plain_kdh, NULL };
	char *tmp, *run = run_of(files, true, &tmp), *out, *err, *html;
	char *page = g_build_filename(tmp, "page.html", NULL);
	const char *dis;

	cr_assert_eq(report(run, "--text", NULL, NULL, NULL, &out, &err), 0, "%s", err);
	dis = pos(out, "DISAGREEMENTS with kdh check: ");
	cr_expect(pos(out, "MATRIX mx: 12 cells") < dis);
	cr_expect(pos(out, "◆ mx[machine=pc,model=vmxnet3,windows=19041]") > dis);
	cr_expect(pos(out, "check predicted: KDNET on net0 (vmxnet3") > dis);
	cr_expect(pos(out, "the wire shows: no KDNET traffic") > dis);
	cr_expect(pos(out, "BY VALUE") > dis);
	cr_expect(pos(out, "GRIDS: 2, rows model, columns machine") > dis);
	cr_expect(pos(out, "SHARED: every disagreement (4) has model=vmxnet3\n") > dis);
	pos(out, "  model=vmxnet3                    4      0      0         4      0");
	pos(out, "PASSED  1: plain\n");
	cr_expect_not(strstr(out, "FAILED\n"), "cells are not listed as scenarios");
	g_free(out);
	g_free(err);
	cr_assert_eq(report(run, "--html", page, NULL, NULL, &out, &err), 0, "%s", err);
	cr_assert(g_file_get_contents(page, &html, NULL, NULL));
	dis = pos(html, "◆ Disagreements with kdh check: 4");
	cr_expect(pos(html, "id=\"m-mx\"") < dis);
	cr_expect(pos(html, "By axis value") > dis);
	pos(html, "◆ Every disagreement (4) has model=vmxnet3.");
	cr_expect(pos(html, "<h3>Grids: 2, rows model, columns machine") > dis);
	cr_expect(pos(html, "<td class=\"md\" title=\"mx[machine=pc,model=vmxnet3,"
		      "windows=19041] — check predicted KDNET on net0") > dis);
	pos(html, "<td class=\"mp\" title=\"mx[machine=pc,model=e1000,windows=19041]\">✓</td>");
	pos(html, "id=\"s-plain\"");
	cr_expect_not(strstr(html, "id=\"s-mx"), "no section per cell");
	test_rmtree(tmp);
	g_free(html);
	g_free(out);
	g_free(err);
	g_free(page);
	g_free(run);
	g_free(tmp);
}

/* --rows naming no axis: exit 2, the axes listed, nothing written */
Test(report_matrix, unknown_axis_is_bad_input, .timeout = 120)
{
	const char *files[] = { "mx.kdh", matrix_kdh, NULL };
	char *tmp, *run = run_of(files, false, &tmp), *out, *err;
	char *page = g_build_filename(tmp, "page.html", NULL);

	cr_expect_eq(report(run, "--html", page, "--rows", "nic", &out, &err), 2);
	cr_expect(strstr(err, "kdh report: --rows nic: matrix mx has no axis nic; "
			 "its axes: machine (2 values), model (3 values), windows "
			 "(2 values)\n"), "%s", err);
	cr_expect_not(g_file_test(page, G_FILE_TEST_EXISTS));
	g_free(out);
	g_free(err);
	cr_expect_eq(report(run, "--text", "--cols", "windows", NULL, &out, &err), 0);
	pos(out, "GRIDS: 2, rows model, columns windows");
	pos(out, "    model\\windows 19041 26100\n    e1000         ✓     ✓\n");
	test_rmtree(tmp);
	g_free(out);
	g_free(err);
	g_free(page);
	g_free(run);
	g_free(tmp);
}

/* A run without a matrix: no matrix view, its scenario listed and drawn
 * as ever; --rows is bad input there */
Test(report_matrix, run_without_matrix_unchanged, .timeout = 120)
{
	const char *files[] = { "plain.kdh", plain_kdh, NULL };
	char *tmp, *run = run_of(files, false, &tmp), *out, *err, *html;
	char *page = g_build_filename(tmp, "page.html", NULL);

	cr_assert_eq(report(run, "--text", NULL, NULL, NULL, &out, &err), 0, "%s", err);
	cr_expect_not(strstr(out, "MATRIX"), "%s", out);
	pos(out, "PASSED  1: plain\n");
	g_free(out);
	g_free(err);
	cr_assert_eq(report(run, "--html", page, NULL, NULL, &out, &err), 0, "%s", err);
	cr_assert(g_file_get_contents(page, &html, NULL, NULL));
	cr_expect_not(strstr(html, "<section class=\"mx\""));
	pos(html, "<h2>All scenarios (failed first)</h2>");
	pos(html, "id=\"s-plain\"");
	g_free(out);
	g_free(err);
	cr_expect_eq(report(run, "--text", "--rows", "machine", NULL, &out, &err), 2);
	pos(err, "--rows machine: the run has no matrix cells");
	test_rmtree(tmp);
	g_free(html);
	g_free(out);
	g_free(err);
	g_free(page);
	g_free(run);
	g_free(tmp);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 10,000 cells (10 x 10 x 10 x 10, 1 in 7 disagreeing) drawn as text and
 * as a page: well under a second each, the page ~150 bytes a cell */
Test(report_matrix, ten_thousand_cells_render_fast, .timeout = 60)
{
	enum { N = 10000 };
	struct scenario_result *rs = g_new0(struct scenario_result, N);
	struct report_run run = { .name = "run-big", .rs = rs, .n = N,
				  .scenarios = N };
	char *page = test_tmpfile(".html");
	FILE *null = fopen("/dev/null", "w");
	double t0, t1, t2;
	gsize bytes;
	char *html;

	for (unsigned k = 0; k < N; k++) {
		char label[96];

		snprintf(label, sizeof(label), "machine=m%u,model=nic%u,windows=w%u,"
			 "net=n%u", k / 1000, k / 100 % 10, k / 10 % 10, k % 10);
		cell_set(&rs[k], "big", k, label, V_PASS);
		if (k % 7)
			continue;
		rs[k].verdict = V_FAIL;
		rs[k].oracle.on = true;
		snprintf(rs[k].oracle.predicted, 64, "KDNET on net0: connects");
		snprintf(rs[k].oracle.measured, 64, "no KDNET traffic");
	}
	t0 = now_s();
	cr_assert_eq(rp_text_print(null, &run, 1, NULL), 0);
	t1 = now_s();
	cr_assert_eq(rp_html_write(page, &run, 1, NULL), 0);
	t2 = now_s();
	cr_assert(g_file_get_contents(page, &html, &bytes, NULL));
	fprintf(stderr, "10000 cells: text %.3f s, page %.3f s, %zu bytes "
		"(%.0f a cell)\n", t1 - t0, t2 - t1, (size_t)bytes,
		(double)bytes / N);
	cr_expect_lt(t1 - t0, 1.0);
	cr_expect_lt(t2 - t1, 1.0);
	cr_expect_lt(bytes, 250u * N, "%zu bytes", (size_t)bytes);
	fclose(null);
	unlink(page);
	g_free(html);
	g_free(page);
	g_free(rs);
}
