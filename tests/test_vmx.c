// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vmx.c - VMware .vmx files: the reader (quotes, case, comments,
 * duplicates, escapes, malformed lines), the settings KDNET depends on,
 * pciSlotNumber to b.d.f, and the same VM as a vmconf */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "kdh/platform/check.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/winbuild.h"
#include "kdh/platform/vmx.h"

/* The lines that matter of a Windows 10 VM from Workstation's wizard,
 * after its first power-on (docs/vmware.md) */
static const char win10[] =
	"#!/usr/bin/vmware\n"
	".encoding = \"UTF-8\"\n"
	"config.version = \"8\"\n"
	"virtualHW.version = \"21\"\n"
	"pciBridge0.present = \"TRUE\"\n"
	"pciBridge4.present = \"TRUE\"\n"
	"pciBridge4.virtualDev = \"pcieRootPort\"\n"
	"pciBridge4.functions = \"8\"\n"
	"pciBridge5.present = \"TRUE\"\n"
	"pciBridge5.virtualDev = \"pcieRootPort\"\n"
	"pciBridge5.functions = \"8\"\n"
	"pciBridge6.present = \"TRUE\"\n"
	"pciBridge6.virtualDev = \"pcieRootPort\"\n"
	"pciBridge6.functions = \"8\"\n"
	"pciBridge7.present = \"TRUE\"\n"
	"pciBridge7.virtualDev = \"pcieRootPort\"\n"
	"pciBridge7.functions = \"8\"\n"
	"displayName = \"Windows 10 x64\"\n"
	"firmware = \"efi\"\n"
	"guestOS = \"windows9-64\"\n"
	"ethernet0.connectionType = \"nat\"\n"
	"ethernet0.addressType = \"generated\"\n"
	"ethernet0.virtualDev = \"e1000e\"\n"
	"serial0.fileType = \"device\"\n"
	"serial0.fileName = \"thinprint\"\n"
	"ethernet0.present = \"TRUE\"\n"
	"serial0.present = \"TRUE\"\n"
	"pciBridge0.pciSlotNumber = \"17\"\n"
	"pciBridge4.pciSlotNumber = \"21\"\n"
	"pciBridge5.pciSlotNumber = \"22\"\n"
	"pciBridge6.pciSlotNumber = \"23\"\n"
	"pciBridge7.pciSlotNumber = \"24\"\n"
	"ethernet0.pciSlotNumber = \"160\"\n"
	"ethernet0.generatedAddress = \"00:0c:29:c7:63:f5\"\n"
	"sound.pciSlotNumber = \"-1\"\n";

static struct vmx *parse(const char *text)
{
	char err[512];
	struct vmx *x = vmx_parse("t.vmx", text, err, sizeof(err));

	cr_assert(x, "%s", err);
	return x;
}

static void vm_of(const char *text, struct vmx_vm *vm)
{
	struct vmx *x = parse(text);
	char err[512];

	cr_assert_eq(vmx_vm_read(x, vm, err, sizeof(err)), 0, "%s", err);
	vmx_free(x);
}

static void parse_fails(const char *text, const char *want)
{
	char err[512] = "";

	cr_assert_null(vmx_parse("t.vmx", text, err, sizeof(err)), "%s", text);
	cr_assert(strstr(err, want), "'%s' lacks '%s'", err, want);
}

Test(vmx, reads_quotes_case_comments_escapes)
{
	struct vmx *x = parse("# a comment\n\n  displayName = \"a |22b|22 |zz\"\n"
			      "GUESTOS = \"windows11-64\"\nmemsize = 4096\n"
			      "ide0:0.fileName = \"auto detect\"  # trailing\n");

	cr_assert_str_eq(vmx_get(x, "displayname"), "a \"b\" |zz");
	cr_assert_str_eq(vmx_get(x, "guestOS"), "windows11-64");
	cr_assert_str_eq(vmx_get(x, "memsize"), "4096");
	cr_assert_str_eq(vmx_get(x, "IDE0:0.FILENAME"), "auto detect");
	cr_assert_eq(vmx_find(x, "guestos")->line, 4);
	cr_assert_null(vmx_get(x, "nothing"));
	vmx_free(x);
}

Test(vmx, a_key_given_twice_keeps_the_last_and_says_where)
{
	struct vmx *x = parse("a = \"1\"\nb = \"2\"\nA = \"3\"\n");
	const struct vmx_entry *e = vmx_find(x, "a");

	cr_assert_eq(x->n, 2);
	cr_assert_str_eq(e->value, "3");
	cr_assert_eq(e->line, 3);
	cr_assert_eq(e->dup_line, 1);
	vmx_free(x);
}

Test(vmx, malformed_lines_are_file_line_errors)
{
	parse_fails("a = \"1\"\nnumvcpus =\"2\n", "t.vmx:2: the value's opening "
		    "quote has no closing one");
	parse_fails("just words\n", "t.vmx:1: expected key = \"value\"");
	parse_fails(" = \"x\"\n", "t.vmx:1: '' is not a key");
	parse_fails("a b = \"x\"\n", "is not a key");
	parse_fails("a = \"x\" y\n", "text after the closing quote");
	parse_fails("path = C:\\My Documents\\x.iso\n", "must be in double quotes");
}

Test(vmx, content_detection)
{
	cr_assert(vmx_text_is_vmx(win10));
	cr_assert(vmx_text_is_vmx("# x\nconfig.version = \"8\"\n"));
	cr_assert_not(vmx_text_is_vmx("ostype: win10\nnet0: e1000=BC:24:11:00:00:01,"
				      "bridge=vmbr0\n"));
	cr_assert_not(vmx_text_is_vmx("[scenario]\nname = x\n"));
	cr_assert_not(vmx_text_is_vmx("foo = \"bar\"\n"));
}

Test(vmx, the_wizard_vm)
{
	struct vmx_vm vm;
	char b[16];

	vm_of(win10, &vm);
	cr_assert_str_eq(vm.guest_os, "windows9-64");
	cr_assert_str_eq(vm.ostype, "win10");
	cr_assert(vm.efi);
	cr_assert_eq(vm.hw_version, 21);
	cr_assert(vm.nic[0].present);
	cr_assert_str_eq(vm.nic[0].model, "e1000e");
	cr_assert_eq(vm.nic[0].conn, VMX_NAT);
	cr_assert_str_eq(vm.nic[0].network, "vmnet8");
	cr_assert(vm.nic[0].dhcp && vm.nic[0].dhcp_known);
	cr_assert(vm.nic[0].pci_known && !vm.nic[0].pci_assumed);
	cr_assert_str_eq(pci_addr_str(&vm.nic[0].pci, b, sizeof(b)), "3.0.0");
	cr_assert(strstr(vm.nic[0].pci_why, "pciBridge4 function 0"), "%s",
		  vm.nic[0].pci_why);
	cr_assert_eq(vm.nic[0].mac[5], 0xf5);
	cr_assert_not(vm.nic[1].present);
	cr_assert(vm.serial[0].present && vm.serial[0].thinprint);
	cr_assert_eq(vmx_com_port(&vm, 1), 0);
	cr_assert_eq(vmx_com_port(&vm, 2), -1);
}

Test(vmx, slot_numbers_to_bdf)
{
	static const struct { unsigned slot; const char *bdf; } t[] = {
		{ 33, "2.1.0" }, { 34, "2.2.0" }, { 160, "3.0.0" },
		{ 1184, "4.0.0" }, { 192, "11.0.0" }, { 224, "19.0.0" },
		{ 256, "27.0.0" }, { 1216, "12.0.0" }, { 7, "0.7.0" },
	};
	struct vmx *x = parse(win10);
	struct pci_addr pci;
	char why[640], b[16];

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		cr_assert_eq(vmx_slot_pci(x, t[i].slot, &pci, why, sizeof(why)), 0,
			     "%u: %s", t[i].slot, why);
		cr_assert_str_eq(pci_addr_str(&pci, b, sizeof(b)), t[i].bdf,
				 "slot %u", t[i].slot);
	}
	cr_assert_eq(vmx_slot_pci(x, 9 << 5, &pci, why, sizeof(why)), -ENOENT);
	cr_assert(strstr(why, "pciBridge8"), "%s", why);
	vmx_free(x);
}

Test(vmx, no_slot_yet_is_assumed_and_said)
{
	struct vmx_vm vm;
	char b[16];

	vm_of("guestOS = \"windows11-64\"\nethernet0.present = \"TRUE\"\n"
	      "ethernet1.present = \"TRUE\"\nethernet1.virtualDev = \"vmxnet3\"\n"
	      "ethernet2.present = \"TRUE\"\nethernet2.virtualDev = \"e1000\"\n", &vm);
	cr_assert_str_eq(vm.nic[0].model, "e1000e");
	cr_assert(vm.nic[0].model_assumed);
	cr_assert(vm.nic[0].pci_known && vm.nic[0].pci_assumed);
	cr_assert_str_eq(pci_addr_str(&vm.nic[0].pci, b, sizeof(b)), "3.0.0");
	cr_assert(strstr(vm.nic[0].pci_why, "a guess"), "%s", vm.nic[0].pci_why);
	cr_assert_not(vm.nic[1].pci_known);
	cr_assert(strstr(vm.nic[1].pci_why, "first power-on"));
	cr_assert_str_eq(pci_addr_str(&vm.nic[2].pci, b, sizeof(b)), "2.3.0");
	cr_assert_eq(vm.nic[0].conn, VMX_BRIDGED);
	cr_assert_not(vm.nic[0].dhcp_known);
}

Test(vmx, serial_pipes_as_the_dialog_sets_them)
{
	struct vmx_vm vm;

	vm_of("serial0.present = \"FALSE\"\nserial1.present = \"TRUE\"\n"
	      "serial1.fileType = \"pipe\"\nserial1.fileName = \"\\\\.\\pipe\\com_1\"\n"
	      "serial1.pipe.endPoint = \"client\"\nserial1.tryNoRxLoss = \"TRUE\"\n"
	      "serial1.yieldOnMsrRead = \"true\"\n", &vm);
	cr_assert_not(vm.serial[0].present);
	cr_assert_eq(vm.serial[1].type, VMX_SER_PIPE);
	cr_assert_str_eq(vm.serial[1].file_name, "\\\\.\\pipe\\com_1");
	cr_assert(vm.serial[1].has_endpoint && !vm.serial[1].server);
	cr_assert(vm.serial[1].try_no_rx_loss && vm.serial[1].yield_on_msr_read);
	cr_assert_eq(vmx_com_port(&vm, 1), 1);
}

Test(vmx, bad_values_kdh_reads_are_file_line_errors)
{
	static const struct { const char *text, *want; } t[] = {
		{ "ethernet0.present = \"yes please\"\n", "t.vmx:1: ethernet0.present: "
		  "'yes please' is not TRUE or FALSE" },
		{ "ethernet0.present = \"TRUE\"\nethernet0.connectionType = \"wifi\"\n",
		  "t.vmx:2: ethernet0.connectionType: 'wifi' is not bridged" },
		{ "ethernet0.present = \"TRUE\"\nethernet0.connectionType = \"custom\"\n",
		  "t.vmx:2: ethernet0.connectionType = \"custom\" needs ethernet0.vnet" },
		{ "ethernet0.present = \"TRUE\"\nethernet0.pciSlotNumber = \"x\"\n",
		  "t.vmx:2: ethernet0.pciSlotNumber: 'x' is not a PCI slot number" },
		{ "ethernet0.present = \"TRUE\"\nethernet0.generatedAddress = \"00:0c\"\n",
		  "is not a MAC address" },
		{ "serial0.present = \"TRUE\"\nserial0.fileType = \"tcp\"\n",
		  "t.vmx:2: serial0.fileType: 'tcp' is not device" },
		{ "serial0.present = \"TRUE\"\nserial0.pipe.endPoint = \"both\"\n",
		  "is not server or client" },
		{ "firmware = \"coreboot\"\n", "t.vmx:1: firmware: 'coreboot'" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct vmx *x = parse(t[i].text);
		struct vmx_vm vm;
		char err[512] = "";

		cr_assert_eq(vmx_vm_read(x, &vm, err, sizeof(err)), -EINVAL, "%s",
			     t[i].text);
		cr_assert(strstr(err, t[i].want), "'%s' lacks '%s'", err, t[i].want);
		vmx_free(x);
	}
}

Test(vmx, as_a_vmconf)
{
	struct vmx_vm vm;
	struct vmconf c;
	struct pci_addr pci;
	char err[256], b[16];

	vm_of(win10, &vm);
	cr_assert_eq(vmx_to_vmconf(&vm, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert(c.vmware);
	cr_assert(c.has_net[0] && !c.has_net[1]);
	cr_assert_str_eq(c.nets[0].model, "e1000e");
	cr_assert_str_eq(c.nets[0].bridge, "vmnet8");
	cr_assert_str_eq(c.ostype, "win10");
	cr_assert_str_eq(c.bios, "ovmf");
	cr_assert_str_eq(c.serial[0], "device");
	cr_assert_eq(pve_guest_nic_pci(&c, 0, &pci), 0);
	cr_assert_str_eq(pci_addr_str(&pci, b, sizeof(b)), "3.0.0");
	cr_assert_neq(pve_guest_nic_pci(&c, 1, &pci), 0);
}

Test(vmx, vmware_shows_its_own_cpuid_vendor_so_no_hyperv_finding)
{
	struct finding *f = g_new0(struct finding, CHECK_MAX_FINDINGS);
	struct qemu_opts o = { .kvm = true };
	struct check_ctx x;
	struct vmx_vm vm;
	struct vmconf c;
	char err[256], vendor[13];
	size_t n;

	vm_of(win10, &vm);
	cr_assert_eq(vmx_to_vmconf(&vm, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pve_guest_hv_vendor(&c, true, &o, NULL, vendor), 1);
	cr_assert_str_eq(vendor, "VMwareVMware");
	check_ctx_init(&x, WIN_BUILD_DEFAULT);
	check_ctx_windows(&x, &c, NULL, err, sizeof(err));
	n = kdh_check(&c, NULL, &x, f, CHECK_MAX_FINDINGS);
	for (size_t i = 0; i < n; i++)
		cr_assert_neq(f[i].level, FIND_BLOCK, "%s", f[i].text);
	cr_assert_eq(kdh_check_debug_nic(&c, NULL, &x), 0);
	g_free(f);
}
