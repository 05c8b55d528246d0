// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_helpers.c - shared by the kdh watch tests: running it, and kdh
 * analyze of a capture against kdh watch's summary */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "watch_helpers.h"

/* The lines' time of day, the same everywhere */
void tw_tz_utc(void)
{
	setenv("TZ", "UTC0", 1);	/* the lines' time of day */
}

/* kdh watch ARGS...: exit status, stdout and stderr */
int tw_watch(const char *const *args, char **out, char **err)
{
	const char *argv[32] = { getenv("KDH_BIN"), "watch" };
	size_t n = 2;

	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return test_run(argv, out, err);
}

/* The NIC blocks of a kdh analyze report: from the first "\nNIC " to the
 * verdict line (or the end); "" when there is none */
char *tw_nic_blocks(const char *report)
{
	const char *from = strstr(report, "\nNIC "), *to;

	if (!from)
		return g_strdup("");
	to = strstr(from, "\nverdict: ");
	return g_strchomp(g_strndup(from, to ? (size_t)(to - from) : strlen(from)));
}

/* kdh analyze of @file gives the figures of kdh watch's summary */
void tw_same_as_analyze(const char *watch_out, const char *file,
			const char *key)
{
	const char *argv[] = { getenv("KDH_BIN"), "analyze", file, "--key", key,
			       NULL };
	char *out, *err, *a, *w;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	a = tw_nic_blocks(out);
	w = tw_nic_blocks(watch_out);
	cr_assert_str_eq(w, a, "kdh watch's summary and kdh analyze %s differ", file);
	g_free(a); g_free(w); g_free(out); g_free(err);
}

/* A temporary directory (test_rmtree() it) */
char *tw_tmpdir(void)
{
	return g_dir_make_tmp("kdh-watch-XXXXXX", NULL);
}

/* DIR/dbg.txt: what bcdedit /dbgsettings prints, for --bcdedit */
char *tw_bcdedit_file(const char *dir, const char *hostip, const char *key)
{
	char *path = g_build_filename(dir, "dbg.txt", NULL);
	char *text = g_strdup_printf("debugtype               NET\nhostip                  "
				     "%s\nport                    50000\nkey"
				     "                     %s\n", hostip, key);

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(text);
	return path;
}
