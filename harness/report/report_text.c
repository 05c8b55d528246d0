// SPDX-License-Identifier: GPL-2.0-or-later
/* report_text.c - `kdh report RUN... --text`: the HTML page's first
 * screen for a terminal, from the same model (report_model.c):
 *
 *   kdh report: results/run-...: 2 failed, 0 errors, 1 skipped, 21 passed
 *   FAILED
 *     FAIL  fail-connect
 *           static network, an impossible connect_time (its description)
 *           new in this run (passed in run-20260101-000000-41)
 *           /tmp/s/fail-connect.kdh:19: expected connect_time < 2s, got 4.000s
 *           files: results/run-.../fail-connect/
 *   SKIPPED
 *     SKIP  vm-dhcp-off: requires the agent image ...
 *   PASSED  21: busparams-absent, ..., (wrapped at 78 columns)
 *               ostype-other, ...
 *   MATRIX kdnet: ... (a run's [matrix] cells, not listed above: its
 *         disagreements with kdh check first; report_matrix_text.c)
 *   KD (what the guests said, from the wire)
 *     kd-bugcheck win: Windows build 26100 (kernel), kernel base ...;
 *           52 modules loaded, 3 DbgPrint lines, 1 break, ...
 *           ✗ bugcheck 0x000000D1 (0x..., 0x..., 0x..., 0x...)
 *           kd.log: results/run-.../kd-bugcheck/kd-win.log
 *   PROVENANCE
 *     kdh 0.1.0, date ..., host ...
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"

static const char *const tag[V_COUNT] = { "PASS", "FAIL", "SKIP", "ERROR", "INTR",
					  "FLAKY" };

#define TEXT_COLS	78	/* a terminal's width, less a column */

/* @lead, then @text's words on lines of at most TEXT_COLS, continued at
 * column @indent; a word longer than a line (a path) still goes whole */
static void para(FILE *out, const char *lead, int indent, const char *text)
{
	gchar **w = g_strsplit(text, " ", -1);
	long col = g_utf8_strlen(lead, -1);
	bool fresh = true;

	fputs(lead, out);
	for (gchar **p = w; *p; p++) {
		long n = g_utf8_strlen(*p, -1);

		if (!fresh && col + 1 + n > TEXT_COLS) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			fresh = true;
		}
		fprintf(out, "%s%s", fresh ? "" : " ", *p);
		col += n + !fresh;
		fresh = false;
	}
	fputc('\n', out);
	g_strfreev(w);
}

/* "win: ✗ bugcheck 0x000000D1 (...)", "win: ✗ stalled 23.1 s ..." under
 * a failed scenario */
static void kd_problems_text(FILE *out, const struct scenario_result *r)
{
	for (size_t i = 0; i < r->n_vms; i++) {
		char *said[2] = { report_kd_bugcheck(&r->vms[i].m),
				  report_kd_stall(&r->vms[i].m) };

		for (int k = 0; k < 2; k++) {
			char *text = said[k] ? g_strdup_printf("%s: ✗ %s",
							       r->vms[i].name,
							       said[k]) : NULL;

			if (text)
				para(out, "        ", 10, text);
			g_free(text);
			g_free(said[k]);
		}
	}
}

static void failed_text(FILE *out, const struct rp_screen *s)
{
	if (!rp_listed_count(s, 0, s->n_failed))
		return;
	fprintf(out, "FAILED\n");
	for (size_t i = 0; i < s->n_failed; i++) {
		const struct rp_item *it = &s->items[i];
		const struct scenario_result *r = it->r;
		char *since, *name;

		if (!rp_listed(s, it))
			continue;	/* a matrix cell: in its matrix */
		since = rp_streak_text(s, it);
		name = report_name(r);

		fprintf(out, "  %-5s %s\n", tag[r->verdict], name);
		g_free(name);
		if (r->description[0])
			para(out, "        ", 8, r->description);
		if (since)
			fprintf(out, "        %s\n", since);
		for (size_t k = 0; k < (r->n_findings ? r->n_findings : 1); k++) {
			char *text = rp_finding_text(r, r->n_findings ?
						     &r->findings[k] : NULL);

			fprintf(out, "        %s\n", text);
			g_free(text);
		}
		if (r->n_findings && r->failed > r->n_findings)
			fprintf(out, "        and %zu more\n",
				(size_t)r->failed - r->n_findings);
		kd_problems_text(out, r);
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
	if (!rp_listed_count(s, s->n_failed, s->n_failed + s->n_skipped))
		return;
	fprintf(out, "SKIPPED\n");
	for (size_t i = s->n_failed; i < s->n_failed + s->n_skipped; i++) {
		const struct scenario_result *r = s->items[i].r;

		if (rp_listed(s, &s->items[i]))
			fprintf(out, "  SKIP  %s: %s\n", r->name, r->reason[0] ?
				r->reason : "no reason recorded");
	}
}

/**
 * struct wrap - a list of words on lines of at most TEXT_COLS
 * @out:	stream
 * @col:	columns used on the current line
 * @indent:	where a continued line starts
 * @n:		words so far
 */
struct wrap {
	FILE *out;
	int col, indent;
	size_t n;
};

/* ", @word", on a new line when it would not fit (" @word" first) */
static void wrap_word(struct wrap *w, const char *word)
{
	int need = 3 + (int)strlen(word);	/* ", ", the word, its "," */

	if (w->n && w->col + need > TEXT_COLS) {
		w->col = fprintf(w->out, ",\n%*s%s", w->indent, "", word) - 2;
	} else {
		w->col += fprintf(w->out, "%s%s", w->n ? ", " : " ", word);
	}
	w->n++;
}

/* "FLAKY": each scenario that failed, then passed on a retry (kdh run
 * --retries), with the attempt that passed and the first failure */
static void flaky_text(FILE *out, const struct rp_screen *s)
{
	char buf[160];

	if (!s->t.flaky)
		return;
	fprintf(out, "FLAKY (failed, then passed on a retry)\n");
	for (size_t i = s->n_failed + s->n_skipped; i < s->n_items; i++) {
		const struct scenario_result *r = s->items[i].r;
		char *name = report_name(r);

		if (r->verdict == V_FLAKY && r->n_attempts) {
			fprintf(out, "  FLAKY %s: %s\n", name,
				report_attempts(r, buf, sizeof(buf)));
			para(out, "        first attempt: ", 8, r->reason);
		} else if (r->verdict == V_FLAKY) {
			fprintf(out, "  FLAKY %s\n", name);
		}
		g_free(name);
	}
}

/* "PASSED  21: a, b, ...", wrapped under the first name (not the flaky) */
static void passed_text(FILE *out, const struct rp_screen *s)
{
	size_t from = s->n_failed + s->n_skipped;
	struct wrap w = { out, 0, 0, 0 };
	size_t n = 0;

	for (size_t i = from; i < s->n_items; i++)
		n += rp_listed(s, &s->items[i]) &&
		     s->items[i].r->verdict != V_FLAKY;
	if (!n)
		return;
	w.col = fprintf(out, "PASSED  %zu:", n);
	w.indent = w.col + 1;
	for (size_t i = from; i < s->n_items; i++) {
		char *name;

		if (!rp_listed(s, &s->items[i]) ||
		    s->items[i].r->verdict == V_FLAKY)
			continue;
		name = report_name(s->items[i].r);

		wrap_word(&w, name);
		g_free(name);
	}
	fprintf(out, "\n");
}

/* One VM's KD conversation: its summary, bugcheck, stall and kd.log */
static void kd_vm_text(FILE *out, const struct rp_item *it,
		       const struct vm_result *v)
{
	char *said[3] = { report_kd_summary(&v->m), report_kd_bugcheck(&v->m),
			  report_kd_stall(&v->m) };
	char *lead = g_strdup_printf("  %s %s: ", it->r->name, v->name);
	const struct rp_file *log = rp_kd_log(it, v->name);

	para(out, lead, 8, said[0]);
	for (int k = 1; k < 3; k++) {
		char *text = said[k] ? g_strdup_printf("✗ %s", said[k]) : NULL;

		if (text)
			para(out, "        ", 10, text);
		g_free(text);
	}
	if (log)
		fprintf(out, "        kd.log: %s\n", log->path);
	for (int k = 0; k < 3; k++)
		g_free(said[k]);
	g_free(lead);
}

/* "KD": every VM of the last run that spoke KD, failures first */
static void kd_text(FILE *out, const struct rp_screen *s)
{
	bool any = false;

	for (size_t i = 0; i < s->n_items; i++)
		for (size_t j = 0; rp_listed(s, &s->items[i]) &&
		     j < s->items[i].r->n_vms; j++) {
			const struct vm_result *v = &s->items[i].r->vms[j];

			if (!v->m.kd.seen)
				continue;
			if (!any)
				fprintf(out, "KD (what the guests said, from the wire)\n");
			any = true;
			kd_vm_text(out, &s->items[i], v);
		}
}

static void prov_field(void *opaque, const char *name, const char *value)
{
	char *word = g_strdup_printf("%s %s", name, value);

	wrap_word(opaque, word);
	g_free(word);
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
	return rp_text_print(out, runs, n, NULL);
}

/**
 * rp_text_print() - report_text_print() with the matrices drawn as @v asks
 * @out:	stream
 * @runs:	the runs, oldest first
 * @n:		their count (at least 1)
 * @v:		--rows, --cols; NULL: the defaults
 *
 * Return: 0, or a negative errno (-EINVAL: @v names an axis a matrix of
 * the last run does not have; nothing is printed)
 */
int rp_text_print(FILE *out, const struct report_run *runs, size_t n,
		  const struct rp_view *v)
{
	struct rp_screen s;
	struct rp_mxs mx;
	struct wrap p = { out, 0, 2, 0 };
	int rc;

	if ((rc = rp_screen_view(&s, &mx, runs, n, NULL, v)))
		return rc;
	fprintf(out, "kdh report: %s: %zu failed, %zu error%s, %zu interrupted, "
		"%zu skipped, %zu passed", s.last->name, s.t.fail, s.t.error,
		s.t.error == 1 ? "" : "s", s.t.interrupted, s.t.skip, s.t.pass);
	if (s.t.flaky)
		fprintf(out, ", %zu flaky", s.t.flaky);
	if (s.regressions)
		fprintf(out, "; %zu regression%s", s.regressions,
			s.regressions == 1 ? "" : "s");
	if (s.last->scenarios > s.last->n && !s.last->incomplete)
		fprintf(out, "; interrupted: %zu of %zu scenarios ran", s.last->n,
			s.last->scenarios);
	fprintf(out, " (%zu run%s given)\n", n, n == 1 ? "" : "s");
	if (s.last->incomplete)
		fprintf(out, "INCOMPLETE RUN: %s\n", s.last->incomplete);
	failed_text(out, &s);
	skipped_text(out, &s);
	flaky_text(out, &s);
	passed_text(out, &s);
	rp_mx_text(out, &s);
	kd_text(out, &s);
	fprintf(out, "PROVENANCE\n ");
	p.col = 1;		/* the first field's " " makes the indent 2 */
	rp_provenance(&s, prov_field, &p);
	fprintf(out, "\n");
	rp_screen_free(&s);
	rp_mxs_free(&mx);
	return fflush(out) ? -EIO : 0;
}
