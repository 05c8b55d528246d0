// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vmconf.c - Proxmox VM configs, the PCI map, -cpu per ostype, the
 * QEMU argv, and `kdh check` findings on a dozen configs */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/platform/check.h"
#include "kdh/util/textfile.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/qemu_argv.h"

static const char conf_100[] =
	"#Windows 10 debuggee\n"
	"boot: order=scsi0;net0\n"
	"cores: 2\n"
	"memory: 4096\n"
	"name: win10dbg\n"
	"net0: e1000=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n"
	"net1: e1000=BC:24:11:00:00:02,bridge=vmbr1,tag=5\n"
	"net6: virtio=BC:24:11:00:00:07,bridge=vmbr2\n"
	"ostype: win10\n"
	"scsi0: local-lvm:vm-100-disk-0,size=64G\n"
	"serial0: socket\n"
	"\n[snap1]\nostype: other\n";

static void parse(const char *text, struct vmconf *c)
{
	char err[256];

	cr_assert_eq(vmconf_parse("100.conf", text, c, err, sizeof(err)), 0, "%s", err);
}

Test(vmconf, parses_what_matters_and_notes_the_rest)
{
	struct vmconf c;

	parse(conf_100, &c);
	cr_assert_str_eq(c.ostype, "win10", "snapshot sections are not read");
	cr_assert_eq(c.memory, 4096);
	cr_assert_eq(c.cores, 2);
	cr_assert_str_eq(c.name, "win10dbg");
	cr_assert(c.has_net[0] && c.has_net[1] && c.has_net[6]);
	cr_assert_eq(vmconf_n_nets(&c), 3);
	cr_assert_eq(c.nets[1].tag, 5);
	cr_assert(c.nets[0].firewall);
	cr_assert_str_eq(c.nets[6].model, "virtio");
	cr_assert_str_eq(c.serial[0], "socket");
	cr_assert_eq(c.n_notes, 2);
	cr_assert_str_eq(c.notes[0], "2: 'boot' kept and ignored");
}

static void bad(const char *text, const char *msg)
{
	struct vmconf c;
	char err[256];

	cr_assert_neq(vmconf_parse("100.conf", text, &c, err, sizeof(err)), 0);
	cr_assert_str_eq(err, msg);
}

Test(vmconf, malformed_lines_are_file_line_errors)
{
	bad("memory: 4096\nnot a line\n", "100.conf:2: 'not a line' is not 'key: value'");
	bad("net0: e1000=BC:24:11:00:00\n", "100.conf:1: net0: 'BC:24:11:00:00' is "
	    "not a MAC address");
	bad("net0: e1001=BC:24:11:00:00:01\n", "100.conf:1: net0: unknown NIC model "
	    "'e1001' (e1000, e1000e, virtio, rtl8139, vmxnet3, ...)");
	bad("ostype: win12\n", "100.conf:1: ostype: unknown 'win12' (other, win10, "
	    "win11, l26, ...)");
	bad("net0: e1000=BC:24:11:00:00:01\nnet0: e1000=BC:24:11:00:00:02\n",
	    "100.conf:2: 'net0' appears twice");
	bad("bios: uefi\n", "100.conf:1: bios: 'uefi' is not seabios or ovmf");
	bad("serial1: tcp:1234\n", "100.conf:1: serial1: 'tcp:1234' is not socket "
	    "or /dev/... (all Proxmox accepts)");
	bad("memory: lots\n", "100.conf:1: memory: 'lots' is not MiB");
	bad("net0: e1000=BC:24:11:00:00:01,tag=9999\n", "100.conf:1: net0: tag "
	    "'9999' is not a VLAN id (1-4094)");
}

Test(vmconf, pci_map_as_qemu_server)
{
	struct pci_addr p;
	char b[16];

	pve_net_pci(0, &p);
	cr_assert_str_eq(pci_addr_str(&p, b, sizeof(b)), "0.18.0");
	pve_net_pci(1, &p);
	cr_assert_str_eq(pci_addr_str(&p, b, sizeof(b)), "0.19.0", "the seed's busparams");
	pve_net_pci(5, &p);
	cr_assert_str_eq(pci_addr_str(&p, b, sizeof(b)), "0.23.0");
	pve_net_pci(6, &p);
	cr_assert_str_eq(pci_addr_str(&p, b, sizeof(b)), "1.1.0");
	pve_net_pci(31, &p);
	cr_assert_str_eq(pci_addr_str(&p, b, sizeof(b)), "1.26.0");
	cr_assert_neq(pve_net_pci(32, &p), 0);
}

/* busparams b.d.f: found by tests/fuzz/text (regressions/text/bdf-plus-
 * sign): sscanf's %u took "0.+18.0" (and " 0", "-0") as 0.18.0 */
Test(vmconf, busparams_digits_and_dots_only)
{
	static const char *const bad[] = { "0.+18.0", " 0.18.0", "0.-0.0",
		"0.18.0 ", "0.18", "0.18.0.1", "256.0.0", "0.32.0", "0.0.8", "",
		"0..0", "0.18.0x" };
	struct pci_addr p;

	cr_assert_eq(pci_addr_parse("0.18.0", &p), 0);
	cr_assert(p.bus == 0 && p.dev == 18 && p.fn == 0);
	cr_assert_eq(pci_addr_parse("255.031.7", &p), 0);
	cr_assert(p.bus == 255 && p.dev == 31 && p.fn == 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_eq(pci_addr_parse(bad[i], &p), -EINVAL, "'%s'", bad[i]);
}

static void cpu_is(const char *conf, bool kvm, const char *want)
{
	struct vmconf c;
	char *cpu;

	parse(conf, &c);
	cpu = pve_cpu_string(&c, NULL, kvm);
	cr_assert_str_eq(cpu, want, "%s", conf);
	g_free(cpu);
}

Test(vmconf, cpu_flags_per_ostype)
{
	cpu_is("ostype: win10\n", true, "kvm64,enforce,hv_ipi,hv_relaxed,hv_reset,"
	       "hv_runtime,hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,"
	       "hv_vpindex,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	/* the latest machine (11.0+pve2) on an Intel host adds hv_evmcs */
	cpu_is("ostype: win11\n", true, "kvm64,enforce,hv_evmcs,hv_ipi,hv_relaxed,"
	       "hv_reset,"
	       "hv_runtime,hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,"
	       "hv_vpindex,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
	cpu_is("ostype: w2k8\n", true, "kvm64,enforce,hv_reset,hv_runtime,"
	       "hv_spinlocks=0x1fff,hv_time,hv_vapic,hv_vpindex,+kvm_pv_eoi,"
	       "+kvm_pv_unhalt,+lahf_lm,+sep");
	cpu_is("ostype: other\n", true, "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,"
	       "+lahf_lm,+sep");
	cpu_is("ostype: l26\n", true, "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,"
	       "+lahf_lm,+sep");
	cpu_is("ostype: wxp\n", true, "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,"
	       "+lahf_lm,+sep");
	cpu_is("ostype: solaris\n", true, "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,"
	       "+lahf_lm,+sep,-x2apic");
	cpu_is("ostype: win10\n", false, "qemu64");
	cpu_is("ostype: win10\ncpu: host\n", true, "host,hv_ipi,hv_relaxed,hv_reset,"
	       "hv_runtime,hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,"
	       "hv_vpindex,+kvm_pv_eoi,+kvm_pv_unhalt");
}

static bool has_pair(GPtrArray *a, const char *opt, const char *val)
{
	for (guint i = 0; i + 1 < a->len; i++)
		if (!strcmp(g_ptr_array_index(a, i), opt) &&
		    !strcmp(g_ptr_array_index(a, i + 1), val))
			return true;
	return false;
}

Test(vmconf, qemu_argv_proxmox_and_kdh)
{
	struct vmconf c;
	struct qemu_opts o = { .vmid = 100, .kvm = true, .net = QEMU_NET_PROXMOX,
		.serial_dir = "/var/run/qemu-server" };
	char err[256];
	GPtrArray *a;

	parse(conf_100, &c);
	a = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	cr_assert(a, "%s", err);
	cr_assert(has_pair(a, "-device", "e1000,mac=BC:24:11:00:00:02,netdev=net1,"
			   "bus=pci.0,addr=0x13,id=net1,bootindex=301"));
	cr_assert(has_pair(a, "-device", "virtio-net-pci,mac=BC:24:11:00:00:07,"
			   "netdev=net6,bus=pci.1,addr=0x1,id=net6,bootindex=302"));
	cr_assert(has_pair(a, "-netdev", "type=tap,id=net1,ifname=tap100i1,script="
			   "/usr/libexec/qemu-server/pve-bridge,downscript=/usr/libexec/"
			   "qemu-server/pve-bridgedown"));
	cr_assert(has_pair(a, "-chardev", "socket,id=serial0,path=/var/run/"
			   "qemu-server/100.serial0,server=on,wait=off"));
	cr_assert(has_pair(a, "-device", "isa-serial,chardev=serial0"));
	cr_assert(has_pair(a, "-device", "pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,"
			   "addr=0x1e"));
	/* qemu-server's pinned type carries +pve0 (Machine.pm get_vm_machine) */
	cr_assert(has_pair(a, "-machine", "hpet=off,type=pc-i440fx-5.1+pve0"));
	cr_assert(has_pair(a, "-id", "100"));
	g_ptr_array_unref(a);

	o.net = QEMU_NET_STREAM;
	o.sock_dir = "/tmp/s";
	o.kvm = false;
	o.kernel = "vmlinuz";
	o.initrd = "initrd.img";
	o.append = "console=ttyS1";
	o.console = "/tmp/c";
	a = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	cr_assert(a, "%s", err);
	cr_assert(has_pair(a, "-netdev", "stream,id=net0,server=off,addr.type=unix,"
			   "addr.path=/tmp/s/net0.sock"));
	cr_assert(has_pair(a, "-cpu", "qemu64"), "TCG: no hv flags");
	cr_assert(has_pair(a, "-machine", "hpet=off,accel=tcg,type=pc-i440fx-5.1"));
	cr_assert(has_pair(a, "-kernel", "vmlinuz"));
	cr_assert(has_pair(a, "-chardev", "file,id=kdhconsole,path=/tmp/c"));
	cr_assert_eq(qemu_console_index(&c), 1, "after serial0: ttyS1");
	cr_assert_not(has_pair(a, "-id", "100"), "-id is a Proxmox patch");
	g_ptr_array_unref(a);
}

struct check_case {
	const char *conf, *bcdedit;
	enum check_network net;
	size_t blocks;
	const char *says;
};

static const char *const models[] = { "e1000", "e1000e", "vmxnet3" };

static const struct check_case cases[] = {
	{ "ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  "debugtype NET\nhostip 192.168.2.1\nport 50000\nkey 1.2.3.4\ndhcp No\n",
	  NET_STATIC, 0, "KDNET will use net0 (e1000 at 0.18.0, bridge vmbr0)" },
	{ "ostype: win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  "dhcp No\n", NET_STATIC, 1, "Hyper-V enlightenments" },
	{ "ostype: win10\nkvm: 0\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  "dhcp No\n", NET_STATIC, 0, "dhcp no" },
	{ "ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  "dhcp Yes\n", NET_STATIC, 1, "waits ~10 minutes" },
	{ "ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  "dhcp Yes\n", NET_DHCP, 0, "dhcp yes on a network with a DHCP server" },
	{ "ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n",
	  NULL, NET_UNKNOWN, 0, "fine with a DHCP server" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\nnet1: e1000=BC:24:11:00:00:02,bridge=b\n",
	  "busparams 0.19.0\ndhcp No\n", NET_STATIC, 0, "net1 (e1000 at 0.19.0, bridge b), "
	  "named by busparams 0.19.0" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "busparams 0.25.0\ndhcp No\n",
	  NET_STATIC, 1, "names no NIC" },
	{ "net0: rtl8139=BC:24:11:00:00:01,bridge=a\n", "busparams 0.18.0\ndhcp No\n",
	  NET_STATIC, 1, "which KDNET does not drive" },
	{ "net0: rtl8139=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 1,
	  "no NIC of this VM is a model KDNET drives" },
	{ "net0: rtl8139=BC:24:11:00:00:01,bridge=a\nnet1: e1000=BC:24:11:00:00:02,bridge=b\n",
	  "dhcp No\n", NET_STATIC, 0, "say which: bcdedit /set {dbgsettings} busparams 0.19.0" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a,link_down=1\n", "dhcp No\n",
	  NET_STATIC, 1, "link_down=1" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "port 1234\ndhcp No\n",
	  NET_STATIC, 1, "outside 49152-65535" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "key 1.2.3\ndhcp No\n",
	  NET_STATIC, 1, "expected 4 dot-separated words" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "debugtype Local\ndhcp No\n",
	  NET_STATIC, 1, "debugtype is Local, not NET" },
	/* q35: the NICs are behind a bridge the guest numbers 6 (measured) */
	{ "machine: pc-q35-8.1\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n"
	  "net1: e1000=BC:24:11:00:00:02,bridge=b\n", "busparams 0.19.0\ndhcp No\n",
	  NET_STATIC, 1, "busparams 0.19.0 names no NIC on this q35 VM: 0.19.0 is "
	  "net1 on i440fx" },
	{ "machine: q35\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n"
	  "net1: e1000=BC:24:11:00:00:02,bridge=b\n", "busparams 0.19.0\ndhcp No\n",
	  NET_STATIC, 1, "bcdedit /set {dbgsettings} busparams 6.19.0 (net1)" },
	{ "machine: q35\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n"
	  "net1: e1000=BC:24:11:00:00:02,bridge=b\n", "busparams 6.19.0\ndhcp No\n",
	  NET_STATIC, 0, "KDNET will use net1 (e1000 at 6.19.0, bridge b), named by "
	  "busparams 6.19.0" },
	{ "scsihw: virtio-scsi-single\nnet6: e1000=BC:24:11:00:00:07,bridge=a\n",
	  "busparams 1.1.0\ndhcp No\n", NET_STATIC, 1, "net6 is 2.1.0" },
	{ "machine: pc-i440fx-2.6\nnet0: virtio=BC:24:11:00:00:01,bridge=a\n",
	  "dhcp No\n", NET_STATIC, 1, "legacy interface only" },
	/* Hyper-V as it really works: the guest's CPUID vendor decides */
	{ "ostype: win11\ncpu: x86-64-v2-AES,hv-vendor-id=KVMKVMKVM\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 0,
	  "vendor id \"KVMKVMKVM\"" },
	{ "ostype: win11\ncpu: x86-64-v2-AES\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n",
	  "dhcp No\n", NET_STATIC, 1, "qm set 100 --cpu 'x86-64-v2-AES,hv-vendor-id="
	  "KVMKVMKVM' (keeps the enlightenments" },
	{ "ostype: win11\nhostpci0: 0000:01:00,pcie=1,x-vga=1\nmachine: q35\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 0,
	  "vendor id \"proxmox\"" },
	{ "ostype: other\nargs: -cpu kvm64,hv_relaxed,hv_vapic\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 1,
	  "Hyper-V enlightenments from args: -cpu kvm64,hv_relaxed,hv_vapic, which" },
	{ "ostype: other\nargs: -cpu kvm64,hv-syndbg,hv-relaxed,hv-vendor-id=KVMKVMKVM\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 1,
	  "no vmbus-bridge device" },
	{ "ostype: other\nargs: -device vmbus-bridge -cpu kvm64,hv-syndbg,hv-relaxed,"
	  "hv-vendor-id=KVMKVMKVM\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n",
	  "dhcp No\n", NET_STATIC, 0, "QEMU's Hyper-V synthetic debugger" },
	/* Secure Boot: Proxmox's Windows 11 default efidisk0 (a warning: it
	 * may have been turned off in the firmware since) */
	{ "bios: ovmf\nefidisk0: local-lvm:vm-100-disk-0,efitype=4m,pre-enrolled-"
	  "keys=1,size=4M\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n",
	  NET_STATIC, 0, "the VM boots with Secure Boot on" },
	{ "bios: ovmf\nefidisk0: local-lvm:vm-100-disk-0,efitype=4m,pre-enrolled-"
	  "keys=1\nnet0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n",
	  NET_STATIC, 0, "qm set 100 --efidisk0 STORAGE:1,efitype=4m,pre-enrolled-keys=0" },
	{ "bios: ovmf\nefidisk0: local-lvm:vm-100-disk-0,pre-enrolled-keys=1\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 0,
	  "not efitype=4m: qemu-server takes the 2 MB OVMF images" },
	{ "bios: ovmf\ntpmstate0: local-lvm:vm-100-disk-2,size=4M,version=v2.0\n"
	  "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "dhcp No\n", NET_STATIC, 0,
	  "tpmstate0 (a TPM) turns on neither Secure Boot nor VBS/HVCI" },
	{ "bios: ovmf\nefidisk0: s:1,efitype=4m,pre-enrolled-keys=1\nserial0: "
	  "socket\n", "debugtype Serial\n", NET_UNKNOWN, 0, "Secure Boot policy" },
	/* serial: the NIC and DHCP no longer matter, the COM port does */
	{ "ostype: win10\nserial0: socket\n", "debugtype Serial\ndebugport 1\n"
	  "baudrate 115200\n", NET_STATIC, 0, "COM1 is serial0: socket" },
	{ "net0: e1000=BC:24:11:00:00:01,bridge=a\n", "debugtype Serial\n"
	  "debugport 1\n", NET_UNKNOWN, 1, "qm set 100 --serial0 socket" },
	{ "serial0: socket\n", "debugtype Serial\ndebugport 2\n", NET_UNKNOWN, 1,
	  "debugport 2 (COM2) but the VM has 1 serial port:" },
	{ "serial1: /dev/ttyS1\n", "debugtype Serial\ndebugport 1\n", NET_UNKNOWN, 0,
	  "COM1 is serial1, the host's /dev/ttyS1" },
	{ "serial0: socket\n", "debugtype Serial\nbaudrate 57600\n", NET_UNKNOWN, 0,
	  "baudrate 57600" },
};

Test(vmconf, check_findings)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct check_case *cc = &cases[k];
		struct finding f[CHECK_MAX_FINDINGS];
		struct check_ctx x;
		struct dbgsettings d;
		struct vmconf c;
		char err[256];
		size_t n, blocks = 0;
		bool said = false;

		parse(cc->conf, &c);
		if (cc->bcdedit)
			cr_assert_eq(dbgsettings_parse("bcd.txt", cc->bcdedit, &d, err, sizeof(err)), 0);
		check_ctx_init(&x, 26100);
		x.vmid = 100;
		x.net = cc->net;
		x.models_given = true;
		x.n_models = 3;
		for (size_t i = 0; i < 3; i++)
			snprintf(x.models[i], sizeof(x.models[i]), "%s", models[i]);
		n = kdh_check(&c, cc->bcdedit ? &d : NULL, &x, f, CHECK_MAX_FINDINGS);
		for (size_t i = 0; i < n; i++) {
			blocks += f[i].level == FIND_BLOCK;
			said |= strstr(f[i].text, cc->says) || strstr(f[i].fix, cc->says);
		}
		cr_assert_eq(blocks, cc->blocks, "case %zu: %zu blocks", k, blocks);
		cr_assert(said, "case %zu should say '%s'", k, cc->says);
	}
}

Test(vmconf, bcdedit_enum_output)
{
	const char *text = "Debugger Settings\r\n-----------------\r\n"
		"identifier              {dbgsettings}\r\n"
		"key                     1x2y3z.4a5b6c.7d8e9f.0g1h2i\r\n"
		"debugtype               NET\r\nhostip                  192.168.2.1\r\n"
		"port                    50000\r\ndhcp                    Yes\r\n"
		"busparams               0.19.0\r\n";
	struct dbgsettings d;
	char err[256];

	cr_assert_eq(dbgsettings_parse("bcd.txt", text, &d, err, sizeof(err)), 0);
	cr_assert_str_eq(d.key, "1x2y3z.4a5b6c.7d8e9f.0g1h2i");
	cr_assert_str_eq(d.hostip, "192.168.2.1");
	cr_assert_eq(d.port, 50000);
	cr_assert(d.has_dhcp && d.dhcp);
	cr_assert_str_eq(d.busparams, "0.19.0");
	cr_assert_neq(dbgsettings_parse("bcd.txt", "hello\n", &d, err, sizeof(err)), 0);
}

Test(vmconf, cli_check_and_qemu_cmd)
{
	char *dir = g_dir_make_tmp("kdh-check-XXXXXX", NULL);
	char *conf = g_build_filename(dir, "100.conf", NULL);
	char *bcd = g_build_filename(dir, "bcd.txt", NULL);
	const char *check[] = { getenv("KDH_BIN"), "check", conf, "--bcdedit", bcd,
		"--network", "static", NULL, NULL };
	const char *qemu[] = { getenv("KDH_BIN"), "qemu-cmd", conf, "--lines", NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(conf, conf_100, -1, NULL));
	cr_assert(g_file_set_contents(bcd, "busparams 0.19.0\ndhcp Yes\n", -1, NULL));
	cr_assert_eq(test_run(check, &out, &err), 1, "%s", err);
	cr_assert(strstr(out, "ok     KDNET will use net1"), "%s", out);
	cr_assert(strstr(out, "BLOCK  the guest's CPUID says \"Microsoft Hv\" (Hyper-V "
			  "enlightenments from ostype win10"), "%s", out);
	cr_assert(strstr(out, "       fix: bcdedit /set {dbgsettings} dhcp no"), "%s", out);
	cr_assert(strstr(out, "2 findings block KDNET"), "%s", out);
	cr_assert_null(strstr(err, "kept and ignored"), "notes only with -v: %s", err);
	g_free(out); g_free(err);
	check[7] = "-v";
	cr_assert_eq(test_run(check, &out, &err), 1, "%s", err);
	cr_assert(strstr(err, "note:") && strstr(err, "'scsi0' kept and ignored"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(test_run(qemu, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "\n-cpu\nkvm64,enforce,hv_ipi,"), "%s", out);
	cr_assert(strstr(out, "addr.path=SOCKDIR/net1.sock\n"), "%s", out);
	{	/* a VMID is DIR/VMID.conf, for qemu-cmd as for check */
		const char *by_id[] = { getenv("KDH_BIN"), "qemu-cmd", "100",
			"--config-dir", dir, "--lines", NULL };
		char *out2, *err2;

		cr_assert_eq(test_run(by_id, &out2, &err2), 0, "%s", err2);
		cr_assert_str_eq(out2, out);
		g_free(out2); g_free(err2);
	}
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(conf); g_free(bcd); g_free(dir);
}

/* qemu-server sets link_down over QMP after start: the argv cannot say it */
Test(vmconf, qemu_cmd_says_link_down_is_not_in_the_argv)
{
	char *conf = test_tmpfile(".conf"), *out, *err;
	const char *qemu[] = { getenv("KDH_BIN"), "qemu-cmd", conf, NULL };

	cr_assert(g_file_set_contents(conf, "net0: e1000=BC:24:11:00:00:01,"
				      "bridge=vmbr0,link_down=1\n", -1, NULL));
	cr_assert_eq(test_run(qemu, &out, &err), 0, "%s", err);
	cr_assert(strstr(err, "net0: link_down=1: qemu-server starts the NIC, then "
			 "sets its link down over QMP"), "%s", err);
	g_free(out); g_free(err);
	unlink(conf);
	g_free(conf);
}

Test(vmconf, only_canonical_numbered_keys_are_nics)
{
	struct vmconf c;
	char err[256];

	cr_assert_eq(vmconf_parse("100.conf", "net0: e1000=BC:24:11:00:00:01\n"
				  "net00: e1000=BC:24:11:00:00:02\n"
				  "net+1: e1000=BC:24:11:00:00:03\n", &c, err,
				  sizeof(err)), 0, "%s", err);
	cr_assert_eq(vmconf_n_nets(&c), 1, "net00 and net+1 are not NICs");
	cr_assert_eq(c.nets[0].mac[5], 1, "net00 does not override net0");
	cr_assert_eq(c.n_notes, 2);
	cr_assert_str_eq(c.notes[0], "2: 'net00' is not a qemu-server 9 key; ignored");
}

Test(vmconf, real_windows11_config_keys)
{
	struct vmconf c;
	char err[256];
	const char *text =
		"agent: 1\nbios: ovmf\nboot: order=scsi0;ide2;net0\ncores: 4\n"
		"cpu: x86-64-v2-AES\nefidisk0: local-lvm:vm-105-disk-0,efitype=4m,"
		"pre-enrolled-keys=1,size=4M\nhostpci0: 0000:01:00,pcie=1,x-vga=1\n"
		"ide2: local:iso/Win11.iso,media=cdrom\nmachine: pc-q35-8.1\n"
		"memory: 8192\nmeta: creation-qemu=8.1.5,ctime=1712345678\n"
		"name: win11\nnet0: virtio=BC:24:11:5A:0C:01,bridge=vmbr0,firewall=1\n"
		"numa: 0\nostype: win11\nscsi0: local-lvm:vm-105-disk-1,iothread=1,"
		"size=64G\nscsihw: virtio-scsi-single\nsmbios1: uuid=0b0d\n"
		"sockets: 1\ntpmstate0: local-lvm:vm-105-disk-2,size=4M,version=v2.0\n"
		"vmgenid: 3b8e\n";

	cr_assert_eq(vmconf_parse("105.conf", text, &c, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(c.bios, "ovmf");
	cr_assert_str_eq(c.machine, "pc-q35-8.1");
	cr_assert_str_eq(c.cpu, "x86-64-v2-AES");
	cr_assert_str_eq(c.scsihw, "virtio-scsi-single");
	cr_assert_str_eq(c.creation_qemu, "8.1.5");
	cr_assert(c.hostpci[0].present && c.hostpci[0].x_vga && c.hostpci[0].pcie);
	cr_assert(c.efidisk.present && c.efidisk.line == 6 &&
		  c.efidisk.efitype_4m && c.efidisk.pre_enrolled_keys);
	cr_assert_str_eq(c.efidisk.volume, "local-lvm:vm-105-disk-0");
	cr_assert_eq(c.tpmstate_line, 20);
	cr_assert_eq(c.n_notes, 7, "every other key is a note");
}


/* The one-line command can be pasted into a shell: it reads back as the
 * same words and runs nothing of args: */
Test(vmconf, qemu_cmd_line_is_shell_safe)
{
	struct vmconf c;
	struct qemu_opts o = { .vmid = 100, .kvm = true, .net = QEMU_NET_PROXMOX,
		.serial_dir = "/var/run/qemu-server" };
	GPtrArray *a;
	gchar **back = NULL;
	char *line, err[256];
	gint n;

	parse("args: -name 'x;touch /tmp/p' -device `id` $(id) \"a b\"\n"
	      "net0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n", &c);
	a = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	cr_assert(a, "%s", err);
	line = qemu_argv_join(a, false);
	cr_assert(g_shell_parse_argv(line, &n, &back, NULL), "%s", line);
	cr_assert_eq((guint)n, a->len);
	for (guint i = 0; i < a->len; i++)
		cr_assert_str_eq(back[i], g_ptr_array_index(a, i));
	cr_assert_not_null(strstr(line, " '`id`' '$(id)' "), "%s", line);
	g_strfreev(back);
	g_free(line);
	g_ptr_array_unref(a);
}
