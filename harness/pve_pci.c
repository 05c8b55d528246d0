/* pve_pci.c - qemu-server's PCI slots for NICs (PCI.pm get_pci_addr_map)
 * and the bus numbers the guest's firmware gives the bridges they sit on
 *
 * STUB: i440fx only (bus 0 and pci.1 = bus 1); the helper working on q35
 * replaces it with the measured model.
 */
#include <errno.h>

#include "kdh/pve_pci.h"

/**
 * pve_net_slot() - the bridge and slot qemu-server gives netN
 * @index:	N, 0..31
 * @s:		output
 *
 * Return: 0, or -EINVAL for N above 31
 */
int pve_net_slot(unsigned index, struct pve_slot *s)
{
	if (index < 6)
		*s = (struct pve_slot){ 0, 18 + index };
	else if (index < PVE_MAX_NETS)
		*s = (struct pve_slot){ 1, index - 5 };
	else
		return -EINVAL;
	return 0;
}

/**
 * pve_guest_nic_pci() - the b.d.f the guest enumerates for netN
 * @c:		VM config (machine, bios, other bridges)
 * @index:	N
 * @pci:	output
 *
 * Return: 0, or -EINVAL
 */
int pve_guest_nic_pci(const struct vmconf *c, unsigned index,
		      struct pci_addr *pci)
{
	struct pve_slot s;

	(void)c;
	if (pve_net_slot(index, &s))
		return -EINVAL;
	*pci = (struct pci_addr){ (uint8_t)s.bridge, (uint8_t)s.slot, 0 };
	return 0;
}
