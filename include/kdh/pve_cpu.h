/* pve_cpu.h - the -cpu value qemu-server builds: models, flags, Hyper-V
 * enlightenments */
#ifndef KDH_PVE_CPU_H
#define KDH_PVE_CPU_H

#include <stdbool.h>

#include "kdh/pve_machine.h"
#include "kdh/vmconf.h"

char *pve_cpu_string(const struct vmconf *c, const struct pve_machine *m,
		     bool kvm);

#endif /* KDH_PVE_CPU_H */
