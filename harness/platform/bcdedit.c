// SPDX-License-Identifier: GPL-2.0-or-later
/* bcdedit.c - read what `bcdedit /dbgsettings` or `bcdedit /enum
 * {dbgsettings}` printed (pure: text in, struct out)
 *
 * "name   value" lines; other lines (headers, identifier, dashes) are
 * skipped.  The fields kdh knows are checked as they are read: a port that
 * is not a number, a dhcp that is not Yes or No, a value longer than its
 * field are errors with file:line -- never a silent 0 or a cut; so is a
 * field given twice (the last one would win).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "kdh/platform/check.h"
#include "kdh/platform/pve_pci.h"
#include "netsim/value.h"

struct bcd_line {
	const char *file;
	int line;
	const char *key, *value;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
bad(const struct bcd_line *l, const char *fmt, ...)
{
	char m[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%d: %s", l->file, l->line, m);
	return -EINVAL;
}

static int text_field(const struct bcd_line *l, char *dst, size_t size)
{
	size_t n = strlen(l->value);

	if (n >= size)
		return bad(l, "%s: %zu characters, at most %zu", l->key, n, size - 1);
	memcpy(dst, l->value, n + 1);
	return 0;
}

static int number_field(const struct bcd_line *l, uint64_t lo, uint64_t hi,
			unsigned long *out)
{
	uint64_t v;

	if (value_uint(l->value, lo, hi, &v))
		return bad(l, "%s '%s' is not a number from %llu to %llu", l->key,
			   l->value, (unsigned long long)lo, (unsigned long long)hi);
	*out = (unsigned long)v;
	return 0;
}

/* One known field; 1 for a line that is not one */
static int field(const struct bcd_line *l, struct dbgsettings *d)
{
	const char *k = l->key;

	if (!strcasecmp(k, "key"))
		return text_field(l, d->key, sizeof(d->key));
	if (!strcasecmp(k, "debugtype"))
		return text_field(l, d->debugtype, sizeof(d->debugtype));
	if (!strcasecmp(k, "hostip"))
		return text_field(l, d->hostip, sizeof(d->hostip));
	if (!strcasecmp(k, "busparams")) {
		struct pci_addr pci;
		char dec[16];

		if (!pci_lspci_parse(l->value, &pci))
			return bad(l, "busparams %s is lspci's form (hex); bcdedit "
				   "wants decimal: busparams %s", l->value,
				   pci_addr_str(&pci, dec, sizeof(dec)));
		d->has_busparams = true;
		return text_field(l, d->busparams, sizeof(d->busparams));
	}
	if (!strcasecmp(k, "port")) {
		d->has_port = true;
		return number_field(l, 0, 65535, &d->port);
	}
	if (!strcasecmp(k, "debugport"))
		return number_field(l, 1, 255, &d->debugport);
	if (!strcasecmp(k, "baudrate"))
		return number_field(l, 1, 4000000, &d->baudrate);
	if (!strcasecmp(k, "dhcp")) {
		if (strcasecmp(l->value, "yes") && strcasecmp(l->value, "no"))
			return bad(l, "dhcp '%s' is not Yes or No", l->value);
		d->has_dhcp = true;
		d->dhcp = !strcasecmp(l->value, "yes");
		return 0;
	}
	return 1;
}

/* The fields field() reads; a second one would silently win, so it is
 * refused: "port twice (also line 3)" */
static const char *const known[] = { "key", "debugtype", "hostip", "busparams",
				     "port", "debugport", "baudrate", "dhcp" };
#define N_KNOWN	(sizeof(known) / sizeof(*known))

static int once(const struct bcd_line *l, int seen[N_KNOWN])
{
	for (size_t i = 0; i < N_KNOWN; i++) {
		if (strcasecmp(l->key, known[i]))
			continue;
		if (seen[i])
			return bad(l, "%s twice (also line %d)", l->key, seen[i]);
		seen[i] = l->line;
	}
	return 0;
}

/**
 * dbgsettings_parse() - the output of `bcdedit /dbgsettings` or
 * `bcdedit /enum {dbgsettings}`: "name   value" lines
 * @file:	name for messages
 * @text:	the output, pasted into a file (UTF-8; see text_load())
 * @d:		output
 * @err:	"file:line: reason" on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL (a malformed field, or no field at all)
 */
int dbgsettings_parse(const char *file, const char *text, struct dbgsettings *d,
		      char *err, size_t errlen)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	int fields = 0, rc = 0, seen[N_KNOWN] = { 0 };

	memset(d, 0, sizeof(*d));
	for (int i = 0; lines[i] && !rc; i++) {
		char *s = g_strstrip(lines[i]), *sp = strpbrk(s, " \t");
		struct bcd_line l = { file, i + 1, s, NULL, err, errlen };

		if (!sp)
			continue;
		*sp = '\0';
		l.value = g_strstrip(sp + 1);
		rc = once(&l, seen) ? -EINVAL : field(&l, d);
		if (rc == 1)
			rc = 0;
		else if (!rc)
			fields++;
	}
	g_strfreev(lines);
	if (!rc && !fields) {
		snprintf(err, errlen, "%s: no {dbgsettings} fields (key, debugtype, "
			 "hostip, port, dhcp, busparams): paste the output of "
			 "bcdedit /dbgsettings", file);
		rc = -EINVAL;
	}
	return rc;
}
