// SPDX-License-Identifier: GPL-2.0-or-later
/* check_vmx.c - `kdh check VM.vmx`: what a VMware Workstation VM means for
 * KDNET, each finding with its fix as .vmx lines or the name of the
 * setting in the VM's settings (pure: no I/O)
 *
 * The NIC rules are check_nic.c's on the vmconf vmx_to_vmconf() makes (the
 * b.d.f from pciSlotNumber, decoded in vmx_vm.c); this file adds what only
 * a .vmx says: which VMnet the NIC is on and whether VMware's DHCP serves
 * it (NAT VMnet8 and host-only VMnet1 do, bridged depends on the LAN:
 * Workstation manual, "DHCP Server"), the host's address on that network
 * (x.y.z.1: VMware Server guide, tables 7-1/7-2; that hostip must be it is
 * derived, a guess), "Connect at power on", Secure Boot, and nested
 * virtualization / VBS, whose effect on KDNET nobody has measured (a
 * note).  check_hv.c's "Microsoft Hv" rule is about QEMU's CPUID and says
 * nothing here: VMware's vendor is VMwareVMware.  The Windows build is
 * said in guestOS's words; a guestOS before Windows 8 (no KDNET) is a
 * BLOCK that points to serial debugging, and a virtualDev VMware has not
 * is called a likely typo.  Facts and labels: docs/vmware.md.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "harness/platform/check_priv.h"
#include "kdh/platform/check_vmx.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/**
 * check_vmx_dups() - a note for each key given twice
 * @xf:		the parsed file
 * @f:		findings
 * @n:		their count, advanced
 * @max:	room in @f
 */
void check_vmx_dups(const struct vmx *xf, struct finding *f, size_t *n,
		    size_t max)
{
	for (size_t i = 0; i < xf->n && *n < max; i++)
		if (xf->e[i].dup_line)
			check_add(&f[(*n)++], FIND_NOTE, "%s given twice (%s lines "
				  "%d and %d): VMware's choice is not documented; "
				  "kdh uses the last", xf->e[i].key,
				  base_name(xf->file), xf->e[i].dup_line,
				  xf->e[i].line);
}

/**
 * check_vmx_secboot() - Secure Boot as firmware and uefi.secureBoot say
 * @vm:		the VM
 * @f:		findings
 * @n:		their count, advanced
 */
void check_vmx_secboot(const struct vmx_vm *vm, struct finding *f, size_t *n)
{
	if (!vm->efi || !vm->secure_boot)
		return;
	check_add(&f[*n], FIND_WARN, "uefi.secureBoot.enabled is TRUE (line %d): "
		  "the VM boots with Secure Boot on, and under it bcdedit /debug "
		  "on fails (\"The value is protected by Secure Boot policy\")",
		  vm->secure_boot_line);
	check_fix(&f[(*n)++], "suspend BitLocker if on, power the VM off, set "
		  "uefi.secureBoot.enabled = \"FALSE\" in the .vmx (the VM "
		  "settings' Options > Advanced > \"Enable secure boot\": the "
		  "dialog's name is a guess), then bcdedit /debug on");
}

/* vhv.enable / windows.vbs.enabled: unmeasured, so a note (draft 4.4) */
static void vbs_note(const struct vmx_vm *vm, struct finding *f, size_t *n)
{
	char what[96] = "";

	if (vm->vhv)
		snprintf(what, sizeof(what), "vhv.enable (line %d)", vm->vhv_line);
	if (vm->vbs)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s"
			 "windows.vbs.enabled (line %d)", vm->vhv ? " and " : "",
			 vm->vbs_line);
	if (!what[0])
		return;
	check_add(&f[*n], FIND_NOTE, "%s: with nested virtualization or VBS on, "
		  "Windows may run its own hypervisor in the guest, with Windows "
		  "as its root partition; KDNET should still drive the NIC, but "
		  "this is unmeasured (a guess)", what);
	check_fix(&f[(*n)++], "if the debugger never connects, power the VM off "
		  "and try windows.vbs.enabled = \"FALSE\" and vhv.enable = "
		  "\"FALSE\"");
}

/* The network of the NIC KDNET uses: VMware's DHCP, the host's address */
static enum check_network vmnet_findings(const struct vmx_nic *nic, int i,
					 const struct dbgsettings *d,
					 enum check_network given,
					 struct finding *f, size_t *n)
{
	bool nat = nic->conn == VMX_NAT || !strcasecmp(nic->vnet, "VMnet8");

	if (nic->dhcp_known && nic->dhcp) {
		check_add(&f[*n], FIND_NOTE, "ethernet%d is on %s (%s): VMware's "
			  "DHCP serves it%s, and the debugger is the host at its %s "
			  "address (x.y.z.1 of that network), not its LAN address; "
			  "a debugger on another machine is not reached through %s "
			  "(derived from VMware's address table: a guess)%s%s", i,
			  nat ? "NAT" : "host-only", nic->vnet,
			  given == NET_STATIC ? " unless turned off in the Virtual "
			  "Network Editor (--network static says it is)" : "",
			  nic->vnet,
			  nat ? "NAT" : "a host-only network",
			  d && d->hostip[0] ? "; hostip is " : "",
			  d && d->hostip[0] ? d->hostip : "");
		check_fix(&f[(*n)++], "bcdedit /set {dbgsettings} hostip x.y.z.1 "
			  "(ipconfig on the host: the %s adapter's address)",
			  nic->vnet);
		return given != NET_UNKNOWN ? given : NET_DHCP;
	}
	if (given != NET_UNKNOWN)
		return given;
	if (nic->conn == VMX_BRIDGED)
		check_add(&f[(*n)++], FIND_NOTE, "ethernet%d is bridged (%s): the "
			  "guest is on the host's LAN, where VMware's DHCP does not "
			  "serve; whether the LAN has a DHCP server kdh cannot see "
			  "(say --network static|dhcp)", i, nic->vnet);
	else
		check_add(&f[(*n)++], FIND_NOTE, "ethernet%d is on %s: whether "
			  "VMware's DHCP serves it is the Virtual Network Editor's "
			  "setting (say --network static|dhcp)", i, nic->vnet);
	return NET_UNKNOWN;
}

/* What only the .vmx says about the NIC KDNET uses */
static void nic_notes(const struct vmx_vm *vm, int i,
		      const struct dbgsettings *d, struct finding *f, size_t *n)
{
	const struct vmx_nic *nic = &vm->nic[i];

	if (nic->model_assumed) {
		check_add(&f[*n], FIND_NOTE, "ethernet%d has no virtualDev: VMware "
			  "takes the guestOS's default, which kdh assumes is %s (%s)",
			  i, nic->model, !strcmp(vm->ostype, "win7") ||
			  !strcmp(vm->ostype, "w2k8") ? "documented for Vista and 7"
			  : "a guess");
		check_fix(&f[(*n)++], "ethernet%d.virtualDev = \"%s\" in the .vmx "
			  "to be sure", i, nic->model);
	}
	if (nic->pci_assumed || (nic->pci_known && d && d->has_busparams)) {
		check_add(&f[*n], FIND_NOTE, "ethernet%d's b.d.f: %s", i,
			  nic->pci_why);
		check_fix(&f[(*n)++], "look at Device Manager > the adapter > "
			  "Location in the guest");
	}
	if (!nic->start_connected) {
		check_add(&f[*n], FIND_WARN, "ethernet%d.startConnected is FALSE: "
			  "the NIC is unplugged when the VM powers on, and KDNET "
			  "talks over it at boot", i);
		check_fix(&f[(*n)++], "ethernet%d.startConnected = \"TRUE\" (the "
			  "network adapter's \"Connect at power on\")", i);
	}
}

/* A NIC without a b.d.f: check_nic() cannot place it, say so */
static void nic_unplaced(const struct vmx_vm *vm, struct finding *f,
			 size_t *n, size_t max)
{
	for (int i = 0; i < VMX_MAX_NICS && *n < max; i++)
		if (vm->nic[i].present && !vm->nic[i].pci_known)
			check_add(&f[(*n)++], FIND_NOTE, "ethernet%d is left out: %s",
				  i, vm->nic[i].pci_why);
}

/* The build note in a .vmx's words: "guestOS windows9-64", not Proxmox's
 * "ostype win10" */
static void build_note(const struct vmx_vm *vm, const struct check_ctx *x,
		       struct finding *f, size_t *n)
{
	char word[48];
	const char *at;
	size_t len;

	snprintf(word, sizeof(word), "ostype %s", vm->ostype);
	at = strstr(x->build_note, word);
	if (!at) {
		check_add(&f[(*n)++], FIND_NOTE, "%s", x->build_note);
		return;
	}
	len = strlen(word);
	check_add(&f[(*n)++], FIND_NOTE, "%.*sguestOS %s%s",
		  (int)(at - x->build_note), x->build_note,
		  vm->guest_os[0] ? vm->guest_os : "(none)", at + len);
}

/* A guestOS of a Windows before 8, which has no KDNET; NULL for others.
 * The Windows each guestOS names is read from its name (a guess) */
static const char *old_windows(const struct vmx_vm *vm)
{
	if (!strcmp(vm->ostype, "win7"))
		return "Windows 7 or Server 2008 R2";
	if (!strcmp(vm->ostype, "w2k8"))
		return "Windows Vista or Server 2008";
	if (!strcmp(vm->ostype, "wxp"))
		return "Windows XP";
	return NULL;
}

/* No KDNET before Windows 8: say so, and that serial debugging works */
static bool old_windows_block(const struct vmx_vm *vm,
			      const struct check_ctx *x, struct finding *f,
			      size_t *n)
{
	const char *w = old_windows(vm);

	if (!w || !x->build_assumed)
		return false;
	check_add(&f[*n], FIND_BLOCK, "guestOS %s (line %d) is %s (read from "
		  "its name: a guess): KDNET needs Windows 8 / Server 2012 "
		  "(build 9200) or later, so network debugging is not available",
		  vm->guest_os, vm->guest_os_line, w);
	check_fix(&f[(*n)++], "debug over a serial port: add a named pipe "
		  "serial port to the VM, in the guest bcdedit /dbgsettings serial "
		  "debugport:1 baudrate:115200, then kdh check %s --bcdedit FILE; "
		  "if the guest is newer than its guestOS says, give --windows "
		  "BUILD", base_name(vm->file));
	return true;
}

/* A virtualDev VMware has not: check_nic() calls it a model with no KDNET
 * module; say it is likely a typo (models: V7 in docs/vmware.md) */
static void model_typos(const struct vmx_vm *vm, struct finding *f,
			size_t n)
{
	static const char *const models[] = { "e1000", "e1000e", "vmxnet3",
					      "vlance", "vmxnet" };
	char head[24], tail[64];
	size_t k;

	for (int i = 0; i < VMX_MAX_NICS; i++) {
		const struct vmx_nic *nic = &vm->nic[i];

		for (k = 0; k < G_N_ELEMENTS(models); k++)
			if (!strcmp(nic->model, models[k]))
				break;
		if (!nic->present || nic->model_assumed ||
		    k < G_N_ELEMENTS(models))
			continue;
		snprintf(head, sizeof(head), "ethernet%d ", i);
		snprintf(tail, sizeof(tail), "KDNET module for %s", nic->model);
		for (size_t j = 0; j < n; j++)
			if (g_str_has_prefix(f[j].text, head) &&
			    g_str_has_suffix(f[j].text, tail))
				check_add(&f[j], f[j].level, "ethernet%d is not a "
					  "KDNET NIC: virtualDev '%s' (line %d) is not "
					  "a VMware NIC model (e1000, e1000e, vmxnet3, "
					  "vlance, vmxnet): a typo?", i, nic->model,
					  nic->model_line);
	}
}

/* --network static on VMnet8 or VMnet1: their DHCP can be turned on */
static void dhcp_off_fix(const struct vmx_nic *nic, struct finding *f)
{
	char fix[sizeof(f->fix)];

	if (!nic->dhcp_known || f->level != FIND_BLOCK)
		return;
	snprintf(fix, sizeof(fix), "%s", f->fix);
	check_fix(f, "%s; or turn on %s's DHCP in the Virtual Network Editor",
		  fix, nic->vnet);
}

/**
 * check_vmx() - every finding for a VMware VM and its debug settings
 * @xf:		the parsed file (its keys given twice)
 * @vm:		what it says (vmx_vm_read())
 * @c:		the same VM as a vmconf (vmx_to_vmconf())
 * @d:		{dbgsettings}, NULL when not given (Windows' defaults)
 * @x:		network (--network), Windows build (check_ctx_windows())
 * @f:		output
 * @max:	its size (CHECK_MAX_FINDINGS is enough)
 *
 * Return: number of findings
 */
size_t check_vmx(const struct vmx *xf, const struct vmx_vm *vm,
		 const struct vmconf *c, const struct dbgsettings *d,
		 const struct check_ctx *x, struct finding *f, size_t max)
{
	enum check_network net = x->net;
	size_t n = 0;
	int nic;

	if (max < CHECK_MAX_FINDINGS)
		return 0;
	if (d && !strcasecmp(d->debugtype, "SERIAL")) {
		check_vmx_serial(vm, d, f, &n);
		check_vmx_secboot(vm, f, &n);
		check_vmx_dups(xf, f, &n, max - 1);
		return n;
	}
	if (old_windows_block(vm, x, f, &n)) {
		check_vmx_secboot(vm, f, &n);
		check_vmx_dups(xf, f, &n, max);
		return n;
	}
	if (x->build_note[0])
		build_note(vm, x, f, &n);
	nic = check_nic(c, d, x, f, &n);
	model_typos(vm, f, n);
	nic_unplaced(vm, f, &n, max / 2);
	if (nic >= 0 && nic < VMX_MAX_NICS) {
		nic_notes(vm, nic, d, f, &n);
		net = vmnet_findings(&vm->nic[nic], nic, d, x->net, f, &n);
	}
	check_vmx_secboot(vm, f, &n);
	vbs_note(vm, f, &n);
	check_dhcp_finding(d, net, &f[n++]);
	if (nic >= 0 && nic < VMX_MAX_NICS)
		dhcp_off_fix(&vm->nic[nic], &f[n - 1]);
	if (d)
		check_settings_findings(d, f, &n);
	check_vmx_dups(xf, f, &n, max);
	return n;
}
