/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pve_machine.h - Proxmox machine types (i440fx, q35, their versions and
 * qemu-server's defaults) and the machine upstream QEMU runs for them
 *
 * Two addresses per NIC: QEMU's (bus=pci.N,addr=0xS, what qemu-server
 * writes) and the guest's b.d.f (what the firmware numbered the bus, what
 * Device Manager shows and bcdedit busparams names).  On i440fx they agree
 * for net0..net5; on q35 pci.0 is a bridge behind the DMI-to-PCI bridge
 * and gets its own bus number.  The guest side is a model of the firmware's
 * bus numbering checked against agent boots (tests/test_vm_pci.c).
 */
#ifndef KDH_PVE_MACHINE_H
#define KDH_PVE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/platform/pve.h"

struct vmconf;

/**
 * struct pve_version - a QEMU or machine version, "8.1+pve2"
 */
struct pve_version {
	unsigned major, minor, pve;
};

enum pve_chipset { PVE_I440FX, PVE_Q35 };
enum pve_firmware { PVE_SEABIOS, PVE_OVMF };

/**
 * struct pve_machine - the machine qemu-server runs a VM config with
 * @chipset:	i440fx or q35
 * @type:	qemu-server's machine (Machine.pm get_vm_machine), e.g.
 *		"pc-q35-8.1+pve0", "pc+pve0", "pc-i440fx-5.1+pve0.pxe"
 * @upstream:	the type upstream QEMU has for it, +pveN and .pxe gone
 *		("pc-q35-8.1"; "pc", "q35")
 * @version:	machine version (an unversioned type takes the QEMU's)
 * @versioned:	@type names a version (the config's, or Windows' pin)
 * @pxe:	the .pxe variant (old iPXE ROMs on a PVE host)
 * @viommu:	"", "intel" or "virtio"
 */
struct pve_machine {
	enum pve_chipset chipset;
	char type[64];
	char upstream[64];
	struct pve_version version;
	bool versioned;
	bool pxe;
	char viommu[8];
};

int pve_version_parse(const char *s, struct pve_version *v);
bool pve_version_at_least(const struct pve_version *v, unsigned major,
			  unsigned minor);
int pve_version_cmp(const struct pve_version *a, const struct pve_version *b);
unsigned pve_machine_pve_highest(unsigned major, unsigned minor);
bool pve_version_guard(const struct pve_version *machine, unsigned major,
		       unsigned minor, unsigned pve, unsigned *required);
int pve_machine_parse(const char *value, const char *ostype,
		      const struct pve_version *qemu, struct pve_machine *m,
		      char *err, size_t errlen);
int pve_machine_of(const struct vmconf *c, const struct pve_version *qemu,
		   struct pve_machine *m, char *err, size_t errlen);
int pve_machine_pick(const struct pve_machine *m, const char *const *have,
		     size_t n, char *out, size_t len, char *note, size_t notelen);

#endif /* KDH_PVE_MACHINE_H */
