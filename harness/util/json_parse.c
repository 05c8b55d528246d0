// SPDX-License-Identifier: GPL-2.0-or-later
/* json_parse.c - JSON bytes to json-glib's tree, refusing first what
 * json-glib cannot take safely: nesting deep enough to overflow its
 * recursive parser's stack, a NUL in a string (it cuts the string
 * there) and a key twice in one object (the last one would win).  Messages are "FILE:LINE: what is wrong", as json-glib's own
 * parse errors are made to be.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kdh/util/json_read.h"

/*
 * The scan's state: where it is, and per open object the keys seen in it
 * (NULL for an array), to find a key given twice, which json-glib lets
 * the last one win silently.  Keys are compared as written ("a" and
 * "\u0061" differ here).
 */
struct scan {
	unsigned depth, line;
	GHashTable *keys[JR_MAX_DEPTH + 1];
	char *why;
	size_t whylen;
};

static unsigned scan_fail(struct scan *sc, const char *what)
{
	snprintf(sc->why, sc->whylen, "%s", what);
	return sc->line;
}

/* The string that ended at @end (from @start) is a key: refuse it twice */
static unsigned key_seen(struct scan *sc, const char *d, size_t start,
			 size_t end)
{
	char *k = g_strndup(d + start, end - start), *esc;

	if (!g_hash_table_contains(sc->keys[sc->depth], k)) {
		g_hash_table_add(sc->keys[sc->depth], k);
		return 0;
	}
	esc = g_strescape(k, NULL);
	snprintf(sc->why, sc->whylen, "\"%.40s%s\" twice in one object (which "
		 "one is meant?)", esc, strlen(esc) > 40 ? "..." : "");
	g_free(esc);
	g_free(k);
	return sc->line;
}

static unsigned scan_open(struct scan *sc, bool object)
{
	if (sc->depth == JR_MAX_DEPTH)
		return scan_fail(sc, "arrays and objects nested deeper than kdh "
				 "writes them");
	sc->keys[++sc->depth] = object ? g_hash_table_new_full(g_str_hash,
		g_str_equal, g_free, NULL) : NULL;
	return 0;
}

static void scan_close(struct scan *sc)
{
	if (!sc->depth)
		return;
	if (sc->keys[sc->depth])
		g_hash_table_destroy(sc->keys[sc->depth]);
	sc->keys[sc->depth--] = NULL;
}

/* A string from @i (its opening quote): the index of its closing quote,
 * or 0 with sc->line set for a \u0000 in it */
static size_t scan_string(struct scan *sc, const char *d, size_t len,
			  size_t i, unsigned *bad)
{
	for (i++; i < len && d[i] != '"'; i++) {
		if (d[i] == '\n')
			sc->line++;
		if (d[i] != '\\' || i + 1 >= len)
			continue;
		if (len - i >= 6 && !strncmp(d + i + 1, "u0000", 5)) {
			*bad = scan_fail(sc, "a NUL character (\\u0000) in a string");
			return i;
		}
		i++;
	}
	return i;
}

/*
 * What json-glib cannot be given: arrays and objects nested so deep that
 * its recursive parser overflows the stack (kdh report crashed on 100000
 * "["), a NUL inside a string, which it cuts the string at, and a key
 * twice in an object.  Return the line of the first one (0: none), @why
 * says which.
 */
static unsigned scan(const char *d, size_t len, char *why, size_t whylen)
{
	struct scan sc = { .line = 1, .why = why, .whylen = whylen };
	unsigned bad = 0;

	for (size_t i = 0; i < len && !bad; i++) {
		if (d[i] == '\n') {
			sc.line++;
		} else if (d[i] == '"') {
			size_t start = i + 1, j;

			i = scan_string(&sc, d, len, i, &bad);
			for (j = i + 1; j < len && strchr(" \t\r\n", d[j]); j++)
				;
			if (!bad && j < len && d[j] == ':' && sc.keys[sc.depth])
				bad = key_seen(&sc, d, start, i);
		} else if (d[i] == '[' || d[i] == '{') {
			bad = scan_open(&sc, d[i] == '{');
		} else if (d[i] == ']' || d[i] == '}') {
			scan_close(&sc);
		}
	}
	while (sc.depth)
		scan_close(&sc);
	return bad;
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
	char why[160];
	unsigned line = scan(data, len, why, sizeof(why));
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
