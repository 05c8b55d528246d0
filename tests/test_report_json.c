// SPDX-License-Identifier: GPL-2.0-or-later
/* test_report_json.c - summary.json files with a wrong type, a number out
 * of range or a value that means nothing: `kdh report`, `kdh report
 * merge`, `kdh baseline update` and `kdh run --baseline` each say
 * "FILE: scenarios[0].frames: what is wrong" and exit 2, and no GLib or
 * json-glib message ever reaches stderr.
 *
 * Each case is a small summary: the smallest one kdh reads, with one
 * member changed (TARGET() in its one target, SCEN() in its one
 * scenario).  Every case goes through the reader in this process; a few
 * through each command, which must exit 2 and print nothing of GLib's.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/util/json_read.h"
#include "kdh/report/report.h"

#define SCEN(members)	"{\"scenarios\":[{\"name\":\"a\",\"verdict\":\"pass\"" \
			members "}]}"
#define TARGET(members)	SCEN(",\"targets\":[{\"name\":\"win\"" members "}]")

static const struct bad {
	const char *json;
	const char *message;	/* after "FILE: " */
} bad[] = {
	{ "", "empty: no JSON object in it" },
	{ "  \n", "empty: no JSON object in it" },
	{ "[1,2]", "expected an object, found an array" },
	{ "\"x\"", "expected an object, found a string" },
	{ "{}", "not a kdh run summary (no \"scenarios\")" },
	{ "{\"scenarios\":{}}", "scenarios: expected an array, found an object" },
	{ "{\"scenarios\":null}", "scenarios: must not be null" },
	{ "{\"scenarios\":[1]}", "scenarios[0]: expected an object, found 1" },
	{ "{\"scenarios\":[{\"verdict\":\"pass\"}]}", "scenarios[0].name: missing" },
	{ "{\"scenarios\":[{\"name\":\"a\"}]}", "scenarios[0].verdict: missing" },
	{ SCEN(",\"frames\":\"12\""), "scenarios[0].frames: expected a whole "
	  "number from 0 to 9223372036854775807, found a string" },
	{ SCEN(",\"frames\":-1"), "scenarios[0].frames: expected a whole number "
	  "from 0 to 9223372036854775807, found -1" },
	{ SCEN(",\"frames\":1.5"), "found 1.5" },
	{ SCEN(",\"frames\":1e400"), "frames: expected a whole number from 0 to "
	  "9223372036854775807, found a number out of range" },
	{ SCEN(",\"index\":4294967296"), "index: expected a whole number from 0 "
	  "to 4294967295, found 4294967296" },
	{ SCEN(",\"sim_seconds\":-2"), "scenarios[0].sim_seconds: expected a "
	  "number not below 0, found -2" },
	{ SCEN(",\"wall_seconds\":1e999"), "wall_seconds: expected a finite "
	  "number, found a number out of range" },
	{ SCEN(",\"seed\":\"x\""), "scenarios[0].seed: expected a whole number" },
	{ SCEN(",\"seed\":true"), "scenarios[0].seed: expected a whole number "
	  "from 0 to 18446744073709551615, found true" },
	{ "{\"scenarios\":[{\"name\":\"a\",\"verdict\":\"PASS\"}]}",
	  "scenarios[0].verdict: \"PASS\" is not one of pass, fail" },
	{ SCEN(",\"reason\":7"), "scenarios[0].reason: expected a string, found 7" },
	{ "{\"scenarios\":[{\"verdict\":\"pass\",\"name\":\""
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
	  "scenarios[0].name: 119 bytes long, at most" },
	{ "{\"scenarios\":[{\"name\":\"\",\"verdict\":\"pass\"}]}",
	  "scenarios[0].name: empty: a name has at least one character" },
	{ "{\"scenarios\":[{\"name\":\"a\\nb\",\"verdict\":\"pass\"}]}",
	  "scenarios[0].name: a control character (0x0A) in a name" },
	{ "{\"scenarios\":[{\"name\":\"a\\u0000b\",\"verdict\":\"pass\"}]}",
	  ":1: a NUL character (\\u0000) in a string" },
	{ "{\"scenarios\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	  ":1: arrays and objects nested deeper than kdh writes them" },
	{ "{\"scenarios\":[}", ":1:" },
	{ SCEN(",\"failures\":[{\"kind\":\"oops\"}]"),
	  "scenarios[0].failures[0].kind: \"oops\" is not one of" },
	{ SCEN(",\"failures\":[{\"kind\":\"expectation\",\"line\":-3}]"),
	  "scenarios[0].failures[0].line: expected a whole number" },
	{ SCEN(",\"targets\":{}"), "scenarios[0].targets: expected an array" },
	{ SCEN(",\"targets\":[{},{},{},{},{},{},{},{},{}]"),
	  "scenarios[0].targets: 9 elements, at most 8" },
	{ SCEN(",\"targets\":[null]"), "scenarios[0].targets[0]: expected an "
	  "object, found null" },
	{ TARGET(",\"boots\":\"1\""), "scenarios[0].targets[0].boots: expected "
	  "a whole number from 0 to 4294967295, found a string" },
	{ TARGET(",\"outcome\":3"), "targets[0].outcome: expected a string, found 3" },
	{ TARGET(",\"outcome\":\"sideways\""), "targets[0].outcome: \"sideways\" "
	  "is not one of" },
	{ TARGET(",\"os_network\":\"yes\""), "targets[0].os_network: expected "
	  "true or false, found a string" },
	{ TARGET(",\"connect_time_s\":[]"), "targets[0].connect_time_s: expected "
	  "a number, found an array" },
	{ TARGET(",\"address_source\":\"dns\""), "address_source: \"dns\" is not "
	  "one of dhcp, static, apipa or null" },
	{ TARGET(",\"debug_nic\":{\"mac\":\"zz\"}"),
	  "targets[0].debug_nic.mac: expected a MAC address" },
	{ TARGET(",\"modules_loaded\":1,\"kernel_base\":\"0xZZ\""),
	  "targets[0].kernel_base: expected a hexadecimal string" },
	{ TARGET(",\"modules_loaded\":1,\"bugcheck\":{\"code\":\"0xD1\","
		 "\"params\":[1]}"), "targets[0].bugcheck.params[0]: expected a "
	  "string, found 1" },
	{ TARGET(",\"modules_loaded\":1,\"bugcheck\":{\"code\":\"0x1FFFFFFFF\"}"),
	  "targets[0].bugcheck.code: expected a hexadecimal string from 0x0 to "
	  "0xFFFFFFFF" },
	{ TARGET(",\"timeline\":[{\"t\":\"x\",\"event\":\"a\"}]"),
	  "targets[0].timeline[0].t: expected a number, found a string" },
	{ TARGET(",\"serial_resets\":[{\"from_vm\":true}]"),
	  "targets[0].serial_resets[0].t: missing" },
	{ TARGET(",\"baseline\":{\"connect_time_s\":4}"),
	  "targets[0].baseline.connect_time_s: expected an object, found 4" },
	{ "{\"interrupted\":\"no\",\"scenarios\":[]}",
	  "interrupted: expected true or false, found a string" },
	{ "{\"counts\":{\"scenarios\":0},\"scenarios\":[{\"name\":\"a\","
	  "\"verdict\":\"pass\"}]}", "counts.scenarios: 0, fewer than the 1 "
	  "listed in \"scenarios\"" },
	{ "{\"provenance\":[],\"scenarios\":[]}",
	  "provenance: expected an object, found an array" },
	{ "{\"provenance\":{\"shard\":\"3/2\"},\"scenarios\":[]}",
	  "provenance.shard: expected \"K/N\" with 1 <= K <= N" },
	{ "{\"provenance\":{\"kdh\":1},\"scenarios\":[]}",
	  "provenance.kdh: expected a string, found 1" },
	{ SCEN(",\n\"frames\":1,\"frames\" : 2"),
	  ":2: \"frames\" twice in one object" },
	{ "{\"scenarios\":[],\n\"seed\":1,\"x\":{\"seed\":2},\"seed\":3}",
	  ":2: \"seed\" twice in one object" },
};

static char *write_tmp(const char *json)
{
	char *path = test_tmpfile(".json");

	cr_assert(g_file_set_contents(path, json, -1, NULL), "%s", path);
	return path;
}

/* Run @argv: exit 2, "kdh CMD: PATH:...@message" on stderr, no GLib */
static void refused(const char *const argv[], const char *path,
		    const char *message)
{
	char *out, *err, *want = g_strdup_printf("%s:", path);
	int rc = test_run(argv, &out, &err);

	test_assert_no_glib_message(err, argv[1]);
	cr_assert_eq(rc, 2, "kdh %s: exit %d for %s:\n%s", argv[1], rc, message,
		     err);
	cr_assert(strstr(err, want) && strstr(strstr(err, want), message),
		  "kdh %s: wanted \"%s...%s\", got:\n%s", argv[1], want, message,
		  err);
	g_free(want);
	g_free(out);
	g_free(err);
}

/* Any GLib message while parsing in this process fails the test */
static void glib_message(const gchar *domain, GLogLevelFlags level,
			 const gchar *message, gpointer data)
{
	(void)data;
	cr_assert_fail("GLib message (%s, level %d): %s", domain ? domain : "",
		       (int)level, message);
}

/* The reader itself, one class of bad member each: "FILE:...message" */
Test(report_json, reader_names_the_member)
{
	g_log_set_default_handler(glib_message, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
		JsonParser *p = json_parser_new();
		char err[400] = "";
		uint64_t seed;
		struct jr jr;
		int rc = jr_parse(p, "s.json", bad[i].json, strlen(bad[i].json), err,
				  sizeof(err));

		if (!rc) {
			jr_init(&jr, "s.json", err, sizeof(err));
			rc = report_summary_parse(&jr, json_parser_get_root(p), rs,
						  &seed, NULL, NULL);
		}
		cr_assert_eq(rc, -1, "%s: accepted", bad[i].json);
		cr_assert(!strncmp(err, "s.json:", 7) && strstr(err, bad[i].message),
			  "%s: wanted \"s.json:...%s\", got \"%s\"", bad[i].json,
			  bad[i].message, err);
		cr_assert_eq(rs->len, 0, "nothing kept from a refused summary");
		g_object_unref(p);
		g_array_free(rs, TRUE);
	}
}

/* kdh report: exit 2, the message, no GLib message (a few classes) */
Test(report_json, report_says_it_and_nothing_else)
{
	static const size_t cases[] = { 0, 2, 5, 13, 19, 24, 27, 33 };

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct bad *b = &bad[cases[k]];
		char *path = write_tmp(b->json);
		const char *argv[] = { getenv("KDH_BIN"), "report", path, "--text",
				       NULL };

		refused(argv, path, b->message);
		g_unlink(path);
		g_free(path);
	}
}

/* The other readers of a summary: the same message */
Test(report_json, merge_baseline_and_run_say_the_same)
{
	static const size_t cases[] = { 0, 2, 13, 33 };
	char *dir = g_dir_make_tmp("kdh-json-XXXXXX", NULL);
	char *to = g_build_filename(dir, "out", NULL);

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct bad *b = &bad[cases[k]];
		char *path = write_tmp(b->json);
		const char *merge[] = { getenv("KDH_BIN"), "report", "merge", path,
					"--out", to, NULL };
		const char *update[] = { getenv("KDH_BIN"), "baseline", "update",
					 path, to, NULL };
		const char *run[] = { getenv("KDH_BIN"), "run", "ostype-other",
				      "--results", dir, "--baseline", path, NULL };

		refused(merge, path, b->message);
		refused(update, path, b->message);
		refused(run, path, b->message);
		cr_assert(!g_file_test(to, G_FILE_TEST_EXISTS), "nothing written");
		g_unlink(path);
		g_free(path);
	}
	test_rmtree(dir);
	g_free(to);
	g_free(dir);
}

/* What is right is read: the smallest summary, a seed an older kdh wrote
 * signed, a whole number written 2.0, nulls where kdh writes them */
Test(report_json, good_summaries_read)
{
	static const char *const good[] = {
		"{\"scenarios\":[]}",
		SCEN(""),
		"{\"seed\":-7570261726422537546," "\"scenarios\":[{\"name\":\"a\","
		"\"verdict\":\"pass\",\"seed\":18446744073709551615}]}",
		SCEN(",\"frames\":2.0,\"reason\":null,\"targets\":[]"),
		TARGET(",\"outcome\":null,\"previous_boot_s\":-60,\"baseline\":null"),
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *path = write_tmp(good[i]), *out, *err;
		const char *argv[] = { getenv("KDH_BIN"), "report", path, "--text",
				       NULL };
		int rc = test_run(argv, &out, &err);

		test_assert_no_glib_message(err, good[i]);
		cr_assert_eq(rc, 0, "%s: exit %d: %s", good[i], rc, err);
		g_unlink(path);
		g_free(path);
		g_free(out);
		g_free(err);
	}
}
