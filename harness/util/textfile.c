// SPDX-License-Identifier: GPL-2.0-or-later
/* textfile.c - the text of a user's file, or a file:line error
 *
 * A NUL byte used to end a scenario silently (its [expect] section with
 * it), and invalid UTF-8 reached summary.json and junit.xml.  Now a file is
 * UTF-8 (a UTF-8 BOM is skipped) or UTF-16 with a BOM -- what PowerShell's
 * `bcdedit /dbgsettings > dbg.txt` writes -- converted to UTF-8; a NUL
 * byte or invalid UTF-8 is an error that names its line, but UTF-16
 * without its BOM (every other byte NUL) is named as such.
 *
 * What cannot be seen must not change the meaning: a BOM in the middle of
 * a VM config made "\uFEFFostype" an unknown key (the Hyper-V BLOCK was
 * missed), one before "busparams" in bcdedit output dropped it, and so did
 * a no-break space after it.  So a BOM anywhere but at the start, a
 * format character (U+200B zero width space, U+2060 word joiner, the bidi
 * controls...) or one that shows as nothing (a Hangul filler, a variation
 * selector), a space other than U+0020, a Unicode line separator or a
 * control character other than tab and the line ends is refused with its
 * line.  Refused rather than stripped, also a BOM at a line start where
 * `cat a.txt b.txt` puts one: kdh cannot know the join was meant, and
 * the fix is one keystroke.
 * Line ends are LF afterwards: CRLF, CR alone (old Mac editors) and a mix
 * of them each end one line, so a CR-only config is not one long line and
 * line numbers count as an editor does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/util/textfile.h"

/* The line of byte @off: LF, CRLF and CR alone each end one */
static int line_of(const char *data, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n' || (data[i] == '\r' && data[i + 1] != '\n');
	return line;
}

/* Characters that show as nothing though Unicode does not call them
 * format characters: the Hangul fillers, the combining grapheme joiner,
 * the variation selectors, Mongolian's, and the braille blank */
static bool blank_letter(gunichar c)
{
	return c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0 ||
	       c == 0x034f || (c >= 0x180b && c <= 0x180f) || c == 0x2800 ||
	       (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef);
}

/* What @c is when it may not be in a text file, or NULL */
static const char *unseen(gunichar c)
{
	GUnicodeType t = g_unichar_type(c);

	if (c == 0xfeff)
		return "a byte-order mark after the start of the file (files "
		       "joined with cat?): it hides what follows; delete it";
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
	    (c >= 0x7f && c < 0xa0))
		return "a control character (only tabs and line ends are allowed): "
		       "delete it";
	if (t == G_UNICODE_FORMAT || blank_letter(c))
		return "an invisible character: it would change what the line "
		       "means; delete it";
	if (t == G_UNICODE_SPACE_SEPARATOR && c != ' ')
		return "a space that is not a plain space: kdh would read it as "
		       "part of a word; type a plain space";
	if (t == G_UNICODE_LINE_SEPARATOR || t == G_UNICODE_PARAGRAPH_SEPARATOR)
		return "a Unicode line separator: end the line with a plain line end";
	return NULL;
}

/* Refuse what cannot be seen, then end every line with LF, in place */
static int text_clean(const char *file, char *text, char *err, size_t errlen)
{
	bool line_start = true, comment = false;
	const char *why;
	char *w = text;

	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n' || c == '\r')
			line_start = true, comment = false;
		else if (line_start && c != ' ' && c != '\t')
			line_start = false, comment = c == '#' || c == ';';
		/* a comment line means nothing: its emoji (U+FE0F, U+200D)
		 * and no-break spaces stay; a BOM, a control character or a
		 * line separator there still changes where lines are */
		if ((why = unseen(c)) && !(comment && (g_unichar_type(c) ==
		     G_UNICODE_FORMAT || blank_letter(c) ||
		     g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR) && c != 0xfeff)) {
			snprintf(err, errlen, "%s:%d: U+%04X: %s", file,
				 line_of(text, (size_t)(p - text)), (unsigned)c, why);
			return -EINVAL;
		}
	}
	for (const char *p = text; *p; p++) {
		char c = *p;	/* read before *w, which may be *p, is written */

		p += c == '\r' && p[1] == '\n';
		*w++ = c == '\r' ? '\n' : c;
	}
	*w = '\0';
	return 0;
}

/* The line of byte @off of UTF-16 text (@hi: the index of each unit's
 * high byte, 1 little-endian, 0 big-endian) */
static int utf16_line_of(const char *data, size_t off, int hi)
{
	int line = 1;

	for (size_t i = 0; i + 1 < off; i += 2) {
		char lo = data[i + !hi], next = i + 3 < off ? data[i + 2 + !hi] : 0;

		if (data[i + hi])
			continue;
		line += lo == '\n' || (lo == '\r' && !(next == '\n' &&
							 !data[i + 2 + hi]));
	}
	return line;
}

static char *utf16(const char *file, const char *data, size_t len,
		   const char *charset, char *err, size_t errlen)
{
	GError *e = NULL;
	gsize got = 0, used = 0;
	char *out = g_convert(data, (gssize)len, "UTF-8", charset, &used, &got, &e);

	if (out && used != len) {	/* with &used, a partial end is no error */
		g_free(out);
		out = NULL;
		g_set_error_literal(&e, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT,
				    "Partial character sequence at end of input");
	}
	if (!out) {
		snprintf(err, errlen, "%s:%d: not valid %s text: %s", file,
			 utf16_line_of(data, used, !strcmp(charset, "UTF-16LE")),
			 charset, e->message);
		g_error_free(e);
		return NULL;
	}
	if (strlen(out) != got) {
		snprintf(err, errlen, "%s:%d: a NUL character: not a text file", file,
			 line_of(out, strlen(out)));
		g_free(out);
		return NULL;
	}
	if (text_clean(file, out, err, errlen)) {
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
 * Return: g_malloc'd NUL-terminated UTF-8 with LF line ends, or NULL with
 * @err filled
 */
char *text_decode(const char *file, const char *data, size_t len, char *err,
		  size_t errlen)
{
	const char *bad;
	char *text;

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
	text = g_strndup(data, len);
	if (text_clean(file, text, err, errlen)) {
		g_free(text);
		return NULL;
	}
	return text;
}

/**
 * text_read() - read a user's text file of a kind
 * @path:	the file
 * @kind:	what it should be (its size limit, its name in messages)
 * @err:	"path: reason" or "path:line: reason" on failure
 * @errlen:	its size
 *
 * Return: g_malloc'd UTF-8 text with LF line ends, or NULL with @err filled
 */
char *text_read(const char *path, enum file_kind kind, char *err,
		size_t errlen)
{
	char *raw, *text;
	size_t len;

	if (file_read(path, kind, &raw, &len, err, errlen))
		return NULL;
	text = text_decode(path, raw, len, err, errlen);
	free(raw);
	return text;
}

/**
 * text_load() - read a user's text file of no particular kind
 * @path:	the file
 * @err:	"path: reason" or "path:line: reason" on failure
 * @errlen:	its size
 *
 * Return: text_read(@path, FILE_TEXT, ...)
 */
char *text_load(const char *path, char *err, size_t errlen)
{
	return text_read(path, FILE_TEXT, err, errlen);
}

/**
 * text_vfail() - "file:line: what is wrong", the form of every error in a
 * file a user hands kdh
 * @err:	out
 * @errlen:	its size
 * @file:	the file's name as the user gave it
 * @line:	1 and up; 0 or less for the file as a whole ("file: ...")
 * @fmt:	what is wrong, printf-style
 * @ap:		its arguments
 *
 * Return: -EINVAL, for "return text_fail(...);"
 */
int text_vfail(char *err, size_t errlen, const char *file, int line,
	       const char *fmt, va_list ap)
{
	char m[512];

	vsnprintf(m, sizeof(m), fmt, ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", file, line, m);
	else
		snprintf(err, errlen, "%s: %s", file, m);
	return -EINVAL;
}

/**
 * text_fail() - text_vfail() with its arguments inline
 * @err:	out
 * @errlen:	its size
 * @file:	the file's name
 * @line:	1 and up; 0 or less for the whole file
 * @fmt:	what is wrong, printf-style
 *
 * Return: -EINVAL
 */
int text_fail(char *err, size_t errlen, const char *file, int line,
	      const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = text_vfail(err, errlen, file, line, fmt, ap);
	va_end(ap);
	return rc;
}
