// SPDX-License-Identifier: GPL-2.0-or-later
/* pve.c - Proxmox VE facts: NIC PCI addresses, models, ostypes
 *
 * Mirrors qemu-server: PVE/QemuServer/PCI.pm (get_pci_addr_map: net0..net5
 * on bus 0 at slots 18..23, net6..net31 behind the pci.1 bridge at slots
 * 1..26) and Helpers.pm windows_version() (wxp/w2k/w2k3 = 5, wvista/w2k8 =
 * 6, winN = N; Hyper-V enlightenments go with version 6 and later).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/pkt.h"
#include "kdh/platform/pve.h"
#include "netsim/value.h"

static const char *const nic_models[] = {
	"e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",
	"i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet",
	"rtl8139", "virtio", "vmxnet3",
};

static const char *const ostypes[] = {
	"other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8",
	"win10", "win11", "l24", "l26", "solaris",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/** pve_nic_model_known() - a model Proxmox offers for netN */
bool pve_nic_model_known(const char *model)
{
	return in_list(model, nic_models, sizeof(nic_models) / sizeof(*nic_models));
}

/** pve_ostype_known() - an ostype Proxmox accepts */
bool pve_ostype_known(const char *ostype)
{
	return in_list(ostype, ostypes, sizeof(ostypes) / sizeof(*ostypes));
}

/**
 * pve_windows_version() - qemu-server's windows_version()
 * @ostype:	ostype
 *
 * Return: 5, 6, 7, 8, 10, 11, or 0 for non-Windows
 */
int pve_windows_version(const char *ostype)
{
	if (!strcmp(ostype, "wxp") || !strcmp(ostype, "w2k") ||
	    !strcmp(ostype, "w2k3"))
		return 5;
	if (!strcmp(ostype, "w2k8") || !strcmp(ostype, "wvista"))
		return 6;
	if (!strncmp(ostype, "win", 3))
		return atoi(ostype + 3);
	return 0;
}

/**
 * pve_ostype_hyperv() - whether Proxmox gives this ostype hv_* CPU flags
 * @ostype:	ostype
 *
 * Return: true for Windows Vista / 2008 and later
 */
bool pve_ostype_hyperv(const char *ostype)
{
	return pve_windows_version(ostype) >= 6;
}

/**
 * pve_net_pci() - the PCI address qemu-server gives netN
 * @index:	N, 0..31
 * @pci:	output
 *
 * Return: 0, or -EINVAL for N above 31
 */
int pve_net_pci(unsigned index, struct pci_addr *pci)
{
	if (index < 6)
		*pci = (struct pci_addr){ 0, (uint8_t)(18 + index), 0 };
	else if (index < PVE_MAX_NETS)
		*pci = (struct pci_addr){ 1, (uint8_t)(index - 5), 0 };
	else
		return -EINVAL;
	return 0;
}

/**
 * pci_addr_parse() - busparams "b.d.f", decimal as Device Manager shows it
 * @s:		text
 * @pci:	output
 *
 * Return: 0, or -EINVAL (bus 0-255, device 0-31, function 0-7)
 */
int pci_addr_parse(const char *s, struct pci_addr *pci)
{
	static const uint64_t max[3] = { 255, 31, 7 };
	uint64_t v[3];
	char part[3][8];
	size_t n;

	for (int i = 0; i < 3; i++) {
		n = strcspn(s, ".");
		if (n >= sizeof(part[i]) || (i < 2) != (s[n] == '.'))
			return -EINVAL;
		memcpy(part[i], s, n);
		part[i][n] = '\0';
		if (value_uint(part[i], 0, max[i], &v[i]))
			return -EINVAL;
		s += n + (i < 2);
	}
	*pci = (struct pci_addr){ (uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2] };
	return 0;
}

/** pci_addr_str() - "b.d.f" */
const char *pci_addr_str(const struct pci_addr *pci, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", pci->bus, pci->dev, pci->fn);
	return buf;
}

/** pci_addr_cmp() - PCI enumeration order (bus, device, function) */
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->bus != b->bus)
		return a->bus - b->bus;
	if (a->dev != b->dev)
		return a->dev - b->dev;
	return a->fn - b->fn;
}

static int net_option(struct pve_net *net, const char *k, const char *v,
		      char *err, size_t errlen)
{
	uint64_t tag;
	int rc = 0;

	if (!strcmp(k, "bridge")) {
		if (strlen(v) >= sizeof(net->bridge)) {
			snprintf(err, errlen, "bridge name of %zu characters (at most "
				 "%zu)", strlen(v), sizeof(net->bridge) - 1);
			return -EINVAL;
		}
		snprintf(net->bridge, sizeof(net->bridge), "%s", v);
	} else if (!strcmp(k, "tag")) {
		if (value_uint(v, 1, 4094, &tag)) {
			snprintf(err, errlen, "tag '%s' is not a VLAN id (1-4094)", v);
			return -EINVAL;
		}
		net->tag = (unsigned)tag;
	} else if (!strcmp(k, "firewall") || !strcmp(k, "link_down")) {
		if (pve_boolean(v, !strcmp(k, "firewall") ? &net->firewall :
				&net->link_down)) {
			snprintf(err, errlen, "%s takes 0 or 1 (off/on, no/yes, "
				 "false/true), not '%s'", k, v);
			return -EINVAL;
		}
	} else if ((rc = pve_net_number(k, v, err, errlen)) == 1) {
		snprintf(err, errlen, "unknown net option '%s'", k);
		return -EINVAL;
	}
	return rc;
}

/* pve-common's mac-addr format takes six hex pairs with colons only
 * (JSONSchema.pm, pve_verify_mac_addr): Windows' dashes are refused */
static void mac_error(const char *v, char *err, size_t errlen)
{
	uint8_t mac[6];
	char colons[18];

	if (mac_parse(v, mac)) {
		snprintf(err, errlen, "'%s' is not a MAC address", v);
		return;
	}
	snprintf(colons, sizeof(colons), "%s", v);
	for (char *c = colons; (c = strchr(c, '-')); )
		*c = ':';
	snprintf(err, errlen, "'%s': Proxmox takes a MAC with colons only: %s",
		 v, colons);
}

/**
 * pve_net_parse() - "e1000=BC:24:11:00:00:01,bridge=vmbr0,tag=5,firewall=1"
 * @value:	the value of a netN line
 * @net:	output (index is left to the caller)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_net_parse(const char *value, struct pve_net *net, char *err,
		  size_t errlen)
{
	char *copy = strdup(value), *save = NULL, *item;
	int rc = 0;
	bool first = true;

	if (!copy)
		return -ENOMEM;
	memset(net, 0, sizeof(*net));
	for (item = strtok_r(copy, ",", &save); item && !rc;
	     item = strtok_r(NULL, ",", &save), first = false) {
		char *eq = strchr(item, '=');

		if (!eq) {
			snprintf(err, errlen, "'%s' is not key=value", item);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		if (first) {
			if (!pve_nic_model_known(item)) {
				snprintf(err, errlen, "unknown NIC model '%s' (e1000, "
					 "e1000e, virtio, rtl8139, vmxnet3, ...)", item);
				rc = -EINVAL;
			} else if (mac_parse(eq + 1, net->mac) || eq[3] != ':') {
				mac_error(eq + 1, err, errlen);
				rc = -EINVAL;
			} else if (!mac_is_nic(net->mac)) {
				snprintf(err, errlen, "%s is not a NIC's address (zero, "
					 "multicast or broadcast)", eq + 1);
				rc = -EINVAL;
			}
			snprintf(net->model, sizeof(net->model), "%s", item);
			continue;
		}
		rc = net_option(net, item, eq + 1, err, errlen);
	}
	if (!rc && first) {
		snprintf(err, errlen, "empty net line (MODEL=MAC,bridge=NAME)");
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}
