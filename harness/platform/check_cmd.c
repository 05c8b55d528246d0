// SPDX-License-Identifier: GPL-2.0-or-later
/* check_cmd.c - `kdh check`: a Proxmox VM config, a VMware .vmx (found by
 * its name or content, or --vmware), or two .vmx files for a VM<->VM
 * serial pair (the debuggee's, then the debugger VM's), read and judged
 * with their {dbgsettings}; the findings come from check.c and check_vmx*.c */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "kdh/platform/check.h"
#include "kdh/platform/check_vmx.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/platform/winbuild.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_check;

/* One .vmx read for kdh check: its lines, what they say, as a vmconf */
struct vmx_in {
	struct vmx *x;
	struct vmx_vm vm;
};

/* Return: 0, or KDH_EXIT_USAGE after "file:line: what is wrong" */
static int vmx_in_load(const char *path, bool forced, struct vmx_in *in)
{
	char err[512];

	if (!forced && !check_file_is_vmx(path))
		return cli_error(&kdh_cmd_check, KDH_EXIT_USAGE, "%s: not a VMware "
				 ".vmx: two files are a VM<->VM serial pair, the "
				 "debuggee's .vmx then the debugger VM's (--vmware "
				 "to read it as one anyway)", path);
	in->x = vmx_load(path, err, sizeof(err));
	if (!in->x)
		return cli_error(&kdh_cmd_check, KDH_EXIT_USAGE, "%s", err);
	if (vmx_vm_read(in->x, &in->vm, err, sizeof(err)) < 0) {
		vmx_free(in->x);
		in->x = NULL;
		return cli_error(&kdh_cmd_check, KDH_EXIT_USAGE, "%s", err);
	}
	return 0;
}

/* kdh check VM.vmx */
static int check_one_vmx(struct vmx_in *in, const char *path,
			 const struct dbgsettings *dp, struct check_ctx *x,
			 const char *windows)
{
	struct finding f[CHECK_MAX_FINDINGS];
	struct vmconf *c = g_new0(struct vmconf, 1);
	char err[512];
	size_t n;
	int rc;

	if (vmx_to_vmconf(&in->vm, c, err, sizeof(err)) < 0) {
		g_free(c);
		return cli_error(&kdh_cmd_check, KDH_EXIT_USAGE, "%s", err);
	}
	if (check_ctx_windows(x, c, windows, err, sizeof(err)) < 0) {
		g_free(c);
		return cli_usage_error(&kdh_cmd_check, "--windows: %s", err);
	}
	n = check_vmx(in->x, &in->vm, c, dp, x, f, CHECK_MAX_FINDINGS);
	rc = check_findings_print(stdout, path, f, n, dp);
	g_free(c);
	return rc;
}

/* kdh check debuggee.vmx debugger.vmx: serial, debugport 1 by default */
static int check_pair(struct vmx_in in[2], char *const paths[2],
		      const struct dbgsettings *dp)
{
	struct finding f[CHECK_MAX_FINDINGS];
	struct dbgsettings d = { .debugtype = "SERIAL" };
	char *name;
	size_t n;
	int rc;

	if (dp && strcasecmp(dp->debugtype, "SERIAL"))
		return cli_usage_error(&kdh_cmd_check, "two .vmx files are a serial "
				       "pair, but --bcdedit says debugtype %s; "
				       "check the debuggee alone for KDNET",
				       dp->debugtype[0] ? dp->debugtype : "NET");
	if (dp)
		d = *dp;
	n = check_vmx_pair(in[0].x, &in[0].vm, in[1].x, &in[1].vm, &d, f,
			   CHECK_MAX_FINDINGS);
	name = g_strdup_printf("%s + %s", paths[0], paths[1]);
	rc = check_findings_print(stdout, name, f, n, &d);
	g_free(name);
	return rc;
}

/* The VMware forms: one .vmx, or a pair */
static int check_vmware(char *const paths[], int npaths, bool forced,
			const char *bcd, struct check_ctx *x,
			const char *windows)
{
	struct vmx_in in[2] = { 0 };
	struct dbgsettings d, *dp = NULL;
	int rc = 0;

	for (int i = 0; i < npaths && !rc; i++)
		rc = vmx_in_load(paths[i], forced || npaths == 1, &in[i]);
	if (!rc && bcd && !(rc = check_bcdedit_load(&kdh_cmd_check, bcd, &d)))
		dp = &d;
	if (!rc)
		rc = npaths == 2 ? check_pair(in, paths, dp) :
			check_one_vmx(&in[0], paths[0], dp, x, windows);
	for (int i = 0; i < npaths; i++)
		vmx_free(in[i].x);
	return rc;
}

/* kdh check VMCONF|VMID: the Proxmox form */
static int check_proxmox(const char *path, const char *bcd,
			 struct check_ctx *x, const char *windows, bool verbose)
{
	struct finding f[CHECK_MAX_FINDINGS];
	struct vmconf *c = g_new0(struct vmconf, 1);
	struct dbgsettings d, *dp = NULL;
	char err[256];
	int rc = check_conf_load(&kdh_cmd_check, path, c, verbose);

	if (!rc && bcd && !(rc = check_bcdedit_load(&kdh_cmd_check, bcd, &d)))
		dp = &d;
	if (!rc) {
		x->vmid = check_vmid_of(path);
		check_ctx_windows(x, c, windows, err, sizeof(err));
		rc = check_findings_print(stdout, path, f, kdh_check(c, dp, x, f,
					  CHECK_MAX_FINDINGS), dp);
	}
	g_free(c);
	return rc;
}

static int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bcdedit", required_argument, NULL, 'b' },
		{ "network", required_argument, NULL, 'n' },
		{ "windows", required_argument, NULL, 'w' },
		{ "config-dir", required_argument, NULL, 'd' },
		{ "vmware", no_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *bcd = NULL, *dir = "/etc/pve/qemu-server", *windows = NULL;
	unsigned build = WIN_BUILD_DEFAULT;
	bool verbose = false, vmware = false;
	enum check_network net = NET_UNKNOWN;
	struct check_ctx x;
	char err[256], note[320], *paths[2] = { NULL, NULL };
	struct cli_once once = { 0 };
	int opt, rc, npaths;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "b:n:w:d:hv", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_check, &once, opt, opts, "b:n:w:d:hv"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'b': bcd = optarg; break;
		case 'd': dir = optarg; break;
		case 'n':
			if (!strcmp(optarg, "static"))
				net = NET_STATIC;
			else if (!strcmp(optarg, "dhcp"))
				net = NET_DHCP;
			else
				return cli_usage_error(&kdh_cmd_check, "--network: '%s' "
						       "is not static or dhcp", optarg);
			break;
		case 'w':
			if (win_build_pick(optarg, NULL, &build, note, sizeof(note),
					   err, sizeof(err)) < 0)
				return cli_usage_error(&kdh_cmd_check, "--windows: %s", err);
			windows = optarg;
			break;
		case 'W': vmware = true; break;
		case 'v': verbose = true; break;
		case 'h': cli_help_print(&kdh_cmd_check); return KDH_EXIT_OK;
		default:  return cli_bad_option(&kdh_cmd_check, argv);
		}
	}
	npaths = argc - optind;
	if (npaths < 1 || npaths > 2)
		return cli_usage_error(&kdh_cmd_check, "expected one VM config or "
				       "VMID, or two .vmx files (the debuggee's, "
				       "then the debugger VM's)");
	for (int i = 0; i < npaths; i++)
		paths[i] = check_config_path(argv[optind + i], dir);
	check_ctx_init(&x, build);
	x.net = net;
	if (npaths == 2 || vmware || check_file_is_vmx(paths[0]))
		rc = check_vmware(paths, npaths, vmware, bcd, &x, windows);
	else
		rc = check_proxmox(paths[0], bcd, &x, windows, verbose);
	g_free(paths[0]);
	g_free(paths[1]);
	return rc;
}

const struct kdh_cmd kdh_cmd_check = {
	.name = "check",
	.summary = "what a VM config and its bcdedit settings mean for KDNET, with fixes",
	.usage = "kdh check VMCONF|VMID|VM.vmx [DEBUGGER.vmx] [--bcdedit FILE]\n"
		 "       [--network static|dhcp] [--windows BUILD] [--vmware] "
		 "[--config-dir DIR]\n       [--verbose]",
	.run = check_main,
	.help =
"A note on the Windows build assumed (--windows), then one finding per\n"
"line (ok, WARN, BLOCK), each with its fix:\n"
"- which NIC KDNET will use: busparams names the b.d.f the *guest* sees\n"
"  (Device Manager's Location).  On i440fx net0..net5 are 0.18.0..0.23.0;\n"
"  on q35 Proxmox's NICs sit behind a PCI bridge with its own bus number,\n"
"  so the i440fx habit 0.19.0 names nothing there and kdh says which value\n"
"  does.  Without busparams: the first NIC in PCI order whose model the\n"
"  Windows build drives (--windows).\n"
"- Hyper-V: KDNET takes Hyper-V's synthetic transport when the guest's\n"
"  CPUID says \"Microsoft Hv\" -- QEMU's vendor once the ostype (win7 and\n"
"  later), cpu: or args: turn on hv_* enlightenments; args: -cpu wins\n"
"  (qemu-server puts args after its own -cpu, QEMU takes the last).  The\n"
"  finding names the line that brings them, and the fixes change that\n"
"  line: keep them with hv-vendor-id=KVMKVMKVM on it, or drop them\n"
"  (ostype other, or the -cpu without hv flags).  Every fix needs qm stop\n"
"  + qm start (a reboot inside Windows keeps the flags).\n"
"  An x-vga GPU (hv_vendor_id=proxmox) and QEMU's hv-syndbg are known.\n"
"- the ~10 minute hang when dhcp is on but the network has no DHCP server,\n"
"  link_down, firewall=1, a port outside 49152-65535, a malformed key.\n"
"- Secure Boot: efidisk0 efitype=4m,pre-enrolled-keys=1 (Proxmox's Windows\n"
"  11 default) boots with Secure Boot on, and under it `bcdedit /debug on`\n"
"  fails (\"The value is protected by Secure Boot policy\"): a warning, as\n"
"  it may have been turned off in the firmware setup since.  A TPM\n"
"  (tpmstate0) turns on neither Secure Boot nor VBS/HVCI.\n"
"With debugtype SERIAL (bcdedit /dbgsettings serial debugport:1\n"
"baudrate:115200) the findings are about the COM port instead: COMn is the\n"
"VM's n-th serialN port; missing, or not a socket to link with\n"
"`kdh serial-link`, or a baud rate WinDbg must match.\n"
"\n"
"VMware Workstation: a .vmx (by name or content, or --vmware) gets the\n"
"same kinds of findings, each fix a .vmx line or the setting's name in the\n"
"VM settings: which ethernetN KDNET uses and the b.d.f the guest sees for\n"
"its pciSlotNumber (160 is 3.0.0; before the first power-on the file has\n"
"none and the address is a guess), whether VMware's DHCP serves it (NAT\n"
"and host-only do; bridged: say --network), hostip the host's VMnet8\n"
"address, Connect at power on, Secure Boot, VBS or nested virtualization\n"
"(a note: unmeasured), a key given twice (kdh uses the last).  With\n"
"debugtype SERIAL COMn is the n-th serialN port, and the wizard's printer\n"
"(fileName thinprint) is serial0, so COM1; a named pipe to WinDbg on the\n"
"host must be \"This end is the server\" and \"The other end is an\n"
"application\", with \"Yield CPU on poll\", and kdh prints the WinDbg line.\n"
"Two .vmx files are a VM<->VM serial pair, the debuggee's first, then the\n"
"debugger VM's (debugtype SERIAL, debugport 1 unless --bcdedit says\n"
"otherwise): the same pipe name, one end the server and the other the\n"
"client, both \"The other end is a virtual machine\", and WinDbg inside\n"
"the debugger VM on com:port=comM, without the pipe option.\n"
"\n"
"Options:\n"
"  --bcdedit FILE     the output of `bcdedit /dbgsettings` or `bcdedit /enum\n"
"                     {dbgsettings}` from the guest, UTF-8 or UTF-16 with its\n"
"                     BOM, at most 256 KiB (default: Windows' defaults:\n"
"                     dhcp yes, no busparams)\n"
"  --network KIND     static or dhcp: the network the debug NIC is on\n"
"  --windows BUILD    the guest's Windows build as you have it: ver's\n"
"                     10.0.19045.5247, winver's 22H2 (Windows 10 or 11 by\n"
"                     the ostype), 19045, win10-22h2, ws2022, ...; it\n"
"                     decides which NIC models KDNET drives (e1000 9200,\n"
"                     e1000e 9600, virtio 19041 with the modern interface,\n"
"                     vmxnet3 26006; rtl8139 never).  Default: the newest\n"
"                     the ostype covers (win10 19045, win11 26100, win8\n"
"                     9600, else 26100), said on a first note line\n"
"  --vmware           read the file as a VMware .vmx whatever its content\n"
"  --config-dir DIR   where VMID.conf is when a VMID is given (default\n"
"                     /etc/pve/qemu-server)\n"
"  -v, --verbose      also list the config lines kept and ignored (disks,\n"
"                     boot order, agent, ...)\n"
"\n"
"Exit status: 0 when nothing blocks KDNET, 1 otherwise, 2 for bad input\n"
"(a malformed .vmx line is FILE:LINE).\n"
"\n"
"Examples:\n"
"  kdh check /etc/pve/qemu-server/100.conf --bcdedit dbg.txt --network static\n"
"  kdh check Win10.vmx --windows 19045\n"
"  kdh check Win10.vmx --bcdedit dbg-serial.txt\n"
"  kdh check Win10.vmx Debugger.vmx\n",
};
