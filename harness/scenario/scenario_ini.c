// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_ini.c - the INI reader under scenario files: sections, items,
 * line numbers (GLib's GKeyFile forgets those, and every error must say
 * file:line)
 *
 * Accepted: "[section]" or "[kind NAME]"; "key = value" or "key: value"
 * (whichever separator comes first, so "net0: e1000=..." and
 * "dbgsettings = net hostip:..." both read naturally); comments with # or
 * ; on a line of their own, or after a value behind a blank ("type = static
 * # static | dhcp"), so a value cannot hold a blank followed by # or ;.
 * In the [expect] section a line is kept whole (less its comment).  A line
 * that is not UTF-8, a key or name longer than 47 bytes and a section name
 * with other characters than letters, digits, '-', '_' and '.' are errors:
 * nothing is cut.
 */
#include <ctype.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_ini.h"

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Cut a trailing comment: a # or ; after a blank */
static void comment_cut(char *s)
{
	for (char *c = s; *c; c++)
		if ((*c == '#' || *c == ';') && c > s && isspace((unsigned char)c[-1])) {
			*c = '\0';
			break;
		}
}

/* Copy a key or name, or refuse one that does not fit */
static int name_copy(char *dst, size_t size, const char *src, const char *what,
		     int line, char *err, size_t errlen)
{
	size_t n = strlen(src);

	if (n >= size) {
		snprintf(err, errlen, "%d: %s of %zu characters (at most %zu)", line,
			 what, n, size - 1);
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

static bool name_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static int item_add(struct ini *ini, struct ini_item *it)
{
	struct ini_item *p = realloc(ini->items, (ini->n + 1) * sizeof(*p));

	if (!p) {
		free(it->value);
		return -1;
	}
	ini->items = p;
	ini->items[ini->n++] = *it;
	return 0;
}

static int section_line(struct ini *ini, char *s, int line, char *err,
			size_t errlen)
{
	struct ini_item it = { .kind = INI_SECTION, .line = line };
	char *end = strchr(s, ']'), *name;

	if (!end || trim(end + 1)[0]) {
		snprintf(err, errlen, "%d: malformed section header (expected "
			 "[kind] or [kind NAME])", line);
		return -1;
	}
	*end = '\0';
	s = trim(s + 1);
	name = strpbrk(s, " \t");
	if (name) {
		*name++ = '\0';
		name = trim(name);
		if (name_copy(it.name, sizeof(it.name), name, "a section name", line,
			      err, errlen))
			return -1;
		if (!name_ok(name)) {
			snprintf(err, errlen, "%d: section name '%s': use letters, "
				 "digits, '-', '_' and '.' only", line, name);
			return -1;
		}
	}
	if (name_copy(it.key, sizeof(it.key), s, "a section kind", line, err,
		      errlen))
		return -1;
	return item_add(ini, &it);
}

static int item_line(struct ini *ini, char *s, int line, bool whole,
		     char *err, size_t errlen)
{
	struct ini_item it = { .kind = INI_ITEM, .line = line };
	char *sep = whole ? NULL : strpbrk(s, "=:");

	if (!ini->n && (whole || !sep)) {
		snprintf(err, errlen, "%d: '%s' is outside any section", line, s);
		return -1;
	}
	if (!ini->n) {	/* a section of no kind: the scenario says whose key */
		struct ini_item none = { .kind = INI_SECTION, .line = 0 };

		if (item_add(ini, &none))
			return -1;
	}
	if (whole) {
		it.value = strdup(trim(s));
		return it.value ? item_add(ini, &it) : -1;
	}
	if (!sep) {
		snprintf(err, errlen, "%d: '%s' is not 'key = value'", line, s);
		return -1;
	}
	it.sep = *sep;
	*sep = '\0';
	if (name_copy(it.key, sizeof(it.key), trim(s), "a key", line, err, errlen))
		return -1;
	if (!it.key[0]) {
		snprintf(err, errlen, "%d: a value without a key", line);
		return -1;
	}
	it.value = strdup(trim(sep + 1));
	return it.value ? item_add(ini, &it) : -1;
}

/**
 * ini_parse() - split @text into sections and items
 * @text:	file contents
 * @ini:	output (free with ini_free())
 * @err:	"LINE: reason" on failure (the caller prefixes the file)
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err filled
 */
int ini_parse(const char *text, struct ini *ini, char *err, size_t errlen)
{
	bool in_expect = false;
	int line = 0, rc = 0;
	const char *p = text;

	memset(ini, 0, sizeof(*ini));
	/* line by line by hand: strtok would skip empty lines and the count */
	while (rc == 0 && p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *raw, *s;

		line++;
		raw = strndup(p, n);
		if (!raw) {
			rc = -1;
			break;
		}
		if (!g_utf8_validate(raw, -1, NULL)) {
			snprintf(err, errlen, "%d: not valid UTF-8 (save the file as "
				 "UTF-8)", line);
			free(raw);
			rc = -1;
			break;
		}
		if (raw[strcspn(raw, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
				 "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
				 "\x1a\x1b\x1c\x1d\x1e\x1f\x7f")]) {
			snprintf(err, errlen, "%d: a control character (only tabs "
				 "are allowed)", line);
			free(raw);
			rc = -1;
			break;
		}
		comment_cut(raw);
		s = trim(raw);
		if (*s == '[') {
			rc = section_line(ini, s, line, err, errlen);
			in_expect = !rc && !strcmp(ini->items[ini->n - 1].key, "expect");
		} else if (*s && *s != '#' && *s != ';') {
			rc = item_line(ini, s, line, in_expect, err, errlen);
		}
		free(raw);
		p = nl ? nl + 1 : NULL;
	}
	if (rc)
		ini_free(ini);
	return rc;
}

/** ini_free() - release what ini_parse() made */
void ini_free(struct ini *ini)
{
	for (size_t i = 0; i < ini->n; i++)
		free(ini->items[i].value);
	free(ini->items);
	memset(ini, 0, sizeof(*ini));
}
