/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vm.h - QEMU process supervision: start, watch the boot, stop, never
 * leave one behind */
#ifndef KDH_VM_H
#define KDH_VM_H

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

#include "kdh/platform/pve_machine.h"

#define VM_BOOT_MARKER	"kdh-agent image: kernel"

struct vm_proc {
	pid_t pid;
	char console[512];		/* the guest console file */
	bool exited;
	int status;
};

int vm_spawn(GPtrArray *argv, const char *log_path, struct vm_proc *vm,
	     char *err, size_t errlen);
int vm_spawn_keep(GPtrArray *argv, const char *log_path, const int *keep,
		  size_t n_keep, struct vm_proc *vm, char *err, size_t errlen);
bool vm_alive(struct vm_proc *vm);
void vm_stop(struct vm_proc *vm);
bool vm_console_has(const struct vm_proc *vm, const char *marker);
int vm_ovmf_vars_copy(const char *dest, char *err, size_t errlen);

#endif /* KDH_VM_H */
