/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_vmx.h - `kdh check` on VMware .vmx files: one VM (network or
 * serial debugging) and a VM<->VM serial pair; findings as check.h's */
#ifndef KDH_CHECK_VMX_H
#define KDH_CHECK_VMX_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/platform/check.h"
#include "kdh/platform/vmx.h"

/* check_vmx.c */
size_t check_vmx(const struct vmx *xf, const struct vmx_vm *vm,
		 const struct vmconf *c, const struct dbgsettings *d,
		 const struct check_ctx *x, struct finding *f, size_t max);
void check_vmx_dups(const struct vmx *xf, struct finding *f, size_t *n,
		    size_t max);
void check_vmx_secboot(const struct vmx_vm *vm, struct finding *f, size_t *n);

/* check_vmx_serial.c */
int check_vmx_com_of(const struct vmx_vm *vm, int serial);
bool check_vmx_pipe_same(const char *a, const char *b);
void check_vmx_serial(const struct vmx_vm *vm, const struct dbgsettings *d,
		      struct finding *f, size_t *n);
size_t check_vmx_pair(const struct vmx *xa, const struct vmx_vm *a,
		      const struct vmx *xb, const struct vmx_vm *b,
		      const struct dbgsettings *d, struct finding *f,
		      size_t max);

/* vm_cmds.c: content detection for kdh check and kdh qemu-cmd */
bool check_file_is_vmx(const char *path);

#endif /* KDH_CHECK_VMX_H */
