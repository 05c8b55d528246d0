// SPDX-License-Identifier: GPL-2.0-or-later
/* json_parse.c - JSON bytes to json-glib's tree, refusing first what
 * json-glib cannot take safely: nesting deep enough to overflow its
 * recursive parser's stack, and a NUL in a string (it cuts the string
 * there).  Messages are "FILE:LINE: what is wrong", as json-glib's own
 * parse errors are made to be.
 */
#include <stdio.h>
#include <string.h>

#include "kdh/json_read.h"

/*
 * What json-glib cannot be given: arrays and objects nested so deep that
 * its recursive parser overflows the stack (kdh report crashed on 100000
 * "["), and a NUL inside a string, which it cuts the string at.  Return
 * the line of the first one (0: none), @why says which.
 */
static unsigned scan(const char *d, size_t len, const char **why)
{
	unsigned depth = 0, line = 1;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		if (d[i] == '\n')
			line++;
		if (in_str) {
			if (d[i] == '\\' && i + 1 < len) {
				if (len - i >= 6 && !strncmp(d + i + 1, "u0000", 5)) {
					*why = "a NUL character (\\u0000) in a string";
					return line;
				}
				i++;
			} else if (d[i] == '"') {
				in_str = false;
			}
		} else if (d[i] == '"') {
			in_str = true;
		} else if (d[i] == '[' || d[i] == '{') {
			if (++depth > JR_MAX_DEPTH) {
				*why = "arrays and objects nested deeper than kdh "
				       "writes them";
				return line;
			}
		} else if ((d[i] == ']' || d[i] == '}') && depth) {
			depth--;
		}
	}
	return 0;
}

/**
 * jr_parse() - parse a JSON document's bytes with json-glib, refusing
 * first what it cannot take safely (see scan())
 * @p:		parser
 * @file:	the document's name, for messages
 * @data:	its bytes
 * @len:	their count
 * @err:	"FILE:LINE: what is wrong" on failure
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int jr_parse(JsonParser *p, const char *file, const char *data, size_t len,
	     char *err, size_t errlen)
{
	const char *why = NULL;
	unsigned line = scan(data, len, &why);
	GError *e = NULL;

	if (line) {
		snprintf(err, errlen, "%s:%u: %s", file, line, why);
		return -1;
	}
	if (len > G_MAXSSIZE) {
		snprintf(err, errlen, "%s: too large", file);
		return -1;
	}
	if (json_parser_load_from_data(p, data, (gssize)len, &e))
		return 0;
	/* json-glib's message starts "<data>:LINE:COL: " */
	if (g_str_has_prefix(e->message, "<data>"))
		snprintf(err, errlen, "%s%s", file, e->message + strlen("<data>"));
	else
		snprintf(err, errlen, "%s: %s", file, e->message);
	g_error_free(e);
	return -1;
}
