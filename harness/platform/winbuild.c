// SPDX-License-Identifier: GPL-2.0-or-later
/* winbuild.c - Windows build profiles for KDNET's NIC support
 *
 * KDNET drives a NIC only when the Windows build ships a KDNET
 * extensibility module for its PCI vendor:device.  Microsoft's "Supported
 * Ethernet NICs for Network Kernel Debugging in Windows 10/11" pages list
 * them with the first build (documented): Intel 8086:100E, 100C, 100F
 * (QEMU's e1000, e1000-82544gc, e1000-82545em) from 9200, 8086:10D3
 * (e1000e) from 9600, VMware 15AD:07B0 (vmxnet3) from 26006; Realtek
 * 10EC:8139 never.  virtio-net (1AF4) is not on those pages: newer builds
 * ship kd_02_1af4.dll, which drives only a device with the modern virtio
 * interface (observed: cloud-hypervisor docs, kvm-guest-drivers-windows
 * #177/#467, the latter already using it in mid-2020); its first build is
 * a guess (19041).  A legacy-only virtio device is the model
 * "virtio-legacy", which no build drives.
 */
#include <stdio.h>
#include <string.h>

#include "kdh/platform/winbuild.h"

static const struct nic_pci_id pci_ids[] = {
	{ "e1000", 0x8086, 0x100e },		/* 82540EM */
	{ "e1000-82540em", 0x8086, 0x100e },
	{ "e1000-82544gc", 0x8086, 0x100c },
	{ "e1000-82545em", 0x8086, 0x100f },
	{ "e1000e", 0x8086, 0x10d3 },		/* 82574L */
	{ "vmxnet3", 0x15ad, 0x07b0 },
	{ "virtio", 0x1af4, 0x1000 },		/* transitional; 1041 modern */
	{ "rtl8139", 0x10ec, 0x8139 },
	{ "pcnet", 0x1022, 0x2000 },
	{ "ne2k_pci", 0x10ec, 0x8029 },
	{ "i82551", 0x8086, 0x1209 },
	{ "i82557b", 0x8086, 0x1229 },
	{ "i82559er", 0x8086, 0x1209 },
};

/* First build whose KDNET drives each model; 0 = none */
static const struct { const char *model; unsigned first; } support[] = {
	{ "e1000", 9200 }, { "e1000-82540em", 9200 }, { "e1000-82544gc", 9200 },
	{ "e1000-82545em", 9200 }, { "e1000e", 9600 }, { "vmxnet3", 26006 },
	{ "virtio", 19041 },
};

/** nic_pci_id_of() - the PCI ids of a Proxmox NIC model, NULL if unknown */
const struct nic_pci_id *nic_pci_id_of(const char *model)
{
	for (size_t i = 0; i < sizeof(pci_ids) / sizeof(*pci_ids); i++)
		if (!strcmp(pci_ids[i].model, model))
			return &pci_ids[i];
	return NULL;
}

/**
 * nic_model_of_pci() - the Proxmox model for PCI ids found in a guest
 * @vendor:	PCI vendor id
 * @device:	PCI device id
 *
 * Return: "e1000", "e1000e", "virtio" (1000 or 1041), ..., or "unknown"
 */
const char *nic_model_of_pci(uint16_t vendor, uint16_t device)
{
	if (vendor == 0x1af4 && device == 0x1041)
		return "virtio";
	for (size_t i = 0; i < sizeof(pci_ids) / sizeof(*pci_ids); i++)
		if (pci_ids[i].vendor == vendor && pci_ids[i].device == device)
			return pci_ids[i].model;
	return "unknown";
}

/** win_build_first() - first build that drives @model, 0 for none */
unsigned win_build_first(const char *model)
{
	for (size_t i = 0; i < sizeof(support) / sizeof(*support); i++)
		if (!strcmp(support[i].model, model))
			return support[i].first;
	return 0;
}

/**
 * win_build_models() - the Proxmox NIC models KDNET drives in @build
 * @build:	Windows build number
 * @models:	output
 * @max:	its size
 *
 * Return: how many were written
 */
size_t win_build_models(unsigned build, char (*models)[24], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(support) / sizeof(*support) && n < max; i++)
		if (build >= support[i].first)
			snprintf(models[n++], sizeof(models[0]), "%s", support[i].model);
	return n;
}

/**
 * nic_guest_model() - the model as KDNET meets it in the guest
 * @model:	the Proxmox model of netN
 * @machine_major, @machine_minor: the VM's machine version
 *
 * QEMU's virtio-net-pci offers the modern virtio interface (a transitional
 * 1AF4:1000 with the modern capabilities, on Proxmox's conventional PCI
 * bridges) from machine 2.7 on; older machine types keep it legacy-only
 * (QEMU's hw_compat_2_6: disable-modern=on).
 *
 * Return: @model, or "virtio-legacy"
 */
const char *nic_guest_model(const char *model, unsigned machine_major,
			    unsigned machine_minor)
{
	if (!strcmp(model, "virtio") && (machine_major < 2 ||
					 (machine_major == 2 && machine_minor < 7)))
		return "virtio-legacy";
	return model;
}
