/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmconf.h - the parts of a Proxmox VE <vmid>.conf that matter to KDNET */
#ifndef KDH_VMCONF_H
#define KDH_VMCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/platform/pve.h"

#define VMCONF_SERIALS	4
#define VMCONF_NOTES	32
#define VMCONF_HOSTPCI	16

/**
 * struct vmconf_hostpci - a `hostpciN:` passthrough line, as far as KDNET
 * cares: a GPU with x-vga=1 makes qemu-server set hv_vendor_id=proxmox
 */
struct vmconf_hostpci {
	bool present;
	bool x_vga;
	bool pcie;
	int line;
	char value[128];
};

/**
 * struct vmconf_efidisk - `efidisk0:`, as far as the firmware goes: which
 * OVMF images qemu-server takes (OVMF.pm get_ovmf_files)
 * @present:	the line is there
 * @efitype_4m:	efitype=4m (default 2m: the legacy 2 MB images)
 * @pre_enrolled_keys: pre-enrolled-keys=1 (Microsoft's keys: Secure Boot)
 * @line:	its line
 * @volume:	the volume (local-lvm:vm-105-disk-0)
 */
struct vmconf_efidisk {
	bool present;
	bool efitype_4m;
	bool pre_enrolled_keys;
	int line;
	char volume[128];
};

/**
 * struct vmconf - a VM config (the current config: snapshot sections
 * after the first "[...]" line are not read)
 * @ostype:	"other" when absent, as Proxmox
 * @cpu:	the cpu line ("" = qemu-server's default model)
 * @machine:	the machine line ("" = i440fx "pc", pinned for Windows)
 * @bios:	"seabios" (default) or "ovmf"
 * @scsihw:	the SCSI controller ("" = lsi); virtio-scsi-single adds the
 *		pci.3 bridge on i440fx
 * @creation_qemu: meta: creation-qemu=, "" when absent (pins Windows)
 * @hostpci:	hostpciN lines
 * @efidisk:	the efidisk0 line (OVMF's vars): @efidisk.line 0 when absent
 * @tpmstate_line: the tpmstate0 line (a TPM), 0 when absent
 * @vga:	the vga line's type ("" = qemu-server's default: std, cirrus
 *		for Windows before Vista); @vga_memory its memory= (0: none)
 * @balloon_off: balloon: 0 (no virtio-balloon device)
 * @amd_sev:	the amd-sev line ("" = none), which kdh does not run
 * @template_:	template: 1 (qemu-server starts templates with kvm 0)
 * @memory:	MiB (default 512); @cores, @sockets (default 1)
 * @kvm:	the kvm line (default on)
 * @nets:	netN lines, @has_net marks which N exist
 * @serial:	serialN values ("socket" or "/dev/..."), "" when absent
 * @args:	extra QEMU arguments
 * @notes:	"LINE: ..." for lines kept but ignored
 * @vmware:	read from a VMware .vmx (vmx_to_vmconf()): no qemu-server
 *		layout; each NIC's b.d.f is @nic_pci where @nic_pci_known
 */
struct vmconf {
	char file[256];
	char name[64];
	char ostype[16];
	char cpu[256];
	char machine[96];
	char bios[16];
	char scsihw[32];
	char creation_qemu[16];
	struct vmconf_hostpci hostpci[VMCONF_HOSTPCI];
	struct vmconf_efidisk efidisk;
	int tpmstate_line;
	char vga[16];
	unsigned vga_memory;
	bool balloon_off;
	char amd_sev[64];
	bool template_;
	unsigned memory, cores, sockets;
	bool kvm;
	struct pve_net nets[PVE_MAX_NETS];
	bool has_net[PVE_MAX_NETS];
	int net_line[PVE_MAX_NETS];
	char serial[VMCONF_SERIALS][64];
	char args[4096];
	char notes[VMCONF_NOTES][128];
	size_t n_notes;
	bool vmware;
	struct pci_addr nic_pci[PVE_MAX_NETS];
	bool nic_pci_known[PVE_MAX_NETS];
};

void vmconf_init(struct vmconf *c, const char *file);
int vmconf_take(struct vmconf *c, const char *k, const char *v, int line,
		char *err, size_t len);
bool vmconf_key_ignored(const char *key);
int vmconf_parse(const char *file, const char *text, struct vmconf *c,
		 char *err, size_t errlen);
int vmconf_load(const char *path, struct vmconf *c, char *err, size_t errlen);
size_t vmconf_n_nets(const struct vmconf *c);
int vmconf_take_device(struct vmconf *c, const char *k, const char *v,
		       int line, char *err, size_t len);

#endif /* KDH_VMCONF_H */
