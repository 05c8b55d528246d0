/* test_vm.c - the VM scenarios (scenarios/vm/) boot the agent image in
 * QEMU and pass, measured from the capture like the simulated ones.  The
 * sanitizer build has no agent image (kdh-agent is static, plain) and
 * skips. */
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
		"--results", dir, NULL };
	rc = test_run(argv, &out, &err);
	fprintf(stderr, "%s", out);
	cr_assert_eq(rc, 0, "%s%s", out, err);
	cr_assert(strstr(out, "5 scenarios: 5 passed"), "%s", out);
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(dir); g_free(vmdir); g_free(initrd);
}
