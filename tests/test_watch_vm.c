// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_vm.c - kdh watch beside kdh run, on the agent VM (root, the
 * bridge backend): one kdh run of five scenarios (-j 2), and for each,
 * as soon as its QEMU exists, `kdh watch --iface tap100i0 ...` entered
 * into that scenario's private network namespace (nsenter --net), as a
 * user runs it next to a VM.  Its live lines must say what happened, its
 * verdict agree with the run's result.json, a connection's time agree
 * with the run's once both count from the VM's first frame, and kdh
 * analyze of the pcap it wrote give its summary's figures.
 *
 * The scenarios: a static network with DHCP on and a 20 s give-up, dhcp
 * no, busparams naming no NIC, WinDbg with another key (two watches: one
 * with WinDbg's key, one with bcdedit's), and no host at bcdedit's hostip.
 * About 2.5 minutes under TCG, so only in the build without sanitizers
 * (KDH_SANITIZED, set by tests/meson.build); the rules themselves are
 * tested on captures in both (test_watch.c). */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/topo.h"
#include "watch_helpers.h"

/* The run stamps a frame when its loop reads it, the watch with the
 * kernel's timestamp; under TCG load the loop can lag tens of ms */
#define CONNECT_TOLERANCE_S	0.25

struct vmcase {
	const char *scenario;		/* file: "vm/NAME.kdh" or "watch/NAME.kdh" */
	const char *args[12];		/* kdh watch's, after --iface ... */
	const char *lines[3];		/* that its output must hold */
	bool compare;			/* its verdict is the run's outcome */
	pid_t pid;
	char *out, *err, *pcap;
};

static struct vmcase cases[] = {
	{ .scenario = "vm/vm-dhcp-hang-short.kdh", .compare = true,
	  .args = { "--iface", "tap100i0", "--mac", "BC:24:11:00:01:20", NULL },
	  .lines = { "sent 2 DHCPDISCOVERs, no OFFER: no DHCP server on this "
		     "network", "(RFC 3927)" } },
	{ .scenario = "vm/vm-dhcp-off.kdh", .compare = true,
	  .args = { "--iface", "tap100i0", "--mac", "BC:24:11:00:01:30", NULL },
	  .lines = { "connected: " } },
	{ .scenario = "vm/vm-busparams-wrong.kdh", .compare = true,
	  .args = { "--iface", "tap100i0", "--iface", "tap100i1", "--mac",
		    "BC:24:11:00:01:50", "--mac", "BC:24:11:00:01:51", "--silence",
		    "25s", NULL },
	  .lines = { "no frame from any NIC of the VM in 25 s of watching: "
		     "Hyper-V enlightenments, or busparams names no NIC" } },
	{ .scenario = "watch/vm-watch-key.kdh", .compare = true,
	  .args = { "--iface", "tap100i0", "--mac", "BC:24:11:00:01:60", "--key",
		    TW_DBG_KEY, NULL },
	  .lines = { "wrong key: " } },
	{ .scenario = "watch/vm-watch-key.kdh",	/* bcdedit's key: the debuggee's */
	  .args = { "--iface", "tap100i0", "--mac", "BC:24:11:00:01:60", NULL },
	  .lines = { "announcing to 192.168.2.1:50000 every 3 s, no reply: is "
		     "WinDbg listening on that port?" } },
	{ .scenario = "watch/vm-watch-no-debugger.kdh", .compare = true,
	  .args = { "--iface", "tap100i0", "--mac", "BC:24:11:00:01:70", NULL },
	  .lines = { "nobody has 192.168.2.1 on this link: is WinDbg's host on "
		     "this network?" } },
};
#define N_CASES		(sizeof(cases) / sizeof(*cases))

static void need_vm_setup(void)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	gchar *qemu = g_find_program_in_path("qemu-system-x86_64");
	gchar *nsenter = g_find_program_in_path("nsenter");
	bool ok = !access(initrd, R_OK) && qemu && nsenter;

	g_free(initrd); g_free(qemu); g_free(nsenter);
	if (getenv("KDH_SANITIZED"))
		cr_skip_test("the VM part runs in the build without sanitizers only "
			     "(time budget); test_watch.c runs the rules here");
	if (!ns_topo_can_admin())
		cr_skip_test("the bridge backend needs root or CAP_NET_ADMIN");
	if (!ok)
		cr_skip_test("no agent image, QEMU or nsenter (scripts/bootstrap.sh)");
}

/* "vm-dhcp-off" of "vm/vm-dhcp-off.kdh" */
static char *name_of(const struct vmcase *c)
{
	char *base = g_path_get_basename(c->scenario);

	base[strlen(base) - 4] = '\0';
	return base;
}

/* The QEMU of a scenario: its command line names the scenario's results */
static pid_t qemu_of(const char *dir, const char *name)
{
	char *needle = g_strdup_printf("/%s/", name);
	const char *needles[] = { "qemu-system", dir, needle, NULL };
	pid_t found;

	test_procs_matching(needles, &found);
	g_free(needle);
	return found;
}

static pid_t spawn(const char *const *argv, const char *out, const char *err)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid) {
		if (!freopen("/dev/null", "r", stdin) || !freopen(out, "w", stdout) ||
		    !freopen(err, "w", stderr))
			_exit(127);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

/* kdh watch in the namespace of @qemu's scenario */
static void watch_start(struct vmcase *c, const char *dir, const char *bcd,
			pid_t qemu, size_t i)
{
	char ns[64];
	const char *argv[32] = { "nsenter" };
	size_t n = 1;

	snprintf(ns, sizeof(ns), "--net=/proc/%d/ns/net", qemu);
	c->out = g_strdup_printf("%s/watch-%zu.out", dir, i);
	c->err = g_strdup_printf("%s/watch-%zu.err", dir, i);
	c->pcap = g_strdup_printf("%s/watch-%zu.pcapng", dir, i);
	argv[n++] = ns;
	argv[n++] = "--";
	argv[n++] = getenv("KDH_BIN");
	argv[n++] = "watch";
	for (size_t j = 0; c->args[j]; j++)
		argv[n++] = c->args[j];
	argv[n++] = "--bcdedit";
	argv[n++] = bcd;
	argv[n++] = "--pcap";
	argv[n++] = c->pcap;
	argv[n++] = "--for";
	argv[n++] = "200s";		/* a bound; the taps going away end it */
	argv[n] = NULL;
	c->pid = spawn(argv, c->out, c->err);
}

static int exit_of(pid_t pid, bool hang)
{
	int status;

	if (waitpid(pid, &status, hang ? 0 : WNOHANG) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *text_of(const char *path)
{
	char *s = NULL;

	g_file_get_contents(path, &s, NULL, NULL);
	return s ? s : g_strdup("");
}

/* result.json of a scenario: its (only) VM's outcome, connect time and
 * its first timeline event's time (the VM's first frame, from power-on) */
static void result_of(const char *dir, const char *name, char **outcome,
		      double *connect_s, double *first_s)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *run;
	char *path = NULL;
	JsonParser *p = json_parser_new();
	JsonObject *t;
	JsonArray *tl;

	while (d && (run = g_dir_read_name(d)))
		if (g_str_has_prefix(run, "run-"))
			path = g_build_filename(dir, run, name, "result.json", NULL);
	g_dir_close(d);
	cr_assert(path && json_parser_load_from_file(p, path, NULL), "%s", path);
	t = json_array_get_object_element(json_object_get_array_member(
		json_node_get_object(json_parser_get_root(p)), "targets"), 0);
	*outcome = g_strdup(json_object_get_string_member(t, "outcome"));
	*connect_s = json_object_get_null_member(t, "connect_time_s") ? NAN :
		     json_object_get_double_member(t, "connect_time_s");
	tl = json_object_get_array_member(t, "timeline");
	*first_s = json_array_get_length(tl) ? json_object_get_double_member(
		json_array_get_object_element(tl, 0), "t") : NAN;
	g_object_unref(p);
	g_free(path);
}

static void check_case(const struct vmcase *c, const char *dir, int rc)
{
	char *name = name_of(c), *out = text_of(c->out), *outcome, *v, *a, *w;
	const char *key = c->args[4] && !strcmp(c->args[4], "--key") ? c->args[5] :
			  TW_KEY;
	char *aout, *aerr;
	const char *argv[] = { getenv("KDH_BIN"), "analyze", c->pcap, "--key", key,
			       NULL };
	double connect_s, first_s, watched, summary;
	const char *line;

	fprintf(stderr, "== kdh watch beside %s: exit %d\n%s", name, rc, out);
	result_of(dir, name, &outcome, &connect_s, &first_s);
	for (size_t i = 0; i < 3 && c->lines[i]; i++)
		cr_assert(strstr(out, c->lines[i]), "%s: no '%s'", name, c->lines[i]);
	cr_assert_eq(rc, c->compare && !strcmp(outcome, "connected") ? 0 : 1,
		     "%s: exit %d", name, rc);
	v = strstr(out, "\nverdict: ");
	cr_assert(v, "%s: no verdict", name);
	if (c->compare && strcmp(outcome, "no-kdnet-traffic"))
		cr_assert(g_str_has_prefix(v + 10, outcome), "%s: the run says %s",
			  name, outcome);
	else if (c->compare)		/* no debuggee record: "nothing seen" */
		cr_assert(g_str_has_prefix(v + 10, "no-kdnet-traffic") ||
			  g_str_has_prefix(v + 10, "nothing seen"), "%s: %s", name, v);
	if (!isnan(connect_s)) {
		line = strstr(out, "connected: ");
		cr_assert(line && sscanf(line, "connected: %lf", &watched) == 1, "%s",
			  name);
		cr_assert(strstr(line, "after the VM's first frame"), "%s", name);
		cr_assert(fabs(watched - (connect_s - first_s)) < CONNECT_TOLERANCE_S,
			  "%s: watch %.3f s from the first frame, run %.3f - %.3f s",
			  name, watched, connect_s, first_s);
		line = strstr(out, "\n  connect_time_s ");	/* the summary's */
		cr_assert(line && sscanf(line, "\n  connect_time_s %lf", &summary) == 1,
			  "%s", name);
		cr_assert(fabs(summary - watched) < 0.002, "%s: summary %.6f, live "
			  "%.3f", name, summary, watched);
	}
	cr_assert_eq(test_run(argv, &aout, &aerr) > 1, 0, "%s: %s", name, aerr);
	a = tw_nic_blocks(aout);
	w = tw_nic_blocks(out);
	cr_assert_str_eq(w, a, "%s: kdh analyze %s differs", name, c->pcap);
	g_free(a); g_free(w); g_free(aout); g_free(aerr); g_free(outcome); g_free(out);
	g_free(name);
}

Test(watch_vm, beside_kdh_run_on_bridges, .timeout = 560)
{
	char *dir, *bcd, *out, *err, *files[N_CASES];
	const char *argv[16] = { getenv("KDH_BIN"), "run" };
	size_t n = 2, started = 0;
	pid_t run;
	int rc[N_CASES], run_rc;

	need_vm_setup();
	dir = g_dir_make_tmp("kdh-watch-vm-XXXXXX", NULL);
	bcd = g_build_filename(dir, "dbg.txt", NULL);
	cr_assert(g_file_set_contents(bcd, "key " TW_KEY "\ndebugtype NET\nhostip "
				      "192.168.2.1\nport 50000\n", -1, NULL));
	for (size_t i = 0; i < N_CASES; i++) {
		files[i] = strncmp(cases[i].scenario, "vm/", 3) ?
			   test_data_path(cases[i].scenario) :
			   g_build_filename(getenv("KDH_SCENARIOS"), cases[i].scenario,
					    NULL);
		if (i == 0 || strcmp(cases[i].scenario, cases[i - 1].scenario))
			argv[n++] = files[i];
		cases[i].pid = 0;
	}
	argv[n++] = "--backend"; argv[n++] = "bridge"; argv[n++] = "-j";
	argv[n++] = "2"; argv[n++] = "--seed"; argv[n++] = "1";
	argv[n++] = "--results"; argv[n++] = dir; argv[n] = NULL;
	out = g_build_filename(dir, "run.out", NULL);
	err = g_build_filename(dir, "run.err", NULL);
	run = spawn(argv, out, err);
	for (run_rc = -1; run_rc < 0; ) {	/* start each watch with its QEMU */
		for (size_t i = 0; i < N_CASES; i++) {
			char *name;
			pid_t q;

			if (cases[i].pid)
				continue;
			name = name_of(&cases[i]);
			if ((q = qemu_of(dir, name)))
				watch_start(&cases[i], dir, bcd, q, i), started++;
			g_free(name);
		}
		run_rc = exit_of(run, false);
		usleep(20000);
	}
	{
		char *o = text_of(out), *e = text_of(err);

		fprintf(stderr, "%s%s", o, e);
		cr_assert_eq(run_rc, 0, "kdh run: %s%s", o, e);
		g_free(o); g_free(e);
	}
	cr_assert_eq(started, N_CASES, "a scenario's QEMU was not seen");
	for (size_t i = 0; i < N_CASES; i++)	/* their taps are gone: they end */
		rc[i] = exit_of(cases[i].pid, true);
	for (size_t i = 0; i < N_CASES; i++)
		check_case(&cases[i], dir, rc[i]);
	cr_assert_eq(test_procs_with(dir), 0, "processes left");
	test_rmtree(dir);
	for (size_t i = 0; i < N_CASES; i++) {
		g_free(files[i]); g_free(cases[i].out); g_free(cases[i].err);
		g_free(cases[i].pcap);
	}
	g_free(dir); g_free(bcd); g_free(out); g_free(err);
}
