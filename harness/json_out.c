// SPDX-License-Identifier: GPL-2.0-or-later
/* json_out.c - small helpers over json-glib's builder for kdh's outputs */
#include <errno.h>
#include <math.h>

#include "kdh/json_out.h"

/** jb_int() - add "key": integer to the current object */
void jb_int(JsonBuilder *b, const char *key, int64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, v);
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
	fputs(text, out);
	fputc('\n', out);
	g_free(text);
	g_object_unref(gen);
	json_node_unref(root);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
