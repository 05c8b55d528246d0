// SPDX-License-Identifier: GPL-2.0-or-later
/* vmx_slot.c - the b.d.f a Windows guest sees for a VMware NIC, which is
 * what bcdedit's busparams names (pure)
 *
 * Theory of operation.  VMware KB 2047927 (documented, for ESXi; the same
 * numbers appear in Workstation's files, so taken to hold there: a guess)
 * encodes pciSlotNumber as FFF.BBBBB.DDDDD: with BBBBB = 0 the device is on
 * bus 0 at device DDDDD; otherwise it is device DDDDD behind
 * pciBridge<BBBBB-1>, function FFF of that bridge.  The bridge's own slot
 * is its pciSlotNumber.  Which *bus number* the firmware gives the bridge's
 * secondary bus is not in the KB: kdh numbers bus 0's bridge functions
 * depth-first in device order -- the 440BX's AGP bridge 00:01.0 first, then
 * pciBridge0 (00:11.0) and each function of the pcieRootPort bridges
 * pciBridge4..7 (00:15.0-00:18.7, eight functions each).  That gives
 * slot 33 (behind pciBridge0) 2.1.0, slot 160 (pciBridge4 function 0)
 * 3.0.0 and slot 192 (pciBridge5) 11.0.0, the addresses Linux guests on
 * Workstation show (observed); that Windows numbers them the same is a
 * guess, said with every address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/platform/vmx_priv.h"
#include "netsim/value.h"

#define MAX_BRIDGES	32

struct bridge_fn {
	unsigned dev, fn;
	int bridge;			/* pciBridgeK; -1 for 00:01.0 */
};

/* A bridge VMware's own files place when the .vmx has no pciBridge
 * lines: pciBridge0 at 17, pciBridge4..7 at 21..24, eight functions */
static bool std_bridge(unsigned k, unsigned *slot, unsigned *fns)
{
	if (k == 0) {
		*slot = 17;
		*fns = 1;
		return true;
	}
	if (k >= 4 && k <= 7) {
		*slot = 17 + k;
		*fns = 8;
		return true;
	}
	return false;
}

static bool has_bridges(const struct vmx *x)
{
	for (size_t i = 0; i < x->n; i++)
		if (!g_ascii_strncasecmp(x->e[i].key, "pciBridge", 9))
			return true;
	return false;
}

/* pciBridgeK's slot and functions: from the file, or the standard layout
 * when the file has no pciBridge line at all (@std) */
static bool bridge_of(const struct vmx *x, unsigned k, bool std, unsigned *slot,
		      unsigned *fns)
{
	char key[48];
	const char *v;
	uint64_t n;

	if (std)
		return std_bridge(k, slot, fns);
	snprintf(key, sizeof(key), "pciBridge%u.present", k);
	v = vmx_get(x, key);
	if (!v || g_ascii_strcasecmp(v, "TRUE"))
		return false;
	snprintf(key, sizeof(key), "pciBridge%u.pciSlotNumber", k);
	v = vmx_get(x, key);
	if (!v || value_uint(v, 0, 31, &n)) {
		if (!std_bridge(k, slot, fns))
			return false;
	} else {
		*slot = (unsigned)n;
	}
	snprintf(key, sizeof(key), "pciBridge%u.functions", k);
	v = vmx_get(x, key);
	*fns = v && !value_uint(v, 1, 8, &n) ? (unsigned)n : 1;
	return true;
}

/* Bus 0's bridge functions in the order the firmware numbers them */
static size_t bridge_fns(const struct vmx *x, bool std, struct bridge_fn *b,
			 size_t max)
{
	size_t n = 0;

	b[n++] = (struct bridge_fn){ 1, 0, -1 };
	for (unsigned k = 0; k < MAX_BRIDGES; k++) {
		unsigned slot, fns;

		if (!bridge_of(x, k, std, &slot, &fns))
			continue;
		for (unsigned f = 0; f < fns && n < max; f++) {
			size_t j = n++;

			for (; j > 0 && (b[j - 1].dev > slot || (b[j - 1].dev == slot &&
							       b[j - 1].fn > f)); j--)
				b[j] = b[j - 1];
			b[j] = (struct bridge_fn){ slot, f, (int)k };
		}
	}
	return n;
}

/**
 * vmx_slot_pci() - the guest's b.d.f for a pciSlotNumber
 * @x:		the .vmx (its pciBridgeN lines)
 * @slot:	the number
 * @pci:	output
 * @why:	how it was found, for findings
 * @whylen:	its size
 *
 * Return: 0, or -ENOENT when the slot names a bridge (function) the VM
 * does not have (@why says which)
 */
int vmx_slot_pci(const struct vmx *x, unsigned slot, struct pci_addr *pci,
		 char *why, size_t whylen)
{
	unsigned d = slot & 31, b = (slot >> 5) & 31, f = slot >> 10;
	struct bridge_fn fn[MAX_BRIDGES * 8 + 1];
	bool std = !has_bridges(x);
	size_t n;

	if (!b) {
		*pci = (struct pci_addr){ 0, (uint8_t)d, 0 };
		snprintf(why, whylen, "pciSlotNumber %u is device %u on bus 0 "
			 "(VMware KB 2047927)", slot, d);
		return 0;
	}
	n = bridge_fns(x, std, fn, G_N_ELEMENTS(fn));
	for (size_t i = 0; i < n; i++) {
		if (fn[i].bridge != (int)b - 1 || fn[i].fn != f)
			continue;
		*pci = (struct pci_addr){ (uint8_t)(i + 1), (uint8_t)d, 0 };
		snprintf(why, whylen, "pciSlotNumber %u is device %u behind "
			 "pciBridge%u function %u (00:%02x.%u; VMware KB 2047927); "
			 "the bridge's bus %zu is the number Workstation's firmware "
			 "gives it in Linux guests%s (Windows: a guess; Device "
			 "Manager's Location shows it)", slot, d, b - 1, f, fn[i].dev,
			 f, i + 1, std ? ", with Workstation's usual bridges (this "
			 ".vmx has no pciBridge lines)" : "");
		return 0;
	}
	snprintf(why, whylen, "pciSlotNumber %u names function %u of pciBridge%u "
		 "(VMware KB 2047927), which this VM does not have", slot, f, b - 1);
	return -ENOENT;
}

/**
 * vmx_nic_pci() - a NIC's b.d.f: from its pciSlotNumber, or without one
 * (VMware writes it at the first power-on) Workstation's usual slot for
 * ethernetN of that model, marked assumed
 * @x:		the .vmx
 * @index:	N
 * @n:		the NIC: @pci, @pci_known, @pci_assumed, @pci_why are set
 *
 * Return: 0 (an address kdh cannot tell leaves @pci_known false)
 */
int vmx_nic_pci(const struct vmx *x, unsigned index, struct vmx_nic *n)
{
	bool pcie = !strcmp(n->model, "e1000e") || !strcmp(n->model, "vmxnet3");
	char why[sizeof(n->pci_why)];
	unsigned slot;

	if (n->has_slot) {
		n->pci_known = !vmx_slot_pci(x, n->slot, &n->pci, n->pci_why,
					     sizeof(n->pci_why));
		return 0;
	}
	if (pcie && index > 0) {
		snprintf(n->pci_why, sizeof(n->pci_why), "ethernet%u has no "
			 "pciSlotNumber yet (VMware writes it at the first power-on), "
			 "so kdh cannot tell its address: power the VM on once, or "
			 "read Device Manager's Location", index);
		return 0;
	}
	slot = pcie ? 160 : 33 + index;
	if (vmx_slot_pci(x, slot, &n->pci, why, sizeof(why))) {
		snprintf(n->pci_why, sizeof(n->pci_why), "ethernet%u has no "
			 "pciSlotNumber yet and %s", index, why);
		return 0;
	}
	n->pci_known = n->pci_assumed = true;
	snprintf(n->pci_why, sizeof(n->pci_why), "ethernet%u has no pciSlotNumber "
		 "yet (VMware writes it at the first power-on): kdh assumes %u, "
		 "Workstation's usual for a first %s NIC (a guess); %s", index, slot,
		 pcie ? "PCIe" : "PCI", why);
	return 0;
}
