// SPDX-License-Identifier: GPL-2.0-or-later
/* report_merge.c - `kdh report merge`: shard runs made on several machines
 * become one summary.json, junit.xml and report.html, in the order of the
 * unsharded suite */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/cmd/cli.h"
#include "harness/report/report_priv.h"
#include "kdh/util/fileio.h"

static int by_index(const void *a, const void *b)
{
	const struct scenario_result *x = a, *y = b;

	return x->index != y->index ? (x->index < y->index ? -1 : 1) :
	       strcmp(x->name, y->name);
}

/* "shard 3/3 is missing" or "shards 2/5, 4/5 are missing", with the fix */
static void missing_say(const unsigned *seen, unsigned n, char *err,
			size_t errlen)
{
	unsigned miss = 0, last = 0;
	size_t len;
	char again[64];

	for (unsigned k = 1; k <= n; k++)
		if (!seen[k])
			miss++, last = k;
	len = (size_t)snprintf(err, errlen, "shard%s", miss > 1 ? "s" : "");
	for (unsigned k = 1, said = 0; k <= n && len < errlen; k++)
		if (!seen[k] && said++ < 16)
			len += (size_t)snprintf(err + len, errlen - len, "%s %u/%u",
						said > 1 ? "," : "", k, n);
		else if (!seen[k] && said == 17)
			len += (size_t)snprintf(err + len, errlen - len, ", ...");
	if (miss > 1)
		snprintf(again, sizeof(again), "each with --shard K/%u", n);
	else
		snprintf(again, sizeof(again), "it with --shard %u/%u or "
			 "KDH_SHARD=%u/%u", last, n, last, n);
	if (len < errlen)
		snprintf(err + len, errlen - len, " %s missing: merge all %u shards "
			 "of the run (%u given; run %s and the same --seed)",
			 miss > 1 ? "are" : "is", n, n - miss, again);
}

/*
 * Shards of one run: the same kdh version, each K of 1..N exactly once.
 * (Summaries without provenance, from an older kdh, are not checked.)
 */
static int shards_check(char **dirs, int from, int to, const struct provenance *pv,
			char *err, size_t errlen)
{
	unsigned n = 0, seen[256] = { 0 };

	if (to - from == 1 && !pv[from].shard_n)
		return 0;		/* one whole run: itself */
	for (int i = from; i < to; i++) {
		if (!pv[i].kdh[0])
			return 0;
		if (strcmp(pv[i].kdh, pv[from].kdh)) {
			snprintf(err, errlen, "%s: kdh %s, %s: kdh %s: shards of one run "
				 "come from one kdh", dirs[from], pv[from].kdh, dirs[i],
				 pv[i].kdh);
			return -1;
		}
		if (!pv[i].shard_n || (n && pv[i].shard_n != n) || pv[i].shard_n > 255) {
			snprintf(err, errlen, "%s: %s: not shards of one run", dirs[i],
				 pv[i].shard_n ? "another shard count" :
				 "a whole run (no --shard)");
			return -1;
		}
		n = pv[i].shard_n;
		if (seen[pv[i].shard_k]++) {
			snprintf(err, errlen, "%s: shard %u/%u is given twice", dirs[i],
				 pv[i].shard_k, n);
			return -1;
		}
	}
	for (unsigned k = 1; k <= n; k++)
		if (!seen[k]) {
			missing_say(seen, n, err, errlen);
			return -1;
		}
	return 0;
}

static void part(GString *g, const char *what, const char *v)
{
	if (v[0])
		g_string_append_printf(g, ", %s%s%s", what, what[0] ? " " : "", v);
}

/* One line per shard, in K order: where it ran, with what, and what
 * decided its K/N, so a slow or failing shard points at its machine */
static void shards_print(FILE *out, char **dirs, int n,
			 const struct provenance *pv)
{
	GString *g = g_string_new(NULL);

	for (unsigned k = 1; k <= 255; k++)
		for (int i = 0; i < n; i++) {
			const struct provenance *p = &pv[i];

			if (p->shard_k != k || !p->shard_n)
				continue;
			g_string_printf(g, "kdh report merge: shard %u/%u %s", k,
					p->shard_n, dirs[i]);
			if (p->shard_from[0])
				g_string_append_printf(g, " (%s)", p->shard_from);
			g_string_append_printf(g, ": host %s",
					       p->host[0] ? p->host : "unknown");
			part(g, "kdh", p->kdh);
			part(g, "accel", p->accel);
			part(g, "kvm", p->kvm);
			part(g, "QEMU", p->qemu);
			part(g, "libslirp", p->slirp);
			part(g, "dnsmasq", p->dnsmasq);
			part(g, "", p->kernel);
			part(g, "", p->date);
			fprintf(out, "%s\n", g->str);
		}
	g_string_free(g, TRUE);
}

/* each shard's provenance in K order, for the merged summary */
static struct provenance *shards_sorted(int n, const struct provenance *pv,
					size_t *count)
{
	struct provenance *s = g_new0(struct provenance, n ? n : 1);

	*count = 0;
	for (unsigned k = 1; k <= 255; k++)
		for (int i = 0; i < n; i++)
			if (pv[i].shard_n && pv[i].shard_k == k)
				s[(*count)++] = pv[i];
	return s;
}

static int merge_write(const char *out, GArray *rs, uint64_t seed,
		       struct run_status *st)
{
	struct provenance merged;
	struct report_run run = { .name = out, .seed = seed };
	char path[700];
	int rc;

	provenance_collect(&merged, 0, 0);
	for (size_t i = 0, len = 0; i < st->n_shards &&
	     len < sizeof(merged.shard_from); i++)	/* "merged: 1/3 on a, ..." */
		len += (size_t)snprintf(merged.shard_from + len,
					sizeof(merged.shard_from) - len, "%s%u/%u on %s",
					i ? ", " : "merged: ", st->shards[i].shard_k,
					st->shards[i].shard_n, st->shards[i].host[0] ?
					st->shards[i].host : "an unknown host");
	st->prov = &merged;
	g_array_sort(rs, by_index);
	g_mkdir_with_parents(out, 0755);
	snprintf(path, sizeof(path), "%s/summary.json", out);
	rc = report_json_file(path, (struct scenario_result *)rs->data, rs->len,
			      seed, st);
	snprintf(path, sizeof(path), "%s/junit.xml", out);
	rc |= report_junit_file(path, (struct scenario_result *)rs->data, rs->len,
				st);
	run.rs = (struct scenario_result *)rs->data;
	run.n = rs->len;
	run.prov = merged;
	run.interrupted = st->interrupted;
	run.scenarios = st->scenarios;
	snprintf(path, sizeof(path), "%s/report.html", out);
	rc |= report_html_write(path, &run, 1);
	return rc;
}

/**
 * report_merge_main() - kdh report merge DIR... --out DIR
 * @argc:	how many DIRs
 * @argv:	the DIRs (run directories or their summary.json)
 * @out:	the directory to write the merged files in
 *
 * Return: exit status: 0 every scenario passed, 1 not, 2 bad input
 */
int report_merge_main(int argc, char **argv, const char *out)
{
	GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	struct provenance *pv = g_new0(struct provenance, argc ? argc : 1);
	struct provenance *shards = NULL;
	struct run_status st = { 0 };
	uint64_t seed = 0;
	char err[400];
	struct run_totals t;
	int rc = KDH_EXIT_OK;

	if (!argc)
		rc = cli_usage_error(&kdh_cmd_report, "merge: no DIR given");
	for (int i = 0; i < argc && rc == KDH_EXIT_OK; i++)
		if (report_summary_load(argv[i], rs, &seed, err, sizeof(err),
					i > 0, &st, &pv[i]))	/* 0 is a seed too */
			rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK)
		shards_print(stdout, argv, argc, pv);
	if (rc == KDH_EXIT_OK && shards_check(argv, 0, argc, pv, err, sizeof(err)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK) {
		shards = shards_sorted(argc, pv, &st.n_shards);
		st.shards = shards;
		rc = merge_write(out, rs, seed, &st);
		if (!rc && (rc = file_sync_fs(out)))	/* the nightly artefact */
			fprintf(stderr, "kdh report merge: %s: cannot sync it to "
				"disk: %s\n", out, strerror(-rc));
		report_totals((struct scenario_result *)rs->data, rs->len, &t);
		printf("kdh report merge: %u scenarios into %s: ", rs->len, out);
		report_summary(stdout, &t, seed);
		if (st.stopped)
			printf("kdh report merge: a stopped run is among them: %s\n",
			       st.stopped);
		if (st.interrupted)
			printf("kdh report merge: an interrupted run is among them: "
			       "%zu of %zu scenarios ran\n", (size_t)rs->len,
			       st.scenarios);
		rc = rc ? KDH_EXIT_FAIL : (t.fail || t.error || t.interrupted ||
					  st.interrupted ? KDH_EXIT_FAIL : KDH_EXIT_OK);
	}
	g_array_free(rs, TRUE);
	g_free(pv);
	g_free(shards);
	g_free((char *)st.stopped);
	return rc;
}
