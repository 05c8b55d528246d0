/* pve_pci.h - where qemu-server puts a VM's NICs, and the b.d.f the guest
 * enumerates for them (busparams) */
#ifndef KDH_PVE_PCI_H
#define KDH_PVE_PCI_H

#include "kdh/pve_machine.h"
#include "kdh/vmconf.h"

/**
 * struct pve_slot - QEMU's view: -device ...,bus=pci.N,addr=0xS
 */
struct pve_slot {
	unsigned bridge;	/* N of pci.N */
	unsigned slot;		/* S */
};

int pve_net_slot(unsigned index, struct pve_slot *s);
int pve_guest_nic_pci(const struct vmconf *c, unsigned index,
		      struct pci_addr *pci);

#endif /* KDH_PVE_PCI_H */
