/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pve_pci.h - where qemu-server puts a VM's NICs and bridges, and the
 * b.d.f the guest enumerates for them (busparams) */
#ifndef KDH_PVE_PCI_H
#define KDH_PVE_PCI_H

#include <stdint.h>

#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

/**
 * struct pve_slot - QEMU's view: -device ...,bus=pci.N,addr=0xS
 */
struct pve_slot {
	unsigned bridge;	/* N of pci.N */
	unsigned slot;		/* S */
};

enum pve_bridge_kind {
	PVE_PCI_BRIDGE,		/* pci-bridge pci.N */
	PVE_ROOT_PORT,		/* pcie-root-port (ioh3420 below machine 4.0) */
	PVE_DMI_BRIDGE,		/* i82801b11-bridge "pcidmi" */
};

#define PVE_MAX_BRIDGES	24

/**
 * struct pve_bridge - one bridge of a VM's PCI tree
 * @kind:	what it is
 * @id:		QEMU id ("pci.1", "pcidmi", "ich9-pcie-port-1")
 * @pci_n:	N of pci.N, -1 for other kinds
 * @parent:	index of the bridge it sits behind, -1 for the root bus
 * @slot, @fn:	its address on that bus
 * @bus:	the secondary bus number the firmware gives it
 */
struct pve_bridge {
	enum pve_bridge_kind kind;
	char id[24];
	int pci_n;
	int parent;
	uint8_t slot, fn;
	uint8_t bus;
};

/**
 * struct pve_pci_layout - a VM's bridges, numbered as the guest sees them
 * @chipset:	i440fx (root bus pci.0) or q35 (root bus pcie.0)
 * @b:		bridges, in no particular order
 * @n:		how many
 */
struct pve_pci_layout {
	enum pve_chipset chipset;
	struct pve_bridge b[PVE_MAX_BRIDGES];
	size_t n;
};

int pve_net_slot(unsigned index, struct pve_slot *s);
int pve_pci_layout_of(const struct vmconf *c, const struct pve_machine *m,
		      struct pve_pci_layout *l);
int pve_pci_bridge_bus(const struct pve_pci_layout *l, unsigned n);
int pve_guest_nic_pci(const struct vmconf *c, unsigned index,
		      struct pci_addr *pci);
int pci_lspci_parse(const char *s, struct pci_addr *pci);

#endif /* KDH_PVE_PCI_H */
