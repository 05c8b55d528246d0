// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vmconf_bad.c - the bad-input corpora of VM configs and bcdedit
 * output (tests/bad-vmconfs, tests/bad-bcdedit: each file's first line is
 * the exact message it must give) and the encodings bcdedit output comes
 * in (PowerShell's UTF-16, UTF-16 saved without its BOM) */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/platform/check.h"
#include "kdh/util/textfile.h"

/* The first line of a bad file says the message it must give:
 * "# error: LINE: what" (a UTF-16 file says it in UTF-16, a CR-only file
 * ends it with CR; the rest of a bad file may not decode) */
static char *expected_of(const char *path)
{
	char *raw, *text, *nl, *want;
	gsize len;

	cr_assert(g_file_get_contents(path, &raw, &len, NULL), "%s", path);
	if (len >= 2 && ((unsigned char)raw[0] == 0xff || (unsigned char)raw[0] == 0xfe)) {
		bool le = (unsigned char)raw[0] == 0xff;	/* its first line only */
		gsize n = 2;

		while (n + 1 < len && (raw[n + le] || (raw[n + !le] != '\n' &&
						       raw[n + !le] != '\r')))
			n += 2;
		char *line = g_convert(raw + 2, (gssize)(n - 2), "UTF-8", le ?
				       "UTF-16LE" : "UTF-16BE", NULL, NULL, NULL);

		cr_assert(line, "%s", path);
		text = g_strconcat(line, "\n", NULL);
		g_free(line);
	} else
		text = g_strdup(raw);
	g_free(raw);
	cr_assert(text && !strncmp(text, "# error: ", 9), "%s", path);
	nl = text + strcspn(text, "\r\n");	/* CR-only files too */
	*nl = '\0';
	want = g_ascii_isdigit(text[9]) ? g_strdup_printf("%s:%s", path, text + 9) :
	       g_strdup_printf("%s: %s", path, text + 9);
	g_free(text);
	return want;
}

static void each_bad(const char *sub, void (*one)(const char *path, char *err,
						   size_t len), unsigned min)
{
	char *dir = test_data_path(sub);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	cr_assert(d, "%s", dir);
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL), *want = expected_of(path);
		char err[600] = "";

		one(path, err, sizeof(err));
		cr_assert_str_eq(err, want, "%s", name);
		g_free(want);
		g_free(path);
		n++;
	}
	cr_assert_geq(n, min);
	g_dir_close(d);
	g_free(dir);
}

static void bad_vmconf(const char *path, char *err, size_t len)
{
	struct vmconf c;

	cr_assert_neq(vmconf_load(path, &c, err, len), 0, "%s loaded", path);
}

static void bad_bcdedit(const char *path, char *err, size_t len)
{
	struct dbgsettings d;
	char *text = text_load(path, err, len);

	if (text)
		cr_assert_neq(dbgsettings_parse(path, text, &d, err, len), 0, "%s", path);
	g_free(text);
}

Test(vmconf_bad, bad_configs_give_exact_messages)
{
	each_bad("../bad-vmconfs", bad_vmconf, 20);
}

Test(vmconf_bad, bad_bcdedit_files_give_exact_messages)
{
	each_bad("../bad-bcdedit", bad_bcdedit, 10);
}

/* UTF-16 saved without its BOM: named as such, not "a NUL byte" */
Test(vmconf_bad, utf16_without_bom_gets_a_hint)
{
	const char src[] = "k\0e\0y\0 \0" "1\0.\0" "2\0.\0" "3\0.\0" "4\0\r\0\n\0";
	char err[300];

	cr_assert_null(text_decode("bcd.txt", src, sizeof(src) - 1, err, sizeof(err)));
	cr_assert_str_eq(err, "bcd.txt: UTF-16LE text without a byte-order mark "
			 "(every other byte is NUL): save it as UTF-8, or as "
			 "UTF-16 with its BOM as PowerShell's > writes it");
}

Test(vmconf_bad, bcdedit_from_powershell_is_utf16)
{
	const char *src = "\xff\xfe" "k\0e\0y\0 \0" "1\0.\0" "2\0.\0" "3\0.\0" "4\0\r\0\n\0"
		"d\0h\0c\0p\0 \0N\0o\0\r\0\n\0";
	char err[300], *text = text_decode("bcd.txt", src, 2 + 2 * 20, err, sizeof(err));
	struct dbgsettings d;

	cr_assert_not_null(text, "%s", err);
	cr_assert_eq(dbgsettings_parse("bcd.txt", text, &d, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(d.key, "1.2.3.4");
	cr_assert(d.has_dhcp && !d.dhcp);
	g_free(text);
}
