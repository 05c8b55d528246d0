// SPDX-License-Identifier: GPL-2.0-or-later
/* report_matrix_text.c - `kdh report --text`: a run's matrices as tables
 * (the model is report_matrix.c's), each:
 *
 *   MATRIX kdnet: 2700 cells: 2540 ✓ pass, 0 ✗ fail, 160 ◆ disagree, 0 other
 *     ✓ pass  ✗ fail  ◆ disagrees with kdh check  ⚠ error  ⊘ skip ...
 *   DISAGREEMENTS with kdh check: 160
 *     ◆ kdnet[machine=pc,bios=seabios,model=vmxnet3,...]
 *         check predicted: net0 (vmxnet3 at 0.18.0): connects
 *         the wire shows: no KDNET traffic
 *         files: results/run-.../kdnet/c00012/
 *   NOT PASSED (fail, error, skip, interrupted, flaky): 0
 *   BY VALUE                  cells   pass   fail  disagree  other
 *     model=vmxnet3             540    380      0       160      0
 *   GRIDS: 108, rows model, columns windows
 *     machine=pc, bios=seabios, cpu=other, busparams=absent, net=dhcp
 *       model\windows 9200 9600 19041 22631 26100
 *       e1000         ✓    ✓    ✓     ✓     ✓
 */
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"

static const char *const tag[V_COUNT] = { "PASS", "FAIL", "SKIP", "ERROR", "INTR",
					  "FLAKY" };

/* "        files: DIR/" of @r, when it kept any */
static void files_line(FILE *out, const struct rp_screen *s,
		       const struct scenario_result *r)
{
	const struct rp_item *it = rp_item_of(s, r);
	char *dir;

	if (!it || !it->n_files) {
		fprintf(out, "        files: none kept\n");
		return;
	}
	dir = g_path_get_dirname(it->files[0].path);
	fprintf(out, "        files: %s/\n", dir);
	g_free(dir);
}

/* Every cell with mark @want (or, @want RM_N, every cell that neither
 * passed nor disagreed), in suite order */
static void cells_list(FILE *out, const struct rp_screen *s,
		       const struct rp_matrix *m, enum rp_mark want)
{
	for (guint i = 0; i < m->cells->len; i++) {
		const struct rp_mx_cell *c = &g_array_index(m->cells,
							    struct rp_mx_cell, i);
		const struct scenario_result *r = &s->mx->rs[c->pos];
		char *name;

		if (want == RM_N ? c->mark == RM_PASS || c->mark == RM_DISAGREE :
		    c->mark != want)
			continue;
		name = report_name(r);
		if (want == RM_DISAGREE) {
			fprintf(out, "  ◆ %s\n        check predicted: %s\n"
				"        the wire shows: %s\n", name,
				r->oracle.predicted, r->oracle.measured);
		} else {
			fprintf(out, "  %s %-5s %s\n", rp_mark_glyph(c->mark),
				tag[r->verdict], name);
			if (r->reason[0])
				fprintf(out, "        %s\n", r->reason);
		}
		files_line(out, s, r);
		g_free(name);
	}
}

static void by_value(FILE *out, const struct rp_matrix *m)
{
	static const enum rp_mark ks[] = { RM_DISAGREE, RM_FAIL };
	static const char *const what[] = { "disagreement", "failure" };

	for (size_t i = 0; i < G_N_ELEMENTS(ks); i++) {
		char *shared = rp_mx_shared(m, ks[i]);

		if (shared)
			fprintf(out, "SHARED: every %s (%zu) has %s\n", what[i],
				m->marks[ks[i]], shared);
		g_free(shared);
	}
	fprintf(out, "BY VALUE %*s  cells   pass   fail  disagree  other\n", 20, "");
	for (size_t a = 0; a < m->n_axes; a++)
		for (guint k = 0; k < m->axes[a].values->len; k++) {
			const struct rp_mx_value *v = &g_array_index(m->axes[a].values,
							struct rp_mx_value, k);
			char *av = g_strdup_printf("%s=%s", m->axes[a].name, v->name);

			fprintf(out, "  %-27s %6zu %6zu %6zu %9zu %6zu\n", av, v->cells,
				v->n[RM_PASS], v->n[RM_FAIL], v->n[RM_DISAGREE],
				v->n[RM_ERROR] + v->n[RM_SKIP] + v->n[RM_INTERRUPTED] +
				v->n[RM_FLAKY]);
			g_free(av);
		}
}

/* The widths of a grid's columns: each its value's, at least a glyph's */
static int col_width(const struct rp_matrix *m, unsigned k)
{
	size_t n = m->cols >= 0 ? strlen(rp_mx_value_name(m, m->cols, k)) : 1;

	return n > 1 ? (int)n : 1;
}

static void grid_text(void *opaque, const struct rp_mx_grid *g)
{
	FILE *out = opaque;
	const struct rp_matrix *m = g->m;
	char *others = rp_mx_others(m, g->first, ", ");
	char *corner = g_strdup_printf("%s%s%s", m->axes[m->rows].name,
				       m->cols >= 0 ? "\\" : "",
				       m->cols >= 0 ? m->axes[m->cols].name : "");
	int w = (int)strlen(corner);

	for (unsigned r = 0; r < g->n_rows; r++)
		w = MAX(w, (int)strlen(rp_mx_value_name(m, m->rows, r)));
	if (others[0])
		fprintf(out, "  %s\n", others);
	fprintf(out, "    %-*s", w, corner);
	for (unsigned c = 0; c < g->n_cols; c++)
		fprintf(out, " %s", m->cols >= 0 ? rp_mx_value_name(m, m->cols, c) :
			"");
	fputc('\n', out);
	for (unsigned r = 0; r < g->n_rows; r++) {
		fprintf(out, "    %-*s", w, rp_mx_value_name(m, m->rows, r));
		for (unsigned c = 0; c < g->n_cols; c++) {
			const struct rp_mx_cell *cell = g->at[r * g->n_cols + c];

			/* padded to its column's width, but for the last */
			fprintf(out, " %s%*s", cell ? rp_mark_glyph(cell->mark) : "·",
				c + 1 < g->n_cols ? col_width(m, c) - 1 : 0, "");
		}
		fputc('\n', out);
	}
	g_free(corner);
	g_free(others);
}

static void grid_count(void *opaque, const struct rp_mx_grid *g)
{
}

static void matrix_text(FILE *out, const struct rp_screen *s,
			const struct rp_matrix *m)
{
	size_t other = m->marks[RM_FAIL] + m->marks[RM_ERROR] +
		       m->marks[RM_SKIP] + m->marks[RM_INTERRUPTED] +
		       m->marks[RM_FLAKY];

	fprintf(out, "MATRIX %s: %u cells: %zu ✓ pass, %zu ✗ fail, %zu ◆ "
		"disagree with kdh check, %zu other\n", m->name, m->cells->len,
		m->marks[RM_PASS], m->marks[RM_FAIL], m->marks[RM_DISAGREE],
		m->marks[RM_ERROR] + m->marks[RM_SKIP] + m->marks[RM_INTERRUPTED] +
		       m->marks[RM_FLAKY]);
	fprintf(out, " ");
	for (int k = 0; k < RM_N; k++)
		fprintf(out, " %s %s", rp_mark_glyph(k), rp_mark_name(k));
	fprintf(out, "  · filtered out\n");
	if (m->marks[RM_DISAGREE]) {
		fprintf(out, "DISAGREEMENTS with kdh check: %zu\n",
			m->marks[RM_DISAGREE]);
		cells_list(out, s, m, RM_DISAGREE);
	}
	if (other) {
		fprintf(out, "NOT PASSED (fail, error, skip, interrupted, flaky): "
			"%zu\n", other);
		cells_list(out, s, m, RM_N);
	}
	by_value(out, m);
	fprintf(out, "GRIDS: %zu, rows %s, columns %s\n",
		rp_mx_grids(m, grid_count, NULL), m->axes[m->rows].name,
		m->cols >= 0 ? m->axes[m->cols].name : "none");
	rp_mx_grids(m, grid_text, out);
}

/**
 * rp_mx_text() - every matrix of the screen's last run, as tables: its
 * disagreements with kdh check first, then its other cells that did not
 * pass, the marks per axis value, and one grid per combination of the
 * axes that are neither rows nor columns
 * @out:	stream
 * @s:		the screen; s->mx its matrices, rows and columns picked
 */
void rp_mx_text(FILE *out, const struct rp_screen *s)
{
	for (size_t i = 0; i < s->mx->n; i++)
		matrix_text(out, s, &s->mx->m[i]);
}
