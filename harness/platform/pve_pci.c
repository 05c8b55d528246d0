// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_pci.c - qemu-server's PCI slots for NICs (PCI.pm get_pci_addr_map)
 * and the bus numbers the guest's firmware gives the bridges they sit on
 *
 * Theory of operation: QEMU's addresses name a bridge by id (bus=pci.1);
 * the guest sees bus numbers that the firmware assigns when it scans.
 * SeaBIOS and OVMF both scan depth first from the root bus, devices in
 * slot.function order, and give each bridge they meet the next free bus
 * number before they scan behind it (measured with the agent image,
 * tests/test_vm_pci.c).  So the model is the VM's bridge tree as
 * qemu-server builds it, numbered in that order:
 *
 *   i440fx: pci.0 is the root bus 0; pci.1 (slot 0x1e) and pci.2 (0x1f)
 *	from machine 2.3, pci.3 (slot 5) with scsihw virtio-scsi-single.
 *	net6 on pci.1 is 1.1.0, or 2.1.0 when pci.3 (slot 5 < 0x1e) came
 *	first.
 *   q35: pve-q35-4.0.cfg's root ports 1c.0-1c.3 take buses 1-4, the DMI
 *	bridge at 1e.0 bus 5, pci.0-pci.3 behind it 6-9: net0 is 6.18.0.
 *	Root ports qemu-server adds for hostpci4+ (pcie=1) at 0x10/0x11
 *	come before them and shift everything.
 *
 * Not modelled: bridges of passed-through devices, and pci.4 (behind
 * pci.1, for SCSI controllers past the second; kdh reads no disks).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve.h"
#include "kdh/platform/pve_pci.h"

/**
 * pve_net_slot() - the bridge and slot qemu-server gives netN
 * @index:	N, 0..31
 * @s:		output
 *
 * Return: 0, or -EINVAL for N above 31
 */
int pve_net_slot(unsigned index, struct pve_slot *s)
{
	struct pci_addr a;

	/* one map (pve.c): on i440fx bridge pci.N is bus N */
	if (pve_net_pci(index, &a))
		return -EINVAL;
	*s = (struct pve_slot){ a.bus, a.dev };
	return 0;
}

static int add(struct pve_pci_layout *l, enum pve_bridge_kind kind, int pci_n,
	       int parent, unsigned slot, unsigned fn, const char *id)
{
	struct pve_bridge *b;

	if (l->n == PVE_MAX_BRIDGES)
		return -ENOSPC;
	b = &l->b[l->n];
	*b = (struct pve_bridge){ kind, "", pci_n, parent, (uint8_t)slot,
				  (uint8_t)fn, 0 };
	snprintf(b->id, sizeof(b->id), "%s", id);
	return (int)l->n++;
}

/* Depth first, children in slot.function order: each bridge takes the
 * next bus number, then its own children do */
static void number(struct pve_pci_layout *l, int parent, unsigned *next)
{
	bool done[PVE_MAX_BRIDGES] = { false };

	for (;;) {
		int pick = -1;

		for (size_t i = 0; i < l->n; i++) {
			const struct pve_bridge *b = &l->b[i];

			if (b->parent != parent || done[i])
				continue;
			if (pick < 0 || b->slot * 8 + b->fn <
			    l->b[pick].slot * 8 + l->b[pick].fn)
				pick = (int)i;
		}
		if (pick < 0)
			return;
		done[pick] = true;
		l->b[pick].bus = (uint8_t)++*next;
		number(l, pick, next);
	}
}

static bool any_net_from(const struct vmconf *c, unsigned first)
{
	for (unsigned i = first; i < PVE_MAX_NETS; i++)
		if (c->has_net[i])
			return true;
	return false;
}

static int i440fx(const struct vmconf *c, const struct pve_machine *m,
		  struct pve_pci_layout *l)
{
	bool new_layout = pve_version_at_least(&m->version, 2, 3);
	bool hostpci_pci2 = false;
	int rc = 0;

	for (int i = 4; i < VMCONF_HOSTPCI; i++)
		hostpci_pci2 |= c->hostpci[i].present;
	if (new_layout || any_net_from(c, 6))
		rc |= add(l, PVE_PCI_BRIDGE, 1, -1, 0x1e, 0, "pci.1");
	if (new_layout || hostpci_pci2)
		rc |= add(l, PVE_PCI_BRIDGE, 2, -1, 0x1f, 0, "pci.2");
	if (!strncmp(c->scsihw, "virtio-scsi-single", 18))
		rc |= add(l, PVE_PCI_BRIDGE, 3, -1, 5, 0, "pci.3");
	return rc < 0 ? -ENOSPC : 0;
}

static int q35(const struct vmconf *c, struct pve_pci_layout *l)
{
	char id[24];
	int dmi, rc = 0;

	for (int i = 4; i < VMCONF_HOSTPCI; i++) {
		if (!c->hostpci[i].present || !c->hostpci[i].pcie ||
		    pve_windows_version(c->ostype) == 7)
			continue;	/* win7: on pcie.0 itself, no port */
		snprintf(id, sizeof(id), "ich9-pcie-port-%d", i + 1);
		rc |= add(l, PVE_ROOT_PORT, -1, -1, 0x10 + (i - 4) / 8,
			  (unsigned)(i - 4) % 8, id);
	}
	for (unsigned i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "ich9-pcie-port-%u", i + 1);
		rc |= add(l, PVE_ROOT_PORT, -1, -1, 0x1c, i, id);
	}
	dmi = add(l, PVE_DMI_BRIDGE, -1, -1, 0x1e, 0, "pcidmi");
	for (unsigned i = 0; dmi >= 0 && i < 4; i++) {
		snprintf(id, sizeof(id), "pci.%u", i);
		rc |= add(l, PVE_PCI_BRIDGE, (int)i, dmi, i + 1, 0, id);
	}
	return rc < 0 || dmi < 0 ? -ENOSPC : 0;
}

/**
 * pve_pci_layout_of() - the bridges qemu-server gives a VM, with the bus
 * numbers the guest's firmware assigns them
 * @c:		config (nets, scsihw, hostpciN, ostype)
 * @m:		its machine (pve_machine_of())
 * @l:		output
 *
 * Return: 0, or -ENOSPC (more bridges than kdh models)
 */
int pve_pci_layout_of(const struct vmconf *c, const struct pve_machine *m,
		      struct pve_pci_layout *l)
{
	unsigned next = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	l->chipset = m->chipset;
	rc = m->chipset == PVE_Q35 ? q35(c, l) : i440fx(c, m, l);
	if (rc)
		return rc;
	number(l, -1, &next);
	return 0;
}

/**
 * pve_pci_bridge_bus() - the guest's bus number of QEMU's pci.N
 * @l:		layout
 * @n:		N (on i440fx pci.0 is the root bus, 0)
 *
 * Return: the bus number, or -ENOENT when the VM has no pci.N
 */
int pve_pci_bridge_bus(const struct pve_pci_layout *l, unsigned n)
{
	if (l->chipset == PVE_I440FX && n == 0)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->b[i].pci_n == (int)n)
			return l->b[i].bus;
	return -ENOENT;
}

/**
 * pve_guest_nic_pci() - the b.d.f the guest enumerates for netN: the
 * number the firmware gave the bridge qemu-server put it on, its slot
 * @c:		VM config (machine, scsihw, hostpciN, ostype)
 * @index:	N
 * @pci:	output
 *
 * An unversioned machine is taken at QEMU 6.0, the oldest qemu-server
 * runs (the layout is the same from machine 2.3 on).  A VMware VM's NICs
 * have the address vmx_to_vmconf() decoded from their pciSlotNumber.
 *
 * Return: 0, or -EINVAL (N above 31, machine type unknown)
 */
int pve_guest_nic_pci(const struct vmconf *c, unsigned index,
		      struct pci_addr *pci)
{
	static const struct pve_version oldest = { 6, 0, 0 };
	struct pve_pci_layout l;
	struct pve_machine m;
	struct pve_slot s;
	char err[160];
	int bus;

	if (c->vmware) {	/* vmx_to_vmconf(): VMware's pciSlotNumber */
		if (index >= PVE_MAX_NETS || !c->nic_pci_known[index])
			return -EINVAL;
		*pci = c->nic_pci[index];
		return 0;
	}
	if (pve_net_slot(index, &s) ||
	    pve_machine_of(c, &oldest, &m, err, sizeof(err)) ||
	    pve_pci_layout_of(c, &m, &l))
		return -EINVAL;
	bus = pve_pci_bridge_bus(&l, s.bridge);
	if (bus < 0)
		return -EINVAL;
	*pci = (struct pci_addr){ (uint8_t)bus, (uint8_t)s.slot, 0 };
	return 0;
}

/**
 * pci_lspci_parse() - an address as lspci prints it ("06:13.0", or with
 * the domain "0000:06:13.0": hex, a colon), which bcdedit's busparams
 * does not take (it wants decimal b.d.f, "6.19.0")
 * @s:		the text
 * @pci:	output: the address it names
 *
 * Return: 0 when @s is in lspci's form, else -EINVAL
 */
int pci_lspci_parse(const char *s, struct pci_addr *pci)
{
	unsigned dom, bus, dev, fn;
	int n = 0;

	if (strchr(s, ':') != strrchr(s, ':') &&
	    (sscanf(s, "%4x:%n", &dom, &n) != 1 || !n))
		return -EINVAL;
	s += n;
	n = 0;
	if (!strchr(s, ':') || sscanf(s, "%2x:%2x.%1u%n", &bus, &dev, &fn, &n) != 3 ||
	    s[n] || !g_ascii_isxdigit(s[0]) || dev > 31 || fn > 7)
		return -EINVAL;
	*pci = (struct pci_addr){ (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	return 0;
}
