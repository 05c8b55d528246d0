// SPDX-License-Identifier: GPL-2.0-or-later
/* readfile.c - the bytes of a file a user names, never more than its kind
 * can hold
 *
 * g_file_get_contents() read until the end: `kdh check /dev/zero` took
 * 7-11 GB in 6 s and never ended.  Every file a user names is read here
 * with read() up to its kind's limit + 1 byte, so a FIFO, a device or a
 * growing file ends as surely as a regular file: one byte past the limit
 * is "PATH: larger than 1 MiB: not a VM config".  A regular file larger
 * than the limit is refused from its size, before any read.  The path
 * itself is checked first: an empty one (`--bcdedit ""`) or one with a
 * control character (a pasted newline) names no file the user meant.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "kdh/util/textfile.h"

#define KiB ((size_t)1024)
#define MiB (1024 * KiB)

/* What each kind is called in messages, and the most kdh reads of one.
 * The limits are generous, many times the largest file seen, and only
 * there so that no input can make kdh read without end. */
static const struct {
	const char *name;
	size_t limit;
} kinds[FILE_KINDS] = {
	/* any other text file a user names */
	[FILE_TEXT] = { "a text file", 1 * MiB },
	/* the largest built-in scenario is under 4 KiB; 32 VMs with every
	 * key set stay under 64 KiB */
	[FILE_SCENARIO] = { "a scenario", 1 * MiB },
	/* /etc/pve is pmxcfs, which holds no file larger than 1 MiB:
	 * proxmox/pve-cluster src/pmxcfs/memdb.h:
	 * "#define MEMDB_MAX_FILE_SIZE (1024 * 1024) // 1 MiB" */
	[FILE_VMCONF] = { "a VM config", 1 * MiB },
	[FILE_CPU_MODELS] = { "a cpu-models.conf", 1 * MiB },
	/* bcdedit /dbgsettings prints ~0.5 KiB (1 KiB in UTF-16);
	 * bcdedit /enum all /v of a multi-boot machine ~30 KiB in UTF-16 */
	[FILE_BCDEDIT] = { "bcdedit output", 256 * KiB },
	/* a scenario's entry in summary.json is ~2 KiB: 256 MiB is more
	 * than 100 000 scenarios in one run */
	[FILE_SUMMARY] = { "a kdh run summary", 256 * MiB },
	/* Proxmox's VMID.pid: a number and a newline */
	[FILE_PID] = { "a pid file", 4 * KiB },
};

/**
 * file_kind_name() - what a kind of file is called in messages
 * @kind:	the kind
 *
 * Return: a static string ("a VM config")
 */
const char *file_kind_name(enum file_kind kind)
{
	return kinds[kind].name;
}

/**
 * file_kind_limit() - the most bytes kdh reads of a kind of file
 * @kind:	the kind
 *
 * Return: the limit in bytes
 */
size_t file_kind_limit(enum file_kind kind)
{
	return kinds[kind].limit;
}

static void size_str(size_t n, char *buf, size_t len)
{
	if (n % MiB == 0)
		snprintf(buf, len, "%zu MiB", n / MiB);
	else
		snprintf(buf, len, "%zu KiB", n / KiB);
}

/**
 * file_path_check() - refuse a path that names no file a user meant
 * @path:	the path as given
 * @kind:	what it should name
 * @err:	the reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int file_path_check(const char *path, enum file_kind kind, char *err,
		    size_t errlen)
{
	GString *shown;
	const char *c = path;

	if (!*path) {
		snprintf(err, errlen, "an empty path: give the path of %s", kinds[kind].name);
		return -EINVAL;
	}
	while (*c && (unsigned char)*c >= 0x20 && *c != 0x7f)
		c++;
	if (!*c)
		return 0;
	shown = g_string_new(NULL);	/* the control characters as \xNN */
	for (c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			g_string_append_printf(shown, "\\x%02x", (unsigned char)*c);
		else
			g_string_append_c(shown, *c);
	snprintf(err, errlen, "%s: a path with a control character: give the path of %s",
		 shown->str, kinds[kind].name);
	g_string_free(shown, TRUE);
	return -EINVAL;
}

static int too_large(const char *path, enum file_kind kind, char *err,
		     size_t errlen)
{
	char size[32];

	size_str(kinds[kind].limit, size, sizeof(size));
	snprintf(err, errlen, "%s: larger than %s: not %s", path, size,
		 kinds[kind].name);
	return -EFBIG;
}

/* Read @fd to its end or one byte past @limit; *@len the count */
static int read_bounded(int fd, size_t limit, char **data, size_t *len)
{
	size_t cap = limit + 1 < 64 * KiB ? limit + 1 : 64 * KiB, got = 0;
	char *buf = malloc(cap + 1), *bigger;
	ssize_t n;

	while (buf) {
		if (got == cap) {
			cap = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger)
				break;
			buf = bigger;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		got += (size_t)n;
		if (!n || got > limit) {
			buf[got] = '\0';
			*data = buf;
			*len = got;
			return 0;
		}
	}
	free(buf);
	return -ENOMEM;
}

/**
 * file_read() - the bytes of a file a user names, at most its kind's limit
 * @path:	the file (a regular file, a FIFO, a device: all end)
 * @kind:	what it should be: its limit and its name in messages
 * @data:	output: malloc'd bytes, NUL-terminated (free())
 * @len:	output: their count, without the NUL
 * @err:	"PATH: reason" on failure
 * @errlen:	its size
 *
 * Return: 0; -EINVAL for an empty or control-character path, -EFBIG past
 * the limit, or -errno (a directory is -EISDIR), each with @err filled
 */
int file_read(const char *path, enum file_kind kind, char **data, size_t *len,
	      char *err, size_t errlen)
{
	size_t limit = kinds[kind].limit;
	struct stat st;
	int fd, rc;

	if ((rc = file_path_check(path, kind, err, errlen)))
		return rc;
	/* a FIFO's open() waits for its writer, as cat's does: a FIFO is
	 * named to be written to, and a writer that comes a moment later
	 * (a shell's <(...) or mkfifo + a background job) must be read whole;
	 * what it writes is then bounded like any file */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = fstat(fd, &st) ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (!rc && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit)
		rc = too_large(path, kind, err, errlen);
	else if (!rc && !(rc = read_bounded(fd, limit, data, len)) && *len > limit) {
		free(*data);
		rc = too_large(path, kind, err, errlen);
	}
	if (rc && rc != -EFBIG)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	close(fd);
	return rc;
}
