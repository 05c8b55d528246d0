// SPDX-License-Identifier: GPL-2.0-or-later
/* report_text.c - `kdh report RUN... --text`: the HTML page's first
 * screen for a terminal, from the same model (report_model.c):
 *
 *   kdh report: results/run-...: 2 failed, 0 errors, 1 skipped, 21 passed
 *   FAILED
 *     FAIL  fail-connect  (new in this run (passed before))
 *           /tmp/s/fail-connect.kdh:19: expected connect_time < 2s, got 4.000s
 *           files: results/run-.../fail-connect/
 *   SKIPPED
 *     SKIP  vm-dhcp-off: requires the agent image ...
 *   PASSED  21: busparams-absent, ...
 *   PROVENANCE
 *     kdh 0.1.0, date ..., host ...
 */
#include <stdio.h>
#include <string.h>

#include "harness/report_priv.h"

static const char *const tag[V_COUNT] = { "PASS", "FAIL", "SKIP", "ERROR", "INTR" };

static void failed_text(FILE *out, const struct rp_screen *s)
{
	if (!s->n_failed)
		return;
	fprintf(out, "FAILED\n");
	for (size_t i = 0; i < s->n_failed; i++) {
		const struct rp_item *it = &s->items[i];
		const struct scenario_result *r = it->r;
		char *since = rp_streak_text(s, it);

		fprintf(out, "  %-5s %s%s%s%s\n", tag[r->verdict], r->name,
			since ? "  (" : "", since ? since : "", since ? ")" : "");
		for (size_t k = 0; k < (r->n_findings ? r->n_findings : 1); k++) {
			char *text = rp_finding_text(r, r->n_findings ?
						     &r->findings[k] : NULL);

			fprintf(out, "        %s\n", text);
			g_free(text);
		}
		if (r->n_findings && r->failed > r->n_findings)
			fprintf(out, "        and %zu more\n",
				(size_t)r->failed - r->n_findings);
		if (it->n_files) {
			char *dir = g_path_get_dirname(it->files[0].path);

			fprintf(out, "        files: %s/\n", dir);
			g_free(dir);
		}
		g_free(since);
	}
}

static void skipped_text(FILE *out, const struct rp_screen *s)
{
	if (!s->n_skipped)
		return;
	fprintf(out, "SKIPPED\n");
	for (size_t i = s->n_failed; i < s->n_failed + s->n_skipped; i++)
		fprintf(out, "  SKIP  %s: %s\n", s->items[i].r->name,
			s->items[i].r->reason[0] ? s->items[i].r->reason :
			"no reason recorded");
}

static void passed_text(FILE *out, const struct rp_screen *s)
{
	size_t from = s->n_failed + s->n_skipped;

	if (from == s->n_items)
		return;
	fprintf(out, "PASSED  %zu:", s->n_items - from);
	for (size_t i = from; i < s->n_items; i++)
		fprintf(out, "%s %s", i == from ? "" : ",", s->items[i].r->name);
	fprintf(out, "\n");
}

struct prov_line {
	FILE *out;
	int n;
};

static void prov_field(void *opaque, const char *name, const char *value)
{
	struct prov_line *p = opaque;

	fprintf(p->out, "%s%s %s", p->n++ % 5 ? ", " : "\n  ", name, value);
}

/**
 * report_text_print() - the first screen of @n runs, for a terminal
 * @out:	stream
 * @runs:	the runs, oldest first
 * @n:		their count (at least 1)
 *
 * Return: 0, or a negative errno
 */
int report_text_print(FILE *out, const struct report_run *runs, size_t n)
{
	struct rp_screen s;
	struct prov_line p = { out, 0 };
	int rc = rp_screen_build(&s, runs, n, NULL);

	if (rc)
		return rc;
	fprintf(out, "kdh report: %s: %zu failed, %zu error%s, %zu interrupted, "
		"%zu skipped, %zu passed", s.last->name, s.t.fail, s.t.error,
		s.t.error == 1 ? "" : "s", s.t.interrupted, s.t.skip, s.t.pass);
	if (s.regressions)
		fprintf(out, "; %zu regression%s", s.regressions,
			s.regressions == 1 ? "" : "s");
	if (s.last->scenarios > s.last->n)
		fprintf(out, "; interrupted: %zu of %zu scenarios ran", s.last->n,
			s.last->scenarios);
	fprintf(out, " (%zu run%s given)\n", n, n == 1 ? "" : "s");
	failed_text(out, &s);
	skipped_text(out, &s);
	passed_text(out, &s);
	fprintf(out, "PROVENANCE");
	rp_provenance(&s, prov_field, &p);
	fprintf(out, "\n");
	rp_screen_free(&s);
	return fflush(out) ? -EIO : 0;
}
