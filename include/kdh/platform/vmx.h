/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmx.h - a VMware Workstation .vmx file: its lines (vmx.c), what they say
 * about the NICs, serial ports and firmware KDNET depends on (vmx_vm.c),
 * and the same VM as a struct vmconf, so kdh check's NIC rules, the
 * simulated debuggee and scenarios take a VMware VM as they take a Proxmox
 * one (vmx_conf.c).  Facts and their labels: docs/vmware.md. */
#ifndef KDH_VMX_H
#define KDH_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/platform/pve.h"
#include "kdh/platform/vmconf.h"

/**
 * struct vmx_entry - one `key = "value"` line
 * @key:	as written (keys are compared case-insensitively)
 * @value:	without its quotes, |XX hex escapes undone
 * @line:	its line (the last one when the key is given twice)
 * @dup_line:	the earlier line of the same key, 0 when given once
 */
struct vmx_entry {
	char *key;
	char *value;
	int line;
	int dup_line;
};

/**
 * struct vmx - a .vmx file's lines, the last of each key (VMware's choice
 * for a key given twice is not documented; kdh keeps the last: a guess)
 * @file:	its name, for file:line messages
 * @e:		the entries, in the order of each key's first line
 * @n:		their count
 */
struct vmx {
	char file[256];
	struct vmx_entry *e;
	size_t n;
};

struct vmx *vmx_parse(const char *file, const char *text, char *err,
		      size_t errlen);
struct vmx *vmx_load(const char *path, char *err, size_t errlen);
void vmx_free(struct vmx *x);
const struct vmx_entry *vmx_find(const struct vmx *x, const char *key);
const char *vmx_get(const struct vmx *x, const char *key);
bool vmx_text_is_vmx(const char *text);

#define VMX_MAX_NICS	10	/* Workstation: ethernet0 ... ethernet9 */
#define VMX_MAX_SERIALS	4	/* serial0 ... serial3 */

enum vmx_conn { VMX_BRIDGED, VMX_NAT, VMX_HOSTONLY, VMX_CUSTOM };

/**
 * struct vmx_nic - ethernetN
 * @present:	ethernetN.present = "TRUE"
 * @line:	the .present line (0: absent)
 * @model:	virtualDev (e1000, e1000e, vmxnet3, vlance, vmxnet, ...) or,
 *		without it, the guestOS's default (@model_assumed)
 * @conn:	connectionType (bridged when absent, as VMware)
 * @vnet:	the switch: "VMnet8" for nat, "VMnet1" hostonly, "VMnet0"
 *		bridged, ethernetN.vnet for custom
 * @network:	@vnet lower-cased ("vmnet8"): a scenario's network name
 * @dhcp:	VMware's DHCP serves the switch (VMnet1, VMnet8); for other
 *		switches @dhcp_known is false
 * @mac:	generatedAddress or address (@has_mac)
 * @start_connected: startConnected (default TRUE)
 * @slot:	pciSlotNumber (@has_slot; absent before the first power-on)
 * @pci:	the b.d.f the guest enumerates (@pci_known), decoded from
 *		@slot (VMware KB 2047927) or, without one, Workstation's usual
 *		slot for the NIC (@pci_assumed)
 * @pci_why:	how @pci was found, said in findings
 */
struct vmx_nic {
	bool present;
	int line;
	char model[24];
	bool model_assumed;
	int model_line;
	enum vmx_conn conn;
	int conn_line;
	char vnet[32];
	char network[32];
	bool dhcp, dhcp_known;
	uint8_t mac[6];
	bool has_mac;
	bool start_connected;
	unsigned slot;
	bool has_slot;
	int slot_line;
	struct pci_addr pci;
	bool pci_known, pci_assumed;
	char pci_why[640];
};

enum vmx_serial_type { VMX_SER_DEVICE, VMX_SER_FILE, VMX_SER_PIPE,
		       VMX_SER_NETWORK };

/**
 * struct vmx_serial - serialN (the guest's COM(N+1) when the ports
 * before it are present)
 * @present:	serialN.present = "TRUE"; @line its line
 * @type:	fileType (device when absent)
 * @file_name:	fileName: a pipe (\\.\pipe\com_1, or a socket path on
 *		Linux hosts), a host device, a file, "thinprint"
 * @thinprint:	the wizard's printer port (fileType device, fileName
 *		thinprint)
 * @server:	pipe.endPoint = "server" (@has_endpoint: the key is there)
 * @try_no_rx_loss: "the other end is an application" (TRUE) or "a virtual
 *		machine" (FALSE, the default)
 * @yield_on_msr_read: "Yield CPU on poll"
 * @start_connected: startConnected (default TRUE)
 */
struct vmx_serial {
	bool present;
	int line;
	enum vmx_serial_type type;
	int type_line;
	char file_name[256];
	int file_name_line;
	bool thinprint;
	bool server, has_endpoint;
	int endpoint_line;
	bool try_no_rx_loss;
	int try_no_rx_loss_line;
	bool yield_on_msr_read;
	int yield_line;
	bool start_connected;
};

/**
 * struct vmx_vm - what a .vmx says that matters to KDNET
 * @file:	the .vmx's name
 * @display_name: displayName ("" when absent)
 * @guest_os:	guestOS (lower-cased; "" when absent)
 * @ostype:	the Proxmox ostype with the same Windows range (win10 for
 *		windows9-64, win11 for windows11-64, ...; "other" otherwise)
 * @hw_version:	virtualHW.version, 0 when absent
 * @efi:	firmware = "efi"; @secure_boot uefi.secureBoot.enabled
 * @vhv:	vhv.enable (nested virtualization); @vbs windows.vbs.enabled;
 *		@vvtd vvtd.enable (virtual IOMMU)
 * @nic, @serial: ethernetN and serialN
 */
struct vmx_vm {
	char file[256];
	char display_name[64];
	char guest_os[32];
	int guest_os_line;
	char ostype[16];
	unsigned hw_version;
	bool efi;
	int firmware_line;
	bool secure_boot;
	int secure_boot_line;
	bool vhv, vbs, vvtd;
	int vhv_line, vbs_line, vvtd_line;
	struct vmx_nic nic[VMX_MAX_NICS];
	struct vmx_serial serial[VMX_MAX_SERIALS];
};

/*
 * vmx_parse():	the lines of @text; NULL with "file:line: what is wrong"
 *		for a malformed line (no '=', unbalanced quotes, an empty key)
 * vmx_text_is_vmx(): the text looks like a .vmx (`key = "value"` lines,
 *		.encoding / config.version / virtualHW.version / guestOS):
 *		kdh check's content detection
 * vmx_vm_read(): the KDNET-relevant settings; -EINVAL with file:line for
 *		a value kdh must read and cannot (pciSlotNumber "x", a
 *		connectionType VMware has not, ...)
 * vmx_slot_pci(): the guest's b.d.f for a pciSlotNumber, decoded by KB
 *		2047927 and the bus numbers Workstation's firmware gives its
 *		bridges (a guess, said in @why); -ENOENT when the bridge the
 *		slot names is not in @x
 * vmx_to_vmconf(): @vm as a struct vmconf (vmware = true): nets with
 *		bridge = @network, nic_pci, ostype, bios ovmf for efi, and
 *		serial[N] = "pipe" / "file" / "device" / "network"
 * vmx_com_port(): the serialN that is COM@com (COMn = the n-th present
 *		port, as with Proxmox), -1 when none
 */
int vmx_vm_read(const struct vmx *x, struct vmx_vm *vm, char *err,
		size_t errlen);
int vmx_slot_pci(const struct vmx *x, unsigned slot, struct pci_addr *pci,
		 char *why, size_t whylen);
int vmx_to_vmconf(const struct vmx_vm *vm, struct vmconf *c, char *err,
		  size_t errlen);
int vmx_com_port(const struct vmx_vm *vm, unsigned com);
const char *vmx_conn_name(enum vmx_conn conn);

#endif /* KDH_VMX_H */
