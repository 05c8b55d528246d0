/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmx_priv.h - shared by vmx_vm.c and vmx_slot.c */
#ifndef KDH_VMX_PRIV_H
#define KDH_VMX_PRIV_H

#include "kdh/platform/vmx.h"

int vmx_nic_pci(const struct vmx *x, unsigned index, struct vmx_nic *n);

#endif /* KDH_VMX_PRIV_H */
