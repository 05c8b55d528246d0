// SPDX-License-Identifier: GPL-2.0-or-later
/* test_bridge.c - the bridge backend (root only): the VM scenarios pass on
 * Linux bridges with dnsmasq and a libpcap capture, and whatever happens
 * to kdh (normal end, SIGINT, SIGTERM, SIGKILL at random moments of a
 * run) no interface, namespace, QEMU or dnsmasq is left behind on the
 * host.  Like selftests' lib.sh: snapshot, run, compare. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/topo.h"

static void need_bridge_setup(void)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	gchar *dnsmasq = g_find_program_in_path("dnsmasq");
	bool ok = !access(initrd, R_OK);

	g_free(initrd);
	g_free(dnsmasq);
	if (!ns_topo_can_admin())
		cr_skip_test("the bridge backend needs root or CAP_NET_ADMIN");
	if (!ok || !dnsmasq)
		cr_skip_test("no agent image or no dnsmasq (scripts/bootstrap.sh)");
}

/* What the host shows: its links (no counters), named namespaces, and
 * kdh's socket directories in /tmp (used only for very long results paths) */
static char *host_state(void)
{
	const char *argv[] = { "sh", "-c", "ip -o link show | sed 's/ qlen.*//'; "
			       "ip netns list; ls -d /tmp/kdh-vm-* 2>/dev/null || true",
			       NULL };
	char *out, *err;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	g_free(err);
	return out;
}

Test(bridge, vm_scenarios_pass_on_bridges, .timeout = 400)
{
	char *dir, *vmdir, *out, *err, *before, *after;
	int rc;

	need_bridge_setup();
	before = host_state();
	dir = g_dir_make_tmp("kdh-bridge-run-XXXXXX", NULL);
	vmdir = g_build_filename(getenv("KDH_SCENARIOS"), "vm", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", vmdir, "--backend",
		"bridge", "--seed", "1", "-j", "2", "--results", dir, NULL };
	rc = test_run(argv, &out, &err);
	fprintf(stderr, "%s", out);
	cr_assert_eq(rc, 0, "%s%s", out, err);
	test_vm_suite_passed(out);
	after = host_state();
	cr_assert_str_eq(after, before, "the host's links changed");
	cr_assert_eq(test_procs_with(dir), 0);
	{	/* dnsmasq's lease file is in the results, with the agent's MAC */
		GDir *d = g_dir_open(dir, 0, NULL);
		const char *run = d ? g_dir_read_name(d) : NULL;
		char *leases = g_build_filename(dir, run ? run : "?",
			"vm-dhcp-network", "dnsmasq-nat.leases", NULL), *text;

		cr_assert(g_file_get_contents(leases, &text, NULL, NULL), "%s", leases);
		cr_assert(strstr(text, "bc:24:11:00:01:10 192.168.122.15"), "%s", text);
		g_free(text); g_free(leases);
		g_dir_close(d);
	}
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(dir); g_free(vmdir);
	g_free(before); g_free(after);
}

static pid_t kdh_start(const char *dir)
{
	char *sc = g_build_filename(getenv("KDH_SCENARIOS"), "vm",
				    "vm-dhcp-network.kdh", NULL);
	pid_t pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(getenv("KDH_BIN"), "kdh", "run", sc, "--backend", "bridge",
		      "--seed", "1", "--results", dir, (char *)NULL);
		_exit(127);
	}
	g_free(sc);
	return pid;
}

/* Kill kdh at points of a bridge run chosen by a fixed seed: while the
 * namespace and bridges are made, while QEMU boots, while dnsmasq leases,
 * once connected; then nothing of it may remain */
Test(bridge, nothing_left_when_kdh_is_killed, .timeout = 300)
{
	/* five moments (each signal at least once): each costs a bridge
	 * topology and up to 18 s of a boot, and the suite has 20 minutes */
	static const int sigs[] = { SIGKILL, SIGTERM, SIGINT, SIGKILL, SIGKILL };
	GRand *rng = g_rand_new_with_seed(20261125);
	char *before;

	need_bridge_setup();
	before = host_state();
	for (size_t k = 0; k < sizeof(sigs) / sizeof(*sigs); k++) {
		char *dir = g_dir_make_tmp("kdh-bridge-kill-XXXXXX", NULL), *after;
		double at = g_rand_double_range(rng, 0.02, 18.0);
		struct timespec ts = { (time_t)at, (long)((at - (long)at) * 1e9) };
		pid_t pid = kdh_start(dir);
		unsigned left = 1;
		int status;

		nanosleep(&ts, NULL);
		kill(pid, sigs[k]);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		for (int i = 0; i < 100 && (left = test_procs_with(dir)); i++)
			usleep(50000);	/* SIGKILL by parent death is async */
		cr_assert_eq(left, 0, "signal %d at %.2f s: %u processes left",
			     sigs[k], at, left);
		after = host_state();
		cr_assert_str_eq(after, before, "signal %d at %.2f s: the host's "
				 "links or namespaces changed", sigs[k], at);
		fprintf(stderr, "bridge: signal %2d at %5.2f s: nothing left\n",
			sigs[k], at);
		test_rmtree(dir);
		g_free(after);
		g_free(dir);
	}
	g_free(before);
	g_rand_free(rng);
}

/* Without CAP_NET_ADMIN: a clear message and exit 2, nothing attempted */
Test(bridge, needs_net_admin)
{
	const char *argv[] = { "setpriv", "--reuid=65534", "--regid=65534",
		"--clear-groups", "--inh-caps=-all", getenv("KDH_BIN"), "run",
		"--backend", "bridge", "--validate", NULL };
	char *out, *err;

	if (geteuid() != 0)
		cr_skip_test("needs root to drop to another user");
	cr_assert_eq(test_run(argv, &out, &err), 2, "%s%s", out, err);
	cr_assert(strstr(err, "--backend bridge needs root or CAP_NET_ADMIN"),
		  "%s", err);
	g_free(out); g_free(err);
}
