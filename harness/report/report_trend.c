// SPDX-License-Identifier: GPL-2.0-or-later
/* report_trend.c - a figure of one VM across the runs given, oldest
 * first: a small chart with a value axis (round ticks, the unit named
 * on each and as the axis title: seconds or count), a run axis (each
 * run's day, or time of day, to the second when runs share a minute, from
 * its provenance; thinned so labels never overlap), the
 * baseline and its allowance as a band (from the newest run that was
 * compared with one), regressions marked ✗ and a missing
 * value drawn as a hollow mark at the bottom labelled "n/a", never as 0.
 * A caption under each chart says the same in words.  A figure that never
 * changes (same value in every run, none missing or regressed) gets no
 * chart: one line under the charts names them all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness/report/report_priv.h"

#define TR_W		330
#define TR_H		160
#define TR_L		46		/* value labels */
#define TR_R		12
#define TR_T		10
#define TR_B		36		/* run labels and caption */
#define TR_MAX_RUNS	64		/* the newest ones, when given more */

/* The headline figures get a chart whenever they have a value; the
 * others only where a run regressed on them */
static const struct {
	const char *key;
	bool headline;
} figures[] = {
	{ "connect_time_s", true }, { "serial_connect_time_s", true },
	{ "dhcp_phase_s", true }, { "first_kdnet_s", false },
	{ "logo_hang_s", false }, { "discover_count", false },
};

/**
 * struct series - one figure of one VM, per run
 * @val:	NAN where the run lacks the scenario, the VM or the figure
 * @band:	the run's baseline comparison of the figure, NULL if none
 */
struct series {
	const char *key;
	size_t n, first;		/* runs drawn: first .. first + n - 1 */
	double val[TR_MAX_RUNS];
	const struct run_band *band[TR_MAX_RUNS];
	const struct run_band *shown;	/* the newest band */
	double top;
	int64_t when[TR_MAX_RUNS];	/* each run's start, -1 unknown */
};

static const struct vm_result *vm_of(const struct scenario_result *r,
				     const char *vm)
{
	for (size_t j = 0; j < r->n_vms; j++)
		if (!strcmp(r->vms[j].name, vm) && r->vms[j].measured)
			return &r->vms[j];
	return NULL;
}

/* VM @vm of scenario @sc in @run; @hint is where @sc is in the last run,
 * looked at first: runs of one suite hold it at the same place, and a
 * 10,000-cell run would otherwise search all of them for each */
static const struct vm_result *vm_in(const struct report_run *run,
				     const char *sc, const char *vm,
				     size_t hint)
{
	if (hint < run->n && !strcmp(run->rs[hint].name, sc))
		return vm_of(&run->rs[hint], vm);
	for (size_t i = 0; i < run->n; i++)
		if (!strcmp(run->rs[i].name, sc))
			return vm_of(&run->rs[i], vm);
	return NULL;
}

/* Gather @key; false when there is nothing worth a chart */
static bool series_of(const struct rp_screen *s, const char *sc, const char *vm,
		      size_t hint, size_t fig, struct series *z)
{
	const char *key = figures[fig].key;
	bool any = false, regressed = false;

	memset(z, 0, sizeof(*z));
	z->key = key;
	z->first = s->n_runs > TR_MAX_RUNS ? s->n_runs - TR_MAX_RUNS : 0;
	z->n = s->n_runs - z->first;
	for (size_t k = 0; k < z->n; k++) {
		const struct vm_result *v = vm_in(&s->runs[z->first + k], sc, vm,
						  hint);

		z->when[k] = s->runs[z->first + k].when;

		z->val[k] = v ? rp_figure(&v->m, key) : NAN;
		for (size_t b = 0; v && b < v->n_bands; b++)
			if (!strcmp(v->bands[b].key, key)) {
				z->shown = z->band[k] = &v->bands[b];
				regressed |= v->bands[b].regressed;
			}
		any |= !isnan(z->val[k]);
		z->top = isnan(z->val[k]) ? z->top : fmax(z->top, z->val[k]);
	}
	if (z->shown) {
		z->top = fmax(z->top, z->shown->was);
		if (isfinite(z->shown->high))
			z->top = fmax(z->top, z->shown->high);
	}
	if (!figures[fig].headline)
		return regressed;
	return any && (z->shown || z->n > 1);
}

static double px(const struct series *z, size_t k)
{
	return z->n > 1 ? TR_L + 8 + (TR_W - TR_L - TR_R - 16) * (double)k /
			  (double)(z->n - 1) : (TR_L + TR_W - TR_R) / 2.0;
}

static double py(double v, double top)
{
	return TR_H - TR_B - (TR_H - TR_B - TR_T) * fmin(fmax(v, 0), top) / top;
}

static void value_axis(GString *h, double top, double step, const char *unit)
{
	char num[24];

	g_string_append_printf(h, "<text x=\"9\" y=\"%d\" class=\"ax\" "
		"text-anchor=\"middle\" transform=\"rotate(-90 9 %d)\">%s</text>",
		(TR_T + TR_H - TR_B) / 2, (TR_T + TR_H - TR_B) / 2,
		*unit ? "seconds" : "count");
	for (double v = 0; v <= top + step * 1e-6; v += step) {
		rp_num(num, sizeof(num), v, step);
		g_string_append_printf(h, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
			"y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
			"class=\"ax\" text-anchor=\"end\">%s%s</text>", TR_L, py(v, top),
			TR_W - TR_R, py(v, top), TR_L - 4, py(v, top) + 3.5, num, unit);
	}
	g_string_append_printf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#333\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#333\"/>", TR_L, TR_T, TR_L, TR_H - TR_B, TR_L, TR_H - TR_B,
		TR_W - TR_R, TR_H - TR_B);
}

enum run_label { LABEL_NUMBER, LABEL_DAY, LABEL_TIME, LABEL_SECOND };

/* @t as "12-01" (LABEL_DAY), "23:40" (LABEL_TIME) or "23:40:07"
 * (LABEL_SECOND: runs minutes apart, as kdh run makes them), UTC;
 * false: unknown */
static bool when_text(char *buf, size_t len, enum run_label kind, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (when < 0 || !gmtime_r(&t, &tm))
		return false;
	strftime(buf, len, kind == LABEL_DAY ? "%m-%d" : kind == LABEL_TIME ?
		 "%H:%M" : "%H:%M:%S", &tm);
	return true;
}

/* What tells @z's runs apart in a few characters: their days, else their
 * times of day (to the second when they share a minute); run numbers only
 * when a date is unknown or two coincide to the second */
static enum run_label run_label_kind(const struct series *z)
{
	for (enum run_label kind = LABEL_DAY; kind <= LABEL_SECOND; kind++) {
		bool distinct = true;
		char prev[16] = "", cur[16];

		for (size_t k = 0; k < z->n && distinct; k++) {
			if (!when_text(cur, sizeof(cur), kind, z->when[k]))
				return LABEL_NUMBER;
			distinct = strcmp(cur, prev) != 0;
			memcpy(prev, cur, sizeof(prev));
		}
		if (distinct)
			return kind;
	}
	return LABEL_NUMBER;
}

static void run_axis(GString *h, const struct series *z)
{
	static const char *const title[] = { "run", "run date, UTC",
					     "run time, UTC", "run time, UTC" };
	static const int chars[] = { 3, 5, 5, 8 };
	enum run_label kind = run_label_kind(z);
	size_t fit = (TR_W - TR_L - TR_R) / (chars[kind] * 6 + 8);
	size_t every = z->n > fit ? (z->n + fit - 1) / fit : 1;	/* no overlap */
	char label[16];

	for (size_t k = 0; k < z->n; k++) {
		if (k % every && k != z->n - 1)
			continue;
		if (kind == LABEL_NUMBER ||
		    !when_text(label, sizeof(label), kind, z->when[k]))
			snprintf(label, sizeof(label), "%zu", z->first + k + 1);
		g_string_append_printf(h, "<text x=\"%.1f\" y=\"%d\" class=\"ax\" "
			"text-anchor=\"middle\">%s</text>", px(z, k),
			TR_H - TR_B + 13, label);
	}
	g_string_append_printf(h, "<text x=\"%d\" y=\"%d\" class=\"ax\" "
		"text-anchor=\"end\">%s (oldest → newest)</text>", TR_W - TR_R,
		TR_H - 6, title[kind]);
}

static void bound(char *buf, size_t len, double v, const char *unit,
		  const char *none)
{
	if (isfinite(v))
		snprintf(buf, len, "%.3f%s", v, unit);
	else
		snprintf(buf, len, "%s", none);
}

static void band_svg(GString *h, const struct run_band *b, double top,
		     const char *unit)
{
	double hi = isfinite(b->high) ? b->high : top;
	double lo = isfinite(b->low) ? b->low : 0;
	char lo_t[32], hi_t[32];

	bound(lo_t, sizeof(lo_t), b->low, unit, "no lower bound");
	bound(hi_t, sizeof(hi_t), b->high, unit, "no upper bound");
	g_string_append_printf(h, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" "
		"height=\"%.1f\" fill=\"#009e73\" fill-opacity=\"0.18\" stroke=\"#009e73\" "
		"stroke-dasharray=\"3 2\"><title>allowed: %s to %s (", TR_L,
		py(hi, top), TR_W - TR_L - TR_R, fmax(py(lo, top) - py(hi, top), 1),
		lo_t, hi_t);
	rp_esc(h, b->allowed);
	g_string_append_printf(h, ")</title></rect><line x1=\"%d\" y1=\"%.1f\" "
		"x2=\"%d\" y2=\"%.1f\" stroke=\"#006045\" stroke-dasharray=\"6 3\">"
		"<title>baseline %.3f%s</title></line>", TR_L, py(b->was, top),
		TR_W - TR_R, py(b->was, top), b->was, unit);
}

static void points_svg(GString *h, const struct series *z, double top,
		       const char *unit)
{
	for (size_t k = 0; k + 1 < z->n; k++)
		if (!isnan(z->val[k]) && !isnan(z->val[k + 1]))
			g_string_append_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" "
				"x2=\"%.1f\" y2=\"%.1f\" stroke=\"#0072b2\"/>", px(z, k),
				py(z->val[k], top), px(z, k + 1), py(z->val[k + 1], top));
	for (size_t k = 0; k < z->n; k++) {
		double x = px(z, k), v = z->val[k];
		bool reg = z->band[k] && z->band[k]->regressed;

		if (isnan(v))
			g_string_append_printf(h, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3.5\" "
				"fill=\"#fff\" stroke=\"#555\"><title>run %zu: no value"
				"</title></circle><text x=\"%.1f\" y=\"%d\" class=\"ax\" "
				"text-anchor=\"middle\">n/a</text>", x, TR_H - TR_B,
				z->first + k + 1, x, TR_H - TR_B - 6);
		else if (reg)
			g_string_append_printf(h, "<text x=\"%.1f\" y=\"%.1f\" class=\"rg\" "
				"text-anchor=\"middle\">✗<title>run %zu: %.3f%s, a regression "
				"(baseline %.3f%s)</title></text>", x, py(v, top) + 5,
				z->first + k + 1, v, unit, z->band[k]->was, unit);
		else
			g_string_append_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
				"fill=\"#0072b2\"><title>run %zu: %.3f%s</title></circle>", x,
				py(v, top), z->first + k + 1, v, unit);
	}
}

static void caption(GString *h, const struct series *z, const char *unit)
{
	double last = z->val[z->n - 1];
	size_t missing = 0, reg = 0;

	for (size_t k = 0; k < z->n; k++) {
		missing += isnan(z->val[k]);
		reg += z->band[k] && z->band[k]->regressed;
	}
	g_string_append(h, "<p class=\"cap\">");
	if (isnan(last))
		g_string_append(h, "newest: no value");
	else
		g_string_append_printf(h, "newest: %.3f%s", last, unit);
	if (z->shown) {
		g_string_append_printf(h, "; baseline %.3f%s, allowed ", z->shown->was,
				       unit);
		rp_esc(h, z->shown->allowed);
	}
	if (reg)
		g_string_append_printf(h, "; ✗ %zu regression%s", reg, reg == 1 ? "" : "s");
	if (missing)
		g_string_append_printf(h, "; %zu run%s without it", missing,
				       missing == 1 ? "" : "s");
	g_string_append(h, "</p>");
}

static void chart(GString *h, const struct series *z, const char *vm)
{
	const char *unit = g_str_has_suffix(z->key, "_s") ? " s" : "";
	double top = z->top > 0 ? z->top * 1.1 : 1;
	double step = rp_tick_step(top, 4);

	top = ceil(top / step - 1e-9) * step;
	g_string_append(h, "<figure class=\"trend\"><figcaption>");
	rp_esc(h, vm);
	g_string_append_printf(h, " %s%s</figcaption><svg xmlns=\"http://www.w3.org/"
		"2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\"><title>%s "
		"across %zu runs</title>", z->key, *unit ? " (seconds)" : " (count)",
		TR_W, TR_H, TR_W, z->key, z->n);
	if (z->shown)
		band_svg(h, z->shown, top, unit);
	value_axis(h, top, step, unit);
	run_axis(h, z);
	points_svg(h, z, top, unit);
	g_string_append(h, "</svg>");
	caption(h, z, unit);
	g_string_append(h, "</figure>\n");
}

/* Whether @z never changes: every run has the same value, none regressed
 * (then one line of text says it instead of a chart) */
static bool flat(const struct series *z)
{
	for (size_t k = 0; k < z->n; k++)
		if (isnan(z->val[k]) || z->val[k] != z->val[0] ||
		    (z->band[k] && z->band[k]->regressed))
			return false;
	return z->n > 1;
}

/* "win connect_time_s 4.000 s in all 3 runs" onto @line */
static void flat_text(GString *line, const struct series *z, const char *vm)
{
	const char *unit = g_str_has_suffix(z->key, "_s") ? " s" : "";

	g_string_append(line, line->len ? " · " : "");
	rp_esc(line, vm);
	g_string_append_printf(line, " %s %.3f%s in all %zu runs", z->key,
			       z->val[0], unit, z->n);
}

/**
 * rp_trends() - the trend charts of a scenario's VMs
 * @h:		the page
 * @s:		the screen (its runs)
 * @r:		the scenario, in the last run
 */
void rp_trends(GString *h, const struct rp_screen *s, const struct scenario_result *r)
{
	GString *same = g_string_new(NULL);
	const struct report_run *last = s->last;
	size_t hint = last && r >= last->rs && r < last->rs + last->n ?
		      (size_t)(r - last->rs) : SIZE_MAX;
	struct series z;
	size_t drawn = 0;

	for (size_t i = 0; i < r->n_vms; i++)
		for (size_t f = 0; f < G_N_ELEMENTS(figures); f++) {
			if (!series_of(s, r->name, r->vms[i].name, hint, f, &z))
				continue;
			if (flat(&z)) {		/* folded into one line */
				flat_text(same, &z, r->vms[i].name);
				continue;
			}
			if (!drawn++)
				g_string_append(h, "<div class=\"trends\">\n");
			chart(h, &z, r->vms[i].name);
		}
	if (drawn)
		g_string_append(h, "</div>\n");
	if (same->len)
		g_string_append_printf(h, "<p class=\"flat\">Unchanged across the "
				       "runs: %s</p>\n", same->str);
	g_string_free(same, TRUE);
}
