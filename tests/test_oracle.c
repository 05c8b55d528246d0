// SPDX-License-Identifier: GPL-2.0-or-later
/* test_oracle.c - `check` in [expect]: built-in scenarios agree with what
 * kdh check predicts of their configs; a seeded flip of one model fact
 * (KDH_TEST_MODEL_FLIP) makes the oracle report a disagreement that says
 * both sides; `check` twice is a parse error.  Simulated runs only.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

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

static const char *const agreeing[] = {
	"seed-dhcp-hang", "seed-dhcp-off", "dhcp-network", "busparams-right",
	"busparams-wrong", "unsupported-nic", "vmxnet3-old-build", "hv-vendor-id",
	"hv-power-no-sticky", "hv-guest-reboot", "serial-debugger", "virtio-nic",
};

Test(oracle, built_in_scenarios_agree_with_kdh_check, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-oracle-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "s", NULL), *res = g_build_filename(dir,
									      "r", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, NULL };
	char *out = NULL, *err = NULL;

	g_mkdir_with_parents(sc, 0755);
	for (size_t i = 0; i < G_N_ELEMENTS(agreeing); i++)
		oracle_copy(sc, agreeing[i]);
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	for (size_t i = 0; i < G_N_ELEMENTS(agreeing); i++) {
		JsonParser *p = json_parser_new();
		JsonObject *o = oracle_of(p, res, agreeing[i]);

		cr_expect(json_object_get_boolean_member(o, "agree"), "%s: %s / %s",
			  agreeing[i], json_object_get_string_member(o, "predicted"),
			  json_object_get_string_member(o, "measured"));
		g_object_unref(p);
	}
	test_rmtree(dir);
	g_free(out);
	g_free(err);
	g_free(res);
	g_free(sc);
	g_free(dir);
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
	want = g_strdup_printf("%s: win: check predicted net0 (vmxnet3 at "
			       "0.18.0): connects; the wire shows no KDNET "
			       "traffic", sc);
	cr_expect(strstr(out, want), "%s", out);
	o = oracle_of(p, res, "vmxnet3-old-build");
	report_says(res, want);
	cr_expect(!json_object_get_boolean_member(o, "agree"));
	cr_expect_str_eq(json_object_get_string_member(o, "predicted"),
			 "net0 (vmxnet3 at 0.18.0): connects");
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
