// SPDX-License-Identifier: GPL-2.0-or-later
/* fileio.c - result files are written atomically (a temporary file in the
 * same directory, fsync, rename); scratch trees are removed whole
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdh/util/fileio.h"

/**
 * write_file_atomic() - replace @path with @data, never half-written
 * @path:	destination; "-" is standard output
 * @data:	contents
 * @len:	their length
 *
 * Return: 0, or a negative errno (the destination is then untouched)
 */
int write_file_atomic(const char *path, const char *data, size_t len)
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
	if (!rc && fsync(fd))
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
