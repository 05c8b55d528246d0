/* SPDX-License-Identifier: GPL-2.0-or-later */
/* textfile.h - reading the text files users hand kdh (scenarios, VM
 * configs, bcdedit output): UTF-8 or UTF-16 with a BOM, never binary */
#ifndef KDH_TEXTFILE_H
#define KDH_TEXTFILE_H

#include <stddef.h>

char *text_decode(const char *file, const char *data, size_t len, char *err,
		  size_t errlen);
char *text_load(const char *path, char *err, size_t errlen);

#endif /* KDH_TEXTFILE_H */
