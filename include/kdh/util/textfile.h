/* SPDX-License-Identifier: GPL-2.0-or-later */
/* textfile.h - reading the files users hand kdh (scenarios, VM configs,
 * bcdedit output, run summaries): bounded by kind (readfile.c), and for
 * text UTF-8 or UTF-16 with a BOM, LF line ends, nothing invisible
 * (textfile.c), and the "file:line: what is wrong" of every parser of
 * them (text_fail()) */
#ifndef KDH_TEXTFILE_H
#define KDH_TEXTFILE_H

#include <stdarg.h>
#include <stddef.h>

/* What a file a user names should be: its size limit and its name in
 * messages (readfile.c says why each limit) */
enum file_kind {
	FILE_TEXT,		/* any other text file */
	FILE_SCENARIO,
	FILE_VMCONF,
	FILE_CPU_MODELS,
	FILE_BCDEDIT,
	FILE_SUMMARY,		/* summary.json, a baseline */
	FILE_PID,
	FILE_KINDS
};

const char *file_kind_name(enum file_kind kind);
size_t file_kind_limit(enum file_kind kind);
int file_path_check(const char *path, enum file_kind kind, char *err,
		    size_t errlen);
int file_read(const char *path, enum file_kind kind, char **data, size_t *len,
	      char *err, size_t errlen);

char *text_decode(const char *file, const char *data, size_t len, char *err,
		  size_t errlen);
char *text_read(const char *path, enum file_kind kind, char *err,
		size_t errlen);
char *text_load(const char *path, char *err, size_t errlen);

int text_fail(char *err, size_t errlen, const char *file, int line,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int text_vfail(char *err, size_t errlen, const char *file, int line,
	       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#endif /* KDH_TEXTFILE_H */
