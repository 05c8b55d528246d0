/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio.h - files written whole or not at all, and scratch trees removed
 * (fileio.c)
 *
 * May use: libc only.  Used by: anything that writes a result file or
 * removes a tree it made (reports, KD logs, the runner, benches, tests).
 */
#ifndef KDH_FILEIO_H
#define KDH_FILEIO_H

#include <stddef.h>

int write_file_atomic(const char *path, const char *data, size_t len);
int write_file_durable(const char *path, const char *data, size_t len);
int file_sync_fs(const char *dir);
int rmtree(const char *dir);

#endif /* KDH_FILEIO_H */
