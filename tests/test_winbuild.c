// SPDX-License-Identifier: GPL-2.0-or-later
/* test_winbuild.c - Windows build profiles: which NICs KDNET drives, by
 * PCI id and first build (Microsoft's supported-NIC pages) */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kdh/platform/winbuild.h"

static bool drives(unsigned build, const char *model)
{
	char m[16][24];
	size_t n = win_build_models(build, m, 16);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i], model))
			return true;
	return false;
}

Test(winbuild, first_builds_per_pci_id)
{
	cr_assert(!drives(9199, "e1000"));
	cr_assert(drives(9200, "e1000") && drives(9200, "e1000-82544gc") &&
		  drives(9200, "e1000-82545em"));
	cr_assert(!drives(9200, "e1000e"));
	cr_assert(drives(9600, "e1000e"));
	cr_assert(!drives(22631, "vmxnet3"), "vmxnet3 only from 26006");
	cr_assert(drives(26006, "vmxnet3"));
	cr_assert(!drives(WIN_BUILD_DEFAULT, "rtl8139"), "Realtek 8139: never");
	cr_assert(!drives(WIN_BUILD_DEFAULT, "virtio-legacy"));
	cr_assert(drives(WIN_BUILD_DEFAULT, "virtio"));
	cr_assert(!drives(17763, "virtio"));
}

Test(winbuild, qemu_pci_ids)
{
	cr_assert_eq(nic_pci_id_of("e1000")->device, 0x100e);
	cr_assert_eq(nic_pci_id_of("e1000-82544gc")->device, 0x100c);
	cr_assert_eq(nic_pci_id_of("e1000-82545em")->device, 0x100f);
	cr_assert_eq(nic_pci_id_of("e1000e")->device, 0x10d3);
	cr_assert_eq(nic_pci_id_of("vmxnet3")->vendor, 0x15ad);
	cr_assert_null(nic_pci_id_of("e1001"));
	cr_assert_str_eq(nic_model_of_pci(0x1af4, 0x1041), "virtio");
	cr_assert_str_eq(nic_model_of_pci(0x8086, 0x100c), "e1000-82544gc");
	cr_assert_str_eq(nic_model_of_pci(0x1234, 0x1111), "unknown");
}

Test(winbuild, virtio_is_legacy_only_before_machine_2_7)
{
	cr_assert_str_eq(nic_guest_model("virtio", 2, 6), "virtio-legacy");
	cr_assert_str_eq(nic_guest_model("virtio", 2, 7), "virtio");
	cr_assert_str_eq(nic_guest_model("virtio", 8, 1), "virtio");
	cr_assert_str_eq(nic_guest_model("e1000", 2, 0), "e1000");
}

Test(winbuild, builds_by_number_or_name)
{
	unsigned b;
	char err[200];

	cr_assert_eq(win_build_parse("26100", &b, err, sizeof(err)), 0);
	cr_assert_eq(b, 26100);
	cr_assert_eq(win_build_parse("10.0.22631", &b, err, sizeof(err)), 0);
	cr_assert_eq(b, 22631);
	cr_assert_eq(win_build_parse("win10-22h2", &b, err, sizeof(err)), 0);
	cr_assert_eq(b, 19045);
	cr_assert_eq(win_build_parse("ws2022", &b, err, sizeof(err)), 0);
	cr_assert_eq(b, 20348);
	for (const char *bad[] = { "", "abc", "0026100", "-26100", "+26100",
				   "4294967296", "10.0", "500" }, **s = bad;
	     s < bad + 8; s++)
		cr_assert_neq(win_build_parse(*s, &b, err, sizeof(err)), 0, "%s", *s);
	cr_assert_str_eq(err, "'500' is not a Windows build (a build like 19045, "
			 "10.0.19045.5247 as ver prints it, 22H2 as winver shows "
			 "it, or win10-22h2, win11-24h2, ws2022, ...)");
}

/* what users have at hand: ver's 10.0.BUILD.UBR, winver's 22H2, a build */
Test(winbuild, builds_as_ver_and_winver_show_them)
{
	char err[256], note[320];
	unsigned b;

	for (const char *ver[] = { "10.0.19045.5247", "19045", "  19045 ",
				   "Microsoft Windows [Version 10.0.19045.5247]",
				   "Version 22H2" }, **s = ver; s < ver + 5; s++) {
		cr_assert_eq(win_build_pick(*s, "win10", &b, note, sizeof(note), err,
					    sizeof(err)), 0, "%s: %s", *s, err);
		cr_assert_eq(b, 19045, "%s", *s);
	}
	cr_assert_eq(win_build_pick("22H2", "win11", &b, note, sizeof(note), err,
				    sizeof(err)), 0);
	cr_assert_eq(b, 22621);
	cr_assert_str_eq(note, "'22H2' is Windows 10 or 11: took Windows 11 22H2 "
			 "(build 22621) from ostype win11");
	cr_assert_eq(win_build_pick("22h2", "other", &b, note, sizeof(note), err,
				    sizeof(err)), 1, "ambiguous");
	cr_assert_eq(b, 22621);
	cr_assert(strstr(note, "Windows 10 22H2 (build 19045) or Windows 11 22H2 "
			 "(build 22621): took Windows 11's"), "%s", note);
	cr_assert_eq(win_build_pick("24H2", NULL, &b, note, sizeof(note), err,
				    sizeof(err)), 0, "only Windows 11 has 24H2");
	cr_assert_eq(b, 26100);
	cr_assert_str_eq(note, "");
	cr_assert_neq(win_build_parse("22H2", &b, err, sizeof(err)), 0);
	for (const char *bad[] = { "10.0.19045.5247.1", "22H3", "11.0.19045",
				   "10.0.x.1", "Version" }, **s = bad; s < bad + 5; s++)
		cr_assert_eq(win_build_pick(*s, "win10", &b, note, sizeof(note), err,
					    sizeof(err)), -EINVAL, "%s", *s);
}

Test(winbuild, assumed_from_the_ostype)
{
	unsigned b, lo, hi;
	char why[160];

	win_build_assume("win10", &b, &lo, &hi, why, sizeof(why));
	cr_assert(b == 19045 && lo == 10240 && hi == 19045);
	cr_assert_str_eq(why, "from ostype win10 (Windows 10/2016/2019)");
	win_build_assume("win11", &b, &lo, &hi, why, sizeof(why));
	cr_assert(b == 26100 && lo == 20348, "Server 2022 is 20348");
	win_build_assume("l26", &b, &lo, &hi, why, sizeof(why));
	cr_assert_eq(b, WIN_BUILD_DEFAULT);
	cr_assert_str_eq(why, "as ostype l26 does not say which Windows");
}
