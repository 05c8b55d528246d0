// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_propstr.c - Proxmox property strings: duplicate keys, booleans, and
 * the facts kdh check and the run both read from a NIC line
 *
 * Theory of operation: a Proxmox config value such as a netN, cpu,
 * hostpciN or efidisk0 line is a property string, read by pve-common's
 * PVE::JSONSchema::parse_property_string: comma-separated parts, a part of
 * only whitespace skipped, "key=value" split at the first '=', a part
 * without '=' the value of the format's default key.  A key given twice
 * (the default key bare and by name included) is refused with "duplicate
 * key in comma-separated list property: KEY"; kdh refuses it the same way.
 * A boolean option is parse_boolean()'s: 1|on|yes|true or 0|off|no|false,
 * any case.  A NIC's numbers (mtu, queues, rate) are held to qemu-server's
 * schema bounds, as `qm set` holds them.  pve_net_link_up() is the one answer to "does a frame pass
 * this NIC", asked by kdh check and by the simulated and VM runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kdh/platform/pve.h"
#include "netsim/value.h"

/**
 * pve_boolean() - a boolean as pve-common's parse_boolean() reads it
 * @v:		the value
 * @out:	true or false
 *
 * Return: 0, or -EINVAL for anything but 1|on|yes|true|0|off|no|false
 */
int pve_boolean(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*out = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

/* The key of the part @p (@n bytes): "k=v" gives k, a bare part the default
 * key; false for a blank part, "=v", "k=", or a bare part without one */
static bool part_key(const char *p, size_t n, const char *dflt,
		     const char **k, size_t *kn)
{
	const char *eq = memchr(p, '=', n);

	if (strspn(p, " \t\r\n\f\v") >= n || (eq && (eq == p || eq == p + n - 1)))
		return false;
	if (!eq && !dflt)
		return false;
	*k = eq ? p : dflt;
	*kn = eq ? (size_t)(eq - p) : strlen(dflt);
	return true;
}

/* Whether a part of @value before @end has the key @k */
static bool key_before(const char *value, const char *end, const char *dflt,
		       const char *k, size_t kn)
{
	for (const char *p = value; p < end;) {
		size_t n = strcspn(p, ",");
		const char *k2;
		size_t kn2;

		if (part_key(p, n, dflt, &k2, &kn2) && kn2 == kn &&
		    !memcmp(k, k2, kn))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/**
 * pve_propstr_dupkey() - refuse a key given twice, as parse_property_string
 * @value:	the property string
 * @default_key: the format's default key (a bare part's key), or NULL
 * @err:	"duplicate key in comma-separated list property: KEY"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_propstr_dupkey(const char *value, const char *default_key, char *err,
		       size_t errlen)
{
	const char *p = value;

	for (size_t n; *p; p += n + (p[n] == ',')) {
		const char *k;
		size_t kn;

		n = strcspn(p, ",");
		if (!part_key(p, n, default_key, &k, &kn))
			continue;
		if (key_before(value, p, default_key, k, kn)) {
			snprintf(err, errlen, "duplicate key in comma-separated list "
				 "property: %.*s", (int)kn, k);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * pve_net_link_up() - whether frames pass this NIC at all
 * @net:	the netN line
 *
 * qemu-server starts a NIC with link_down=1 and then unplugs it over QMP
 * (set_link up=false): the guest sees no carrier and no frame passes.
 *
 * Return: false for link_down=1
 */
bool pve_net_link_up(const struct pve_net *net)
{
	return !net->link_down;
}

/*
 * qemu-server's $net_fmt (src/PVE/QemuServer/Network.pm):
 *   queues => { type => 'integer', minimum => 0, maximum => 64, ... }
 *   mtu => { type => 'integer', minimum => 1, maximum => 65520, ... }
 *   rate => { type => 'number', minimum => 0, ... }
 * rate has no maximum there; pve-common's tap_rate_limit() turns it into
 * bytes/s for tc ("$rate = int($rate*1024*1024)"), so kdh keeps it where
 * that fits 64 bits.  Integers are plain decimal here: no sign, exponent,
 * hex, "nan" or "inf".
 */
#define RATE_MAX_MBPS	(UINT64_MAX >> 20)

static int rate_check(const char *v, char *err, size_t errlen)
{
	const char *p = v;
	double mbps;

	if (!value_decimal(&p, &mbps) && !*p && mbps <= (double)RATE_MAX_MBPS)
		return 0;
	snprintf(err, errlen, "rate '%s' is not a number of MB/s from 0 to %llu "
		 "(plain decimal, e.g. 12.5; qemu-server's minimum is 0)", v,
		 (unsigned long long)RATE_MAX_MBPS);
	return -EINVAL;
}

/**
 * pve_net_number() - a NIC's numeric option within qemu-server's bounds
 * @k:		the option's key (mtu, queues, rate)
 * @v:		its value
 * @err:	"mtu '0' is not 1-65520 ..." on failure
 * @errlen:	its size
 *
 * Return: 0, 1 when @k is not one of them, or -EINVAL with @err filled
 */
int pve_net_number(const char *k, const char *v, char *err, size_t errlen)
{
	uint64_t n;

	if (!strcmp(k, "rate"))
		return rate_check(v, err, errlen);
	if (!strcmp(k, "mtu")) {
		if (!value_uint(v, 1, 65520, &n))
			return 0;
		snprintf(err, errlen, "mtu '%s' is not 1-65520 (qemu-server's bounds; "
			 "1 takes the bridge's MTU)", v);
		return -EINVAL;
	}
	if (!strcmp(k, "queues")) {
		if (!value_uint(v, 0, 64, &n))
			return 0;
		snprintf(err, errlen, "queues '%s' is not 0-64 (qemu-server's "
			 "bounds)", v);
		return -EINVAL;
	}
	return 1;
}
