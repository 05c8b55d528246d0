// SPDX-License-Identifier: GPL-2.0-or-later
/* test_check.c - `kdh check`'s findings name the config line that causes
 * them and fix that line: Hyper-V flags brought by args:, cpu: or the
 * ostype; the Windows build assumed from the ostype */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/check.h"
#include "kdh/platform/winbuild.h"
#include "harness/platform/check_priv.h"

struct said {
	size_t blocks;
	GString *all;		/* every line as kdh check prints it */
};

static void check_windows(const char *conf, const char *windows,
			  struct said *s);

static void check(const char *conf, struct said *s)
{
	check_windows(conf, NULL, s);
}

static void check_windows(const char *conf, const char *windows,
			  struct said *s)
{
	struct finding f[CHECK_MAX_FINDINGS];
	struct check_ctx x;
	struct vmconf c;
	char err[256];
	size_t n;

	cr_assert_eq(vmconf_parse("100.conf", conf, &c, err, sizeof(err)), 0, "%s", err);
	check_ctx_init(&x, WIN_BUILD_DEFAULT);
	x.vmid = 100;
	x.net = NET_DHCP;
	cr_assert_eq(check_ctx_windows(&x, &c, windows, err, sizeof(err)), 0, "%s",
		     err);
	n = kdh_check(&c, NULL, &x, f, CHECK_MAX_FINDINGS);
	s->blocks = 0;
	s->all = g_string_new(NULL);
	for (size_t i = 0; i < n; i++) {
		s->blocks += f[i].level == FIND_BLOCK;
		g_string_append_printf(s->all, "%d %s\nfix: %s\n", f[i].level,
				       f[i].text, f[i].fix);
	}
}

#define NIC "net0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n"
#define HV_ARGS "args: -cpu host,hv_relaxed,hv_time,hv_vapic,kvm=off\n"

Test(check, args_hv_flags_with_ostype_other_fix_args)
{
	struct said s;

	check("ostype: other\ncpu: host,hidden=1\n" HV_ARGS NIC, &s);
	cr_assert_eq(s.blocks, 1, "%s", s.all->str);
	cr_assert(strstr(s.all->str, "Hyper-V enlightenments from args: -cpu host,"
			 "hv_relaxed,hv_time,hv_vapic,kvm=off, which wins"), "%s",
		  s.all->str);
	cr_assert(strstr(s.all->str, "qm set 100 --args '-cpu host,hv_relaxed,"
			 "hv_time,hv_vapic,kvm=off,hv_vendor_id=KVMKVMKVM' (keeps"),
		  "%s", s.all->str);
	cr_assert(strstr(s.all->str, "qm set 100 --args '-cpu host,kvm=off' "
			 "(drops the hv flags)"), "%s", s.all->str);
	cr_assert_null(strstr(s.all->str, "--ostype"), "%s", s.all->str);
	cr_assert_null(strstr(s.all->str, "--cpu"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, args_hv_flags_with_ostype_win10_names_both)
{
	struct said s;

	check("ostype: win10\ncpu: host,hidden=1\n" HV_ARGS NIC, &s);
	cr_assert_eq(s.blocks, 1, "%s", s.all->str);
	cr_assert(strstr(s.all->str, "from args: -cpu host,hv_relaxed"), "%s",
		  s.all->str);
	cr_assert(strstr(s.all->str, "so ostype win10's flags do not count"), "%s",
		  s.all->str);
	cr_assert(strstr(s.all->str, "qm set 100 --args '-cpu host,"), "%s",
		  s.all->str);
	cr_assert_null(strstr(s.all->str, "--ostype"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, args_cpu_without_hv_overrides_win10s_flags)
{
	struct said s;

	check("ostype: win10\nargs: -cpu host,kvm=off\n" NIC, &s);
	cr_assert_eq(s.blocks, 0, "%s", s.all->str);
	cr_assert(strstr(s.all->str, "args: -cpu host,kvm=off replaces the -cpu "
			 "qemu-server builds with its Hyper-V enlightenments (from "
			 "ostype win10"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, cpu_flags_bring_hv_with_ostype_other)
{
	struct said s;

	check("ostype: other\ncpu: host,flags=+hv-tlbflush\n" NIC, &s);
	cr_assert_eq(s.blocks, 1, "%s", s.all->str);
	cr_assert(strstr(s.all->str, "from cpu: host,flags=+hv-tlbflush,"), "%s",
		  s.all->str);
	/* qemu-server writes hv_vendor_id only for Windows ostypes */
	cr_assert(strstr(s.all->str, "fix: qm set 100 --cpu host (drops the hv "
			 "flags); then"), "%s", s.all->str);
	cr_assert_null(strstr(s.all->str, "--ostype"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, ostype_win11_fixes_unchanged)
{
	struct said s;

	check("ostype: win11\ncpu: x86-64-v2-AES\n" NIC, &s);
	cr_assert(strstr(s.all->str, "from ostype win11, no hv-vendor-id"), "%s",
		  s.all->str);
	cr_assert(strstr(s.all->str, "fix: qm set 100 --cpu 'x86-64-v2-AES,"
			 "hv-vendor-id=KVMKVMKVM' (keeps the enlightenments, Windows "
			 "stays fast), or qm set 100 --ostype other; then"), "%s",
		  s.all->str);
	g_string_free(s.all, TRUE);
}

#define VMXNET3 "net0: vmxnet3=BC:24:11:00:00:02,bridge=vmbr1\n"

Test(check, windows_build_assumed_from_ostype_win10)
{
	struct said s;

	check("ostype: win10\ncpu: x86-64-v2-AES,hv-vendor-id=KVMKVMKVM\n"
	      VMXNET3, &s);
	cr_assert(g_str_has_prefix(s.all->str, "3 assumed Windows 10 22H2 (build "
				   "19045) from ostype win10 (Windows 10/2016/2019); "
				   "give --windows BUILD"), "%s", s.all->str);
	cr_assert_eq(s.blocks, 1, "vmxnet3 is not driven by 19045: %s", s.all->str);
	cr_assert(strstr(s.all->str, "KDNET drives vmxnet3 from build 26006; the "
			 "assumed build is 19045"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, windows_build_decides_within_ostype_win11)
{
	struct said s;

	check("ostype: win11\ncpu: x86-64-v2-AES,hv-vendor-id=KVMKVMKVM\n"
	      VMXNET3, &s);
	cr_assert(strstr(s.all->str, "assumed Windows 11 24H2 (build 26100) from "
			 "ostype win11 (Windows 11/2022/2025)"), "%s", s.all->str);
	cr_assert_eq(s.blocks, 0, "%s", s.all->str);
	cr_assert(strstr(s.all->str, "1 KDNET will use net0 (vmxnet3 at 0.18.0, "
			 "bridge vmbr1): no busparams, the first NIC it drives in PCI "
			 "order, if the guest is build 26006 or later"), "%s",
		  s.all->str);
	g_string_free(s.all, TRUE);
}

Test(check, windows_given_as_winver_shows_it)
{
	struct said s;

	check_windows("ostype: win10\ncpu: x86-64-v2-AES,hv-vendor-id=KVMKVMKVM\n"
		      VMXNET3, "Version 22H2", &s);
	cr_assert(g_str_has_prefix(s.all->str, "3 'Version 22H2' is Windows 10 or "
				   "11: took Windows 10 22H2 (build 19045) from ostype "
				   "win10"), "%s", s.all->str);
	cr_assert_eq(s.blocks, 1, "%s", s.all->str);
	g_string_free(s.all, TRUE);
	check_windows("ostype: win10\ncpu: x86-64-v2-AES,hv-vendor-id=KVMKVMKVM\n"
		      VMXNET3, "10.0.26100.2605", &s);
	cr_assert_eq(s.blocks, 0, "%s", s.all->str);
	cr_assert_null(strstr(s.all->str, "assumed"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

/* Two NICs with one MAC on one bridge: a warning naming both and the fix;
 * on two bridges the MACs never meet, so nothing is said */
Test(check, one_mac_on_two_nics_of_one_bridge_warns)
{
	struct said s;

	check(NIC "net1: virtio=BC:24:11:00:00:01,bridge=vmbr0\n", &s);
	cr_assert(strstr(s.all->str, "net0 and net1 have the same MAC on vmbr0"),
		  "%s", s.all->str);
	cr_assert(strstr(s.all->str, "fix: give net1 a MAC of its own: net1: "
			 "virtio,bridge=vmbr0"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
	check(NIC "net1: virtio=BC:24:11:00:00:01,bridge=vmbr1\n", &s);
	cr_assert(!strstr(s.all->str, "same MAC"), "%s", s.all->str);
	g_string_free(s.all, TRUE);
}

/* A text longer than a finding holds ends in "…" on a whole character */
Test(check, cut_text_and_fix_end_in_ellipsis)
{
	struct finding f;
	char long_text[2048];

	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	long_text[sizeof(f.text) - 5] = '\xC3';	/* an "é" across the cut */
	long_text[sizeof(f.text) - 4] = '\xA9';
	check_add(&f, FIND_NOTE, "%s", long_text);
	check_fix(&f, "%s", long_text);
	cr_assert(g_str_has_suffix(f.text, "…"), "%s", f.text);
	cr_assert(g_utf8_validate(f.text, -1, NULL));
	cr_assert_eq(strlen(f.text), sizeof(f.text) - 2);	/* "é" dropped whole */
	cr_assert(g_str_has_suffix(f.fix, "…"));
	cr_assert_eq(strlen(f.fix), sizeof(f.fix) - 1);
	check_add(&f, FIND_NOTE, "short");
	cr_assert_str_eq(f.text, "short");
}
