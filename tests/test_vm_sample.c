// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vm_sample.c - kdh run --sample 2 of a tiny VM matrix (machine x
 * bios x net1 model, target = vm, expect = check): the two cells that
 * hold every value boot the agent in QEMU (TCG here), and each passes only
 * when what the guest enumerated and sent agrees with kdh check's
 * prediction (the debug NIC and its b.d.f).  vmxnet3 and virtio: the
 * agent image's drivers the VM sample added or fixed (virtio-net's
 * interface under DEV/virtio0/net).  Two boots side by side (-j 2;
 * one after the other took 46 s here).  Skips without QEMU, the agent image or
 * OVMF. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/platform/qemu_argv.h"

/* 2 x 2 x 2 = 8 cells; every value in 2 of them */
#define TINY \
	"[scenario]\nname = vs\ndescription = tiny VM sample\n" \
	"requires = qemu\ntimeout = 3m\n" \
	"[network wan]\ntype = static\nsubnet = 10.0.0.0/24\n" \
	"[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n" \
	"[debugger]\nnetwork = lan\n" \
	"[vm agent]\ntarget = vm\nostype: other\n" \
	"net0: e1000=BC:24:11:00:02:50,bridge=wan\n" \
	"net1: e1000=BC:24:11:00:02:51,bridge=lan\n" \
	"dbgsettings = net hostip:192.168.2.1 port:50000 " \
	"key:1x2y3z.4a5b6c.7d8e9f.0g1h2i\n" \
	"busparams = 0.19.0\ndhcp = no\nip = 192.168.2.72/24\n" \
	"[matrix]\nvm.machine = pc | q35\nvm.bios = seabios | ovmf\n" \
	"vm.net1.model = vmxnet3 | virtio\nvm.busparams = right\n" \
	"expect = check\n"

Test(vm_sample, two_cells_boot_and_agree_with_check, .timeout = 560)
{
	char *initrd = g_build_filename(getenv("KDH_AGENT_DIR"), "initrd.img",
					NULL);
	char *dir, *f, *res, *out, *err;
	gchar *qemu = g_find_program_in_path("qemu-system-x86_64");

	if (!qemu || access(initrd, R_OK))
		cr_skip_test("needs qemu-system-x86_64 and the agent image (%s)",
			     initrd);
	if (access(QEMU_OVMF_CODE, R_OK))
		cr_skip_test("needs %s (apt-get install ovmf)", QEMU_OVMF_CODE);
	dir = g_dir_make_tmp("kdh-vm-sample-XXXXXX", NULL);
	f = g_build_filename(dir, "vs.kdh", NULL);
	res = g_build_filename(dir, "results", NULL);
	cr_assert(g_file_set_contents(f, TINY, -1, NULL));
	const char *argv[] = { getenv("KDH_BIN"), "run", "--sample", "2",
		"--seed", "1", "-j", "2", "--results", res, f, NULL };
	int rc = test_run(argv, &out, &err);

	fprintf(stderr, "%s%s", out, err);
	cr_assert_eq(rc, 0, "%s%s", out, err);
	cr_assert(strstr(out, "2 scenarios: 2 passed"), "%s", out);
	cr_assert(strstr(err, "a sample of 2 of 8 cells (seed 1): all 7 values"),
		  "%s", err);
	cr_assert(strstr(out, "machine=pc,") && strstr(out, "machine=q35,") &&
		  strstr(out, "bios=seabios,") && strstr(out, "bios=ovmf,") &&
		  strstr(out, "model=vmxnet3,") && strstr(out, "model=virtio,"),
		  "the sample lacks a value: %s", out);
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(res); g_free(f); g_free(dir);
	g_free(initrd); g_free(qemu);
}
