// SPDX-License-Identifier: GPL-2.0-or-later
/* test_accel.c - the accelerator probe without booting anything: a KVM
 * device that does not exist, KDH_ACCEL and kvm: 0 deciding without a
 * probe, a QEMU that refuses, one that quits, one that never answers
 * (killed, nothing left behind), and one probe per VM shape per cache.
 * Fake QEMUs are shell scripts; the real one is asked only for a CPU
 * model that cannot exist. */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/run/accel.h"

/* A fake QEMU: answers --version and -machine help like 7.2, and runs
 * @body for anything else (the probe) */
static char *fake_qemu(const char *dir, const char *body)
{
	char *path = g_build_filename(dir, "qemu-fake", NULL);
	char *text = g_strdup_printf(
		"#!/bin/sh\n"
		"case \"$1\" in\n"
		"--version) echo 'QEMU emulator version 7.2.0'; exit 0;;\n"
		"-machine) echo 'Supported machines are:'; echo 'pc  Standard PC';"
		" echo 'pc-i440fx-7.2  Standard PC (i440FX + PIIX, 1996)'; exit 0;;\n"
		"esac\n%s\n", body);

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	cr_assert_eq(chmod(path, 0755), 0);
	g_free(text);
	return path;
}

static void vm_other(struct vmconf *vc)
{
	vmconf_init(vc, "100.conf");
	snprintf(vc->name, sizeof(vc->name), "probe");
}

Test(accel, modes_parse_and_nothing_else)
{
	enum accel_mode m;

	cr_assert_eq(accel_mode_parse(NULL, &m), 0);
	cr_assert_eq(m, ACCEL_AUTO);
	cr_assert_eq(accel_mode_parse("", &m), 0);
	cr_assert_eq(m, ACCEL_AUTO);
	cr_assert_eq(accel_mode_parse("kvm", &m), 0);
	cr_assert_eq(m, ACCEL_KVM);
	cr_assert_eq(accel_mode_parse("tcg", &m), 0);
	cr_assert_eq(m, ACCEL_TCG);
	cr_assert_eq(accel_mode_parse("KVM", &m), -EINVAL);
	cr_assert_eq(accel_mode_parse("tcg ", &m), -EINVAL);
}

/* The env override of the device (what kdh run's tests use) */
Test(accel, missing_kvm_device_means_tcg_with_the_path)
{
	struct accel_cache *c = accel_cache_new(ACCEL_AUTO);
	struct accel_choice ch;
	struct vmconf vc;
	char why[200];

	accel_cache_set_paths(c, "/nonexistent/kvm", NULL);
	vm_other(&vc);
	cr_assert_not(accel_device_probed(c, why, sizeof(why)));
	accel_choose(c, &vc, &ch);
	cr_assert_not(ch.kvm);
	cr_assert_not(ch.forced);
	cr_assert(strstr(ch.why, "/nonexistent/kvm does not open"), "%s", ch.why);
	cr_assert_str_empty(ch.cmd, "no QEMU is run after the device half fails");
	cr_assert(accel_device_probed(c, why, sizeof(why)));
	cr_assert(strstr(why, "No such file"), "%s", why);
	accel_cache_free(c);
}

Test(accel, kdh_accel_and_kvm_0_decide_without_a_probe)
{
	struct accel_cache *tcg = accel_cache_new(ACCEL_TCG);
	struct accel_cache *kvm = accel_cache_new(ACCEL_KVM);
	struct accel_cache *aut = accel_cache_new(ACCEL_AUTO);
	struct accel_choice ch;
	struct vmconf vc;
	char why[200];

	vm_other(&vc);
	accel_choose(tcg, &vc, &ch);
	cr_assert(!ch.kvm && ch.forced && strstr(ch.why, "KDH_ACCEL=tcg"), "%s", ch.why);
	accel_choose(kvm, &vc, &ch);
	cr_assert(ch.kvm && ch.forced && strstr(ch.why, "no fallback"), "%s", ch.why);
	vc.kvm = false;
	accel_choose(kvm, &vc, &ch);	/* the config wins over KDH_ACCEL=kvm */
	cr_assert(!ch.kvm && strstr(ch.why, "kvm: 0"), "%s", ch.why);
	accel_choose(aut, &vc, &ch);
	cr_assert(!ch.kvm && strstr(ch.why, "kvm: 0"), "%s", ch.why);
	cr_assert_not(accel_device_probed(aut, why, sizeof(why)));
	accel_cache_free(tcg);
	accel_cache_free(kvm);
	accel_cache_free(aut);
}

Test(accel, qemu_probe_reports_refusal_quit_and_missing_binary)
{
	char *dir = g_dir_make_tmp("kdh-accel-XXXXXX", NULL), why[200];
	char *refuses = fake_qemu(dir, "echo \"$0: warning: no pni\" >&2\n"
				  "echo \"$0: Host doesn't support requested "
				  "features\" >&2\nexit 1");
	char *quits = g_build_filename(dir, "quits", NULL);
	const char *a1[] = { refuses, "-accel", "kvm", NULL };
	const char *a3[] = { "/nonexistent/qemu", NULL };
	unsigned ms;

	/* status 0 only once QMP's quit arrived on stdin */
	cr_assert(g_file_set_contents(quits, "#!/bin/sh\n"
				      "grep -q '\"quit\"' && exit 0\nexit 3\n", -1,
				      NULL));
	cr_assert_eq(chmod(quits, 0755), 0);
	const char *a2[] = { quits, NULL };

	cr_assert_eq(accel_qemu_probe(a1, 2000, why, sizeof(why), &ms), 1);
	cr_assert_str_eq(why, "warning: no pni; Host doesn't support requested "
			 "features");
	cr_assert_eq(accel_qemu_probe(a2, 2000, why, sizeof(why), &ms), 0, "%s", why);
	cr_assert_eq(accel_qemu_probe(a3, 2000, why, sizeof(why), &ms), -ENOENT);
	cr_assert(strstr(why, "/nonexistent/qemu"), "%s", why);
	test_rmtree(dir);
	g_free(refuses); g_free(quits); g_free(dir);
}

/* A QEMU that never answers is killed at the timeout with its whole
 * process group, and reaped: nothing is left running */
Test(accel, qemu_that_hangs_is_killed_with_its_group, .timeout = 120)
{
	char *dir = g_dir_make_tmp("kdh-accel-hang-XXXXXX", NULL), why[200];
	char *sleeper = g_build_filename(dir, "sleeper", NULL), *bin;
	char *started = g_build_filename(dir, "started", NULL);
	/* both sleeps name @dir in their command line: test_procs_with();
	 * "started" once the first is forked, so the group has a child */
	char *hangs = fake_qemu(dir, "\"${0%/*}/sleeper\" 300 & "
				": > \"${0%/*}/started\"; \"${0%/*}/sleeper\" 300");
	const char *a[] = { hangs, "-S", NULL };
	unsigned ms, left = 0;
	gsize len;

	cr_assert(g_file_get_contents("/bin/sleep", &bin, &len, NULL));
	cr_assert(g_file_set_contents(sleeper, bin, (gssize)len, NULL));
	cr_assert_eq(chmod(sleeper, 0755), 0);
	g_free(bin);

	/* The fake never answers, so any timeout ends it; a generous one
	 * lets a loaded machine fork its children first, as a real hung
	 * QEMU has its threads and helpers */
	cr_assert_eq(accel_qemu_probe(a, 3000, why, sizeof(why), &ms), 1);
	cr_assert(strstr(why, "no answer within 3000 ms (killed)"), "%s", why);
	cr_assert(g_file_test(started, G_FILE_TEST_EXISTS), "the fake had not "
		  "forked its child: the group kill went untested");
	/* SIGKILL is sent; a loaded kernel may take a moment to end the
	 * orphaned child, which init then reaps: wait for its death, not a
	 * number of milliseconds (100 s only so that a survivor fails here,
	 * with its message, before the test's timeout) */
	for (unsigned i = 0; i < 5000 && (left = test_procs_with(dir)); i++)
		g_usleep(20 * 1000);
	cr_assert_eq(left, 0, "a probe process outlived it");
	test_rmtree(dir);
	g_free(hangs); g_free(sleeper); g_free(started); g_free(dir);
}

/* The same machine and CPU are probed once per cache; the cached answer
 * says so.  Needs a KVM device that works (the device half comes first) */
Test(accel, one_probe_per_vm_shape)
{
	struct accel_cache *c = accel_cache_new(ACCEL_AUTO);
	char *dir, *count, *body, *fake, *text = NULL, why[200];
	struct accel_choice a, b, d;
	struct vmconf vc;
	unsigned lines = 0;

	if (!accel_kvm_device(c, why, sizeof(why))) {	/* before any debris */
		accel_cache_free(c);
		cr_skip_test("KVM device unusable here: %s", why);
	}
	dir = g_dir_make_tmp("kdh-accel-cache-XXXXXX", NULL);
	count = g_build_filename(dir, "probes", NULL);
	body = g_strdup_printf("echo \"$*\" >> %s\necho \"$0: nope\" >&2\n"
			       "exit 1", count);
	fake = fake_qemu(dir, body);
	accel_cache_set_paths(c, NULL, fake);
	vm_other(&vc);
	accel_choose(c, &vc, &a);
	accel_choose(c, &vc, &b);
	vc.cores = 2;			/* another -smp: another shape */
	accel_choose(c, &vc, &d);
	cr_assert(!a.kvm && !a.cached && strstr(a.why, "nope"), "%s", a.why);
	cr_assert(strstr(a.why, "CPU kvm64"), "%s", a.why);
	cr_assert(!b.kvm && b.cached && !strcmp(a.why, b.why), "%s", b.why);
	cr_assert(!d.cached);
	cr_assert(g_file_get_contents(count, &text, NULL, NULL));
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 2, "two shapes, two probes: %s", text);
	cr_assert(strstr(text, "-accel kvm") && strstr(text, "-qmp stdio") &&
		  strstr(text, "-S"), "%s", text);
	g_free(text);
	accel_cache_free(c);
	test_rmtree(dir);
	g_free(body); g_free(fake); g_free(count); g_free(dir);
}

/* The real QEMU refuses a CPU model that does not exist, at once and in
 * its own words, whatever KVM can do here */
Test(accel, real_qemu_refuses_a_cpu_model_that_cannot_exist)
{
	gchar *qemu = g_find_program_in_path("qemu-system-x86_64");
	char why[200];
	unsigned ms;

	if (!qemu)
		cr_skip_test("no qemu-system-x86_64");
	const char *a[] = { qemu, "-accel", "kvm", "-machine", "pc", "-cpu",
		"kdh-no-such-model,enforce", "-nodefaults", "-display", "none",
		"-S", "-qmp", "stdio", NULL };

	cr_assert_eq(accel_qemu_probe(a, ACCEL_PROBE_TIMEOUT_MS, why, sizeof(why),
				      &ms), 1, "%s", why);
	cr_assert(strstr(why, "kdh-no-such-model") || strstr(why, "kvm"), "%s", why);
	g_free(qemu);
}
