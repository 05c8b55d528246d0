// SPDX-License-Identifier: GPL-2.0-or-later
/* test_oracle.c - `check` in [expect]: every built-in scenario agrees
 * with what kdh check predicts of its config; link_down=1 agrees (silent);
 * a port outside 49152-65535 is a known disagreement; a seeded flip of one model fact
 * (KDH_TEST_MODEL_FLIP) makes the oracle report a disagreement that says
 * both sides; `check` twice is a parse error.  Simulated runs only.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

/* Built-in scenario @from copied into @dir with `check` in its [expect] */
static void oracle_copy(const char *dir, const char *from)
{
	char *src = g_strdup_printf("%s/%s.kdh", getenv("KDH_SCENARIOS"), from);
	char *dst = g_strdup_printf("%s/%s.kdh", dir, from), *text, *with;
	gchar **parts;

	cr_assert(g_file_get_contents(src, &text, NULL, NULL), "%s", src);
	parts = g_strsplit(text, "\n[expect]\n", 2);
	with = parts[1] ? g_strconcat(parts[0], "\n[expect]\ncheck\n", parts[1], NULL)
			: g_strconcat(text, "\n[expect]\ncheck\n", NULL);
	cr_assert(g_file_set_contents(dst, with, -1, NULL), "%s", dst);
	g_strfreev(parts);
	g_free(with);
	g_free(text);
	g_free(dst);
	g_free(src);
}

/* result.json's "oracle" of scenario @name in the only run under @res */
static JsonObject *oracle_of(JsonParser *p, const char *res, const char *name)
{
	GDir *d = g_dir_open(res, 0, NULL);
	const char *run = d ? g_dir_read_name(d) : NULL;
	char *path;
	JsonObject *o;

	cr_assert(run, "no run under %s", res);
	path = g_build_filename(res, run, name, "result.json", NULL);
	cr_assert(json_parser_load_from_file(p, path, NULL), "%s", path);
	o = json_object_get_object_member(json_node_get_object(
		json_parser_get_root(p)), "oracle");
	cr_assert(o, "%s has no \"oracle\"", path);
	g_free(path);
	g_dir_close(d);
	return o;
}

/* `kdh report` of the only run under @res lists the disagreement: @want */
static void report_says(const char *res, const char *want)
{
	GDir *d = g_dir_open(res, 0, NULL);
	char *run = g_build_filename(res, g_dir_read_name(d), NULL);
	const char *argv[] = { getenv("KDH_BIN"), "report", run, NULL };
	char *out = NULL, *err = NULL;

	test_run(argv, &out, &err);
	cr_expect(strstr(out, want), "%s%s", out, err);
	g_free(out);
	g_free(err);
	g_free(run);
	g_dir_close(d);
}

/* Every built-in scenario (KDH_SCENARIOS/NAME.kdh, the vmware/ .vmx files
 * beside them) with `check` added agrees: the same coarse class
 * (connected, wrong-nic, key-mismatch, silent, hang), NIC and b.d.f */
Test(oracle, built_in_scenarios_agree_with_kdh_check, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-oracle-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "s", NULL), *res = g_build_filename(dir,
									      "r", NULL);
	char *vmx = g_build_filename(getenv("KDH_SCENARIOS"), "vmware", NULL);
	char *link = g_build_filename(sc, "vmware", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, NULL };
	char *out = NULL, *err = NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(getenv("KDH_SCENARIOS"), 0, NULL);
	const char *e;

	g_mkdir_with_parents(sc, 0755);
	cr_assert(d && !symlink(vmx, link), "%s", vmx);
	while ((e = g_dir_read_name(d)))
		if (g_str_has_suffix(e, ".kdh"))
			g_ptr_array_add(names, g_strndup(e, strlen(e) - 4));
	g_dir_close(d);
	cr_assert_geq(names->len, 34, "%u built-in scenarios", names->len);
	for (guint i = 0; i < names->len; i++)
		oracle_copy(sc, names->pdata[i]);
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	for (guint i = 0; i < names->len; i++) {
		JsonParser *p = json_parser_new();
		JsonObject *o = oracle_of(p, res, names->pdata[i]);

		cr_expect(json_object_get_boolean_member(o, "agree"), "%s: %s / %s",
			  (char *)names->pdata[i],
			  json_object_get_string_member(o, "predicted"),
			  json_object_get_string_member(o, "measured"));
		if (!strcmp(names->pdata[i], "busparams-absent"))
			cr_expect_str_eq(json_object_get_string_member(o, "predicted"),
					 "KDNET on net0 (e1000 at 0.18.0): wrong-nic "
					 "(net0 is on wan, the debugger on lan)");
		g_object_unref(p);
	}
	test_rmtree(dir);
	g_ptr_array_free(names, TRUE);
	g_free(link);
	g_free(vmx);
	g_free(out);
	g_free(err);
	g_free(res);
	g_free(sc);
	g_free(dir);
}

/* One VM on a static lan, net0 with @net0_opts, dbgsettings port @port,
 * `check` in [expect], run: its oracle's agree, predicted and measured */
static bool small_oracle(const char *net0_opts, unsigned port, char **pred,
			 char **meas)
{
	char *dir = g_dir_make_tmp("kdh-oracle-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "one.kdh", NULL);
	char *res = g_build_filename(dir, "r", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, NULL };
	char *out = NULL, *err = NULL, *text;
	JsonParser *p = json_parser_new();
	JsonObject *o;
	bool agree;

	text = g_strdup_printf("[network lan]\ntype = static\nsubnet = "
			       "192.168.2.0/24\n[debugger]\nnetwork = lan\n"
			       "[vm win]\nostype: other\nmachine: pc\nnet0: "
			       "e1000=BC:24:11:00:00:41,bridge=lan%s\ndbgsettings = "
			       "net hostip:192.168.2.1 port:%u key:1x2y3z.4a5b6c."
			       "7d8e9f.0g1h2i\ndhcp = no\nip = 192.168.2.72/24\n"
			       "[expect]\ncheck\n", net0_opts, port);
	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	test_run(argv, &out, &err);
	o = oracle_of(p, res, "one");
	agree = json_object_get_boolean_member(o, "agree");
	*pred = g_strdup(json_object_get_string_member(o, "predicted"));
	*meas = g_strdup(json_object_get_string_member(o, "measured"));
	g_object_unref(p);
	test_rmtree(dir);
	g_free(text);
	g_free(out);
	g_free(err);
	g_free(res);
	g_free(sc);
	g_free(dir);
	return agree;
}

/* link_down=1 is one of kdh check's BLOCKs: silent, and the wire agrees */
Test(oracle, link_down_predicts_silent_and_agrees, .timeout = 30)
{
	char *pred, *meas;

	cr_expect(small_oracle(",link_down=1", 50000, &pred, &meas), "%s / %s",
		  pred, meas);
	cr_expect_str_eq(pred, "no KDNET traffic (net0 has link_down=1: nothing "
			 "gets through)");
	cr_expect_str_eq(meas, "no KDNET traffic");
	g_free(pred);
	g_free(meas);
}

/* port 5000 is a BLOCK of kdh check (outside 49152-65535), so the oracle
 * predicts silence; the simulated debuggee (the model) connects on any
 * port.  A real disagreement between the model and kdh check, kept
 * visible here: change this test when one of them changes. */
Test(oracle, port_outside_range_is_a_known_disagreement, .timeout = 30)
{
	char *pred, *meas;

	cr_expect(!small_oracle("", 5000, &pred, &meas), "%s / %s", pred, meas);
	cr_expect_str_eq(pred, "no KDNET traffic (port 5000 is outside "
			 "49152-65535, the range Microsoft documents for KDNET)");
	cr_expect_str_eq(meas, "net0 at 0.18.0: connected");
	g_free(pred);
	g_free(meas);
}

/* The prediction is told win11-23h2 drives vmxnet3; the simulated guest
 * (the model) says it does not: the oracle must fail it, saying both */
Test(oracle, seeded_flip_is_a_disagreement_with_both_sides, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-oracle-XXXXXX", NULL);
	char *res = g_build_filename(dir, "r", NULL);
	char *sc = g_build_filename(dir, "vmxnet3-old-build.kdh", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, NULL };
	char *out = NULL, *err = NULL, *want;
	JsonParser *p = json_parser_new();
	JsonObject *o;

	oracle_copy(dir, "vmxnet3-old-build");
	setenv("KDH_TEST_MODEL_FLIP", "vmxnet3", 1);
	cr_assert_eq(test_run(argv, &out, &err), 1, "%s%s", out, err);
	unsetenv("KDH_TEST_MODEL_FLIP");
	want = g_strdup_printf("%s: win: check predicted KDNET on net0 (vmxnet3 at "
			       "0.18.0): connects [test hook KDH_TEST_MODEL_FLIP="
			       "vmxnet3]; the wire shows no KDNET traffic", sc);
	cr_expect(strstr(out, want), "%s", out);
	cr_expect(strstr(err, "kdh run: WARNING: KDH_TEST_MODEL_FLIP=vmxnet3 is "
			 "set: a test hook flips"), "said loudly: %s", err);
	o = oracle_of(p, res, "vmxnet3-old-build");
	report_says(res, want);
	cr_expect(!json_object_get_boolean_member(o, "agree"));
	cr_expect_str_eq(json_object_get_string_member(o, "predicted"),
			 "KDNET on net0 (vmxnet3 at 0.18.0): connects [test hook "
			 "KDH_TEST_MODEL_FLIP=vmxnet3]");
	cr_expect_str_eq(json_object_get_string_member(o, "measured"),
			 "no KDNET traffic");
	g_object_unref(p);
	test_rmtree(dir);
	g_free(want);
	g_free(out);
	g_free(err);
	g_free(sc);
	g_free(res);
	g_free(dir);
}

Test(oracle, check_twice_is_a_parse_error, .timeout = 30)
{
	char *dir = g_dir_make_tmp("kdh-oracle-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "twice.kdh", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "--validate", sc, NULL };
	char *out = NULL, *err = NULL, *want;
	const char *text = "[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n"
			   "[network lan]\ntype = static\nsubnet = 10.0.0.0/24\n"
			   "[expect]\ncheck\ncheck\n";

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 2, "%s%s", out, err);
	want = g_strdup_printf("%s:8: check is given twice", sc);
	cr_expect(strstr(err, want) || strstr(out, want), "%s%s", out, err);
	test_rmtree(dir);
	g_free(want);
	g_free(out);
	g_free(err);
	g_free(sc);
	g_free(dir);
}
