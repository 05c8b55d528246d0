// SPDX-License-Identifier: GPL-2.0-or-later
/* test_voice.c - kdh speaks with one voice: built-in scenarios by name,
 * a scenario that checks nothing says so, every help has its exit status,
 * counts agree with their nouns, a missing /etc/pve is said in one line */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/report/report.h"
#include "kdh/run/run.h"

static int kdh6(char **out, char **err, const char *a1, const char *a2,
		const char *a3, const char *a4, const char *a5, const char *a6)
{
	const char *argv[] = { getenv("KDH_BIN"), a1, a2, a3, a4, a5, a6, NULL };

	cr_assert(argv[0], "KDH_BIN is not set (run under meson test)");
	return test_run(argv, out, err);
}

static int kdh(char **out, char **err, const char *a1, const char *a2,
	       const char *a3, const char *a4, const char *a5)
{
	return kdh6(out, err, a1, a2, a3, a4, a5, NULL);
}

/* kdh list prints "seed-dhcp-hang": kdh run and kdh list --show take it */
Test(voice, builtin_scenario_by_the_name_list_prints)
{
	char *out, *err, *want, *path;

	cr_assert_eq(kdh(&out, &err, "list", NULL, NULL, NULL, NULL), 0, "%s", err);
	cr_assert(g_str_has_prefix(out, "busparams-absent "), "%s", out);
	g_free(out);
	g_free(err);
	cr_assert_eq(kdh(&out, &err, "run", "--validate", "seed-dhcp-hang", NULL,
			 NULL), 0, "%s", err);
	cr_assert_str_eq(out, "kdh run: 1 scenario is valid\n");
	g_free(out);
	g_free(err);
	cr_assert_eq(kdh(&out, &err, "list", "seed-dhcp-hang.kdh", NULL, NULL,
			 NULL), 0, "%s", err);
	cr_assert(g_str_has_prefix(out, "seed-dhcp-hang "), "%s", out);
	g_free(out);
	g_free(err);

	/* --show: the text as shipped, a template kdh run takes */
	path = g_build_filename(getenv("KDH_SCENARIOS"), "seed-dhcp-hang.kdh", NULL);
	cr_assert(g_file_get_contents(path, &want, NULL, NULL), "%s", path);
	cr_assert_eq(kdh(&out, &err, "list", "--show", "seed-dhcp-hang", NULL,
			 NULL), 0, "%s", err);
	cr_assert_str_eq(out, want);
	g_free(out);
	g_free(err);
	g_free(want);
	g_free(path);

	cr_assert_eq(kdh(&out, &err, "list", "--show", "no-such", NULL, NULL), 2);
	cr_assert_str_eq(err, "kdh list: --show: no built-in scenario 'no-such' "
			 "(kdh list names them)\n");
	g_free(out);
	g_free(err);
	cr_assert_eq(kdh(&out, &err, "run", "--validate", "no-such", NULL, NULL), 2);
	cr_assert(strstr(err, "(nor a built-in scenario: kdh list names them)"),
		  "%s", err);
	g_free(out);
	g_free(err);
}

/* A PASS without [expect] checked nothing: its console line says so */
Test(voice, scenario_without_expect_says_it_checks_nothing)
{
	char *dir = g_dir_make_tmp("kdh-voice-XXXXXX", NULL);
	char *file = g_build_filename(dir, "bare.kdh", NULL), *out, *err;

	cr_assert(g_file_set_contents(file, "[network lan]\ntype = static\n"
				      "[vm w]\nnet0: e1000=BC:24:11:00:00:01,"
				      "bridge=lan\n", -1, NULL));
	cr_assert_eq(kdh6(&out, &err, "run", file, "--results", dir, "--seed",
			  "1"), 0, "%s", err);
	cr_assert(strstr(out, "(no [expect]: checks nothing)\n"), "%s", out);
	g_free(out);
	g_free(err);
	cr_assert_eq(kdh6(&out, &err, "run", file, "--results", dir, "--tap",
			  NULL), 0, "%s", err);
	cr_assert(strstr(out, "\nok 1 - bare\n# bare: no [expect]: checks "
			 "nothing\n"), "%s", out);
	g_free(out);
	g_free(err);
	test_rmtree(dir);
	g_free(file);
	g_free(dir);
}

/* Every command's help has an "Exit status:" section (kdh(1) and the
 * man pages take theirs from it) */
Test(voice, every_help_says_its_exit_status)
{
	char *out, *err, **cmds;
	unsigned n = 0;

	cr_assert_eq(kdh(&out, &err, "--complete", NULL, NULL, NULL, NULL), 0);
	cmds = g_strsplit(g_strstrip(out), "\n", -1);
	for (char **c = cmds; *c; c++) {
		char *h, *e;

		if (!strcmp(*c, "help"))
			continue;
		cr_assert_eq(kdh(&h, &e, "help", *c, NULL, NULL, NULL), 0, "%s", *c);
		cr_assert(strstr(h, "\nExit status: "), "kdh help %s: no Exit "
			  "status section", *c);
		g_free(h);
		g_free(e);
		n++;
	}
	cr_assert_geq(n, 12);
	g_strfreev(cmds);
	g_free(out);
	g_free(err);
}

/* "(1 DISCOVER)", "(2 DISCOVERs)" */
Test(voice, one_discover_is_singular)
{
	struct scenario_result *r = g_new0(struct scenario_result, 1);
	struct an_vm_result *m = &r->vms[0].m;
	char *fig;

	r->n_vms = 1;
	r->vms[0].measured = true;
	snprintf(r->vms[0].name, sizeof(r->vms[0].name), "w");
	m->outcome = AN_NO_KDNET_TRAFFIC;
	m->connect_s = m->first_kdnet_s = m->dhcp_phase_s = m->logo_hang_s = NAN;
	m->serial_connect_s = m->prev_boot_s = m->kd.stalled_s = NAN;
	m->discover_count = 1;
	fig = report_figures(r);
	cr_assert(strstr(fig, "(1 DISCOVER)"), "%s", fig);
	g_free(fig);
	m->discover_count = 2;
	fig = report_figures(r);
	cr_assert(strstr(fig, "(2 DISCOVERs)"), "%s", fig);
	g_free(fig);
	g_free(r);
}

/* kdh check 105 on a machine that is not a Proxmox VE host: one line */
Test(voice, check_vmid_without_etc_pve_says_so)
{
	char *out, *err;

	if (g_file_test("/etc/pve", G_FILE_TEST_IS_DIR))
		cr_skip_test("this machine has /etc/pve");
	cr_assert_eq(kdh(&out, &err, "check", "105", NULL, NULL, NULL), 2);
	cr_assert_str_eq(err, "kdh check: /etc/pve/qemu-server/105.conf: no "
			 "/etc/pve here: this is not a Proxmox VE host; give the VM "
			 "config's file (copied from the host) or --config-dir DIR\n");
	g_free(out);
	g_free(err);
}

/* One NIC is "its NIC", not "any of its 1 NICs" */
Test(voice, one_nic_is_its_nic)
{
	char *dir = g_dir_make_tmp("kdh-voice-XXXXXX", NULL), *out, *err, *js;
	char *path;

	cr_assert(dir);
	cr_assert_eq(kdh6(&out, &err, "run", "ostype-win10", "--results", dir,
			  "--seed", "1"), 0, "%s%s", out, err);
	g_free(out); g_free(err);
	path = g_strdup_printf("%s/run-*/ostype-win10/result.json", dir);
	{
		const char *argv[] = { "sh", "-c", "cat $0", path, NULL };

		cr_assert_eq(test_run(argv, &js, &err), 0, "%s", err);
	}
	cr_assert(strstr(js, "no KDNET packet from its NIC"), "%s", js);
	cr_assert_null(strstr(js, "any of its 1 NICs"));
	g_free(js); g_free(err); g_free(path);
	test_rmtree(dir);
	g_free(dir);
}
