// SPDX-License-Identifier: GPL-2.0-or-later
/* test_scenario_vmx.c - VMware VMs in scenarios: [vm] vmx = FILE and
 * pasted .vmx lines, their errors at the right file:line, what a .vmx
 * [vm] refuses, and the VM<->VM pipe pair [debugger] vmx = FILE makes */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "kdh/scenario/scenario.h"

/* A .vmx as the wizard writes it, less what kdh does not read */
static const char nat_vmx[] =
	".encoding = \"UTF-8\"\n"				/* 1 */
	"config.version = \"8\"\n"
	"virtualHW.version = \"20\"\n"
	"pciBridge0.present = \"TRUE\"\n"
	"pciBridge4.present = \"TRUE\"\n"			/* 5 */
	"pciBridge4.virtualDev = \"pcieRootPort\"\n"
	"pciBridge4.functions = \"8\"\n"
	"firmware = \"efi\"\n"
	"guestOS = \"windows9-64\"\n"
	"ethernet0.connectionType = \"nat\"\n"			/* 10 */
	"ethernet0.addressType = \"generated\"\n"
	"ethernet0.virtualDev = \"e1000e\"\n"
	"serial0.fileType = \"device\"\n"
	"serial0.fileName = \"thinprint\"\n"
	"ethernet0.present = \"TRUE\"\n"			/* 15 */
	"serial0.present = \"TRUE\"\n"
	"pciBridge0.pciSlotNumber = \"17\"\n"
	"pciBridge4.pciSlotNumber = \"21\"\n"
	"ethernet0.pciSlotNumber = \"160\"\n"
	"ethernet0.generatedAddress = \"00:0c:29:c7:63:f5\"\n";	/* 20 */

/* The wizard's VM with serial0 a pipe: @end "server" or "client" */
static char *pipe_vmx(const char *end, const char *name, const char *mac)
{
	GString *s = g_string_new(nat_vmx);
	char *p = strstr(s->str, "serial0.fileType");

	g_string_truncate(s, (gsize)(p - s->str));
	g_string_append_printf(s,
		"serial0.fileType = \"pipe\"\n"			/* 13 */
		"serial0.fileName = \"%s\"\n"
		"serial0.pipe.endPoint = \"%s\"\n"		/* 15 */
		"serial0.present = \"TRUE\"\n"
		"ethernet0.present = \"TRUE\"\n"
		"pciBridge0.pciSlotNumber = \"17\"\n"
		"pciBridge4.pciSlotNumber = \"21\"\n"
		"ethernet0.pciSlotNumber = \"160\"\n"		/* 20 */
		"ethernet0.generatedAddress = \"%s\"\n", name, end, mac);
	return g_string_free(s, FALSE);
}

struct dir {
	char *path;
};

static void put(const struct dir *d, const char *name, const char *text)
{
	char *f = g_build_filename(d->path, name, NULL);

	cr_assert(g_file_set_contents(f, text, -1, NULL), "%s", f);
	g_free(f);
}

/* Parse @text as DIR/s.kdh: 0 or the error in @err ("s.kdh:..." with the
 * directory cut, so the expected messages stay short) */
static int parse(const struct dir *d, const char *text, struct scenario *sc,
		 char *err, size_t len)
{
	char *f = g_build_filename(d->path, "s.kdh", NULL);
	int rc;

	put(d, "s.kdh", text);
	rc = scenario_load(f, sc, err, len);
	g_free(f);
	if (rc) {
		char *cut = g_strdup(err);
		char *pre = g_strconcat(d->path, "/", NULL);
		GString *g = g_string_new(cut);

		g_string_replace(g, pre, "", 0);
		snprintf(err, len, "%s", g->str);
		g_string_free(g, TRUE);
		g_free(pre);
		g_free(cut);
	}
	return rc;
}

static struct dir dir_new(void)
{
	struct dir d = { g_dir_make_tmp("kdh-scvmx-XXXXXX", NULL) };
	char *server = pipe_vmx("server", "\\\\.\\pipe\\com_1", "00:0c:29:00:00:01");
	char *client = pipe_vmx("client", "\\\\.\\pipe\\COM_1", "00:0c:29:00:00:02");
	char *server2 = pipe_vmx("server", "\\\\.\\pipe\\com_1", "00:0c:29:00:00:03");
	char *client2 = pipe_vmx("client", "\\\\.\\pipe\\com_1", "00:0c:29:00:00:04");
	char *other = pipe_vmx("client", "\\\\.\\pipe\\com_2", "00:0c:29:00:00:05");
	char *sock = pipe_vmx("server", "/tmp/com_1", "00:0c:29:00:00:06");
	char *sock_up = pipe_vmx("client", "/tmp/COM_1", "00:0c:29:00:00:07");

	cr_assert(d.path);
	put(&d, "nat.vmx", nat_vmx);
	put(&d, "server.vmx", server);
	put(&d, "client.vmx", client);
	put(&d, "server2.vmx", server2);
	put(&d, "client2.vmx", client2);
	put(&d, "other.vmx", other);
	put(&d, "sock.vmx", sock);
	put(&d, "sock-up.vmx", sock_up);
	put(&d, "bad.vmx", ".encoding = \"UTF-8\"\nguestOS = \"windows9-64\n");
	g_free(server);
	g_free(client);
	g_free(server2);
	g_free(client2);
	g_free(other);
	g_free(sock);
	g_free(sock_up);
	return d;
}

static void dir_free(struct dir *d)
{
	test_rmtree(d->path);
	g_free(d->path);
}

#define NAT	"[network vmnet8]\ntype = dhcp\nsubnet = 192.168.127.0/24\n"

Test(scenario_vmx, vmx_file_gives_nics_ostype_and_pci)
{
	struct dir d = dir_new();
	struct scenario sc;
	char err[600];
	const struct sc_vm *vm;

	cr_assert_eq(parse(&d, NAT "[vm w]\nvmx = nat.vmx\nbusparams = 3.0.0\n",
			   &sc, err, sizeof(err)), 0, "%s", err);
	vm = &sc.vms[0];
	cr_assert_eq(vm->vmx_line, 5);
	cr_assert_not(vm->vmx_pasted);
	cr_assert(vm->conf.vmware);
	cr_assert_str_eq(vm->ostype, "win10");
	cr_assert_eq(vm->n_nets, 1);
	cr_assert_str_eq(vm->nets[0].model, "e1000e");
	cr_assert_str_eq(vm->nets[0].bridge, "vmnet8");
	cr_assert_eq(vm->nets[0].mac[5], 0xf5);
	cr_assert(vm->conf.nic_pci_known[0]);
	cr_assert_eq(vm->conf.nic_pci[0].bus, 3, "slot 160 is 3.0.0");
	cr_assert_eq(vm->conf.nic_pci[0].dev, 0);
	cr_assert(vm->pipe[0].printer, "serial0 is the wizard's printer");
	cr_assert_not(vm->serial[0], "a printer is not linkable");
	/* the debugger defaults to .1 of vmnet8: the host's VMnet8 adapter */
	cr_assert_str_eq(sc.dbg.network, "vmnet8");
	cr_assert_eq(sc.dbg.ip, 0xc0a87f01);
	dir_free(&d);
}

Test(scenario_vmx, pasted_lines_read_as_a_vmx)
{
	struct dir d = dir_new();
	struct scenario sc;
	char err[600];
	const struct sc_vm *vm;

	cr_assert_eq(parse(&d, NAT "[vm w]\n"
			   "guestOS = \"windows11-64\"\n"
			   "ethernet0.present = \"TRUE\"\n"
			   "ethernet0.connectionType = \"nat\"\n"
			   "ethernet0.virtualDev = \"vmxnet3\"\n"
			   "sata0:1.present = \"TRUE\"\n"
			   "sata0:1.fileName = \"C:\\iso\\win11.iso\"\n"
			   "ethernet0.generatedAddress = \"00:0c:29:00:00:09\"\n"
			   "windows = win11-23h2\n", &sc, err, sizeof(err)), 0,
		     "%s", err);
	vm = &sc.vms[0];
	cr_assert(vm->vmx_pasted);
	cr_assert_eq(vm->vmx_line, 5);
	cr_assert_eq(vm->net_line[0], 6, "ethernet0.present's line");
	cr_assert_str_eq(vm->ostype, "win11");
	cr_assert_str_eq(vm->nets[0].model, "vmxnet3");
	cr_assert_eq(vm->tc.windows_build, 22631);
	dir_free(&d);
}

/* Proxmox's `description: "..."` is quoted too, but split at ':': a
 * Proxmox line, not a .vmx one */
Test(scenario_vmx, proxmox_quoted_value_stays_proxmox)
{
	struct dir d = dir_new();
	struct scenario sc;
	char err[600];

	cr_assert_eq(parse(&d, "[network lan]\ntype = static\n[vm w]\n"
			   "description: \"my vm\"\n"
			   "net0: e1000=BC:24:11:00:00:01,bridge=lan\n", &sc, err,
			   sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.vms[0].vmx_line, 0);
	cr_assert_not(sc.vms[0].conf.vmware);
	dir_free(&d);
}

/* Each bad input: the exact message, at the scenario's line or the
 * .vmx's */
static const struct { const char *text, *err; } bad[] = {
	{ "[vm w]\nvmx = nat.vmx\n",
	  "s.kdh:2: [vm w]: ethernet0 is on vmnet8, and the scenario has no "
	  "[network vmnet8]: add [network vmnet8] with type = dhcp (VMware's NAT "
	  "network hands out addresses by DHCP; the host is .1 of its subnet)" },
	{ "[vm w]\nguestOS = \"windows9-64\"\nethernet0.present = \"TRUE\"\n",
	  "s.kdh:3: [vm w]: ethernet0 is on vmnet0, and the scenario has no "
	  "[network vmnet0]: add [network vmnet0] with your LAN's settings "
	  "(bridged: type = static, or dhcp where the LAN has a DHCP server, and "
	  "its subnet)" },
	{ NAT "[vm w]\nvmx = bad.vmx\n",
	  "s.kdh:5: bad.vmx:2: the value's opening quote has no closing one" },
	{ NAT "[vm w]\nguestOS = \"windows9-64\"\n\nethernet0.present = \"TRUE\n",
	  "s.kdh:7: the value's opening quote has no closing one" },
	{ NAT "[vm w]\nvmx = nat.vmx\nnet1: e1000=BC:24:11:00:00:01,bridge=vmnet8\n",
	  "s.kdh:6: net1: a Proxmox line in [vm w], a VMware VM (vmx = on line "
	  "5): a [vm] is one or the other; set it in the .vmx instead" },
	{ NAT "[vm w]\nostype: win10\nethernet0.present = \"TRUE\"\n",
	  "s.kdh:5: ostype: a Proxmox line in [vm w], a VMware VM (its .vmx "
	  "lines from line 6): a [vm] is one or the other; set it in the .vmx "
	  "instead" },
	{ NAT "[vm w]\nvmx = nat.vmx\nethernet0.present = \"TRUE\"\n",
	  "s.kdh:6: a .vmx line in [vm w], which reads vmx = nat.vmx (line 5): "
	  "give the .vmx as a file or paste its lines, not both" },
	{ NAT "[vm w]\nvmx = nat.vmx\ntarget = vm\n",
	  "s.kdh:6: target = vm: [vm w] is a VMware VM (its .vmx at line 5), "
	  "which kdh runs simulated only (target = sim)" },
	{ NAT "[vm w]\nvmx = nat.vmx\ndbgsettings = serial debugport:1 "
	  "baudrate:115200\n",
	  "s.kdh:6: dbgsettings serial debugport:1: COM1 of [vm w] is serial0, "
	  "the printer the new-VM wizard adds (serial0.fileName = \"thinprint\"): "
	  "remove the printer (VM Settings > Printer > Remove) so the serial port "
	  "is COM1" },
	{ NAT "[vm w]\nvmx = server.vmx\ndbgsettings = serial debugport:2 "
	  "baudrate:115200\n",
	  "s.kdh:6: dbgsettings serial debugport:2: [vm w]'s .vmx has no COM2 "
	  "(COMn is the n-th serialN present): add a serial port on a named "
	  "pipe, or debugport:1 for serial0, the pipe" },
	{ NAT "[vm w]\nvmx = missing.vmx\n",
	  "s.kdh:5: vmx: missing.vmx: No such file or directory" },
	{ NAT "[debugger]\nvmx = server2.vmx\n[vm w]\nvmx = server.vmx\n",
	  "s.kdh:5: the debugger VM's serial0 (server2.vmx:14) and [vm w]'s "
	  "serial0 (server.vmx:14) are both pipe servers of \\\\.\\pipe\\com_1: "
	  "make the debuggee's end the server (serial0.pipe.endPoint = "
	  "\"server\") and the debugger VM's the client (serial0.pipe.endPoint = "
	  "\"client\"); check both: kdh check server.vmx server2.vmx" },
	{ NAT "[debugger]\nvmx = client2.vmx\n[vm w]\nvmx = client.vmx\n",
	  "s.kdh:5: the debugger VM's serial0 (client2.vmx:14) and [vm w]'s "
	  "serial0 (client.vmx:14) are both pipe clients of \\\\.\\pipe\\com_1: "
	  "make the debuggee's end the server (serial0.pipe.endPoint = "
	  "\"server\") and the debugger VM's the client (serial0.pipe.endPoint = "
	  "\"client\"); check both: kdh check client.vmx client2.vmx" },
	{ NAT "[debugger]\nvmx = other.vmx\n[vm w]\nvmx = server.vmx\n",
	  "s.kdh:5: the debugger VM's serial0 (other.vmx:14) is on the pipe "
	  "\\\\.\\pipe\\com_2, and no [vm]'s .vmx has a pipe of that name: give "
	  "both ends the same fileName; check both: kdh check server.vmx "
	  "other.vmx" },
	/* a unix socket path (Linux or macOS host) keeps its case */
	{ NAT "[debugger]\nvmx = sock-up.vmx\n[vm w]\nvmx = sock.vmx\n",
	  "s.kdh:5: the debugger VM's serial0 (sock-up.vmx:14) is on the pipe "
	  "/tmp/COM_1, and no [vm]'s .vmx has a pipe of that name: give both "
	  "ends the same fileName; check both: kdh check sock.vmx sock-up.vmx" },
	{ NAT "[debugger]\nvmx = nat.vmx\n[vm w]\nvmx = server.vmx\n",
	  "s.kdh:5: vmx = nat.vmx: the debugger VM has no serial port on a named "
	  "pipe (serialN.fileType = \"pipe\"), the COM port its WinDbg uses; "
	  "check both: kdh check server.vmx nat.vmx" },
	{ NAT "[debugger]\nvmx = client.vmx\n[vm w]\nvmx = server.vmx\n"
	  "[vm v]\nvmx = server2.vmx\n",
	  "s.kdh:9: [vm w] serial0 and [vm v] serial0 are both on the pipe "
	  "\\\\.\\pipe\\COM_1: a pipe joins two ends; check both: kdh check "
	  "server2.vmx client.vmx" },
	{ "[scenario]\nserial = link w:serial0 debugger\n" NAT
	  "[debugger]\nvmx = client.vmx\n[vm w]\nvmx = server.vmx\n",
	  "s.kdh:7: serial: w:serial0 is linked twice (also line 2)" },
};

Test(scenario_vmx, bad_inputs_give_exact_messages)
{
	struct dir d = dir_new();
	struct scenario sc;
	char err[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_neq(parse(&d, bad[i].text, &sc, err, sizeof(err)), 0,
			      "case %zu parsed", i);
		cr_assert_str_eq(err, bad[i].err, "case %zu", i);
	}
	dir_free(&d);
}

/* The seed's VM<->VM layout: the debugger VM's client of the debuggee's
 * server (names compared as Windows does, case-insensitively) is the link
 * debuggee:serial0 <-> debugger, at the port's baud rate */
Test(scenario_vmx, debugger_vm_pipe_links_the_pair)
{
	struct dir d = dir_new();
	struct scenario sc;
	char err[600];

	cr_assert_eq(parse(&d, NAT "[debugger]\nvmx = client.vmx\n[vm w]\n"
			   "vmx = server.vmx\ndbgsettings = serial debugport:1 "
			   "baudrate:57600\n", &sc, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.n_serials, 1);
	cr_assert_eq(sc.serials[0].vm[0], 0);
	cr_assert_eq(sc.serials[0].port[0], 0);
	cr_assert_eq(sc.serials[0].vm[1], SC_DEBUGGER);
	cr_assert_eq(sc.serials[0].baud, 57600);
	cr_assert_eq(sc.serials[0].line, 5);
	cr_assert(sc.vms[0].serial[0]);
	cr_assert(sc.vms[0].pipe[0].server);
	cr_assert_eq(sc.vms[0].vmx_com[0], 0, "COM1 is serial0");
	/* `serial = link` still works for a .vmx VM's pipe */
	cr_assert_eq(parse(&d, "[scenario]\nserial = link w:serial0 debugger\n"
			   NAT "[vm w]\nvmx = server.vmx\n", &sc, err,
			   sizeof(err)), 0, "%s", err);
	cr_assert_eq(sc.n_serials, 1);
	dir_free(&d);
}

/* The built-in scenarios read their .vmx files from the compiled-in
 * copies, under the names the scenarios give */
Test(scenario_vmx, builtin_files_are_the_source_trees)
{
	const char *src = getenv("KDH_SCENARIOS");

	cr_assert(src);
	cr_assert_geq(n_builtin_files, 3);
	for (size_t i = 0; i < n_builtin_files; i++) {
		char *f = g_build_filename(src, builtin_files[i].name, NULL), *text;

		cr_assert(g_file_get_contents(f, &text, NULL, NULL), "%s", f);
		cr_assert_str_eq(text, builtin_files[i].text, "%s", f);
		g_free(text);
		g_free(f);
	}
}
