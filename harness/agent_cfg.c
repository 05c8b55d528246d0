// SPDX-License-Identifier: GPL-2.0-or-later
/* agent_cfg.c - what kdh-agent reads: its {dbgsettings} from the kernel
 * command line, and NIC identities from sysfs names and PCI ids
 *
 * Kernel command line words (all optional but hostip and key):
 *   kdh.hostip=A.B.C.D kdh.port=N kdh.key=w.x.y.z kdh.dhcp=yes|no
 *   kdh.busparams=b.d.f kdh.ip=A.B.C.D/N kdh.gateway=A.B.C.D
 *   kdh.os_ping=A.B.C.D kdh.dhcp_give_up=20s kdh.kdnet_init=1s
 *   kdh.serial=PORT:BAUD ({dbgsettings} serial; hostip and key then unused)
 * The harness writes them (agent_cmdline_build()), the agent reads them
 * (agent_cmdline_parse()); nothing else crosses into the VM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_values.h"
#include "kdh/agent.h"
#include "kdh/winbuild.h"
#include "netsim/duration.h"
#include "netsim/pkt.h"

static int word_take(struct target_config *tc, const char *k, const char *v,
		     bool *host, bool *key, char *err, size_t len)
{
	char kerr[128];
	uint64_t ns;

	if (!strcmp(k, "hostip") && !sv_ipv4(v, &tc->host_ip, NULL))
		return *host = true, 0;
	if (!strcmp(k, "key") && !kdnet_key_parse(v, tc->key, kerr, sizeof(kerr)))
		return *key = true, 0;
	if (!strcmp(k, "port")) {
		char *end;
		unsigned long p = strtoul(v, &end, 10);

		if (*v && !*end && p >= 1 && p <= 65535)
			return tc->port = (uint16_t)p, 0;
	} else if (!strcmp(k, "dhcp") && !sv_bool(v, &tc->dhcp)) {
		return 0;
	} else if (!strcmp(k, "busparams") && !pci_addr_parse(v, &tc->busparams)) {
		return tc->has_busparams = true, 0;
	} else if (!strcmp(k, "ip") && !sv_ipv4(v, &tc->ip, &tc->netmask)) {
		return 0;
	} else if (!strcmp(k, "gateway") && !sv_ipv4(v, &tc->gateway, NULL)) {
		return 0;
	} else if (!strcmp(k, "os_ping") && !sv_ipv4(v, &tc->os_ping, NULL)) {
		return 0;
	} else if (!strcmp(k, "dhcp_give_up") && !duration_parse(v, &ns)) {
		return tc->timing.dhcp_give_up_ns = ns, 0;
	} else if (!strcmp(k, "kdnet_init") && !duration_parse(v, &ns)) {
		return tc->timing.kdnet_init_ns = ns, 0;
	} else if (!strcmp(k, "serial") &&
		   sscanf(v, "%u:%u", &tc->debugport, &tc->baudrate) == 2 &&
		   tc->debugport >= 1 && tc->debugport <= 4 && tc->baudrate) {
		return tc->serial = true, 0;
	}
	snprintf(err, len, "kdh.%s=%s: bad or unknown setting", k, v);
	return -EINVAL;
}

/**
 * agent_cmdline_parse() - the debuggee's settings from /proc/cmdline
 * @cmdline:	the kernel command line
 * @tc:		output (defaults from target_config_default())
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL (unknown kdh.* word, bad value, no hostip or key
 * for network debugging)
 */
int agent_cmdline_parse(const char *cmdline, struct target_config *tc,
			char *err, size_t errlen)
{
	char *copy = strdup(cmdline), *save = NULL, *w;
	bool host = false, key = false;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	target_config_default(tc);
	snprintf(tc->name, sizeof(tc->name), "agent");
	for (w = strtok_r(copy, " \t\n", &save); w && !rc;
	     w = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(w, '=');

		if (strncmp(w, "kdh.", 4) || !eq)
			continue;	/* the kernel's own words */
		*eq = '\0';
		rc = word_take(tc, w + 4, eq + 1, &host, &key, err, errlen);
	}
	if (!rc && !tc->serial && (!host || !key)) {
		snprintf(err, errlen, "kdh.%s= is missing from the kernel command line",
			 host ? "key" : "hostip");
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}

/**
 * agent_cmdline_build() - the kdh.* words for a debuggee configuration
 * @tc:		configuration
 *
 * Return: malloc'd string
 */
char *agent_cmdline_build(const struct target_config *tc)
{
	char ip[IP_STRLEN], key[64], b[16], *s = NULL;
	char extra[256] = "";
	size_t n = 0;

	if (tc->has_busparams)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " kdh.busparams=%s",
				      pci_addr_str(&tc->busparams, b, sizeof(b)));
	if (tc->ip)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " kdh.ip=%s/%d",
				      ip_str(tc->ip, ip), __builtin_popcount(tc->netmask));
	if (tc->os_ping)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " kdh.os_ping=%s",
				      ip_str(tc->os_ping, ip));
	if (tc->serial)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " kdh.serial=%u:%u",
				      tc->debugport, tc->baudrate);
	n += (size_t)snprintf(extra + n, sizeof(extra) - n,
			      " kdh.dhcp_give_up=%llums kdh.kdnet_init=%llums",
			      (unsigned long long)(tc->timing.dhcp_give_up_ns / 1000000),
			      (unsigned long long)(tc->timing.kdnet_init_ns / 1000000));
	kdnet_key_format(tc->key, key, sizeof(key));
	if (asprintf(&s, "kdh.hostip=%s kdh.port=%u kdh.key=%s kdh.dhcp=%s%s",
		     ip_str(tc->host_ip, ip), tc->port, key,
		     tc->dhcp ? "yes" : "no", extra) < 0)
		return NULL;
	return s;
}

/**
 * agent_nic_model() - the Proxmox model name of a PCI NIC
 * @vendor:	PCI vendor id
 * @device:	PCI device id
 *
 * Return: "e1000", "e1000e", "virtio", "rtl8139", "vmxnet3", or "unknown"
 */
const char *agent_nic_model(uint16_t vendor, uint16_t device)
{
	return nic_model_of_pci(vendor, device);
}

/**
 * agent_pci_parse() - "0000:00:13.0" (sysfs, hex) to b.d.f
 * @sysfs_name:	entry of /sys/bus/pci/devices
 * @pci:	output
 *
 * Return: 0 or -EINVAL
 */
int agent_pci_parse(const char *sysfs_name, struct pci_addr *pci)
{
	unsigned dom, bus, dev, fn;
	char tail;

	if (sscanf(sysfs_name, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4 ||
	    bus > 255 || dev > 31 || fn > 7)
		return -EINVAL;
	*pci = (struct pci_addr){ (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	return 0;
}
