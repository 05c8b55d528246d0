// SPDX-License-Identifier: GPL-2.0-or-later
/* vmx_conf.c - a VMware VM as a struct vmconf, so that kdh check's NIC
 * rules, the simulated debuggee and the runner take it as they take a
 * Proxmox VM (pure)
 *
 * ethernetN becomes netN on the network vmx_nic.network names ("vmnet8"
 * for NAT), its b.d.f in nic_pci (pve_guest_nic_pci() returns it for a
 * vmware config), startConnected FALSE as link_down; the guestOS becomes
 * the ostype with the same Windows builds, firmware efi bios ovmf; serialN
 * is "pipe", "file", "device" or "network".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/vmx.h"

/* No MAC in the file (a hand-written .vmx): VMware's generated prefix
 * 00:0c:29 and the NIC's number, so two NICs never share one */
static void mac_default(unsigned index, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, (uint8_t)(index + 1) };

	memcpy(mac, m, 6);
}

/**
 * vmx_to_vmconf() - a .vmx's VM as a vmconf
 * @vm:		vmx_vm_read()'s result
 * @c:		output (vmconf_init()ed here)
 * @err:	why not
 * @errlen:	its size
 *
 * Return: 0 (a NIC model name too long for vmconf is -EINVAL)
 */
int vmx_to_vmconf(const struct vmx_vm *vm, struct vmconf *c, char *err,
		  size_t errlen)
{
	static const char *const serial_type[] = { "device", "file", "pipe",
						   "network" };

	vmconf_init(c, vm->file);
	c->vmware = true;
	snprintf(c->name, sizeof(c->name), "%s", vm->display_name);
	snprintf(c->ostype, sizeof(c->ostype), "%s", vm->ostype);
	snprintf(c->bios, sizeof(c->bios), "%s", vm->efi ? "ovmf" : "seabios");
	for (unsigned i = 0; i < VMX_MAX_NICS; i++) {
		const struct vmx_nic *n = &vm->nic[i];
		struct pve_net *net = &c->nets[i];

		if (!n->present)
			continue;
		if (strlen(n->model) >= sizeof(net->model) ||
		    strlen(n->network) >= sizeof(net->bridge)) {
			snprintf(err, errlen, "%s:%d: ethernet%u: model or network "
				 "name too long", vm->file, n->line, i);
			return -EINVAL;
		}
		c->has_net[i] = true;
		c->net_line[i] = n->line;
		net->index = i;
		snprintf(net->model, sizeof(net->model), "%s", n->model);
		snprintf(net->bridge, sizeof(net->bridge), "%s", n->network);
		if (n->has_mac)
			memcpy(net->mac, n->mac, 6);
		else
			mac_default(i, net->mac);
		net->link_down = !n->start_connected;
		c->nic_pci[i] = n->pci;
		c->nic_pci_known[i] = n->pci_known;
	}
	for (unsigned i = 0; i < VMX_MAX_SERIALS && i < VMCONF_SERIALS; i++)
		if (vm->serial[i].present)
			snprintf(c->serial[i], sizeof(c->serial[i]), "%s",
				 serial_type[vm->serial[i].type]);
	return 0;
}
