// SPDX-License-Identifier: GPL-2.0-or-later
/* report_merge.c - results back from JSON, and `kdh report merge`: shard
 * runs made on several machines become one summary.json and junit.xml,
 * in the order of the unsharded suite */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/cli.h"
#include "kdh/report.h"

static double num(JsonObject *o, const char *k)
{
	JsonNode *n = json_object_get_member(o, k);

	return n && !JSON_NODE_HOLDS_NULL(n) ? json_node_get_double(n) : NAN;
}

static const char *str(JsonObject *o, const char *k)
{
	JsonNode *n = json_object_get_member(o, k);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
}

static int outcome_of(const char *name)
{
	for (int o = AN_CONNECTED; o <= AN_VM_FAILED; o++)
		if (name && !strcmp(an_outcome_name((enum an_outcome)o), name))
			return o;
	return -1;
}

static void target_parse(JsonObject *t, struct vm_result *v)
{
	struct an_vm_result *m = &v->m;
	JsonObject *nic = json_object_has_member(t, "debug_nic") &&
		!JSON_NODE_HOLDS_NULL(json_object_get_member(t, "debug_nic")) ?
		json_object_get_object_member(t, "debug_nic") : NULL;
	int o = outcome_of(str(t, "outcome"));

	snprintf(v->name, sizeof(v->name), "%s", str(t, "name") ? str(t, "name") : "");
	v->measured = o >= 0;
	m->outcome = o >= 0 ? (enum an_outcome)o : AN_NO_KDNET_TRAFFIC;
	snprintf(m->why, sizeof(m->why), "%s", str(t, "why") ? str(t, "why") : "");
	m->connect_s = num(t, "connect_time_s");
	m->serial_connect_s = num(t, "serial_connect_time_s");
	m->dhcp_phase_s = num(t, "dhcp_phase_s");
	m->first_kdnet_s = num(t, "first_kdnet_s");
	m->logo_hang_s = num(t, "logo_hang_s");
	m->discover_count = (unsigned)json_object_get_int_member_with_default(t,
		"discover_count", 0);
	m->boots = (unsigned)json_object_get_int_member_with_default(t, "boots", 0);
	m->os_network = json_object_get_boolean_member_with_default(t, "os_network",
								     FALSE);
	snprintf(m->address, sizeof(m->address), "%s", str(t, "address") ?
		 str(t, "address") : "");
	m->address_source = !g_strcmp0(str(t, "address_source"), "dhcp") ? "dhcp" :
			    !g_strcmp0(str(t, "address_source"), "static") ? "static" :
			    !g_strcmp0(str(t, "address_source"), "apipa") ? "apipa" : NULL;
	snprintf(v->accel, sizeof(v->accel), "%s", str(t, "accel") ? str(t, "accel") : "");
	snprintf(v->accel_why, sizeof(v->accel_why), "%s", str(t, "accel_reason") ?
		 str(t, "accel_reason") : "");
	snprintf(m->serial_port, sizeof(m->serial_port), "%s",
		 str(t, "serial_port") ? str(t, "serial_port") : "");
	if (json_object_has_member(t, "timeline")) {
		JsonArray *tl = json_object_get_array_member(t, "timeline");

		for (guint i = 0; tl && i < json_array_get_length(tl) &&
		     m->n_timeline < AN_VM_TIMELINE; i++) {
			JsonObject *e = json_array_get_object_element(tl, i);

			m->timeline[m->n_timeline].t = num(e, "t");
			snprintf(m->timeline[m->n_timeline++].text,
				 sizeof(m->timeline[0].text), "%s",
				 str(e, "event") ? str(e, "event") : "");
		}
	}
	if (nic) {
		m->has_debug_nic = true;
		snprintf(m->debug_nic.name, sizeof(m->debug_nic.name), "%s",
			 str(nic, "name") ? str(nic, "name") : "");
		snprintf(m->debug_nic.pci, sizeof(m->debug_nic.pci), "%s",
			 str(nic, "pci") ? str(nic, "pci") : "");
		snprintf(m->debug_nic.network, sizeof(m->debug_nic.network), "%s",
			 str(nic, "network") ? str(nic, "network") : "");
		if (str(nic, "mac"))
			mac_parse(str(nic, "mac"), m->debug_nic.mac);
	}
}

/**
 * report_result_parse() - a scenario result back from its JSON object
 * @o:		an element of "scenarios" (report_result_node()'s form)
 * @r:		output
 *
 * Return: 0, or -1 when it is not a scenario result
 */
int report_result_parse(JsonObject *o, struct scenario_result *r)
{
	const char *v = str(o, "verdict");
	JsonArray *t;

	memset(r, 0, sizeof(*r));
	if (!str(o, "name") || !v)
		return -1;
	r->index = (unsigned)json_object_get_int_member_with_default(o, "index", 0);
	snprintf(r->name, sizeof(r->name), "%s", str(o, "name"));
	snprintf(r->file, sizeof(r->file), "%s", str(o, "file") ? str(o, "file") : "");
	r->verdict = V_ERROR;
	for (int i = 0; i < V_COUNT; i++)
		if (!strcmp(v, verdict_name((enum verdict)i)))
			r->verdict = (enum verdict)i;
	snprintf(r->reason, sizeof(r->reason), "%s", str(o, "reason") ? str(o, "reason") : "");
	r->seed = (uint64_t)json_object_get_int_member_with_default(o, "seed", 0);
	r->sim_s = num(o, "sim_seconds");
	r->wall_s = num(o, "wall_seconds");
	r->frames = (uint64_t)json_object_get_int_member_with_default(o, "frames", 0);
	snprintf(r->capture, sizeof(r->capture), "%s", str(o, "capture") ?
		 str(o, "capture") : "");
	t = json_object_has_member(o, "targets") ?
	    json_object_get_array_member(o, "targets") : NULL;
	for (guint i = 0; t && i < json_array_get_length(t) && i < SC_MAX_VMS; i++)
		target_parse(json_array_get_object_element(t, i), &r->vms[r->n_vms++]);
	return 0;
}

static int by_index(const void *a, const void *b)
{
	const struct scenario_result *x = a, *y = b;

	return x->index != y->index ? (x->index < y->index ? -1 : 1) :
	       strcmp(x->name, y->name);
}

/* An interrupted input makes the merged run interrupted; the scenario
 * counts add up (a summary without "counts" had as many as it lists) */
static void status_add(JsonObject *root, guint listed, struct run_status *st)
{
	JsonObject *c = json_object_has_member(root, "counts") ?
			json_object_get_object_member(root, "counts") : NULL;
	const char *sig = str(root, "signal");

	if (json_object_get_boolean_member_with_default(root, "interrupted", FALSE)) {
		st->interrupted = true;
		if (!st->signal && sig)	/* static strings only: the JSON goes */
			st->signal = !strcmp(sig, "SIGINT") ? "SIGINT" :
				     !strcmp(sig, "SIGTERM") ? "SIGTERM" : "a signal";
	}
	st->scenarios += c ? (size_t)json_object_get_int_member_with_default(c,
		"scenarios", listed) : listed;
}

/* Append every scenario of DIR/summary.json (or of the file DIR itself) */
static int load(const char *dir, GArray *rs, uint64_t *seed, char *err,
		size_t errlen, bool same_seed, struct run_status *st,
		struct provenance *pv)
{
	gchar *path = g_file_test(dir, G_FILE_TEST_IS_DIR) ?
		      g_build_filename(dir, "summary.json", NULL) : g_strdup(dir);
	JsonParser *p = json_parser_new();
	GError *e = NULL;
	JsonObject *root;
	JsonArray *sc;
	int rc = -1;

	if (!json_parser_load_from_file(p, path, &e)) {
		snprintf(err, errlen, "%s: %s", path, e->message);
		g_error_free(e);
		goto out;
	}
	root = json_node_get_object(json_parser_get_root(p));
	if (!root || !json_object_has_member(root, "scenarios")) {
		snprintf(err, errlen, "%s: not a kdh run summary", path);
		goto out;
	}
	if (same_seed && *seed &&
	    (uint64_t)json_object_get_int_member(root, "seed") != *seed) {
		snprintf(err, errlen, "%s: seed %lld, the others %llu: shards of one "
			 "run share its seed", path,
			 (long long)json_object_get_int_member(root, "seed"),
			 (unsigned long long)*seed);
		goto out;
	}
	*seed = (uint64_t)json_object_get_int_member(root, "seed");
	sc = json_object_get_array_member(root, "scenarios");
	for (guint i = 0; i < json_array_get_length(sc); i++) {
		struct scenario_result r;

		if (!report_result_parse(json_array_get_object_element(sc, i), &r))
			g_array_append_val(rs, r);
	}
	if (st)
		status_add(root, json_array_get_length(sc), st);
	if (pv)
		provenance_read(root, pv);
	rc = 0;
out:
	g_object_unref(p);
	g_free(path);
	return rc;
}

static int html_main(const char *html, int argc, char **argv)
{
	GArray **rs = g_new0(GArray *, argc);
	char **names = g_new0(char *, argc);
	uint64_t *seeds = g_new0(uint64_t, argc);
	char err[400];
	int rc = KDH_EXIT_OK, n = 0;

	for (int i = 0; i < argc && rc == KDH_EXIT_OK; i++, n++) {
		rs[i] = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
		names[i] = argv[i];
		if (load(argv[i], rs[i], &seeds[i], err, sizeof(err), false, NULL,
			 NULL))
			rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	}
	if (rc == KDH_EXIT_OK && report_html_write(html, rs, names, seeds, (size_t)n))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "%s: cannot write it", html);
	else if (rc == KDH_EXIT_OK)
		printf("kdh report: %s (%d run%s)\n", html, n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++)
		g_array_free(rs[i], TRUE);
	g_free(rs);
	g_free(names);
	g_free(seeds);
	return rc;
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
			snprintf(err, errlen, "shard %u/%u is missing: merge all %u "
				 "shards of the run", k, n, n);
			return -1;
		}
	return 0;
}

static int merge_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *html = NULL;
	GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	const char *out = NULL;
	uint64_t seed = 0;
	char err[400], path[700];
	struct run_status st = { 0 };
	struct provenance *pv = NULL, merged;
	struct run_totals t;
	int opt, rc = KDH_EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'H')
			html = optarg;
		else if (opt == 'h')
			return cli_help_print(&kdh_cmd_report), KDH_EXIT_OK;
		else
			return cli_bad_option(&kdh_cmd_report, argv);
	}
	if (html && optind < argc && strcmp(argv[optind], "merge")) {
		g_array_free(rs, TRUE);
		return html_main(html, argc - optind, argv + optind);
	}
	if (!out || optind >= argc || strcmp(argv[optind], "merge"))
		return cli_usage_error(&kdh_cmd_report, "expected: RUN... --html FILE, "
				       "or merge DIR... --out DIR");
	pv = g_new0(struct provenance, argc);
	for (int i = optind + 1; i < argc && rc == KDH_EXIT_OK; i++)
		if (load(argv[i], rs, &seed, err, sizeof(err), true, &st, &pv[i]))
			rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK && shards_check(argv, optind + 1, argc, pv, err,
					      sizeof(err)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	if (rc == KDH_EXIT_OK) {
		provenance_collect(&merged, 0, 0);
		st.prov = &merged;
		g_array_sort(rs, by_index);
		g_mkdir_with_parents(out, 0755);
		snprintf(path, sizeof(path), "%s/summary.json", out);
		rc = report_json_file(path, (struct scenario_result *)rs->data,
				      rs->len, seed, &st);
		snprintf(path, sizeof(path), "%s/junit.xml", out);
		rc |= report_junit_file(path, (struct scenario_result *)rs->data,
					rs->len, &st);
		snprintf(path, sizeof(path), "%s/report.html", out);
		rc |= report_html_write(path, (GArray *[]){ rs }, (char *[]){ (char *)out },
					&seed, 1);
		report_totals((struct scenario_result *)rs->data, rs->len, &t);
		printf("kdh report merge: %u scenarios into %s: ", rs->len, out);
		report_summary(stdout, &t, seed);
		if (st.interrupted)
			printf("kdh report merge: an interrupted run is among them: "
			       "%zu of %zu scenarios ran\n", (size_t)rs->len,
			       st.scenarios);
		rc = rc ? KDH_EXIT_FAIL : (t.fail || t.error || t.interrupted ||
					  st.interrupted ? KDH_EXIT_FAIL : KDH_EXIT_OK);
	}
	g_array_free(rs, TRUE);
	g_free(pv);
	return rc;
}

const struct kdh_cmd kdh_cmd_report = {
	.name = "report",
	.summary = "an HTML report of runs, or shard results merged into one",
	.usage = "kdh report RUN... --html FILE | kdh report merge DIR... --out DIR",
	.run = merge_main,
	.help =
"kdh report RUN... --html FILE writes one self-contained page (no\n"
"scripts, nothing fetched): the last run's scenarios with verdicts and\n"
"figures, an SVG timeline per VM (power-on, DHCP, 169.254 probes, first\n"
"KDNET packet, connection; hover for each event), and trend charts of\n"
"connect_time_s and dhcp_phase_s across the runs given, oldest first.\n"
"\n"
"merge: each DIR is a run's results directory (results/run-...) or its\n"
"summary.json, typically one per CI machine that ran `kdh run --shard K/N\n"
"--seed S`.  The merged summary.json and junit.xml list the scenarios in\n"
"the order of the unsharded suite; the shards must share the seed.\n"
"An interrupted run (kdh run stopped by a signal) merges like any other:\n"
"the merged summary says \"interrupted\": true and counts the scenarios\n"
"that never ran.\n"
"Exit status: 0 when every merged scenario passed (and none was\n"
"interrupted), 1 otherwise, 2 for bad input.\n"
"\n"
"GitLab CI:\n"
"  nightly:\n"
"    parallel: 4\n"
"    script: kdh run --seed $CI_PIPELINE_IID --shard $CI_NODE_INDEX/$CI_NODE_TOTAL\n"
"            --results results\n"
"    artifacts: { paths: [results/], reports: { junit: results/run-*/junit.xml } }\n"
"  merge: { needs: [nightly], script: kdh report merge results/run-* --out merged }\n"
"Jenkins (declarative): a matrix axis SHARD with values 1..4 running\n"
"  kdh run --seed $BUILD_NUMBER --shard $SHARD/4 --results results-$SHARD\n"
"and a stage that unstashes them and runs kdh report merge.\n",
};
