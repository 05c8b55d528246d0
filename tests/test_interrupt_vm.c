// SPDX-License-Identifier: GPL-2.0-or-later
/* test_interrupt_vm.c - `kdh run scenarios/vm` (QEMU under TCG) stopped
 * by SIGTERM part way keeps its results, and leaves no QEMU or dnsmasq;
 * a few boots, so meson runs it alone.  Without the agent image it skips.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "interrupt_helpers.h"

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
	out = ti_slurp(log);
	fprintf(stderr, "%s", out);
	cr_assert_eq(rc, 130, "%s", out);
	for (int i = 0; i < 100 && (left = test_procs_with(res)); i++)
		ti_nap();
	cr_assert_eq(left, 0, "%u QEMU or dnsmasq processes of the run left", left);
	ti_check_run(res, "SIGTERM", 13, out);	/* scenarios/vm holds 13 */
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
	cr_assert_gt(test_procs_with(res), 0, "a QEMU of the run is up");
	kill(pid, SIGTERM);
	ti_nap();
	kill(pid, SIGTERM);
	status = ti_reap_status(pid, -1, NULL);
	cr_assert((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) ||
		  (WIFEXITED(status) && WEXITSTATUS(status) == 130),
		  "status %#x", status);
	fprintf(stderr, "second SIGTERM: %s\n", WIFSIGNALED(status) ?
		"kdh died of it" : "kdh had finished (130)");
	for (int i = 0; i < 250 && (left = test_procs_with(res)); i++)
		ti_nap();
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
