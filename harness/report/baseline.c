// SPDX-License-Identifier: GPL-2.0-or-later
/* baseline.c - regressions against a stored run (a previous --json or
 * summary.json), within thresholds
 *
 * For every scenario and VM found in both, each duration and count may
 * move from its baseline value by what the scenario's [thresholds] allow,
 * else by the defaults below; an outcome that changed, or a figure that
 * appeared or vanished, is a regression too.  A regression fails the
 * scenario with both values and the allowance.
 *
 * The stored run is read whole when loaded, every member checked as
 * `kdh report` reads it: a wrong one stops the run before it starts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/report/report_priv.h"
#include "kdh/report/baseline.h"

struct baseline {
	GArray *rs;			/* struct scenario_result */
};

static const struct {
	enum sc_metric metric;
	const char *key;		/* in the JSON */
	const char *allow;		/* default threshold */
} watched[] = {
	{ M_CONNECT_TIME, "connect_time_s", "+20% or +2s" },
	{ M_DHCP_PHASE, "dhcp_phase_s", "±10% or ±2s" },
	{ M_FIRST_KDNET, "first_kdnet_s", "+20% or +2s" },
	{ M_LOGO_HANG, "logo_hang_s", "+20% or +2s" },
	{ M_DISCOVER_COUNT, "discover_count", "+2" },
};

/**
 * baseline_load() - read a stored run
 * @path:	its summary JSON (or its run directory)
 * @err:	reason on failure ("PATH: what is wrong")
 * @errlen:	its size
 *
 * Return: baseline, or NULL with @err filled
 */
struct baseline *baseline_load(const char *path, char *err, size_t errlen)
{
	struct baseline *b = calloc(1, sizeof(*b));
	uint64_t seed = 0;

	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	b->rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	if (report_summary_load(path, b->rs, &seed, err, errlen, false, NULL,
				NULL)) {
		baseline_free(b);
		return NULL;
	}
	return b;
}

/** baseline_free() - release a baseline (NULL is fine) */
void baseline_free(struct baseline *b)
{
	if (!b)
		return;
	if (b->rs)
		g_array_free(b->rs, TRUE);
	free(b);
}

/**
 * threshold_allows() - whether @now is within @t of @old
 * @t:		allowance
 * @old:	baseline value
 * @now:	this run's
 *
 * Return: true when allowed
 */
bool threshold_allows(const struct sc_threshold *t, double old, double now)
{
	double up = fmax(fabs(old) * t->up_pct / 100, t->up_abs);
	double down = fmax(fabs(old) * t->down_pct / 100, t->down_abs);

	if (now > old)
		return !t->up || now - old <= up + 1e-9;
	return !t->down || old - now <= down + 1e-9;
}

/* @r's entry in @b: the same name and, for a cell, the same label (a
 * reordered axis gives a cell index another configuration) */
static const struct scenario_result *find_scenario(const struct baseline *b,
						   const struct scenario_result *r)
{
	for (guint i = 0; i < b->rs->len; i++) {
		const struct scenario_result *o =
			&g_array_index(b->rs, struct scenario_result, i);

		if (!strcmp(o->name, r->name) &&
		    !strcmp(o->cell_label, r->cell_label))
			return o;
	}
	return NULL;
}

/**
 * baseline_missing() - why @r is not compared with @b, for the console
 * @b:		baseline
 * @r:		a result
 * @why:	out: "NAME[label] is not in the baseline ..."
 * @len:	its size
 *
 * Return: true when @b has no entry of @r's name and label
 */
bool baseline_missing(const struct baseline *b, const struct scenario_result *r,
		      char *why, size_t len)
{
	if (find_scenario(b, r))
		return false;
	for (guint i = 0; i < b->rs->len; i++) {
		const struct scenario_result *o =
			&g_array_index(b->rs, struct scenario_result, i);

		if (!strcmp(o->name, r->name)) {
			snprintf(why, len, "%s [%s] is not in the baseline (its "
				 "%s there is [%s], another configuration): not "
				 "compared", r->name, r->cell_label, o->name,
				 o->cell_label);
			return true;
		}
	}
	snprintf(why, len, "%s%s%s%s is not in the baseline: not compared",
		 r->name, r->is_cell ? " [" : "", r->cell_label,
		 r->is_cell ? "]" : "");
	return true;
}

static const struct vm_result *find_vm(const struct scenario_result *r,
				       const char *name)
{
	for (size_t i = 0; i < r->n_vms; i++)
		if (!strcmp(r->vms[i].name, name))
			return &r->vms[i];
	return NULL;
}

static double figure(const struct an_vm_result *m, enum sc_metric k)
{
	switch (k) {
	case M_CONNECT_TIME:	return m->connect_s;
	case M_SERIAL_CONNECT_TIME: return m->serial_connect_s;
	case M_DHCP_PHASE:	return m->dhcp_phase_s;
	case M_FIRST_KDNET:	return m->first_kdnet_s;
	case M_LOGO_HANG:	return m->logo_hang_s;
	case M_DISCOVER_COUNT:	return m->discover_count;
	default:		return NAN;
	}
}

/* The range @t allows around @old: what a report draws as a band */
static void band_of(const struct sc_threshold *t, double old, struct run_band *b)
{
	b->was = old;
	b->low = t->down ? old - fmax(fabs(old) * t->down_pct / 100, t->down_abs) :
		 -INFINITY;
	b->high = t->up ? old + fmax(fabs(old) * t->up_pct / 100, t->up_abs) :
		  INFINITY;
	snprintf(b->allowed, sizeof(b->allowed), "%s", t->text);
}

/* Fail @r: the first regression becomes its reason, each one a finding */
static void regress(const struct scenario *sc, struct scenario_result *r,
		    const struct vm_result *v, const char *key, const char *now,
		    const char *was, const struct sc_threshold *t)
{
	struct run_finding *f = run_finding_add(r);
	char why[300];

	snprintf(why, sizeof(why), "%s %s %s, was %s", v->name, key, now, was);
	if (t)
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 " (allowed %s)", t->text);
	if (!r->failed++)
		snprintf(r->reason, sizeof(r->reason), "%s: regression: %s",
			 sc->file, why);
	r->verdict = V_FAIL;
	if (!f)
		return;
	f->regression = true;
	f->line = t ? t->line : 0;
	snprintf(f->vm, sizeof(f->vm), "%s", v->name);
	snprintf(f->metric, sizeof(f->metric), "%s", key);
	snprintf(f->expected, sizeof(f->expected), "%s", t ? t->text :
		 "the baseline's outcome");
	snprintf(f->got, sizeof(f->got), "%s", now);
	snprintf(f->was, sizeof(f->was), "%s", was);
}

/* The allowance for watched figure @i: the scenario's, else the default */
static void allowance(const struct scenario *sc, size_t i, struct sc_threshold *t)
{
	char e[128];

	for (size_t k = 0; k < sc->n_thresholds; k++)
		if (sc->thresholds[k].metric == watched[i].metric) {
			*t = sc->thresholds[k];
			return;
		}
	sc_threshold_parse(sc_metric_name(watched[i].metric), watched[i].allow,
			   t, e, sizeof(e));
	t->line = 0;
}

static void figure_check(const struct scenario *sc, struct scenario_result *r,
			 struct vm_result *v, const struct vm_result *old,
			 size_t i)
{
	double now = figure(&v->m, watched[i].metric);
	double then = figure(&old->m, watched[i].metric);
	char nowtxt[32] = "none", was[32];
	struct run_band *b = NULL;
	struct sc_threshold t;

	allowance(sc, i, &t);
	if (!isnan(now))
		snprintf(nowtxt, sizeof(nowtxt), "%.3f", now);
	if (isnan(then)) {
		if (!isnan(now))
			regress(sc, r, v, watched[i].key, nowtxt, "none", NULL);
		return;
	}
	if (v->n_bands < RUN_MAX_BANDS) {
		b = &v->bands[v->n_bands++];
		snprintf(b->key, sizeof(b->key), "%s", watched[i].key);
		band_of(&t, then, b);
	}
	if (isnan(now) || !threshold_allows(&t, then, now)) {
		snprintf(was, sizeof(was), "%.3f", then);
		regress(sc, r, v, watched[i].key, nowtxt, was, &t);
		if (b)
			b->regressed = true;
	}
}

static void vm_check(const struct scenario *sc, struct scenario_result *r,
		     struct vm_result *v, const struct vm_result *old)
{
	if (old->measured && old->m.outcome != v->m.outcome)
		regress(sc, r, v, "outcome", an_outcome_name(v->m.outcome),
			an_outcome_name(old->m.outcome), NULL);
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		figure_check(sc, r, v, old, i);
}

/**
 * baseline_check() - fail @r for every regression against @b
 * @b:		baseline
 * @sc:		the scenario (its thresholds)
 * @r:		its result (verdict, reason, failed count updated)
 *
 * Return: regressions found (0 when the scenario is not in the baseline)
 */
unsigned baseline_check(const struct baseline *b, const struct scenario *sc,
			struct scenario_result *r)
{
	const struct scenario_result *old = find_scenario(b, r);
	unsigned before = r->failed;

	if (!old || r->verdict == V_SKIP || r->verdict == V_ERROR ||
	    r->verdict == V_INTERRUPTED)	/* its figures stop part way */
		return 0;
	for (size_t i = 0; i < r->n_vms; i++) {
		const struct vm_result *ov = find_vm(old, r->vms[i].name);

		if (ov && r->vms[i].measured)
			vm_check(sc, r, &r->vms[i], ov);
	}
	return r->failed - before;
}
