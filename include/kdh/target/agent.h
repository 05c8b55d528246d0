/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent.h - kdh-agent: the simulated debuggee's model inside a Linux VM,
 * on real (QEMU) NICs.  Pure helpers here; the I/O is in agent_main.c. */
#ifndef KDH_AGENT_H
#define KDH_AGENT_H

#include <stdint.h>

#include "kdh/target/target.h"

#define AGENT_MARKER	"kdh-agent: up"	/* the boot watchdog waits for it */
#define AGENT_KD_DONE	"kdh-agent: KD played out"	/* a VM scenario's
						   debuggee has nothing more to say */
/* One console line per PCI network device the guest sees, driver or not:
 * "kdh-agent: nic 0000:06:12.0 8086:100e eth0 bc:24:11:00:00:01" (the
 * sysfs name, so the bus is the firmware's; "-" for no interface / MAC) */
#define AGENT_NIC_PREFIX "kdh-agent: nic "
/* The kdh.* words must fit Linux's x86 command line (2048 bytes) beside
 * the console words the harness puts before them */
#define AGENT_CMDLINE_MAX 1900

int agent_cmdline_parse(const char *cmdline, struct target_config *tc,
			char *err, size_t errlen);
const char *agent_nic_model(uint16_t vendor, uint16_t device);
int agent_pci_parse(const char *sysfs_name, struct pci_addr *pci);
char *agent_cmdline_build(const struct target_config *tc);

#endif /* KDH_AGENT_H */
