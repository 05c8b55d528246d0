// SPDX-License-Identifier: GPL-2.0-or-later
/* report_html.c - `kdh report RUN... --html FILE`: one self-contained
 * XHTML page (no script, nothing fetched; well-formed XML, so xmllint
 * checks it) that answers "what broke, since when, and why" first:
 *
 *   verdict counts; failed scenarios with each failed expectation
 *   (file:line, expected, got) and regression (both values); skipped
 *   ones with their reasons; provenance; then every scenario in a table,
 *   and per scenario its files, what its VMs said over KD (a bugcheck
 *   with its five numbers and a stall set apart, also in the failures),
 *   phase lanes (report_lanes.c) and trends across the runs given
 *   (report_trend.c).  A run's [matrix] cells are not listed one by one
 *   but drawn as matrices after the skips (report_matrix_html.c).
 *
 * The first screen's data comes from report_model.c, as --text's does.
 * Colour never speaks alone: verdicts carry ✓ ✗ ⊘ ⚠ ■ and words,
 * failed phases are hatched and labelled, regressions are ✗ marks.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/report/report_priv.h"
#include "kdh/util/fileio.h"

static const char css_text[] =
	"body{font-family:sans-serif;margin:1em auto;max-width:1100px;padding:0 1em;"
	"color:#222;line-height:1.35}h1{font-size:1.5em;margin:.3em 0}"
	"h2{font-size:1.2em;margin:1.2em 0 .4em}h3{font-size:1.05em;margin:1em 0 .3em}"
	".sub{color:#444;margin:.2em 0}"
	".counts span{display:inline-block;border:1px solid #888;border-radius:3px;"
	"padding:1px 8px;margin:0 .4em .4em 0;font-weight:bold}"
	".pass{color:#006045}.fail{color:#a3001b}.error{color:#8a4b00}"
	".skip{color:#555}.interrupted{color:#8a4b00}.flaky{color:#8a4b00}"
	"ol.fails>li,ul.skips>li{margin-bottom:.5em}"
	"ol.fails>li{border-left:5px solid #d55e00;padding-left:.5em}"
	".finding{font-family:monospace;font-size:13px;color:#222}"
	".since{font-style:italic;color:#444}"
	".files{font-size:13px;margin:.2em 0}.files a{margin-right:.6em}"
	"dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:0 1em;"
	"font-size:13px}dl.prov dt{font-weight:bold}dl.prov dd{margin:0}"
	".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px}"
	"td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#eee}"
	"svg.lanes{width:100%;max-width:900px;height:auto;display:block}"
	".pl{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;"
	"stroke-linejoin:round}.ln{font-size:12px;font-weight:bold}"
	".ls{font-size:10px;fill:#444}.ax{font-size:10px;fill:#333}"
	".mk{font-size:15px;font-weight:bold}.rg{font-size:16px;font-weight:bold;"
	"fill:#a3001b}ul.story{font-size:13px;margin:.3em 0;padding-left:1.2em}"
	".trends{display:flex;flex-wrap:wrap;gap:.5em 1.5em}.trend{margin:0}"
	".trend figcaption{font-size:13px;font-weight:bold}"
	".trend svg{max-width:100%;height:auto}.cap{font-size:12px;margin:.1em 0;"
	"max-width:330px}details{font-size:12px}ol.tl{margin:.2em 0}"
	".legend span{display:inline-block;margin:0 1em .3em 0;font-size:13px}"
	"section.sc{border-top:1px solid #ccc;margin-top:1em}"
	"p.desc{font-style:italic;margin-top:0}p.flat{font-size:13px}"
	".kd{font-size:13px;margin:.2em 0}.stop{font-family:monospace;"
	"font-weight:bold;color:#a3001b;border-left:5px solid #d55e00;"
	"padding-left:.4em;margin:.3em 0}"
	"@media print{body{max-width:none}a{color:inherit}section.sc{break-inside:avoid}}"
	"@media (max-width:600px){body{padding:0 .4em}table{font-size:12px}}";

/* The patterns of the phase kinds (failures hatched), for every SVG on the page */
static const char defs_svg[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\" "
	"style=\"position:absolute\" aria-hidden=\"true\"><defs><pattern "
	"id=\"rp-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(45)\"><rect width=\"2.5\" height=\"6\" "
	"fill=\"#000\" fill-opacity=\"0.3\"/></pattern><pattern id=\"rp-back\" "
	"width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(-45)\"><rect width=\"2.5\" height=\"6\" "
	"fill=\"#000\" fill-opacity=\"0.3\"/></pattern><pattern id=\"rp-cross\" "
	"width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(45)\"><rect width=\"2\" height=\"6\" "
	"fill=\"#000\" fill-opacity=\"0.3\"/><rect width=\"6\" height=\"2\" "
	"fill=\"#000\" fill-opacity=\"0.3\"/></pattern><pattern id=\"rp-dots\" "
	"width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\"><circle "
	"cx=\"2.5\" cy=\"2.5\" r=\"1\" fill=\"#000\" fill-opacity=\"0.4\"/>"
	"</pattern></defs></svg>\n";

static const char *const css_of[V_COUNT] = { "pass", "fail", "skip", "error",
					     "interrupted", "flaky" };

static void verdict_span(GString *h, enum verdict v)
{
	g_string_append_printf(h, "<span class=\"%s\">%s %s</span>", css_of[v],
			       rp_verdict_glyph(v), verdict_name(v));
}

static void files_html(GString *h, const struct rp_item *it)
{
	g_string_append(h, "<p class=\"files\">files: ");
	for (size_t k = 0; k < it->n_files; k++) {
		if (!it->files[k].href)
			continue;
		g_string_append(h, "<a href=\"");
		rp_esc(h, it->files[k].href);
		g_string_append(h, "\">");
		rp_esc(h, it->files[k].name);
		g_string_append(h, "</a>");
	}
	if (!it->n_files)
		g_string_append(h, "none kept");
	g_string_append(h, "</p>\n");
}

/* Each VM's bugcheck and stall: @open, "win: ✗ bugcheck 0x... (...)",
 * @close */
static void kd_stops_html(GString *h, const struct scenario_result *r,
			  const char *open, const char *close)
{
	for (size_t i = 0; i < r->n_vms; i++) {
		char *said[2] = { report_kd_bugcheck(&r->vms[i].m),
				  report_kd_stall(&r->vms[i].m) };

		for (int k = 0; k < 2; k++) {
			if (!said[k])
				continue;
			g_string_append(h, open);
			rp_esc(h, r->vms[i].name);
			g_string_append(h, ": ✗ ");
			rp_esc(h, said[k]);
			g_string_append(h, close);
			g_free(said[k]);
		}
	}
}

/* What each VM said over KD, with a link to its kd-VM.log, then its
 * bugcheck and stall set apart */
static void kd_html(GString *h, const struct rp_item *it)
{
	for (size_t i = 0; i < it->r->n_vms; i++) {
		const struct vm_result *v = &it->r->vms[i];
		const struct rp_file *log = rp_kd_log(it, v->name);
		char *summary = report_kd_summary(&v->m);

		if (!summary)
			continue;
		g_string_append(h, "<p class=\"kd\"><b>");
		rp_esc(h, v->name);
		g_string_append(h, "</b> over KD: ");
		rp_esc(h, summary);
		if (log && log->href) {
			g_string_append(h, " · <a href=\"");
			rp_esc(h, log->href);
			g_string_append(h, "\">");
			rp_esc(h, log->name);
			g_string_append(h, "</a>");
		}
		g_string_append(h, "</p>\n");
		g_free(summary);
	}
	kd_stops_html(h, it->r, "<p class=\"stop\">", "</p>\n");
}

static void heading(GString *h, const struct rp_screen *s)
{
	const struct run_totals *t = &s->t;
	const struct {
		size_t n;
		enum verdict v;
		const char *word;
	} c[] = {
		{ t->fail, V_FAIL, "failed" }, { t->error, V_ERROR, "errors" },
		{ t->interrupted, V_INTERRUPTED, "interrupted" },
		{ t->skip, V_SKIP, "skipped" }, { t->flaky, V_FLAKY, "flaky" },
		{ t->pass, V_PASS, "passed" },
	};

	if (s->n_failed)
		g_string_append_printf(h, "<h1>kdh report: ✗ %zu of %zu scenarios "
				       "failed</h1>\n", s->n_failed, s->last->n);
	else
		g_string_append(h, "<h1>kdh report: ✓ nothing failed</h1>\n");
	g_string_append(h, "<p class=\"counts\">");
	for (size_t i = 0; i < G_N_ELEMENTS(c); i++)
		g_string_append_printf(h, "<span class=\"%s\">%s %zu %s</span>",
				       css_of[c[i].v], rp_verdict_glyph(c[i].v), c[i].n,
				       c[i].word);
	if (s->regressions)
		g_string_append_printf(h, "<span class=\"fail\">✗ %zu regression%s"
				       "</span>", s->regressions,
				       s->regressions == 1 ? "" : "s");
	g_string_append(h, "</p>\n<p class=\"sub\">");
	rp_esc(h, s->last->name);
	g_string_append_printf(h, ": %zu scenarios, seed %llu", s->last->n,
			       (unsigned long long)s->last->seed);
	if (s->last->prov.date[0])
		g_string_append_printf(h, ", %s", s->last->prov.date);
	if (s->last->incomplete)
		g_string_append_printf(h, " of %zu", s->last->scenarios);
	else if (s->last->interrupted || s->last->scenarios > s->last->n)
		g_string_append_printf(h, " of %zu (⚠ interrupted: the others did not "
				       "run)", s->last->scenarios);
	g_string_append_printf(h, "; %zu run%s in the trends.</p>\n", s->n_runs,
			       s->n_runs == 1 ? "" : "s");
	if (s->last->incomplete) {	/* killed, or out of disk */
		g_string_append(h, "<p class=\"interrupted\">⚠ incomplete run: ");
		rp_esc(h, s->last->incomplete);
		g_string_append(h, "</p>\n");
	}
}

static void failed_html(GString *h, const struct rp_screen *s)
{
	size_t n = rp_listed_count(s, 0, s->n_failed);

	if (!n)
		return;
	g_string_append_printf(h, "<h2 class=\"fail\">✗ Failed: %zu</h2>\n"
			       "<ol class=\"fails\">\n", n);
	for (size_t i = 0; i < s->n_failed; i++) {
		const struct rp_item *it = &s->items[i];
		char *since, *text;

		if (!rp_listed(s, it))
			continue;	/* a matrix cell: in its matrix */
		since = rp_streak_text(s, it);

		g_string_append_printf(h, "<li><a href=\"#%s\">", it->anchor);
		rp_esc(h, it->r->name);
		g_string_append(h, "</a> ");
		verdict_span(h, it->r->verdict);
		if (since) {
			g_string_append(h, " <span class=\"since\">");
			rp_esc(h, since);
			g_string_append(h, "</span>");
		}
		g_string_append(h, "<ul>");
		for (size_t k = 0; k < (it->r->n_findings ? it->r->n_findings : 1); k++) {
			text = rp_finding_text(it->r, it->r->n_findings ?
					       &it->r->findings[k] : NULL);
			g_string_append(h, "<li class=\"finding\">");
			rp_esc(h, text);
			g_string_append(h, "</li>");
			g_free(text);
		}
		if (it->r->failed > it->r->n_findings && it->r->n_findings)
			g_string_append_printf(h, "<li>and %u more</li>",
					       it->r->failed - (unsigned)it->r->n_findings);
		kd_stops_html(h, it->r, "<li class=\"finding stop\">", "</li>");
		g_string_append(h, "</ul>");
		files_html(h, it);
		g_string_append(h, "</li>\n");
		g_free(since);
	}
	g_string_append(h, "</ol>\n");
}

static void skipped_html(GString *h, const struct rp_screen *s)
{
	size_t n = rp_listed_count(s, s->n_failed, s->n_failed + s->n_skipped);

	if (!n)
		return;
	g_string_append_printf(h, "<h2 class=\"skip\">⊘ Skipped: %zu</h2>\n"
			       "<ul class=\"skips\">\n", n);
	for (size_t i = s->n_failed; i < s->n_failed + s->n_skipped; i++) {
		if (!rp_listed(s, &s->items[i]))
			continue;
		g_string_append_printf(h, "<li><a href=\"#%s\">", s->items[i].anchor);
		rp_esc(h, s->items[i].r->name);
		g_string_append(h, "</a>: ");
		rp_esc(h, s->items[i].r->reason[0] ? s->items[i].r->reason :
		       "no reason recorded");
		g_string_append(h, "</li>\n");
	}
	g_string_append(h, "</ul>\n");
}

static void prov_field(void *opaque, const char *name, const char *value)
{
	GString *h = opaque;

	g_string_append(h, "<dt>");
	rp_esc(h, name);
	g_string_append(h, "</dt><dd>");
	rp_esc(h, value);
	g_string_append(h, "</dd>");
}

static void provenance_html(GString *h, const struct rp_screen *s)
{
	g_string_append(h, "<h2>Provenance</h2>\n<dl class=\"prov\">");
	rp_provenance(s, prov_field, h);
	g_string_append(h, "</dl>\n");
}

static void cell_num(GString *h, double v)
{
	if (isnan(v))
		g_string_append(h, "<td>–</td>");
	else
		g_string_append_printf(h, "<td>%.3f</td>", v);
}

/* The console's KD words: "52 modules, 3 DbgPrint, bugcheck 0xD1" */
static void kd_cell(GString *h, const struct an_vm_result *m)
{
	GString *s = g_string_new(NULL);

	if (m)
		report_kd_figures(s, m);
	rp_esc(h, s->len > 2 ? s->str + 2 : "–");	/* less the ", " */
	g_string_free(s, TRUE);
}

/* The why cell: the scenario's reason when it did not pass, and the VM's
 * finding in words (result.json's "why") when its outcome is not
 * "connected" */
static void why_cell(GString *h, const struct scenario_result *r,
		     const struct vm_result *v)
{
	bool finding = v && v->measured && v->m.outcome != AN_CONNECTED &&
		       v->m.why[0];

	if (r->verdict != V_PASS && r->reason[0]) {
		rp_esc(h, r->reason);
		if (finding)
			g_string_append(h, "; ");
	}
	if (finding)
		rp_esc(h, v->m.why);
}

static void row(GString *h, const struct rp_item *it, const struct vm_result *v)
{
	const struct an_vm_result *m = v ? &v->m : NULL;

	g_string_append_printf(h, "<tr><td><a href=\"#%s\">", it->anchor);
	rp_esc(h, it->r->name);
	g_string_append(h, "</a></td><td>");
	verdict_span(h, it->r->verdict);
	g_string_append(h, "</td><td>");
	rp_esc(h, v ? v->name : "–");
	g_string_append(h, "</td><td>");
	rp_esc(h, v && v->measured ? an_outcome_name(m->outcome) : "–");
	g_string_append(h, "</td>");
	cell_num(h, m ? (isnan(m->connect_s) ? m->serial_connect_s : m->connect_s) : NAN);
	cell_num(h, m ? m->dhcp_phase_s : NAN);
	g_string_append(h, "<td>");
	rp_esc(h, m && m->address[0] ? m->address : "–");
	if (m && m->address_source)
		g_string_append_printf(h, " (%s)", m->address_source);
	g_string_append(h, "</td><td>");
	rp_esc(h, !m ? "–" : m->has_debug_nic ? m->debug_nic.name :
	       m->serial_port[0] ? m->serial_port : "–");
	g_string_append(h, "</td><td>");
	kd_cell(h, m);
	g_string_append(h, "</td><td>");
	why_cell(h, it->r, v);
	g_string_append(h, "</td></tr>\n");
}

static void table_html(GString *h, const struct rp_screen *s)
{
	g_string_append(h, "<h2>All scenarios (failed first)</h2>\n<div class=\"scroll\">"
		"<table><tr><th>scenario</th><th>verdict</th><th>VM</th><th>outcome"
		"</th><th>connect s</th><th>DHCP phase s</th><th>address</th>"
		"<th>debug NIC</th><th>KD</th><th>why</th></tr>\n");
	for (size_t i = 0; i < s->n_items; i++) {
		const struct rp_item *it = &s->items[i];

		if (!rp_listed(s, it))
			continue;
		if (!it->r->n_vms)	/* skipped before it ran: still a row */
			row(h, it, NULL);
		for (size_t j = 0; j < it->r->n_vms; j++)
			row(h, it, &it->r->vms[j]);
	}
	g_string_append(h, "</table></div>\n");
}

static void legend_html(GString *h)
{
	g_string_append(h, "<p class=\"legend\">");
	for (int k = 0; k < RP_KINDS; k++) {	/* every kind, each its own */
		const char *pat = rp_kind_pattern(k);

		g_string_append_printf(h, "<span><svg xmlns=\"http://www.w3.org/2000/svg\" "
			"width=\"22\" height=\"12\" aria-hidden=\"true\"><rect width=\"22\" "
			"height=\"12\" fill=\"%s\" stroke=\"#555\"/>", rp_kind_fill(k));
		if (pat)
			g_string_append_printf(h, "<rect width=\"22\" height=\"12\" "
					       "fill=\"url(#%s)\"/>", pat);
		g_string_append_printf(h, "</svg> %s%s</span>", rp_kind_bad(k) ?
				       "✗ " : "", rp_kind_name(k));
	}
	g_string_append(h, "<span>▮ power-on · ↻ reboot · ✓ connected · ▼▲ KD RESET "
			"from the VM / to it · small marks: wire events (hover)</span></p>\n");
}

static void section_html(GString *h, const struct rp_screen *s,
			 const struct rp_item *it)
{
	g_string_append_printf(h, "<section class=\"sc\" id=\"%s\"><h3>", it->anchor);
	verdict_span(h, it->r->verdict);
	g_string_append(h, " ");
	rp_esc(h, it->r->name);
	g_string_append(h, "</h3>\n");
	if (it->r->description[0]) {
		g_string_append(h, "<p class=\"desc\">");
		rp_esc(h, it->r->description);
		g_string_append(h, "</p>\n");
	}
	if (it->r->verdict != V_PASS) {
		g_string_append(h, "<p>");
		rp_esc(h, it->r->reason);
		g_string_append(h, "</p>\n");
	}
	if (it->r->n_attempts > 1) {	/* kdh run --retries */
		char buf[160];

		g_string_append_printf(h, "<p class=\"%s\">%s ",
				       css_of[it->r->verdict],
				       rp_verdict_glyph(it->r->verdict));
		rp_esc(h, report_attempts(it->r, buf, sizeof(buf)));
		g_string_append(h, "</p>\n");
	}
	files_html(h, it);
	kd_html(h, it);
	rp_lanes(h, it->r);
	rp_trends(h, s, it->r);
	g_string_append(h, "</section>\n");
}

/**
 * report_html_write() - the page for @n runs (the last one in detail)
 * @path:	HTML file (written atomically; "-": standard output)
 * @runs:	the runs, oldest first
 * @n:		their count (at least 1)
 *
 * Return: 0 or a negative errno
 */
int report_html_write(const char *path, const struct report_run *runs, size_t n)
{
	return rp_html_write(path, runs, n, NULL);
}

/* The page of @s, its matrices drawn */
static void page(GString *h, const struct rp_screen *s)
{
	g_string_append_printf(h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/"
		"1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><meta "
		"name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
		"<title>kdh report</title><style>%s%s</style></head><body>\n%s",
		css_text, rp_mx_css, defs_svg);
	heading(h, s);
	failed_html(h, s);
	skipped_html(h, s);
	rp_mx_html(h, s);
	provenance_html(h, s);
	if (rp_listed_count(s, 0, s->n_items))
		table_html(h, s);
	if (!rp_listed_count(s, 0, s->n_items)) {	/* matrices only */
		g_string_append(h, "</body></html>\n");
		return;
	}
	g_string_append(h, "<h2>Boot stories, from the wire</h2>\n");
	legend_html(h);
	if (s->n_runs == 1)
		g_string_append(h, "<p>One run given: trends only where it was "
				"compared with a baseline (kdh report RUN1 RUN2 ... "
				"draws them across runs, oldest first).</p>\n");
	for (size_t i = 0; i < s->n_items; i++)
		if (rp_listed(s, &s->items[i]))
			section_html(h, s, &s->items[i]);
	g_string_append(h, "</body></html>\n");
}

/**
 * rp_html_write() - report_html_write() with the matrices drawn as @v asks
 * @path:	HTML file (written atomically; "-": standard output)
 * @runs:	the runs, oldest first
 * @n:		their count (at least 1)
 * @v:		--rows, --cols; NULL: the defaults
 *
 * Return: 0 or a negative errno (-EINVAL: @v names an axis a matrix of
 * the last run does not have; nothing is written)
 */
int rp_html_write(const char *path, const struct report_run *runs, size_t n,
		  const struct rp_view *v)
{
	GString *h;
	struct rp_screen s;
	struct rp_mxs mx;
	int rc;

	if ((rc = rp_screen_view(&s, &mx, runs, n, path, v)))
		return rc;
	h = g_string_new(NULL);
	page(h, &s);
	rc = write_file_atomic(path, h->str, h->len);
	g_string_free(h, TRUE);
	rp_screen_free(&s);
	rp_mxs_free(&mx);
	return rc;
}
