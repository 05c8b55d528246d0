// SPDX-License-Identifier: GPL-2.0-or-later
/* report_cmd.c - `kdh report`: runs read back from their summaries and
 * shown as one HTML page (--html) or its first screen on a terminal
 * (--text); `kdh report merge` is report_merge.c's */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "harness/report/report_priv.h"
#include "kdh/util/fileio.h"

struct report_args {
	const char *html, *out;
	bool text;
	struct rp_view view;
};

/* --rows and --cols against the last run's matrices: before anything is
 * written, so a bad axis writes nothing */
static int view_check(const struct report_args *a, const struct rp_runs *rr)
{
	const struct report_run *last = &rr->runs[rr->n - 1];
	struct rp_mxs mx;
	char err[600];
	int rc;

	rp_mxs_build(&mx, last->rs, last->n);
	rc = rp_view_apply(&mx, &a->view, err, sizeof(err));
	rp_mxs_free(&mx);
	return rc ? cli_usage_error(&kdh_cmd_report, "%s", err) : 0;
}

/* --html FILE on disk before kdh report says so: one syncfs of its
 * filesystem (write_file_atomic() renames, it does not fsync) */
static int html_sync(const char *path)
{
	gchar *dir = g_path_get_dirname(path);
	int e = file_sync_fs(dir);

	g_free(dir);
	return e;
}

static int show(const struct report_args *a, char **args, int n)
{
	struct rp_runs rr;
	char err[600];
	int rc = KDH_EXIT_OK, e;

	if (rp_runs_load(&rr, args, (size_t)n, err, sizeof(err), stderr)) {
		rp_runs_free(&rr);
		return cli_error(&kdh_cmd_report, KDH_EXIT_USAGE, "%s", err);
	}
	if ((rc = view_check(a, &rr))) {
		rp_runs_free(&rr);
		return rc;
	}
	if (a->html && (e = rp_html_write(a->html, rr.runs, rr.n, &a->view)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "%s: cannot write "
			       "it: %s", a->html, strerror(-e));
	else if (a->html && strcmp(a->html, "-") &&
		 (e = html_sync(a->html)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "%s: cannot sync "
			       "it to disk: %s", a->html, strerror(-e));
	else if (a->html && strcmp(a->html, "-") && !a->text)
		printf("kdh report: %s (%zu run%s)\n", a->html, rr.n,
		       rr.n == 1 ? "" : "s");
	if (rc == KDH_EXIT_OK && a->text &&
	    (e = rp_text_print(stdout, rr.runs, rr.n, &a->view)))
		rc = cli_error(&kdh_cmd_report, KDH_EXIT_FAIL, "standard output: "
			       "cannot write it: %s", strerror(-e));
	rp_runs_free(&rr);
	return rc;
}

static int args_parse(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'H' },
		{ "text", no_argument, NULL, 'T' },
		{ "rows", required_argument, NULL, 'R' },
		{ "cols", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_once once = { 0 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_report, &once, opt, opts, "o:h"))
			return KDH_EXIT_USAGE;
		if (opt == 'o')
			a->out = optarg;
		else if (opt == 'H')
			a->html = optarg;
		else if (opt == 'T')
			a->text = true;
		else if (opt == 'R')
			a->view.rows = optarg;
		else if (opt == 'C')
			a->view.cols = optarg;
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
	if (merge && (a.html || a.text || !a.out || a.view.rows || a.view.cols))
		return cli_usage_error(&kdh_cmd_report, "merge takes DIR... --out DIR "
				       "(its report.html is written there)");
	if (merge)
		return report_merge_main(argc - optind - 1, argv + optind + 1, a.out);
	if (a.out)
		return cli_usage_error(&kdh_cmd_report, "--out is merge's: kdh report "
				       "merge DIR... --out DIR");
	if (!a.html)		/* nothing asked for: the terminal's view */
		a.text = true;
	if (optind >= argc)
		return cli_usage_error(&kdh_cmd_report, "no RUN given");
	if (output_file_check(&kdh_cmd_report, "--html", a.html))
		return KDH_EXIT_USAGE;	/* before the runs are read */
	if (a.text && a.html && !strcmp(a.html, "-"))
		return cli_usage_error(&kdh_cmd_report, "--text and --html - would "
				       "both write to standard output");
	return show(&a, argv + optind, argc - optind);
}

const struct kdh_cmd kdh_cmd_report = {
	.name = "report",
	.summary = "an HTML or terminal report of runs, or shard results merged",
	.usage = "kdh report RUN... [--html FILE] [--text] [--rows AXIS] [--cols AXIS] "
		 "| kdh report merge DIR... --out DIR",
	.run = report_main,
	.help =
"RUN is a run's results directory (results/run-...), its summary.json, a\n"
"kdh run --json file, or a --results directory (results/), which stands\n"
"for every run-* in it.  Several runs are a history: kdh report takes\n"
"them in the order they ran (the date in each summary's provenance, or\n"
"else the run-DATE-SEED name of its directory), says so in one note on\n"
"standard error when that is not the order given, and shows the newest\n"
"in detail; a run given twice is bad input.  kdh run writes the page of\n"
"its own run as report.html in the run's directory.  A run directory\n"
"without summary.json (kdh run killed, or out of disk) is read from its\n"
"plan.json and the result.json files it holds: the scenarios that\n"
"completed are shown, and one line (INCOMPLETE RUN) names those that did\n"
"not.\n"
"\n"
"Options:\n"
"  --html FILE       write the page to FILE (atomically; - for standard\n"
"                    output)\n"
"  --text            print the page's first screen on standard output:\n"
"                    the same model, for a terminal, lists wrapped at 78\n"
"                    columns; the default without --html\n"
"  --rows AXIS       draw each matrix with AXIS as its rows (default: the\n"
"                    axis with most values, the first in the file on a tie)\n"
"  --cols AXIS       and AXIS as its columns (default: the axis with most\n"
"                    values after the rows')\n"
"  -o, --out DIR     merge only: where the merged files go\n"
"\n"
"The page is one XHTML file: no script, nothing fetched, readable printed\n"
"and in a narrow window, and colour never speaks alone (verdicts carry\n"
"✓ ✗ ⊘ ⚠ ■ and words, failed phases are hatched and labelled, and the\n"
"legend lists every phase kind, each with its own colour and pattern).\n"
"\n"
"First screen (the same as --text): what broke, since when and why.  The\n"
"verdict counts and regressions; the failed scenarios (fail, error,\n"
"interrupted), each failed expectation as FILE:LINE: expected X, got Y\n"
"(built-in:NAME.kdh:LINE for a scenario compiled into kdh, as kdh run\n"
"prints it), each baseline regression with both values and the\n"
"allowance, and since when it fails across the runs given (\"failing\n"
"since RUN (3 runs); passed in RUN\", \"new in this run (not in RUN)\",\n"
"\"failed in all 4 runs given\"); the skipped scenarios with their\n"
"reasons; the provenance (kdh, date, host, accelerator, seed, shard,\n"
"kernel, QEMU, libslirp, dnsmasq).  Then a table of every scenario and VM,\n"
"failed first, whose why column gives the finding in words for every\n"
"outcome that is not connected (\"no DHCP answer to 13 DISCOVERs; took\n"
"169.254.72.39 after 600 s\") and the reason of a scenario that did not\n"
"pass.\n"
"\n"
"Matrices: the cells of a [matrix] file (kdh run FILE) are drawn as a\n"
"matrix, not listed one by one.  Per matrix (a section whose id is\n"
"m-NAME): its counts; its disagreements with kdh check (expect = check)\n"
"first, each with both sides (check predicted ...; the wire shows ...)\n"
"and its files; its other cells that did not pass, with their reasons;\n"
"per axis value its cells, passed, failed, disagreed and other (\"every\n"
"failure has model=rtl8139\" is one row); then small multiples: one grid\n"
"per combination of the axes that are neither --rows nor --cols, each\n"
"cell a glyph on a colour (✓ pass green, ✗ fail red, ◆ disagreement\n"
"magenta, ⚠ error, ⊘ skip, ■ interrupted grey, · filtered out) titled\n"
"with its full name and, when it did not pass, why.  --text prints the\n"
"same, the grids as tables.  An axis --rows or --cols names that a\n"
"matrix of the run does not have is bad input (the message lists its\n"
"axes); a run without matrix cells takes neither option.\n"
"\n"
"Per scenario, in a section whose id is s-NAME (so report.html#s-NAME\n"
"links the same scenario on every run's page): its description (the\n"
"scenario's description key, also under its name in --text's FAILED), its\n"
"files, linked by paths relative to the page and only when they exist\n"
"(capture.pcapng, kd-VM.log, result.json, target.log, vm.log,\n"
"VM.console), so the links hold when the\n"
"results directory is published whole, for example as CI artifacts.  What\n"
"each VM said over KD (Windows build, modules, DbgPrint lines, breaks,\n"
"exceptions, files asked, with a link to its kd-VM.log), and set apart a\n"
"bugcheck with its stop code and four parameters and a stall with how long\n"
"the guest waited and on what; --text lists them under KD.  Phase lanes\n"
"per VM on one time axis (seconds from power-on), drawn from the\n"
"wire-derived figures of result.json: firmware and boot, DHCP (a hang when\n"
"it ends in 169.254, labelled with its duration), 169.254 probes, KDNET\n"
"announcing, connected (✓), debugger attached, OS networking; no KDNET\n"
"traffic, the wrong NIC, a key mismatch, a debugger that never answers, a\n"
"guest that stopped (bugcheck, a break nobody continued, a stall: from\n"
"where its wait began) and an earlier boot (↻ reboot) are drawn as such; a\n"
"COM port that spoke KD is its own lane with its RESETs (▼ from the VM, ▲\n"
"to it) and the connection.  Each mark names its event on hover, the\n"
"phases are also listed in words under the lanes, and the wire timeline is\n"
"one click away.  Trend charts of its figures across the RUNs\n"
"(connect_time_s, serial_connect_time_s, dhcp_phase_s; first_kdnet_s,\n"
"logo_hang_s and discover_count where they regressed): a value axis\n"
"titled with its unit (seconds or count), the runs oldest to newest\n"
"(labelled by day, or by time of day when they share one, to the second\n"
"when they share a minute, UTC; by run number only when the date is\n"
"unknown or the same), the baseline and its allowance as a band when\n"
"the run was compared with one (kdh run --baseline), regressions marked ✗,\n"
"and a run without the figure drawn as n/a, never as 0.  A figure that\n"
"never changes across the runs is no chart but one line: \"Unchanged across\n"
"the runs: win connect_time_s 4.000 s in all 3 runs\".\n"
"\n"
"merge: each DIR is a run's results directory (results/run-...) or its\n"
"summary.json, typically one per CI machine that ran `kdh run --shard K/N\n"
"--seed S` (or --shard auto).  The merged summary.json, junit.xml and\n"
"report.html list the scenarios in the order of the unsharded suite; the\n"
"shards must share the seed, and each K of N must be there once (the\n"
"missing ones are named).  One line per shard says where it ran: its\n"
"directory, the variables of --shard auto, host, kdh, accelerator and\n"
"versions; the merged summary keeps them as \"shards\".  An interrupted run (kdh run stopped by a signal) merges like any\n"
"other: the merged summary says \"interrupted\": true and counts the\n"
"scenarios that never ran.\n"
"\n"
"Exit status: 0 written (merge: and every merged scenario passed, none\n"
"interrupted), 1 a file could not be written (merge: or a scenario did\n"
"not pass), 2 bad input (PATH: what is wrong; nothing is written).\n"
"\n"
"Examples:\n"
"  kdh report results/run-* --html report.html   history, newest in detail\n"
"  kdh report results                            the same, on the terminal\n"
"  kdh report results/run-20260101-000000-42\n"
"  kdh report results/run-... --text --rows machine --cols model\n"
"  kdh report merge results/run-* --out merged\n"
"\n"
"GitLab CI:\n"
"  nightly:\n"
"    parallel: 4\n"
"    script: kdh run --seed $CI_PIPELINE_IID --shard auto --results results\n"
"    artifacts: { paths: [results/], reports: { junit: results/run-*/junit.xml } }\n"
"  merge: { needs: [nightly], script: kdh report merge results/run-* --out merged }\n"
"Jenkins (declarative): a matrix axis SHARD with values 1..4 running\n"
"  KDH_SHARD=$SHARD/4 kdh run --seed $BUILD_NUMBER --shard auto \\\n"
"    --results results-$SHARD\n"
"and a stage that unstashes them and runs kdh report merge.\n",
};
