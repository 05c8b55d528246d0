// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu_devices.c - the firmware images, display adapter and balloon
 * qemu-server picks for a VM config, and what kdh leaves out of its argv
 *
 * OVMF (qemu-server OVMF.pm get_ovmf_files, x86_64): efidisk0 without
 * efitype=4m takes the legacy 2 MB OVMF_CODE.fd/OVMF_VARS.fd; efitype=4m
 * takes OVMF_CODE_4M.secboot.fd (the SMM build) on q35 and OVMF_CODE_4M.fd
 * on i440fx, with OVMF_VARS_4M.ms.fd (Microsoft's keys enrolled: Secure
 * Boot on) when pre-enrolled-keys=1, else OVMF_VARS_4M.fd.  The size=
 * of the variables drive is the variables image's: 128 KiB or 528 KiB (the
 * sizes qemu-server's cfg2cmd tests expect).  kdh's own runs keep Debian's
 * OVMF_CODE_4M.fd with a copy of OVMF_VARS_4M.fd: no Secure Boot, so the
 * agent's unsigned kernel boots.
 *
 * The display (QemuServer.pm get_vga_properties, print_vga_device,
 * config_to_command): no vga line is std (cirrus for Windows before Vista,
 * and for every ostype but Windows 6+ below machine 2.9), none when a
 * hostpci has x-vga=1; none and serialN give no adapter (none adds -vga
 * none), serialN and qxl no tablet, and with SeaBIOS both put smm=off on
 * -machine.  balloon: 0 drops virtio-balloon-pci.
 *
 * What kdh does not reproduce is said on stderr, one line each, whatever
 * -v says: hostpci passthrough, the efidisk0 volume, Secure Boot in kdh's
 * own runs, SPICE, AMD SEV.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/qemu_argv.h"
#include "kdh/platform/qemu_devices.h"

#define PVE_EDK2	"/usr/share/pve-edk2-firmware//"

/**
 * qemu_ovmf_pick() - the OVMF images for a config, as qemu-server picks
 * them on a PVE host (@proxmox) or as kdh runs them
 * @c:		config (efidisk0)
 * @q35:	the machine is q35 (qemu-server's SMM choice)
 * @proxmox:	a PVE host's pve-edk2-firmware, else Debian's ovmf
 * @f:		output
 */
void qemu_ovmf_pick(const struct vmconf *c, bool q35, bool proxmox,
		    struct qemu_ovmf *f)
{
	bool m4 = c->efidisk.present && c->efidisk.efitype_4m;
	bool ms = m4 && c->efidisk.pre_enrolled_keys;

	if (!proxmox) {
		f->code = QEMU_OVMF_CODE;
		f->vars = QEMU_OVMF_VARS;
		f->vars_size = 540672;
		return;
	}
	if (!m4) {
		f->code = PVE_EDK2 "OVMF_CODE.fd";
		f->vars = PVE_EDK2 "OVMF_VARS.fd";
		f->vars_size = 131072;
		return;
	}
	f->code = q35 ? PVE_EDK2 "OVMF_CODE_4M.secboot.fd" : PVE_EDK2 "OVMF_CODE_4M.fd";
	f->vars = ms ? PVE_EDK2 "OVMF_VARS_4M.ms.fd" : PVE_EDK2 "OVMF_VARS_4M.fd";
	f->vars_size = 540672;
}

/**
 * qemu_vga_type() - the display type qemu-server takes for a config
 * @c:		config (vga, ostype, hostpciN x-vga)
 * @m:		its machine
 *
 * Return: "std", "cirrus", "none", "serial0", ...
 */
const char *qemu_vga_type(const struct vmconf *c, const struct pve_machine *m)
{
	int win = pve_windows_version(c->ostype);

	if (c->vga[0])
		return c->vga;
	for (int i = 0; i < VMCONF_HOSTPCI; i++)
		if (c->hostpci[i].present && c->hostpci[i].x_vga)
			return "none";
	if (pve_version_at_least(&m->version, 2, 9))
		return !win || win >= 6 ? "std" : "cirrus";
	return win >= 6 ? "std" : "cirrus";
}

static const char *vga_model(const char *type)
{
	static const char *const map[][2] = { { "cirrus", "cirrus-vga" },
		{ "std", "VGA" }, { "vmware", "vmware-svga" },
		{ "virtio", "virtio-vga" }, { "virtio-gl", "virtio-vga-gl" } };

	if (!strncmp(type, "qxl", 3))
		return "qxl-vga";
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (!strcmp(type, map[i][0]))
			return map[i][1];
	return NULL;
}

/**
 * qemu_vga_device() - the -device value of the display adapter
 * @c:		config
 * @m:		its machine
 *
 * Return: g_malloc'd "VGA,id=vga,bus=pci.0,addr=0x2", or NULL for none
 * and serialN (no adapter)
 */
char *qemu_vga_device(const struct vmconf *c, const struct pve_machine *m)
{
	const char *type = qemu_vga_type(c, m), *model = vga_model(type);
	bool qxl = !strncmp(type, "qxl", 3), q35 = m->chipset == PVE_Q35;
	GString *s;

	if (!model)
		return NULL;
	s = g_string_new(NULL);
	g_string_printf(s, "%s,id=vga", model);
	if (c->vga_memory && !strncmp(type, "virtio", 6))
		g_string_append_printf(s, ",max_hostmem=%llu",
				       (unsigned long long)c->vga_memory << 20);
	else if (c->vga_memory && qxl)
		g_string_append_printf(s, ",vgamem_mb=%u,ram_size_mb=%u,vram_size_mb=%u",
				       c->vga_memory, c->vga_memory * 4,
				       c->vga_memory * 2);
	else if (c->vga_memory)
		g_string_append_printf(s, ",vgamem_mb=%u", c->vga_memory);
	if (qxl && !pve_windows_version(c->ostype) &&
	    pve_version_at_least(&m->version, 4, 1))
		g_string_append(s, ",max_outputs=4");
	g_string_append(s, q35 ? ",bus=pcie.0,addr=0x1" : ",bus=pci.0,addr=0x2");
	if (!strcmp(model, "VGA") && pve_windows_version(c->ostype) &&
	    strcmp(c->bios, "ovmf"))
		g_string_append(s, ",edid=off");
	return g_string_free(s, FALSE);
}

/**
 * qemu_left_out() - what kdh's argv does not reproduce of a config, one
 * line each ("hostpci0 (0000:01:00.0,x-vga=1) left out: ...")
 * @c:		config
 * @proxmox:	the argv is a PVE host's (--proxmox), else kdh's own run's
 * @out:	where the lines go, each ending in '\n'
 */
void qemu_left_out(const struct vmconf *c, bool proxmox, GString *out)
{
	bool uefi = !strcmp(c->bios, "ovmf");
	struct qemu_ovmf f;

	for (int i = 0; i < VMCONF_HOSTPCI; i++)
		if (c->hostpci[i].present)
			g_string_append_printf(out, "hostpci%d (%s) left out: PCI "
					       "passthrough needs the host's device\n",
					       i, c->hostpci[i].value);
	qemu_ovmf_pick(c, false, proxmox, &f);	/* the vars: either chipset */
	if (uefi && c->efidisk.present)
		g_string_append_printf(out, "efidisk0 (%s) left out: the UEFI "
				       "variables are a fresh copy of %s\n",
				       c->efidisk.volume, f.vars);
	if (uefi && !proxmox && c->efidisk.efitype_4m &&
	    c->efidisk.pre_enrolled_keys)
		g_string_append_printf(out, "efidisk0 pre-enrolled-keys=1 left out: "
				       "kdh's own run boots %s without Secure Boot "
				       "(--proxmox shows Proxmox's firmware)\n",
				       QEMU_OVMF_CODE);
	if (c->amd_sev[0])
		g_string_append_printf(out, "amd-sev (%s) left out: AMD SEV needs "
				       "the host's CPU\n", c->amd_sev);
	if (!strncmp(c->vga, "qxl", 3))
		g_string_append_printf(out, "vga: %s: the SPICE display left out: "
				       "kdh runs headless\n", c->vga);
}
