// SPDX-License-Identifier: GPL-2.0-or-later
/* json_out.c - small helpers over json-glib's builder for kdh's outputs */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kdh/util/json_out.h"
#include "kdh/util/fileio.h"

/** jb_int() - add "key": integer to the current object */
void jb_int(JsonBuilder *b, const char *key, int64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, v);
}

/*
 * json-glib writes integers as gint64: a seed above 2^63 would come out
 * negative.  jb_uint() stores such a value as a marked string, which
 * json_unsigned_fix() turns back into the plain digits in the generated
 * text.  The mark starts with U+0001, which no kdh string carries (inputs
 * with control characters are refused) and json-glib escapes as \u0001;
 * and only a "seed" member's value is turned back (seeds are the only
 * values above 2^63), so a guest's DbgPrint text that happened to be a
 * mark stays a string.
 */
#define UINT_MARK	"\001kdh-uint64:"
#define UINT_MARK_JSON	"\"\\u0001kdh-uint64:"

/** jb_uint() - add "key": unsigned integer, all 64 bits (see above) */
void jb_uint(JsonBuilder *b, const char *key, uint64_t v)
{
	char text[48];

	if (v <= INT64_MAX) {
		jb_int(b, key, (int64_t)v);
		return;
	}
	snprintf(text, sizeof(text), UINT_MARK "%" PRIu64, v);
	jb_str(b, key, text);
}

/* Is @m, in @text, the value of a "seed" member (pretty or compact)? */
static bool seed_value(const char *text, const char *m)
{
	static const char *const keys[] = { "\"seed\" : ", "\"seed\":" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(keys[i]);

		if ((size_t)(m - text) >= n && !memcmp(m - n, keys[i], n))
			return true;
	}
	return false;
}

/**
 * json_unsigned_fix() - jb_uint()'s marked strings back to numbers
 * @text:	generated JSON, edited in place (it only shrinks)
 * @len:	its length, updated; may be NULL
 */
void json_unsigned_fix(char *text, size_t *len)
{
	const size_t mark = strlen(UINT_MARK_JSON);
	char *w = text, *r = text, *m;

	while ((m = strstr(r, UINT_MARK_JSON))) {
		size_t digits = strspn(m + mark, "0123456789");

		memmove(w, r, (size_t)(m - r));
		w += m - r;
		if (digits && m[mark + digits] == '"' && seed_value(text, m)) {
			memmove(w, m + mark, digits);
			w += digits;
			r = m + mark + digits + 1;
		} else {	/* not one of ours: keep it */
			memmove(w, m, mark);
			w += mark;
			r = m + mark;
		}
	}
	memmove(w, r, strlen(r) + 1);
	if (len)
		*len = strlen(text);
}

/** jb_str() - add "key": string (null when @v is NULL) */
void jb_str(JsonBuilder *b, const char *key, const char *v)
{
	json_builder_set_member_name(b, key);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

/** jb_double() - add "key": number (null for NAN or an infinity, which
 * JSON cannot write: json-glib would write "nan", and no reader takes it) */
void jb_double(JsonBuilder *b, const char *key, double v)
{
	json_builder_set_member_name(b, key);
	if (isfinite(v))
		json_builder_add_double_value(b, v);
	else
		json_builder_add_null_value(b);
}

/** jb_bool() - add "key": true/false */
void jb_bool(JsonBuilder *b, const char *key, bool v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_boolean_value(b, v);
}

/** jb_null() - add "key": null */
void jb_null(JsonBuilder *b, const char *key)
{
	json_builder_set_member_name(b, key);
	json_builder_add_null_value(b);
}

/**
 * json_print() - write the builder's root, pretty, with a final newline
 * @b:		builder holding a complete value
 * @out:	stream
 *
 * Return: 0, or -EIO when the stream failed
 */
int json_print(JsonBuilder *b, FILE *out)
{
	JsonNode *root = json_builder_get_root(b);
	JsonGenerator *gen = json_generator_new();
	gchar *text;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	json_unsigned_fix(text, NULL);
	fputs(text, out);
	fputc('\n', out);
	g_free(text);
	g_object_unref(gen);
	json_node_unref(root);
	return fflush(out) || ferror(out) ? -EIO : 0;
}

/**
 * json_write_file() - write a document atomically, as kdh writes JSON:
 * pretty, seeds above 2^63 as plain digits (jb_uint())
 * @path:	destination ("-": standard output)
 * @n:		the document (its reference is taken)
 *
 * Return: 0, or a negative errno
 */
int json_write_file(const char *path, JsonNode *n)
{
	JsonGenerator *gen = json_generator_new();
	gsize len;
	gchar *text;
	int rc;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, n);
	text = json_generator_to_data(gen, &len);
	json_unsigned_fix(text, &len);
	rc = write_file_atomic(path, text, len);
	g_free(text);
	g_object_unref(gen);
	json_node_unref(n);
	return rc;
}
