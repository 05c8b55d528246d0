// SPDX-License-Identifier: GPL-2.0-or-later
/* test_matrix_run.c - a [matrix] file in kdh list and kdh run: cells by
 * NAME[label], -g and --shard over cells, --max-cells, results in
 * NAME/cNNNNN with result.json's "cell", kdh report reading them back,
 * a bad cell stopping the run before anything runs, and --sample N
 * listing what kdh run runs */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* 2 × 3 = 6 cells; no drops pc × rtl8139 (index 2): 5 kept */
#define MX \
	"[scenario]\nname = mx\ndescription = matrix base\ngroups = mgroup\n" \
	"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n" \
	"[debugger]\nnetwork = lan\n" \
	"[vm win]\nostype: other\n" \
	"net0: e1000=BC:24:11:00:00:41,bridge=lan\n" \
	"dbgsettings = net hostip:192.168.2.1 port:50000 " \
	"key:1x2y3z.4a5b6c.7d8e9f.0g1h2i\n" \
	"dhcp = no\nip = 192.168.2.72/24\n" \
	"[matrix]\nvm.machine = pc | q35\n" \
	"vm.net0.model = e1000 | e1000e | rtl8139\n" MX_NO
#define MX_NO "no = machine=pc model=rtl8139\n"

/* @text in DIR/mx.kdh; returns its path */
static char *write_file(const char *dir, const char *text)
{
	char *f = g_build_filename(dir, "mx.kdh", NULL);

	cr_assert(g_file_set_contents(f, text, -1, NULL));
	return f;
}

static int kdh(const char *a1, const char *a2, const char *a3,
	       const char *a4, const char *a5, char **out, char **err)
{
	const char *argv[] = { getenv("KDH_BIN"), a1, a2, a3, a4, a5, NULL };

	return test_run(argv, out, err);
}

Test(matrix_run, list_names_cells_and_counts)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *f = write_file(dir, MX), *out, *err;

	cr_assert_eq(kdh("list", f, NULL, NULL, NULL, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "mx[machine=pc,model=e1000] "), "%s", out);
	cr_assert(strstr(out, "mx[machine=q35,model=rtl8139] mgroup"), "%s", out);
	cr_assert_null(strstr(out, "mx[machine=pc,model=rtl8139]"), "%s", out);
	cr_assert_eq(g_strv_length(g_strsplit(out, "\n", -1)), 6, "%s", out);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--count", f, NULL, NULL, &out, &err), 0);
	cr_assert_str_eq(out, "5\n");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--count", "-g", "nogroup", f, &out, &err), 2);
	cr_assert_str_eq(out, "", "exit 2: no count");
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(f); g_free(dir);
}

/* --shard K/N splits the cells as it splits scenarios: 5 cells, 2 shards */
Test(matrix_run, shards_split_cells)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *f = write_file(dir, MX), *out, *err;

	cr_assert_eq(kdh("list", "--shard", "1/2", "-g", "mgroup", &out, &err), 2,
		     "no PATH: the built-in suite has no mgroup");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--shard", "1/2", f, NULL, &out, &err), 0, "%s", err);
	cr_assert_str_eq(out,	/* a matrix's cells align on their longest name */
		"mx[machine=pc,model=e1000]    mgroup           matrix base\n"
		"mx[machine=q35,model=e1000]   mgroup           matrix base\n"
		"mx[machine=q35,model=rtl8139] mgroup           matrix base\n");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--shard", "2/2", f, NULL, &out, &err), 0);
	cr_assert_str_eq(out,
		"mx[machine=pc,model=e1000e]  mgroup           matrix base\n"
		"mx[machine=q35,model=e1000e] mgroup           matrix base\n");
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(f); g_free(dir);
}

Test(matrix_run, max_cells_is_an_error_with_the_count)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *f = write_file(dir, MX), *out, *err;

	cr_assert_eq(kdh("run", "--max-cells", "4", f, "--validate", &out, &err), 2);
	cr_assert(strstr(err, "mx.kdh:"), "%s", err);
	cr_assert(strstr(err, "more than max_cells = 4"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--max-cells", "5", "--count", f, &out, &err), 0,
		     "%s", err);
	cr_assert_str_eq(out, "5\n");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--max-cells", "many", f, NULL, &out, &err), 2);
	cr_assert(strstr(err, "'many' is not a number of cells from 0 to 16000000 "
			 "(0: the file's max_cells, else 10000)"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("run", "--max-cells", "-1", f, NULL, &out, &err), 2);
	cr_assert(strstr(err, "from 0 to 16000000"), "the range: %s", err);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--max-cells", "16000001", f, NULL, &out, &err), 2);
	cr_assert(strstr(err, "from 0 to 16000000"), "%s", err);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(f); g_free(dir);
}

/* A cell whose scenario is bad: named with its line, nothing run, no
 * results directory made */
Test(matrix_run, bad_cell_stops_the_run_before_anything_runs)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *res = g_build_filename(dir, "res", NULL);
	/* the axis goes before the filter */
	char *head = g_strndup(MX, strlen(MX) - strlen(MX_NO));
	char *text = g_strconcat(head, "vm.dhcp = no | maybe\n" MX_NO, NULL);
	char *f = write_file(dir, text), *out, *err;


	cr_assert_eq(kdh("run", f, "--results", res, NULL, &out, &err), 2);
	cr_assert(strstr(err, "cell [machine=pc,model=e1000,dhcp=maybe]"), "%s", err);
	cr_assert(strstr(err, "mx.kdh:14: 5 cells: "), "every bad cell is "
		  "counted, its error said once: %s", err);
	cr_assert(strstr(err, "... and 3 more cells with this error"), "%s", err);
	cr_assert_not(g_file_test(res, G_FILE_TEST_EXISTS), "nothing ran");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--count", f, NULL, NULL, &out, &err), 2);
	cr_assert_str_eq(out, "", "a bad file has no count");
	cr_assert(strstr(err, "5 cells: "), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", f, NULL, NULL, NULL, &out, &err), 2);
	cr_assert_str_eq(out, "", "nor a list");
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(head); g_free(text);
	g_free(f); g_free(res); g_free(dir);
}

static JsonObject *load_json(const char *path, JsonParser **p)
{
	*p = json_parser_new();
	cr_assert(json_parser_load_from_file(*p, path, NULL), "%s", path);
	return json_node_get_object(json_parser_get_root(*p));
}

Test(matrix_run, run_writes_cells_and_report_reads_them, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *f = write_file(dir, MX), *out, *err, **runs, *rd, *rj;
	JsonObject *o, *c;
	JsonParser *p;
	GDir *d;

	cr_assert_eq(kdh("run", f, "--results", dir, "-j2", &out, &err), 0,
		     "%s%s", out, err);
	cr_assert(strstr(out, "5 scenarios: 5 passed"), "%s", out);
	cr_assert(strstr(out, "PASS  mx[machine=q35,model=rtl8139] "),
		  "the console names a cell by its full name: %s", out);
	g_free(out); g_free(err);
	d = g_dir_open(dir, 0, NULL);
	runs = g_new0(char *, 2);
	for (const char *n; (n = g_dir_read_name(d));)
		if (g_str_has_prefix(n, "run-"))
			runs[0] = g_build_filename(dir, n, NULL);
	g_dir_close(d);
	cr_assert_not_null(runs[0]);
	rd = g_build_filename(runs[0], "mx", "c00002", NULL);
	cr_assert_not(g_file_test(rd, G_FILE_TEST_EXISTS), "filtered out");
	g_free(rd);
	rj = g_build_filename(runs[0], "mx", "c00005", "result.json", NULL);
	o = load_json(rj, &p);
	cr_assert_str_eq(json_object_get_string_member(o, "name"), "mx/c00005");
	c = json_object_get_object_member(o, "cell");
	cr_assert_not_null(c);
	cr_assert_eq(json_object_get_int_member(c, "index"), 5);
	cr_assert_str_eq(json_object_get_string_member(c, "label"),
			 "machine=q35,model=rtl8139");
	cr_assert_str_eq(json_object_get_string_member(c, "name"),
			 "mx[machine=q35,model=rtl8139]");
	g_object_unref(p);
	g_free(rj);
	cr_assert_eq(kdh("report", runs[0], "--text", NULL, NULL, &out, &err), 0,
		     "%s", err);
	cr_assert(strstr(out, "5 passed"), "%s", out);
	cr_assert(strstr(out, "MATRIX mx: 5 cells"), "%s", out);
	cr_assert(strstr(out, "    rtl8139       ·  ✓\n"),
		  "the cells drawn as a matrix, the filtered one as ·: %s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_strfreev(runs);
	g_free(f); g_free(dir);
}

/* A name longer than 32 characters (here the file's 40): each cell's
 * NAME/cNNNNN keeps its whole name, none is cut into another's */
Test(matrix_run, long_names_keep_cells_apart)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	const char *name = "abcdefghijklmnopqrstuvwxyz0123456789abcd";
	char *base = g_strconcat(name, ".kdh", NULL);
	char *f = g_build_filename(dir, base, NULL), *out, *err;
	GString *text = g_string_new(MX);

	g_string_replace(text, "name = mx\n", "", 1);
	cr_assert(g_file_set_contents(f, text->str, -1, NULL));
	cr_assert_eq(kdh("run", "--validate", f, NULL, NULL, &out, &err), 0,
		     "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", f, NULL, NULL, NULL, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "abcdefghijklmnopqrstuvwxyz0123456789abcd"
			 "[machine=q35,model=rtl8139]"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_string_free(text, TRUE);
	g_free(base); g_free(f); g_free(dir);
}

/* A baseline matches a cell by name and label: with an axis's values
 * swapped, c00000 is another configuration, not compared, and said so */
Test(matrix_run, baseline_matches_cells_by_label, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *bl = g_build_filename(dir, "bl.json", NULL), *out, *err, *f, *opt;
	GString *t = g_string_new(MX);

	g_string_replace(t, MX_NO, "only = model=e1000\n", 1);
	f = write_file(dir, t->str);
	opt = g_strconcat("--json=", bl, NULL);
	cr_assert_eq(kdh("run", f, "--results", dir, opt, &out, &err), 0,
		     "%s", err);
	g_free(out); g_free(err); g_free(opt);
	g_string_replace(t, "pc | q35", "q35 | pc", 1);
	g_free(f);
	f = write_file(dir, t->str);
	opt = g_strconcat("--baseline=", bl, NULL);
	cr_assert_eq(kdh("run", f, "--results", dir, opt, &out, &err), 0,
		     "%s%s", out, err);
	cr_assert(strstr(out, "note: mx/c00000 [machine=q35,model=e1000] is not in "
			 "the baseline (its mx/c00000 there is "
			 "[machine=pc,model=e1000], another configuration): not "
			 "compared"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_string_free(t, TRUE);
	g_free(bl); g_free(f); g_free(opt); g_free(dir);
}

/* Two matrix files of one name clash cell by cell: said once a file */
Test(matrix_run, name_clash_said_once)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *sub = g_build_filename(dir, "b", NULL), *f, *g, *out, *err, *want;

	f = write_file(dir, MX);
	cr_assert_eq(g_mkdir(sub, 0755), 0);
	g = write_file(sub, MX);
	cr_assert_eq(kdh("run", "--validate", f, g, NULL, &out, &err), 2);
	want = g_strdup_printf("%s: scenario name 'mx/c00000' is also %s's: both "
			       "would write RUNDIR/mx/c00000/; rename one "
			       "([scenario] name = ..., or the file) or run them "
			       "apart\n", g, f);
	cr_assert_str_eq(err, want);
	g_free(out); g_free(err); g_free(want);
	cr_assert_eq(kdh("run", "--validate", f, f, NULL, &out, &err), 2);
	want = g_strdup_printf("%s: given twice; a scenario runs once in a run "
			       "(its results go in RUNDIR/mx/c00000/)\n", f);
	cr_assert_str_eq(err, want);
	g_free(out); g_free(err); g_free(want);
	test_rmtree(dir);
	g_free(f); g_free(g); g_free(sub); g_free(dir);
}

/* The names kdh list printed, one a line (the first word) */
static GPtrArray *names_of(const char *out)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	gchar **l = g_strsplit(out, "\n", -1);

	for (gchar **p = l; *p; p++)
		if (**p)
			g_ptr_array_add(a, g_strndup(*p, strcspn(*p, " ")));
	g_strfreev(l);
	return a;
}

/* --sample N: kdh list and kdh run take the same N cells for a seed, every
 * value of both axes among them; too small an N names the least */
Test(matrix_run, sample_lists_what_run_runs, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-mx-XXXXXX", NULL);
	char *f = write_file(dir, MX), *out, *err;
	const char *vals[] = { "machine=pc", "machine=q35", "model=e1000",
			       "model=e1000e", "model=rtl8139" };
	GPtrArray *names;

	cr_assert_eq(kdh("list", "--sample", "3", "--seed=9", f, &out, &err), 0,
		     "%s", err);
	names = names_of(out);
	cr_assert_eq(names->len, 3, "%s", out);
	for (size_t v = 0; v < G_N_ELEMENTS(vals); v++)
		cr_expect(strstr(out, vals[v]), "%s not in the sample: %s",
			  vals[v], out);
	cr_assert(strstr(err, "a sample of 3 of 5 cells (seed 9)"), "%s", err);
	g_free(out); g_free(err);
	{
		const char *argv[] = { getenv("KDH_BIN"), "run", "--sample", "3",
				       "--seed", "9", "--results", dir, f, NULL };

		cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	}
	cr_assert(strstr(out, "3 scenarios: 3 passed"), "%s", out);
	for (guint i = 0; i < names->len; i++)
		cr_expect(strstr(out, g_ptr_array_index(names, i)),
			  "kdh run did not run %s: %s",
			  (char *)g_ptr_array_index(names, i), out);
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--sample", "2", f, NULL, &out, &err), 2);
	cr_assert(strstr(err, "--sample 2: a sample of 2 cells cannot hold every "
			 "value of every axis: that takes 3 (5 values); give "
			 "--sample 3 or more"), "%s", err);
	cr_assert_str_eq(out, "");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--sample", "0", f, NULL, &out, &err), 2);
	g_free(out); g_free(err);
	/* N at or above the cells: all of them, said */
	cr_assert_eq(kdh("list", "--sample", "99", f, NULL, &out, &err), 0);
	cr_assert(strstr(err, "--sample 99: the matrix keeps 5 cells: all of "
			 "them"), "%s", err);
	g_free(out); g_free(err);
	/* a --sample or a --seed that would change nothing is bad input */
	cr_assert_eq(kdh("list", "--sample", "3", "seed-dhcp-hang", NULL, &out,
			 &err), 2);
	cr_assert(strstr(err, "none of the scenarios given has a [matrix]"),
		  "%s", err);
	cr_assert_str_eq(out, "");
	g_free(out); g_free(err);
	cr_assert_eq(kdh("list", "--seed", "3", f, NULL, &out, &err), 2);
	cr_assert(strstr(err, "there is no --sample"), "%s", err);
	g_free(out); g_free(err);
	g_ptr_array_free(names, TRUE);
	test_rmtree(dir);
	g_free(f); g_free(dir);
}
