/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonfile.h - a JSON file a user names (summary.json, a baseline), read
 * through the bounded reader */
#ifndef KDH_JSONFILE_H
#define KDH_JSONFILE_H

#include <stddef.h>

#include <json-glib/json-glib.h>

#include "kdh/util/textfile.h"

int json_file_load(JsonParser *p, const char *path, enum file_kind kind,
		   char *err, size_t errlen);

#endif /* KDH_JSONFILE_H */
