// SPDX-License-Identifier: GPL-2.0-or-later
/* test_qemu_devices.c - `kdh qemu-cmd`'s firmware, display and balloon
 * against qemu-server, and the lines it says it left out
 *
 * tests/cfg2cmd/qs-NAME.conf with qs-NAME.conf.cmd are qemu-server's own
 * cfg2cmd cases (src/test/cfg2cmd/NAME.conf{,.cmd}, 9.2.6): from each
 * expected command line the OVMF code image, the size of the variables
 * drive, the display adapter (or -vga none), the balloon device, the
 * tablet and smm=off are compared with kdh's --proxmox argv (kdh writes the
 * firmware as -drive where qemu-server 10.0+ machines get -blockdev: the
 * same files).  qemu-server has no case with vga: none or balloon: 0; those
 * cite QemuServer.pm (9.2.6) instead.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

struct facts {
	char code[160], vars_size[16], vga[96], balloon[96], machine[96];
	bool vga_none, tablet, vars_not_raw;
};

/* "KEY":"VALUE" or "KEY":NUMBER in a -blockdev JSON value */
static void json_value(const char *json, const char *key, char *out, size_t len)
{
	gchar *pat = g_strdup_printf("\"%s\":", key);
	const char *p = strstr(json, pat);
	size_t n;

	out[0] = '\0';
	if (p) {
		p += strlen(pat);
		p += *p == '"';
		n = strcspn(p, "\",}");
		snprintf(out, len, "%.*s", (int)n, p);
	}
	g_free(pat);
}

static void opt_value(const char *v, const char *key, char *out, size_t len)
{
	const char *p = strstr(v, key);

	out[0] = '\0';
	if (p)
		snprintf(out, len, "%.*s", (int)strcspn(p + strlen(key), ","),
			 p + strlen(key));
}

/* the variables drive: its size=, and whether it is a raw image */
static void vars_of(const char *v, bool blockdev, struct facts *f)
{
	if (blockdev) {
		json_value(v, "size", f->vars_size, sizeof(f->vars_size));
		f->vars_not_raw = strstr(v, "\"driver\":\"qcow2\"") != NULL;
	} else {
		opt_value(v, ",size=", f->vars_size, sizeof(f->vars_size));
		f->vars_not_raw = strstr(v, "format=raw") == NULL;
	}
}

static void facts_of(char **argv, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	for (char **a = argv; *a && a[1]; a++) {
		const char *v = a[1];

		if (!strcmp(*a, "-blockdev") && strstr(v, "\"node-name\":\"pflash0\""))
			json_value(v, "filename", f->code, sizeof(f->code));
		else if (!strcmp(*a, "-blockdev") && strstr(v, "drive-efidisk0"))
			vars_of(v, true, f);
		else if (!strcmp(*a, "-drive") && strstr(v, "if=pflash,unit=0"))
			opt_value(v, "file=", f->code, sizeof(f->code));
		else if (!strcmp(*a, "-drive") && strstr(v, "if=pflash,unit=1"))
			vars_of(v, false, f);
		else if (!strcmp(*a, "-device") && strstr(v, ",id=vga"))
			snprintf(f->vga, sizeof(f->vga), "%s", v);
		else if (!strcmp(*a, "-device") && strstr(v, "virtio-balloon"))
			snprintf(f->balloon, sizeof(f->balloon), "%s", v);
		else if (!strcmp(*a, "-device") && strstr(v, "usb-tablet"))
			f->tablet = true;
		else if (!strcmp(*a, "-vga") && !strcmp(v, "none"))
			f->vga_none = true;
		else if (!strcmp(*a, "-machine"))
			snprintf(f->machine, sizeof(f->machine), "%s",
				 strstr(v, "smm=off") ? "smm=off" : "");
	}
}

static void expect_same(const char *name, const struct facts *w,
			const struct facts *g)
{
	cr_expect_str_eq(g->code, w->code, "%s: OVMF code", name);
	if (!w->vars_not_raw)	/* kdh's copy is raw: a qcow2 efidisk has no size */
		cr_expect_str_eq(g->vars_size, w->vars_size, "%s: variables size",
				 name);
	cr_expect_str_eq(g->vga, w->vga, "%s: display adapter", name);
	cr_expect_eq(g->vga_none, w->vga_none, "%s: -vga none", name);
	cr_expect_str_eq(g->balloon, w->balloon, "%s: balloon", name);
	cr_expect_eq(g->tablet, w->tablet, "%s: tablet", name);
	cr_expect_str_eq(g->machine, w->machine, "%s: smm=off", name);
}

static char **kdh_argv(const char *conf, const char *qemu, char **err)
{
	const char *argv[] = { getenv("KDH_BIN"), "qemu-cmd", "--proxmox",
		"--lines", "--vmid", "8006", "--qemu-version", qemu, conf, NULL };
	char *out, **lines;

	cr_assert_eq(test_run(argv, &out, err), 0, "%s: %s", conf, *err);
	lines = g_strsplit(out, "\n", -1);
	g_free(out);
	return lines;
}

Test(qemu_devices, qemu_server_cfg2cmd_cases)
{
	const char *dir = getenv("KDH_CFG2CMD");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *f;
	unsigned n = 0;

	cr_assert(d, "%s", dir);
	while ((f = g_dir_read_name(d))) {
		gchar *cmd, *text, *conf, **want_argv, **got_argv, *err;
		struct facts want, got;

		if (strncmp(f, "qs-", 3) || !g_str_has_suffix(f, ".conf.cmd"))
			continue;
		cmd = g_build_filename(dir, f, NULL);
		conf = g_strndup(cmd, strlen(cmd) - 4);
		cr_assert(g_file_get_contents(cmd, &text, NULL, NULL), "%s", cmd);
		g_strdelimit(text, "\\", ' ');
		cr_assert(g_shell_parse_argv(text, NULL, &want_argv, NULL), "%s", cmd);
		got_argv = kdh_argv(conf, "11.0", &err);
		facts_of(want_argv, &want);
		facts_of(got_argv, &got);
		expect_same(f, &want, &got);
		n++;
		g_strfreev(want_argv); g_strfreev(got_argv);
		g_free(text); g_free(err); g_free(conf); g_free(cmd);
	}
	g_dir_close(d);
	cr_assert_geq(n, 6, "only %u cases", n);
}

/* kdh qemu-cmd on a config text: argv facts and stderr */
static void run_text(const char *text, bool proxmox, struct facts *f,
		     char **err)
{
	char *dir = g_dir_make_tmp("kdh-qdev-XXXXXX", NULL);
	char *conf = g_build_filename(dir, "105.conf", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "qemu-cmd", "--lines",
		"--qemu-version", "10.1", conf, proxmox ? "--proxmox" : NULL, NULL };
	char *out, **lines;

	cr_assert(g_file_set_contents(conf, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, err), 0, "%s", *err);
	lines = g_strsplit(out, "\n", -1);
	facts_of(lines, f);
	g_strfreev(lines);
	g_free(out);
	test_rmtree(dir);
	g_free(conf);
	g_free(dir);
}

/* QemuServer.pm config_to_command: "if ($vga->{type} && ... ne 'none')
 * { -device print_vga_device } else { push -vga none if none;
 * -nographic }"; should_disable_smm(): SeaBIOS and none -> smm=off */
Test(qemu_devices, vga_none_has_no_adapter)
{
	struct facts f;
	char *err;

	run_text("ostype: win11\nvga: none\nnet0: e1000=BC:24:11:00:00:01,"
		 "bridge=vmbr0\n", true, &f, &err);
	cr_assert_str_eq(f.vga, "");
	cr_assert(f.vga_none);
	cr_assert_str_eq(f.machine, "smm=off");
	cr_assert_str_eq(err, "");
	g_free(err);
	run_text("ostype: win11\nbios: ovmf\nvga: none\n", false, &f, &err);
	cr_assert(f.vga_none && !f.vga[0]);
	cr_assert_str_eq(f.machine, "", "OVMF keeps SMM");
	g_free(err);
}

/* QemuServer.pm: "enable balloon by default, unless explicitly disabled:
 * if (!defined($conf->{balloon}) || $conf->{balloon})" */
Test(qemu_devices, balloon_0_has_no_balloon)
{
	struct facts f;
	char *err;

	run_text("ostype: l26\nballoon: 0\n", true, &f, &err);
	cr_assert_str_eq(f.balloon, "");
	cr_assert_str_eq(f.vga, "VGA,id=vga,bus=pci.0,addr=0x2");
	g_free(err);
	run_text("ostype: l26\nballoon: 2048\n", false, &f, &err);
	cr_assert(strstr(f.balloon, "virtio-balloon-pci,id=balloon0"), "%s", f.balloon);
	g_free(err);
}

/* What kdh does not reproduce it says, without -v, one line each; an
 * x-vga GPU with no vga line makes the display none (PCI.pm
 * print_hostpci_devices: "$vga->{type} = 'none' if !defined($conf->{vga})") */
Test(qemu_devices, left_out_lines_without_verbose)
{
	struct facts f;
	char *err;

	run_text("ostype: win11\nbios: ovmf\nmachine: q35\nefidisk0: local-lvm:"
		 "vm-105-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\nhostpci0: "
		 "0000:01:00.0,pcie=1,x-vga=1\n", false, &f, &err);
	cr_assert(f.vga_none && !f.vga[0]);
	cr_assert_str_eq(f.code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	cr_assert_str_eq(err,
		"kdh qemu-cmd: hostpci0 (0000:01:00.0,pcie=1,x-vga=1) left out: PCI "
		"passthrough needs the host's device\n"
		"kdh qemu-cmd: efidisk0 (local-lvm:vm-105-disk-0) left out: the UEFI "
		"variables are a fresh copy of /usr/share/OVMF/OVMF_VARS_4M.fd\n"
		"kdh qemu-cmd: efidisk0 pre-enrolled-keys=1 left out: kdh's own run "
		"boots /usr/share/OVMF/OVMF_CODE_4M.fd without Secure Boot (--proxmox "
		"shows Proxmox's firmware)\n");
	g_free(err);
	run_text("ostype: win11\nbios: ovmf\nmachine: q35\nefidisk0: local-lvm:"
		 "vm-105-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\n", true, &f,
		 &err);
	cr_assert_str_eq(f.code,
			 "/usr/share/pve-edk2-firmware//OVMF_CODE_4M.secboot.fd");
	cr_assert_str_eq(f.vars_size, "540672");
	cr_assert_str_eq(err,
		"kdh qemu-cmd: efidisk0 (local-lvm:vm-105-disk-0) left out: the UEFI "
		"variables are a fresh copy of /usr/share/pve-edk2-firmware//"
		"OVMF_VARS_4M.ms.fd\n");
	g_free(err);
	run_text("ostype: l26\namd-sev: type=es\n", true, &f, &err);
	cr_assert_str_eq(err, "kdh qemu-cmd: amd-sev (type=es) left out: AMD SEV "
			 "needs the host's CPU\n");
	g_free(err);
}

Test(qemu_devices, bad_values_are_file_line_errors)
{
	static const char *const cases[][2] = {
		{ "vga: vga\n", "105.conf:1: vga: unknown type 'vga' (std, none, "
		  "serial0, cirrus, qxl, virtio, vmware, ...)" },
		{ "vga: std,memory=2\n", "105.conf:1: vga: memory '2' is not 4-512 MiB" },
		{ "balloon: off\n", "105.conf:1: balloon: 'off' is not MiB (0 turns "
		  "the balloon device off)" },
		{ "efidisk0: local:1/x.raw,efitype=8m\n", "105.conf:1: efidisk0: "
		  "efitype '8m' is not 2m or 4m" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *dir = g_dir_make_tmp("kdh-qdev-XXXXXX", NULL);
		char *conf = g_build_filename(dir, "105.conf", NULL);
		const char *argv[] = { getenv("KDH_BIN"), "qemu-cmd", conf, NULL };
		char *out, *err;

		cr_assert(g_file_set_contents(conf, cases[i][0], -1, NULL));
		cr_assert_eq(test_run(argv, &out, &err), 2, "%s", cases[i][0]);
		cr_assert(strstr(err, cases[i][1]), "%s", err);
		g_free(out); g_free(err);
		test_rmtree(dir);
		g_free(conf); g_free(dir);
	}
}
