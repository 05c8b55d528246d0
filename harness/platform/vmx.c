// SPDX-License-Identifier: GPL-2.0-or-later
/* vmx.c - read a VMware .vmx file: `key = "value"` lines (pure: text in,
 * entries out; vmx_load() is the one function that reads a file)
 *
 * As VMware writes them (docs/vmware.md, facts V1-V6): no sections; '#'
 * starts a comment line (the first line may be "#!/usr/bin/vmware");
 * values in double quotes, a '"' inside written as |22 (any |XX is a hex
 * escape; a '|' without two hex digits is kept as it is, a guess); keys
 * are compared case-insensitively; a key given twice keeps its last value
 * (not documented: a guess, and the entry remembers the earlier line so
 * kdh check can say so).  Unknown keys are kept: a .vmx has hundreds and
 * only a few matter to KDNET.  A line kdh cannot read -- no '=', an empty
 * key, an opening quote without its closing one, text after the closing
 * quote, an unquoted value with blanks -- is "file:line: what is wrong".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/vmx.h"
#include "kdh/util/textfile.h"

/* Keys are letters, digits and . _ : - (ide0:0.fileName, .encoding) */
static bool key_ok(const char *k, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(k[i]) && !strchr("._:-", k[i]))
			return false;
	return true;
}

/* |XX hex escapes undone in place */
static void unescape(char *v)
{
	char *o = v;

	for (const char *s = v; *s; ) {
		if (s[0] == '|' && g_ascii_isxdigit(s[1]) && g_ascii_isxdigit(s[2])) {
			char c = (char)(g_ascii_xdigit_value(s[1]) * 16 +
					g_ascii_xdigit_value(s[2]));

			if (c) {	/* |00 would cut the value: keep it as is */
				*o++ = c;
				s += 3;
				continue;
			}
		}
		*o++ = *s++;
	}
	*o = '\0';
}

/* The value after '=': "..." (then only blanks or a # comment), or one
 * word without quotes; g_malloc'd, NULL with @why set */
static char *value_of(const char *s, const char **why)
{
	const char *end;
	char *v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '"') {
		size_t n = strcspn(s, " \t\"");

		if (s[n] && strspn(s + n, " \t") != strlen(s + n)) {
			*why = "a value with blanks must be in double quotes, as "
			       "VMware writes it: key = \"value\"";
			return NULL;
		}
		return g_strndup(s, n);
	}
	end = strchr(s + 1, '"');
	if (!end) {
		*why = "the value's opening quote has no closing one";
		return NULL;
	}
	for (const char *t = end + 1; *t; t++) {
		if (*t == '#' && t > end + 1 && (t[-1] == ' ' || t[-1] == '\t'))
			break;
		if (*t != ' ' && *t != '\t') {
			*why = "text after the closing quote (a '\"' inside a value "
			       "is written |22)";
			return NULL;
		}
	}
	v = g_strndup(s + 1, (size_t)(end - s - 1));
	unescape(v);
	return v;
}

/* One non-comment line into @x (@idx: lower-cased key -> entry index) */
static int line_take(struct vmx *x, GHashTable *idx, GArray *a, const char *l,
		     int line, char *err, size_t errlen)
{
	const char *eq = strchr(l, '='), *why = NULL;
	const char *k = l, *ke;
	struct vmx_entry e = { 0 };
	gpointer old;
	char *lower;

	if (!eq)
		return text_fail(err, errlen, x->file, line, "expected key = \"value\"");
	while (*k == ' ' || *k == '\t')
		k++;
	for (ke = eq; ke > k && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
		;
	if (!key_ok(k, (size_t)(ke - k)))
		return text_fail(err, errlen, x->file, line, "'%.*s' is not a key (letters, "
				 "digits and . _ : -)", (int)(eq - l), l);
	e.value = value_of(eq + 1, &why);
	if (!e.value)
		return text_fail(err, errlen, x->file, line, "%s", why);
	e.key = g_strndup(k, (size_t)(ke - k));
	e.line = line;
	lower = g_ascii_strdown(e.key, -1);
	if (g_hash_table_lookup_extended(idx, lower, NULL, &old)) {
		struct vmx_entry *o = &g_array_index(a, struct vmx_entry,
						     GPOINTER_TO_UINT(old));

		e.dup_line = o->line;
		g_free(o->key);
		g_free(o->value);
		*o = e;
		g_free(lower);
		return 0;
	}
	g_hash_table_insert(idx, lower, GUINT_TO_POINTER(a->len));
	g_array_append_val(a, e);
	return 0;
}

/**
 * vmx_parse() - the lines of a .vmx
 * @file:	its name, for messages
 * @text:	its text (UTF-8, LF line ends: textfile.c's text_read())
 * @err:	"file:line: what is wrong" on failure
 * @errlen:	its size
 *
 * Return: the entries (vmx_free()), each key once with its last value in
 * the place of its first line; NULL for a malformed line
 */
struct vmx *vmx_parse(const char *file, const char *text, char *err,
		      size_t errlen)
{
	struct vmx *x = g_new0(struct vmx, 1);
	GHashTable *idx = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						NULL);
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct vmx_entry));
	gchar **lines = g_strsplit(text, "\n", -1);
	int rc = 0;

	snprintf(x->file, sizeof(x->file), "%s", file);
	for (int i = 0; lines[i] && !rc; i++) {
		const char *l = lines[i] + strspn(lines[i], " \t");

		if (*l && *l != '#')
			rc = line_take(x, idx, a, l, i + 1, err, errlen);
	}
	g_strfreev(lines);
	g_hash_table_destroy(idx);
	x->n = a->len;
	x->e = (struct vmx_entry *)(void *)g_array_free(a, FALSE);
	if (rc) {
		vmx_free(x);
		return NULL;
	}
	return x;
}

/**
 * vmx_load() - read and parse a .vmx file
 * @path:	the file
 * @err:	why not ("file:line: ..." for a malformed line; "file: empty
 *		file" for one without a single entry)
 * @errlen:	its size
 *
 * Return: the entries, or NULL
 */
struct vmx *vmx_load(const char *path, char *err, size_t errlen)
{
	char *text = text_read(path, FILE_VMCONF, err, errlen);
	struct vmx *x;

	if (!text)
		return NULL;
	x = vmx_parse(path, text, err, errlen);
	if (x && !x->n) {
		snprintf(err, errlen, "%s: %s: a .vmx has `key = \"value\"` lines",
			 path, *g_strstrip(text) ? "only comments" : "empty file");
		vmx_free(x);
		x = NULL;
	}
	g_free(text);
	return x;
}

/** vmx_free() - free vmx_parse()'s result (NULL is fine) */
void vmx_free(struct vmx *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		g_free(x->e[i].key);
		g_free(x->e[i].value);
	}
	g_free(x->e);
	g_free(x);
}

/**
 * vmx_find() - the entry of a key, compared case-insensitively
 * @x:		entries
 * @key:	e.g. "ethernet0.virtualDev"
 *
 * Return: the entry, or NULL when the file does not have the key
 */
const struct vmx_entry *vmx_find(const struct vmx *x, const char *key)
{
	for (size_t i = 0; i < x->n; i++)
		if (!g_ascii_strcasecmp(x->e[i].key, key))
			return &x->e[i];
	return NULL;
}

/** vmx_get() - a key's value, NULL when absent */
const char *vmx_get(const struct vmx *x, const char *key)
{
	const struct vmx_entry *e = vmx_find(x, key);

	return e ? e->value : NULL;
}

/**
 * vmx_text_is_vmx() - does a text look like a .vmx rather than a Proxmox
 * config?  Its first setting line is `key = "value"` and one of the first
 * 64 names a key every .vmx has (.encoding, config.version,
 * virtualHW.version, guestOS, displayName)
 * @text:	the file's text
 *
 * Return: true for a .vmx
 */
bool vmx_text_is_vmx(const char *text)
{
	static const char *const keys[] = { ".encoding", "config.version",
		"virtualhw.version", "guestos", "displayname" };
	gchar **lines = g_strsplit(text, "\n", 200);
	bool first = true, yes = false;
	int seen = 0;

	for (gchar **l = lines; *l && seen < 64 && !yes; l++) {
		const char *s = *l + strspn(*l, " \t"), *eq = strchr(s, '='), *ke;
		gchar *k;

		if (!*s || *s == '#' || *s == '[')
			continue;
		seen++;
		for (ke = eq; ke && ke > s && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
			;
		if (!eq || !key_ok(s, (size_t)(ke - s)) ||
		    eq[1 + strspn(eq + 1, " \t")] != '"') {
			if (first)	/* "net0: virtio=...": Proxmox */
				break;
			continue;
		}
		first = false;
		k = g_ascii_strdown(s, ke - s);
		for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
			yes |= !strcmp(k, keys[i]);
		g_free(k);
	}
	g_strfreev(lines);
	return yes;
}
