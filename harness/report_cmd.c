// SPDX-License-Identifier: GPL-2.0-or-later
/* report_cmd.c - `kdh report`: runs read back from their summaries and
 * shown as one HTML page (--html) or its first screen on a terminal
 * (--text); `kdh report merge` is report_merge.c's */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/cli.h"
#include "harness/report_priv.h"

struct report_args {
	const char *html, *out;
	bool text;
};

/* The runs named on the command line, oldest first */
static int runs_load(char **paths, int n, struct report_run *runs, GArray **rs,
		     char **dirs)
{
	char err[400];

	for (int i = 0; i < n; i++) {
		struct run_status st = { 0 };

		rs[i] = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
		if (report_summary_load(paths[i], rs[i], &runs[i].seed, err,
					sizeof(err), false, &st, &runs[i].prov))
			return cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
		dirs[i] = g_file_test(paths[i], G_FILE_TEST_IS_DIR) ?
			  g_strdup(paths[i]) : g_path_get_dirname(paths[i]);
		runs[i].name = paths[i];
		runs[i].dir = dirs[i];
		runs[i].rs = (const struct scenario_result *)rs[i]->data;
		runs[i].n = rs[i]->len;
		runs[i].interrupted = st.interrupted;
		runs[i].scenarios = st.scenarios;
	}
	return KDH_EXIT_OK;
}

static int show(const struct report_args *a, char **paths, int n)
{
	struct report_run *runs = g_new0(struct report_run, n);
	GArray **rs = g_new0(GArray *, n);
	char **dirs = g_new0(char *, n);
	int rc = runs_load(paths, n, runs, rs, dirs);

	if (rc == KDH_EXIT_OK && a->html && report_html_write(a->html, runs, (size_t)n))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "%s: cannot write it",
			       a->html);
	else if (rc == KDH_EXIT_OK && a->html && strcmp(a->html, "-") && !a->text)
		printf("kdh report: %s (%d run%s)\n", a->html, n, n == 1 ? "" : "s");
	if (rc == KDH_EXIT_OK && a->text && report_text_print(stdout, runs, (size_t)n))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "standard output: "
			       "cannot write it");
	for (int i = 0; i < n; i++) {
		if (rs[i])
			g_array_free(rs[i], TRUE);
		g_free(dirs[i]);
	}
	g_free(rs);
	g_free(dirs);
	g_free(runs);
	return rc;
}

static int args_parse(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'H' },
		{ "text", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (opt == 'o')
			a->out = optarg;
		else if (opt == 'H')
			a->html = optarg;
		else if (opt == 'T')
			a->text = true;
		else if (opt == 'h')
			return cli_help_print(&kdh_cmd_report), CLI_HELP_SHOWN;
		else
			return cli_bad_option(&kdh_cmd_report, argv);
	}
	return KDH_EXIT_OK;
}

static int report_main(int argc, char **argv)
{
	struct report_args a = { 0 };
	int rc = args_parse(argc, argv, &a);
	bool merge = optind < argc && !strcmp(argv[optind], "merge");

	if (rc == CLI_HELP_SHOWN)
		return KDH_EXIT_OK;
	if (rc)
		return rc;
	if (merge && (a.html || a.text || !a.out))
		return cli_usage_error(&kdh_cmd_report, "merge takes DIR... --out DIR "
				       "(its report.html is written there)");
	if (merge)
		return report_merge_main(argc - optind - 1, argv + optind + 1, a.out);
	if (a.out)
		return cli_usage_error(&kdh_cmd_report, "--out is merge's: kdh report "
				       "merge DIR... --out DIR");
	if (!a.html && !a.text)
		return cli_usage_error(&kdh_cmd_report, "expected: RUN... --html FILE "
				       "and/or --text, or merge DIR... --out DIR");
	if (optind >= argc)
		return cli_usage_error(&kdh_cmd_report, "no RUN given");
	if (a.text && a.html && !strcmp(a.html, "-"))
		return cli_usage_error(&kdh_cmd_report, "--text and --html - would "
				       "both write to standard output");
	return show(&a, argv + optind, argc - optind);
}

const struct kdh_cmd kdh_cmd_report = {
	.name = "report",
	.summary = "an HTML or terminal report of runs, or shard results merged",
	.usage = "kdh report RUN... [--html FILE] [--text] | kdh report merge DIR... "
		 "--out DIR",
	.run = report_main,
	.help =
"RUN is a run's results directory (results/run-...), its summary.json, or\n"
"a kdh run --json file; several RUNs are a history, oldest first, and the\n"
"last one is shown in detail.  kdh run writes the page of its own run as\n"
"report.html in the run's directory.\n"
"\n"
"Options:\n"
"  --html FILE       write the page to FILE (atomically; - for standard\n"
"                    output)\n"
"  --text            print the page's first screen on standard output:\n"
"                    the same model, for a terminal\n"
"  -o, --out DIR     merge only: where the merged files go\n"
"\n"
"The page is one XHTML file: no script, nothing fetched, readable printed\n"
"and in a narrow window, and colour never speaks alone (verdicts carry\n"
"✓ ✗ ⊘ ⚠ ■ and words, failed phases are hatched and labelled).\n"
"\n"
"First screen (the same as --text): what broke, since when and why.  The\n"
"verdict counts and regressions; the failed scenarios (fail, error,\n"
"interrupted), each failed expectation as FILE:LINE: expected X, got Y,\n"
"each baseline regression with both values and the allowance, and since\n"
"when it fails across the RUNs given; the skipped scenarios with their\n"
"reasons; the provenance (kdh, date, host, accelerator, seed, shard,\n"
"kernel, QEMU, libslirp, dnsmasq).  Then a table of every scenario and VM,\n"
"failed first.\n"
"\n"
"Per scenario: its files, linked by paths relative to the page and only\n"
"when they exist (capture.pcapng, result.json, target.log, vm.log,\n"
"VM.console), so the links hold when the results directory is published\n"
"whole, for example as CI artifacts.  Phase lanes per VM on one time axis\n"
"(seconds from power-on), drawn from the wire-derived figures of\n"
"result.json: firmware and boot, DHCP (a hang when it ends in 169.254,\n"
"labelled with its duration), 169.254 probes, KDNET announcing, connected\n"
"(✓), debugger attached, OS networking; no KDNET traffic, the wrong NIC, a\n"
"key mismatch, a debugger that never answers and an earlier boot (↻\n"
"reboot) are drawn as such; a COM port that spoke KD is its own lane with\n"
"its RESETs (▼ from the VM, ▲ to it) and the connection.  Each mark names\n"
"its event on hover, the phases are also listed in words under the lanes,\n"
"and the wire timeline is one click away.  Trend charts of its figures\n"
"across the RUNs (connect_time_s, serial_connect_time_s, dhcp_phase_s;\n"
"first_kdnet_s, logo_hang_s and discover_count where they regressed): a\n"
"value axis with its unit, the runs oldest to newest, the baseline and its\n"
"allowance as a band when the run was compared with one (kdh run\n"
"--baseline), regressions marked ✗, and a run without the figure drawn as\n"
"n/a, never as 0.\n"
"\n"
"merge: each DIR is a run's results directory (results/run-...) or its\n"
"summary.json, typically one per CI machine that ran `kdh run --shard K/N\n"
"--seed S`.  The merged summary.json, junit.xml and report.html list the\n"
"scenarios in the order of the unsharded suite; the shards must share the\n"
"seed.  An interrupted run (kdh run stopped by a signal) merges like any\n"
"other: the merged summary says \"interrupted\": true and counts the\n"
"scenarios that never ran.\n"
"\n"
"Exit status: 0 written (merge: and every merged scenario passed, none\n"
"interrupted), 1 a file could not be written (merge: or a scenario did\n"
"not pass), 2 bad input (PATH: what is wrong; nothing is written).\n"
"\n"
"Examples:\n"
"  kdh report results/run-* --html report.html   history, newest in detail\n"
"  kdh report results/run-20260101-000000-42 --text\n"
"  kdh report merge results/run-* --out merged\n"
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
