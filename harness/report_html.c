// SPDX-License-Identifier: GPL-2.0-or-later
/* report_html.c - `kdh report RUN... --html FILE`: one self-contained page
 * (no scripts, no fetches): the last run's scenarios with verdicts and
 * figures, an SVG timeline per VM (power-on, DHCP, 169.254 probes, first
 * KDNET packet, connection), and trend charts of each figure across the
 * runs given, oldest first.  Well-formed XML, so xmllint can check it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/report.h"

#define TL_W	640
#define TL_H	44
#define TR_W	220
#define TR_H	60

struct runs {
	GArray **rs;			/* struct scenario_result, per run */
	char **names;
	uint64_t *seeds;
	size_t n;
};

static const char *event_colour(const char *text)
{
	if (g_str_has_prefix(text, "DHCPDISCOVER"))
		return "#4a78c2";
	if (g_str_has_prefix(text, "DHCP"))
		return "#2a9d8f";
	if (strstr(text, "RFC 3927") || strstr(text, "announcement"))
		return "#e76f51";
	if (g_str_has_prefix(text, "first KDNET"))
		return "#8e44ad";
	if (g_str_has_prefix(text, "connected"))
		return "#2e7d32";
	if (strstr(text, "does not verify"))
		return "#c62828";
	return "#888888";
}

static void esc(GString *h, const char *s)
{
	gchar *e = g_markup_escape_text(s ? s : "", -1);

	g_string_append(h, e);
	g_free(e);
}

static void timeline_svg(GString *h, const struct vm_result *v)
{
	const struct an_vm_result *m = &v->m;
	double end = 1;

	for (unsigned i = 0; i < m->n_timeline; i++)
		end = fmax(end, m->timeline[i].t);
	end *= 1.05;
	g_string_append_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" role=\"img\"><title>timeline of %s"
		"</title><line x1=\"10\" y1=\"24\" x2=\"%d\" y2=\"24\" stroke=\"#444\"/>"
		"<text x=\"10\" y=\"40\" font-size=\"10\">power on</text>"
		"<text x=\"%d\" y=\"40\" font-size=\"10\" text-anchor=\"end\">%.1f s"
		"</text><rect x=\"8\" y=\"14\" width=\"4\" height=\"20\" fill=\"#000\"/>",
		TL_W, TL_H, v->name, TL_W - 10, TL_W - 10, end);
	for (unsigned i = 0; i < m->n_timeline; i++) {
		double x = 10 + (TL_W - 20) * m->timeline[i].t / end;

		g_string_append_printf(h, "<rect x=\"%.1f\" y=\"12\" width=\"3\" "
			"height=\"24\" fill=\"%s\"><title>%.3f s: ", x,
			event_colour(m->timeline[i].text), m->timeline[i].t);
		esc(h, m->timeline[i].text);
		g_string_append(h, "</title></rect>");
	}
	g_string_append(h, "</svg>");
}

static void fig(GString *h, double v)
{
	if (isnan(v))
		g_string_append(h, "<td>-</td>");
	else
		g_string_append_printf(h, "<td>%.3f</td>", v);
}

static void row(GString *h, const struct scenario_result *r, const struct vm_result *v)
{
	static const char *const css[V_COUNT] = { "pass", "fail", "skip", "error",
						  "interrupted" };
	const struct an_vm_result *m = &v->m;

	g_string_append_printf(h, "<tr class=\"%s\"><td>", css[r->verdict]);
	esc(h, r->name);
	g_string_append_printf(h, "</td><td>%s</td><td>", verdict_name(r->verdict));
	esc(h, v->name);
	g_string_append(h, "</td><td>");
	esc(h, v->measured ? an_outcome_name(m->outcome) : "-");
	g_string_append(h, "</td>");
	fig(h, m->connect_s);
	fig(h, m->dhcp_phase_s);
	g_string_append_printf(h, "<td>%u</td><td>", m->discover_count);
	esc(h, m->address[0] ? m->address : "-");
	g_string_append_printf(h, " %s</td><td>%s</td><td>", m->address_source ?
			       m->address_source : "", m->has_debug_nic ?
			       m->debug_nic.name : "-");
	esc(h, r->verdict == V_PASS ? "" : r->reason);
	g_string_append(h, "</td></tr>\n");
}

/* One figure of one VM across the runs: a small line chart */
static void trend_svg(GString *h, const struct runs *rs, const char *sc,
		      const char *vm, int which)
{
	double val[64], hi = 0;
	size_t n = 0;

	for (size_t k = 0; k < rs->n && n < 64; k++) {
		GArray *a = rs->rs[k];

		val[n] = NAN;
		for (guint i = 0; i < a->len; i++) {
			struct scenario_result *r = &g_array_index(a, struct scenario_result, i);

			for (size_t j = 0; j < r->n_vms && !strcmp(r->name, sc); j++)
				if (!strcmp(r->vms[j].name, vm))
					val[n] = which ? r->vms[j].m.dhcp_phase_s :
						 r->vms[j].m.connect_s;
		}
		hi = isnan(val[n]) ? hi : fmax(hi, val[n]);
		n++;
	}
	g_string_append_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\"><title>%s across %zu runs</title>"
		"<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\"/>",
		TR_W, TR_H, which ? "dhcp_phase_s" : "connect_time_s", n, TR_W, TR_H);
	for (size_t k = 0; k < n; k++) {
		double x = n > 1 ? 8 + (TR_W - 16) * (double)k / (double)(n - 1) : TR_W / 2.0;
		double y = isnan(val[k]) || hi <= 0 ? TR_H - 8 :
			   TR_H - 8 - (TR_H - 16) * val[k] / hi;

		g_string_append_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
			"fill=\"%s\"><title>run %zu: ", x, y,
			isnan(val[k]) ? "#bbb" : "#4a78c2", k + 1);
		if (isnan(val[k]))
			g_string_append(h, "none");
		else
			g_string_append_printf(h, "%.3f s", val[k]);
		g_string_append(h, "</title></circle>");
	}
	g_string_append(h, "</svg>");
}

static const char css_text[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse;font-size:13px}"
	"td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}"
	"tr.pass td:nth-child(2){color:#2e7d32}tr.fail td:nth-child(2),"
	"tr.error td:nth-child(2){color:#c62828;font-weight:bold}"
	"tr.skip td:nth-child(2){color:#888}tr.interrupted td:nth-child(2)"
	"{color:#e65100}h2{margin-top:1.5em}"
	".legend span{display:inline-block;margin-right:1em}"
	".trend{display:inline-block;margin:0 1em 1em 0;font-size:12px}";

static void legend(GString *h)
{
	static const char *const keys[][2] = {
		{ "#4a78c2", "DHCPDISCOVER" }, { "#2a9d8f", "DHCP offer/ack" },
		{ "#e76f51", "169.254 probes/announcements" },
		{ "#8e44ad", "first KDNET" }, { "#2e7d32", "connected" },
		{ "#c62828", "wrong key" }, { "#888888", "ARP" },
	};

	g_string_append(h, "<p class=\"legend\">");
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		g_string_append_printf(h, "<span><svg xmlns=\"http://www.w3.org/2000/"
			"svg\" width=\"10\" height=\"10\"><rect width=\"10\" "
			"height=\"10\" fill=\"%s\"/></svg> %s</span>", keys[i][0],
			keys[i][1]);
	g_string_append(h, "</p>\n");
}

/**
 * report_html_write() - the page for @n runs (the last one in detail)
 * @path:	HTML file (written atomically)
 * @rs:		per run, its results
 * @names:	per run, where it came from
 * @seeds:	per run, its seed
 * @n:		runs
 *
 * Return: 0 or a negative errno
 */
int report_html_write(const char *path, GArray **rs, char **names,
		      const uint64_t *seeds, size_t n)
{
	struct runs runs = { rs, names, (uint64_t *)seeds, n };
	GArray *last = rs[n - 1];
	GString *h = g_string_new(NULL);
	struct run_totals t;
	int rc;

	report_totals((struct scenario_result *)last->data, last->len, &t);
	g_string_append_printf(h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/"
		"1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><title>kdh "
		"report</title><style>%s</style></head><body>\n<h1>kdh report</h1>\n"
		"<p>", css_text);
	esc(h, names[n - 1]);
	g_string_append_printf(h, ": %u scenarios, %zu passed, %zu failed, %zu "
		"skipped, %zu errors, %zu interrupted; seed %llu; %.0f s simulated.  "
		"%zu run%s "
		"in the trends.</p>\n<table><tr><th>scenario</th><th>verdict</th>"
		"<th>VM</th><th>outcome</th><th>connect_time_s</th><th>dhcp_phase_s"
		"</th><th>DISCOVERs</th><th>address</th><th>debug NIC</th><th>why"
		"</th></tr>\n", last->len, t.pass, t.fail, t.skip, t.error,
		t.interrupted, (unsigned long long)seeds[n - 1], t.sim_s, n, n == 1 ? "" : "s");
	for (guint i = 0; i < last->len; i++) {
		struct scenario_result *r = &g_array_index(last, struct scenario_result, i);

		for (size_t j = 0; j < r->n_vms; j++)
			row(h, r, &r->vms[j]);
	}
	g_string_append(h, "</table>\n<h2>Timelines (seconds from power-on)</h2>\n");
	legend(h);
	for (guint i = 0; i < last->len; i++) {
		struct scenario_result *r = &g_array_index(last, struct scenario_result, i);

		for (size_t j = 0; j < r->n_vms; j++) {
			g_string_append(h, "<h3>");
			esc(h, r->name);
			g_string_append(h, " / ");
			esc(h, r->vms[j].name);
			g_string_append(h, "</h3>\n");
			timeline_svg(h, &r->vms[j]);
			g_string_append(h, "\n<h4>trends</h4>\n<div class=\"trend\">"
					"connect_time_s<br/>");
			trend_svg(h, &runs, r->name, r->vms[j].name, 0);
			g_string_append(h, "</div><div class=\"trend\">dhcp_phase_s<br/>");
			trend_svg(h, &runs, r->name, r->vms[j].name, 1);
			g_string_append(h, "</div>\n");
		}
	}
	g_string_append(h, "</body></html>\n");
	rc = write_file_atomic(path, h->str, h->len);
	g_string_free(h, TRUE);
	return rc;
}
