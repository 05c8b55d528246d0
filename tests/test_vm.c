// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vm.c - the VM scenarios (scenarios/vm/) boot the agent image in
 * QEMU and pass, measured from the capture like the simulated ones (KD
 * over the agent's serial0 socket included); a VM whose KVM probe fails
 * boots once under TCG and says why; the progress line ticks through a
 * VM scenario run in-process.  The sanitizer build has no agent image
 * (kdh-agent is static, plain) and skips. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

Test(vm, scenarios_pass_on_real_qemu, .timeout = 560)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	char *dir, *vmdir;
	char *out, *err;
	int rc;

	if (access(initrd, R_OK))
		cr_skip_test("no agent image at %s (scripts/build-agent-image.sh)",
			     initrd);
	dir = g_dir_make_tmp("kdh-vm-run-XXXXXX", NULL);
	vmdir = g_build_filename(getenv("KDH_SCENARIOS"), "vm", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", vmdir, "--seed", "1",
		"-j", "2", "--results", dir, NULL };
	rc = test_run(argv, &out, &err);
	fprintf(stderr, "%s", out);
	cr_assert_eq(rc, 0, "%s%s", out, err);
	test_vm_suite_passed(out);
	cr_assert(strstr(out, "SKIP  vm-ostype-win10") || strstr(out, "PASS  vm-ostype-win10"),
		  "%s", out);
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(dir); g_free(vmdir); g_free(initrd);
}

/* A user's disk image: everything up to the image itself.  An empty disk
 * boots nowhere, but QEMU runs it with the Proxmox argv on the scenario's
 * network, and the capture names the VM. */
Test(vm, user_image_runs_passively, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-vm-image-XXXXXX", NULL);
	char *disk = g_build_filename(dir, "win.raw", NULL);
	char *sc = g_build_filename(dir, "image.kdh", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	char *text = g_strdup_printf(
		"[scenario]\nrequires = qemu\ntimeout = 12s\n"
		"[network lan]\ntype = static\n"
		"[vm win]\ntarget = vm\nimage = %s\n"
		"net0: e1000=BC:24:11:00:02:01,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"[expect]\noutcome = no-kdnet-traffic\n", disk);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", res,
		"--json", NULL, NULL };
	char *json = g_build_filename(dir, "s.json", NULL), *out, *err, *j;

	argv[6] = json;
	cr_assert(g_file_set_contents(disk, "", 0, NULL));
	cr_assert_eq(truncate(disk, 1 << 20), 0);
	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  image"), "%s", out);
	cr_assert(g_file_get_contents(json, &j, NULL, NULL));
	cr_assert(strstr(j, "\"target\" : \"vm\""), "%s", j);
	g_free(j); g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(json); g_free(res); g_free(sc); g_free(disk); g_free(text); g_free(dir);
}

/* -j 1 on a terminal: the scenario runs in kdh's own process, and its
 * real-clock loop ticks the progress line with its name and elapsed time
 * (an empty disk: QEMU runs, boots nothing, costs little) */
Test(vm, progress_ticks_during_one_scenario, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-vm-tick-XXXXXX", NULL);
	char *disk = g_build_filename(dir, "empty.raw", NULL);
	char *sc = g_build_filename(dir, "slow-one.kdh", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	char *text = g_strdup_printf(
		"[scenario]\nrequires = qemu\ntimeout = 4s\n"
		"[network lan]\ntype = static\n"
		"[vm win]\ntarget = vm\nimage = %s\n"
		"net0: e1000=BC:24:11:00:02:02,bridge=lan\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"[expect]\noutcome = no-kdnet-traffic\n", disk);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "-j", "1",
		"--results", res, NULL };
	GRegex *re = g_regex_new("running slow-one \\(([1-9][0-9]*) s\\)", 0, 0,
				 NULL);
	char *tty;

	cr_assert(g_file_set_contents(disk, "", 0, NULL));
	cr_assert_eq(truncate(disk, 1 << 20), 0);
	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run_pty(argv, NULL, &tty), 0, "%s", tty);
	cr_assert(g_regex_match(re, tty, 0, NULL), "no tick with a second or "
		  "more: %s", tty);
	g_regex_unref(re);
	g_free(tty);
	test_rmtree(dir);
	g_free(res); g_free(sc); g_free(disk); g_free(text); g_free(dir);
}

/* KVM forced unusable (the probe's device half pointed at a path that
 * does not exist): the VM boots once, under TCG, and result.json,
 * summary.json and vm.log say why; no QEMU was started under KVM */
Test(vm, unusable_kvm_means_one_tcg_boot_with_the_reason, .timeout = 200)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img", NULL);
	char *dir, *sc, *json, *vmlog, *j, *log, *out, *err;
	gchar **runs;
	int rc;

	if (access(initrd, R_OK))
		cr_skip_test("no agent image at %s (scripts/build-agent-image.sh)",
			     initrd);
	dir = g_dir_make_tmp("kdh-vm-accel-XXXXXX", NULL);
	sc = g_build_filename(getenv("KDH_SCENARIOS"), "vm", "vm-dhcp-off.kdh", NULL);
	json = g_build_filename(dir, "s.json", NULL);
	const char *argv[] = { "/usr/bin/env", "KDH_TEST_KVM_DEV=/nonexistent/kvm",
		getenv("KDH_BIN"), "run", sc, "--results", dir, "--json", json, NULL };
	rc = test_run(argv, &out, &err);
	cr_assert_eq(rc, 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  vm-dhcp-off"), "%s", out);
	cr_assert(g_file_get_contents(json, &j, NULL, NULL));
	cr_assert(strstr(j, "\"accel\" : \"tcg\""), "%s", j);
	cr_assert(strstr(j, "\"accel_reason\" : \"probe: /nonexistent/kvm does "
			 "not open: No such file or directory\""), "%s", j);
	cr_assert(strstr(j, "\"kvm\" : \"/nonexistent/kvm does not open"), "%s", j);
	cr_assert(strstr(j, "\"boots\" : 1,"), "one boot, not a KVM try first: %s", j);
	runs = g_strsplit(out, "results in ", 2);
	cr_assert(runs[1]);
	runs[1][strcspn(runs[1], "\n")] = '\0';
	vmlog = g_build_filename(runs[1], "vm-dhcp-off", "vm.log", NULL);
	cr_assert(g_file_get_contents(vmlog, &log, NULL, NULL), "%s", vmlog);
	cr_assert(strstr(log, "agent: accelerator TCG: probe: /nonexistent/kvm "
			 "does not open"), "%s", log);
	cr_assert(strstr(log, "agent: starting QEMU under TCG"), "%s", log);
	cr_assert_null(strstr(log, "under KVM"), "%s", log);
	g_free(log); g_free(vmlog); g_strfreev(runs);
	g_free(j); g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(json); g_free(sc); g_free(dir); g_free(initrd);
}
