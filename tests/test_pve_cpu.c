// SPDX-License-Identifier: GPL-2.0-or-later
/* test_pve_cpu.c - qemu-server's -cpu rules (tests/cfg2cmd/NAME.conf with
 * the expected value in NAME.cpu, written from CPUConfig.pm's rules), the
 * cpu: and cpu-models.conf checks and their messages, the Hyper-V sets by
 * machine version, and what CPUID 0x40000000 shows for a -cpu value
 *
 * A NAME.conf may start with "#kdh-" lines: qemu: X.Y (the QEMU version),
 * machine: X.Y[+pveN] (the machine version; default the latest), vendor:
 * (the host's CPU), models: FILE (instead of cpu-models.conf), tcg.
 * NAME.cpu holds the -cpu value, or "error: MESSAGE".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"

struct case_env {
	struct pve_cpu_env env;
	struct pve_machine m;
	bool has_machine, tcg;
	char vendor[16], models[64];
};

static const char *cases_dir(void)
{
	const char *d = getenv("KDH_CFG2CMD");

	cr_assert(d, "KDH_CFG2CMD is not set (run under meson test)");
	return d;
}

static void case_env_read(const char *text, struct case_env *ce)
{
	gchar **lines = g_strsplit(text, "\n", -1);

	memset(ce, 0, sizeof(*ce));
	snprintf(ce->models, sizeof(ce->models), "cpu-models.conf");
	for (gchar **l = lines; *l; l++) {
		if (!strncmp(*l, "#kdh-qemu: ", 11))
			cr_assert_eq(pve_version_parse(*l + 11, &ce->env.qemu), 0);
		else if (!strncmp(*l, "#kdh-machine: ", 14))
			ce->has_machine = !pve_version_parse(*l + 14, &ce->m.version);
		else if (!strncmp(*l, "#kdh-vendor: ", 13))
			snprintf(ce->vendor, sizeof(ce->vendor), "%s", *l + 13);
		else if (!strncmp(*l, "#kdh-models: ", 13))
			snprintf(ce->models, sizeof(ce->models), "%s", *l + 13);
		else if (!strcmp(*l, "#kdh-tcg"))
			ce->tcg = true;
	}
	g_strfreev(lines);
	ce->env.host_vendor = ce->vendor[0] ? ce->vendor : NULL;
}

/* the -cpu value for one case, or "error: ..." */
static char *run_case(const char *dir, const char *name)
{
	gchar *conf = g_strdup_printf("%s/%s.conf", dir, name), *text, *mpath, *r;
	static struct pve_cpu_models models;
	struct case_env ce;
	struct vmconf c;
	char err[600];
	int rc;

	cr_assert(g_file_get_contents(conf, &text, NULL, NULL), "%s", conf);
	case_env_read(text, &ce);
	if (vmconf_parse(conf, text, &c, err, sizeof(err))) {
		/* the config reader refuses a bad cpu: line already */
		char *msg = strstr(err, ": cpu: ");

		cr_assert_not_null(msg, "%s", err);
		r = g_strdup_printf("error: %s", msg + 2);
		g_free(conf);
		g_free(text);
		return r;
	}
	mpath = g_strdup_printf("%s/%s", dir, ce.models);
	rc = pve_cpu_models_load(mpath, &models, err, sizeof(err));
	if (rc) {
		r = g_strdup_printf("error: %s", strstr(err, ce.models));
	} else {
		ce.env.models = &models;
		r = pve_cpu_build(&c, ce.has_machine ? &ce.m : NULL, c.kvm && !ce.tcg,
				  &ce.env, err, sizeof(err));
		if (r) {
			char *final = pve_cpu_final(&c, r);

			g_free(r);
			r = final;
		} else {
			r = g_strdup_printf("error: %s", err);
		}
	}
	g_free(mpath);
	g_free(text);
	g_free(conf);
	return r;
}

Test(pve_cpu, cfg2cmd_cases)
{
	const char *dir = cases_dir();
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *f;
	unsigned n = 0;

	cr_assert(d, "%s", dir);
	while ((f = g_dir_read_name(d))) {
		gchar *name, *want_path, *want, *got;

		if (!g_str_has_suffix(f, ".conf") || !strcmp(f, "cpu-models.conf"))
			continue;
		name = g_strndup(f, strlen(f) - 5);
		want_path = g_strdup_printf("%s/%s.cpu", dir, name);
		cr_assert(g_file_get_contents(want_path, &want, NULL, NULL), "%s",
			  want_path);
		g_strstrip(want);
		got = run_case(dir, name);
		cr_expect_str_eq(got, want, "%s:\n  got  %s\n  want %s", name, got, want);
		n++;
		g_free(got);
		g_free(want);
		g_free(want_path);
		g_free(name);
	}
	g_dir_close(d);
	cr_assert_geq(n, 40, "only %u cases", n);
}

static void parse_fails(const char *value, const char *want)
{
	struct pve_cpu cpu;
	char err[600];

	cr_assert_eq(pve_cpu_parse(value, &cpu, err, sizeof(err)), -EINVAL, "%s",
		     value);
	cr_expect_str_eq(err, want, "%s", value);
}

Test(pve_cpu, parse_takes_every_property)
{
	struct pve_cpu cpu;
	char err[600];

	cr_assert_eq(pve_cpu_parse("cputype=host,flags=+aes;-pcid,hidden=yes,"
				   "hv-vendor-id=AB12,level=30,phys-bits=host,"
				   "guest-phys-bits=39", &cpu, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(cpu.cputype, "host");
	cr_assert_str_eq(cpu.flags, "+aes;-pcid");
	cr_assert_eq(cpu.hidden, 1);
	cr_assert_str_eq(cpu.hv_vendor_id, "AB12");
	cr_assert_eq(cpu.level, 30);
	cr_assert_str_eq(cpu.phys_bits, "host");
	cr_assert_eq(cpu.guest_phys_bits, 39);
	cr_assert_eq(pve_cpu_parse("custom-anything", &cpu, err, sizeof(err)), 0,
		     "custom models are looked up when building");
	cr_assert_eq(pve_cpu_parse("x86-64-v2-AES", &cpu, err, sizeof(err)), 0);
	cr_assert_eq(pve_cpu_parse("level=4294967295,kvm64", &cpu, err,
				   sizeof(err)), 0, "%s", err);
}

Test(pve_cpu, parse_refuses_with_the_reason)
{
	parse_fails("", "cpu: CPU is missing cputype");
	parse_fails("flags=+aes", "cpu: CPU is missing cputype");
	parse_fails("cputype=,level=1", "cpu: CPU is missing cputype");
	parse_fails("host,kvm64", "cpu: cputype: given twice");
	parse_fails("Skylake", "cpu: Built-in cputype 'Skylake' is not defined "
		    "(missing 'custom-' prefix?)");
	parse_fails("host,flags=+aes;", "cpu: flags: '' is not +FLAG or -FLAG");
	parse_fails("host,flags=+vmx", "cpu: flags: '+vmx': VM-specific CPU flags "
		    "must be a subset of: aes, amd-no-ssb, amd-ssbd, hv-evmcs, "
		    "hv-tlbflush, ibpb, md-clear, nested-virt, pcid, pdpe1gb, "
		    "spec-ctrl, ssbd, virt-ssbd");
	parse_fails("host,level=4294967296", "cpu: level: '4294967296' is not an "
		    "integer from 0 to 4294967295");
	parse_fails("host,phys-bits=65", "cpu: phys-bits: '65': value must be an "
		    "integer between 8 and 64 or 'host'");
	parse_fails("host,guest-phys-bits=host", "cpu: guest-phys-bits: 'host' is "
		    "not an integer from 32 to 64");
	parse_fails("host,hv-vendor-id=a-b", "cpu: hv-vendor-id: 'a-b' (3 "
		    "characters) is not 1 to 12 letters or digits");
	parse_fails("host,reported-model=kvm64", "cpu: Property 'reported-model' "
		    "not allowed in VM-specific CPU config.");
}

Test(pve_cpu, a_too_long_model_is_refused_not_cut)
{
	char value[200];

	memset(value, 'A', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	parse_fails(value, "cpu: cputype: the value is 199 characters, at most 63");
}

Test(pve_cpu, models_parse)
{
	static struct pve_cpu_models ms;
	const struct pve_cpu *m;
	char err[600];

	cr_assert_eq(pve_cpu_models_parse("m.conf", "# comment\n\ncpu-model: a1\n"
					  "\treported-model EPYC\n\thidden 0\n\n"
					  "cpu-model: b-2\n  level 4\n", &ms, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(ms.n, 2);
	m = pve_cpu_models_find(&ms, "custom-a1");
	cr_assert(m);
	cr_expect_str_eq(m->reported_model, "EPYC");
	cr_expect_eq(m->hidden, 0);
	cr_expect_eq(pve_cpu_models_find(&ms, "b-2")->level, 4);
	cr_expect_null(pve_cpu_models_find(&ms, "c"));
	cr_assert_eq(pve_cpu_models_parse("m.conf", "cpu-model: a\n  reported-model "
					  "x86-64-v2\n", &ms, err, sizeof(err)),
		     -EINVAL);
	cr_expect_str_eq(err, "m.conf:1: cpu-model: 'a' is not a name (a letter, "
			 "then letters, digits, - or _)");
	cr_assert_eq(pve_cpu_models_parse("m.conf", "cpu-model: ab\n  reported-model "
					  "x86-64-v2\n", &ms, err, sizeof(err)),
		     -EINVAL);
	cr_expect_str_eq(err, "m.conf:2: cpu-model ab: reported-model: 'x86-64-v2' "
			 "is not a QEMU CPU model qemu-server knows");
	cr_assert_eq(pve_cpu_models_parse("m.conf", "model: ab\n", &ms, err,
					  sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "m.conf:1: 'model: ab' is not 'cpu-model: NAME'");
	cr_assert_eq(pve_cpu_models_parse("m.conf", "cpu-model: ab\n  cputype kvm64\n",
					  &ms, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "m.conf:2: cputype: set by the section header "
			 "(custom-ab)");
}

/* win11 kvm64 on an Intel host: the hv set of each machine version */
static void hv_at(const char *version, const char *want)
{
	struct pve_machine m = { 0 };
	struct vmconf c;
	char err[600], *cpu;

	cr_assert_eq(vmconf_parse("t.conf", "ostype: win11\n", &c, err,
				  sizeof(err)), 0);
	cr_assert_eq(pve_version_parse(version, &m.version), 0, "%s", version);
	cpu = pve_cpu_build(&c, &m, true, NULL, err, sizeof(err));
	cr_assert(cpu, "%s", err);
	cr_expect_str_eq(cpu, want, "machine %s", version);
	g_free(cpu);
}

Test(pve_cpu, hyperv_set_by_machine_version)
{
	hv_at("2.2", "kvm64,enforce,hv_relaxed,hv_spinlocks=0xffff,+lahf_lm,+sep");
	hv_at("2.3", "kvm64,enforce,hv_relaxed,hv_spinlocks=0x1fff,hv_time,"
	      "hv_vapic,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	hv_at("2.6", "kvm64,enforce,hv_relaxed,hv_reset,hv_runtime,"
	      "hv_spinlocks=0x1fff,hv_time,hv_vapic,hv_vpindex,+kvm_pv_eoi,"
	      "+kvm_pv_unhalt,+lahf_lm,+sep");
	hv_at("2.12", "kvm64,enforce,hv_relaxed,hv_reset,hv_runtime,"
	      "hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,hv_vpindex,"
	      "+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	hv_at("3.1", "kvm64,enforce,hv_ipi,hv_relaxed,hv_reset,hv_runtime,"
	      "hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,hv_vpindex,"
	      "+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	hv_at("11.0+pve1", "kvm64,enforce,hv_ipi,hv_relaxed,hv_reset,hv_runtime,"
	      "hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,hv_vpindex,"
	      "+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	hv_at("11.0+pve2", "kvm64,enforce,hv_evmcs,hv_ipi,hv_relaxed,hv_reset,"
	      "hv_runtime,hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,"
	      "hv_vpindex,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
}

Test(pve_cpu, latest_machine_is_capped_by_the_qemu_version)
{
	struct pve_cpu_env env = { .qemu = { 10, 0, 0 } };
	struct vmconf c;
	char err[600], *cpu;

	cr_assert_eq(vmconf_parse("t.conf", "ostype: win11\ncpu: host\n", &c, err,
				  sizeof(err)), 0);
	cpu = pve_cpu_build(&c, NULL, true, &env, err, sizeof(err));
	cr_assert(cpu, "%s", err);
	cr_expect(!strstr(cpu, "hv_evmcs") && !strstr(cpu, "cet-"), "%s", cpu);
	g_free(cpu);
}

Test(pve_cpu, string_wrapper_never_fails)
{
	struct vmconf c;
	char err[600], *cpu;

	cr_assert_eq(vmconf_parse("t.conf", "cpu: custom-x\n", &c, err,
				  sizeof(err)), 0);
	cpu = pve_cpu_string(&c, NULL, true);
	cr_expect_str_eq(cpu, "invalid-cpu-config");
	g_free(cpu);
	cr_assert_null(pve_cpu_build(&c, NULL, true, NULL, err, sizeof(err)));
	cr_expect_str_eq(err, "cpu: Custom cputype 'x' not found (no "
			 "cpu-models.conf given)");
}

Test(pve_cpu, args_cpu_is_the_one_qemu_takes)
{
	struct vmconf c;
	char err[600], *cpu;

	cr_assert_eq(vmconf_parse("t.conf", "args: -smp 2 -cpu host,+vmx --cpu "
				  "'qemu64,kvm=off'\n", &c, err, sizeof(err)), 0);
	cpu = pve_cpu_final(&c, "kvm64");
	cr_expect_str_eq(cpu, "qemu64,kvm=off");
	g_free(cpu);
	cr_assert_eq(vmconf_parse("t.conf", "args: -smp 2\n", &c, err,
				  sizeof(err)), 0);
	cpu = pve_cpu_final(&c, "kvm64");
	cr_expect_str_eq(cpu, "kvm64");
	g_free(cpu);
}

Test(pve_cpu, hv_enlightened_both_spellings_and_off)
{
	cr_expect(qemu_cpu_hv_enlightened("kvm64,hv_relaxed"));
	cr_expect(qemu_cpu_hv_enlightened("kvm64,hv-relaxed=on"));
	cr_expect(qemu_cpu_hv_enlightened("host,+hv-vpindex"));
	cr_expect(qemu_cpu_hv_enlightened("host,hv-passthrough"));
	cr_expect(qemu_cpu_hv_enlightened("host,hv_spinlocks=0x1fff"));
	cr_expect(!qemu_cpu_hv_enlightened("host,hv-spinlocks=0xffffffff"));
	cr_expect(!qemu_cpu_hv_enlightened("kvm64,enforce,+kvm_pv_eoi"));
	cr_expect(!qemu_cpu_hv_enlightened("kvm64,hv_relaxed,hv-relaxed=off"));
	cr_expect(!qemu_cpu_hv_enlightened("kvm64,hv_time,-hv_time"));
	cr_expect(!qemu_cpu_hv_enlightened("kvm64,-hv-time,hv_time=on"),
		  "-feat wins over feat=on");
	cr_expect(!qemu_cpu_hv_enlightened("kvm64,hv-vendor-id=abc"),
		  "a vendor id alone is no enlightenment");
	cr_expect(qemu_cpu_hv_syndbg("host,hv_relaxed,hv-syndbg"));
	cr_expect(qemu_cpu_hv_syndbg("host,hv_syndbg=on"));
	cr_expect(!qemu_cpu_hv_syndbg("host,hv-syndbg,-hv-syndbg"));
	cr_expect(!qemu_cpu_hv_syndbg("host,hv_relaxed"));
}

static void vendor_is(const char *cpu, bool kvm, int rc, const char *want)
{
	char v[13];

	cr_expect_eq(qemu_cpu_hv_vendor(cpu, kvm, v), rc, "%s", cpu);
	cr_expect_str_eq(v, want, "%s", cpu);
}

Test(pve_cpu, hv_vendor_at_cpuid_40000000)
{
	vendor_is("kvm64,hv_relaxed,hv_time", true, 1, "Microsoft Hv");
	vendor_is("kvm64,hv_relaxed,hv_vendor_id=proxmox", true, 1, "proxmox");
	vendor_is("kvm64,hv-relaxed,hv-vendor-id=KVMKVMKVM,kvm=off", true, 1,
		  "KVMKVMKVM");
	vendor_is("kvm64,hv_relaxed,hv-vendor-id=ABCDEFGHIJKLMN", true, -E2BIG,
		  "ABCDEFGHIJKL");
	vendor_is("kvm64,enforce,+kvm_pv_eoi", true, 1, "KVMKVMKVM");
	vendor_is("kvm64,hv_vendor_id=proxmox", true, 1, "KVMKVMKVM");
	vendor_is("kvm64,kvm=off", true, 0, "");
	vendor_is("host,-kvm", true, 0, "");
	vendor_is("kvm64,hv_relaxed,kvm=off", true, 1, "Microsoft Hv");
	vendor_is("qemu64,hv_relaxed", false, 1, "TCGTCGTCGTCG");
	vendor_is("qemu64,tcg-cpuid=off", false, 0, "");
}

Test(pve_cpu, qemu_cmd_options)
{
	char *conf = test_tmpfile(".conf"), *models = test_tmpfile(".models");
	char *out, *err;
	const char *bin = getenv("KDH_BIN");
	const char *ok[] = { bin, "qemu-cmd", "--lines", "--qemu-version", "11.0",
			     "--cpu-models", models, "--host-cpu-vendor",
			     "AuthenticAMD", conf, NULL };
	const char *badv[] = { bin, "qemu-cmd", "--qemu-version", "eleven", conf,
			       NULL };
	const char *nomodels[] = { bin, "qemu-cmd", conf, "--cpu-models",
				   "/nonexistent/cpu-models.conf", NULL };

	cr_assert(g_file_set_contents(conf, "ostype: win11\ncpu: custom-m1\n", -1,
				      NULL));
	cr_assert(g_file_set_contents(models, "cpu-model: m1\n    reported-model "
				      "EPYC\n    flags +nested-virt\n", -1, NULL));
	cr_assert_eq(test_run(ok, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "\n-cpu\nEPYC,-cet-ibt,-cet-ss,enforce,hv_ipi,"),
		  "%s", out);
	cr_expect(strstr(out, "+svm,vendor=AuthenticAMD\n"), "%s", out);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(badv, &out, &err), 2);
	cr_expect(strstr(err, "--qemu-version: 'eleven' is not X.Y[.Z]"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(nomodels, &out, &err), 2);
	cr_expect(strstr(err, "/nonexistent/cpu-models.conf"), "%s", err);
	g_free(out); g_free(err);
	cr_assert(g_file_set_contents(conf, "cpu: host,flags=+avx\n", -1, NULL));
	cr_assert_eq(test_run(ok, &out, &err), 2, "a bad cpu: is an error");
	cr_expect(strstr(err, ": cpu: flags: '+avx': VM-specific CPU flags must be"),
		  "%s", err);
	g_free(out); g_free(err);
	remove(conf);
	remove(models);
	g_free(conf);
	g_free(models);
}

/* what KDNET cares about: the vendor the guest sees, args included */
Test(pve_cpu, guest_view_of_a_config)
{
	struct vmconf c;
	char err[600], v[13], *built, *final;

	cr_assert_eq(vmconf_parse("t.conf", "ostype: win10\nargs: -cpu kvm64,"
				  "hv_relaxed,hv_vendor_id=KVMKVMKVM\n", &c, err,
				  sizeof(err)), 0);
	built = pve_cpu_build(&c, NULL, true, NULL, err, sizeof(err));
	cr_assert(built, "%s", err);
	cr_expect_eq(qemu_cpu_hv_vendor(built, true, v), 1);
	cr_expect_str_eq(v, "Microsoft Hv", "qemu-server's own -cpu");
	final = pve_cpu_final(&c, built);
	cr_expect_eq(qemu_cpu_hv_vendor(final, true, v), 1);
	cr_expect_str_eq(v, "KVMKVMKVM", "the args -cpu QEMU takes");
	cr_expect(qemu_cpu_hv_enlightened(final));
	g_free(built);
	g_free(final);
}

Test(pve_cpu, qemu_argv_takes_the_options)
{
	static struct pve_cpu_models ms;
	struct qemu_opts o = { .kvm = true, .net = QEMU_NET_STREAM,
		.serial_dir = "/run", .sock_dir = "S", .vmid = 100,
		.qemu = { 11, 0, 0 }, .cpu_models = &ms,
		.host_cpu_vendor = "AuthenticAMD" };
	struct vmconf c;
	char err[600];
	GPtrArray *a;
	bool seen = false;

	cr_assert_eq(pve_cpu_models_parse("m", "cpu-model: zen\n  reported-model "
					  "EPYC-Rome\n", &ms, err, sizeof(err)), 0);
	cr_assert_eq(vmconf_parse("t.conf", "ostype: win11\ncpu: custom-zen\n", &c,
				  err, sizeof(err)), 0);
	a = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	cr_assert(a, "%s", err);
	for (guint i = 0; i + 1 < a->len; i++)
		if (!strcmp(g_ptr_array_index(a, i), "-cpu")) {
			cr_expect_str_eq(g_ptr_array_index(a, i + 1), "EPYC-Rome,"
					 "-cet-ibt,-cet-ss,enforce,hv_ipi,hv_relaxed,"
					 "hv_reset,hv_runtime,hv_spinlocks=0x1fff,hv_stimer,"
					 "hv_synic,hv_time,hv_vapic,hv_vpindex,+kvm_pv_eoi,"
					 "+kvm_pv_unhalt,vendor=AuthenticAMD");
			seen = true;
		}
	cr_expect(seen);
	g_ptr_array_unref(a);
}
