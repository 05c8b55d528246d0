// SPDX-License-Identifier: GPL-2.0-or-later
/* test_scenario.c - scenario files: the built-in suite parses with the
 * documented defaults; every file of tests/bad-scenarios/ fails with
 * exactly the message its first line states; expectations */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/report/baseline.h"
#include "kdh/run/run.h"
#include "kdh/scenario/scenario.h"
#include "kdh/util/textfile.h"

Test(scenario, builtin_suite_parses)
{
	struct scenario sc;
	char err[512], file[128];

	cr_assert_geq(n_builtin_scenarios, 13);
	for (size_t i = 0; i < n_builtin_scenarios; i++) {
		/* as kdh names them: a .vmx they read is built in too */
		snprintf(file, sizeof(file), "built-in:%s", builtin_scenarios[i].name);
		cr_assert_eq(scenario_parse(file, builtin_scenarios[i].text, &sc,
					    err, sizeof(err)), 0, "%s", err);
		cr_assert(sc_in_group(&sc, "seed"), "%s is in the seed group", sc.name);
		cr_assert_gt(sc.n_expects, 0, "%s states its expectations", sc.name);
	}
}

static void builtin(const char *name, struct scenario *sc)
{
	char err[512], file[128];

	for (size_t i = 0; i < n_builtin_scenarios; i++)
		if (!strcmp(builtin_scenarios[i].name, name)) {
			snprintf(file, sizeof(file), "built-in:%s", name);
			cr_assert_eq(scenario_parse(file, builtin_scenarios[i].text,
						    sc, err, sizeof(err)), 0, "%s", err);
			return;
		}
	cr_assert_fail("no built-in %s", name);
}

Test(scenario, values_and_defaults)
{
	struct scenario sc;
	const struct sc_vm *vm;
	uint8_t key[32];

	builtin("seed-dhcp-hang.kdh", &sc);
	cr_assert_str_eq(sc.name, "seed-dhcp-hang");
	cr_assert_eq(sc.timeout_ns, 720 * NS_PER_S);
	cr_assert_eq(sc.n_nets, 1);
	cr_assert_not(sc.nets[0].dhcp);
	vm = &sc.vms[0];
	cr_assert_str_eq(vm->ostype, "other");
	cr_assert_str_eq(vm->nets[0].model, "e1000");
	cr_assert_str_eq(vm->nets[0].bridge, "lan");
	cr_assert(vm->tc.dhcp, "dhcp defaults to yes");
	cr_assert_eq(vm->tc.host_ip, 0xc0a80201);
	cr_assert_eq(vm->tc.port, 50000);
	cr_assert_eq(vm->tc.timing.dhcp_give_up_ns, 600 * NS_PER_S);
	kdnet_key_parse("1x2y3z.4a5b6c.7d8e9f.0g1h2i", key, NULL, 0);
	cr_assert_arr_eq(vm->tc.key, key, 32);
	/* the debugger defaults to the first VM's hostip, port, key, network */
	cr_assert_str_eq(sc.dbg.network, "lan");
	cr_assert_eq(sc.dbg.ip, 0xc0a80201);
	cr_assert_eq(sc.dbg.port, 50000);
	cr_assert_arr_eq(sc.dbg.key, key, 32);
	cr_assert_not(sc.dbg.apipa_route);

	builtin("busparams-right.kdh", &sc);
	cr_assert(sc.vms[0].tc.has_busparams);
	cr_assert_eq(sc.vms[0].tc.busparams.dev, 19);
	cr_assert_eq(sc.vms[0].tc.ip, 0xc0a80248);
	cr_assert_eq(sc.vms[0].tc.netmask, 0xffffff00);
	builtin("hv-sticky.kdh", &sc);
	cr_assert_eq(sc.vms[0].reboot_ns, 60 * NS_PER_S);
	cr_assert_str_eq(sc.vms[0].reboot_ostype, "win10");
}

/* tests/bad-scenarios/X.kdh: line 1 is "# error: MESSAGE" where MESSAGE is
 * "LINE: text" or, for whole-file errors, just "text" */
Test(scenario, bad_corpus_gives_exact_messages)
{
	char *dir = test_data_path("../bad-scenarios");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	cr_assert(d, "%s", dir);
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL), *raw, *text, *want;
		char err[512], expected[400];
		struct scenario sc;
		gsize len;

		/* read as kdh reads a file: text_decode() first (NUL, UTF-8) */
		cr_assert(g_file_get_contents(path, &raw, &len, NULL));
		cr_assert_eq(sscanf(raw, "# error: %399[^\r\n]", expected), 1, "%s", name);
		want = g_ascii_isdigit(expected[0]) ?
		       g_strdup_printf("%s:%s", name, expected) :
		       g_strdup_printf("%s: %s", name, expected);
		text = text_decode(name, raw, len, err, sizeof(err));
		g_free(raw);
		cr_assert(!text || scenario_parse(name, text, &sc, err, sizeof(err)),
			  "%s parsed", name);
		cr_assert_str_eq(err, want, "%s", name);
		n++;
		g_free(want);
		g_free(text);
		g_free(path);
	}
	cr_assert_geq(n, 100, "at least 100 bad scenarios");
	g_dir_close(d);
	g_free(dir);
}

static const char one_vm[] =
	"[network lan]\ntype = static\n[vm w]\n"
	"net0: e1000=BC:24:11:00:00:01,bridge=lan\n";

/* The KD keys: what the guest's kernel reports, how the debugger answers */
Test(scenario, kd_keys_and_their_defaults)
{
	static const char text[] =
		"[network lan]\ntype = static\n"
		"[debugger]\nkd = ack-only\non_break = hold\n"
		"[vm w]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n"
		"drivers = ACPI.sys,  pci.sys disk.sys\n"
		"dbgprint = 5s Hello from kdh\n"
		"dbgprint = 1m30s second line\n"
		"break = 10s\nassert = 11s\nkdfiles = yes\n"
		"bugcheck = 30s 0xD1 0xfffff80312345678 2 0x0 FFFFF8031234ABCD\n"
		"timing.driver_load = 500us\n"
		"[vm v]\nnet0: e1000=BC:24:11:00:00:02,bridge=lan\n"
		"drivers = 50\n";
	const struct target_kd_script *k;
	struct scenario sc;
	char err[256], name[32];

	cr_assert_eq(scenario_parse("t.kdh", text, &sc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.dbg.kd_mode, KD_MODE_ACK_ONLY);
	cr_assert_eq(sc.dbg.on_break, KD_BREAK_HOLD);
	k = &sc.vms[0].tc.kd;
	cr_assert_eq(k->n_drivers, 3);
	cr_assert_str_eq(k->drivers, "ACPI.sys,pci.sys,disk.sys");
	cr_assert_eq(target_driver_name(k, 2, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "disk.sys");
	cr_assert_eq(k->n_dbgprint, 2);
	cr_assert_eq(k->dbgprint[1].at_ns, 90 * NS_PER_S);
	cr_assert_str_eq(k->dbgprint[0].text, "Hello from kdh");
	cr_assert(k->has_break && k->has_assert && k->has_bugcheck && k->kdfiles);
	cr_assert_eq(k->assert_ns, 11 * NS_PER_S);
	cr_assert_eq(k->bugcheck_code, 0xd1);
	cr_assert_eq(k->bugcheck_param[1], 2);
	cr_assert_eq(k->bugcheck_param[3], 0xfffff8031234abcdull);
	cr_assert_eq(sc.vms[0].tc.timing.driver_load_ns, 500000);
	k = &sc.vms[1].tc.kd;
	cr_assert_eq(k->n_drivers, 50);
	cr_assert_eq(target_driver_name(k, 49, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "drv050.sys");
	cr_assert_not(k->has_break || k->has_bugcheck || k->kdfiles);

	cr_assert_eq(scenario_parse("t.kdh", one_vm, &sc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.dbg.kd_mode, KD_MODE_CONTINUE, "the engine by default");
	cr_assert_eq(sc.dbg.on_break, KD_BREAK_CONTINUE);
	k = &sc.vms[0].tc.kd;
	cr_assert_eq(k->n_drivers, 8, "eight boot drivers by default");
	cr_assert_eq(target_driver_name(k, 7, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "kdnic.sys");
	cr_assert_neq(target_driver_name(k, 8, name, sizeof(name)), 0);
	cr_assert_eq(sc.vms[0].tc.timing.driver_load_ns, 2 * NS_PER_MS);
}

static void expect(const char *line, struct sc_expect *e)
{
	struct scenario sc;
	char err[256];

	cr_assert_eq(scenario_parse("t.kdh", one_vm, &sc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc_expect_parse(&sc, line, e, err, sizeof(err)), 0,
		     "%s: %s", line, err);
}

Test(scenario, expectations_hold_or_say_why)
{
	struct sc_expect e;
	struct sc_value v = { .present = true, .num = 600.5 };
	char why[256];

	expect("dhcp_phase within 9m..11m", &e);
	cr_assert_eq(e.op, OP_WITHIN);
	cr_assert_float_eq(e.num, 540, 1e-9);
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	v.num = 30;
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "dhcp_phase within 9m..11m, got 30.000s");

	expect("connect_time = none", &e);
	cr_assert(e.none);
	v.present = false;
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	expect("connect_time < 30s", &e);
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "connect_time < 30s, got none");

	expect("outcome = connected", &e);
	v = (struct sc_value){ .present = true };
	strcpy(v.str, "key-mismatch");
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "outcome = connected, got key-mismatch");
	expect("discover_count >= 10", &e);
	v = (struct sc_value){ .present = true, .num = 13 };
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	expect("w.debug_nic != net0", &e);
	v = (struct sc_value){ .present = false };
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)), "no NIC is not net0");
}

/* What the guest said: counts, a stop code written three ways, and
 * DbgPrint lines matched by a pattern */
Test(scenario, kd_expectations_parse_and_hold)
{
	struct sc_expect e;
	struct sc_value v = { .present = true, .num = 52 };
	char why[300];

	expect("modules_loaded >= 50", &e);
	cr_assert_eq(e.metric, M_MODULES_LOADED);
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	expect("breaks = 0", &e);
	v.num = 1;
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "breaks = 0, got 1");
	expect("exceptions = none", &e);
	cr_assert(e.none);
	v.present = false;
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)), "no KD: no figure");
	expect("dbgprint_lines > 2", &e);
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "dbgprint_lines > 2, got none");

	for (const char *const *c = (const char *const[]){ "bugcheck = 0xD1",
	     "bugcheck = 0xd1", "bugcheck = 0x000000d1", NULL }; *c; c++) {
		expect(*c, &e);
		cr_assert_str_eq(e.str, "0x000000D1", "%s", *c);
		v = (struct sc_value){ .present = true };
		strcpy(v.str, "0x000000D1");
		cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)), "%s", *c);
	}
	expect("bugcheck = none", &e);
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "bugcheck = none, got 0x000000D1");
	expect("bugcheck != none", &e);
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	expect("bugcheck != 0x1E", &e);
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	v.present = false;
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)), "none is not 0x1E");
	expect("bugcheck = 0xD1", &e);
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "bugcheck = 0xD1, got none");
}

Test(scenario, dbgprint_matches_or_says_why)
{
	struct sc_expect e;
	struct sc_value v = { .present = true, .num = 0, .lines = 3 };
	char why[300];

	expect("dbgprint ~ /ready/", &e);
	cr_assert_eq(e.op, OP_MATCH);
	cr_assert_str_eq(e.re, "ready", "the slashes only delimit");
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "dbgprint ~ /ready/, got no DbgPrint line "
			 "matching (3 lines)");
	v.num = 1;
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)));
	v.present = false;
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "dbgprint ~ /ready/, got no KD conversation");

	expect("dbgprint!~ASSERT .* failed", &e);
	cr_assert_eq(e.op, OP_NOMATCH);
	cr_assert_str_eq(e.re, "ASSERT .* failed");
	cr_assert(sc_expect_eval(&e, &v, why, sizeof(why)), "nothing printed");
	v = (struct sc_value){ .present = true, .num = 2, .lines = 40 };
	strcpy(v.str, "ASSERT x failed");
	cr_assert_not(sc_expect_eval(&e, &v, why, sizeof(why)));
	cr_assert_str_eq(why, "dbgprint!~ASSERT .* failed, got 2 DbgPrint lines "
			 "matching (of 40), the first \"ASSERT x failed\"");
}

/* A pattern that does not compile is a file:line error, before anything
 * runs (GLib words the reason, so only the start is compared) */
Test(scenario, dbgprint_bad_regex_is_a_parse_error)
{
	struct scenario sc;
	char err[512], *text = g_strdup_printf("%s[expect]\ndbgprint ~ (ready\n",
					       one_vm);

	cr_assert_neq(scenario_parse("t.kdh", text, &sc, err, sizeof(err)), 0);
	cr_assert(g_str_has_prefix(err, "t.kdh:6: dbgprint: '(ready' is not a "
		  "regular expression"), "%s", err);
	cr_assert_eq(strstr(err, "(ready"), g_strrstr(err, "(ready"), "said once: %s",
		     err);
	g_free(text);
}

/* How a VM's measured KD figures become the values expectations see */
Test(scenario, kd_figures_as_expectation_values)
{
	struct an_vm_result m = { .outcome = AN_BUGCHECK };
	struct sc_value v;

	run_metric_value(&m, M_MODULES_LOADED, &v);
	cr_assert_not(v.present, "no KD conversation: no count, not 0");
	run_metric_value(&m, M_BUGCHECK, &v);
	cr_assert_not(v.present);
	m.kd.seen = true;
	m.kd.modules_loaded = 52;
	m.kd.bugcheck_seen = true;
	m.kd.bugcheck.code = 0xd1;
	run_metric_value(&m, M_MODULES_LOADED, &v);
	cr_assert(v.present);
	cr_assert_float_eq(v.num, 52, 1e-9);
	run_metric_value(&m, M_BREAKS, &v);
	cr_assert(v.present && v.num == 0, "seen: 0 breaks is a figure");
	run_metric_value(&m, M_BUGCHECK, &v);
	cr_assert_str_eq(v.str, "0x000000D1");
	run_metric_value(&m, M_OUTCOME, &v);
	cr_assert_str_eq(v.str, "bugcheck");
}

Test(scenario, cli_validate_reports_and_exits_2)
{
	char *bad = test_data_path("../bad-scenarios/bad-mac.kdh");
	const char *argv[] = { getenv("KDH_BIN"), "run", "--validate", bad, NULL };
	const char *ok_argv[] = { getenv("KDH_BIN"), "run", "--validate", NULL };
	char *out, *err;

	cr_assert_eq(test_run(argv, &out, &err), 2);
	cr_assert(strstr(err, "bad-mac.kdh:6: net0: 'BC:24:11:00:01' is not a MAC "
		  "address"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(ok_argv, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "scenarios are valid"));
	g_free(out); g_free(err);
	g_free(bad);
}

Test(scenario, thresholds_parse_and_allow)
{
	struct sc_threshold t;
	char err[256];

	cr_assert_eq(sc_threshold_parse("connect_time", "+20% or +2s", &t, err,
					sizeof(err)), 0, "%s", err);
	cr_assert(t.up && !t.down);
	cr_assert(threshold_allows(&t, 4.0, 5.9), "+2s beats +20% of 4 s");
	cr_assert_not(threshold_allows(&t, 4.0, 6.1));
	cr_assert(threshold_allows(&t, 100.0, 119.0), "+20% beats +2s at 100 s");
	cr_assert(threshold_allows(&t, 4.0, 0.5), "faster is never a regression");
	cr_assert_eq(sc_threshold_parse("dhcp_phase", "±10%", &t, err, sizeof(err)), 0);
	cr_assert(threshold_allows(&t, 600, 650));
	cr_assert_not(threshold_allows(&t, 600, 530), "both ways");
	cr_assert_eq(sc_threshold_parse("discover_count", "+-2", &t, err, sizeof(err)), 0);
	cr_assert_not(threshold_allows(&t, 13, 16));
	cr_assert_neq(sc_threshold_parse("outcome", "+1", &t, err, sizeof(err)), 0);
	cr_assert_neq(sc_threshold_parse("connect_time", "20%", &t, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "connect_time: '20%' is not like '+20% or +2s' or '±10%'");
}

Test(scenario, thresholds_section)
{
	struct scenario sc;
	char err[256];
	const char *text = "[network lan]\ntype = static\n[vm w]\n"
		"net0: e1000=BC:24:11:00:00:01,bridge=lan\n"
		"[thresholds]\nconnect_time = +50% or +1s\ndhcp_phase = ±5%\n";

	cr_assert_eq(scenario_parse("t.kdh", text, &sc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.n_thresholds, 2);
	cr_assert_eq(sc.thresholds[0].metric, M_CONNECT_TIME);
	cr_assert_float_eq(sc.thresholds[0].up_pct, 50, 1e-9);
	cr_assert_float_eq(sc.thresholds[1].down_pct, 5, 1e-9);
}

/* A user pastes their whole <vmid>.conf into [vm]: every qemu-server key
 * is accepted, those KDNET depends on reach the VM's config */
Test(scenario, vm_section_takes_a_real_proxmox_config)
{
	struct scenario sc;
	char err[512];
	const char *text =
		"[network lan]\ntype = static\n\n[vm win11]\n"
		"agent: 1\nbios: ovmf\nboot: order=scsi0;ide2;net0\ncores: 4\n"
		"cpu: x86-64-v2-AES\nefidisk0: local-lvm:vm-105-disk-0,efitype=4m,"
		"size=4M\nide2: local:iso/Win11.iso,media=cdrom\n"
		"machine: pc-q35-8.1\nmemory: 8192\nname: win11\n"
		"net0: e1000=BC:24:11:5A:0C:01,bridge=lan,firewall=1\nnuma: 0\n"
		"ostype: win11\nscsi0: local-lvm:vm-105-disk-1,iothread=1,size=64G\n"
		"scsihw: virtio-scsi-single\nsmbios1: uuid=0b0d\nsockets: 1\n"
		"tpmstate0: local-lvm:vm-105-disk-2,size=4M,version=v2.0\n"
		"vmgenid: 3b8e\nargs: -global kvm-pit.lost_tick_policy=discard\n"
		"reboot: 1\n"
		"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
		"[expect]\noutcome = connected\n";

	cr_assert_eq(scenario_parse("win11.kdh", text, &sc, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(sc.vms[0].conf.machine, "pc-q35-8.1");
	cr_assert_str_eq(sc.vms[0].conf.bios, "ovmf");
	cr_assert_str_eq(sc.vms[0].conf.cpu, "x86-64-v2-AES");
	cr_assert_str_eq(sc.vms[0].ostype, "win11");
	cr_assert_eq(sc.vms[0].memory, 8192);
	cr_assert_eq(sc.vms[0].cores, 4);
	cr_assert_eq(sc.vms[0].n_nets, 1);
	cr_assert(sc.vms[0].conf.has_net[0]);
	cr_assert_eq(sc.vms[0].reboot_ns, 0, "reboot: 1 is Proxmox's flag");
	cr_assert_gt(sc.vms[0].conf.n_notes, 5, "ignored keys are noted");
}

/* The complete example of docs/scenarios.md is what a new user copies
 * first: it must parse and pass as written (comments after values
 * included) */
Test(scenario, docs_example_runs)
{
	char *doc = test_data_path("../../docs/scenarios.md"), *text, *start, *end;
	char *file = test_tmpfile(".kdh"), *dir = g_dir_make_tmp("kdh-example-XXXXXX", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "--results", dir, file, NULL };
	char *out, *err;

	cr_assert(g_file_get_contents(doc, &text, NULL, NULL), "%s", doc);
	start = strstr(text, "A complete example:\n\n```ini\n");
	cr_assert_not_null(start, "%s has its complete example", doc);
	start += strlen("A complete example:\n\n```ini\n");
	end = strstr(start, "```");
	cr_assert(g_file_set_contents(file, start, end - start, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS"), "%s", out);
	g_free(out); g_free(err); g_free(text); g_free(doc);
	test_rmtree(dir);
	unlink(file);
	g_free(file);
	g_free(dir);
}

/* link_down=1 pulls the NIC's plug in the run as kdh check says it does:
 * no frame passes it, so the debugger never hears the debuggee (before,
 * the run connected while check said BLOCK) */
Test(scenario, link_down_nic_passes_nothing)
{
	static const char text[] =
		"[scenario]\ntimeout = 30s\n\n[network lan]\ntype = static\n\n"
		"[debugger]\nnetwork = lan\n\n[vm win]\n"
		"net0: e1000=BC:24:11:00:00:01,bridge=lan,link_down=1\n"
		"dhcp = no\nip = 192.168.2.72/24\n"
		"[expect]\noutcome = no-kdnet-traffic\n";
	char *file = test_tmpfile(".kdh"), *dir = g_dir_make_tmp("kdh-link-XXXXXX", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", "--results", dir, file, NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(file, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	unlink(file);
	g_free(file);
	g_free(dir);
}
