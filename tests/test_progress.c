// SPDX-License-Identifier: GPL-2.0-or-later
/* test_progress.c - kdh run's progress line: on a terminal it names the
 * running scenario with its elapsed time and ticks while it runs; off a
 * terminal there is none.  A scenario held back by KDH_TEST_PAUSE stands
 * for a long one; the elapsed figures are read, never compared with a
 * clock.  (A VM scenario ticking with -j 1 is in test_vm.c.) */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static const char scenario[] =
	"[scenario]\n"
	"[network lan]\ntype = static\n"
	"[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
	"dhcp = no\nip = 192.168.2.72/24\n"
	"[expect]\noutcome = connected\n";

/* tick-me.kdh in a new directory; @dir gets the directory */
static char *scenario_file(char **dir)
{
	char *path;

	*dir = g_dir_make_tmp("kdh-progress-XXXXXX", NULL);
	path = g_build_filename(*dir, "tick-me.kdh", NULL);
	cr_assert(g_file_set_contents(path, scenario, -1, NULL));
	return path;
}

/* The largest N of "running tick-me (N s)" the terminal showed, -1: none */
static int most_elapsed(const char *tty, const char *name)
{
	char *pat = g_strdup_printf("running %s \\(([0-9]+) s\\)", name);
	GRegex *re = g_regex_new(pat, 0, 0, NULL);
	GMatchInfo *mi = NULL;
	int most = -1;

	g_regex_match(re, tty, 0, &mi);
	while (g_match_info_matches(mi)) {
		gchar *n = g_match_info_fetch(mi, 1);

		most = MAX(most, atoi(n));
		g_free(n);
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
	g_regex_unref(re);
	g_free(pat);
	return most;
}

/* -j 2: the scenario runs in a child, the parent's wait ticks */
Test(progress, ticks_with_the_elapsed_time_on_a_terminal, .timeout = 60)
{
	char *dir, *sc = scenario_file(&dir), *tty;
	char *res = g_build_filename(dir, "results", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "-j", "2",
		"--results", res, NULL };

	cr_assert_eq(test_run_pty(argv, "KDH_TEST_PAUSE=3s", &tty), 0, "%s", tty);
	cr_assert(strstr(tty, "[0/1] "), "%s", tty);
	cr_assert_geq(most_elapsed(tty, "tick-me"), 1, "no tick named the "
		      "scenario with a second or more: %s", tty);
	cr_assert(strstr(tty, "\r\033[K"), "the line is redrawn in place: %s", tty);
	cr_assert_null(strstr(tty, "ms)"), "elapsed time in seconds: %s", tty);
	g_free(tty);
	test_rmtree(dir);
	g_free(res); g_free(sc); g_free(dir);
}

/* Off a terminal (a CI log): no progress line, no redraws */
Test(progress, none_off_a_terminal, .timeout = 60)
{
	char *dir, *sc = scenario_file(&dir), *out, *err;
	char *res = g_build_filename(dir, "results", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "-j", "2",
		"--results", res, NULL };

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  tick-me"), "%s", out);
	cr_assert_null(strstr(err, "running"), "%s", err);
	cr_assert_null(strstr(err, "\033["), "%s", err);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(res); g_free(sc); g_free(dir);
}
