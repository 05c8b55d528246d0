/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pve.h - facts about Proxmox VE guests that KDNET depends on: NIC PCI
 * addresses as qemu-server assigns them, NIC models, ostypes and whether
 * they bring Hyper-V enlightenments, busparams */
#ifndef KDH_PVE_H
#define KDH_PVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVE_MAX_NETS	32

/**
 * struct pci_addr - bus.device.function, as bcdedit busparams writes it
 */
struct pci_addr {
	uint8_t bus;
	uint8_t dev;
	uint8_t fn;
};

/**
 * struct pve_net - one `netN:` line of a VM config
 * @index:	N
 * @model:	e1000, e1000e, virtio, rtl8139, vmxnet3, ...
 * @mac:	address
 * @bridge:	bridge (network) name, "" when absent
 * @tag:	VLAN tag, 0 for none
 * @firewall, @link_down: flags
 */
struct pve_net {
	unsigned index;
	char model[24];
	uint8_t mac[6];
	char bridge[32];
	unsigned tag;
	bool firewall;
	bool link_down;
};

int pve_net_pci(unsigned index, struct pci_addr *pci);
int pve_net_parse(const char *value, struct pve_net *net, char *err,
		  size_t errlen);
int pve_boolean(const char *v, bool *out);
int pve_propstr_dupkey(const char *value, const char *default_key, char *err,
		       size_t errlen);
int pve_net_number(const char *k, const char *v, char *err, size_t errlen);
bool pve_net_link_up(const struct pve_net *net);
bool pve_nic_model_known(const char *model);
bool pve_ostype_known(const char *ostype);
int pve_windows_version(const char *ostype);
bool pve_ostype_hyperv(const char *ostype);
int pci_addr_parse(const char *s, struct pci_addr *pci);
const char *pci_addr_str(const struct pci_addr *pci, char *buf, size_t len);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);

#endif /* KDH_PVE_H */
