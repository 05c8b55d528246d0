// SPDX-License-Identifier: GPL-2.0-or-later
/* test_interrupt.c - `kdh run` stopped by SIGTERM or SIGINT keeps its
 * results, and runaway scenarios end on their budgets
 *
 * Simulated scenarios take milliseconds, so the sim cases set the test
 * hook KDH_TEST_PAUSE: each scenario waits that long before its loop, and
 * the signal comes once some results are in.  Nothing asserts wall-clock
 * times: the tests wait for files to appear, then signal.  The VM cases
 * (scenarios/vm, QEMU under TCG) are test_interrupt_vm.c, run alone.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "interrupt_helpers.h"
#include "kdh/run/run.h"
#include "kdh/util/size.h"

static void sim_stopped(const char *jobs)
{
	char *dir = g_dir_make_tmp("kdh-intr-XXXXXX", NULL);
	char *log = g_build_filename(dir, "out.txt", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", getenv("KDH_SCENARIOS"),
		"--seed", "5", "-j", jobs, "--results", res, NULL };
	pid_t pid = ti_spawn(argv, "1s", log, NULL);
	char *out;
	int rc;

	ti_wait_for(res, "result.json", 2, pid, -1, NULL);
	kill(pid, SIGTERM);
	rc = ti_reap(pid, -1, NULL);
	out = ti_slurp(log);
	cr_assert_eq(rc, 130, "%s", out);
	ti_check_run(res, "SIGTERM", (unsigned)n_builtin_scenarios, out);
	test_rmtree(dir);
	g_free(out); g_free(log); g_free(res); g_free(dir);
}

Test(interrupt, sigterm_stops_a_sim_run_j1, .timeout = 120)
{
	sim_stopped("1");
}

Test(interrupt, sigterm_stops_a_sim_run_j2, .timeout = 120)
{
	sim_stopped("2");
}

/* ^C on the terminal: SIGINT to kdh and its children at once */
Test(interrupt, sigint_from_a_terminal_stops_a_sim_run, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-intr-XXXXXX", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", getenv("KDH_SCENARIOS"),
		"--seed", "5", "-j", "2", "--results", res, NULL };
	GString *out = g_string_new(NULL);
	int master;
	pid_t pid = ti_spawn(argv, "1s", NULL, &master);

	fcntl(master, F_SETFL, O_NONBLOCK);
	ti_wait_for(res, "result.json", 2, pid, master, out);
	cr_assert_eq(write(master, "\003", 1), 1);
	cr_assert_eq(ti_reap(pid, master, out), 130, "%s", out->str);
	ti_check_run(res, "SIGINT", (unsigned)n_builtin_scenarios, out->str);
	close(master);
	test_rmtree(dir);
	g_string_free(out, TRUE);
	g_free(res); g_free(dir);
}

/* The first child process of @pid (a -j 2 worker), 0 for none */
static pid_t first_child(pid_t pid)
{
	char path[64], *text = NULL;
	pid_t kid = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
		 (int)pid);
	if (g_file_get_contents(path, &text, NULL, NULL))
		kid = (pid_t)atoi(text);
	g_free(text);
	return kid;
}

/* A -j 2 worker killed mid-scenario: that scenario is an ERROR saying its
 * process died, and the run goes on to the last scenario (a new worker) */
Test(interrupt, a_killed_worker_is_reported_and_the_run_goes_on, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-intr-XXXXXX", NULL);
	char *log = g_build_filename(dir, "out.txt", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", getenv("KDH_SCENARIOS"),
		"--seed", "5", "-j", "2", "--results", res, NULL };
	pid_t pid = ti_spawn(argv, "200ms", log, NULL), kid;
	char *out;
	int rc;

	ti_wait_for(res, "result.json", 1, pid, -1, NULL);
	kid = first_child(pid);
	cr_assert(kid > 0, "kdh run -j 2 has no worker process");
	cr_assert_eq(kill(kid, SIGKILL), 0);
	rc = ti_reap(pid, -1, NULL);
	out = ti_slurp(log);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "the process running it died"), "%s", out);
	cr_assert(strstr(out, "1 error"), "%s", out);
	cr_assert_eq(ti_count(res, "result.json"), (unsigned)n_builtin_scenarios,
		     "%s", out);
	test_rmtree(dir);
	g_free(out); g_free(log); g_free(res); g_free(dir);
}

/* The parent's handler: the first SIGTERM sets the flag and gives SIGTERM
 * back its default action, so a second one exits at once; SIGINT keeps
 * its handler until run_signals_default().  (Two kills from a test would
 * race kdh's own quick shutdown, so the mechanism is tested here.)
 * Criterion runs each test in a process of its own. */
Test(interrupt, a_second_signal_takes_the_default_action)
{
	struct sigaction sa;

	cr_assert_eq(run_signals_install(true), 0);
	cr_assert_eq(run_stop_signal, 0);
	raise(SIGTERM);
	cr_assert_eq(run_stop_signal, SIGTERM);
	sigaction(SIGTERM, NULL, &sa);
	cr_assert(sa.sa_handler == SIG_DFL, "SIGTERM reset after the first");
	sigaction(SIGINT, NULL, &sa);
	cr_assert(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
	raise(SIGINT);
	cr_assert_eq(run_stop_signal, SIGTERM, "the first signal tells why");
	cr_assert_eq(run_signals_install(true), 0);
	run_signals_default();
	sigaction(SIGINT, NULL, &sa);
	cr_assert(sa.sa_handler == SIG_DFL);
}

/* -j 2 children keep their handler: every signal lets them finish */
Test(interrupt, children_handle_every_signal)
{
	struct sigaction sa;

	cr_assert_eq(run_signals_install(false), 0);
	raise(SIGTERM);
	raise(SIGTERM);
	cr_assert_eq(run_stop_signal, SIGTERM);
	sigaction(SIGTERM, NULL, &sa);
	cr_assert(sa.sa_handler != SIG_DFL);
}

/* A background job of a non-interactive shell: SIGINT ignored stays so */
Test(interrupt, an_ignored_sigint_stays_ignored)
{
	struct sigaction sa;

	signal(SIGINT, SIG_IGN);
	cr_assert_eq(run_signals_install(true), 0);
	sigaction(SIGINT, NULL, &sa);
	cr_assert(sa.sa_handler == SIG_IGN);
	run_signals_default();
	sigaction(SIGINT, NULL, &sa);
	cr_assert(sa.sa_handler == SIG_IGN);
}

/* A scenario that writes its capture as fast as the model allows: an
 * announcement every 100ms (the floor a scenario may ask for) for 100 000
 * simulated hours -- it runs on and on, so only a budget stops it, and disk
 * use stays bounded.  (A 1ns interval is refused when the file is read;
 * tests/test_loop.c stops a timer that really spins.) */
static char *runaway_scenario(const char *dir)
{
	char *path = g_build_filename(dir, "runaway.kdh", NULL);
	static const char text[] =
		"[scenario]\ntimeout = 100000h\n"
		"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n"
		"[vm win]\nostype: other\n"
		"net0: e1000=BC:24:11:00:00:12,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"dhcp = no\nip = 192.168.2.72/24\ntiming.announce = 100ms\n"
		"[debugger]\nkey = 9.9.9.9\n"	/* never answered: announces on */
		"[expect]\noutcome = connected\n";

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void runaway(const char *opt, const char *val, const char *reason,
		    long long max_bytes)
{
	char *dir = g_dir_make_tmp("kdh-runaway-XXXXXX", NULL);
	char *sc = runaway_scenario(dir), *res = g_build_filename(dir, "r", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
		"--results", res, opt, val, "--max-capture", max_bytes ? "4M" : "0",
		NULL };
	char *out, *err, *run, *cap, *partial;
	struct stat st;

	if (!strcmp(opt, "--max-capture"))
		argv[9] = NULL;		/* the option under test only */
	cr_assert_eq(test_run(argv, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "ERROR runaway"), "%s", out);
	cr_assert(strstr(out, reason), "%s", out);
	run = ti_run_dir(res);
	cap = g_build_filename(run, "runaway", "capture.pcapng", NULL);
	partial = g_strconcat(cap, ".partial", NULL);
	cr_assert_eq(stat(cap, &st), 0, "%s", cap);
	cr_assert_eq(access(partial, F_OK), -1, "no .partial left");
	if (max_bytes)
		cr_assert_leq(st.st_size, max_bytes);
	{
		const char *an[] = { getenv("KDH_BIN"), "analyze", cap, NULL };

		ti_run_tool(an, 0, 1, "the capture reads back");
	}
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(run); g_free(cap); g_free(partial);
	g_free(sc); g_free(res); g_free(dir);
}

Test(interrupt, a_runaway_scenario_stops_at_the_capture_limit, .timeout = 120)
{
	runaway("--max-capture", "4M", "capture limit: capture.pcapng reached "
		"4MiB", 4ll << 20);
}

/* --max-wall 1ms: the runaway, which would run forever, is past it at the
 * first check; the capture limit is off, so only the wall clock stops it */
Test(interrupt, a_runaway_scenario_stops_at_the_wall_clock_limit, .timeout = 120)
{
	runaway("--max-wall", "1ms", "wall-clock limit", 0);
}

Test(interrupt, bad_budgets_are_usage_errors)
{
	const char *a[] = { getenv("KDH_BIN"), "run", "--max-capture", "lots", NULL };
	const char *b[] = { getenv("KDH_BIN"), "run", "--max-wall", "5", NULL };

	ti_run_tool(a, 2, 2, "--max-capture lots");
	ti_run_tool(b, 2, 2, "--max-wall 5");
}

Test(interrupt, sizes_parse_and_format)
{
	uint64_t b;
	char buf[24];

	cr_assert_eq(size_parse("4096", &b), 0);
	cr_assert_eq(b, 4096);
	cr_assert_eq(size_parse("256M", &b), 0);
	cr_assert_eq(b, 256ull << 20);
	cr_assert_eq(size_parse("256MiB", &b), 0);
	cr_assert_eq(b, 256ull << 20);
	cr_assert_eq(size_parse("1g", &b), 0);
	cr_assert_eq(b, 1ull << 30);
	cr_assert_eq(size_parse("0", &b), 0);
	cr_assert_eq(b, 0);
	cr_assert_eq(size_parse("-1M", &b), -EINVAL);
	cr_assert_eq(size_parse("12Q", &b), -EINVAL);
	cr_assert_eq(size_parse("", &b), -EINVAL);
	cr_assert_eq(size_parse("99999999999999999999", &b), -EINVAL);
	cr_assert_eq(size_parse("17179869184G", &b), -EINVAL);
	cr_assert_str_eq(size_format(256ull << 20, buf, sizeof(buf)), "256MiB");
	cr_assert_str_eq(size_format(1000, buf, sizeof(buf)), "1000B");
	cr_assert_str_eq(size_format(0, buf, sizeof(buf)), "0B");
}
