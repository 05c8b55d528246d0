// SPDX-License-Identifier: GPL-2.0-or-later
/* run_cmd.c - `kdh run`: the scenario suite from the command line
 *
 * Scenarios come from files, directories (every *.kdh in them, sorted),
 * built-in scenarios by name or, with no argument, the built-in suite
 * (run_suite.c).  All are parsed before anything runs: one bad file stops
 * the run with "file:line: what is wrong" and exit 2.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "harness/run/run_args.h"
#include "harness/run/run_console.h"
#include "harness/run/run_outputs.h"
#include "harness/run/run_results.h"
#include "harness/run/run_retry.h"
#include "harness/run/run_suite.h"
#include "kdh/run/accel.h"
#include "kdh/run/shard_auto.h"
#include "kdh/report/baseline.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/result/provenance.h"
#include "kdh/result/result.h"
#include "netsim/duration.h"
#include "kdh/report/report.h"
#include "kdh/util/fileio.h"
#include "kdh/util/size.h"
#include "netsim/topo.h"
#include "netsim/value.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_run;

/* Exit status of a run stopped by SIGINT or SIGTERM (128 + SIGINT, as
 * shells report ^C; one status for both, so CI scripts test one value) */
#define KDH_EXIT_INTERRUPTED	130

/* The run's own directory (run_results.c: made exclusively), its plan in it */
static int run_dir_make(const struct run_args *a, const struct suite *s,
			const struct provenance *prov, char *dir, size_t len)
{
	time_t now = time(NULL);
	char stamp[32], base[64], err[700];

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	snprintf(base, sizeof(base), "run-%s-%" PRIu64, stamp, a->seed);
	if (run_dir_create(a->results, base, dir, len, err, sizeof(err)))
		return cli_error(&kdh_cmd_run, KDH_EXIT_USAGE, "%s", err);
	if (run_plan_write(dir, s, a->seed, prov, err, sizeof(err)))
		return cli_error(&kdh_cmd_run, KDH_EXIT_FAIL, "%s; nothing ran", err);
	return 0;
}

/* Output paths that cannot be meant: empty, or with a control character */
static int paths_check(const struct run_args *a)
{
	const char *opt[] = { "--results", "--json", "--junit" };
	const char *path[] = { a->results, a->json, a->junit };
	char err[200];

	for (size_t i = 0; i < 3; i++)
		if (path[i] && cli_path_check(opt[i], path[i], err, sizeof(err)))
			return cli_usage_error(&kdh_cmd_run, "%s", err);
	return 0;
}

/* One output file's write: PATH: errno text when it failed */
static int written(const char *path, int rc)
{
	if (rc)
		fprintf(stderr, "kdh run: %s: %s\n", strcmp(path, "-") ? path :
			"standard output", strerror(rc < 0 ? -rc : EIO));
	return rc ? 1 : 0;
}

static int outputs_write(const struct run_args *a, const char *dir,
			 const struct scenario_result *rs, size_t n,
			 const struct run_status *st)
{
	char path[600];
	int rc = 0;

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	rc |= written(path, report_json_file(path, rs, n, a->seed, st));
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	rc |= written(path, report_junit_file(path, rs, n, st));
	snprintf(path, sizeof(path), "%s/report.html", dir);
	rc |= written(path, report_html_write(path, &(struct report_run){
		.name = dir, .dir = dir, .rs = rs, .n = n, .seed = a->seed,
		.prov = *st->prov, .interrupted = st->interrupted,
		.scenarios = st->scenarios }, 1));
	if (a->data_fd >= 0) {		/* "-": the data on the real stdout */
		fflush(stdout);
		dup2(a->data_fd, STDOUT_FILENO);
	}
	if (a->json)
		rc |= written(a->json, report_json_file(a->json, rs, n, a->seed, st));
	if (a->junit)
		rc |= written(a->junit, report_junit_file(a->junit, rs, n, st));
	if (a->data_fd >= 0) {
		fflush(stdout);
		dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	return rc ? cli_error(&kdh_cmd_run, KDH_EXIT_FAIL, "could not write "
			      "every result file (said above)") : 0;
}

static int exit_status(const struct run_totals *t, size_t n,
		       const struct run_status *st, bool flaky_fails)
{
	if (st->interrupted)
		return KDH_EXIT_INTERRUPTED;
	if (t->fail || t->error || (flaky_fails && t->flaky))
		return KDH_EXIT_FAIL;
	return n && t->skip == n ? 77 : KDH_EXIT_OK;
}

/* The run stopped because a scenario's results could not be written */
static void unwritten_say(const struct run_console *con, size_t n, size_t ran)
{
	fflush(stdout);
	if (!con->unwritten)
		return;
	if (con->tap)
		printf("Bail out! results cannot be written\n");
	fflush(stdout);
	fprintf(stderr, "kdh run: stopped: %s's results could not be written "
		"(%s); %zu scenario%s not run\n", con->unwritten->name,
		con->unwritten->reason, n - ran, n - ran == 1 ? "" : "s");
}

/* run_source.get over the suite: a cell is parsed now */
static int source_get(void *ctx, size_t i, struct scenario *sc, char *err,
		      size_t errlen)
{
	return suite_get(ctx, i, sc, err, errlen);
}

/* --retries N: the failed scenarios again (run_retry.c) */
static int retries_run(const struct run_args *a, const struct run_source *src,
		       const struct run_opts *o, const char *dir,
		       struct scenario_result *rs, size_t n)
{
	const struct run_retry rt = { .retries = a->retries, .dir = dir,
				      .jobs = a->jobs, .tap = a->tap };
	int rc = run_retry(src, o, &rt, rs, n);

	if (rc == -ENOMEM)
		return cli_error(&kdh_cmd_run, KDH_EXIT_FAIL, "out of memory "
				 "for the retries");
	if (rc)		/* each file said on stderr or in its retry's line */
		return cli_error(&kdh_cmd_run, KDH_EXIT_FAIL, "a retry's results "
				 "could not be written (said above)");
	return 0;
}

static int suite_run_in(struct suite *s, struct run_args *a,
			struct scenario *scratch)
{
	struct scenario_result *rs = calloc(s->n ? s->n : 1, sizeof(*rs));
	struct run_opts o = { .seed = a->seed, .backend = a->backend,
			      .max_capture = a->max_capture,
			      .max_wall_ns = a->max_wall_ns,
			      .stop = &run_stop_signal, .stop_by_signals = true };
	struct provenance prov;
	struct run_status st = { .scenarios = s->n, .prov = &prov };
	long ran;
	struct run_source src = { .n = s->n, .get = source_get, .ctx = s };
	struct run_console con = { .src = &src,
				   .scratch = scratch, .rs = rs, .n = s->n,
				   .tap = a->tap, .tty = isatty(2) && !a->tap,
				   .t0 = run_console_now() };
	struct baseline *base = NULL;
	struct run_totals t;
	char dir[512], err[400];
	int rc, retry_rc = 0, sync_rc;

	provenance_collect(&prov, a->sel.shard, a->sel.shards);
	snprintf(prov.shard_from, sizeof(prov.shard_from), "%s", a->shard.from);
	if (!(o.accel = accel_cache_from_env(err, sizeof(err)))) {
		free(rs);
		return cli_error(&kdh_cmd_run, KDH_EXIT_USAGE, "%s", err);
	}
	if (a->baseline && !(base = baseline_load(a->baseline, err, sizeof(err)))) {
		free(rs);
		accel_cache_free(o.accel);
		return cli_error(&kdh_cmd_run, KDH_EXIT_USAGE, "--baseline %s", err);
	}
	con.base = base;
	if (!rs || (rc = run_dir_make(a, s, &prov, dir, sizeof(dir)))) {
		free(rs);
		baseline_free(base);
		accel_cache_free(o.accel);
		return rs ? rc : KDH_EXIT_FAIL;
	}
	o.results_dir = con.dir = dir;
	if (getenv("KDH_TEST_PAUSE") &&
	    duration_parse(getenv("KDH_TEST_PAUSE"), &o.pause_ns))
		o.pause_ns = 0;
	if (run_signals_install(true))
		fprintf(stderr, "kdh run: cannot catch SIGINT/SIGTERM: a signal "
			"will lose the running scenarios' files\n");
	if (a->tap)
		report_tap_plan(stdout, s->n);
	else
		printf("kdh run: %zu scenario%s, seed %" PRIu64 ", -j %u, results in "
		       "%s\n", s->n, s->n == 1 ? "" : "s", a->seed, a->jobs, dir);
	fflush(stdout);
	ran = run_pool(&src, &o, a->jobs, rs, run_console_ready,
		       con.tty ? run_console_progress : NULL, &con);
	if (ran < 0)
		ran = 0;
	run_console_clear(&con);
	if (a->retries && !con.unwritten && !run_stop_signal)
		retry_rc = retries_run(a, &src, &o, dir, rs, (size_t)ran);
	provenance_accel(&prov, o.accel);
	accel_cache_free(o.accel);
	st.interrupted = run_stop_signal != 0;
	st.signal = st.interrupted ? run_signal_name(run_stop_signal) : NULL;
	st.stopped = con.unwritten ? con.unwritten->reason : NULL;
	report_totals(rs, (size_t)ran, &t);
	t.wall_s = run_console_now() - con.t0;
	if (!a->tap)
		report_summary(stdout, &t, a->seed);
	unwritten_say(&con, s->n, (size_t)ran);
	rc = outputs_write(a, dir, rs, (size_t)ran, &st);
	/* every file of the run on disk at once, not one fsync per file */
	if ((sync_rc = file_sync_fs(dir))) {	/* CI must not trust them */
		fprintf(stderr, "kdh run: %s: could not sync its files to disk: "
			"%s\n", dir, strerror(-sync_rc));
		rc = rc ? rc : KDH_EXIT_FAIL;
	}
	if (st.interrupted && a->tap)	/* TAP's word for a run cut short */
		printf("Bail out! interrupted by %s\n", st.signal);
	if (st.interrupted)
		report_interrupted(a->tap ? stderr : stdout, &st, rs, (size_t)ran,
				   dir);
	free(rs);
	baseline_free(base);
	rc = rc ? rc : retry_rc;
	return rc && !st.interrupted ? rc : exit_status(&t, (size_t)ran, &st,
							   a->flaky_fails);
}

/* The suite run; room for the one scenario a baseline checks at a time */
static int suite_run(struct suite *s, struct run_args *a)
{
	struct scenario *scratch = malloc(sizeof(*scratch));
	int rc;

	if (!scratch)
		return cli_error(&kdh_cmd_run, KDH_EXIT_FAIL, "out of memory");
	rc = suite_run_in(s, a, scratch);
	free(scratch);
	return rc;
}

/* A test hook that falsifies the model is said before anything runs */
static void test_hook_warn(void)
{
	char w[400];

	if (run_oracle_test_hook(w, sizeof(w)))
		fprintf(stderr, "kdh run: %s\n", w);
}

static int run_main(int argc, char **argv)
{
	struct run_args a = { .results = "results", .data_fd = -1 };
	struct suite s = { 0 };
	int rc = run_args_parse(&kdh_cmd_run, argc, argv, &a);

	if (!rc)
		rc = paths_check(&a);
	if (!rc)
		rc = run_outputs_check(&kdh_cmd_run, a.json, a.junit, a.tap);
	if (rc)
		return rc == CLI_HELP_SHOWN ? KDH_EXIT_OK : rc;
	if ((a.json && !strcmp(a.json, "-")) || (a.junit && !strcmp(a.junit, "-"))) {
		/* the data goes to stdout: the console lines to stderr */
		a.data_fd = dup(STDOUT_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	if (!a.seeded)
		a.seed = cli_seed_random();
	test_hook_warn();
	a.sel.seed = a.seed;	/* --sample's draw: the seed replays it */
	suite_load(&s, argc - optind, argv + optind, &a.sel);
	if (s.bad)
		rc = KDH_EXIT_USAGE;
	else if (!s.n)
		rc = cli_error(&kdh_cmd_run, KDH_EXIT_USAGE, "no scenario to run%s%s",
			       a.sel.group ? " in group " : "",
			       a.sel.group ? a.sel.group : "");
	else if (a.validate)
		printf("kdh run: %zu scenario%s valid\n", s.n, s.n == 1 ? " is" : "s are");
	else
		rc = suite_run(&s, &a);
	suite_free(&s);
	return rc;
}

const struct kdh_cmd kdh_cmd_run = {
	.name = "run",
	.summary = "run scenarios (default: the built-in suite) and judge them from the wire",
	.usage = "kdh run [PATH...] [--all] [-g GROUP] [-j N] [--shard K/N|auto] [--seed N] "
		 "[--results DIR] [--json FILE] [--junit FILE] [--tap] [--validate] "
		 "[--baseline FILE] [--backend user|bridge] [--max-capture SIZE] "
		 "[--max-wall DURATION] [--max-cells N] [--sample N] [--retries N] "
		 "[--flaky pass|fail]",
	.run = run_main,
	.help =
"PATH is a scenario file, a directory of *.kdh files or the name of a\n"
"built-in scenario as `kdh list` prints it (seed-dhcp-hang; a file of that\n"
"name comes first); without one, the built-in suite runs (every situation\n"
"of the seed article; `kdh list`, and `kdh list --show NAME` prints one).\n"
"A file with a [matrix] section is its cells, each run as a scenario, its\n"
"results in RUNDIR/NAME/cNNNNN; every cell is checked before any runs.\n"
"The built-in matrices are named matrix/NAME (matrix/kdnet: 2,700 cells);\n"
"they are not part of the built-in suite nor of --all.\n"
"Each scenario boots its simulated debuggees on simulated networks in\n"
"virtual time (ten simulated minutes take milliseconds), captures every\n"
"frame, then measures the capture exactly as `kdh analyze` does and checks\n"
"the scenario's [expect] lines.  VMs with target = vm boot in QEMU (real\n"
"time); serial links carry KD between COM ports; with --backend bridge the\n"
"networks are Linux bridges in a private network namespace.\n"
"\n"
"Options:\n"
"  --all             the built-in suite and the VM scenarios kdh ships\n"
"                    (installed: DATADIR/kdh/scenarios/vm; in the build\n"
"                    tree: the source's scenarios/vm), with any PATH; `kdh\n"
"                    run -g vm --all` runs the VM scenarios\n"
"  -g, --group G     only scenarios whose groups list G (seed, dhcp, ...)\n"
"  -j, --jobs N      run N scenarios at once, in child processes; the\n"
"                    results are the same as with -j 1 (default 1)\n"
"  --shard K/N|auto  only the Kth of N parts: every Nth scenario from the\n"
"                    Kth, in suite order (CI machines each take one part).\n"
"                    auto: K and N from the engine's own variables, GitLab\n"
"                    CI_NODE_INDEX/CI_NODE_TOTAL (parallel:), Slurm\n"
"                    SLURM_ARRAY_TASK_ID/_MIN/_COUNT (sbatch --array=A-B\n"
"                    or A-B:STEP, any A), Azure SYSTEM_JOBPOSITIONINPHASE/\n"
"                    SYSTEM_TOTALJOBSINPHASE, Kubernetes Indexed Jobs'\n"
"                    0-based JOB_COMPLETION_INDEX with KDH_SHARD_TOTAL, or\n"
"                    KDH_SHARD=K/N; none set, half of a pair, a bad value\n"
"                    or two engines that disagree is an error (exit 2).\n"
"                    The provenance records the variables (shard_from)\n"
"  --seed N          the run's seed, 0 to 2^64-1, decimal or 0x-hex (printed;\n"
"                    the same seed replays the run)\n"
"  --results DIR     default results/; each run makes DIR/run-DATE-SEED/\n"
"                    (-2, -3, ... when another run made that one first)\n"
"                    with plan.json (the scenarios it will run, written\n"
"                    first), SCENARIO/{capture.pcapng,result.json,\n"
"                    target.log} (and kd-VM.log per VM that spoke KD),\n"
"                    summary.json, junit.xml and report.html (kdh report).\n"
"                    An empty path or one with a control character is bad\n"
"                    input (so are --json's and --junit's)\n"
"  --json FILE       also write the summary JSON to FILE (- for standard\n"
"                    output; the console lines then go to standard error)\n"
"  --baseline FILE   compare with a stored run (a --json or summary.json):\n"
"                    a figure beyond its [thresholds] allowance (default\n"
"                    connect_time +20% or +2s, dhcp_phase ±10% or ±2s,\n"
"                    discover_count +2), a changed outcome, a figure that\n"
"                    appeared or vanished fails the scenario\n"
"  --junit FILE      also write JUnit XML to FILE (- for standard output)\n"
"  --tap             TAP 13 on stdout instead of the console lines\n"
"  --validate        parse every scenario, run nothing\n"
"  --max-cells N     a [matrix] of more than N cells is an error (0, the\n"
"                    default: the file's max_cells, else 10000)\n"
"  --sample N        of each [matrix] file only N cells (the others run\n"
"                    whole): first cells that hold every value of every\n"
"                    axis, then cells adding unseen pairs of values, drawn\n"
"                    with the run's seed (--seed replays it; kdh list\n"
"                    --sample N --seed S lists them); in file order.  An N\n"
"                    too small to hold every value is an error naming the\n"
"                    least N that does\n"
"  --backend B       user (default: kdh's switches and libslirp, rootless)\n"
"                    or bridge (needs root or CAP_NET_ADMIN: a private\n"
"                    network namespace per scenario with a Linux bridge\n"
"                    per network, taps tapVMIDiN for QEMU, dnsmasq on DHCP\n"
"                    networks, a live libpcap capture); overrides the\n"
"                    scenarios' own backend key\n"
"  --max-capture S   a scenario whose capture.pcapng reaches S bytes ends\n"
"                    as ERROR, its capture kept up to there (readable)\n"
"                    and analysed: result.json has its frames and figures;\n"
"                    default 256M, 0 for no limit (K, M, G: powers of 1024)\n"
"  --max-wall D      a virtual-time scenario (they take milliseconds) still\n"
"                    running after D of real time ends as ERROR (its\n"
"                    capture kept and analysed likewise); default\n"
"                    60s, 0 for no limit.  Real-time (QEMU) scenarios end\n"
"                    at their own timeout\n"
"  --retries N       rerun each FAILed scenario up to N times (0-9, default\n"
"                    0) with a new seed, derived from its seed and the\n"
"                    attempt number (the same --seed repeats every\n"
"                    attempt), until one passes: then it is FLAKY, counted\n"
"                    apart from passed and failed.  Attempt K's files go\n"
"                    in RUNDIR/NAME/attempt-K/ (NAME/ is the first's);\n"
"                    result.json lists every attempt.  ERROR, SKIP and a\n"
"                    FAIL that regressed from --baseline are not retried\n"
"                    (the baseline judges the first attempt); a signal\n"
"                    stops the retries\n"
"  --flaky pass|fail  the exit status a flaky scenario gives: pass (the\n"
"                    default: retries are asked to tolerate flakes, still\n"
"                    counted and shown) or fail\n"
"\n"
"Runaway scenarios: besides those budgets, 1,000,000 timer events at one\n"
"simulated instant end a scenario as ERROR naming the timer that spun.\n"
"\n"
"Scenario names: each scenario's results go in RUNDIR/NAME/, so two\n"
"scenarios of one name (two folders' basic.kdh, a file given twice) are\n"
"bad input, both files named: rename one ([scenario] name = ...).\n"
"\n"
"Results that cannot be written (disk full, read-only): every message\n"
"names the file and why (\"DIR/basic/result.json: No space left on\n"
"device\"); the scenario is an ERROR, the run stops there (the others do\n"
"not start, counted as not run) and exits 1.  kdh report of a run that\n"
"left no summary.json (killed, disk full) shows the scenarios that\n"
"completed and says the run is incomplete.\n"
"\n"
"SIGINT or SIGTERM stops the run: the running scenarios end as\n"
"\"interrupted\" (their capture complete up to then, result.json says\n"
"why), the others do not start; summary.json and junit.xml say\n"
"\"interrupted\": true with the counts, and one line says so.  A second\n"
"signal exits at once (QEMU and dnsmasq still die with kdh).\n"
"\n"
"Output: one line per scenario, PASS/FAIL/SKIP/ERROR (INTR when\n"
"interrupted), its name, each VM's outcome and key figures (for a VM that\n"
"spoke KD also what it said: \"52 modules, 3 DbgPrint, bugcheck 0xD1\", a\n"
"stall with its wait), simulated and wall time; under a FAIL, the first\n"
"expectation that failed as file:line (a scenario compiled into kdh is\n"
"built-in:NAME.kdh:LINE; kdh report and result.json name it the same\n"
"way) and, when the VM did not connect, why in words: the wire's, and\n"
"when no KDNET came what its config says as kdh check words it\n"
"(\"busparams 0.19.0 names no NIC on this q35 VM ...\").  Then a summary.  On a terminal, standard error also shows a\n"
"progress line naming the running scenarios with their elapsed time\n"
"(\"running vm-q35 (23 s)\"), redrawn every second while one runs.\n"
"\n"
"Accelerator (target = vm): before a VM powers on, kdh checks that\n"
"/dev/kvm makes a VM and a vCPU, then runs QEMU paused with that VM's\n"
"-machine, -cpu and -smp under KVM (killed after 2 s): KVM if QEMU\n"
"starts, else TCG.  One probe per VM shape per run; result.json's\n"
"accel_reason, target.log and vm.log say what decided.  KDH_ACCEL=kvm\n"
"(no probe, no fallback to TCG) or tcg overrides it; auto is the default.\n"
"\n"
"Files: an installed kdh (BINDIR/kdh) finds its data relative to itself,\n"
"in BINDIR/../share/kdh as meson laid it out (a DESTDIR install or a moved\n"
"prefix still works): agent/ holds the agent image (vmlinuz, initrd.img)\n"
"that target = vm scenarios boot, scenarios/vm/ the VM scenarios.  A\n"
"build-tree kdh uses BUILD/agent.  KDH_AGENT_DIR=DIR overrides the image's\n"
"directory.  Without an image VM scenarios SKIP, saying where kdh looked;\n"
"build one with scripts/build-agent-image.sh BUILD_DIR.\n"
"\n"
"Exit status: 0 all passed (skips allowed, flaky ones too unless\n"
"--flaky fail), 1 a scenario failed or could\n"
"not run (or its results could not be written), 2 a scenario file is bad (file:line: what is wrong; nothing\n"
"runs), 77 every scenario was skipped, 130 interrupted by SIGINT or\n"
"SIGTERM (the results so far are written).\n"
"\n"
"Examples:\n"
"  kdh run                         the built-in suite\n"
"  kdh run -g seed --seed 42\n"
"  kdh run seed-dhcp-hang          one built-in scenario, by its name\n"
"  kdh run my-vm.kdh --junit junit.xml\n"
"  kdh run -g vm --all             the VM scenarios installed with kdh\n"
"  kdh run --retries 2 --flaky fail  retry failures twice; flaky fails CI\n",
};
