/* SPDX-License-Identifier: GPL-2.0-or-later */
/* winbuild.h - Windows build profiles: which PCI NICs KDNET drives in a
 * given Windows build, and the PCI ids QEMU gives Proxmox's NIC models */
#ifndef KDH_WINBUILD_H
#define KDH_WINBUILD_H

#include <stddef.h>
#include <stdint.h>

#define WIN_BUILD_DEFAULT	26100	/* Windows 11 24H2 */

/**
 * struct nic_pci_id - a Proxmox NIC model as the guest sees it on PCI
 * @model:	Proxmox's name (net0: MODEL=...)
 * @vendor, @device: PCI ids QEMU presents
 */
struct nic_pci_id {
	const char *model;
	uint16_t vendor, device;
};

const struct nic_pci_id *nic_pci_id_of(const char *model);
const char *nic_model_of_pci(uint16_t vendor, uint16_t device);
int win_build_parse(const char *s, unsigned *build, char *err, size_t errlen);
int win_build_pick(const char *s, const char *ostype, unsigned *build,
		   char *note, size_t notelen, char *err, size_t errlen);
void win_build_assume(const char *ostype, unsigned *build, unsigned *lo,
		      unsigned *hi, char *why, size_t whylen);
const char *win_build_name(unsigned build, char *buf, size_t len);
size_t win_build_models(unsigned build, char (*models)[24], size_t max);
unsigned win_build_first(const char *model);
const char *nic_guest_model(const char *model, unsigned machine_major,
			    unsigned machine_minor);

#endif /* KDH_WINBUILD_H */
