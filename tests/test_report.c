// SPDX-License-Identifier: GPL-2.0-or-later
/* test_report.c - kdh report: the page is well-formed XHTML with its SVG,
 * every link resolves to a file inside the results directory, failed and
 * skipped scenarios are on it (and in --text, failures first), result.json
 * carries the findings and baseline bands the report draws, and headless
 * Chromium renders the page to something that is not blank.
 *
 * The fixture: two runs of a small suite in one results directory, the
 * second compared with a baseline in which seed-dhcp-off connected in 1 s
 * (so it regresses), with a scenario whose expectation is wrong (fails in
 * both runs) and a VM scenario without an agent image (skipped).
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "helpers.h"

static const char fail_kdh[] =
	"# a wrong expectation: connects in 4 s, expected under 2 s\n"
	"[scenario]\n"
	"description = static network, dhcp no, an impossible connect_time\n"
	"\n"
	"[network lan]\n"
	"type = static\n"
	"subnet = 192.168.2.0/24\n"
	"\n"
	"[vm win]\n"
	"ostype: other\n"
	"net0: e1000=BC:24:11:00:00:12,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
	"dhcp = no\n"
	"ip = 192.168.2.72/24\n"
	"\n"
	"[expect]\n"
	"outcome = connected\n"
	"connect_time < 2s\n";

static const char vm_kdh[] =
	"# a VM scenario: skipped here, its agent image directory is empty\n"
	"[scenario]\n"
	"requires = qemu\n"
	"\n"
	"[network lan]\n"
	"type = static\n"
	"subnet = 192.168.2.0/24\n"
	"\n"
	"[vm agent]\n"
	"target = vm\n"
	"ostype: other\n"
	"net0: e1000=BC:24:11:00:01:30,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
	"dhcp = no\n"
	"ip = 192.168.2.72/24\n"
	"\n"
	"[expect]\n"
	"outcome = connected\n";

struct fixture {
	char *dir;		/* the test's scratch directory */
	char *results;		/* dir/results: the runs */
	char *run[2];		/* the two run directories, oldest first */
	char *html;		/* results/report.html */
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = g_build_filename(dir, name, NULL);

	cr_assert(g_file_set_contents(p, text, -1, NULL), "%s", p);
	g_free(p);
}

static void copy_scenario(const char *dir, const char *name)
{
	char *src = g_build_filename(getenv("KDH_SCENARIOS"), name, NULL), *text;

	cr_assert(g_file_get_contents(src, &text, NULL, NULL), "%s", src);
	write_file(dir, name, text);
	g_free(text);
	g_free(src);
}

/* The run directory kdh run just made: the one line that names it */
static char *run_dir_of(const char *out)
{
	const char *p = strstr(out, "results in ");

	cr_assert(p, "%s", out);
	p += strlen("results in ");
	return g_strndup(p, strcspn(p, "\n"));
}

static void run(struct fixture *f, int i, const char *suite, const char *base)
{
	char seed[8];
	const char *argv[] = { getenv("KDH_BIN"), "run", suite, "--seed", seed,
		"--results", f->results, base ? "--baseline" : NULL, base, NULL };
	char *out, *err;

	snprintf(seed, sizeof(seed), "%d", i + 1);
	cr_assert_eq(test_run(argv, &out, &err), 1, "a scenario fails: %s%s", out, err);
	f->run[i] = run_dir_of(out);
	g_free(out);
	g_free(err);
}

/* A baseline in which seed-dhcp-off connected in 1 s */
static char *baseline_make(const struct fixture *f)
{
	char *sum = g_build_filename(f->run[0], "summary.json", NULL), *text, *at;
	char *base = g_build_filename(f->dir, "baseline.json", NULL);
	const char *key = "\"connect_time_s\" : 4.0";

	cr_assert(g_file_get_contents(sum, &text, NULL, NULL));
	at = strstr(strstr(text, "\"name\" : \"seed-dhcp-off\""), key);
	cr_assert(at, "seed-dhcp-off connected in 4 s in run 1");
	memcpy(at + strlen(key) - 3, "1.0", 3);
	cr_assert(g_file_set_contents(base, text, -1, NULL));
	g_free(text);
	g_free(sum);
	return base;
}

static void fixture_make(struct fixture *f)
{
	char *suite, *agent, *base;

	f->dir = g_dir_make_tmp("kdh-report-XXXXXX", NULL);
	cr_assert(f->dir);
	suite = g_build_filename(f->dir, "suite", NULL);
	agent = g_build_filename(f->dir, "no-agent", NULL);
	f->results = g_build_filename(f->dir, "results", NULL);
	cr_assert(!g_mkdir(suite, 0755) && !g_mkdir(agent, 0755));
	write_file(suite, "impossible-connect.kdh", fail_kdh);
	write_file(suite, "vm-no-image.kdh", vm_kdh);
	copy_scenario(suite, "seed-dhcp-off.kdh");
	copy_scenario(suite, "seed-dhcp-hang.kdh");
	copy_scenario(suite, "serial-debugger.kdh");
	copy_scenario(suite, "hv-guest-reboot.kdh");
	setenv("KDH_AGENT_DIR", agent, 1);
	run(f, 0, suite, NULL);
	base = baseline_make(f);
	run(f, 1, suite, base);
	f->html = g_build_filename(f->results, "report.html", NULL);
	g_free(base);
	g_free(agent);
	g_free(suite);
}

static void fixture_free(struct fixture *f)
{
	test_rmtree(f->dir);
	g_free(f->dir);
	g_free(f->results);
	g_free(f->run[0]);
	g_free(f->run[1]);
	g_free(f->html);
}

static char *report(const struct fixture *f, const char *how, const char *file)
{
	const char *argv[] = { getenv("KDH_BIN"), "report", f->run[0], f->run[1],
			       how, file, NULL };
	char *out, *err;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	g_free(err);
	return out;
}

static char *slurp(const char *path)
{
	char *text;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}

/* Every href: a #fragment of the page, or a relative path to a file in
 * the results directory; nothing absolute, nothing fetched */
static unsigned links_check(const char *html, const char *page, const char *results)
{
	char *page_dir = g_path_get_dirname(page), top[PATH_MAX], got[PATH_MAX];
	unsigned files = 0;

	cr_assert(realpath(results, top));
	for (const char *p = strstr(html, "href=\""); p; p = strstr(p, "href=\"")) {
		char *href = g_strndup(p + 6, strcspn(p + 6, "\""));
		char *path, *raw;

		p += 6;
		if (href[0] == '#') {
			char *id = g_strdup_printf("id=\"%s\"", href + 1);

			cr_assert(strstr(html, id), "no %s for %s", id, href);
			g_free(id);
			g_free(href);
			continue;
		}
		cr_assert_null(strstr(href, "://"), "fetches %s", href);
		cr_assert_neq(href[0], '/', "absolute link %s", href);
		raw = g_uri_unescape_string(href, NULL);
		path = g_build_filename(page_dir, raw, NULL);
		cr_assert(realpath(path, got), "%s does not resolve (%s)", href, path);
		cr_assert(g_str_has_prefix(got, top) && got[strlen(top)] == '/',
			  "%s is outside %s", got, top);
		cr_assert(g_file_test(got, G_FILE_TEST_IS_REGULAR), "%s", got);
		files++;
		g_free(path);
		g_free(raw);
		g_free(href);
	}
	g_free(page_dir);
	return files;
}

Test(report, page_well_formed_links_resolve, .timeout = 60)
{
	struct fixture f;
	const char *wf[] = { "xmllint", "--noout", NULL, NULL };
	char *out, *err, *html;

	fixture_make(&f);
	g_free(report(&f, "--html", f.html));
	wf[2] = f.html;
	cr_assert_eq(test_run(wf, &out, &err), 0, "not well-formed XML: %s", err);
	g_free(out); g_free(err);
	html = slurp(f.html);
	cr_assert(strstr(html, "<html xmlns=\"http://www.w3.org/1999/xhtml\""));
	cr_assert(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	cr_assert_null(strstr(html, "<script"), "nothing to run");
	cr_assert_null(strstr(html, "src="), "nothing to fetch");
	cr_assert_geq(links_check(html, f.html, f.results), 3 * 5,
		      "capture, result and log of each scenario that ran");
	cr_assert(strstr(html, "href=\"run-"), "links relative to the page");
	g_free(html);
	fixture_free(&f);
}

/* The run's own report.html, which kdh run writes, links its files too */
Test(report, run_writes_its_page, .timeout = 60)
{
	struct fixture f;
	char *page, *html;
	const char *wf[] = { "xmllint", "--noout", NULL, NULL };
	char *out, *err;

	fixture_make(&f);
	page = g_build_filename(f.run[1], "report.html", NULL);
	wf[2] = page;
	cr_assert_eq(test_run(wf, &out, &err), 0, "not well-formed XML: %s", err);
	g_free(out); g_free(err);
	html = slurp(page);
	cr_assert_geq(links_check(html, page, f.run[1]), 3 * 5);
	cr_assert(strstr(html, "href=\"seed-dhcp-hang/capture.pcapng\""));
	g_free(html);
	g_free(page);
	fixture_free(&f);
}

Test(report, failed_and_skipped_on_the_page, .timeout = 60)
{
	struct fixture f;
	char *html, *first, *skip, *table, *id, *since;

	fixture_make(&f);
	g_free(report(&f, "--html", f.html));
	html = slurp(f.html);
	first = strstr(html, "✗ Failed: 2");
	skip = strstr(html, "⊘ Skipped: 1");
	table = strstr(html, "All scenarios");
	cr_assert(first && skip && table && first < skip && skip < table,
		  "failures, then skips, then the table");
	cr_assert(strstr(table, "<th>debug NIC</th>"), "debug_nic's name, as "
		  "result.json and [expect] call it");
	cr_assert(strstr(first, "impossible-connect.kdh:18: expected connect_time &lt; "
			 "2s, got 4.000s"), "the expectation, file:line, both values");
	cr_assert(strstr(first, "regression: win connect_time_s 4.000, was 1.000 "
			 "(allowed +20% or +2s: the default)"));
	cr_assert(strstr(first, "failed in all 2 runs given"), "since when");
	id = g_path_get_basename(f.run[0]);
	since = g_strdup_printf("new in this run (passed in %s)", id);
	cr_assert(strstr(first, since), "since when, naming the run");
	g_free(since);
	g_free(id);
	cr_assert(strstr(skip, "vm-no-image</a>: requires"), "skipped, with why");
	cr_assert(strstr(table, ">vm-no-image</a></td><td><span class=\"skip\">⊘ "
			 "skip</span>"), "a skipped scenario has its row");
	cr_assert(strstr(table, "<td>apipa-after-hang</td>") &&
		  strstr(table, "</td><td>no DHCP answer to 13 DISCOVERs; took 169.254."),
		  "why: the finding in words for an outcome that is not connected");
	cr_assert(strstr(html, "<p class=\"desc\">static network, dhcp no, an "
			 "impossible connect_time</p>"), "the scenario's description");
	cr_assert(strstr(html, "✗ DHCP hang 60"), "the hang, with its duration");
	cr_assert(strstr(html, "✓ KD connected over serial0"), "the serial lane");
	cr_assert(strstr(html, "KD RESET from win"), "its RESETs");
	cr_assert(strstr(html, "boot 1, then a guest reboot"), "the reboot");
	cr_assert(strstr(html, "a regression (baseline 1.000 s)"), "marked in the trend");
	cr_assert(strstr(html, "seconds from power-on"), "a time axis");
	g_free(html);
	fixture_free(&f);
}

/* Every phase kind in the legend, each swatch its own fill and pattern */
Test(report, legend_swatches_distinct, .timeout = 60)
{
	struct fixture f;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char *html, *end;
	const char *p, *names[] = { "earlier boot", "firmware and boot", "DHCP hang",
		"169.254 probes", "KDNET announcing", "debugger attached",
		"OS networking", "no KDNET traffic", "KDNET on the wrong NIC",
		"key mismatch", "KDNET not verified", "no answer from the debugger",
		"VM failed", "KD RESETs, waiting", "KD connected over serial",
		"no KD reset exchange", "guest stopped" };
	unsigned n = 0;

	fixture_make(&f);
	g_free(report(&f, "--html", f.html));
	html = slurp(f.html);
	p = strstr(html, "<p class=\"legend\">");
	cr_assert(p);
	end = strstr(p, "</p>");
	*end = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		cr_assert(strstr(p, names[i]), "%s in the legend", names[i]);
	for (p = strstr(p, "<span><svg"); p; p = strstr(p + 1, "<span><svg")) {
		const char *fill = strstr(p, "fill=\""), *close = strstr(p, "</svg>");
		const char *pat = strstr(p, "url(#");
		char *key = g_strdup_printf("%.*s %.*s", (int)strcspn(fill + 6, "\""),
					    fill + 6, pat && pat < close ?
					    (int)strcspn(pat, ")") : 0, pat ? pat : "");

		cr_assert(g_hash_table_add(seen, key), "two kinds drawn as %s", key);
		n++;
	}
	cr_assert_eq(n, 18, "every phase kind has its swatch");
	g_hash_table_destroy(seen);
	g_free(html);
	fixture_free(&f);
}

Test(report, text_failures_first, .timeout = 60)
{
	struct fixture f;
	char *out, *failed, *skipped, *passed, *prov;

	fixture_make(&f);
	out = report(&f, "--text", NULL);
	failed = strstr(out, "\nFAILED\n");
	skipped = strstr(out, "\nSKIPPED\n");
	passed = strstr(out, "\nPASSED  3:");
	prov = strstr(out, "\nPROVENANCE");
	cr_assert(failed && skipped && passed && prov && failed < skipped &&
		  skipped < passed && passed < prov, "%s", out);
	cr_assert(g_str_has_prefix(out, "kdh report: "), "%s", out);
	cr_assert(strstr(out, "2 failed, 0 errors, 0 interrupted, 1 skipped, 3 passed; "
			 "1 regression (2 runs given)"), "%s", out);
	cr_assert(strstr(failed, "FAIL  impossible-connect\n        static network, "
			 "dhcp no, an impossible connect_time\n"), "%s", out);
	cr_assert(strstr(failed, "impossible-connect.kdh:18: expected connect_time < 2s, "
			 "got 4.000s"), "%s", out);
	cr_assert(strstr(failed, "was 1.000 (allowed +20% or +2s"), "%s", out);
	cr_assert(strstr(skipped, "SKIP  vm-no-image: requires"), "%s", out);
	cr_assert(strstr(prov, "accelerator ") && strstr(prov, "seed 2") &&
		  strstr(prov, "libslirp ") && strstr(prov, "QEMU "), "%s", out);
	g_free(out);
	fixture_free(&f);
}

static JsonObject *result_of(const struct fixture *f, const char *sc, JsonParser **p)
{
	char *path = g_build_filename(f->run[1], sc, "result.json", NULL);

	*p = json_parser_new();
	cr_assert(json_parser_load_from_file(*p, path, NULL), "%s", path);
	g_free(path);
	return json_node_get_object(json_parser_get_root(*p));
}

Test(report, result_json_has_what_the_page_draws, .timeout = 60)
{
	struct fixture f;
	JsonParser *p;
	JsonObject *o, *t, *band;
	JsonArray *a;

	fixture_make(&f);
	o = result_of(&f, "impossible-connect", &p);
	a = json_object_get_array_member(o, "failures");
	cr_assert_eq(json_array_get_length(a), 1);
	t = json_array_get_object_element(a, 0);
	cr_assert_str_eq(json_object_get_string_member(t, "kind"), "expectation");
	cr_assert_eq(json_object_get_int_member(t, "line"), 18);
	cr_assert_str_eq(json_object_get_string_member(t, "got"), "4.000s");
	cr_assert_str_eq(json_object_get_string_member(o, "description"),
			 "static network, dhcp no, an impossible connect_time");
	g_object_unref(p);

	o = result_of(&f, "seed-dhcp-off", &p);
	t = json_array_get_object_element(json_object_get_array_member(o, "failures"), 0);
	cr_assert_str_eq(json_object_get_string_member(t, "kind"), "regression");
	cr_assert_str_eq(json_object_get_string_member(t, "was"), "1.000");
	t = json_array_get_object_element(json_object_get_array_member(o, "targets"), 0);
	band = json_object_get_object_member(json_object_get_object_member(t,
		"baseline"), "connect_time_s");
	cr_assert_float_eq(json_object_get_double_member(band, "high"), 3.0, 1e-9);
	cr_assert(json_object_get_null_member(band, "low"), "+20% or +2s: no low");
	cr_assert(json_object_get_boolean_member(band, "regression"));
	cr_assert_gt(json_object_get_double_member(t, "capture_end_s"), 4);
	g_object_unref(p);

	o = result_of(&f, "serial-debugger", &p);
	t = json_array_get_object_element(json_object_get_array_member(o, "targets"), 0);
	cr_assert_geq(json_array_get_length(json_object_get_array_member(t,
		"serial_resets")), 1);
	cr_assert_geq(json_object_get_int_member(t, "serial_resets_sent"), 1);
	g_object_unref(p);

	o = result_of(&f, "hv-guest-reboot", &p);
	t = json_array_get_object_element(json_object_get_array_member(o, "targets"), 0);
	cr_assert_str_eq(json_object_get_string_member(t, "reboot"), "guest");
	cr_assert_lt(json_object_get_double_member(t, "previous_boot_s"), 0);
	g_object_unref(p);
	fixture_free(&f);
}

Test(report, bad_input_is_one_message, .timeout = 30)
{
	const char *missing[] = { getenv("KDH_BIN"), "report", "/nonexistent/run",
				  "--text", NULL };
	const char *neither[] = { getenv("KDH_BIN"), "report", "/proc/self", NULL };
	const char *both[] = { getenv("KDH_BIN"), "report", "/tmp", "--text", "--html",
			       "-", NULL };
	const char *merge[] = { getenv("KDH_BIN"), "report", "merge", "/tmp", "--out",
				"/tmp/x", "--text", NULL };
	char *out, *err;

	cr_assert_eq(test_run(missing, &out, &err), 2);
	cr_assert(strstr(err, "/nonexistent/run"), "%s", err);
	cr_assert_str_empty(out);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(neither, &out, &err), 2, "%s", err);
	cr_assert(strstr(err, "/proc/self: neither a run (no summary.json in it) "
			 "nor a results directory"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(both, &out, &err), 2);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(merge, &out, &err), 2);
	g_free(out); g_free(err);
}

/* A big-endian u32 at any alignment (PNG chunks are not aligned) */
static guint32 be32(const guchar *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* The distinct RGB(A) values of an 8-bit, non-interlaced RGB or RGBA PNG
 * (what Chromium writes), after undoing each row's filter */
static unsigned png_colours(const char *path)
{
	gsize len;
	guchar *d;
	GByteArray *idat = g_byte_array_new();
	GHashTable *seen = g_hash_table_new(NULL, NULL);
	unsigned w = 0, h = 0, bpp = 0, n;
	uLongf raw_len;
	guchar *raw, *prev;

	cr_assert(g_file_get_contents(path, (char **)&d, &len, NULL));
	cr_assert(len > 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8), "a PNG");
	for (gsize i = 8; i + 12 <= len;) {
		guint32 clen = be32(d + i);

		cr_assert(clen <= len - i - 12, "a PNG chunk runs past the file");

		if (!memcmp(d + i + 4, "IHDR", 4)) {
			w = be32(d + i + 8);
			h = be32(d + i + 12);
			cr_assert(d[i + 16] == 8 && (d[i + 17] == 2 || d[i + 17] == 6) &&
				  !d[i + 20], "8-bit RGB(A), not interlaced");
			bpp = d[i + 17] == 6 ? 4 : 3;
		} else if (!memcmp(d + i + 4, "IDAT", 4)) {
			g_byte_array_append(idat, d + i + 8, clen);
		}
		i += 12 + clen;
	}
	raw_len = (uLongf)h * (1 + w * bpp);
	raw = g_malloc(raw_len);
	prev = g_malloc0(w * bpp);
	cr_assert_eq(uncompress(raw, &raw_len, idat->data, idat->len), Z_OK);
	for (unsigned y = 0; y < h; y++) {
		guchar *row = raw + (size_t)y * (1 + w * bpp), f = row[0], *px = row + 1;

		for (unsigned x = 0; x < w * bpp; x++) {
			int a = x >= bpp ? px[x - bpp] : 0, b = prev[x];
			int c = x >= bpp ? prev[x - bpp] : 0, p = a + b - c;
			int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

			px[x] += f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2 :
				 f == 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
		}
		for (unsigned x = 0; x < w; x++)
			g_hash_table_add(seen, GUINT_TO_POINTER(px[x * bpp] << 16 |
				px[x * bpp + 1] << 8 | px[x * bpp + 2]));
		memcpy(prev, px, w * bpp);
	}
	n = g_hash_table_size(seen);
	g_hash_table_destroy(seen);
	g_byte_array_free(idat, TRUE);
	g_free(raw);
	g_free(prev);
	g_free(d);
	return n;
}

/* Debian's chromium, headless: the page renders to a screenshot with text,
 * lanes and charts in it, not a blank page */
Test(report, chromium_renders_it, .timeout = 120)
{
	gchar *chromium = g_find_program_in_path("chromium");
	struct fixture f;
	char *png, *shot, *url, *out, *err;
	unsigned colours;

	if (!chromium)
		cr_skip_test("no chromium (scripts/bootstrap.sh installs it)");
	fixture_make(&f);
	g_free(report(&f, "--html", f.html));
	png = g_build_filename(f.dir, "report.png", NULL);
	shot = g_strdup_printf("--screenshot=%s", png);
	url = g_strdup_printf("file://%s", f.html);
	{
		const char *argv[] = { chromium, "--headless", "--no-sandbox",
			"--disable-gpu", shot, "--window-size=1200,1600", url, NULL };

		cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
		g_free(out); g_free(err);
	}
	colours = png_colours(png);
	cr_assert_gt(colours, 64, "%u distinct colours: a blank page", colours);
	g_free(url); g_free(shot); g_free(png); g_free(chromium);
	fixture_free(&f);
}
