// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kd_results.c - what the guest said, as results: kd-VM.log from a
 * KD log filled by hand, the DbgPrint lines a pattern matches, the KD
 * members of result.json written and read back (as `kdh report` and its
 * merge read them), and the words of the console line, JUnit, `kdh
 * report --text`, the HTML page and its phase lanes.  No capture is
 * needed: the figures are filled in as the wire analysis would.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"
#include "helpers.h"
#include "kdh/analyze/kd_log.h"
#include "kdh/report/report.h"

#define POWER_ON_NS	1500000000ull	/* the VM's power-on in the capture */

static void kd_line(struct an_kd *kd, double t, int kind, const char *text,
		    const char *print)
{
	struct an_kd_line l = {
		.t_ns = POWER_ON_NS + (uint64_t)(t * 1e9 + 0.5), .kind = kind,
		.text = g_strdup(text), .print = g_strdup(print),
	};

	g_array_append_val(kd->log, l);
}

/* A boot that loads two modules, prints twice, then bugchecks and waits
 * at the bugcheck's break (three more lines were not kept) */
static void kd_fill(struct an_kd *kd)
{
	memset(kd, 0, sizeof(*kd));
	kd->log = g_array_new(FALSE, TRUE, sizeof(struct an_kd_line));
	kd_line(kd, 0.512345, KD_NOTE_LOAD,
		"load symbols \\SystemRoot\\system32\\ntoskrnl.exe at "
		"0xFFFFF80312000000", NULL);
	kd_line(kd, 0.6, KD_NOTE_VERSION, "GetVersion: build 26100", NULL);
	kd_line(kd, 1.25, KD_NOTE_LOAD, "load symbols hal.dll", NULL);
	kd_line(kd, 4, KD_NOTE_PRINT, "DbgPrint \"driver ready\"", "driver ready\n");
	kd_line(kd, 5, KD_NOTE_PRINT, "DbgPrint \"two\nlines\"", "two\nlines");
	kd_line(kd, 9, KD_NOTE_EXCEPTION, "exception 0x80000003 (break)", NULL);
	kd->log_dropped = 3;
	kd->packets = 40;
	kd->modules_loaded = 2;
	kd->dbgprint_lines = 2;
	kd->breaks = 1;
	kd->continues = 1;
	kd->has_version = true;
	kd->version.build = 26100;
	kd->version.kern_base = 0xfffff80312000000ull;
	kd->bugcheck_seen = true;
	kd->bugcheck.code = 0xd1;
	kd->bugcheck.param[1] = 2;
	kd->bugcheck.param[3] = 0xfffff80312345678ull;
	kd->waiting = kd->wait_answered_ack = kd->wait_break = true;
	kd->wait_since_ns = POWER_ON_NS + 9000000000ull;
	snprintf(kd->wait_what, sizeof(kd->wait_what), "exception 0x80000003");
}

static void kd_free(struct an_kd *kd)
{
	for (guint i = 0; i < kd->log->len; i++) {
		g_free(g_array_index(kd->log, struct an_kd_line, i).text);
		g_free(g_array_index(kd->log, struct an_kd_line, i).print);
	}
	g_array_free(kd->log, TRUE);
}

static const char kd_log_want[] =
	"# kd.log of win in kd-boot: Windows build 26100, kernel base "
	"0xFFFFF80312000000\n"
	"    0.512345  load symbols \\SystemRoot\\system32\\ntoskrnl.exe at "
	"0xFFFFF80312000000\n"
	"    0.600000  GetVersion: build 26100\n"
	"    1.250000  load symbols hal.dll\n"
	"    4.000000  DbgPrint \"driver ready\"\n"
	"    5.000000  DbgPrint \"two lines\"\n"
	"    9.000000  exception 0x80000003 (break)\n"
	"# ... 3 more lines not kept (kdh keeps the first 20000)\n"
	"# bugcheck 0x000000D1 (0x0000000000000000, 0x0000000000000002, "
	"0x0000000000000000, 0xFFFFF80312345678)\n"
	"# waiting since 9.000000 for an answer to exception 0x80000003 (ACKed, "
	"never continued)\n"
	"# 2 modules loaded, 2 DbgPrint lines, 1 break, 0 exceptions, 0 files "
	"asked, 1 continue; 40 KD packets, 0 malformed\n";

Test(kd_results, kd_log_text_and_file)
{
	struct an_kd kd;
	struct kd_log_whose w = { "win", "kd-boot", POWER_ON_NS };
	char *text, *path = test_tmpfile(".log"), *back;

	kd_fill(&kd);
	text = kd_log_text(&kd, &w);
	cr_assert_str_eq(text, kd_log_want);
	cr_assert_eq(kd_log_write(path, &kd, &w), 0);
	cr_assert(g_file_get_contents(path, &back, NULL, NULL));
	cr_assert_str_eq(back, kd_log_want);
	g_free(back);
	g_free(text);
	kd_free(&kd);
	g_unlink(path);
	g_free(path);
}

Test(kd_results, kd_log_without_version_or_wait)
{
	struct an_kd kd = { 0 };
	struct kd_log_whose w = { "w", "s", AN_NONE };
	char *text;

	kd.modules_loaded = 1;
	text = kd_log_text(&kd, &w);
	cr_assert_str_eq(text, "# kd.log of w in s: no GetVersion reply\n"
			 "# 1 module loaded, 0 DbgPrint lines, 0 breaks, 0 "
			 "exceptions, 0 files asked, 0 continues; 0 KD packets, 0 "
			 "malformed\n");
	g_free(text);
}

Test(kd_results, dbgprint_lines_matched)
{
	struct an_kd kd;
	GRegex *re = g_regex_new("ready|lines", 0, 0, NULL);
	GRegex *none = g_regex_new("^assert", 0, 0, NULL);
	unsigned looked;
	char first[48];

	kd_fill(&kd);
	cr_assert_eq(kd_log_match(&kd, re, &looked, first, sizeof(first)), 2);
	cr_assert_eq(looked, 2, "only DbgPrint lines are looked at");
	cr_assert_str_eq(first, "driver ready", "its line break dropped");
	cr_assert_eq(kd_log_match(&kd, none, &looked, first, sizeof(first)), 0);
	cr_assert_str_eq(first, "");
	g_regex_unref(re);
	g_regex_unref(none);
	kd_free(&kd);
}

/* win bugchecked and waits at its break; srv never spoke KD */
static struct scenario_result *result_make(void)
{
	struct scenario_result *r = g_new0(struct scenario_result, 1);
	struct an_vm_result *m = &r->vms[0].m;

	snprintf(r->name, sizeof(r->name), "kd-boot");
	snprintf(r->file, sizeof(r->file), "kd-boot.kdh");
	r->verdict = V_FAIL;
	snprintf(r->reason, sizeof(r->reason), "kd-boot.kdh:9: expected outcome = "
		 "connected, got bugcheck");
	r->n_vms = 2;
	for (int i = 0; i < 2; i++) {
		struct an_vm_result *v = &r->vms[i].m;

		snprintf(r->vms[i].name, sizeof(r->vms[i].name), i ? "srv" : "win");
		r->vms[i].measured = true;
		v->outcome = AN_CONNECTED;
		v->connect_s = v->first_kdnet_s = 4;
		v->dhcp_phase_s = v->logo_hang_s = v->serial_connect_s = NAN;
		v->prev_boot_s = NAN;
		v->end_s = 60;
		v->boots = 1;
		v->kd.stalled_s = NAN;
	}
	m->outcome = AN_BUGCHECK;
	m->kd.seen = true;
	m->kd.modules_loaded = 2;
	m->kd.dbgprint_lines = 2;
	m->kd.breaks = 1;
	m->kd.file_opens = 12;
	m->kd.has_version = true;
	m->kd.build = 26100;
	m->kd.kern_base = 0xfffff80312000000ull;
	m->kd.bugcheck_seen = true;
	m->kd.bugcheck.code = 0xd1;
	m->kd.bugcheck.param[1] = 2;
	m->kd.bugcheck.param[3] = 0xfffff80312345678ull;
	m->kd.stalled_s = 20;
	snprintf(m->kd.waiting_on, sizeof(m->kd.waiting_on), "exception 0x80000003");
	return r;
}

static char *slurp(const char *path)
{
	char *text;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}

Test(kd_results, result_json_round_trip)
{
	struct scenario_result *r = result_make();
	char *dir = g_dir_make_tmp("kdh-kd-XXXXXX", NULL), err[256], *text;
	char *path = g_build_filename(dir, "summary.json", NULL);
	GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	uint64_t seed = 0;
	const struct an_vm_result *w, *s;

	cr_assert_eq(report_json_file(path, r, 1, 7, NULL), 0);
	text = slurp(path);
	for (const char *const *k = (const char *const[]){
	     "\"windows_build\" : 26100", "\"kernel_base\" : \"0xFFFFF80312000000\"",
	     "\"debugger_kind\" : \"kernel\"", "\"modules_loaded\" : 2",
	     "\"dbgprint_lines\" : 2", "\"breaks\" : 1", "\"exceptions\" : 0",
	     "\"files_asked\" : 12", "\"code\" : \"0x000000D1\"",
	     "\"0xFFFFF80312345678\"", "\"stalled_s\" : 20",
	     "\"waiting_on\" : \"exception 0x80000003\"", "\"modules_loaded\" : null",
	     "\"bugcheck\" : null", "\"stalled_s\" : null", NULL }; *k; k++)
		cr_assert(strstr(text, *k), "%s in %s", *k, text);
	cr_assert_eq(report_summary_load(path, rs, &seed, err, sizeof(err), false,
					 NULL, NULL), 0, "%s", err);
	cr_assert_eq(rs->len, 1);
	w = &g_array_index(rs, struct scenario_result, 0).vms[0].m;
	s = &g_array_index(rs, struct scenario_result, 0).vms[1].m;
	cr_assert_eq(w->outcome, AN_BUGCHECK, "the new outcomes read back");
	cr_assert(w->kd.seen && w->kd.has_version && !w->kd.boot_debugger);
	cr_assert_eq(w->kd.build, 26100);
	cr_assert_eq(w->kd.kern_base, 0xfffff80312000000ull);
	cr_assert_eq(w->kd.modules_loaded, 2);
	cr_assert_eq(w->kd.dbgprint_lines, 2);
	cr_assert_eq(w->kd.breaks, 1);
	cr_assert_eq(w->kd.exceptions, 0);
	cr_assert_eq(w->kd.file_opens, 12);
	cr_assert(w->kd.bugcheck_seen);
	cr_assert_eq(w->kd.bugcheck.code, 0xd1);
	cr_assert_eq(w->kd.bugcheck.param[1], 2);
	cr_assert_eq(w->kd.bugcheck.param[3], 0xfffff80312345678ull);
	cr_assert_float_eq(w->kd.stalled_s, 20, 1e-9);
	cr_assert_str_eq(w->kd.waiting_on, "exception 0x80000003");
	cr_assert_not(s->kd.seen, "no KD conversation reads back as none");
	cr_assert(isnan(s->kd.stalled_s));
	cr_assert_not(s->kd.bugcheck_seen);
	g_free(text);
	g_array_free(rs, TRUE);
	test_rmtree(dir);
	g_free(path);
	g_free(dir);
	g_free(r);
}

Test(kd_results, console_line_and_junit)
{
	struct scenario_result *r = result_make();
	char *fig = report_figures(r), *path = test_tmpfile(".xml"), *xml;
	char *xsd = test_data_path("../junit.xsd"), *out, *err;
	const char *schema[] = { "xmllint", "--noout", "--schema", xsd, path, NULL };

	cr_assert(strstr(fig, "win: bugcheck on") || strstr(fig, "win: bugcheck, "),
		  "%s", fig);
	cr_assert(strstr(fig, ", 2 modules, 2 DbgPrint, 1 break, bugcheck 0xD1, "
		  "waiting 20.00s at exception 0x80000003; srv: connected"), "%s", fig);
	cr_assert_null(strstr(fig + strlen("win"), "srv: connected, connect 4.00s, "
			      "0 modules"), "no KD words without KD: %s", fig);
	cr_assert_eq(report_junit_file(path, r, 1, NULL), 0);
	xml = slurp(path);
	cr_assert(strstr(xml, "<failure message=\"kd-boot.kdh:9: expected outcome = "
		  "connected, got bugcheck (win: bugcheck 0x000000D1 "
		  "(0x0000000000000000, 0x0000000000000002, 0x0000000000000000, "
		  "0xFFFFF80312345678); win: waiting 20.0 s on exception "
		  "0x80000003)\"/>"), "%s", xml);
	cr_assert(strstr(xml, "\nwin: KD: Windows build 26100 (kernel), kernel base "
		  "0xFFFFF80312000000; 2 modules loaded, 2 DbgPrint lines, 1 break, "
		  "0 exceptions, 12 files asked\nwin: bugcheck 0x000000D1 ("), "%s", xml);
	cr_assert_eq(test_run(schema, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);
	g_free(xml);
	g_free(fig);
	g_unlink(path);
	g_free(path);
	g_free(xsd);
	g_free(r);
}

/* A run directory with the scenario's capture and win's kd.log */
static char *run_dir_make(const struct scenario_result *r)
{
	char *dir = g_dir_make_tmp("kdh-kd-XXXXXX", NULL);
	char *sc = g_build_filename(dir, r->name, NULL), *f;

	cr_assert_eq(g_mkdir(sc, 0755), 0);
	f = g_build_filename(sc, "capture.pcapng", NULL);
	cr_assert(g_file_set_contents(f, "", 0, NULL));
	g_free(f);
	f = g_build_filename(sc, "kd-win.log", NULL);
	cr_assert(g_file_set_contents(f, kd_log_want, -1, NULL));
	g_free(f);
	g_free(sc);
	return dir;
}

Test(kd_results, report_text_shows_the_bugcheck)
{
	struct scenario_result *r = result_make();
	char *dir = run_dir_make(r), *text = NULL, **lines;
	struct report_run run = { .name = "run-kd", .dir = dir, .rs = r, .n = 1,
				  .seed = 7, .scenarios = 1, .when = -1 };
	size_t len;
	FILE *out = open_memstream(&text, &len);

	cr_assert_eq(report_text_print(out, &run, 1), 0);
	fclose(out);
	cr_assert(strstr(text, "FAILED\n  FAIL  kd-boot\n"), "%s", text);
	cr_assert(strstr(text, "        win: ✗ bugcheck 0x000000D1 (0x0000000000000000,"),
		  "under the failure: %s", text);
	cr_assert(strstr(text, "KD (what the guests said, from the wire)\n"
		  "  kd-boot win: Windows build 26100 (kernel), kernel base"), "%s", text);
	cr_assert(strstr(text, "        ✗ waiting 20.0 s on exception "
		  "0x80000003\n"), "%s", text);
	cr_assert(strstr(text, "/kd-boot/kd-win.log\n"), "%s", text);
	cr_assert_null(strstr(text, "kd-boot srv:"), "srv never spoke KD");
	lines = g_strsplit(text, "\n", -1);
	for (int i = 1; lines[i]; i++)
		if (!strstr(lines[i], dir))	/* a path goes whole */
			cr_assert_leq(g_utf8_strlen(lines[i], -1), 78, "%s", lines[i]);
	g_strfreev(lines);
	free(text);
	test_rmtree(dir);
	g_free(dir);
	g_free(r);
}

Test(kd_results, report_html_shows_the_bugcheck_and_links_kd_log)
{
	struct scenario_result *r = result_make();
	char *dir = run_dir_make(r), *page = g_build_filename(dir, "report.html", NULL);
	struct report_run run = { .name = "run-kd", .dir = dir, .rs = r, .n = 1,
				  .seed = 7, .scenarios = 1, .when = -1 };
	const char *wf[] = { "xmllint", "--noout", page, NULL };
	char *html, *out, *err;

	cr_assert_eq(report_html_write(page, &run, 1), 0);
	cr_assert_eq(test_run(wf, &out, &err), 0, "not well-formed: %s", err);
	g_free(out); g_free(err);
	html = slurp(page);
	cr_assert(strstr(html, "<li class=\"finding stop\">win: ✗ bugcheck "
		  "0x000000D1 (0x0000000000000000, 0x0000000000000002, "
		  "0x0000000000000000, 0xFFFFF80312345678)</li>"), "in the failures");
	cr_assert(strstr(html, "<p class=\"stop\">win: ✗ waiting 20.0 s on "
		  "exception 0x80000003</p>"));
	cr_assert(strstr(html, "<b>win</b> over KD: Windows build 26100"));
	cr_assert(strstr(html, "<a href=\"kd-boot/kd-win.log\">kd-win.log</a>"));
	cr_assert(strstr(html, "<td>2 modules, 2 DbgPrint, 1 break, bugcheck 0xD1, "
		  "waiting 20.00s at exception 0x80000003</td>"), "the table's KD");
	cr_assert(strstr(html, "✗ bugcheck 0x000000D1, waiting 20.0 s on exception "
		  "0x80000003"), "the lane's last phase");
	g_free(html);
	test_rmtree(dir);
	g_free(page);
	g_free(dir);
	g_free(r);
}

/* A connected guest that waits a moment for its next continue is not
 * news; a stalled one is, with how long */
Test(kd_results, only_a_stopped_guest_is_said_to_wait)
{
	struct scenario_result *r = result_make();
	struct an_vm_result *m = &r->vms[0].m;
	GString *s = g_string_new(NULL);
	char *stall;

	m->outcome = AN_CONNECTED;
	m->kd.bugcheck_seen = false;
	m->kd.stalled_s = 0.5;
	report_kd_figures(s, m);
	cr_assert_str_eq(s->str, ", 2 modules, 2 DbgPrint, 1 break");
	cr_assert_null(report_kd_stall(m));
	cr_assert_null(report_kd_problems(r));
	m->outcome = AN_STALLED;
	m->kd.stalled_s = 23.1;
	snprintf(m->kd.waiting_on, sizeof(m->kd.waiting_on), "load symbols "
		 "ntoskrnl.exe");
	g_string_truncate(s, 0);
	report_kd_figures(s, m);
	cr_assert_str_eq(s->str, ", 2 modules, 2 DbgPrint, 1 break, stalled 23.10s "
			 "at load symbols ntoskrnl.exe");
	stall = report_kd_stall(m);
	cr_assert_str_eq(stall, "stalled 23.1 s waiting on load symbols ntoskrnl.exe");
	g_free(stall);
	g_string_free(s, TRUE);
	g_free(r);
}

/* The lane: announcing, attached until the wait began, then the stop */
Test(kd_results, phases_end_in_the_stop)
{
	struct scenario_result *r = result_make();
	struct rp_phase p[RP_MAX_PHASES];
	size_t n = rp_phases_net(&r->vms[0], 60, p);

	cr_assert_eq(n, 4, "boot, announcing, attached, the bugcheck");
	cr_assert_eq(p[2].kind, RP_ATTACHED);
	cr_assert_float_eq(p[2].to, 40, 1e-9);
	cr_assert_eq(p[3].kind, RP_KD_STOP);
	cr_assert_float_eq(p[3].from, 40, 1e-9);
	cr_assert_float_eq(p[3].to, 60, 1e-9);
	r->vms[0].m.outcome = AN_STALLED;
	r->vms[0].m.kd.stalled_s = NAN;
	n = rp_phases_net(&r->vms[0], 60, p);
	cr_assert_eq(p[n - 1].kind, RP_KD_STOP);
	cr_assert_float_eq(p[n - 1].from, 60, 1e-9, "not waiting: a mark at the end");
	cr_assert_str_eq(p[n - 1].label, "✗ stalled");
	g_free(r);
}
