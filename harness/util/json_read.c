// SPDX-License-Identifier: GPL-2.0-or-later
/* json_read.c - typed getters over json-glib: a member is read only once
 * its type and range are checked, so a wrong one becomes kdh's message
 * ("FILE: scenarios[3].frames: expected a whole number from 0 to ...,
 * found a string") instead of json-glib's "Json-CRITICAL ... assertion
 * failed" and a made-up value.
 *
 * A reader keeps its place in a struct jr: jr_enter() before reading an
 * object's members, jr_leave() after; the getters add the member's name.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kdh/util/json_read.h"

/**
 * jr_init() - start reading a document
 * @r:		reader
 * @file:	the document's name, for messages
 * @err:	where the first problem goes
 * @errlen:	its size
 */
void jr_init(struct jr *r, const char *file, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->file = file;
	r->err = err;
	r->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

/**
 * jr_fail() - record what is wrong at the reader's place (the first only)
 * @r:		reader
 * @key:	the member or "[i]" element it is about; NULL: the place itself
 * @fmt:	printf format of what is wrong
 *
 * Return: -1
 */
int jr_fail(struct jr *r, const char *key, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (r->failed)
		return -1;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!key)
		key = "";
	snprintf(r->err, r->errlen, "%s: %s%s%s%s%s", r->file, r->path,
		 r->path[0] && key[0] && key[0] != '[' ? "." : "", key,
		 r->path[0] || key[0] ? ": " : "", what);
	return -1;
}

/**
 * jr_enter() - go into member @key (and its element @index)
 * @r:		reader
 * @key:	member name; NULL for an element of the current array
 * @index:	element index, or -1 for none
 *
 * Return: the mark jr_leave() takes to come back
 */
size_t jr_enter(struct jr *r, const char *key, long index)
{
	size_t mark = strlen(r->path), n = mark;

	if (key)
		n += (size_t)snprintf(r->path + n, n < sizeof(r->path) ?
				      sizeof(r->path) - n : 0, "%s%s",
				      n ? "." : "", key);
	if (index >= 0 && n < sizeof(r->path))
		snprintf(r->path + n, sizeof(r->path) - n, "[%ld]", index);
	return mark;
}

/** jr_leave() - back to where jr_enter() returned @mark */
void jr_leave(struct jr *r, size_t mark)
{
	if (mark < sizeof(r->path))
		r->path[mark] = '\0';
}

/* What a node holds, for "found ..." */
static const char *found(JsonNode *n, char *buf, size_t len)
{
	if (!n)
		return "nothing";
	switch (json_node_get_node_type(n)) {
	case JSON_NODE_OBJECT:	return "an object";
	case JSON_NODE_ARRAY:	return "an array";
	case JSON_NODE_NULL:	return "null";
	default:		break;
	}
	switch (json_node_get_value_type(n)) {
	case G_TYPE_STRING:	return "a string";
	case G_TYPE_BOOLEAN:	return json_node_get_boolean(n) ? "true" : "false";
	case G_TYPE_INT64:
		snprintf(buf, len, "%" PRId64, json_node_get_int(n));
		return buf;
	case G_TYPE_DOUBLE:
		if (!isfinite(json_node_get_double(n)))
			return "a number out of range";
		snprintf(buf, len, "%.17g", json_node_get_double(n));
		return buf;
	default:		return "a value of another kind";
	}
}

static int wrong(struct jr *r, const char *key, JsonNode *n, const char *want)
{
	char buf[40];

	return jr_fail(r, key, "expected %s, found %s", want, found(n, buf, sizeof(buf)));
}

/* The member's node; NULL when absent or null (wrong when @flags require it) */
static JsonNode *member(struct jr *r, JsonObject *o, const char *key,
			unsigned flags, int *rc)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;

	*rc = 0;
	if (n && !JSON_NODE_HOLDS_NULL(n))
		return n;
	if (flags & JR_REQUIRED)
		*rc = jr_fail(r, key, n ? "must not be null" : "missing");
	return NULL;
}

static bool holds(JsonNode *n, GType t)
{
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == t;
}

static bool is_number(JsonNode *n)
{
	return holds(n, G_TYPE_INT64) || holds(n, G_TYPE_DOUBLE);
}

/**
 * jr_root() - the document's top, which must be an object
 * @r:		reader
 * @root:	json_parser_get_root()'s answer (NULL for an empty document)
 * @out:	the object
 *
 * Return: 1, or -1
 */
int jr_root(struct jr *r, JsonNode *root, JsonObject **out)
{
	*out = NULL;
	if (!root)
		return jr_fail(r, NULL, "empty: no JSON object in it");
	if (!JSON_NODE_HOLDS_OBJECT(root))
		return wrong(r, NULL, root, "an object");
	*out = json_node_get_object(root);
	return 1;
}

/**
 * jr_object() - member @key, an object
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @out:	the object, NULL when absent or null
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_object(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	      JsonObject **out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);

	*out = NULL;
	if (!n)
		return rc;
	if (!JSON_NODE_HOLDS_OBJECT(n))
		return wrong(r, key, n, "an object");
	*out = json_node_get_object(n);
	return 1;
}

/**
 * jr_array() - member @key, an array of at most @max elements
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @max:	most elements kdh writes there (0: no limit)
 * @out:	the array, NULL when absent or null
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_array(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	     size_t max, JsonArray **out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);

	*out = NULL;
	if (!n)
		return rc;
	if (!JSON_NODE_HOLDS_ARRAY(n))
		return wrong(r, key, n, "an array");
	if (max && json_array_get_length(json_node_get_array(n)) > max)
		return jr_fail(r, key, "%u elements, at most %zu",
			       json_array_get_length(json_node_get_array(n)), max);
	*out = json_node_get_array(n);
	return 1;
}

/**
 * jr_elem_object() - element @i of @a, an object (null is wrong)
 * @r:		reader (its place: the array)
 * @a:		array
 * @i:		index, below its length
 * @out:	the object
 *
 * Return: 1, or -1
 */
int jr_elem_object(struct jr *r, JsonArray *a, guint i, JsonObject **out)
{
	JsonNode *n = json_array_get_element(a, i);
	char key[24];

	*out = NULL;
	snprintf(key, sizeof(key), "[%u]", i);
	if (!JSON_NODE_HOLDS_OBJECT(n))
		return wrong(r, key, n, "an object");
	*out = json_node_get_object(n);
	return 1;
}

/**
 * jr_elem_str() - element @i of @a, a string (null is wrong)
 * @r:		reader (its place: the array)
 * @a:		array
 * @i:		index, below its length
 * @out:	the string (owned by @a), NULL when wrong
 *
 * Return: 1, or -1
 */
int jr_elem_str(struct jr *r, JsonArray *a, guint i, const char **out)
{
	JsonNode *n = json_array_get_element(a, i);
	char key[24];

	*out = NULL;
	snprintf(key, sizeof(key), "[%u]", i);
	if (!holds(n, G_TYPE_STRING))
		return wrong(r, key, n, "a string");
	*out = json_node_get_string(n);
	return 1;
}

/**
 * jr_num() - member @key, a finite number
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED, JR_NONNEG
 * @out:	its value, NAN when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_num(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   double *out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);
	double v;

	*out = NAN;
	if (!n)
		return rc;
	if (!is_number(n))
		return wrong(r, key, n, "a number");
	v = json_node_get_double(n);
	if (!isfinite(v))
		return wrong(r, key, n, "a finite number");
	if ((flags & JR_NONNEG) && v < 0)
		return wrong(r, key, n, "a number not below 0");
	*out = v;
	return 1;
}

/**
 * jr_uint() - member @key, a whole number from 0 to @max (2.0 is whole,
 * 2.5 is not)
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @max:	the largest it may be
 * @out:	its value, 0 when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_uint(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    uint64_t max, uint64_t *out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);
	char want[64];
	double d;

	*out = 0;
	if (!n)
		return rc;
	snprintf(want, sizeof(want), "a whole number from 0 to %" PRIu64, max);
	if (holds(n, G_TYPE_INT64)) {
		if (json_node_get_int(n) < 0 ||
		    (uint64_t)json_node_get_int(n) > max)
			return wrong(r, key, n, want);
		*out = (uint64_t)json_node_get_int(n);
		return 1;
	}
	if (!holds(n, G_TYPE_DOUBLE))
		return wrong(r, key, n, want);
	d = json_node_get_double(n);
	if (!isfinite(d) || d != floor(d) || d < 0 || d > (double)max ||
	    d >= 18446744073709551616.0)
		return wrong(r, key, n, want);
	*out = (uint64_t)d;
	return 1;
}

/**
 * jr_seed() - member @key, a seed: a whole number from 0 to 2^64-1, or
 * its decimal string; a negative one is a seed above 2^63-1 as an older
 * kdh wrote it (as a signed 64-bit number)
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @out:	its value, 0 when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_seed(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    uint64_t *out)
{
	static const char want[] = "a whole number from 0 to 18446744073709551615";
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);

	*out = 0;
	if (!n)
		return rc;
	if (holds(n, G_TYPE_INT64)) {
		*out = (uint64_t)json_node_get_int(n);
		return 1;
	}
	if (holds(n, G_TYPE_STRING)) {
		guint64 v;

		if (!g_ascii_string_to_unsigned(json_node_get_string(n), 10, 0,
						UINT64_MAX, &v, NULL))
			return wrong(r, key, n, want);
		*out = v;
		return 1;
	}
	return jr_uint(r, o, key, flags, UINT64_MAX, out);
}

/**
 * jr_bool() - member @key, true or false
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @out:	its value, false when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_bool(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    bool *out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);

	*out = false;
	if (!n)
		return rc;
	if (!holds(n, G_TYPE_BOOLEAN))
		return wrong(r, key, n, "true or false");
	*out = json_node_get_boolean(n);
	return 1;
}

/**
 * jr_str() - member @key, a string
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @out:	the string (owned by @o), NULL when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_str(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   const char **out)
{
	int rc;
	JsonNode *n = member(r, o, key, flags, &rc);

	*out = NULL;
	if (!n)
		return rc;
	if (!holds(n, G_TYPE_STRING))
		return wrong(r, key, n, "a string");
	*out = json_node_get_string(n);
	return 1;
}

/**
 * jr_strcpy() - member @key, a string that fits @len bytes with its NUL
 * (a longer one is wrong: kdh never wrote it, and it is not cut)
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED, JR_NAME
 * @dst:	its copy, "" when absent, null or wrong
 * @len:	size of @dst
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_strcpy(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	      char *dst, size_t len)
{
	const char *s;
	int rc = jr_str(r, o, key, flags, &s);

	dst[0] = '\0';
	if (rc <= 0)
		return rc;
	if (strlen(s) >= len)
		return jr_fail(r, key, "%zu bytes long, at most %zu", strlen(s),
			       len - 1);
	if ((flags & JR_NAME) && !s[0])
		return jr_fail(r, key, "empty: a name has at least one character");
	for (const char *c = s; (flags & JR_NAME) && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return jr_fail(r, key, "a control character (0x%02X) in a "
				       "name", (unsigned)(unsigned char)*c);
	memcpy(dst, s, strlen(s) + 1);
	return 1;
}

/**
 * jr_hex() - member @key, a string "0x1F" (the 0x may be left out) from 0
 * to @max
 * @r:		reader
 * @o:		object to read (NULL: as if @key were absent)
 * @key:	member
 * @flags:	JR_REQUIRED
 * @max:	the largest it may be
 * @out:	its value, 0 when absent, null or wrong
 *
 * Return: 1, 0 absent or null, -1 wrong
 */
int jr_hex(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   uint64_t max, uint64_t *out)
{
	const char *s;
	int rc = jr_str(r, o, key, flags, &s);
	guint64 v;

	*out = 0;
	if (rc <= 0)
		return rc;
	if (!g_ascii_strncasecmp(s, "0x", 2))
		s += 2;
	if (!g_ascii_string_to_unsigned(s, 16, 0, max, &v, NULL))
		return jr_fail(r, key, "expected a hexadecimal string from 0x0 to "
			       "0x%" PRIX64 ", found another string", max);
	*out = v;
	return 1;
}

/**
 * jr_each_object() - read every element of member @key's array as an
 * object, each inside "KEY[i]" for messages; stops at the first problem
 * (the document is refused then, and what follows would not be used)
 * @r:		reader
 * @key:	the array's member name, for the place in messages
 * @a:		the array (NULL: nothing to read)
 * @fn:		called with each element and @ctx
 * @ctx:	passed to @fn
 */
void jr_each_object(struct jr *r, const char *key, JsonArray *a,
		    void (*fn)(struct jr *r, JsonObject *o, void *ctx), void *ctx)
{
	size_t mark = jr_enter(r, key, -1);

	for (guint i = 0; a && !r->failed && i < json_array_get_length(a); i++) {
		JsonObject *o;
		size_t at;

		if (jr_elem_object(r, a, i, &o) < 0)
			break;
		at = jr_enter(r, NULL, i);
		fn(r, o, ctx);
		jr_leave(r, at);
	}
	jr_leave(r, mark);
}
