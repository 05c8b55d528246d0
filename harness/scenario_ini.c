/* scenario_ini.c - the INI reader under scenario files: sections, items,
 * line numbers (GLib's GKeyFile forgets those, and every error must say
 * file:line)
 *
 * Accepted: "[section]" or "[kind NAME]"; "key = value" or "key: value"
 * (whichever separator comes first, so "net0: e1000=..." and
 * "dbgsettings = net hostip:..." both read naturally); full-line comments
 * with # or ;.  In the [expect] section a line is kept whole.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario_ini.h"

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

static int item_add(struct ini *ini, struct ini_item *it)
{
	struct ini_item *p = realloc(ini->items, (ini->n + 1) * sizeof(*p));

	if (!p)
		return -1;
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
		snprintf(it.name, sizeof(it.name), "%s", trim(name));
	}
	snprintf(it.key, sizeof(it.key), "%s", s);
	return item_add(ini, &it);
}

static int item_line(struct ini *ini, char *s, int line, bool whole,
		     char *err, size_t errlen)
{
	struct ini_item it = { .kind = INI_ITEM, .line = line };
	char *sep = whole ? NULL : strpbrk(s, "=:");

	if (!ini->n) {
		snprintf(err, errlen, "%d: '%s' is outside any section", line, s);
		return -1;
	}
	if (whole) {
		snprintf(it.value, sizeof(it.value), "%s", s);
		return item_add(ini, &it);
	}
	if (!sep) {
		snprintf(err, errlen, "%d: '%s' is not 'key = value'", line, s);
		return -1;
	}
	*sep = '\0';
	snprintf(it.key, sizeof(it.key), "%s", trim(s));
	snprintf(it.value, sizeof(it.value), "%s", trim(sep + 1));
	if (!it.key[0]) {
		snprintf(err, errlen, "%d: a value without a key", line);
		return -1;
	}
	return item_add(ini, &it);
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
	free(ini->items);
	memset(ini, 0, sizeof(*ini));
}
