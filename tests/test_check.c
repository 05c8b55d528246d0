// SPDX-License-Identifier: GPL-2.0-or-later
/* test_check.c - `kdh check`'s findings name the config line that causes
 * them and fix that line: Hyper-V flags brought by args:, cpu: or the
 * ostype; the Windows build assumed from the ostype */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdh/check.h"
#include "kdh/winbuild.h"

struct said {
	size_t blocks;
	GString *all;		/* every line as kdh check prints it */
};

static void check(const char *conf, struct said *s)
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
