// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vm_pci.c - the guest's PCI addresses, measured: the agent image
 * boots under i440fx and q35, each with SeaBIOS and OVMF (and i440fx with
 * scsihw virtio-scsi-single, whose pci.3 at slot 5 comes before pci.1),
 * with net0, net1, net5 and net6 (behind pci.1), on the argv kdh builds
 * (qemu_argv_new(), QEMU's own slirp); the b.d.f the guest printed for
 * each NIC must be pve_guest_nic_pci()'s.  Each boot prints its table
 * rows on stderr:  pci: MACHINE FIRMWARE netN QEMU-ADDR -> GUEST-B.D.F.
 * Skips without QEMU, the agent image or (for OVMF) the ovmf package. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/target/agent.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/run/vm.h"

#define BOOT_LIMIT_US	(180 * G_USEC_PER_SEC)
static const unsigned nets[] = { 0, 1, 5, 6 };

static char *conf_text(const char *machine, const char *bios, const char *scsihw)
{
	GString *s = g_string_new("ostype: l26\nmemory: 256\n");

	if (*machine)
		g_string_append_printf(s, "machine: %s\n", machine);
	if (*bios)
		g_string_append_printf(s, "bios: %s\n", bios);
	if (*scsihw)
		g_string_append_printf(s, "scsihw: %s\n", scsihw);
	for (size_t i = 0; i < sizeof(nets) / sizeof(*nets); i++)
		g_string_append_printf(s, "net%u: e1000=BC:24:11:00:00:%02X,bridge=vmbr0\n",
				       nets[i], nets[i]);
	return g_string_free(s, FALSE);
}

/* The console's nic lines: netN (from the MAC's last byte) -> b.d.f */
static unsigned guest_nics(const char *console, struct pci_addr *by_net)
{
	unsigned found = 0;
	gchar **lines = g_strsplit(console, "\n", -1);

	for (gchar **l = lines; *l; l++) {
		const char *p = strstr(*l, AGENT_NIC_PREFIX);
		unsigned dom, bus, dev, fn, last;
		char mac[32];

		if (!p || sscanf(p + strlen(AGENT_NIC_PREFIX), "%x:%x:%x.%x %*s %*s %31s",
				 &dom, &bus, &dev, &fn, mac) != 5 ||
		    sscanf(mac, "bc:24:11:00:00:%x", &last) != 1 || last >= PVE_MAX_NETS)
			continue;
		by_net[last] = (struct pci_addr){ (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
		found++;
	}
	g_strfreev(lines);
	return found;
}

static void boot_and_compare(const char *machine, const char *bios,
			     const char *scsihw)
{
	const char *agent = getenv("KDH_AGENT_DIR");
	char *kernel = g_build_filename(agent, "vmlinuz", NULL);
	char *initrd = g_build_filename(agent, "initrd.img", NULL);
	char *qemu = g_find_program_in_path("qemu-system-x86_64");
	char *dir, *vars, *log, *text, err[256];
	struct pci_addr seen[PVE_MAX_NETS] = { 0 };
	struct qemu_opts o = { .vmid = 100, .net = QEMU_NET_USER,
		.append = "console=ttyS0 quiet panic=-1 kdh.hostip=192.168.2.1 "
			  "kdh.key=1.2.3.4" };
	struct vm_proc vm = { 0 };
	gchar *console = NULL;
	struct vmconf c;
	GPtrArray *argv;
	gint64 t0, t1;

	if (!qemu || access(initrd, R_OK))
		cr_skip_test("needs qemu-system-x86_64 and the agent image");
	if (*bios && access(QEMU_OVMF_CODE, R_OK))
		cr_skip_test("needs %s (apt-get install ovmf)", QEMU_OVMF_CODE);
	dir = g_dir_make_tmp("kdh-vm-pci-XXXXXX", NULL);
	vars = g_build_filename(dir, "100-ovmf.fd", NULL);
	log = g_build_filename(dir, "vm.log", NULL);
	snprintf(vm.console, sizeof(vm.console), "%s/console", dir);
	text = conf_text(machine, bios, scsihw);
	cr_assert_eq(vmconf_parse("100.conf", text, &c, err, sizeof(err)), 0, "%s", err);
	o.kernel = kernel;
	o.initrd = initrd;
	o.console = vm.console;
	o.sock_dir = o.serial_dir = dir;
	if (*bios) {
		cr_assert_eq(vm_ovmf_vars_copy(vars, err, sizeof(err)), 0, "%s", err);
		o.ovmf_vars = vars;
	}
	argv = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	cr_assert(argv, "%s", err);
	t0 = g_get_monotonic_time();
	cr_assert_eq(vm_spawn(argv, log, &vm, err, sizeof(err)), 0, "%s", err);
	while (!vm_console_has(&vm, AGENT_MARKER) && vm_alive(&vm) &&
	       g_get_monotonic_time() - t0 < BOOT_LIMIT_US)
		g_usleep(200000);
	t1 = g_get_monotonic_time();
	vm_stop(&vm);
	g_file_get_contents(vm.console, &console, NULL, NULL);
	if (!console || !strstr(console, AGENT_MARKER)) {
		gchar *l = NULL;

		g_file_get_contents(log, &l, NULL, NULL);
		cr_assert_fail("%s %s: no boot marker; QEMU said: %s", machine,
			       *bios ? bios : "seabios", l ? l : "");
	}
	cr_assert_eq(guest_nics(console, seen), 4, "%s", console);
	for (size_t i = 0; i < sizeof(nets) / sizeof(*nets); i++) {
		struct pci_addr want;
		struct pve_slot s;
		char g[16], w[16];

		cr_assert_eq(pve_guest_nic_pci(&c, nets[i], &want), 0);
		pve_net_slot(nets[i], &s);
		fprintf(stderr, "pci: %-14s %-7s %-19s net%u pci.%u,addr=0x%x -> %s "
			"(boot %.1f s)\n", *machine ? machine : "pc",
			*bios ? bios : "seabios", *scsihw ? scsihw : "-", nets[i],
			s.bridge, s.slot, pci_addr_str(&seen[nets[i]], g, sizeof(g)),
			(double)(t1 - t0) / 1e6);
		cr_expect_eq(pci_addr_cmp(&seen[nets[i]], &want), 0,
			     "%s %s net%u: guest %s, kdh's model %s", machine, bios,
			     nets[i], g, pci_addr_str(&want, w, sizeof(w)));
	}
	g_ptr_array_unref(argv);
	test_rmtree(dir);
	g_free(console); g_free(text); g_free(log); g_free(vars); g_free(dir);
	g_free(kernel); g_free(initrd); g_free(qemu);
}

Test(vm_pci, i440fx_seabios, .timeout = 240) { boot_and_compare("", "", ""); }
Test(vm_pci, i440fx_ovmf, .timeout = 240) { boot_and_compare("", "ovmf", ""); }
Test(vm_pci, q35_seabios, .timeout = 240) { boot_and_compare("q35", "", ""); }
Test(vm_pci, q35_ovmf, .timeout = 240) { boot_and_compare("q35", "ovmf", ""); }
Test(vm_pci, i440fx_scsi_single_seabios, .timeout = 240)
{
	boot_and_compare("", "", "virtio-scsi-single");
}
Test(vm_pci, i440fx_scsi_single_ovmf, .timeout = 240)
{
	boot_and_compare("", "ovmf", "virtio-scsi-single");
}

/* `kdh qemu-cmd --tcg` itself: its argv for q35 and i440fx, SeaBIOS and
 * OVMF, is one QEMU 7.2 starts (stopped with -S: the stream sockets become
 * QEMU's own slirp, SOCKDIR the test's directory with the OVMF variables) */
static void qemu_cmd_starts(const char *machine, const char *bios)
{
	char *qemu = g_find_program_in_path("qemu-system-x86_64");
	char *dir, *conf, *text, *out, *err, err2[256];
	const char *kdh_argv[] = { getenv("KDH_BIN"), "qemu-cmd", NULL, "--tcg",
		"--lines", NULL };
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	struct vm_proc vm = { 0 };
	gchar **words;

	if (!qemu)
		cr_skip_test("needs qemu-system-x86_64");
	if (*bios && access(QEMU_OVMF_CODE, R_OK))
		cr_skip_test("needs %s (apt-get install ovmf)", QEMU_OVMF_CODE);
	dir = g_dir_make_tmp("kdh-qemu-cmd-XXXXXX", NULL);
	conf = g_build_filename(dir, "100.conf", NULL);
	text = conf_text(machine, bios, "");
	cr_assert(g_file_set_contents(conf, text, -1, NULL));
	kdh_argv[2] = conf;
	cr_assert_eq(test_run(kdh_argv, &out, &err), 0, "%s", err);
	words = g_strsplit(out, "\n", -1);
	for (gchar **w = words; *w && **w; w++) {
		GString *v;
		unsigned n;

		if (**w == '#')
			continue;	/* a NIC's guest b.d.f, for people */
		v = g_string_new(*w);

		if (w != words && !strcmp(w[-1], "-netdev") &&
		    sscanf(*w, "stream,id=net%u", &n) == 1)
			g_string_printf(v, "user,id=net%u,restrict=on", n);
		g_string_replace(v, "SOCKDIR", dir, 0);
		g_ptr_array_add(argv, g_string_free(v, FALSE));
	}
	g_ptr_array_add(argv, g_strdup("-S"));
	if (*bios) {
		char *vars = g_strdup_printf("%s/100-ovmf.fd", dir);

		cr_assert_eq(vm_ovmf_vars_copy(vars, err2, sizeof(err2)), 0, "%s", err2);
		g_free(vars);
	}
	snprintf(vm.console, sizeof(vm.console), "%s/none", dir);
	g_free(text);
	text = g_build_filename(dir, "vm.log", NULL);
	cr_assert_eq(vm_spawn(argv, text, &vm, err2, sizeof(err2)), 0, "%s", err2);
	g_usleep(1500000);
	if (!vm_alive(&vm)) {
		gchar *l = NULL;

		g_file_get_contents(text, &l, NULL, NULL);
		cr_assert_fail("%s %s: QEMU refused kdh qemu-cmd's argv: %s\n%s",
			       machine, bios, l ? l : "", out);
	}
	vm_stop(&vm);
	g_strfreev(words);
	g_ptr_array_unref(argv);
	test_rmtree(dir);
	g_free(out); g_free(err); g_free(text); g_free(conf); g_free(dir); g_free(qemu);
}

Test(vm_pci, qemu_cmd_output_starts_in_qemu, .timeout = 60)
{
	qemu_cmd_starts("", "");
	qemu_cmd_starts("", "ovmf");
	qemu_cmd_starts("q35", "");
	qemu_cmd_starts("q35", "ovmf");
	qemu_cmd_starts("pc-q35-8.1", "ovmf");	/* newer than QEMU 7.2 knows */
}
