// SPDX-License-Identifier: GPL-2.0-or-later
/* vm_cmds.c - `kdh qemu-cmd`: a Proxmox VM config as QEMU sees it; and
 * what `kdh check` (check_cmd.c) and `kdh watch` share: reading a config
 * and bcdedit output, printing findings */
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
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/platform/qemu_devices.h"
#include "kdh/util/textfile.h"
#include "netsim/value.h"
#include "kdh/platform/winbuild.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_qemu_cmd;

/**
 * check_vmid_of() - the VM id a config's file name gives
 * @path:	e.g. "/etc/pve/qemu-server/105.conf"
 *
 * Return: 105, or 0 when the name is no VMID.conf
 */
unsigned check_vmid_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char *end;
	unsigned long v;

	base = base ? base + 1 : path;
	v = strtoul(base, &end, 10);
	return g_ascii_isdigit(*base) && !strcmp(end, ".conf") && v < 1000000000 ?
		(unsigned)v : 0;
}

/**
 * check_conf_load() - read a VM config for a command, saying why not
 * @cmd:	the command (for messages)
 * @path:	the file
 * @c:		output
 * @verbose:	also note the lines kept and ignored (a key qemu-server
 *		does not have is noted always)
 *
 * Return: 0, or KDH_EXIT_USAGE after printing "file:line: what is wrong"
 */
int check_conf_load(const struct kdh_cmd *cmd, const char *path,
		    struct vmconf *c, bool verbose)
{
	char err[512];

	if (g_str_has_prefix(path, "/etc/pve/") &&
	    !g_file_test("/etc/pve", G_FILE_TEST_IS_DIR))
		return cli_error(cmd, KDH_EXIT_USAGE, "%s: no /etc/pve here: this "
				 "is not a Proxmox VE host; give the VM config's "
				 "file (copied from the host) or --config-dir DIR",
				 path);
	if (vmconf_load(path, c, err, sizeof(err)))
		return cli_error(cmd, KDH_EXIT_USAGE, "%s", err);
	for (size_t i = 0; i < c->n_notes; i++)
		if (verbose || strstr(c->notes[i], "not a qemu-server"))
			fprintf(stderr, "kdh %s: note: %s:%s\n", cmd->name, path,
				c->notes[i]);
	return 0;
}

/**
 * check_file_is_vmx() - the file is a VMware .vmx: its name ends in .vmx
 * (any case), or its text reads as one (vmx_text_is_vmx())
 * @path:	the file
 *
 * Return: true for a .vmx; false for anything else, or a file that cannot
 * be read (the Proxmox reader then says why)
 */
bool check_file_is_vmx(const char *path)
{
	char err[256];
	size_t len = strlen(path);
	gchar *text;
	bool is;

	if (len > 4 && !g_ascii_strcasecmp(path + len - 4, ".vmx"))
		return true;
	text = text_read(path, FILE_VMCONF, err, sizeof(err));
	is = text && vmx_text_is_vmx(text);

	g_free(text);
	return is;
}

/* --cpu-models FILE, or the default file when it exists */
static int cpu_models_load(const char *path, struct pve_cpu_models **out)
{
	char err[512];

	*out = NULL;
	if (!path && !g_file_test(PVE_CPU_DEFAULT_MODELS, G_FILE_TEST_EXISTS))
		return 0;
	*out = g_new0(struct pve_cpu_models, 1);
	if (!pve_cpu_models_load(path ? path : PVE_CPU_DEFAULT_MODELS, *out, err,
				 sizeof(err)))
		return 0;
	g_free(*out);
	*out = NULL;
	return cli_error(&kdh_cmd_qemu_cmd, KDH_EXIT_USAGE, "%s", err);
}

/* --lines: after each NIC's -device, the b.d.f the guest sees it at */
static void lines_print(const struct vmconf *c, const char *text)
{
	gchar **l = g_strsplit(text, "\n", -1);

	for (gchar **p = l; *p; p++) {
		const char *nd = strstr(*p, ",netdev=net");
		struct pci_addr pci;
		char b[16];
		unsigned n;

		if (**p || p[1])
			printf("%s\n", *p);
		if (nd && sscanf(nd, ",netdev=net%u,", &n) == 1 && n < PVE_MAX_NETS &&
		    c->has_net[n] && !pve_guest_nic_pci(c, n, &pci))
			printf("# net%u: the guest sees it at %s (bcdedit busparams %s)\n",
			       n, pci_addr_str(&pci, b, sizeof(b)), b);
	}
	g_strfreev(l);
}

/* "kdh qemu-cmd: PREFIX" before each line of @text */
static void stderr_lines(const char *prefix, const char *text)
{
	gchar **l = g_strsplit(text, "\n", -1);

	for (gchar **p = l; *p; p++)
		if (**p)
			fprintf(stderr, "kdh qemu-cmd: %s%s\n", prefix, *p);
	g_strfreev(l);
}

static int qemu_cmd_print(const struct vmconf *c, struct qemu_opts *o,
			  const char *path, bool lines)
{
	char err[512], *cpu, *text;
	GString *notes;
	GPtrArray *a;

	cpu = pve_cpu_for_opts(c, o->kvm && c->kvm, o, err, sizeof(err));
	if (!cpu)
		return cli_error(&kdh_cmd_qemu_cmd, KDH_EXIT_USAGE, "%s: %s", path,
				 err);
	g_free(cpu);
	if (!o->vmid && !(o->vmid = check_vmid_of(path)))
		o->vmid = 100;
	notes = g_string_new(NULL);
	a = qemu_argv_new(c, o, notes, err, sizeof(err));
	for (unsigned i = 0; i < PVE_MAX_NETS; i++)	/* kdh's runs pull the plug */
		if (c->has_net[i] && !pve_net_link_up(&c->nets[i]))
			g_string_append_printf(notes, "net%u: link_down=1: qemu-server "
					       "starts the NIC, then sets its link down "
					       "over QMP (set_link net%u up=false); this "
					       "command line leaves it up\n", i, i);
	stderr_lines("note: ", notes->str);
	g_string_truncate(notes, 0);
	if (a)	/* what the argv does not reproduce, -v or not */
		qemu_left_out(c, o->net == QEMU_NET_PROXMOX, notes);
	stderr_lines("", notes->str);
	g_string_free(notes, TRUE);
	if (!a)
		return cli_error(&kdh_cmd_qemu_cmd, KDH_EXIT_USAGE, "%s: %s", path,
				 err);
	text = qemu_argv_join(a, lines);
	if (lines)
		lines_print(c, text);
	else
		fputs(text, stdout);
	g_free(text);
	g_ptr_array_unref(a);
	return KDH_EXIT_OK;
}

static int qemu_cmd_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vmid", required_argument, NULL, 'i' },
		{ "lines", no_argument, NULL, 'l' },
		{ "proxmox", no_argument, NULL, 'p' },
		{ "tcg", no_argument, NULL, 't' },
		{ "qemu-version", required_argument, NULL, 'Q' },
		{ "cpu-models", required_argument, NULL, 'M' },
		{ "host-cpu-vendor", required_argument, NULL, 'V' },
		{ "config-dir", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = "/etc/pve/qemu-server";
	struct qemu_opts o = { .kvm = true, .net = QEMU_NET_STREAM,
		.serial_dir = "/var/run/qemu-server", .sock_dir = "SOCKDIR" };
	struct pve_cpu_models *models;
	const char *models_path = NULL;
	bool lines = false, verbose = false;
	struct vmconf c;
	uint64_t vmid;
	char *path;
	struct cli_once once = { 0 };
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:lpthvd:", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_qemu_cmd, &once, opt, opts, "i:lpthvd:"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'i':
			if (value_uint(optarg, 1, 999999999, &vmid))
				return cli_usage_error(&kdh_cmd_qemu_cmd, "--vmid: '%s' is "
						       "not a VM id (1-999999999)", optarg);
			o.vmid = (unsigned)vmid;
			break;
		case 'l': lines = true; break;
		case 'p': o.net = QEMU_NET_PROXMOX; break;
		case 't': o.kvm = false; break;
		case 'Q':
			if (pve_version_parse(optarg, &o.qemu) || !o.qemu.major)
				return cli_usage_error(&kdh_cmd_qemu_cmd, "--qemu-version: "
						       "'%s' is not X.Y[.Z]", optarg);
			break;
		case 'M': models_path = optarg; break;
		case 'd': dir = optarg; break;
		case 'V':
			if (strcmp(optarg, "GenuineIntel") && strcmp(optarg, "AuthenticAMD"))
				return cli_usage_error(&kdh_cmd_qemu_cmd, "--host-cpu-vendor:"
						       " '%s' is not GenuineIntel or "
						       "AuthenticAMD", optarg);
			o.host_cpu_vendor = optarg;
			break;
		case 'v': verbose = true; break;
		case 'h': cli_help_print(&kdh_cmd_qemu_cmd); return KDH_EXIT_OK;
		default:  return cli_bad_option(&kdh_cmd_qemu_cmd, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(&kdh_cmd_qemu_cmd, "expected one VM config or VMID");
	path = check_config_path(argv[optind], dir);
	if (check_file_is_vmx(path)) {
		rc = cli_error(&kdh_cmd_qemu_cmd, KDH_EXIT_USAGE, "%s: a VMware "
			       ".vmx, not a Proxmox VM config: QEMU does not run it "
			       "(kdh check %s reads it)", path, path);
		g_free(path);
		return rc;
	}
	rc = check_conf_load(&kdh_cmd_qemu_cmd, path, &c, verbose);
	if (!rc && !(rc = cpu_models_load(models_path, &models))) {
		o.cpu_models = models;
		rc = qemu_cmd_print(&c, &o, path, lines);
		g_free(models);
	}
	g_free(path);
	return rc;
}

static const char *const level_tag[] = { "ok", "WARN", "BLOCK", "note" };

/**
 * check_config_path() - the config file a VMCONF|VMID argument names
 * @arg:	"105" or a path
 * @dir:	where VMID.conf files are (/etc/pve/qemu-server)
 *
 * Return: g_malloc'd path: "105" is DIR/105.conf, anything else itself
 */
char *check_config_path(const char *arg, const char *dir)
{
	if (*arg && strspn(arg, "0123456789") == strlen(arg))
		return g_strdup_printf("%s/%s.conf", dir, arg);
	return g_strdup(arg);
}

/**
 * check_bcdedit_load() - read a file of bcdedit output for a command
 * @cmd:	the command (for messages)
 * @bcd:	the file
 * @d:		output
 *
 * Return: 0, or KDH_EXIT_USAGE after printing "file:line: what is wrong"
 */
int check_bcdedit_load(const struct kdh_cmd *cmd, const char *bcd,
		       struct dbgsettings *d)
{
	char err[512];
	gchar *text = text_read(bcd, FILE_BCDEDIT, err, sizeof(err));
	int rc;

	if (!text)
		return cli_error(cmd, KDH_EXIT_USAGE, "%s", err);
	rc = dbgsettings_parse(bcd, text, d, err, sizeof(err));
	g_free(text);
	if (rc)
		return cli_error(cmd, KDH_EXIT_USAGE, "%s", err);
	return 0;
}

/**
 * check_findings_print() - kdh check's lines: one per finding, its fix
 * under it, then how many block
 * @out:	where
 * @conf:	the config's name, for the last line
 * @f:		findings (kdh_check())
 * @n:		their count
 * @dp:		the {dbgsettings} they were made with, or NULL
 *
 * Return: KDH_EXIT_OK when none blocks, else KDH_EXIT_FAIL
 */
int check_findings_print(FILE *out, const char *conf, const struct finding *f,
			 size_t n, const struct dbgsettings *dp)
{
	size_t blocks = 0;

	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%-6s %s\n", level_tag[f[i].level], f[i].text);
		if (f[i].fix[0])
			fprintf(out, "       fix: %s\n", f[i].fix);
		blocks += f[i].level == FIND_BLOCK;
	}
	fprintf(out, "%s: %zu finding%s block%s %s\n", conf, blocks, blocks == 1 ? "" :
	       "s", blocks == 1 ? "s" : "", dp && !strcasecmp(dp->debugtype,
						"SERIAL") ? "serial debugging" : "KDNET");
	return blocks ? KDH_EXIT_FAIL : KDH_EXIT_OK;
}

const struct kdh_cmd kdh_cmd_qemu_cmd = {
	.name = "qemu-cmd",
	.summary = "the QEMU command line Proxmox would run for a VM config",
	.usage = "kdh qemu-cmd VMCONF|VMID [--vmid N] [--lines] [--proxmox] [--tcg]\n"
		 "       [--qemu-version X.Y] [--cpu-models FILE] "
		 "[--host-cpu-vendor V] [--config-dir DIR] [--verbose]",
	.run = qemu_cmd_main,
	.help =
"Reads a Proxmox VE VM config (a file, or a VMID: VMID.conf in\n"
"/etc/pve/qemu-server or --config-dir) and prints\n"
"the QEMU argv qemu-server builds for it, as far as KDNET cares: the -cpu\n"
"string (kvm64 with its Hyper-V enlightenments for Windows ostypes), the\n"
"machine (i440fx or q35, qemu-server's version pinning), the firmware\n"
"(bios: ovmf: the OVMF images efidisk0's efitype and pre-enrolled-keys\n"
"pick, e.g. OVMF_CODE_4M.secboot.fd for efitype=4m on q35), the display\n"
"adapter (vga: none gives -vga none and no adapter, as an x-vga GPU\n"
"does), the balloon (none with balloon: 0), the PCI layout (bridges;\n"
"net0..net5 on pci.0 at 0x12..0x17, net6.. on pci.1), NIC devices, serial\n"
"sockets.  -display none stands for qemu-server's -vnc or -nographic, and\n"
"the firmware is -drive if=pflash where machines 10.0+ get the same files\n"
"as -blockdev.\n"
"\n"
"What the argv leaves out of the config is said on stderr, one line each,\n"
"with or without -v:\n"
"  kdh qemu-cmd: hostpci0 (0000:01:00.0,x-vga=1) left out: PCI passthrough\n"
"  needs the host's device\n"
"  kdh qemu-cmd: efidisk0 (VOLUME) left out: the UEFI variables are a fresh\n"
"  copy of VARS\n"
"  kdh qemu-cmd: efidisk0 pre-enrolled-keys=1 left out: kdh's own run\n"
"  boots /usr/share/OVMF/OVMF_CODE_4M.fd without Secure Boot (...)\n"
"Lines that do not change the argv kdh cares about (disks, boot order,\n"
"agent) are noted with -v.\n"
"\n"
"Without --proxmox the argv is the one kdh runs: q35's -readconfig\n"
"pve-q35-4.0.cfg as -device arguments, the upstream machine type the\n"
"installed QEMU has (a newer one runs as its newest, with a note), and\n"
"Debian's 4M OVMF without Secure Boot, the VM's variables in\n"
"SOCKDIR/VMID-ovmf.fd.\n"
"\n"
"Options:\n"
"  --vmid N     VM id (default: from the file name, else 100)\n"
"  --lines      one argument per line\n"
"  --proxmox    the tap/pve-bridge netdevs of a PVE host instead of kdh's\n"
"               -netdev stream sockets (SOCKDIR/netN.sock), and its\n"
"               pve-edk2-firmware OVMF images\n"
"  --tcg        without KVM (no hv flags, qemu64, accel=tcg)\n"
"  --qemu-version X.Y\n"
"               the QEMU version qemu-server would see (default: unknown:\n"
"               the latest machine, no flags that need QEMU 11.0)\n"
"  --cpu-models FILE\n"
"               custom CPU models for cputype custom-NAME (default:\n"
"               /etc/pve/virtual-guest/cpu-models.conf when it exists)\n"
"  --host-cpu-vendor V\n"
"               GenuineIntel (default) or AuthenticAMD: the host CPU\n"
"               qemu-server reads (hv_evmcs, nested-virt = vmx or svm)\n"
"  --config-dir DIR\n"
"               where VMID.conf is when a VMID is given (default\n"
"               /etc/pve/qemu-server)\n"
"  -v, --verbose\n"
"               also note every config line kept and ignored\n"
"\n"
"A cpu:, vga:, balloon: or efidisk0: value qemu-server refuses, or a bad\n"
"cpu-models file, is an error (exit status 2).\n"
"\n"
"Exit status: 0 printed, 2 bad usage or a bad or missing VM config or\n"
"cpu-models file.\n",
};
