// SPDX-License-Identifier: GPL-2.0-or-later
/* test_suite.c - the built-in suite passes, for several seeds, and `kdh
 * run` writes what it promises (results tree, JSON, JUnit, TAP) */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "kdh/run/run.h"

Test(suite, every_builtin_scenario_passes, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-suite-XXXXXX", NULL);
	char file[128], err[512];

	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct run_opts o = { .seed = seed, .results_dir = dir };

		for (size_t i = 0; i < n_builtin_scenarios; i++) {
			struct scenario sc;
			struct scenario_result r;

			snprintf(file, sizeof(file), "built-in:%s",
				 builtin_scenarios[i].name);
			cr_assert_eq(scenario_parse(file, builtin_scenarios[i].text,
						    &sc, err, sizeof(err)), 0, "%s", err);
			run_scenario(&sc, &o, &r);
			cr_assert_eq(r.verdict, V_PASS, "seed %llu %s: %s",
				     (unsigned long long)seed, sc.name, r.reason);
			cr_assert_eq(r.n_vms, sc.n_vms);
			cr_assert(r.vms[0].measured);
		}
	}
	test_rmtree(dir);
	g_free(dir);
}

/* 20 % loss each way: these seeds lost the guest's ACK of GetVersion and
 * its reply, and the debugger's GetVersion sent again was taken as the
 * reply's ACK: both sides waited for good (stalled at nt's load symbols) */
Test(suite, lossy_link_seeds_that_once_deadlocked_connect)
{
	static const uint64_t seeds[] = { 26, 46, 76, 92, 135 };
	char *dir = g_dir_make_tmp("kdh-suite-XXXXXX", NULL);
	struct scenario sc;
	char err[256];
	size_t i;

	for (i = 0; i < n_builtin_scenarios; i++)
		if (!strcmp(builtin_scenarios[i].name, "lossy-link.kdh"))
			break;
	cr_assert_lt(i, n_builtin_scenarios, "lossy-link is built in");
	cr_assert_eq(scenario_parse("scenarios/lossy-link.kdh",
				    builtin_scenarios[i].text, &sc, err,
				    sizeof(err)), 0, "%s", err);
	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		struct run_opts o = { .seed = seeds[k], .results_dir = dir };
		struct scenario_result r;

		run_scenario(&sc, &o, &r);
		cr_assert_eq(r.verdict, V_PASS, "seed %llu: %s",
			     (unsigned long long)seeds[k], r.reason);
	}
	test_rmtree(dir);
	g_free(dir);
}

Test(suite, seed_replays_exactly)
{
	char *dir = g_dir_make_tmp("kdh-suite-XXXXXX", NULL);
	struct run_opts o = { .seed = 77, .results_dir = dir };
	struct scenario sc;
	struct scenario_result a, b;
	char err[256];

	for (size_t i = 0; i < n_builtin_scenarios; i++)
		if (!strcmp(builtin_scenarios[i].name, "seed-dhcp-hang.kdh"))
			scenario_parse("scenarios/seed-dhcp-hang.kdh",
				       builtin_scenarios[i].text, &sc, err, sizeof(err));
	run_scenario(&sc, &o, &a);
	run_scenario(&sc, &o, &b);
	cr_assert_float_eq(a.vms[0].m.dhcp_phase_s, b.vms[0].m.dhcp_phase_s, 0);
	cr_assert_str_eq(a.vms[0].m.address, b.vms[0].m.address);
	cr_assert_eq(a.frames, b.frames);
	test_rmtree(dir);
	g_free(dir);
}

static JsonObject *load_json(const char *path, JsonParser **p)
{
	GError *e = NULL;

	*p = json_parser_new();
	cr_assert(json_parser_load_from_file(*p, path, &e), "%s: %s", path,
		  e ? e->message : "");
	return json_node_get_object(json_parser_get_root(*p));
}

static void markup_ok(const char *path)
{
	static const GMarkupParser none = { 0 };
	GMarkupParseContext *ctx = g_markup_parse_context_new(&none, 0, NULL, NULL);
	gchar *text;
	GError *e = NULL;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL));
	cr_assert(g_markup_parse_context_parse(ctx, text, -1, &e) &&
		  g_markup_parse_context_end_parse(ctx, &e), "%s: %s", path,
		  e ? e->message : "");
	cr_assert(strstr(text, "<testcase classname=\"kdh\" name=\"dhcp-network\""));
	g_markup_parse_context_free(ctx);
	g_free(text);
}

Test(suite, kdh_run_writes_results_json_junit_tap, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-run-XXXXXX", NULL);
	char *json = g_build_filename(dir, "s.json", NULL);
	char *junit = g_build_filename(dir, "j.xml", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "-g", "dhcp", "--seed", "3",
		"--results", dir, "--json", json, "--junit", junit, NULL };
	const char *tap[] = { getenv("KDH_BIN"), "run", "-g", "busparams", "--tap",
		"--results", dir, NULL };
	char *out, *err;
	JsonParser *p;
	JsonObject *o, *s0, *t0;
	JsonArray *sc;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  dhcp-network"), "%s", out);
	cr_assert(strstr(out, "scenarios: 4 passed, 0 failed"), "%s", out);
	o = load_json(json, &p);
	cr_assert_eq(json_object_get_int_member(o, "seed"), 3);
	sc = json_object_get_array_member(o, "scenarios");
	cr_assert_eq(json_array_get_length(sc), 4);
	s0 = json_array_get_object_element(sc, 0);
	cr_assert_str_eq(json_object_get_string_member(s0, "verdict"), "pass");
	cr_assert(json_object_has_member(s0, "sim_seconds"));
	cr_assert(json_object_has_member(s0, "wall_seconds"));
	t0 = json_array_get_object_element(json_object_get_array_member(s0, "targets"), 0);
	for (const char *const *k = (const char *const[]){ "name", "outcome",
	     "connect_time_s", "dhcp_phase_s", "discover_count", "address",
	     "address_source", "debug_nic", NULL }; *k; k++)
		cr_assert(json_object_has_member(t0, *k), "targets[0].%s", *k);
	g_object_unref(p);
	markup_ok(junit);
	g_free(out); g_free(err);

	cr_assert_eq(test_run(tap, &out, &err), 0, "%s", err);
	/* busparams-absent, -right, -wrong and vmware-busparams-two-nics */
	cr_assert(g_str_has_prefix(out, "TAP version 13\n1..4\n"), "%s", out);
	cr_assert(strstr(out, "ok 1 - busparams-absent"));
	cr_assert(strstr(out, "ok 4 - vmware-busparams-two-nics"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(json); g_free(junit); g_free(dir);
}

Test(suite, failing_expectation_exits_1_with_file_line)
{
	char *dir = g_dir_make_tmp("kdh-run-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "wrong.kdh", NULL);
	const char *text =
		"[network lan]\ntype = static\n\n[vm w]\n"
		"net0: e1000=BC:24:11:00:00:01,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"dhcp = no\nip = 192.168.2.9/24\n\n[expect]\noutcome = key-mismatch\n";
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", dir, NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 1);
	cr_assert(strstr(out, "FAIL  wrong"), "%s", out);
	cr_assert(strstr(out, "wrong.kdh:11: expected outcome = key-mismatch, got "
		  "connected"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(sc); g_free(dir);
}

/* Proxmox's net0 ... net31: a VM with 32 NICs runs, and KDNET on net31
 * (busparams 1.26.0, behind the pci.1 bridge) is found and named */
Test(suite, thirty_two_nics_run, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-run-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "nics32.kdh", NULL);
	GString *t = g_string_new("[network lan]\n\n[vm w]\n");
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", dir, NULL };
	char *out, *err;

	for (int i = 0; i < 32; i++)
		g_string_append_printf(t, "net%d: e1000=BC:24:11:00:01:%02x,bridge=lan\n",
				       i, i);
	g_string_append(t, "dhcp = no\nip = 192.168.2.72/24\nbusparams = 1.26.0\n"
			"\n[expect]\noutcome = connected\ndebug_nic = net31\n");
	cr_assert(g_file_set_contents(sc, t->str, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  nics32"), "%s", out);
	g_free(out); g_free(err);
	g_string_free(t, TRUE);
	test_rmtree(dir);
	g_free(sc); g_free(dir);
}

/* A failed expectation says why in words: the wire's (the analysis' why)
 * and the config's, in `kdh check`'s words (busparams on q35) */
Test(suite, failing_expectation_says_why)
{
	char *dir = g_dir_make_tmp("kdh-run-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "bus.kdh", NULL);
	const char *text =
		"[network lan]\ntype = static\n\n[vm w]\nostype: win11\n"
		"machine: q35\n"
		"net0: e1000=BC:24:11:00:00:01,bridge=lan\n"
		"net1: e1000=BC:24:11:00:00:02,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"busparams = 0.19.0\ndhcp = no\nip = 192.168.2.9/24\n\n"
		"[expect]\noutcome = connected\ndebug_nic = net1\n";
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", dir, NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 1);
	cr_assert(strstr(out, "bus.kdh:15: expected outcome = connected, got "
		  "no-kdnet-traffic; w: no KDNET packet from any of its 2 NICs: "
		  "busparams 0.19.0 names no NIC on this q35 VM: 0.19.0 is net1 "
		  "on i440fx, but on q35 Proxmox's NICs sit behind a PCI bridge "
		  "(net0 is 6.18.0, net1 6.19.0): debugging is off (and more)\n"),
		  "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(sc); g_free(dir);
}

static char *targets_of(const char *json_path, size_t *n_scenarios)
{
	JsonParser *p;
	JsonObject *o = load_json(json_path, &p);
	JsonArray *sc = json_object_get_array_member(o, "scenarios");
	GString *s = g_string_new(NULL);

	*n_scenarios = json_array_get_length(sc);
	for (guint i = 0; i < json_array_get_length(sc); i++) {
		JsonObject *so = json_array_get_object_element(sc, i);
		JsonGenerator *g = json_generator_new();
		gchar *t;

		json_generator_set_root(g, json_object_get_member(so, "targets"));
		t = json_generator_to_data(g, NULL);
		g_string_append_printf(s, "%s %s %s\n", json_object_get_string_member(so, "name"),
				       json_object_get_string_member(so, "verdict"), t);
		g_free(t);
		g_object_unref(g);
	}
	g_object_unref(p);
	return g_string_free(s, FALSE);
}

Test(suite, parallel_run_gives_the_serial_results, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-run-XXXXXX", NULL);
	char *j1 = g_build_filename(dir, "j1.json", NULL);
	char *j2 = g_build_filename(dir, "j2.json", NULL);
	const char *serial[] = { getenv("KDH_BIN"), "run", "--seed", "9", "-j", "1",
		"--results", dir, "--json", j1, NULL };
	const char *parallel[] = { getenv("KDH_BIN"), "run", "--seed", "9", "-j", "3",
		"--results", dir, "--json", j2, NULL };
	char *out, *err, *a, *b;
	size_t na, nb;

	cr_assert_eq(test_run(serial, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(parallel, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	a = targets_of(j1, &na);
	b = targets_of(j2, &nb);
	cr_assert_eq(na, nb);
	cr_assert_str_eq(a, b, "same seed, same figures, same order");
	g_free(a); g_free(b);
	test_rmtree(dir);
	g_free(j1); g_free(j2); g_free(dir);
}

/* --shard K/N: every scenario exactly once over K = 1..N, N = 1..7 */
Test(suite, shards_cover_the_suite_once)
{
	for (unsigned n = 1; n <= 7; n++) {
		GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
							 g_free, NULL);
		size_t total = 0, smallest = SIZE_MAX, largest = 0;

		for (unsigned k = 1; k <= n; k++) {
			char shard[16], *out, *err;
			const char *argv[] = { getenv("KDH_BIN"), "list", "--shard",
				shard, NULL };
			gchar **lines;
			size_t here = 0;

			snprintf(shard, sizeof(shard), "%u/%u", k, n);
			cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
			lines = g_strsplit(g_strchomp(out), "\n", -1);
			for (gchar **l = lines; *l && **l; l++, here++) {
				char name[64];

				sscanf(*l, "%63s", name);
				cr_assert(g_hash_table_add(seen, g_strdup(name)),
					  "%s twice with N=%u", name, n);
			}
			total += here;
			smallest = here < smallest ? here : smallest;
			largest = here > largest ? here : largest;
			g_strfreev(lines);
			g_free(out); g_free(err);
		}
		cr_assert_eq(total, n_builtin_scenarios, "N=%u covers the suite", n);
		cr_assert_leq(largest - smallest, 1, "N=%u is balanced", n);
		g_hash_table_destroy(seen);
	}
}

/* --baseline: the same run passes; moved figures fail with both values */
Test(suite, baseline_regressions, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-base-XXXXXX", NULL);
	char *run = g_build_filename(dir, "run.json", NULL);
	char *base = g_build_filename(dir, "base.json", NULL);
	const char *first[] = { getenv("KDH_BIN"), "run", "-g", "dhcp", "--seed", "2",
		"--results", dir, "--json", run, NULL };
	const char *update[] = { getenv("KDH_BIN"), "baseline", "update", run, base, NULL };
	const char *again[] = { getenv("KDH_BIN"), "run", "-g", "dhcp", "--seed", "2",
		"--results", dir, "--baseline", base, NULL };
	char *out, *err, *text, *moved;

	cr_assert_eq(test_run(first, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(update, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(again, &out, &err), 0, "same seed: no regression\n%s", out);
	g_free(out); g_free(err);
	/* pretend dhcp-network used to connect at 1 s */
	cr_assert(g_file_get_contents(base, &text, NULL, NULL));
	moved = strstr(text, "\"connect_time_s\" : 4");
	cr_assert(moved, "%s", text);
	moved[strlen("\"connect_time_s\" : ")] = '1';
	cr_assert(g_file_set_contents(base, text, -1, NULL));
	cr_assert_eq(test_run(again, &out, &err), 1);
	cr_assert(strstr(out, "regression: win connect_time_s 4.000, was 1.000 "
		  "(allowed +20% or +2s)"), "%s", out);
	g_free(out); g_free(err); g_free(text);
	test_rmtree(dir);
	g_free(run); g_free(base); g_free(dir);
}

/* Shards run apart and merged give the unsharded run's summary */
Test(suite, merged_shards_equal_the_unsharded_run, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-merge-XXXXXX", NULL);
	char *all = g_build_filename(dir, "all.json", NULL);
	char *merged = g_build_filename(dir, "merged", NULL);
	char *msum = g_build_filename(merged, "summary.json", NULL);
	const char *whole[] = { getenv("KDH_BIN"), "run", "--seed", "6", "--results",
		dir, "--json", all, NULL };
	char *out, *err, *a, *m, *shard_json[3];
	size_t na, nm;

	cr_assert_eq(test_run(whole, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	for (int k = 0; k < 3; k++) {
		char shard[8];
		const char *argv[] = { getenv("KDH_BIN"), "run", "--seed", "6", "--shard",
			shard, "--results", dir, "--json", NULL, NULL };

		snprintf(shard, sizeof(shard), "%d/3", k + 1);
		shard_json[k] = g_strdup_printf("%s/shard%d.json", dir, k + 1);
		argv[9] = shard_json[k];
		cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
		g_free(out); g_free(err);
	}
	const char *merge[] = { getenv("KDH_BIN"), "report", "merge", shard_json[2],
		shard_json[0], shard_json[1], "--out", merged, NULL };
	cr_assert_eq(test_run(merge, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	a = targets_of(all, &na);
	m = targets_of(msum, &nm);
	cr_assert_eq(na, nm);
	cr_assert_str_eq(a, m, "merged shards = the whole run, in suite order");
	{	/* one shard missing, or one given twice: refused, saying which */
		const char *two[] = { getenv("KDH_BIN"), "report", "merge",
			shard_json[0], shard_json[1], "--out", merged, NULL };
		const char *twice[] = { getenv("KDH_BIN"), "report", "merge",
			shard_json[0], shard_json[1], shard_json[1], shard_json[2],
			"--out", merged, NULL };
		JsonParser *p;
		JsonObject *pv;

		cr_assert_eq(test_run(two, &out, &err), 2);
		cr_assert(strstr(err, "shard 3/3 is missing: merge all 3 shards of "
				 "the run"), "%s", err);
		g_free(out); g_free(err);
		cr_assert_eq(test_run(twice, &out, &err), 2);
		cr_assert(strstr(err, "shard 2/3 is given twice"), "%s", err);
		g_free(out); g_free(err);
		pv = json_object_get_object_member(load_json(shard_json[1], &p),
						   "provenance");
		cr_assert_str_eq(json_object_get_string_member(pv, "shard"), "2/3");
		cr_assert(json_object_has_member(pv, "kdh") &&
			  json_object_has_member(pv, "date") &&
			  json_object_has_member(pv, "host") &&
			  json_object_has_member(pv, "kernel") &&
			  json_object_has_member(pv, "qemu") &&
			  json_object_has_member(pv, "libslirp") &&
			  json_object_has_member(pv, "dnsmasq"));
		g_object_unref(p);
	}
	for (int k = 0; k < 3; k++)
		g_free(shard_json[k]);
	g_free(a); g_free(m);
	test_rmtree(dir);
	g_free(all); g_free(merged); g_free(msum); g_free(dir);
}

/* JUnit against the common schema; the HTML report well-formed, with SVG */
Test(suite, junit_schema_and_html_report, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-html-XXXXXX", NULL);
	char *j1 = g_build_filename(dir, "r1.json", NULL);
	char *j2 = g_build_filename(dir, "r2.json", NULL);
	char *junit = g_build_filename(dir, "junit.xml", NULL);
	char *html = g_build_filename(dir, "report.html", NULL);
	char *xsd = test_data_path("../junit.xsd");
	const char *r1[] = { getenv("KDH_BIN"), "run", "--seed", "1", "--results", dir,
		"--json", j1, "--junit", junit, NULL };
	const char *r2[] = { getenv("KDH_BIN"), "run", "--seed", "2", "--results", dir,
		"--json", j2, NULL };
	const char *rep[] = { getenv("KDH_BIN"), "report", j1, j2, "--html", html, NULL };
	const char *schema[] = { "xmllint", "--noout", "--schema", xsd, junit, NULL };
	const char *wf[] = { "xmllint", "--noout", html, NULL };
	char *out, *err, *text;

	cr_assert_eq(test_run(r1, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(r2, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(schema, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(rep, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(wf, &out, &err), 0, "HTML not well-formed: %s", err);
	g_free(out); g_free(err);
	cr_assert(g_file_get_contents(html, &text, NULL, NULL));
	cr_assert(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	cr_assert(strstr(text, "seed-dhcp-hang</a>"));
	cr_assert(strstr(text, "2 runs in the trends"));
	cr_assert_null(strstr(text, "<script"), "nothing to run");
	cr_assert_null(strstr(text, "src="), "nothing to fetch");
	cr_assert_null(strstr(text, "href=\"http"), "nothing to fetch");
	cr_assert_null(strstr(text, "href=\"/"), "links relative to the page");
	g_free(text);
	test_rmtree(dir);
	g_free(j1); g_free(j2); g_free(junit); g_free(html); g_free(xsd); g_free(dir);
}

/* 50 % loss on a DHCP network: the switch (and the capture) sees ACKs the
 * client never got.  Over 30 seeds, a lease is reported only when the
 * client took it -- it then sends KDNET from it -- and some seeds see an
 * ACK that was not taken. */
Test(suite, lossy_dhcp_reports_only_leases_taken, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-lossy-XXXXXX", NULL);
	char *scen = g_build_filename(dir, "s", NULL), *res = g_build_filename(dir, "r", NULL);
	char *json = g_build_filename(dir, "run.json", NULL), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "run", scen, "--results", res,
		"--json", json, NULL };
	unsigned leases = 0, not_taken = 0;
	JsonParser *p;
	JsonArray *sc;

	g_mkdir_with_parents(scen, 0755);
	for (int seed = 1; seed <= 30; seed++) {
		char *f = g_strdup_printf("%s/lossy-%02d.kdh", scen, seed);
		char *text = g_strdup_printf(
			"[scenario]\nseed = %d\ntimeout = 3m\n"
			"[network nat]\ntype = dhcp\nsubnet = 172.20.0.0/24\n"
			"[vm win]\nnet0: e1000=BC:24:11:00:0a:%02x,bridge=nat\n"
			"dbgsettings = net hostip:172.20.0.1 port:50000 key:1.2.3.4\n"
			"faults = loss=50%%\ntiming.dhcp_give_up = 2m\n", seed, seed);

		cr_assert(g_file_set_contents(f, text, -1, NULL));
		g_free(f);
		g_free(text);
	}
	test_run(argv, &out, &err);	/* no [expect]: every scenario passes */
	sc = json_object_get_array_member(load_json(json, &p), "scenarios");
	cr_assert_eq(json_array_get_length(sc), 30);
	for (guint i = 0; i < 30; i++) {
		JsonObject *t = json_array_get_object_element(json_object_get_array_member(
				json_array_get_object_element(sc, i), "targets"), 0);
		const char *src = json_object_get_null_member(t, "address_source") ? NULL :
				  json_object_get_string_member(t, "address_source");
		const char *cap = json_object_get_string_member(
			json_array_get_object_element(sc, i), "capture");
		char *rdir = g_path_get_dirname(cap);
		char *rj = g_build_filename(rdir, "result.json", NULL), *text;

		cr_assert(g_file_get_contents(rj, &text, NULL, NULL), "%s", rj);
		not_taken += strstr(text, "not taken: DISCOVER again") != NULL;
		g_free(text); g_free(rj); g_free(rdir);
		if (src && !strcmp(src, "dhcp")) {
			leases++;
			cr_assert(!json_object_get_null_member(t, "first_kdnet_s"),
				  "seed %u: a lease reported, but no KDNET from it", i + 1);
		}
	}
	cr_assert_gt(leases, 0, "some seeds get a lease through the loss");
	cr_assert_gt(not_taken, 0, "some seeds see an ACK the client lost");
	g_object_unref(p);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(dir); g_free(scen); g_free(res); g_free(json);
}
