// SPDX-License-Identifier: GPL-2.0-or-later
/* report_model.c - what `kdh report` says first, built once for both of
 * its renderers (the HTML page and --text)
 *
 * Theory of operation: the last run given is the one in detail.  Its
 * scenarios are ordered failed (fail, error, interrupted) first, then
 * skipped, then passed, each group in suite order, so "what broke" is
 * at the top.  For each, "since when" comes from the earlier runs given
 * (how many runs in a row ended the same way), "why" from its findings
 * (each failed expectation with file:line, each regression with both
 * values), and its files from the run's directory: only files that exist
 * are linked, by paths relative to the page, so a results directory
 * published whole (CI artifacts) keeps its links.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report_priv.h"

static int verdict_class(enum verdict v)
{
	return v == V_SKIP ? 1 : v == V_PASS || v == V_FLAKY ? 2 : 0;
}

/** rp_verdict_glyph() - a shape for each verdict, so colour is not alone */
const char *rp_verdict_glyph(enum verdict v)
{
	static const char *const g[V_COUNT] = { "✓", "✗", "⊘", "⚠", "■", "◐" };

	return g[v];
}

/* The directory of @r's files in @run, or NULL */
static char *scenario_dir(const struct report_run *run,
			  const struct scenario_result *r)
{
	char *d = run->dir ? g_build_filename(run->dir, r->name, NULL) : NULL;

	if (d && g_file_test(d, G_FILE_TEST_IS_DIR))
		return d;
	g_free(d);
	d = r->capture[0] ? g_path_get_dirname(r->capture) : NULL;
	if (d && g_file_test(d, G_FILE_TEST_IS_DIR))
		return d;
	g_free(d);
	return NULL;
}

/* @to relative to directory @from (both made absolute and resolved) */
static char *relative(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	GString *s = g_string_new(NULL);
	size_t common = 0;

	if (!realpath(from, a) || !realpath(to, b) || strlen(a) + 2 > sizeof(a)) {
		g_string_free(s, TRUE);
		return NULL;
	}
	strcat(a, "/");
	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i + 1;
	for (const char *p = a + common; *p; p++)
		if (*p == '/')
			g_string_append(s, "../");
	g_string_append(s, b + common);
	return g_string_free(s, FALSE);
}

static void file_add(struct rp_item *it, const char *dir, const char *name,
		     const char *page_dir)
{
	struct rp_file *f = &it->files[it->n_files];
	char *path = g_build_filename(dir, name, NULL), *rel;

	if (it->n_files == RP_MAX_FILES || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		g_free(path);
		return;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->path = path;
	rel = page_dir ? relative(page_dir, path) : NULL;
	f->href = rel ? g_uri_escape_string(rel, "/", FALSE) : NULL;
	g_free(rel);
	it->n_files++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* capture, each VM's kd-VM.log (by the result's VM order), result, logs,
 * then each VM's console, by name */
static void files_find(struct rp_item *it, const struct report_run *run,
		       const char *page_dir)
{
	static const char *const fixed[] = { "result.json", "target.log",
					     "vm.log" };
	char *dir = scenario_dir(run, it->r);
	GPtrArray *consoles = g_ptr_array_new_with_free_func(g_free);
	GDir *d = dir ? g_dir_open(dir, 0, NULL) : NULL;
	const char *e;

	if (dir)
		file_add(it, dir, "capture.pcapng", page_dir);
	for (size_t i = 0; dir && i < it->r->n_vms; i++) {
		char *kd = g_strdup_printf("kd-%s.log", it->r->vms[i].name);

		file_add(it, dir, kd, page_dir);
		g_free(kd);
	}
	for (size_t i = 0; dir && i < G_N_ELEMENTS(fixed); i++)
		file_add(it, dir, fixed[i], page_dir);
	while (d && (e = g_dir_read_name(d)))
		if (g_str_has_suffix(e, ".console"))
			g_ptr_array_add(consoles, g_strdup(e));
	if (consoles->len)	/* pdata is NULL when empty: qsort's UB */
		qsort(consoles->pdata, consoles->len, sizeof(char *), by_name);
	for (guint i = 0; i < consoles->len; i++)
		file_add(it, dir, consoles->pdata[i], page_dir);
	if (d)
		g_dir_close(d);
	g_ptr_array_unref(consoles);
	g_free(dir);
}

/**
 * rp_kd_log() - a VM's kd-VM.log among a scenario's files
 * @it:		the scenario
 * @vm:		the VM's name
 *
 * Return: the file, or NULL when the run left none (no KD conversation)
 */
const struct rp_file *rp_kd_log(const struct rp_item *it, const char *vm)
{
	char *name = g_strdup_printf("kd-%s.log", vm);
	const struct rp_file *f = NULL;

	for (size_t k = 0; k < it->n_files && !f; k++)
		if (!strcmp(it->files[k].name, name))
			f = &it->files[k];
	g_free(name);
	return f;
}

/* How many runs in a row, up to the last, ended like this one, and how
 * the run before that streak had it */
static void streak_find(struct rp_item *it, const struct report_run *runs,
			size_t n)
{
	int cls = verdict_class(it->r->verdict);

	it->streak = 1;
	it->before = -1;
	it->before_run = NULL;
	for (size_t k = n - 1; k-- > 0;) {
		const struct scenario_result *old = NULL;

		for (size_t i = 0; i < runs[k].n && !old; i++)
			if (!strcmp(runs[k].rs[i].name, it->r->name))
				old = &runs[k].rs[i];
		if (!old || verdict_class(old->verdict) != cls) {
			it->before = old ? (int)old->verdict : -1;
			it->before_run = &runs[k];
			return;
		}
		it->streak++;
	}
}

/* "s-NAME": the same in every run's page, so a link to a scenario holds;
 * what an XML id cannot hold is written _XX (its hex byte) */
static void anchor_make(char *buf, size_t len, const char *name)
{
	size_t o = (size_t)snprintf(buf, len, "s-");

	for (const unsigned char *c = (const unsigned char *)name; *c && o + 4 < len; c++)
		if (g_ascii_isalnum(*c) || *c == '-' || *c == '.')
			buf[o++] = (char)*c;
		else
			o += (size_t)snprintf(buf + o, len - o, "_%02x", *c);
	buf[o] = 0;
}

/* "VMs booted: 1 kvm, 2 tcg; KDH_ACCEL=auto; /dev/kvm: ..." */
static void accel_text(struct rp_screen *s)
{
	const struct provenance *p = &s->last->prov;
	size_t kvm = 0, tcg = 0;
	char booted[48];

	for (size_t i = 0; i < s->last->n; i++)
		for (size_t j = 0; j < s->last->rs[i].n_vms; j++) {
			kvm += !strcmp(s->last->rs[i].vms[j].accel, "kvm");
			tcg += !strcmp(s->last->rs[i].vms[j].accel, "tcg");
		}
	if (kvm || tcg)
		snprintf(booted, sizeof(booted), "VMs booted: %zu kvm, %zu tcg",
			 kvm, tcg);
	else
		snprintf(booted, sizeof(booted), "no VM booted: all simulated");
	snprintf(s->accel, sizeof(s->accel), "%s; KDH_ACCEL=%s%s%s", booted,
		 p->accel[0] ? p->accel : "auto", p->kvm[0] ? "; KVM: " : "",
		 p->kvm);
}

/**
 * rp_screen_build() - the first screen of @runs
 * @s:		output (rp_screen_free() it)
 * @runs:	the runs, oldest first, at least one
 * @n:		their count
 * @page:	the HTML file the links are for ("-": standard output, links
 *		relative to the working directory); NULL: no links (text)
 *
 * Return: 0, or -ENOMEM
 */
int rp_screen_build(struct rp_screen *s, const struct report_run *runs,
		    size_t n, const char *page)
{
	char *page_dir = !page ? NULL : !strcmp(page, "-") ? g_strdup(".") :
			 g_path_get_dirname(page);

	memset(s, 0, sizeof(*s));
	s->runs = runs;
	s->n_runs = n;
	s->last = &runs[n - 1];
	report_totals(s->last->rs, s->last->n, &s->t);
	s->items = calloc(s->last->n ? s->last->n : 1, sizeof(*s->items));
	s->item_at = calloc(s->last->n ? s->last->n : 1, sizeof(*s->item_at));
	if (!s->items || !s->item_at) {
		free(s->items);
		free(s->item_at);
		g_free(page_dir);
		return -ENOMEM;
	}
	for (int cls = 0; cls < 3; cls++)
		for (size_t i = 0; i < s->last->n; i++) {
			const struct scenario_result *r = &s->last->rs[i];
			struct rp_item *it = &s->items[s->n_items];

			if (verdict_class(r->verdict) != cls)
				continue;
			it->r = r;
			s->item_at[i] = it;
			anchor_make(it->anchor, sizeof(it->anchor), r->name);
			files_find(it, s->last, page_dir);
			streak_find(it, runs, n);
			for (size_t k = 0; k < r->n_findings; k++)
				s->regressions += r->findings[k].regression;
			s->n_items++;
			s->n_failed += cls == 0;
			s->n_skipped += cls == 1;
		}
	accel_text(s);
	g_free(page_dir);
	return 0;
}

/**
 * rp_item_of() - the item of @r, a result of the screen's last run
 * @s:		the screen
 * @r:		a result in s->last->rs
 *
 * Return: its item, or NULL when @r is not one of them
 */
const struct rp_item *rp_item_of(const struct rp_screen *s,
				 const struct scenario_result *r)
{
	size_t i = (size_t)(r - s->last->rs);

	return r >= s->last->rs && i < s->last->n ? s->item_at[i] : NULL;
}

/**
 * rp_listed() - whether @it is listed as a scenario: not when a matrix
 * drawn on the same page holds it
 * @s:		the screen
 * @it:		one of its items
 */
bool rp_listed(const struct rp_screen *s, const struct rp_item *it)
{
	return !s->mx || !rp_mxs_holds(s->mx, it->r);
}

/**
 * rp_listed_count() - how many of s->items[@from..@to) are listed
 * @s:		the screen
 * @from, @to:	a range of its items
 */
size_t rp_listed_count(const struct rp_screen *s, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++)
		n += rp_listed(s, &s->items[i]);
	return n;
}

/** rp_screen_free() - what rp_screen_build() allocated */
void rp_screen_free(struct rp_screen *s)
{
	for (size_t i = 0; i < s->n_items; i++)
		for (size_t k = 0; k < s->items[i].n_files; k++) {
			g_free(s->items[i].files[k].path);
			g_free(s->items[i].files[k].href);
		}
	free(s->items);
	free(s->item_at);
	memset(s, 0, sizeof(*s));
}

/**
 * rp_finding_text() - one reason a scenario failed, in words
 * @r:		the scenario's result (its file)
 * @f:		the finding; NULL: the result's reason (an error, an
 *		interruption, or a result from a kdh without findings)
 *
 * Return: "FILE:LINE: expected connect_time < 2s, got 4.000s", "FILE:
 * win: check predicted KDNET on net0 (...): connects; the wire shows no KDNET
 * traffic" (`check` in [expect] disagreed) or
 * "regression: win connect_time_s 6.000, was 4.000 (allowed +20% or
 * +2s: the default)"; g_free it
 */
char *rp_finding_text(const struct scenario_result *r, const struct run_finding *f)
{
	if (!f)
		return g_strdup(r->reason[0] ? r->reason : "no reason recorded");
	if (!f->regression && !strcmp(f->metric, "check"))	/* the oracle */
		return g_strdup_printf("%s: %s: check predicted %s; the wire shows "
				       "%s", r->file, f->vm, f->expected, f->got);
	if (!f->regression)
		return g_strdup_printf("%s:%d: expected %s, got %s", r->file, f->line,
				       f->expected, f->got);
	if (!strcmp(f->metric, "outcome") || !strcmp(f->was, "none"))
		return g_strdup_printf("regression: %s %s %s, was %s", f->vm,
				       f->metric, f->got, f->was);
	if (!f->line)
		return g_strdup_printf("regression: %s %s %s, was %s (allowed %s: "
				       "the default)", f->vm, f->metric, f->got,
				       f->was, f->expected);
	return g_strdup_printf("regression: %s %s %s, was %s (allowed %s: %s:%d)",
			       f->vm, f->metric, f->got, f->was, f->expected,
			       r->file, f->line);
}

/**
 * rp_streak_text() - "since when", across the runs given
 * @s:		the screen
 * @it:		one of its items
 *
 * Return: "new in this run (passed in run-...)", "failing since run-...
 * (3 runs); not in run-..., the run before", "failed in all 3 runs
 * given", ...; NULL with one run, or for a scenario that passed (g_free
 * it)
 */
char *rp_streak_text(const struct rp_screen *s, const struct rp_item *it)
{
	bool skip = it->r->verdict == V_SKIP;
	static const char *const was[V_COUNT] = { "passed", "failed", "skipped",
						  "errored", "was interrupted",
						  "was flaky" };
	const char *prev = it->before_run ? rp_run_id(it->before_run) : "";
	const char *first = it->streak < s->n_runs ?
			    rp_run_id(&s->runs[s->n_runs - it->streak]) : "";
	char before[320];

	if (s->n_runs < 2 || it->r->verdict == V_PASS)
		return NULL;
	if (it->streak == s->n_runs)
		return g_strdup_printf("%s in all %zu runs given",
				       skip ? "skipped" : "failed", s->n_runs);
	if (it->before < 0)
		snprintf(before, sizeof(before), "not in %s%s", prev,
			 it->streak == 1 ? "" : ", the run before");
	else
		snprintf(before, sizeof(before), "%s in %s", was[it->before], prev);
	if (it->streak == 1)
		return g_strdup_printf("new in this run (%s)", before);
	return g_strdup_printf("%s since %s (%zu runs); %s",
			       skip ? "skipped" : "failing", first, it->streak,
			       before);
}

/* "2/3", "2/3 (CI_NODE_INDEX=2 CI_NODE_TOTAL=3)" for --shard auto, "whole
 * run", "whole run (merged: 1/2 on a, 2/2 on b)" for kdh report merge */
static void shard_text(const struct provenance *p, char *out, size_t len)
{
	size_t l;

	if (p->shard_n)
		snprintf(out, len, "%u/%u", p->shard_k, p->shard_n);
	else
		snprintf(out, len, "%s", p->kdh[0] ? "whole run" : "");
	l = strlen(out);
	if (p->shard_from[0] && strncmp(p->shard_from, "--shard", 7) && l < len)
		snprintf(out + l, len - l, "%s(%s)", l ? " " : "", p->shard_from);
}

/**
 * rp_provenance() - the provenance lines of the last run, in order
 * @s:		the screen
 * @field:	called with each name and its value ("unknown" when the
 *		summary does not say)
 * @opaque:	for @field
 */
void rp_provenance(const struct rp_screen *s,
		   void (*field)(void *opaque, const char *name, const char *value),
		   void *opaque)
{
	const struct provenance *p = &s->last->prov;
	char seed[24], shard[300];
	const char *const f[][2] = {
		{ "kdh", p->kdh }, { "date", p->date }, { "host", p->host },
		{ "accelerator", s->accel }, { "seed", seed }, { "shard", shard },
		{ "kernel", p->kernel }, { "QEMU", p->qemu },
		{ "libslirp", p->slirp }, { "dnsmasq", p->dnsmasq },
	};

	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->last->seed);
	shard_text(p, shard, sizeof(shard));
	for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
		field(opaque, f[i][0], f[i][1][0] ? f[i][1] : "unknown");
}

/**
 * rp_figure() - a figure by its JSON name
 * @m:		a VM's result
 * @key:	"connect_time_s", "serial_connect_time_s", "dhcp_phase_s",
 *		"first_kdnet_s", "logo_hang_s" or "discover_count"
 *
 * Return: the value, NAN when absent or unknown
 */
double rp_figure(const struct an_vm_result *m, const char *key)
{
	if (!strcmp(key, "connect_time_s"))
		return m->connect_s;
	if (!strcmp(key, "serial_connect_time_s"))
		return m->serial_connect_s;
	if (!strcmp(key, "dhcp_phase_s"))
		return m->dhcp_phase_s;
	if (!strcmp(key, "first_kdnet_s"))
		return m->first_kdnet_s;
	if (!strcmp(key, "logo_hang_s"))
		return m->logo_hang_s;
	if (!strcmp(key, "discover_count"))
		return m->discover_count;
	return NAN;
}
