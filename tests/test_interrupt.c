/* test_interrupt.c - `kdh run` stopped by SIGTERM or SIGINT keeps its
 * results, and runaway scenarios end on their budgets
 *
 * Simulated scenarios take milliseconds, so the sim cases set the test
 * hook KDH_TEST_PAUSE: each scenario waits that long before its loop, and
 * the signal comes once some results are in.  Nothing asserts wall-clock
 * times: the tests wait for files to appear, then signal.  The VM cases
 * (scenarios/vm, QEMU under TCG) are the suite interrupt_vm, which meson
 * runs alone as the test 'interrupt_vm'.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/run.h"

/* kdh run in the background: stdout+stderr to @log, or to a pty */
static pid_t ti_spawn(const char *const argv[], const char *pause, const char *log,
	       int *pty_master)
{
	pid_t pid;

	if (pty_master) {
		pid = forkpty(pty_master, NULL, NULL, NULL);
	} else {
		pid = fork();
	}
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (!pty_master) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
			setpgid(0, 0);	/* not in criterion's group */
		}
		if (pause)
			setenv("KDH_TEST_PAUSE", pause, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

static void nap(void)
{
	struct timespec ts = { 0, 20 * 1000000 };

	nanosleep(&ts, NULL);
}

/* Keep a pty's output flowing (kdh blocks on a full terminal) */
static void pty_drain(int master, GString *out)
{
	char buf[4096];
	ssize_t n;

	if (master < 0)
		return;
	while ((n = read(master, buf, sizeof(buf))) > 0)
		g_string_append_len(out, buf, n);
}

/* The run directory kdh made under @results, or NULL while there is none */
static char *ti_run_dir(const char *results)
{
	GDir *d = g_dir_open(results, 0, NULL);
	const char *e;
	char *dir = NULL;

	while (d && (e = g_dir_read_name(d)))
		if (g_str_has_prefix(e, "run-"))
			dir = g_build_filename(results, e, NULL);
	if (d)
		g_dir_close(d);
	return dir;
}

/* How many DIR/x/@file exist */
static unsigned ti_count(const char *results, const char *file)
{
	char *run = ti_run_dir(results);
	GDir *d = run ? g_dir_open(run, 0, NULL) : NULL;
	const char *e;
	unsigned n = 0;

	while (d && (e = g_dir_read_name(d))) {
		char *p = g_build_filename(run, e, file, NULL);

		n += access(p, F_OK) == 0;
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_free(run);
	return n;
}

/* Wait (no time limit but criterion's) until @file exists in @want
 * scenario directories, draining a pty meanwhile */
static void ti_wait_for(const char *results, const char *file, unsigned want,
		 pid_t pid, int master, GString *out)
{
	int status;

	while (ti_count(results, file) < want) {
		cr_assert_eq(waitpid(pid, &status, WNOHANG), 0,
			     "kdh ended before %u %s: status %d", want, file, status);
		pty_drain(master, out);
		nap();
	}
}

/* Reap kdh; its wait status */
static int ti_reap_status(pid_t pid, int master, GString *out)
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		cr_assert_geq(r, 0);
		if (r == pid)
			return status;
		pty_drain(master, out);
		nap();
	}
}

/* Reap kdh; its exit status */
static int ti_reap(pid_t pid, int master, GString *out)
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		cr_assert_geq(r, 0);
		if (r == pid)
			break;
		pty_drain(master, out);
		nap();
	}
	pty_drain(master, out);
	cr_assert(WIFEXITED(status), "kdh was killed by signal %d",
		  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

static JsonObject *json_load(JsonParser *p, const char *path)
{
	GError *e = NULL;

	cr_assert(json_parser_load_from_file(p, path, &e), "%s: %s", path,
		  e ? e->message : "?");
	return json_node_get_object(json_parser_get_root(p));
}

static void run_tool(const char *const argv[], int want_lo, int want_hi,
		     const char *what)
{
	char *out, *err;
	int rc = test_run(argv, &out, &err);

	cr_assert(rc >= want_lo && rc <= want_hi, "%s: exit %d\n%s%s", what, rc,
		  out, err);
	g_free(out);
	g_free(err);
}

/* No .partial or .tmp file anywhere under @dir */
static void no_partial_files(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *e;

	cr_assert(d, "%s", dir);
	while ((e = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, e, NULL);

		cr_assert(!strstr(e, ".partial") && !strstr(e, ".tmp."),
			  "left behind: %s", p);
		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			no_partial_files(p);
		g_free(p);
	}
	g_dir_close(d);
}

/**
 * ti_check_run() - everything an interrupted run must leave
 * @results:	--results of the run
 * @sig:	"SIGTERM" or "SIGINT"
 * @total:	scenarios the run had
 * @out:	its console output
 *
 * Return: scenarios run (finished or interrupted)
 */
static unsigned ti_check_run(const char *results, const char *sig, unsigned total,
		      const char *out)
{
	char *run = ti_run_dir(results);
	char *summary = g_build_filename(run, "summary.json", NULL);
	char *junit = g_build_filename(run, "junit.xml", NULL);
	char *html = g_build_filename(results, "report.html", NULL);
	char *merged = g_build_filename(results, "merged", NULL);
	char *msum = g_build_filename(merged, "summary.json", NULL);
	char *xsd = test_data_path("../junit.xsd"), *line, *text;
	JsonParser *p = json_parser_new(), *mp = json_parser_new();
	JsonObject *root, *counts;
	JsonArray *sc;
	unsigned n, interrupted = 0, finished = 0;

	root = json_load(p, summary);
	cr_assert(json_object_get_boolean_member(root, "interrupted"), "%s", summary);
	cr_assert_str_eq(json_object_get_string_member(root, "signal"), sig);
	counts = json_object_get_object_member(root, "counts");
	sc = json_object_get_array_member(root, "scenarios");
	n = json_array_get_length(sc);
	cr_assert_eq(json_object_get_int_member(counts, "scenarios"), total);
	cr_assert_eq(json_object_get_int_member(counts, "run"), n);
	cr_assert_eq(json_object_get_int_member(counts, "not_run"), total - n);
	cr_assert_lt(n, total, "the run was stopped part way");
	for (unsigned i = 0; i < n; i++) {
		JsonObject *s = json_array_get_object_element(sc, i);
		const char *name = json_object_get_string_member(s, "name");
		const char *v = json_object_get_string_member(s, "verdict");
		char *res = g_build_filename(run, name, "result.json", NULL);
		char *cap = g_build_filename(run, name, "capture.pcapng", NULL);
		JsonParser *rp = json_parser_new();
		const char *an[] = { getenv("KDH_BIN"), "analyze", cap, NULL };

		cr_assert_eq(json_object_get_int_member(s, "index"), i,
			     "the scenarios run are the first ones");
		if (!strcmp(v, "skip")) {
			g_free(res); g_free(cap); g_object_unref(rp);
			finished++;
			continue;
		}
		cr_assert_str_eq(json_object_get_string_member(json_load(rp, res),
							       "verdict"), v, "%s", res);
		if (!strcmp(v, "interrupted")) {
			interrupted++;
			cr_assert(strstr(json_object_get_string_member(s, "reason"),
					 sig), "%s", name);
		} else {
			finished++;
		}
		run_tool(an, 0, 1, cap);	/* 2 would be an unreadable file */
		g_free(res); g_free(cap); g_object_unref(rp);
	}
	cr_assert_geq(interrupted, 1, "a scenario was running when the signal came");
	cr_assert_eq(json_object_get_int_member(counts, "interrupted"), interrupted);
	line = g_strdup_printf("kdh run: interrupted by %s after %u of %u "
			       "scenarios; results in %s", sig, finished, total, run);
	cr_assert(strstr(out, line), "no line '%s' in:\n%s", line, out);
	no_partial_files(run);

	{
		const char *schema[] = { "xmllint", "--noout", "--schema", xsd, junit,
					 NULL };
		const char *rep[] = { getenv("KDH_BIN"), "report", run, "--html", html,
				      NULL };
		const char *wf[] = { "xmllint", "--noout", html, NULL };
		const char *merge[] = { getenv("KDH_BIN"), "report", "merge", run,
					"--out", merged, NULL };

		run_tool(schema, 0, 0, "junit.xml against the schema");
		run_tool(rep, 0, 0, "kdh report --html");
		run_tool(wf, 0, 0, "report.html well-formed");
		run_tool(merge, 1, 1, "kdh report merge (interrupted: exit 1)");
	}
	cr_assert(g_file_get_contents(junit, &text, NULL, NULL));
	cr_assert(strstr(text, "<property name=\"interrupted\" value=\"true\"/>"),
		  "%s", text);
	cr_assert(strstr(text, "type=\"interrupted\""), "%s", text);
	g_free(text);
	root = json_load(mp, msum);
	cr_assert(json_object_get_boolean_member(root, "interrupted"));
	cr_assert_eq(json_object_get_int_member(json_object_get_object_member(root,
		"counts"), "scenarios"), total);

	g_object_unref(p); g_object_unref(mp);
	g_free(run); g_free(summary); g_free(junit); g_free(html); g_free(merged);
	g_free(msum); g_free(xsd); g_free(line);
	return n;
}

static char *slurp(const char *path)
{
	char *text = NULL;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}

/* The processes whose command line mentions @needle (QEMU and dnsmasq
 * name files in the run's results directory) */
static unsigned procs_with(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	unsigned n = 0;

	while (d && (de = readdir(d))) {
		char path[300], buf[8192];
		FILE *f;
		size_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = '\0';
		n += strstr(buf, needle) != NULL && atoi(de->d_name) != getpid();
	}
	if (d)
		closedir(d);
	return n;
}

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
	out = slurp(log);
	cr_assert_eq(rc, 130, "%s", out);
	ti_check_run(res, "SIGTERM", 20, out);
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
	ti_check_run(res, "SIGINT", 20, out->str);
	close(master);
	test_rmtree(dir);
	g_string_free(out, TRUE);
	g_free(res); g_free(dir);
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

/* A scenario announcing every nanosecond: disk use stays bounded */
static char *runaway_scenario(const char *dir)
{
	char *path = g_build_filename(dir, "runaway.kdh", NULL);
	static const char text[] =
		"[scenario]\n"
		"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n"
		"[vm win]\nostype: other\n"
		"net0: e1000=BC:24:11:00:00:12,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"dhcp = no\nip = 192.168.2.72/24\ntiming.announce = 1ns\n"
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

		run_tool(an, 0, 1, "the capture reads back");
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

	run_tool(a, 2, 2, "--max-capture lots");
	run_tool(b, 2, 2, "--max-wall 5");
}

/* VM scenarios (@backend: --backend, NULL for each scenario's): SIGTERM
 * once one has finished and the next VM's QEMU
 * runs (-j 1), or once one has finished (-j 2); nothing of the run is
 * left running */
static void vm_stopped(const char *jobs, const char *backend)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	char *dir, *log, *res, *vmdir, *out;
	pid_t pid;
	unsigned left = 1;
	int rc;

	if (access(initrd, R_OK))
		cr_skip_test("no agent image at %s (scripts/build-agent-image.sh)",
			     initrd);
	if (backend && !strcmp(backend, "bridge") && geteuid() != 0)
		cr_skip_test("--backend bridge needs root");
	dir = g_dir_make_tmp("kdh-intr-vm-XXXXXX", NULL);
	log = g_build_filename(dir, "out.txt", NULL);
	res = g_build_filename(dir, "results", NULL);
	vmdir = g_build_filename(getenv("KDH_SCENARIOS"), "vm", NULL);
	{
		const char *argv[] = { getenv("KDH_BIN"), "run", vmdir, "--seed", "1",
			"-j", jobs, "--results", res, "--backend", backend, NULL };

		if (!backend)
			argv[9] = NULL;	/* each scenario's own (vm-bridge-vlan's) */
		pid = ti_spawn(argv, NULL, log, NULL);
	}
	ti_wait_for(res, "result.json", 1, pid, -1, NULL);
	if (!strcmp(jobs, "1"))
		ti_wait_for(res, "vm.log", 2, pid, -1, NULL);
	kill(pid, SIGTERM);
	rc = ti_reap(pid, -1, NULL);
	out = slurp(log);
	fprintf(stderr, "%s", out);
	cr_assert_eq(rc, 130, "%s", out);
	for (int i = 0; i < 100 && (left = procs_with(res)); i++)
		nap();
	cr_assert_eq(left, 0, "%u QEMU or dnsmasq processes of the run left", left);
	ti_check_run(res, "SIGTERM", 8, out);
	test_rmtree(dir);
	g_free(out); g_free(log); g_free(res); g_free(vmdir); g_free(dir);
	g_free(initrd);
}

/* -j 2, a second SIGTERM soon after the first while QEMUs boot: whether
 * it kills kdh (and its children and their QEMUs by PR_SET_PDEATHSIG)
 * or kdh had already finished (130), nothing of the run is left */
Test(interrupt_vm, a_second_sigterm_leaves_nothing_running, .timeout = 300)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	char *dir, *log, *res, *vmdir;
	unsigned left = 1;
	int status;
	pid_t pid;

	if (access(initrd, R_OK))
		cr_skip_test("no agent image at %s (scripts/build-agent-image.sh)",
			     initrd);
	dir = g_dir_make_tmp("kdh-intr-vm-XXXXXX", NULL);
	log = g_build_filename(dir, "out.txt", NULL);
	res = g_build_filename(dir, "results", NULL);
	vmdir = g_build_filename(getenv("KDH_SCENARIOS"), "vm", NULL);
	{
		const char *argv[] = { getenv("KDH_BIN"), "run", vmdir, "--seed", "1",
			"-j", "2", "--results", res, NULL };

		pid = ti_spawn(argv, NULL, log, NULL);
	}
	ti_wait_for(res, "vm.log", 1, pid, -1, NULL);
	cr_assert_gt(procs_with(res), 0, "a QEMU of the run is up");
	kill(pid, SIGTERM);
	nap();
	kill(pid, SIGTERM);
	status = ti_reap_status(pid, -1, NULL);
	cr_assert((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) ||
		  (WIFEXITED(status) && WEXITSTATUS(status) == 130),
		  "status %#x", status);
	fprintf(stderr, "second SIGTERM: %s\n", WIFSIGNALED(status) ?
		"kdh died of it" : "kdh had finished (130)");
	for (int i = 0; i < 250 && (left = procs_with(res)); i++)
		nap();
	cr_assert_eq(left, 0, "%u QEMU or dnsmasq processes of the run left", left);
	test_rmtree(dir);
	g_free(log); g_free(res); g_free(vmdir); g_free(dir); g_free(initrd);
}

Test(interrupt_vm, sigterm_stops_a_vm_run_j1, .timeout = 300)
{
	vm_stopped("1", NULL);
}

Test(interrupt_vm, sigterm_stops_a_vm_run_j2, .timeout = 300)
{
	vm_stopped("2", NULL);
}

Test(interrupt_vm, sigterm_stops_a_bridge_vm_run, .timeout = 300)
{
	vm_stopped("1", "bridge");
}
