// SPDX-License-Identifier: GPL-2.0-or-later
/* agent_cfg.c - what kdh-agent reads: its {dbgsettings} from the kernel
 * command line, and NIC identities from sysfs names and PCI ids
 *
 * Kernel command line words (all optional but hostip and key):
 *   kdh.hostip=A.B.C.D kdh.port=N kdh.key=w.x.y.z kdh.dhcp=yes|no
 *   kdh.busparams=b.d.f kdh.ip=A.B.C.D/N kdh.gateway=A.B.C.D
 *   kdh.os_ping=A.B.C.D kdh.dhcp_give_up=20s kdh.kdnet_init=1s
 *   kdh.serial=PORT:BAUD ({dbgsettings} serial; hostip and key then unused)
 * and the KD script (scenario keys of the same names, no blanks):
 *   kdh.drivers=8|ACPI.sys,pci.sys kdh.driver_load=2ms kdh.kdfiles=yes
 *   kdh.dbgprint=5s:Hello%20there (one word per line; bytes other than
 *   letters, digits and ._-,/()!? as %XX) kdh.break=10s kdh.assert=10s
 *   kdh.bugcheck=30s:0xd1:P1:P2:P3:P4
 * The harness writes them (agent_cmdline_build()), the agent reads them
 * (agent_cmdline_parse()); nothing else crosses into the VM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/target/agent.h"
#include "kdh/target/target.h"
#include "kdh/util/values.h"
#include "kdh/platform/winbuild.h"
#include "netsim/duration.h"
#include "netsim/pkt.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "5s:Hello%20there" into a DbgPrint line */
static int dbgprint_take(struct target_kd_script *s, const char *v)
{
	struct target_dbgprint *d = &s->dbgprint[s->n_dbgprint];
	const char *colon = strchr(v, ':');
	char when[32];
	size_t n = 0;

	if (s->n_dbgprint == TARGET_MAX_DBGPRINTS || !colon || !colon[1] ||
	    (size_t)(colon - v) >= sizeof(when))
		return -EINVAL;
	memcpy(when, v, (size_t)(colon - v));
	when[colon - v] = '\0';
	if (duration_parse(when, &d->at_ns))
		return -EINVAL;
	for (const char *p = colon + 1; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
				return -EINVAL;
			c = hexval(p[1]) << 4 | hexval(p[2]);
			p += 2;
		}
		if (!c || n + 1 >= sizeof(d->text) - 1)
			return -EINVAL;
		d->text[n++] = (char)c;
	}
	d->text[n] = '\0';
	s->n_dbgprint++;
	return 0;
}

/* The KD script's words; 1 when @k is none of them */
static int kd_word_take(struct target_config *tc, const char *k, const char *v)
{
	struct target_kd_script *s = &tc->kd;
	char tmp[300], e[160];

	if (!strcmp(k, "drivers"))
		return sv_drivers(v, s, e, sizeof(e)) ? -EINVAL : 0;
	if (!strcmp(k, "driver_load"))
		return duration_parse(v, &tc->timing.driver_load_ns) ? -EINVAL : 0;
	if (!strcmp(k, "kdfiles"))
		return sv_bool(v, &s->kdfiles) ? -EINVAL : 0;
	if (!strcmp(k, "dbgprint"))
		return dbgprint_take(s, v);
	if (!strcmp(k, "break"))
		return duration_parse(v, &s->break_ns) ? -EINVAL :
			(s->has_break = true, 0);
	if (!strcmp(k, "assert"))
		return duration_parse(v, &s->assert_ns) ? -EINVAL :
			(s->has_assert = true, 0);
	if (!strcmp(k, "bugcheck") && strlen(v) < sizeof(tmp)) {
		snprintf(tmp, sizeof(tmp), "%s", v);
		for (char *p = tmp; *p; p++)
			*p = *p == ':' ? ' ' : *p;
		return sv_bugcheck(tmp, s, e, sizeof(e)) ? -EINVAL : 0;
	}
	return 1;
}

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
	} else if (!kd_word_take(tc, k, v)) {
		return 0;
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

/* The command line being written; sized for the longest KD script */
struct words {
	char buf[8192];
	size_t n;
};

static void add(struct words *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct words *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->n >= sizeof(w->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->n, sizeof(w->buf) - w->n, fmt, ap);
	va_end(ap);
	w->n += n > 0 ? (size_t)n : 0;
}

/* A duration as exactly as kdh writes it: 2ms, 1500us, 3ns */
static const char *dur_word(uint64_t ns, char buf[32])
{
	if (ns % 1000000 == 0)
		snprintf(buf, 32, "%llums", (unsigned long long)(ns / 1000000));
	else if (ns % 1000 == 0)
		snprintf(buf, 32, "%lluus", (unsigned long long)(ns / 1000));
	else
		snprintf(buf, 32, "%lluns", (unsigned long long)ns);
	return buf;
}

/* kdh.drivers=, kdh.dbgprint=, ...: the KD script, as agent_cmdline_parse()
 * reads it back */
static void kd_words(struct words *w, const struct target_config *tc)
{
	const struct target_kd_script *s = &tc->kd;
	char d[32];

	if (s->drivers[0])
		add(w, " kdh.drivers=%s", s->drivers);
	else
		add(w, " kdh.drivers=%u", s->n_drivers);
	add(w, " kdh.driver_load=%s", dur_word(tc->timing.driver_load_ns, d));
	if (s->kdfiles)
		add(w, " kdh.kdfiles=yes");
	for (size_t i = 0; i < s->n_dbgprint; i++) {
		add(w, " kdh.dbgprint=%s:", dur_word(s->dbgprint[i].at_ns, d));
		for (const char *p = s->dbgprint[i].text; *p; p++)
			if (strchr("._-,/()!?", *p) || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
				add(w, "%c", *p);
			else
				add(w, "%%%02X", (unsigned char)*p);
	}
	if (s->has_break)
		add(w, " kdh.break=%s", dur_word(s->break_ns, d));
	if (s->has_assert)
		add(w, " kdh.assert=%s", dur_word(s->assert_ns, d));
	if (s->has_bugcheck)
		add(w, " kdh.bugcheck=%s:0x%x:0x%llx:0x%llx:0x%llx:0x%llx",
		    dur_word(s->bugcheck_ns, d), s->bugcheck_code,
		    (unsigned long long)s->bugcheck_param[0],
		    (unsigned long long)s->bugcheck_param[1],
		    (unsigned long long)s->bugcheck_param[2],
		    (unsigned long long)s->bugcheck_param[3]);
}

/**
 * agent_cmdline_build() - the kdh.* words for a debuggee configuration
 * @tc:		configuration
 *
 * Return: malloc'd string (check its length against AGENT_CMDLINE_MAX),
 * or NULL when out of memory
 */
char *agent_cmdline_build(const struct target_config *tc)
{
	char ip[IP_STRLEN], key[64], b[16];
	struct words *w = calloc(1, sizeof(*w));
	char *s;

	if (!w)
		return NULL;
	kdnet_key_format(tc->key, key, sizeof(key));
	add(w, "kdh.hostip=%s kdh.port=%u kdh.key=%s kdh.dhcp=%s",
	    ip_str(tc->host_ip, ip), tc->port, key, tc->dhcp ? "yes" : "no");
	if (tc->has_busparams)
		add(w, " kdh.busparams=%s", pci_addr_str(&tc->busparams, b, sizeof(b)));
	if (tc->ip)
		add(w, " kdh.ip=%s/%d", ip_str(tc->ip, ip),
		    __builtin_popcount(tc->netmask));
	if (tc->os_ping)
		add(w, " kdh.os_ping=%s", ip_str(tc->os_ping, ip));
	if (tc->serial)
		add(w, " kdh.serial=%u:%u", tc->debugport, tc->baudrate);
	add(w, " kdh.dhcp_give_up=%llums kdh.kdnet_init=%llums",
	    (unsigned long long)(tc->timing.dhcp_give_up_ns / 1000000),
	    (unsigned long long)(tc->timing.kdnet_init_ns / 1000000));
	kd_words(w, tc);
	s = strdup(w->buf);
	free(w);
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
