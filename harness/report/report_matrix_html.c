// SPDX-License-Identifier: GPL-2.0-or-later
/* report_matrix_html.c - the page's matrix view (the model is
 * report_matrix.c's): per matrix, a section id="m-NAME" with its counts
 * and legend, its disagreements with kdh check first (each with both
 * sides and its files), its other cells that did not pass, the marks per
 * axis value, then the small multiples: one compact table per
 * combination of the axes that are neither rows nor columns, each cell a
 * glyph on a colour (✓ pass, ✗ fail, ◆ disagreement, ⚠ ⊘ ■ grey) whose
 * title is the cell's full name (and, when it did not pass, why), linked
 * to its results when it did not pass.  About 140 bytes a cell.
 */
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"

/** rp_mx_css - the matrix view's part of the page's style */
const char rp_mx_css[] =
	"section.mx{border-top:2px solid #888;margin-top:1em}"
	".mxg{display:flex;flex-wrap:wrap;gap:.6em 1em}figure.mxf{margin:0}"
	"figure.mxf figcaption{font-size:11px;max-width:260px}"
	"table.mx{font-size:11px;line-height:1}table.mx th{background:none;"
	"border:0;padding:1px 3px;font-weight:normal;white-space:nowrap}"
	"table.mx td{width:15px;height:15px;padding:0;text-align:center;"
	"border:1px solid #fff}table.mx td a{color:inherit;text-decoration:none}"
	".mp{background:#cfead8;color:#006045}.mf{background:#f6c4c4;"
	"color:#a3001b;font-weight:bold}.md{background:#f7bdeb;color:#8b0079;"
	"font-weight:bold}.mo{background:#ddd;color:#555}"
	".mk{background:#fbe7b5;color:#7a5200}.mn{color:#999}"
	".sw{display:inline-block;width:15px;text-align:center}"
	"table.bv td.n{text-align:right}tr.bad td{font-weight:bold}"
	".dis{color:#8b0079}ol.dis>li{border-left:5px solid #cc79a7;"
	"padding-left:.5em;margin-bottom:.5em;color:#222}";

static const char *const td_class[RM_N] = { "mp", "mf", "md", "mo", "mo", "mo",
						  "mk" };

/* "m-NAME", each byte outside [A-Za-z0-9-] as _XX */
static void anchor(GString *h, const char *name)
{
	g_string_append(h, "m-");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (g_ascii_isalnum(*p) || *p == '-')
			g_string_append_c(h, (char)*p);
		else
			g_string_append_printf(h, "_%02X", *p);
}

/* The files of @r's item as links, "none kept" without */
static void files(GString *h, const struct rp_screen *s,
		  const struct scenario_result *r)
{
	const struct rp_item *it = rp_item_of(s, r);
	bool any = false;

	g_string_append(h, "<p class=\"files\">files: ");
	for (size_t k = 0; it && k < it->n_files; k++) {
		if (!it->files[k].href)
			continue;
		g_string_append(h, "<a href=\"");
		rp_esc(h, it->files[k].href);
		g_string_append(h, "\">");
		rp_esc(h, it->files[k].name);
		g_string_append(h, "</a>");
		any = true;
	}
	g_string_append(h, any ? "</p>\n" : "none kept</p>\n");
}

/* Why @r did not pass, in one line: both sides of a disagreement, else
 * its reason */
static char *why(const struct scenario_result *r, enum rp_mark k)
{
	if (k == RM_DISAGREE)
		return g_strdup_printf("check predicted %s; the wire shows %s",
				       r->oracle.predicted, r->oracle.measured);
	return g_strdup_printf("%s%s%s", verdict_name(r->verdict),
			       r->reason[0] ? ": " : "", r->reason);
}

static void one_cell(GString *h, const struct rp_screen *s,
		     const struct scenario_result *r, enum rp_mark k)
{
	char *name = report_name(r), *text = why(r, k);

	g_string_append(h, "<li><b>");
	rp_esc(h, name);
	g_string_append_printf(h, "</b> %s<ul>", rp_mark_glyph(k));
	if (k == RM_DISAGREE) {
		g_string_append(h, "<li class=\"finding\">check predicted: ");
		rp_esc(h, r->oracle.predicted);
		g_string_append(h, "</li><li class=\"finding\">the wire shows: ");
		rp_esc(h, r->oracle.measured);
	} else {
		g_string_append(h, "<li class=\"finding\">");
		rp_esc(h, text);
	}
	g_string_append(h, "</li></ul>");
	files(h, s, r);
	g_string_append(h, "</li>\n");
	g_free(text);
	g_free(name);
}

/* The cells with mark @want (RM_N: neither passed nor disagreed) */
static void cells_list(GString *h, const struct rp_screen *s,
		       const struct rp_matrix *m, enum rp_mark want)
{
	for (guint i = 0; i < m->cells->len; i++) {
		const struct rp_mx_cell *c = &g_array_index(m->cells,
							    struct rp_mx_cell, i);

		if (want == RM_N ? c->mark != RM_PASS && c->mark != RM_DISAGREE :
		    c->mark == want)
			one_cell(h, s, &s->mx->rs[c->pos], c->mark);
	}
}

/* "Every disagreement (24) has model=vmxnet3." */
static void shared(GString *h, const struct rp_matrix *m)
{
	static const enum rp_mark ks[] = { RM_DISAGREE, RM_FAIL };
	static const char *const what[] = { "disagreement", "failure" };

	for (size_t i = 0; i < G_N_ELEMENTS(ks); i++) {
		char *text = rp_mx_shared(m, ks[i]);

		if (!text)
			continue;
		g_string_append_printf(h, "<p class=\"%s\"><b>%s Every %s (%zu) "
				       "has ", ks[i] == RM_DISAGREE ? "dis" : "fail",
				       rp_mark_glyph(ks[i]), what[i], m->marks[ks[i]]);
		rp_esc(h, text);
		g_string_append(h, ".</b></p>\n");
		g_free(text);
	}
}

static void by_value(GString *h, const struct rp_matrix *m)
{
	g_string_append(h, "<h3>By axis value</h3>\n");
	shared(h, m);
	g_string_append(h, "<div class=\"scroll\"><table "
			"class=\"bv\"><tr><th>axis=value</th><th>cells</th><th>✓ pass"
			"</th><th>✗ fail</th><th>◆ disagree</th><th>other</th></tr>\n");
	for (size_t a = 0; a < m->n_axes; a++)
		for (guint k = 0; k < m->axes[a].values->len; k++) {
			const struct rp_mx_value *v = &g_array_index(m->axes[a].values,
							struct rp_mx_value, k);
			bool bad = v->n[RM_FAIL] || v->n[RM_DISAGREE];

			g_string_append_printf(h, "<tr%s><td>", bad ? " class=\"bad\"" : "");
			rp_esc(h, m->axes[a].name);
			g_string_append(h, "=");
			rp_esc(h, v->name);
			g_string_append_printf(h, "</td><td class=\"n\">%zu</td><td "
				"class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">"
				"%zu</td><td class=\"n\">%zu</td></tr>\n", v->cells,
				v->n[RM_PASS], v->n[RM_FAIL], v->n[RM_DISAGREE],
				v->n[RM_ERROR] + v->n[RM_SKIP] + v->n[RM_INTERRUPTED] +
				v->n[RM_FLAKY]);
		}
	g_string_append(h, "</table></div>\n");
}

struct grid_ctx {
	GString *h;
	const struct rp_screen *s;
};

/* One square: glyph, colour, the full name (and why) as its title */
static void square(struct grid_ctx *g, const struct rp_mx_cell *c)
{
	const struct scenario_result *r;
	const struct rp_item *it;
	char *name, *text;

	if (!c) {
		g_string_append(g->h, "<td class=\"mn\" title=\"filtered out\">·</td>");
		return;
	}
	r = &g->s->mx->rs[c->pos];
	name = report_name(r);
	g_string_append_printf(g->h, "<td class=\"%s\" title=\"", td_class[c->mark]);
	rp_esc(g->h, name);
	it = c->mark == RM_PASS ? NULL : rp_item_of(g->s, r);
	if (c->mark != RM_PASS) {
		text = why(r, c->mark);
		g_string_append(g->h, " — ");
		rp_esc(g->h, text);
		g_free(text);
	}
	g_string_append(g->h, "\">");
	if (it && it->n_files && it->files[0].href) {
		char *dir = g_path_get_dirname(it->files[0].href);

		g_string_append(g->h, "<a href=\"");
		rp_esc(g->h, dir);
		g_string_append_printf(g->h, "/\">%s</a></td>", rp_mark_glyph(c->mark));
		g_free(dir);
	} else {
		g_string_append_printf(g->h, "%s</td>", rp_mark_glyph(c->mark));
	}
	g_free(name);
}

static void grid_html(void *opaque, const struct rp_mx_grid *g)
{
	struct grid_ctx *x = opaque;
	const struct rp_matrix *m = g->m;
	char *others = rp_mx_others(m, g->first, ", ");

	g_string_append(x->h, "<figure class=\"mxf\"><figcaption>");
	rp_esc(x->h, others);
	g_string_append(x->h, "</figcaption><table class=\"mx\"><tr><th>");
	rp_esc(x->h, m->axes[m->rows].name);
	if (m->cols >= 0) {
		g_string_append(x->h, " \\ ");
		rp_esc(x->h, m->axes[m->cols].name);
	}
	g_string_append(x->h, "</th>");
	for (unsigned c = 0; m->cols >= 0 && c < g->n_cols; c++) {
		g_string_append(x->h, "<th>");
		rp_esc(x->h, rp_mx_value_name(m, m->cols, c));
		g_string_append(x->h, "</th>");
	}
	for (unsigned r = 0; r < g->n_rows; r++) {
		g_string_append(x->h, "</tr>\n<tr><th>");
		rp_esc(x->h, rp_mx_value_name(m, m->rows, r));
		g_string_append(x->h, "</th>");
		for (unsigned c = 0; c < g->n_cols; c++)
			square(x, g->at[r * g->n_cols + c]);
	}
	g_string_append(x->h, "</tr></table></figure>\n");
	g_free(others);
}

static void heading(GString *h, const struct rp_matrix *m)
{
	g_string_append(h, "<section class=\"mx\" id=\"");
	anchor(h, m->name);
	g_string_append(h, "\"><h2>Matrix ");
	rp_esc(h, m->name);
	g_string_append_printf(h, ": %u cells</h2>\n<p class=\"counts\">"
		"<span class=\"pass\">✓ %zu pass</span><span class=\"fail\">✗ %zu "
		"fail</span><span class=\"dis\">◆ %zu disagree with kdh check</span>"
		"<span class=\"skip\">%zu other</span></p>\n<p class=\"legend\">",
		m->cells->len, m->marks[RM_PASS], m->marks[RM_FAIL],
		m->marks[RM_DISAGREE], m->marks[RM_ERROR] + m->marks[RM_SKIP] +
		m->marks[RM_INTERRUPTED] + m->marks[RM_FLAKY]);
	for (int k = 0; k < RM_N; k++)
		g_string_append_printf(h, "<span><span class=\"sw %s\">%s</span> "
				       "%s</span>", td_class[k], rp_mark_glyph(k),
				       rp_mark_name(k));
	g_string_append(h, "<span>· filtered out</span></p>\n");
}

static void matrix_html(GString *h, const struct rp_screen *s,
			const struct rp_matrix *m)
{
	struct grid_ctx g = { h, s };
	size_t other = m->marks[RM_FAIL] + m->marks[RM_ERROR] +
		       m->marks[RM_SKIP] + m->marks[RM_INTERRUPTED] +
		       m->marks[RM_FLAKY];
	GString *grids = g_string_new(NULL);
	size_t n;

	heading(h, m);
	if (m->marks[RM_DISAGREE]) {
		g_string_append_printf(h, "<h3 class=\"dis\">◆ Disagreements with "
				       "kdh check: %zu</h3>\n<ol class=\"dis\">\n",
				       m->marks[RM_DISAGREE]);
		cells_list(h, s, m, RM_DISAGREE);
		g_string_append(h, "</ol>\n");
	}
	if (other) {
		g_string_append_printf(h, "<h3 class=\"fail\">Not passed (fail, "
				       "error, skip, interrupted, flaky): %zu</h3>\n<ol "
				       "class=\"fails\">\n", other);
		cells_list(h, s, m, RM_N);
		g_string_append(h, "</ol>\n");
	}
	by_value(h, m);
	g.h = grids;
	n = rp_mx_grids(m, grid_html, &g);
	g_string_append_printf(h, "<h3>Grids: %zu, rows ", n);
	rp_esc(h, m->axes[m->rows].name);
	g_string_append(h, ", columns ");
	rp_esc(h, m->cols >= 0 ? m->axes[m->cols].name : "none");
	g_string_append(h, "</h3>\n<div class=\"mxg\">\n");
	g_string_append_len(h, grids->str, (gssize)grids->len);
	g_string_append(h, "</div></section>\n");
	g_string_free(grids, TRUE);
}

/**
 * rp_mx_html() - every matrix of the screen's last run, drawn on the page
 * @h:		the page
 * @s:		the screen; s->mx its matrices, rows and columns picked
 */
void rp_mx_html(GString *h, const struct rp_screen *s)
{
	for (size_t i = 0; i < s->mx->n; i++)
		matrix_html(h, s, &s->mx->m[i]);
}
