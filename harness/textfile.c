// SPDX-License-Identifier: GPL-2.0-or-later
/* textfile.c - the text of a user's file, or a file:line error
 *
 * A NUL byte used to end a scenario silently (its [expect] section with
 * it), and invalid UTF-8 reached summary.json and junit.xml.  Now a file is
 * UTF-8 (a UTF-8 BOM is skipped) or UTF-16 with a BOM -- what PowerShell's
 * `bcdedit /dbgsettings > dbg.txt` writes -- converted to UTF-8; a NUL
 * byte or invalid UTF-8 is an error that names its line, but UTF-16
 * without its BOM (every other byte NUL) is named as such.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/textfile.h"

static int line_of(const char *data, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n';
	return line;
}

static char *utf16(const char *file, const char *data, size_t len,
		   const char *charset, char *err, size_t errlen)
{
	GError *e = NULL;
	gsize got = 0;
	char *out = g_convert(data, (gssize)len, "UTF-8", charset, NULL, &got, &e);

	if (!out) {
		snprintf(err, errlen, "%s: not valid %s text: %s", file, charset,
			 e->message);
		g_error_free(e);
		return NULL;
	}
	if (strlen(out) != got) {
		snprintf(err, errlen, "%s:%d: a NUL character: not a text file", file,
			 line_of(out, strlen(out)));
		g_free(out);
		return NULL;
	}
	return out;
}

/* UTF-16 without its BOM (an editor's "Unicode" without a signature):
 * text whose every other byte is NUL, from the first byte (big-endian) or
 * the second (little-endian), in its first 64 bytes */
static const char *utf16_unmarked(const char *data, size_t len)
{
	size_t n = len < 64 ? len & ~(size_t)1 : 64, nul[2] = { 0, 0 };

	if (n < 4)
		return NULL;
	for (size_t i = 0; i < n; i++)
		nul[i & 1] += !data[i];
	if (nul[1] == n / 2 && !nul[0])
		return "UTF-16LE";
	if (nul[0] == n / 2 && !nul[1])
		return "UTF-16BE";
	return NULL;
}

/**
 * text_decode() - a file's bytes as UTF-8 text
 * @file:	name for messages
 * @data:	the bytes
 * @len:	their count
 * @err:	"file:line: reason" on failure
 * @errlen:	its size
 *
 * Return: g_malloc'd NUL-terminated UTF-8, or NULL with @err filled
 */
char *text_decode(const char *file, const char *data, size_t len, char *err,
		  size_t errlen)
{
	const char *bad;

	if (len >= 2 && (unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xfe)
		return utf16(file, data + 2, len - 2, "UTF-16LE", err, errlen);
	if (len >= 2 && (unsigned char)data[0] == 0xfe && (unsigned char)data[1] == 0xff)
		return utf16(file, data + 2, len - 2, "UTF-16BE", err, errlen);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	if (utf16_unmarked(data, len)) {
		snprintf(err, errlen, "%s: %s text without a byte-order mark "
			 "(every other byte is NUL): save it as UTF-8, or as UTF-16 "
			 "with its BOM as PowerShell's > writes it", file,
			 utf16_unmarked(data, len));
		return NULL;
	}
	if (memchr(data, '\0', len)) {
		snprintf(err, errlen, "%s:%d: a NUL byte: not a text file", file,
			 line_of(data, (size_t)((const char *)memchr(data, '\0', len) -
						data)));
		return NULL;
	}
	if (!g_utf8_validate(data, (gssize)len, &bad)) {
		snprintf(err, errlen, "%s:%d: not valid UTF-8 (save the file as "
			 "UTF-8)", file, line_of(data, (size_t)(bad - data)));
		return NULL;
	}
	return g_strndup(data, len);
}

/**
 * text_load() - read a user's text file
 * @path:	the file
 * @err:	"path: reason" or "path:line: reason" on failure
 * @errlen:	its size
 *
 * Return: g_malloc'd UTF-8 text, or NULL with @err filled
 */
char *text_load(const char *path, char *err, size_t errlen)
{
	GError *e = NULL;
	gchar *raw, *text;
	gsize len;

	if (!g_file_get_contents(path, &raw, &len, &e)) {
		snprintf(err, errlen, "%s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	text = text_decode(path, raw, len, err, errlen);
	g_free(raw);
	return text;
}
