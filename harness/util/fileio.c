// SPDX-License-Identifier: GPL-2.0-or-later
/* fileio.c - result files are written atomically (a temporary file in the
 * same directory, renamed), synced once per run or per file when it must
 * be durable at once; scratch trees are removed whole
 *
 * Wing harness/util/ (docs/development.md): files, JSON, text, sizes, value
 *   syntaxes: helpers with no KDNET in them.
 * Uses: netsim/.
 * Used by: analyze/, platform/, target/, debugger/, scenario/, result/,
 *   report/, run/, watch/, bench/.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdh/util/fileio.h"

/* @data into a temporary file beside @path, fsync'd when @sync, renamed
 * over @path */
static int write_tmp_rename(const char *path, const char *data, size_t len,
			    bool sync)
{
	char *tmp;
	int fd, rc = 0;

	if (!strcmp(path, "-"))		/* standard output */
		return fwrite(data, 1, len, stdout) == len && !fflush(stdout) ? 0 :
		       -EIO;
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	while (len && !rc) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno != EINTR)
			rc = -errno;
		else if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
	}
	if (!rc && sync && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/**
 * write_file_atomic() - replace @path with @data, never half-written
 * @path:	destination; "-" is standard output
 * @data:	contents
 * @len:	their length
 *
 * Atomic against the writer dying at any point (a temporary file renamed
 * into place): @path is the old file or the new one.  Not synced to disk:
 * a run writes thousands of these and syncs its directory's filesystem
 * once at the end (file_sync_fs()); a file that must outlive a power
 * loss the moment it is written is write_file_durable()'s.
 *
 * Return: 0, or a negative errno (the destination is then untouched)
 */
int write_file_atomic(const char *path, const char *data, size_t len)
{
	return write_tmp_rename(path, data, len, false);
}

/**
 * write_file_durable() - write_file_atomic(), with the data on disk
 * (fsync) before the rename
 * @path:	destination; "-" is standard output
 * @data:	contents
 * @len:	their length
 *
 * Return: 0, or a negative errno (the destination is then untouched)
 */
int write_file_durable(const char *path, const char *data, size_t len)
{
	return write_tmp_rename(path, data, len, true);
}

/**
 * file_sync_fs() - put everything written on @dir's filesystem on disk
 * (syncfs(2)): one call at the end of a run instead of an fsync per file
 * @dir:	a directory on that filesystem
 *
 * Return: 0, or a negative errno
 */
int file_sync_fs(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (syncfs(fd))
		rc = -errno;
	close(fd);
	return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

/**
 * rmtree() - remove a directory tree kdh made (never follows links)
 * @dir:	the tree
 *
 * Return: 0, or -1 when something could not be removed
 */
int rmtree(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
