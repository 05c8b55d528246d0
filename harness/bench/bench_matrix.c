// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_matrix.c - `kdh bench matrix`: the built-in matrix in one
 * `kdh run -j 2` against the same cells each as its own `kdh run`
 *
 * The matrix is matrix/kdnet (2,700 cells) with one bench-only axis added,
 * scenario.timeout = 12m | 13m | ..., as many values as it takes to reach
 * --cells (default 10,000: four, 10,800 cells).  The timeout is past the
 * end of every cell's run, so each repetition does the same work; the
 * built-in file is not changed.  Everything runs as this kdh executable
 * (/proc/self/exe) in child processes, into a temporary directory that
 * is removed after: wall time from the parent, user and system time of
 * the whole process tree (wait4()).  The single-run side is a sample of
 * cells spread over the matrix, each written as a one-cell matrix (every
 * axis cut to the cell's value) and run alone; its mean is scaled to the
 * cell count, and the output says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "kdh/bench/bench.h"
#include "kdh/util/datadir.h"
#include "kdh/util/fileio.h"

#define SAMPLE		20	/* single runs */
#define BASE_TIMEOUT	12	/* minutes: kdnet.kdh's own */

/* The [matrix] section of a file */
struct axes {
	gchar **lines;		/* the file, one line each */
	size_t first;		/* [matrix] line */
	size_t end;		/* the line after the section */
	size_t cells;		/* product of the axes' value counts */
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An axis line of the [matrix] section: KEY = V | V, not a filter */
static bool is_axis(const char *line)
{
	static const char *const special[] = { "only", "no", "expect",
						"max_cells" };
	const char *eq = strchr(line, '=');
	gchar *key;
	bool axis;

	if (!eq || line[0] == '#' || line[0] == ';' || line[0] == '[')
		return false;
	key = g_strstrip(g_strndup(line, (size_t)(eq - line)));
	axis = *key != 0;
	for (size_t i = 0; i < G_N_ELEMENTS(special); i++)
		axis &= strcmp(key, special[i]) != 0;
	g_free(key);
	return axis;
}

/* The values of an axis line, split on the '|' outside braces */
static GPtrArray *values_of(const char *line)
{
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
	const char *s = strchr(line, '=') + 1, *start = s;
	int depth = 0;

	for (;; s++) {
		depth += *s == '{' ? 1 : *s == '}' ? -1 : 0;
		if (*s && (*s != '|' || depth))
			continue;
		g_ptr_array_add(v, g_strstrip(g_strndup(start, (size_t)(s - start))));
		if (!*s)
			break;
		start = s + 1;
	}
	return v;
}

static int axes_find(const char *text, struct axes *a)
{
	size_t n;

	a->lines = g_strsplit(text, "\n", -1);
	n = g_strv_length(a->lines);
	a->first = n;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(a->lines[i], "[matrix]", 8))
			a->first = i;
	if (a->first == n)
		return -1;
	a->cells = 1;
	for (a->end = a->first + 1; a->end < n && a->lines[a->end][0] != '[';
	     a->end++)
		if (is_axis(a->lines[a->end])) {
			GPtrArray *v = values_of(a->lines[a->end]);

			a->cells *= v->len;
			g_ptr_array_free(v, TRUE);
		}
	return 0;
}

/* The bench's file: @a's with the axis scenario.timeout of @reps values
 * added at the end of [matrix] */
static gchar *bench_text(const struct axes *a, unsigned reps)
{
	GString *t = g_string_new(NULL);

	for (size_t i = 0; a->lines[i]; i++) {
		if (i == a->end) {
			g_string_append(t, "scenario.timeout =");
			for (unsigned r = 0; r < reps; r++)
				g_string_append_printf(t, "%s %um", r ? " |" : "",
						       BASE_TIMEOUT + r);
			g_string_append_c(t, '\n');
		}
		g_string_append_printf(t, "%s%s", a->lines[i],
				       a->lines[i + 1] ? "\n" : "");
	}
	if (!a->lines[a->end])		/* [matrix] was the last section */
		for (unsigned r = 0; r < reps; r++)
			g_string_append_printf(t, "%s%um%s", r ? " | " :
					       "\nscenario.timeout = ",
					       BASE_TIMEOUT + r,
					       r + 1 == reps ? "\n" : "");
	return g_string_free(t, FALSE);
}

/* Cell @idx of @a's matrix as a one-cell matrix: each axis cut to the
 * cell's value (the last axis varies fastest, as kdh list orders them) */
static gchar *single_text(const struct axes *a, size_t idx)
{
	GString *t = g_string_new(NULL);
	size_t n = g_strv_length(a->lines), *pick = g_new0(size_t, n);

	for (size_t i = a->end; i-- > a->first + 1;)
		if (is_axis(a->lines[i])) {
			GPtrArray *v = values_of(a->lines[i]);

			pick[i] = idx % v->len;
			idx /= v->len;
			g_ptr_array_free(v, TRUE);
		}
	for (size_t i = 0; i < n; i++) {
		if (i > a->first && i < a->end && is_axis(a->lines[i])) {
			GPtrArray *v = values_of(a->lines[i]);
			const char *eq = strchr(a->lines[i], '=');

			g_string_append_printf(t, "%.*s= %s\n",
					       (int)(eq - a->lines[i]), a->lines[i],
					       (char *)v->pdata[pick[i]]);
			g_ptr_array_free(v, TRUE);
		} else {
			g_string_append_printf(t, "%s\n", a->lines[i]);
		}
	}
	g_free(pick);
	return g_string_free(t, FALSE);
}

/* This kdh with @argv, quiet; its exit status, wall time and the CPU time
 * of its whole tree (@cpu: user + system seconds, added to) */
static int kdh_child(const char *const argv[], double *wall, double cpu[2])
{
	double t0 = mono_s();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(127);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall = mono_s() - t0;
	cpu[0] += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	cpu[1] += (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Bytes and files under @dir */
static void tree_size(const char *dir, uint64_t *bytes, uint64_t *files)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	struct stat st;

	while (d && (name = g_dir_read_name(d))) {
		gchar *p = g_build_filename(dir, name, NULL);

		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			tree_size(p, bytes, files);
		else if (!lstat(p, &st)) {
			*bytes += (uint64_t)st.st_size;
			(*files)++;
		}
		g_free(p);
	}
	if (d)
		g_dir_close(d);
}

/* The cells' own wall times (summary.json's wall_seconds), summed */
static double cells_wall(const char *results)
{
	GDir *d = g_dir_open(results, 0, NULL);
	const char *name = d ? g_dir_read_name(d) : NULL;
	gchar *path, *text = NULL;
	double sum = 0;

	path = name ? g_build_filename(results, name, "summary.json", NULL) : NULL;
	if (path && g_file_get_contents(path, &text, NULL, NULL))
		for (char *s = text; (s = strstr(s, "\"wall_seconds\" : "));)
			sum += strtod(s += 17, NULL);
	g_free(text);
	g_free(path);
	if (d)
		g_dir_close(d);
	return sum;
}

/* The K single runs: mean wall of `kdh run` of one cell, and of the same
 * process only parsing it (kdh run --validate: start + parse) */
static int singles(const char *tmp, const struct axes *a, double *run_s,
		   double *start_s, double cpu[2])
{
	int bad = 0;

	*run_s = *start_s = 0;
	for (size_t k = 0; k < SAMPLE; k++) {
		gchar *text = single_text(a, k * a->cells / SAMPLE);
		gchar *file = g_strdup_printf("%s/cell%zu.kdh", tmp, k);
		gchar *res = g_strdup_printf("%s/single", tmp);
		const char *run[] = { "kdh", "run", "--seed", "1", "--results",
				      res, file, NULL };
		const char *val[] = { "kdh", "run", "--validate", file, NULL };
		double w, scratch[2] = { 0 };

		if (write_file_atomic(file, text, strlen(text)))
			bad = 1;
		bad |= kdh_child(run, &w, cpu) != 0;
		*run_s += w;
		bad |= kdh_child(val, &w, scratch) != 0;
		*start_s += w;
		g_free(text); g_free(file); g_free(res);
	}
	*run_s /= SAMPLE;
	*start_s /= SAMPLE;
	return bad;
}

static void report(unsigned reps, const struct axes *a, double wall,
		   const double cpu[2], double parse, double cells_s,
		   uint64_t bytes, uint64_t files, double one, double start,
		   const double cpu1[2])
{
	double n = (double)a->cells, scaled = one * n;
	double rest = wall - parse - cells_s / 2;

	printf("kdh bench matrix: matrix/kdnet x scenario.timeout = %u..%um (a "
	       "bench-only axis of %u value%s) = %zu cells, kdh run -j 2, seed 1\n",
	       BASE_TIMEOUT, BASE_TIMEOUT + reps - 1, reps, reps == 1 ? "" : "s",
	       a->cells);
	printf("  one kdh run -j 2     %8.2f s wall, %.0f cells/s; user %.2f s, "
	       "sys %.2f s (every process); goal < 30 s for 10,000\n", wall,
	       n / wall, cpu[0], cpu[1]);
	printf("  results written      %.1f MB in %llu files: %.1f KB per cell\n",
	       (double)bytes / 1e6, (unsigned long long)files,
	       (double)bytes / n / 1e3);
	printf("  single kdh run       %8.1f ms wall per cell, mean of %d cells "
	       "spread over the matrix (user %.0f ms, sys %.0f ms each)\n",
	       one * 1e3, SAMPLE, cpu1[0] / SAMPLE * 1e3, cpu1[1] / SAMPLE * 1e3);
	printf("    x %zu cells        %8.1f s, scaled from the sample: %.0fx the "
	       "one run\n", a->cells, scaled, scaled / wall);
	printf("  where the time goes in the one run (wall):\n");
	printf("    parse + check every cell %6.2f s  (kdh run --validate of "
	       "the same file)\n", parse);
	printf("    run the cells            %6.2f s  (their own wall times, "
	       "summed, / 2 workers: simulate, capture, analyse, write their "
	       "files)\n", cells_s / 2);
	printf("    the rest                 %6.2f s  (by difference: 2 worker "
	       "forks, the parent's result.json, summary, JUnit, report.html, sync)\n",
	       rest);
	printf("  a single run: %.1f ms of its %.1f ms are process start + "
	       "parse (kdh run --validate of its file)\n", start * 1e3,
	       one * 1e3);
}

/**
 * bench_matrix() - the built-in matrix, 10,000+ cells in one kdh run -j 2,
 * against single-cell kdh runs
 * @cells:	at least this many cells (the built-in matrix repeated over
 *		a bench-only timeout axis)
 *
 * Return: 0, 1 when a run failed (the figures would mislead), 2 when the
 * matrix or a temporary directory is missing
 */
int bench_matrix(unsigned cells)
{
	char dir[4096], tmp[] = "/tmp/kdh-bench-matrix-XXXXXX";
	struct axes base = { 0 }, a = { 0 };
	gchar *text = NULL, *path, *btext, *bfile, *res, *max;
	double wall, parse, one, start, cpu[2] = { 0 }, cpu1[2] = { 0 }, dummy[2];
	uint64_t bytes = 0, files = 0;
	unsigned reps;
	int bad;

	if (kdh_scenario_subdir("matrix", dir, sizeof(dir)) || !mkdtemp(tmp)) {
		fprintf(stderr, "kdh bench matrix: no built-in matrix "
			"(scenarios/matrix) or no temporary directory\n");
		return 2;
	}
	path = g_build_filename(dir, "kdnet.kdh", NULL);
	if (!g_file_get_contents(path, &text, NULL, NULL) ||
	    axes_find(text, &base) || !base.cells) {
		fprintf(stderr, "kdh bench matrix: %s: no [matrix]\n", path);
		rmtree(tmp);
		return 2;
	}
	reps = (unsigned)((cells + base.cells - 1) / base.cells);
	btext = bench_text(&base, reps ? reps : 1);
	axes_find(btext, &a);
	bfile = g_strdup_printf("%s/bench.kdh", tmp);
	res = g_strdup_printf("%s/results", tmp);
	max = g_strdup_printf("%zu", a.cells);
	bad = write_file_atomic(bfile, btext, strlen(btext)) != 0;
	{
		const char *val[] = { "kdh", "run", "--validate", "--max-cells",
				      max, bfile, NULL };
		const char *run[] = { "kdh", "run", "-j", "2", "--seed", "1",
				      "--max-cells", max, "--results", res,
				      bfile, NULL };

		bad |= kdh_child(val, &parse, dummy) != 0;
		bad |= kdh_child(run, &wall, cpu) != 0;
	}
	tree_size(res, &bytes, &files);
	bad |= singles(tmp, &a, &one, &start, cpu1);
	report(reps, &a, wall, cpu, parse, cells_wall(res), bytes, files, one,
	       start, cpu1);
	if (bad)
		printf("  a run did not pass: the figures may mislead\n");
	rmtree(tmp);
	g_strfreev(base.lines);
	g_strfreev(a.lines);
	g_free(text); g_free(path); g_free(btext); g_free(bfile); g_free(res);
	g_free(max);
	return bad ? 1 : 0;
}
