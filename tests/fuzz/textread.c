// SPDX-License-Identifier: GPL-2.0-or-later
/* textread.c - libFuzzer harness: the bounded reader (file_read) and the
 * text decoder (text_decode, text_read) every user's file goes through.
 * The input is a file's bytes; it is decoded as it is, and written to a
 * memfd that file_read() and text_read() read back through /proc.
 * Invariants: decoded text is valid UTF-8 with LF line ends and nothing
 * invisible (no CR, no U+FEFF, no format or control character but tab
 * and LF, no space but U+0020; in a comment line a format character or
 * space may stay); UTF-8 input comes out unchanged but for a leading BOM dropped
 * and CRLF / CR made LF; a refusal is one line naming the file, and a
 * line it names exists; file_read() returns the bytes exactly up to the
 * kind's limit and -EFBIG past it; text_read() agrees with text_decode(). */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "fuzz.h"
#include "kdh/util/textfile.h"

#define FILE_NAME	"fuzz/dbg.txt"

/* What text_decode() must make of valid UTF-8: BOM off, line ends LF */
static char *expected_utf8(const uint8_t *d, size_t n)
{
	char *out = fuzz_str(d, n), *w = out;
	size_t i = n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3) ? 3 : 0;

	for (; i < n; i++) {
		*w++ = d[i] == '\r' ? '\n' : (char)d[i];
		i += d[i] == '\r' && i + 1 < n && d[i + 1] == '\n';
	}
	*w = '\0';
	return out;
}

static void text_check(const char *text)
{
	bool line_start = true, comment = false;

	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n')
			line_start = true, comment = false;
		else if (line_start && c != ' ' && c != '\t')
			line_start = false, comment = c == '#' || c == ';';
		FUZZ_CHECK(c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7f &&
			   (c < 0x80 || c >= 0xa0)), "U+%04X kept", (unsigned)c);
		FUZZ_CHECK(c != 0xfeff, "a BOM kept");
		if (comment)	/* a comment's emoji and spaces mean nothing */
			continue;
		FUZZ_CHECK(g_unichar_type(c) != G_UNICODE_FORMAT, "U+%04X kept",
			   (unsigned)c);
		FUZZ_CHECK(c == ' ' || !g_unichar_isspace(c) || c == '\t' ||
			   c == '\n', "space U+%04X kept", (unsigned)c);
	}
}

static void refusal_check(const char *err, const char *file, size_t size)
{
	size_t n = strlen(file);
	unsigned long line;

	FUZZ_CHECK(!strncmp(err, file, n) && err[n] == ':', "'%s' does not "
		   "name %s", err, file);
	FUZZ_CHECK(!strchr(err, '\n'), "'%s' is not one line", err);
	if (g_ascii_isdigit(err[n + 1])) {
		line = strtoul(err + n + 1, NULL, 10);
		FUZZ_CHECK(line >= 1 && line <= size + 1, "line %lu of %zu bytes",
			   line, size);
	}
}

static void decode_check(const uint8_t *data, size_t size, char **text,
			 char *err, size_t errlen)
{
	bool utf16 = size >= 2 && (data[0] == 0xff || data[0] == 0xfe);
	char *want;

	*text = text_decode(FILE_NAME, (const char *)data, size, err, errlen);
	if (!*text) {
		FUZZ_CHECK(err[0], "refused without a reason");
		refusal_check(err, FILE_NAME, size);
		return;
	}
	FUZZ_CHECK(g_utf8_validate(*text, -1, NULL), "invalid UTF-8 out");
	FUZZ_CHECK(!strchr(*text, '\r'), "a CR kept");
	text_check(*text);
	if (utf16)
		return;
	want = expected_utf8(data, size);
	FUZZ_CHECK(!strcmp(*text, want), "UTF-8 input changed beyond its BOM "
		   "and line ends");
	free(want);
}

/* The same bytes through a file: the reader's limit, and the same text */
static void file_check(const uint8_t *data, size_t size, const char *text,
		       const char *derr)
{
	int fd = memfd_create("kdh-fuzz", MFD_CLOEXEC);
	char path[64], err[600] = "", *got = NULL, *t;
	size_t len = 0, limit = file_kind_limit(FILE_PID);
	int rc;

	if (fd < 0)
		return;		/* no memfd: nothing to compare */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "memfd write");
	rc = file_read(path, FILE_PID, &got, &len, err, sizeof(err));
	if (size > limit) {
		FUZZ_CHECK(rc == -EFBIG, "%zu bytes read as a pid file (rc %d)",
			   size, rc);
		FUZZ_CHECK(strstr(err, "larger than 4 KiB"), "'%s'", err);
	} else {
		FUZZ_CHECK(!rc && len == size && !memcmp(got, data, size) &&
			   !got[len], "%zu bytes read back as %zu (rc %d: %s)",
			   size, len, rc, err);
		free(got);
	}
	t = text_read(path, FILE_BCDEDIT, err, sizeof(err));
	FUZZ_CHECK(!t == !text, "text_read %s, text_decode %s", t ? "read" :
		   "refused", text ? "read" : "refused");
	if (t)
		FUZZ_CHECK(!strcmp(t, text), "text_read and text_decode differ");
	else
		FUZZ_CHECK(!strcmp(err + strlen(path), derr + strlen(FILE_NAME)),
			   "'%s' and '%s' differ", err, derr);
	g_free(t);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[600] = "", *text;

	decode_check(data, size, &text, err, sizeof(err));
	file_check(data, size, text, err);
	g_free(text);
	return 0;
}
