// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kd_values.c - the value syntaxes of a debuggee's KD script:
 * boot drivers, DbgPrint lines, bugchecks; shared by the scenario parser
 * and kdh-agent's command line
 *
 *   drivers = 50                     50 generated names: drv001.sys ...
 *   drivers = ACPI.sys, pci.sys      these names (commas and/or blanks)
 *   dbgprint = 5s Hello from kdh     TIME, then the line's text
 *   bugcheck = 30s 0xD1 P1 P2 P3 P4  TIME, stop code, four parameters (hex)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/target/target.h"
#include "netsim/duration.h"
#include "netsim/value.h"

/* A driver's file name: letters, digits, '.', '_', '-', starting with a
 * letter or digit, with an extension (ACPI.sys, hal.dll, ntoskrnl.exe:
 * "-1" is a typo for a count, not a module), at most
 * TARGET_DRIVER_NAME - 1 characters */
static bool driver_name_ok(const char *w, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t dot = n;

	while (dot && w[dot - 1] != '.')
		dot--;			/* just past the last '.', 0: none */
	if (!n || n >= TARGET_DRIVER_NAME || strchr("._-", *w) || dot < 2 ||
	    dot == n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!w[i] || !strchr(ok, w[i]))
			return false;
	return true;
}

static int drivers_list(const char *v, struct target_kd_script *s, char *err,
			size_t errlen)
{
	static const char sep[] = ", \t";
	size_t used = 0;
	unsigned n = 0;

	for (const char *p = v + strspn(v, sep); *p; p += strspn(p, sep)) {
		size_t len = strcspn(p, sep);

		if (!driver_name_ok(p, len)) {
			snprintf(err, errlen, "drivers: '%.*s' is not a driver file "
				 "name (NAME.sys: letters, digits, '.', '_', '-'; at "
				 "most %d) nor a count",
				 (int)(len < 64 ? len : 64), p, TARGET_DRIVER_NAME - 1);
			return -EINVAL;
		}
		if (used + len + 1 > sizeof(s->drivers)) {
			snprintf(err, errlen, "drivers: the names take more than %zu "
				 "characters (drivers = N generates any number)",
				 sizeof(s->drivers) - 1);
			return -EINVAL;
		}
		if (used)
			s->drivers[used++] = ',';
		memcpy(s->drivers + used, p, len);
		used += len;
		s->drivers[used] = '\0';
		n++;
		p += len;
	}
	s->n_drivers = n;
	return 0;
}

/**
 * sv_drivers() - "N" (generated names) or a list of driver file names
 * @v:		text
 * @s:		script to fill (n_drivers, drivers)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL
 */
int sv_drivers(const char *v, struct target_kd_script *s, char *err,
	       size_t errlen)
{
	uint64_t n;
	int rc;

	if (*v >= '0' && *v <= '9' && v[strspn(v, "0123456789")] == '\0') {
		rc = value_uint(v, 0, TARGET_MAX_DRIVERS, &n);
		if (rc || (*v == '0' && v[1])) {
			snprintf(err, errlen, rc == -ERANGE ?
				 "drivers: %s is more than %d boot drivers" :
				 "drivers: '%s' is not a number", v, TARGET_MAX_DRIVERS);
			return -EINVAL;
		}
		s->n_drivers = (unsigned)n;
		s->drivers[0] = '\0';
		return 0;
	}
	s->drivers[0] = '\0';
	if (!v[strspn(v, ", \t")]) {
		snprintf(err, errlen, "drivers: expected a number or driver file "
			 "names (e.g. 'ACPI.sys, pci.sys')");
		return -EINVAL;
	}
	return drivers_list(v, s, err, errlen);
}

/**
 * sv_dbgprint() - "TIME TEXT": a DbgPrint line at TIME after power-on
 * @v:		text
 * @d:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL
 */
int sv_dbgprint(const char *v, struct target_dbgprint *d, char *err,
		size_t errlen)
{
	size_t tl = strcspn(v, " \t");
	const char *text = v + tl + strspn(v + tl, " \t");
	char when[32];

	if (tl >= sizeof(when) || !*text) {
		snprintf(err, errlen, "dbgprint: expected 'TIME TEXT', e.g. "
			 "'5s Hello from the driver'");
		return -EINVAL;
	}
	memcpy(when, v, tl);
	when[tl] = '\0';
	if (duration_key_parse("dbgprint", when, &d->at_ns, err, errlen))
		return -EINVAL;
	if (strlen(text) > TARGET_DBGPRINT_LEN - 2) {
		snprintf(err, errlen, "dbgprint: the text has %zu characters, at "
			 "most %d", strlen(text), TARGET_DBGPRINT_LEN - 2);
		return -EINVAL;
	}
	snprintf(d->text, sizeof(d->text), "%s", text);
	return 0;
}

/* Hex with an optional 0x, at most @digits digits after any leading
 * zeros, nothing else */
static int hex_parse(const char *s, unsigned digits, uint64_t *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || s[strspn(s, "0123456789abcdefABCDEF")])
		return -EINVAL;
	s += strspn(s, "0");
	if (strlen(s) > digits)
		return -ERANGE;
	for (; *s; s++)
		v = v << 4 | (uint64_t)(strchr(hex, *s | 0x20) - hex);
	*out = v;
	return 0;
}

/**
 * sv_bugcheck() - "TIME CODE P1 P2 P3 P4": a bugcheck at TIME after
 * power-on, its stop code and four parameters in hex (0x optional)
 * @v:		text
 * @s:		script to fill (has_bugcheck, bugcheck_*)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL
 */
int sv_bugcheck(const char *v, struct target_kd_script *s, char *err,
		size_t errlen)
{
	char w[6][40], extra[2];
	uint64_t x;
	int n = sscanf(v, "%39s %39s %39s %39s %39s %39s %1s", w[0], w[1], w[2],
		       w[3], w[4], w[5], extra);

	if (n != 6) {
		snprintf(err, errlen, "bugcheck: expected 'TIME CODE P1 P2 P3 P4' "
			 "(hex), e.g. '30s 0xD1 0xfffff80312345678 0x2 0x0 "
			 "0xfffff8031234abcd'");
		return -EINVAL;
	}
	if (duration_key_parse("bugcheck", w[0], &s->bugcheck_ns, err, errlen))
		return -EINVAL;
	if (hex_parse(w[1], 8, &x)) {
		snprintf(err, errlen, "bugcheck: code '%s' is not a 32-bit hex "
			 "number", w[1]);
		return -EINVAL;
	}
	s->bugcheck_code = (uint32_t)x;
	for (int i = 0; i < 4; i++)
		if (hex_parse(w[i + 2], 16, &s->bugcheck_param[i])) {
			snprintf(err, errlen, "bugcheck: parameter %d '%s' is not a "
				 "64-bit hex number", i + 1, w[i + 2]);
			return -EINVAL;
		}
	s->has_bugcheck = true;
	return 0;
}
