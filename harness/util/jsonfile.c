// SPDX-License-Identifier: GPL-2.0-or-later
/* jsonfile.c - parse a JSON file a user names, at most its kind's size
 *
 * json_parser_load_from_file() reads until the end, like
 * g_file_get_contents(): `kdh report /dev/zero` would never end.  Here the
 * bytes come from file_read() (readfile.c) and the parse errors name the
 * file as json-glib names its "<data>".  An empty file is refused here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/util/jsonfile.h"
#include "kdh/util/json_read.h"

/**
 * json_file_load() - parse a JSON file into a parser
 * @p:		the parser (its root is the file's, never NULL: an empty
 *		file is refused, where json-glib's NULL root would make the
 *		next json_node_*() call print a GLib critical)
 * @path:	the file
 * @kind:	what it should be (FILE_SUMMARY): its size limit and name
 * @err:	"PATH: reason" or "PATH:LINE:COL: Parse error: ..." on failure
 * @errlen:	its size
 *
 * Return: 0, or a negative errno with @err filled
 */
int json_file_load(JsonParser *p, const char *path, enum file_kind kind,
		   char *err, size_t errlen)
{
	size_t len;
	char *data;
	int rc;

	if ((rc = file_read(path, kind, &data, &len, err, errlen)))
		return rc;
	/* jr_parse(): json-glib's parse, after a scan for what it cannot
	 * take safely (deep nesting, NUL in a string, a key twice) */
	if (jr_parse(p, path, data, len, err, errlen)) {
		rc = -EINVAL;
	} else if (!json_parser_get_root(p)) {	/* empty, or only blanks */
		snprintf(err, errlen, "%s: empty: no JSON object in it: not %s", path,
			 file_kind_name(kind));
		rc = -EINVAL;
	}
	free(data);
	return rc;
}
