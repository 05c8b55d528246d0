// SPDX-License-Identifier: GPL-2.0-or-later
/* replay.c - main() for the fuzz harnesses in the gcc build: runs
 * LLVMFuzzerTestOneInput() once on every file of the directories (or
 * files) given, so the regression inputs and seed corpora of tests/fuzz
 * are checked by `meson test` without clang.  A crash or broken invariant
 * aborts the run, naming the input first. */
#include <dirent.h>
#include <errno.h>
#include <glib.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	gchar *buf;
	gsize len;
	GError *e = NULL;

	if (!g_file_get_contents(path, &buf, &len, &e)) {
		fprintf(stderr, "replay: %s\n", e->message);
		g_error_free(e);
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, (size_t)len);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	g_free(buf);
	return 0;
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, unsigned *n)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	int rc = 0;

	if (!d) {	/* a single file */
		++*n;
		return replay_file(dir);
	}
	while ((name = g_dir_read_name(d)))
		if (name[0] != '.' && strcmp(name, "README"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, name_cmp);
	for (guint i = 0; i < names->len && !rc; i++, ++*n)
		rc = replay_file(g_ptr_array_index(names, i));
	g_ptr_array_free(names, TRUE);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned n = 0;

	for (int i = 1; i < argc; i++)
		if (g_file_test(argv[i], G_FILE_TEST_EXISTS) &&
		    replay_dir(argv[i], &n))
			return 1;
	printf("replayed %u inputs: no crash, no broken invariant\n", n);
	return 0;
}
