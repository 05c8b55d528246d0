// SPDX-License-Identifier: GPL-2.0-or-later
/* test_textread.c - the bounded reader (readfile.c) and what the text
 * decoder makes of line ends and invisible characters (textfile.c): no
 * input is read without end, and what cannot be seen changes no meaning */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "helpers.h"
#include "kdh/platform/check.h"
#include "kdh/util/jsonfile.h"
#include "kdh/util/textfile.h"
#include "kdh/platform/vmconf.h"

static char *write_tmp(const char *suffix, const char *data, size_t len)
{
	char *path = test_tmpfile(suffix);

	cr_assert(g_file_set_contents(path, data, (gssize)len, NULL), "%s", path);
	return path;
}

/* A device never ends: each kind stops one byte past its limit */
Test(textread, dev_zero_ends_at_each_kinds_limit)
{
	static const enum file_kind k[] = { FILE_TEXT, FILE_SCENARIO, FILE_VMCONF,
					    FILE_CPU_MODELS, FILE_BCDEDIT, FILE_PID };
	char err[300], *data = NULL;
	size_t len;

	for (size_t i = 0; i < G_N_ELEMENTS(k); i++)
		cr_assert_eq(file_read("/dev/zero", k[i], &data, &len, err,
				       sizeof(err)), -EFBIG, "%s", file_kind_name(k[i]));
	cr_assert_str_eq(err, "/dev/zero: larger than 4 KiB: not a pid file");
	file_read("/dev/zero", FILE_VMCONF, &data, &len, err, sizeof(err));
	cr_assert_str_eq(err, "/dev/zero: larger than 1 MiB: not a VM config");
	file_read("/dev/zero", FILE_BCDEDIT, &data, &len, err, sizeof(err));
	cr_assert_str_eq(err, "/dev/zero: larger than 256 KiB: not bcdedit output");
}

/* A FIFO whose writer never stops ends the same way */
Test(textread, endless_fifo_ends)
{
	char *dir = g_dir_make_tmp("kdh-fifo-XXXXXX", NULL);
	char *fifo = g_build_filename(dir, "conf", NULL), err[600], *data;
	static const char chunk[4096] = "ostype: other\n";
	size_t len;
	pid_t pid;
	int fd;

	cr_assert(!mkfifo(fifo, 0600), "mkfifo: %s", strerror(errno));
	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		signal(SIGPIPE, SIG_DFL);
		fd = open(fifo, O_WRONLY);
		while (fd >= 0 && write(fd, chunk, sizeof(chunk)) > 0)
			;
		_exit(0);
	}
	cr_assert_eq(file_read(fifo, FILE_VMCONF, &data, &len, err, sizeof(err)),
		     -EFBIG, "%s", err);
	cr_assert(g_str_has_suffix(err, ": larger than 1 MiB: not a VM config"), "%s", err);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(fifo);
	test_rmtree(dir);
	g_free(fifo);
	g_free(dir);
}

/* The limit itself is read; one byte more is refused, a regular file
 * from its size (a sparse 2 GiB file is not read at all) */
Test(textread, limit_is_exact)
{
	size_t limit = file_kind_limit(FILE_PID), len;
	char *buf = g_malloc(limit + 1), *path, *data = NULL, err[600];
	int fd;

	memset(buf, '7', limit + 1);
	path = write_tmp(".pid", buf, limit);
	cr_assert_eq(file_read(path, FILE_PID, &data, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(len, limit);
	cr_assert_eq(data[len], '\0');
	free(data);
	g_unlink(path);
	g_free(path);
	path = write_tmp(".pid", buf, limit + 1);
	cr_assert_eq(file_read(path, FILE_PID, &data, &len, err, sizeof(err)), -EFBIG);
	cr_assert_eq(truncate(path, 2LL << 30), 0);
	cr_assert_eq(file_read(path, FILE_SCENARIO, &data, &len, err, sizeof(err)), -EFBIG);
	fd = open(path, O_RDONLY);
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
	g_unlink(path);
	g_free(path);
	g_free(buf);
}

/* What names no file: errno text, an empty path, a control character */
Test(textread, paths_that_name_no_file)
{
	char err[600], *data;
	size_t len;

	cr_assert_eq(file_read("/", FILE_VMCONF, &data, &len, err, sizeof(err)), -EISDIR);
	cr_assert_str_eq(err, "/: Is a directory");
	cr_assert_eq(file_read("/nonexistent/x.conf", FILE_VMCONF, &data, &len, err,
			       sizeof(err)), -ENOENT);
	cr_assert_str_eq(err, "/nonexistent/x.conf: No such file or directory");
	cr_assert_eq(file_read("", FILE_BCDEDIT, &data, &len, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "an empty path: give the path of bcdedit output");
	cr_assert_eq(file_read("105.conf\n", FILE_VMCONF, &data, &len, err,
			       sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "105.conf\\x0a: a path with a control character: "
			 "give the path of a VM config");
	cr_assert_null(text_read("a\tb.kdh", FILE_SCENARIO, err, sizeof(err)));
	cr_assert_str_eq(err, "a\\x09b.kdh: a path with a control character: "
			 "give the path of a scenario");
}

Test(textread, unreadable_file_gives_errno_text)
{
	char *path, err[600], *data;
	size_t len;

	if (!geteuid())		/* before the file: a skip leaves nothing */
		cr_skip_test("root reads a file of mode 000");
	path = write_tmp(".conf", "ostype: other\n", 14);
	cr_assert_eq(chmod(path, 0), 0);
	cr_assert_eq(file_read(path, FILE_VMCONF, &data, &len, err, sizeof(err)), -EACCES);
	cr_assert(g_str_has_suffix(err, ": Permission denied"), "%s", err);
	g_unlink(path);
	g_free(path);
}

static void decodes_to(const char *src, size_t len, const char *want)
{
	char err[300], *text = text_decode("f", src, len, err, sizeof(err));

	cr_assert_not_null(text, "%s", err);
	cr_assert_str_eq(text, want);
	g_free(text);
}

#define DECODES(src, want) decodes_to(src, sizeof(src) - 1, want)
#define REFUSED(src, want) refused(src, sizeof(src) - 1, want)

/* Every line end is LF afterwards; a leading BOM is skipped */
Test(textread, line_ends_become_lf)
{
	DECODES("a\rb\rc", "a\nb\nc");
	DECODES("a\r\nb\rc\n\r\nd\r", "a\nb\nc\n\nd\n");
	DECODES("\r\r\n\n", "\n\n\n");
	DECODES("\xef\xbb\xbf" "a\r\n", "a\n");
	DECODES("\xff\xfe" "a\0\r\0\n\0b\0\r\0", "a\nb\n");
	DECODES("\xfe\xff" "\0a\0\r\0b", "a\nb");
}

static void refused(const char *src, size_t len, const char *want)
{
	char err[300], *text = text_decode("f", src, len, err, sizeof(err));

	cr_assert_null(text, "%s accepted", want);
	cr_assert(g_str_has_prefix(err, want), "%s, not %s", err, want);
}

/* A BOM past the start, format and control characters: file:line, the
 * line counted with CR, CRLF and LF ends alike */
Test(textread, invisible_characters_are_refused_with_their_line)
{
	REFUSED("a\n\xef\xbb\xbf" "b\n", "f:2: U+FEFF: a byte-order mark");
	REFUSED("\xef\xbb\xbf\xef\xbb\xbf" "a", "f:1: U+FEFF: a byte-order mark");
	REFUSED("\xff\xfe" "a\0\r\0\xff\xfe" "b\0", "f:2: U+FEFF");
	REFUSED("a\rb\r\nc\nd\xe2\x80\x8b", "f:4: U+200B: an invisible character");
	REFUSED("k\xe2\x80\x8c" "ey", "f:1: U+200C");
	REFUSED("k\xe2\x80\x8d", "f:1: U+200D");
	REFUSED("k\xe2\x81\xa0", "f:1: U+2060");
	REFUSED("k\xe2\x80\xae", "f:1: U+202E");
	REFUSED("k\xc2\xad", "f:1: U+00AD");
	REFUSED("a\n\x1b[2J", "f:2: U+001B: a control character");
	REFUSED("a\x7f", "f:1: U+007F: a control character");
	REFUSED("a\xc2\x85", "f:1: U+0085: a control character");
	REFUSED("k\xe3\x85\xa4", "f:1: U+3164: an invisible character");
	REFUSED("k\xef\xb8\x8f", "f:1: U+FE0F: an invisible character");
	REFUSED("k\xcd\x8f", "f:1: U+034F: an invisible character");
	REFUSED("k\xe2\xa0\x80", "f:1: U+2800: an invisible character");
	REFUSED("a\n\nb\xc2\xa0" "0.19.0", "f:3: U+00A0: a space that is not a plain space");
	REFUSED("k\xe2\x80\x89", "f:1: U+2009: a space that is not");
	REFUSED("k\xe3\x80\x80", "f:1: U+3000: a space that is not");
	REFUSED("k\xe2\x80\xa8", "f:1: U+2028: a Unicode line separator");
	DECODES("a\tb \xe2\x82\xac \xc3\xa9 \xe4\xb8\xad", "a\tb \xe2\x82\xac \xc3\xa9 \xe4\xb8\xad");
}

/* A CR-only config (an old Mac editor) is read line by line: its NIC and
 * its ostype are found, not one line "net0: ...ostype: win10" */
Test(textread, cr_only_vmconf_reads_right)
{
	static const char src[] = "net0: virtio=BC:24:11:00:00:10,bridge=vmbr0\r"
				  "ostype: win10\rcores: 2\r";
	char *path = write_tmp(".conf", src, sizeof(src) - 1), err[600];
	struct vmconf c;

	cr_assert_eq(vmconf_load(path, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert(c.has_net[0]);
	cr_assert_str_eq(c.nets[0].bridge, "vmbr0");
	cr_assert_str_eq(c.ostype, "win10");
	g_unlink(path);
	g_free(path);
}

/* bcdedit output with CR-only ends: every field, not "160 characters" */
Test(textread, cr_only_bcdedit_reads_right)
{
	static const char src[] = "key                     1.2.3.4\r"
				  "debugtype               NET\rport                    50001\r"
				  "dhcp                    No\rbusparams               0.19.0\r";
	char *path = write_tmp(".txt", src, sizeof(src) - 1), err[600], *text;
	struct dbgsettings d;

	text = text_read(path, FILE_BCDEDIT, err, sizeof(err));
	cr_assert_not_null(text, "%s", err);
	cr_assert_eq(dbgsettings_parse(path, text, &d, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(d.key, "1.2.3.4");
	cr_assert(d.has_port && d.port == 50001);
	cr_assert(d.has_dhcp && !d.dhcp);
	cr_assert(d.has_busparams);
	cr_assert_str_eq(d.busparams, "0.19.0");
	g_free(text);
	g_unlink(path);
	g_free(path);
}

/* A JSON file names itself in parse errors, and is bounded too */
Test(textread, json_file_names_itself)
{
	char *path = write_tmp(".json", "{\n\"a\": ", 7), err[600];
	JsonParser *p = json_parser_new();

	cr_assert_eq(json_file_load(p, path, FILE_SUMMARY, err, sizeof(err)), -EINVAL);
	cr_assert(g_str_has_prefix(err, path) && strstr(err, ":2:"), "%s", err);
	cr_assert_eq(json_file_load(p, "/dev/null", FILE_SUMMARY, err, sizeof(err)),
		     -EINVAL);
	cr_assert_str_eq(err, "/dev/null: empty: no JSON object in it: not a kdh run summary");
	cr_assert_eq(json_file_load(p, "", FILE_SUMMARY, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "an empty path: give the path of a kdh run summary");
	g_object_unref(p);
	g_unlink(path);
	g_free(path);
}

static void kdh_refuses(const char *const argv[], const char *want)
{
	char *out = NULL, *err = NULL;

	cr_assert_eq(test_run(argv, &out, &err), 2, "%s %s: %s", argv[1], argv[2], err);
	cr_assert(strstr(err, want), "%s %s: %s", argv[1], argv[2], err);
	cr_assert_null(strstr(err, "CRITICAL"), "%s", err);
	g_free(out);
	g_free(err);
}

/* The commands that read without end (7-11 GB in 6 s) end at once */
Test(textread, commands_end_on_dev_zero)
{
	const char *kdh = getenv("KDH_BIN");
	char *conf = write_tmp(".conf", "ostype: other\n", 14);

	cr_assert(kdh, "KDH_BIN");
	kdh_refuses((const char *const[]){ kdh, "check", "/dev/zero", NULL },
		    "/dev/zero: larger than 1 MiB: not a VM config");
	kdh_refuses((const char *const[]){ kdh, "run", "/dev/zero", NULL },
		    "/dev/zero: larger than 1 MiB: not a scenario");
	kdh_refuses((const char *const[]){ kdh, "check", conf, "--bcdedit",
					    "/dev/zero", NULL },
		    "/dev/zero: larger than 256 KiB: not bcdedit output");
	kdh_refuses((const char *const[]){ kdh, "check", "", NULL },
		    "an empty path: give the path of a VM config");
	kdh_refuses((const char *const[]){ kdh, "run", "", NULL },
		    "an empty path: give the path of a scenario");
	kdh_refuses((const char *const[]){ kdh, "report", "/dev/null", NULL },
		    "/dev/null: empty: no JSON object in it: not a kdh run summary");
	kdh_refuses((const char *const[]){ kdh, "baseline", "update", "/dev/null",
					    "/nonexistent/b.json", NULL },
		    "/dev/null: empty: no JSON object in it: not a kdh run summary");
	g_unlink(conf);
	g_free(conf);
}

/* text_fail(): the one "file:line: what is wrong" of every parser; line 0
 * or less is the file as a whole */
Test(textread, text_fail_is_file_line_message)
{
	char err[64];

	cr_assert_eq(text_fail(err, sizeof(err), "a.conf", 7, "%s: '%d'", "k", 3),
		     -EINVAL);
	cr_assert_str_eq(err, "a.conf:7: k: '3'");
	text_fail(err, sizeof(err), "a.conf", 0, "empty");
	cr_assert_str_eq(err, "a.conf: empty");
	text_fail(err, 12, "a.conf", 7, "truncated, never overrun");
	cr_assert_str_eq(err, "a.conf:7: t");
}
