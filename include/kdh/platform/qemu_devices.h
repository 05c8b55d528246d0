/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qemu_devices.h - OVMF images, display adapter and what kdh leaves out of
 * qemu-server's argv */
#ifndef KDH_QEMU_DEVICES_H
#define KDH_QEMU_DEVICES_H

#include <stdbool.h>

#include <glib.h>

#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

/**
 * struct qemu_ovmf - the firmware images of a bios: ovmf VM
 * @code:	read-only code image (pflash unit 0)
 * @vars:	the variables template the VM's store is copied from
 * @vars_size:	its size in bytes (the size= of pflash unit 1)
 */
struct qemu_ovmf {
	const char *code;
	const char *vars;
	unsigned vars_size;
};

void qemu_ovmf_pick(const struct vmconf *c, bool q35, bool proxmox,
		    struct qemu_ovmf *f);
const char *qemu_vga_type(const struct vmconf *c, const struct pve_machine *m);
char *qemu_vga_device(const struct vmconf *c, const struct pve_machine *m);
void qemu_left_out(const struct vmconf *c, bool proxmox, GString *out);

#endif /* KDH_QEMU_DEVICES_H */
