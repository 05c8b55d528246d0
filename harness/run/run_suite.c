// SPDX-License-Identifier: GPL-2.0-or-later
/* run_suite.c - the scenarios `kdh run` and `kdh list` take: files,
 * directories, the built-in suite and built-in scenarios by name
 *
 * Theory of operation: each argument is a directory (every *.kdh in it,
 * sorted), a file, or, when no such file exists, the name of a built-in
 * scenario as `kdh list` prints it ("seed-dhcp-hang"; "seed-dhcp-hang.kdh"
 * and "built-in:seed-dhcp-hang.kdh" too) or of a built-in matrix
 * ("matrix/kdnet": DATADIR/kdh/scenarios/matrix/kdnet.kdh, never part of
 * the built-in suite nor of --all).  No argument is the built-in suite.  All are parsed before anything runs: a bad file is reported
 * ("file:line: what is wrong") and marks the suite bad.  -g keeps a
 * group's members and --shard K/N every Nth from the Kth.  A file with a
 * [matrix] is its cells, each a scenario (run_cells.c): kept as references
 * (the matrix, the cell's number), not parsed scenarios, since 10,000
 * cells of ~200 KB each would not fit.
 *
 * Each scenario's results go in RUNDIR/NAME/, so two scenarios of one
 * name (two folders' basic.kdh, a file given twice) are refused before
 * anything runs, naming both files.  Refused rather than renamed
 * ("basic-2"): a baseline, `kdh report`'s history and merged shards match
 * scenarios by name, and a name that depended on the order of the command
 * line would compare one scenario with another.  The check is on what -g
 * kept, before --shard splits it, so every shard of a run agrees.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "harness/run/run_suite.h"
#include "kdh/scenario/matrix.h"
#include "kdh/util/datadir.h"
#include "kdh/util/textfile.h"

/**
 * suite_add() - room for one more item, zeroed
 * @s:		the suite
 *
 * Return: the item, or NULL when out of memory
 */
struct suite_item *suite_add(struct suite *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct suite_item *p = realloc(s->it, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->it = p;
		s->cap = cap;
	}
	memset(&s->it[s->n], 0, sizeof(s->it[0]));
	return &s->it[s->n++];
}

/* A plain scenario file, parsed now and kept */
static void load_scenario(struct suite *s, const char *file, const char *text,
			  const struct suite_sel *sel)
{
	struct scenario *sc = malloc(sizeof(*sc));
	struct suite_item *it;
	char err[512];

	if (!sc || scenario_parse(file, text, sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", sc ? err : "out of memory");
		s->bad = true;
		free(sc);
		return;
	}
	if (sel->group && !sc_in_group(sc, sel->group)) {
		free(sc);	/* -g GROUP keeps its members */
		return;
	}
	it = suite_add(s);
	if (!it) {
		fprintf(stderr, "out of memory\n");
		s->bad = true;
		free(sc);
		return;
	}
	it->sc = sc;
	snprintf(it->rname, sizeof(it->rname), "%s", sc->name);
	snprintf(it->file, sizeof(it->file), "%s", sc->file);
}

/* A file's text: a [matrix] makes it cells (run_cells.c), else one
 * scenario */
static void load_text(struct suite *s, const char *file, const char *text,
		      const struct suite_sel *sel)
{
	struct sc_matrix *m = NULL;
	char err[512];

	if (sc_matrix_parse(file, text, sel->max_cells, &m, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		s->bad = true;
	} else if (m) {
		suite_add_cells(s, m, sel);
	} else {
		load_scenario(s, file, text, sel);
	}
}

static void load_builtin(struct suite *s, const struct builtin_scenario *b,
			 const struct suite_sel *sel)
{
	char file[128];

	snprintf(file, sizeof(file), "built-in:%s", b->name);
	load_text(s, file, b->text, sel);
}

/**
 * builtin_find() - a built-in scenario by the name `kdh list` prints
 * @name:	"seed-dhcp-hang", "seed-dhcp-hang.kdh" or
 *		"built-in:seed-dhcp-hang.kdh"
 *
 * Return: the scenario, or NULL when no built-in one has that name
 */
const struct builtin_scenario *builtin_find(const char *name)
{
	size_t n;

	if (!strncmp(name, "built-in:", 9))
		name += 9;
	n = g_str_has_suffix(name, ".kdh") ? strlen(name) - 4 : strlen(name);
	for (size_t i = 0; i < n_builtin_scenarios; i++) {
		const char *b = builtin_scenarios[i].name;

		if (!strncmp(b, name, n) && !strcmp(b + n, ".kdh"))
			return &builtin_scenarios[i];
	}
	return NULL;
}

/**
 * builtin_matrix() - a built-in matrix by name: "matrix/kdnet" (or
 * "matrix/kdnet.kdh") is DATADIR/kdh/scenarios/matrix/kdnet.kdh, the
 * source tree's for the build tree's kdh
 * @name:	the name
 *
 * Return: its file (g_free() it), or NULL when no built-in matrix has
 * that name
 */
gchar *builtin_matrix(const char *name)
{
	char dir[4096];
	gchar *path;

	if (strncmp(name, "matrix/", 7) || !name[7] || strchr(name + 7, '/') ||
	    kdh_scenario_subdir("matrix", dir, sizeof(dir)))
		return NULL;
	path = g_strdup_printf("%s/%s%s", dir, name + 7,
			       g_str_has_suffix(name, ".kdh") ? "" : ".kdh");
	if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
		return path;
	g_free(path);
	return NULL;
}

/* PATH: why it could not be read, and what a name could have meant */
static void load_failed(const char *path, const char *err)
{
	char dir[4096];
	bool exists = g_file_test(path, G_FILE_TEST_EXISTS);

	if (!exists && !strncmp(path, "matrix/", 7) &&
	    !kdh_scenario_subdir("matrix", dir, sizeof(dir)))
		fprintf(stderr, "%s (nor a built-in matrix: the *.kdh files of "
			"%s, named matrix/NAME)\n", err, dir);
	else
		fprintf(stderr, "%s%s\n", err, !*path || strchr(path, '/') ||
			exists ? "" : " (nor a built-in scenario: kdh list "
			"names them)");
}

/* A file, or when there is none by that name a built-in scenario or
 * matrix */
static void load_file(struct suite *s, const char *path,
		      const struct suite_sel *sel)
{
	const struct builtin_scenario *b;
	char err[512];
	gchar *text, *m;

	if (!g_file_test(path, G_FILE_TEST_EXISTS) && (b = builtin_find(path))) {
		load_builtin(s, b, sel);
		return;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS) && (m = builtin_matrix(path))) {
		load_file(s, m, sel);
		g_free(m);
		return;
	}
	text = text_read(path, FILE_SCENARIO, err, sizeof(err));
	if (!text) {
		load_failed(path, err);
		s->bad = true;
		return;
	}
	load_text(s, path, text, sel);
	g_free(text);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(struct suite *s, const char *dir,
		     const struct suite_sel *sel)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "%s: cannot read the directory\n", dir);
		s->bad = true;
		g_ptr_array_free(names, TRUE);
		return;
	}
	while ((de = readdir(d)))
		if (g_str_has_suffix(de->d_name, ".kdh"))
			g_ptr_array_add(names, g_build_filename(dir, de->d_name, NULL));
	closedir(d);
	if (names->len)		/* pdata is NULL while empty: qsort(NULL) is UB */
		qsort(names->pdata, names->len, sizeof(char *), name_cmp);
	for (guint i = 0; i < names->len; i++)
		load_file(s, g_ptr_array_index(names, i), sel);
	g_ptr_array_free(names, TRUE);
}

static void load_vm_dir(struct suite *s, const struct suite_sel *sel)
{
	char dir[4096];

	if (kdh_vm_scenario_dir(dir, sizeof(dir))) {
		fprintf(stderr, "--all: no VM scenarios: kdh is neither "
			"installed (no scenarios/vm in its data directory) "
			"nor the build tree's\n");
		s->bad = true;
	} else {
		load_dir(s, dir, sel);
	}
}

/* Names a run's directory holds besides the scenarios' */
static const char *const run_files[] = { "plan.json", "summary.json",
					 "junit.xml", "report.html" };

/* Two scenarios of one name, or a name the run's own files take; a
 * cell's name is NAME/cNNNNN, its results directory.  Said once a file:
 * a matrix's cells would repeat it cell by cell */
static void names_check(struct suite *s)
{
	GHashTable *said = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *first = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = 0; i < s->n; i++) {
		const struct suite_item *sc = &s->it[i], *k;
		bool quiet = g_hash_table_contains(said, sc->file);

		for (size_t f = 0; f < G_N_ELEMENTS(run_files); f++)
			if (!strcmp(sc->rname, run_files[f])) {
				fprintf(stderr, "%s: scenario name '%s' is a file of "
					"the run's own directory; give it another "
					"([scenario] name = ...)\n", sc->file, sc->rname);
				s->bad = true;
			}
		/* the first scenario of that name (a hash: 10,000 cells) */
		k = g_hash_table_lookup(first, sc->rname);
		if (!k) {
			g_hash_table_insert(first, (gpointer)sc->rname, (gpointer)sc);
			continue;
		}
		if (!quiet && !strcmp(sc->file, k->file))
			fprintf(stderr, "%s: given twice; a scenario runs once in "
				"a run (its results go in RUNDIR/%s/)\n", sc->file,
				sc->rname);
		else if (!quiet)
			fprintf(stderr, "%s: scenario name '%s' is also %s's: both "
				"would write RUNDIR/%s/; rename one ([scenario] "
				"name = ..., or the file) or run them apart\n",
				sc->file, sc->rname, k->file, sc->rname);
		s->bad = true;
		g_hash_table_add(said, (gpointer)sc->file);
	}
	g_hash_table_destroy(first);
	g_hash_table_destroy(said);
}

/**
 * suite_load() - the scenarios of the command line, selected
 * @s:		output (zeroed by the caller; suite_free())
 * @argc:	the paths and names
 * @argv:	them
 * @sel:	-g, --all, --shard
 */
void suite_load(struct suite *s, int argc, char **argv,
		const struct suite_sel *sel)
{
	struct stat st;
	size_t j = 0;

	if (argc == 0 || sel->all)
		for (size_t i = 0; i < n_builtin_scenarios; i++)
			load_builtin(s, &builtin_scenarios[i], sel);
	if (sel->all)
		load_vm_dir(s, sel);
	for (int i = 0; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			load_dir(s, argv[i], sel);
		else
			load_file(s, argv[i], sel);
	}
	if (sel->sample && !s->n_mats && !s->bad) {	/* it would do nothing */
		fprintf(stderr, "--sample %zu: none of the scenarios given has a "
			"[matrix] section, and --sample draws a matrix's cells: "
			"give a matrix file (kdh list matrix/kdnet)\n", sel->sample);
		s->bad = true;
	}
	for (size_t i = 0; i < s->n; i++)
		s->it[i].index = (unsigned)i;	/* merged shards sort on it */
	names_check(s);
	j = 0;		/* --shard K/N: every Nth, from the Kth, in suite order */
	for (size_t i = 0; i < s->n; i++)
		if (!sel->shards || i % sel->shards == sel->shard - 1)
			s->it[j++] = s->it[i];
		else
			free(s->it[i].sc);
	s->n = j;
}
