// SPDX-License-Identifier: GPL-2.0-or-later
/* test_results_faults.c - kdh run's results are never lost or mixed: two
 * runs at once, one scenario name twice, SIGKILL then kdh report, a full
 * disk, a results directory that turns read-only, the capture limit, and
 * output paths that cannot be meant
 *
 * The disk faults need a filesystem of their own: as root, the test
 * enters a mount namespace of its own (criterion runs each test in its own
 * process) and mounts a small tmpfs there, which the host never sees and
 * which goes with the process; each test also unmounts what it mounted.
 * Without root, or where mounting is refused, they skip saying why.
 * Simulated scenarios only; nothing asserts wall-clock times.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "interrupt_helpers.h"
#include "kdh/run/run.h"

/* A scenario of the source's scenarios/ copied to DIR/NAME.kdh */
static char *scenario_copy(const char *dir, const char *from, const char *name)
{
	char *src = g_strdup_printf("%s/%s.kdh", getenv("KDH_SCENARIOS"), from);
	char *dst = g_strdup_printf("%s/%s.kdh", dir, name), *text;

	cr_assert(g_file_get_contents(src, &text, NULL, NULL), "%s", src);
	g_mkdir_with_parents(dir, 0755);
	cr_assert(g_file_set_contents(dst, text, -1, NULL), "%s", dst);
	g_free(text);
	g_free(src);
	return dst;
}

/* Every run-* directory under @results, sorted */
static GPtrArray *run_dirs(const char *results)
{
	GPtrArray *runs = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(results, 0, NULL);
	const char *e;

	while (d && (e = g_dir_read_name(d)))
		if (g_str_has_prefix(e, "run-"))
			g_ptr_array_add(runs, g_build_filename(results, e, NULL));
	if (d)
		g_dir_close(d);
	return runs;
}

/* summary.json of @run: how many scenarios it lists */
static unsigned summary_listed(const char *run)
{
	char *path = g_build_filename(run, "summary.json", NULL);
	JsonParser *p = json_parser_new();
	unsigned n = json_array_get_length(json_object_get_array_member(
		ti_json_load(p, path), "scenarios"));

	g_object_unref(p);
	g_free(path);
	return n;
}

/* Two `kdh run --seed 42 --results R` at once: two directories, each
 * with its own complete summary */
Test(results_faults, two_runs_at_once_get_a_directory_each, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *res = g_build_filename(dir, "r", NULL);
	char *log[2] = { g_build_filename(dir, "a.txt", NULL),
			 g_build_filename(dir, "b.txt", NULL) };
	const char *argv[] = { getenv("KDH_BIN"), "run", "--seed", "42",
			       "--results", res, NULL };
	pid_t pid[2] = { ti_spawn(argv, NULL, log[0], NULL),
			 ti_spawn(argv, NULL, log[1], NULL) };
	GPtrArray *runs;

	for (int i = 0; i < 2; i++) {
		char *out;
		int rc = ti_reap(pid[i], -1, NULL);

		out = ti_slurp(log[i]);
		cr_assert_eq(rc, 0, "%s", out);
		g_free(out);
	}
	runs = run_dirs(res);
	cr_assert_eq(runs->len, 2, "two runs, two directories");
	for (guint i = 0; i < runs->len; i++)
		cr_assert_eq(summary_listed(runs->pdata[i]),
			     (unsigned)n_builtin_scenarios, "%s",
			     (char *)runs->pdata[i]);
	g_ptr_array_unref(runs);
	test_rmtree(dir);
	g_free(log[0]); g_free(log[1]); g_free(res); g_free(dir);
}

/* The clash made certain: the directories of this second and the next
 * two exist already; the run takes NAME-2 and leaves them alone */
Test(results_faults, a_taken_run_directory_gets_a_suffix, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "seed-dhcp-off",
			       "--seed", "42", "--results", dir, NULL };
	time_t now = time(NULL);
	char *out, *err;

	for (int k = 0; k < 3; k++) {
		time_t t = now + k;
		char stamp[32], *p;

		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&t));
		p = g_strdup_printf("%s/run-%s-42", dir, stamp);
		cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
		g_free(p);
	}
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "-42-2\n"), "a suffixed directory: %s", out);
	{
		GPtrArray *runs = run_dirs(dir);

		cr_assert_eq(runs->len, 4, "the three taken ones and its own");
		g_ptr_array_unref(runs);
	}
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(dir);
}

/* Two folders' basic.kdh: refused before anything runs, both named */
Test(results_faults, one_scenario_name_twice_is_refused, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *a = g_build_filename(dir, "a", NULL), *b = g_build_filename(dir, "b", NULL);
	char *fa = scenario_copy(a, "virtio-nic", "basic");
	char *fb = scenario_copy(b, "dhcp-network", "basic");
	char *res = g_build_filename(dir, "r", NULL), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "run", a, b, "--results", res,
			       NULL };
	const char *twice[] = { getenv("KDH_BIN"), "run", fa, fa, "--results",
				res, NULL };

	cr_assert_eq(test_run(argv, &out, &err), 2, "%s%s", out, err);
	cr_assert(strstr(err, fa) && strstr(err, fb), "both files named: %s", err);
	cr_assert(strstr(err, "scenario name 'basic'"), "%s", err);
	cr_assert(!g_file_test(res, G_FILE_TEST_EXISTS), "nothing ran");
	g_free(out); g_free(err);
	cr_assert_eq(test_run(twice, &out, &err), 2, "%s%s", out, err);
	cr_assert(strstr(err, "given twice"), "%s", err);
	g_free(out); g_free(err);
	{	/* a name the run's own files take */
		char *text, *body, *sj = g_build_filename(dir, "sj.kdh", NULL);
		const char *own[] = { getenv("KDH_BIN"), "run", sj, "--results",
				      res, NULL };

		cr_assert(g_file_get_contents(fa, &text, NULL, NULL));
		body = g_strconcat("[scenario]\nname = summary.json\n",
				   strstr(text, "[network"), NULL);
		cr_assert(g_file_set_contents(sj, body, -1, NULL));
		cr_assert_eq(test_run(own, &out, &err), 2, "%s%s", out, err);
		cr_assert(strstr(err, "'summary.json' is a file of the run's own "
				 "directory"), "%s", err);
		g_free(text);
		g_free(body);
		g_free(sj);
	}
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(res); g_free(fa); g_free(fb);
	g_free(a); g_free(b); g_free(dir);
}

/* kdh report RUN: exit 0, the line saying incomplete, and what completed */
static char *report_of(const char *run)
{
	const char *argv[] = { getenv("KDH_BIN"), "report", run, NULL };
	char *out, *err;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "INCOMPLETE RUN: no summary.json"), "%s", out);
	g_free(err);
	return out;
}

/* SIGKILL part way: kdh report shows the scenarios that completed and
 * says the run is incomplete, naming the first that did not */
Test(results_faults, report_of_a_killed_run_shows_what_completed,
     .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *res = g_build_filename(dir, "r", NULL);
	char *log = g_build_filename(dir, "out.txt", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "--seed", "5",
			       "--results", res, NULL };
	pid_t pid = ti_spawn(argv, "200ms", log, NULL);
	char *run, *out, *want, *sum;
	int status;

	ti_wait_for(res, "result.json", 2, pid, -1, NULL);
	kill(pid, SIGKILL);
	status = ti_reap_status(pid, -1, NULL);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	run = ti_run_dir(res);
	sum = g_build_filename(run, "summary.json", NULL);
	cr_assert(!g_file_test(sum, G_FILE_TEST_EXISTS), "killed: no summary");
	g_free(sum);
	out = report_of(run);
	want = g_strdup_printf("of %zu scenarios completed", n_builtin_scenarios);
	cr_assert(strstr(out, want), "%s", out);
	cr_assert(strstr(out, "PASSED") && strstr(out, "busparams-absent"),
		  "the completed scenarios are shown: %s", out);
	cr_assert(strstr(out, "not completed: "), "%s", out);
	g_free(out);
	out = report_of(res);		/* the results directory includes it */
	g_free(out);
	test_rmtree(dir);
	g_free(want); g_free(run); g_free(log); g_free(res); g_free(dir);
}

/* A mount namespace of this test's own with a tmpfs of @size on
 * @top/r; skips the test (@top removed) where that is not possible */
static void tmpfs_private(const char *top, const char *size)
{
	char *dir = g_build_filename(top, "r", NULL), opts[32], why[200] = "";

	mkdir(dir, 0755);
	if (geteuid() != 0)
		snprintf(why, sizeof(why), "needs root: mounts a small tmpfs in a "
			 "mount namespace of its own");
	else if (unshare(CLONE_NEWNS) ||
		 mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		snprintf(why, sizeof(why), "no mount namespace here: %s",
			 strerror(errno));
	snprintf(opts, sizeof(opts), "size=%s", size);
	if (!why[0] && mount("tmpfs", dir, "tmpfs", 0, opts))
		snprintf(why, sizeof(why), "cannot mount a tmpfs: %s",
			 strerror(errno));
	g_free(dir);
	if (why[0]) {
		test_rmtree(top);
		cr_skip_test("%s", why);
	}
}

/* The run stopped on a write failure: exit 1, the file and the errno
 * named, the scenario an ERROR, the rest not run */
static void stopped_check(const char *out, const char *errtext)
{
	const char *stop = strstr(out, "kdh run: stopped: ");
	const char *error = strstr(out, "\nERROR ");

	cr_assert(stop, "the run says it stopped: %s", out);
	cr_assert(strstr(out, errtext), "%s named: %s", errtext, out);
	cr_assert(error, "the scenario is an ERROR: %s", out);
	cr_assert(!strstr(error, "\nPASS ") && !strstr(error, "\nFAIL "),
		  "nothing ran after it: %s", out);
	cr_assert(strstr(stop, "scenarios not run"), "%s", out);
}

/* A 64 KiB disk fills during the suite: the run stops there, every
 * message names the file and "No space left on device", and kdh report
 * still shows what completed */
Test(results_faults, a_full_disk_stops_the_run_naming_file_and_errno,
     .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *res = g_build_filename(dir, "r", NULL), *out, *err, *run, *all;
	const char *argv[] = { getenv("KDH_BIN"), "run", "--seed", "1",
			       "--results", res, NULL };

	tmpfs_private(dir, "64k");
	cr_assert_eq(test_run(argv, &out, &err), 1, "%s%s", out, err);
	all = g_strconcat(out, err, NULL);
	stopped_check(all, "No space left on device");
	run = ti_run_dir(res);
	cr_assert(strstr(all, run), "the file's path is named: %s", all);
	g_free(out);
	out = report_of(run);
	cr_assert(strstr(out, "PASSED"), "%s", out);
	umount2(res, MNT_DETACH);
	test_rmtree(dir);
	g_free(all); g_free(out); g_free(err); g_free(run); g_free(res);
	g_free(dir);
}

/* The run's directory turns read-only after the first result: the
 * running scenario is an ERROR naming its file and "Read-only file
 * system", and no other scenario starts */
Test(results_faults, a_read_only_results_directory_stops_the_run,
     .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *res = g_build_filename(dir, "r", NULL);
	char *log = g_build_filename(dir, "out.txt", NULL);
	char *json = g_build_filename(dir, "summary.json", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "--seed", "1",
			       "--results", res, "--json", json, NULL };
	JsonParser *p = json_parser_new();
	JsonObject *sum;
	char *run, *out;
	pid_t pid;
	int rc;

	tmpfs_private(dir, "8m");
	pid = ti_spawn(argv, "300ms", log, NULL);
	ti_wait_for(res, "result.json", 1, pid, -1, NULL);
	run = ti_run_dir(res);
	/* a read-only bind mount over the run: the capture open on the
	 * tmpfs below keeps writing, everything opened by name fails */
	cr_assert_eq(mount(run, run, NULL, MS_BIND, NULL), 0, "%s", strerror(errno));
	cr_assert_eq(mount(NULL, run, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
			   NULL), 0, "%s", strerror(errno));
	rc = ti_reap(pid, -1, NULL);
	out = ti_slurp(log);
	cr_assert_eq(rc, 1, "%s", out);
	stopped_check(out, "Read-only file system");
	sum = ti_json_load(p, json);	/* --json is outside: it says why */
	cr_assert(strstr(json_object_get_string_member(sum, "stopped"),
			 "Read-only file system"), "%s", json);
	cr_assert_gt(json_object_get_int_member(json_object_get_object_member(sum,
		"counts"), "not_run"), 0, "%s", json);
	{	/* kdh report of that summary says why the run stopped */
		const char *rv[] = { getenv("KDH_BIN"), "report", json, NULL };
		char *rout, *rerr;

		test_run(rv, &rout, &rerr);
		cr_assert(strstr(rout, "INCOMPLETE RUN: kdh run stopped: ") &&
			  strstr(rout, "Read-only file system"), "%s%s", rout, rerr);
		g_free(rout);
		g_free(rerr);
	}
	g_object_unref(p);
	g_free(json);
	umount2(run, MNT_DETACH);
	umount2(res, MNT_DETACH);
	test_rmtree(dir);
	g_free(out); g_free(run); g_free(log); g_free(res); g_free(dir);
}

/* A budget's ERROR result is judged on the capture it kept */
static void budget_kept(const char *opt, const char *val, const char *off,
			const char *offval)
{
	static const char text[] =
		"[scenario]\ntimeout = 100000h\n"
		"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n"
		"[vm win]\nostype: other\n"
		"net0: e1000=BC:24:11:00:00:12,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"dhcp = no\nip = 192.168.2.72/24\ntiming.announce = 100ms\n"
		"[debugger]\nkey = 9.9.9.9\n"	/* never answered: announces on */
		"[expect]\noutcome = connected\n";
	char *dir = g_dir_make_tmp("kdh-faults-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "runaway.kdh", NULL);
	char *res = g_build_filename(dir, "r", NULL), *out, *err, *run, *path;
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--seed", "1",
			       "--results", res, opt, val, off, offval, NULL };
	JsonParser *p = json_parser_new();
	JsonObject *r;

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "ERROR runaway"), "%s", out);
	run = ti_run_dir(res);
	path = g_build_filename(run, "runaway", "result.json", NULL);
	r = ti_json_load(p, path);
	cr_assert_str_eq(json_object_get_string_member(r, "verdict"), "error");
	cr_assert_gt(json_object_get_int_member(r, "frames"), 0, "%s", path);
	cr_assert_eq(json_array_get_length(json_object_get_array_member(r,
		"targets")), 1, "the VM's figures from the kept capture");
	g_object_unref(p);
	test_rmtree(dir);
	g_free(path); g_free(run); g_free(out); g_free(err); g_free(res);
	g_free(sc); g_free(dir);
}

Test(results_faults, the_capture_limit_result_analyses_what_was_kept,
     .timeout = 60)
{
	budget_kept("--max-capture", "64K", "--max-wall", "0");
}

Test(results_faults, the_wall_limit_result_analyses_what_was_kept,
     .timeout = 60)
{
	budget_kept("--max-wall", "1ms", "--max-capture", "0");
}

/* --results "" wrote into /; a control character is a paste gone wrong */
Test(results_faults, an_empty_or_control_character_path_is_refused)
{
	const char *bad[] = { "", "res\nults", "r\033[0m" };
	const char *opt[] = { "--results", "--json", "--junit" };

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		for (size_t k = 0; k < G_N_ELEMENTS(opt); k++) {
			const char *argv[] = { getenv("KDH_BIN"), "run", "seed-dhcp-off",
					       opt[k], bad[i], NULL };
			char *out, *err;

			cr_assert_eq(test_run(argv, &out, &err), 2, "%s '%s': %s%s",
				     opt[k], bad[i], out, err);
			cr_assert(strstr(err, opt[k]) && (strstr(err, "empty") ||
				  strstr(err, "control character")), "%s", err);
			g_free(out);
			g_free(err);
		}
}
