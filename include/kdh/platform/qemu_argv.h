/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qemu_argv.h - the QEMU command line Proxmox qemu-server builds for a VM
 * config, with kdh's network backend and boot payload */
#ifndef KDH_QEMU_ARGV_H
#define KDH_QEMU_ARGV_H

#include <stdbool.h>

#include <glib.h>

#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

/* Debian's ovmf package: the 4M images without Secure Boot (kdh runs) */
#define QEMU_OVMF_CODE	"/usr/share/OVMF/OVMF_CODE_4M.fd"
#define QEMU_OVMF_VARS	"/usr/share/OVMF/OVMF_VARS_4M.fd"
/* Where qemu-server copies the variables without an efidisk0 (OVMF.pm);
 * the images are qemu_ovmf_pick()'s */
#define PVE_EFIDISK_DIR	"/run/qemu-server/efidisk"
struct pve_cpu_models;

enum qemu_net_backend {
	QEMU_NET_PROXMOX,	/* tap + pve-bridge script, as on a PVE host */
	QEMU_NET_STREAM,	/* -netdev stream to kdh's unix sockets */
	QEMU_NET_USER,		/* QEMU's own restricted slirp (benchmarks) */
	QEMU_NET_TAPFD,		/* taps kdh made on its bridges, passed as fds */
};

/**
 * struct qemu_opts - what kdh adds to or changes in qemu-server's argv
 * @vmid:	the VM id (socket names, -id)
 * @binary:	QEMU (default qemu-system-x86_64; Proxmox runs /usr/bin/kvm)
 * @kvm:	accelerator: true KVM, false TCG (the config's kvm: 0 forces TCG)
 * @net:	network backend
 * @sock_dir:	where netN stream sockets are (NET_STREAM): DIR/netN.sock
 * @tap_fd:	NET_TAPFD: netN's tap fd (inherited by QEMU)
 * @serial_dir: qemu-server's /var/run/qemu-server
 * @kernel, @initrd, @append: direct Linux boot (the agent image)
 * @console:	file for the guest console (an extra ISA serial port)
 * @disk:	a user's image (virtio disk), NULL for none
 * @qemu:	the QEMU version qemu-server would see (an unversioned machine
 *		type takes it); all zero: the installed QEMU's
 * @ovmf_vars:	bios: ovmf: the VM's own copy of the UEFI variable store
 *		(vm_ovmf_vars_copy() makes it); NULL: SOCK_DIR/VMID-ovmf.fd
 * @machines:	the machine types the installed QEMU has (@n_machines of
 *		them); NULL: ask it (vm_qemu_probe()) unless NET_PROXMOX
 * @cpu_models:	custom CPU models (cpu-models.conf), NULL: none
 * @host_cpu_vendor: the host CPU vendor qemu-server would read, NULL:
 *		GenuineIntel (hv_evmcs, nested-virt)
 */
struct qemu_opts {
	unsigned vmid;
	const char *binary;
	bool kvm;
	enum qemu_net_backend net;
	const char *sock_dir;
	const int *tap_fd;
	const char *serial_dir;
	const char *kernel, *initrd, *append;
	const char *console;
	const char *disk;
	struct pve_version qemu;
	const char *ovmf_vars;
	const char *const *machines;
	size_t n_machines;
	const struct pve_cpu_models *cpu_models;
	const char *host_cpu_vendor;
};

GPtrArray *qemu_argv_new(const struct vmconf *c, const struct qemu_opts *o,
			 GString *notes, char *err, size_t errlen);
char *qemu_argv_join(GPtrArray *argv, bool lines);
int qemu_console_index(const struct vmconf *c);
/* qemu_probe.c */
int vm_qemu_probe(const char *binary, struct pve_version *version,
		  GPtrArray **machines, char *err, size_t errlen);

#endif /* KDH_QEMU_ARGV_H */
