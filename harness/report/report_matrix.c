// SPDX-License-Identifier: GPL-2.0-or-later
/* report_matrix.c - a run's [matrix] cells as matrices, for the report's
 * matrix view (report_matrix_text.c, report_matrix_html.c)
 *
 * Theory of operation: a cell's result names its matrix (r->name is
 * NAME/cNNNNN) and its place ("machine=q35,bios=ovmf,model=e1000e", the
 * axes in file order).  The cells of one NAME are grouped; each axis
 * keeps its values in the order the cells first show them (suite order,
 * so file order unless a filter dropped a value's first cells).  Two axes
 * are the rows and columns of a grid: --rows/--cols, else the two with
 * most values (ties: the earlier in the file); every combination of the
 * other axes is one grid of the small multiples.  Each cell is one mark:
 * pass, fail, a disagreement with the oracle (kdh check's prediction
 * against the wire), error, skip or interrupted.  For each axis value the
 * marks are counted, so "every failure has model=rtl8139" is one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report_priv.h"

/** rp_mark_of() - the mark of a result: a disagreement before pass or fail
 * (an error, a skip or an interrupted run keeps its own: it measured too
 * little to disagree with anything) */
enum rp_mark rp_mark_of(const struct scenario_result *r)
{
	static const enum rp_mark of[V_COUNT] = {
		[V_PASS] = RM_PASS, [V_FAIL] = RM_FAIL, [V_SKIP] = RM_SKIP,
		[V_ERROR] = RM_ERROR, [V_INTERRUPTED] = RM_INTERRUPTED,
		[V_FLAKY] = RM_FLAKY,
	};

	if (r->oracle.on && !r->oracle.agree &&
	    (r->verdict == V_PASS || r->verdict == V_FAIL))
		return RM_DISAGREE;
	return of[r->verdict];
}

/** rp_mark_glyph() - the glyph of a mark, so colour never speaks alone */
const char *rp_mark_glyph(enum rp_mark k)
{
	static const char *const g[RM_N] = { "✓", "✗", "◆", "⚠", "⊘", "■",
						       "◐" };

	return g[k];
}

/** rp_mark_name() - a mark in words ("disagrees with kdh check") */
const char *rp_mark_name(enum rp_mark k)
{
	static const char *const w[RM_N] = {
		"pass", "fail", "disagrees with kdh check", "error", "skip",
		"interrupted", "flaky (passed on a retry)",
	};

	return w[k];
}

/**
 * rp_label_split() - "machine=q35,bios=ovmf" into its axis=value pairs
 * @label:	a cell's label
 * @pairs:	output: names and values alternating (g_strfreev())
 *
 * Return: the number of pairs, or -1 when a part has no '=' or an empty
 * name or value (@pairs is then NULL)
 */
int rp_label_split(const char *label, char ***pairs)
{
	gchar **parts = g_strsplit(label, ",", -1);
	guint n = g_strv_length(parts);
	char **out = g_new0(char *, 2 * n + 1);

	for (guint i = 0; i < n; i++) {
		const char *eq = strchr(parts[i], '=');

		if (!eq || eq == parts[i] || !eq[1]) {
			g_strfreev(parts);
			g_strfreev(out);
			*pairs = NULL;
			return -1;
		}
		out[2 * i] = g_strndup(parts[i], (gsize)(eq - parts[i]));
		out[2 * i + 1] = g_strdup(eq + 1);
	}
	g_strfreev(parts);
	if (!n) {		/* an empty label */
		g_strfreev(out);
		out = NULL;
	}
	*pairs = out;
	return n ? (int)n : -1;
}

/* The index of value @v on axis @a, added when new */
static unsigned value_of(struct rp_mx_axis *a, const char *v)
{
	struct rp_mx_value nv = { 0 };

	for (unsigned i = 0; i < a->values->len; i++)
		if (!strcmp(g_array_index(a->values, struct rp_mx_value, i).name, v))
			return i;
	nv.name = g_strdup(v);
	g_array_append_val(a->values, nv);
	return a->values->len - 1;
}

/* A new matrix NAME whose axes are @pairs' names */
static struct rp_matrix *matrix_new(struct rp_mxs *x, const char *name,
				    int base, char **pairs, int n)
{
	struct rp_matrix *m;

	x->m = g_renew(struct rp_matrix, x->m, x->n + 1);
	m = &x->m[x->n++];
	memset(m, 0, sizeof(*m));
	m->name = g_strndup(name, (gsize)base);
	m->n_axes = (size_t)n;
	m->axes = g_new0(struct rp_mx_axis, n);
	for (int a = 0; a < n; a++) {
		m->axes[a].name = g_strdup(pairs[2 * a]);
		m->axes[a].values = g_array_new(FALSE, TRUE,
						sizeof(struct rp_mx_value));
	}
	m->cells = g_array_new(FALSE, TRUE, sizeof(struct rp_mx_cell));
	m->rows = 0;
	m->cols = n > 1 ? 1 : -1;
	return m;
}

/* The matrix NAME of @r's name NAME/cNNNNN, made for @pairs' axes; NULL
 * when one of that name has other axes (the cell is then shown as an
 * ordinary scenario) */
static struct rp_matrix *matrix_of(struct rp_mxs *x, const char *name,
				   char **pairs, int n)
{
	const char *slash = strrchr(name, '/');
	int base = slash ? (int)(slash - name) : (int)strlen(name);

	for (size_t i = 0; i < x->n; i++) {
		struct rp_matrix *m = &x->m[i];

		if (strncmp(m->name, name, (size_t)base) || m->name[base])
			continue;
		if (m->n_axes != (size_t)n)
			return NULL;
		for (int a = 0; a < n; a++)
			if (strcmp(m->axes[a].name, pairs[2 * a]))
				return NULL;
		return m;
	}
	return matrix_new(x, name, base, pairs, n);
}

/* @r, the @pos-th result, into its matrix; false when it fits none */
static bool cell_add(struct rp_mxs *x, const struct scenario_result *r,
		     size_t pos)
{
	char **pairs;
	int n = rp_label_split(r->cell_label, &pairs);
	struct rp_matrix *m = n > 0 && n <= RP_MX_AXES ?
			      matrix_of(x, r->name, pairs, n) : NULL;
	struct rp_mx_cell c = { .pos = pos, .mark = rp_mark_of(r) };

	if (!m) {
		g_strfreev(pairs);
		return false;
	}
	for (int a = 0; a < n; a++) {
		struct rp_mx_value *v;

		c.v[a] = value_of(&m->axes[a], pairs[2 * a + 1]);
		v = &g_array_index(m->axes[a].values, struct rp_mx_value, c.v[a]);
		v->n[c.mark]++;
		v->cells++;
	}
	m->marks[c.mark]++;
	g_array_append_val(m->cells, c);
	g_strfreev(pairs);
	return true;
}

/**
 * rp_mxs_build() - the matrices of a run's results
 * @x:		output (rp_mxs_free() it, also after an error)
 * @rs:		the run's results, in suite order
 * @n:		their count
 *
 * Each matrix starts with its default rows and columns (rp_mxs_pick()
 * with none asked).  A cell whose label cannot be read, or whose axes are
 * not its matrix's, is not held: it is shown as an ordinary scenario.
 */
void rp_mxs_build(struct rp_mxs *x, const struct scenario_result *rs, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->rs = rs;
	x->n_rs = n;
	x->held = g_new0(bool, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		if (rs[i].is_cell)
			x->held[i] = cell_add(x, &rs[i], i);
	for (size_t i = 0; i < x->n; i++)
		rp_mx_pick(&x->m[i], NULL, NULL, NULL, 0);
}

/** rp_mxs_free() - what rp_mxs_build() made */
void rp_mxs_free(struct rp_mxs *x)
{
	for (size_t i = 0; i < x->n; i++) {
		struct rp_matrix *m = &x->m[i];

		for (size_t a = 0; a < m->n_axes; a++) {
			for (unsigned k = 0; k < m->axes[a].values->len; k++)
				g_free(g_array_index(m->axes[a].values,
						     struct rp_mx_value, k).name);
			g_array_free(m->axes[a].values, TRUE);
			g_free(m->axes[a].name);
		}
		g_free(m->axes);
		g_array_free(m->cells, TRUE);
		g_free(m->name);
	}
	g_free(x->m);
	g_free(x->held);
	memset(x, 0, sizeof(*x));
}

/**
 * rp_mxs_holds() - whether @r is drawn in a matrix (and so not listed as
 * an ordinary scenario)
 * @x:		the matrices
 * @r:		a result of the same run
 */
bool rp_mxs_holds(const struct rp_mxs *x, const struct scenario_result *r)
{
	size_t i = (size_t)(r - x->rs);

	return x->rs && r >= x->rs && i < x->n_rs && x->held[i];
}

static int axis_find(const struct rp_matrix *m, const char *name)
{
	for (size_t a = 0; a < m->n_axes; a++)
		if (!strcmp(m->axes[a].name, name))
			return (int)a;
	return -1;
}

/* The axis with most values other than @not (ties: the first), or -1 */
static int axis_widest(const struct rp_matrix *m, int not)
{
	int best = -1;

	for (size_t a = 0; a < m->n_axes; a++)
		if ((int)a != not && (best < 0 || m->axes[a].values->len >
				      m->axes[best].values->len))
			best = (int)a;
	return best;
}

/* "machine (2 values), bios (1 value), ..." */
static void axes_list(const struct rp_matrix *m, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t a = 0; a < m->n_axes && o < len; a++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s (%u value%s)",
				      a ? ", " : "", m->axes[a].name,
				      m->axes[a].values->len,
				      m->axes[a].values->len == 1 ? "" : "s");
}

/* --OPT AXIS not in @m: false with "--rows foo: ..." in @err */
static bool axis_known(const struct rp_matrix *m, const char *opt,
		       const char *name, int *at, char *err, size_t errlen)
{
	char axes[400];

	if (!name || (*at = axis_find(m, name)) >= 0)
		return true;
	axes_list(m, axes, sizeof(axes));
	snprintf(err, errlen, "--%s %s: matrix %s has no axis %s; its axes: %s",
		 opt, name, m->name, name, axes);
	return false;
}

/**
 * rp_mx_pick() - the axes of @m's rows and columns
 * @m:		a matrix
 * @rows, @cols: axis names asked for (--rows, --cols), or NULL: the axis
 *		with most values, then the next (ties by file order)
 * @err:	output: "--rows AXIS: matrix NAME has no axis AXIS; its axes:
 *		..." (may be NULL when nothing is asked)
 * @errlen:	its size
 *
 * Return: 0, or -1 (an axis @m does not have, or both the same; @m is
 * left as it was)
 */
int rp_mx_pick(struct rp_matrix *m, const char *rows, const char *cols,
	       char *err, size_t errlen)
{
	int r = -1, c = -1;

	if (!axis_known(m, "rows", rows, &r, err, errlen) ||
	    !axis_known(m, "cols", cols, &c, err, errlen))
		return -1;
	if (rows && cols && r == c) {
		snprintf(err, errlen, "--rows and --cols both name %s: give two "
			 "different axes", rows);
		return -1;
	}
	if (r < 0)
		r = axis_widest(m, c);
	if (c < 0)
		c = axis_widest(m, r);
	if (r < 0) {		/* a matrix of one axis, given as --cols */
		r = c;
		c = -1;
	}
	m->rows = r;
	m->cols = c;
	return 0;
}

/* Sort order of a grid walk: the other axes (file order), then row, col */
struct grid_sort {
	const struct rp_matrix *m;
};

static int others_cmp(const struct rp_matrix *m, const struct rp_mx_cell *a,
		      const struct rp_mx_cell *b)
{
	for (size_t k = 0; k < m->n_axes; k++) {
		if ((int)k == m->rows || (int)k == m->cols || a->v[k] == b->v[k])
			continue;
		return a->v[k] < b->v[k] ? -1 : 1;
	}
	return 0;
}

static int cell_cmp(const void *pa, const void *pb, void *opaque)
{
	const struct rp_matrix *m = ((struct grid_sort *)opaque)->m;
	const struct rp_mx_cell *a = *(const struct rp_mx_cell *const *)pa;
	const struct rp_mx_cell *b = *(const struct rp_mx_cell *const *)pb;
	int o = others_cmp(m, a, b);

	if (o)
		return o;
	if (a->v[m->rows] != b->v[m->rows])
		return a->v[m->rows] < b->v[m->rows] ? -1 : 1;
	if (m->cols >= 0 && a->v[m->cols] != b->v[m->cols])
		return a->v[m->cols] < b->v[m->cols] ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/**
 * rp_mx_grids() - walk @m's small multiples: one grid per combination of
 * the axes that are neither rows nor columns, in file order of their
 * values
 * @m:		a matrix, its rows and cols picked
 * @fn:		called per grid; g->at[row * n_cols + col] is the cell
 *		there or NULL (filtered out), every value of the row and
 *		column axes in each grid so the grids line up
 * @opaque:	for @fn
 *
 * Return: the number of grids
 */
size_t rp_mx_grids(const struct rp_matrix *m, rp_mx_grid_fn fn, void *opaque)
{
	struct grid_sort gs = { m };
	size_t n = m->cells->len, grids = 0;
	const struct rp_mx_cell **order = g_new(const struct rp_mx_cell *, n ? n : 1);
	struct rp_mx_grid g = { .m = m };

	g.n_rows = m->axes[m->rows].values->len;
	g.n_cols = m->cols >= 0 ? m->axes[m->cols].values->len : 1;
	g.at = g_new0(const struct rp_mx_cell *, (size_t)g.n_rows * g.n_cols);
	for (size_t i = 0; i < n; i++)
		order[i] = &g_array_index(m->cells, struct rp_mx_cell, i);
	qsort_r(order, n, sizeof(*order), cell_cmp, &gs);
	for (size_t i = 0; i < n; i++) {
		const struct rp_mx_cell *c = order[i];

		g.at[c->v[m->rows] * g.n_cols + (m->cols >= 0 ? c->v[m->cols] : 0)] = c;
		if (!g.first)
			g.first = c;
		if (i + 1 < n && !others_cmp(m, c, order[i + 1]))
			continue;
		fn(opaque, &g);
		grids++;
		memset(g.at, 0, (size_t)g.n_rows * g.n_cols * sizeof(*g.at));
		g.first = NULL;
	}
	g_free(g.at);
	g_free(order);
	return grids;
}

/**
 * rp_mx_value_name() - the name of value @k of axis @a of @m
 */
const char *rp_mx_value_name(const struct rp_matrix *m, int a, unsigned k)
{
	return g_array_index(m->axes[a].values, struct rp_mx_value, k).name;
}

/**
 * rp_mx_others() - "machine=pc, bios=seabios, ...": the values of @c on
 * the axes that are neither rows nor columns (what names its grid)
 * @m:		its matrix
 * @c:		a cell
 * @sep:	between two ("," for a label, ", " for a person)
 *
 * Return: the text (g_free()); "" for a matrix of two axes or fewer
 */
char *rp_mx_others(const struct rp_matrix *m, const struct rp_mx_cell *c,
		   const char *sep)
{
	GString *s = g_string_new(NULL);

	for (size_t a = 0; a < m->n_axes; a++) {
		if ((int)a == m->rows || (int)a == m->cols)
			continue;
		g_string_append_printf(s, "%s%s=%s", s->len ? sep : "",
				       m->axes[a].name,
				       rp_mx_value_name(m, (int)a, c->v[a]));
	}
	return g_string_free(s, FALSE);
}

/**
 * rp_view_apply() - --rows and --cols on every matrix of a run
 * @x:		the matrices
 * @v:		what was asked; NULL or both NULL: the defaults stay
 * @err:	output: what is wrong ("--rows foo: matrix kdnet has no axis
 *		foo; its axes: ...")
 * @errlen:	its size
 *
 * Return: 0, or -1 (an axis some matrix does not have, or a run without
 * matrix cells)
 */
int rp_view_apply(struct rp_mxs *x, const struct rp_view *v, char *err,
		  size_t errlen)
{
	if (!v || (!v->rows && !v->cols))
		return 0;
	if (!x->n) {
		snprintf(err, errlen, "--%s %s: the run has no matrix cells (a "
			 "scenario file with a [matrix] section makes them)",
			 v->rows ? "rows" : "cols", v->rows ? v->rows : v->cols);
		return -1;
	}
	for (size_t i = 0; i < x->n; i++)
		if (rp_mx_pick(&x->m[i], v->rows, v->cols, err, errlen))
			return -1;
	return 0;
}

/**
 * rp_mx_shared() - what every cell with mark @k has in common: the axis
 * values all of them share, on axes where not every cell does
 * @m:		a matrix
 * @k:		a mark (RM_DISAGREE, RM_FAIL)
 *
 * Return: "model=vmxnet3, cpu=other" (g_free()), or NULL when no cell
 * has @k or they share no such value
 */
char *rp_mx_shared(const struct rp_matrix *m, enum rp_mark k)
{
	GString *s = g_string_new(NULL);

	for (size_t a = 0; m->marks[k] && a < m->n_axes; a++)
		for (guint i = 0; m->axes[a].values->len > 1 &&
		     i < m->axes[a].values->len; i++) {
			const struct rp_mx_value *v = &g_array_index(m->axes[a].values,
							struct rp_mx_value, i);

			if (v->n[k] == m->marks[k])
				g_string_append_printf(s, "%s%s=%s", s->len ? ", " : "",
						       m->axes[a].name, v->name);
		}
	if (s->len)
		return g_string_free(s, FALSE);
	g_string_free(s, TRUE);
	return NULL;
}

/**
 * rp_screen_view() - the screen of @runs, the last run's matrices drawn as
 * @v asks: what the page and the text both start from
 * @s:		output (rp_screen_free())
 * @mx:		output: the last run's matrices, @s->mx (rp_mxs_free())
 * @runs:	the runs, oldest first
 * @n:		their count (at least 1)
 * @page:	the HTML page's path, NULL for the text
 * @v:		--rows, --cols; NULL: the defaults
 *
 * Return: 0; -EINVAL when @v names an axis a matrix does not have, or
 * rp_screen_build()'s error: then nothing is left to free
 */
int rp_screen_view(struct rp_screen *s, struct rp_mxs *mx,
		   const struct report_run *runs, size_t n, const char *page,
		   const struct rp_view *v)
{
	char err[600];
	int rc;

	rp_mxs_build(mx, runs[n - 1].rs, runs[n - 1].n);
	if (rp_view_apply(mx, v, err, sizeof(err))) {
		rp_mxs_free(mx);
		return -EINVAL;
	}
	if ((rc = rp_screen_build(s, runs, n, page))) {
		rp_mxs_free(mx);
		return rc;
	}
	s->mx = mx;
	return 0;
}
