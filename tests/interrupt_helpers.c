// SPDX-License-Identifier: GPL-2.0-or-later
/* interrupt_helpers.c - kdh run in the background, signalled part way,
 * and what an interrupted run must leave (test_interrupt.c and
 * test_interrupt_vm.c) */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "interrupt_helpers.h"

/* kdh run in the background: stdout+stderr to @log, or to a pty */
pid_t ti_spawn(const char *const argv[], const char *pause, const char *log,
	       int *pty_master)
{
	pid_t pid;

	if (pty_master) {
		pid = forkpty(pty_master, NULL, NULL, NULL);
	} else {
		pid = fork();
	}
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (!pty_master) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
			setpgid(0, 0);	/* not in criterion's group */
		}
		if (pause)
			setenv("KDH_TEST_PAUSE", pause, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

void ti_nap(void)
{
	struct timespec ts = { 0, 20 * 1000000 };

	nanosleep(&ts, NULL);
}

/* Keep a pty's output flowing (kdh blocks on a full terminal) */
static void ti_pty_drain(int master, GString *out)
{
	char buf[4096];
	ssize_t n;

	if (master < 0)
		return;
	while ((n = read(master, buf, sizeof(buf))) > 0)
		g_string_append_len(out, buf, n);
}

/* The run directory kdh made under @results, or NULL while there is none */
char *ti_run_dir(const char *results)
{
	GDir *d = g_dir_open(results, 0, NULL);
	const char *e;
	char *dir = NULL;

	while (d && (e = g_dir_read_name(d)))
		if (g_str_has_prefix(e, "run-"))
			dir = g_build_filename(results, e, NULL);
	if (d)
		g_dir_close(d);
	return dir;
}

/* How many DIR/x/@file exist */
unsigned ti_count(const char *results, const char *file)
{
	char *run = ti_run_dir(results);
	GDir *d = run ? g_dir_open(run, 0, NULL) : NULL;
	const char *e;
	unsigned n = 0;

	while (d && (e = g_dir_read_name(d))) {
		char *p = g_build_filename(run, e, file, NULL);

		n += access(p, F_OK) == 0;
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_free(run);
	return n;
}

/* Wait (no time limit but criterion's) until @file exists in @want
 * scenario directories, draining a pty meanwhile */
void ti_wait_for(const char *results, const char *file, unsigned want,
		 pid_t pid, int master, GString *out)
{
	int status;

	while (ti_count(results, file) < want) {
		cr_assert_eq(waitpid(pid, &status, WNOHANG), 0,
			     "kdh ended before %u %s: status %d", want, file, status);
		ti_pty_drain(master, out);
		ti_nap();
	}
}

/* Reap kdh; its wait status */
int ti_reap_status(pid_t pid, int master, GString *out)
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		cr_assert_geq(r, 0);
		if (r == pid)
			return status;
		ti_pty_drain(master, out);
		ti_nap();
	}
}

/* Reap kdh; its exit status */
int ti_reap(pid_t pid, int master, GString *out)
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		cr_assert_geq(r, 0);
		if (r == pid)
			break;
		ti_pty_drain(master, out);
		ti_nap();
	}
	ti_pty_drain(master, out);
	cr_assert(WIFEXITED(status), "kdh was killed by signal %d",
		  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

JsonObject *ti_json_load(JsonParser *p, const char *path)
{
	GError *e = NULL;

	cr_assert(json_parser_load_from_file(p, path, &e), "%s: %s", path,
		  e ? e->message : "?");
	return json_node_get_object(json_parser_get_root(p));
}

void ti_run_tool(const char *const argv[], int want_lo, int want_hi,
		     const char *what)
{
	char *out, *err;
	int rc = test_run(argv, &out, &err);

	cr_assert(rc >= want_lo && rc <= want_hi, "%s: exit %d\n%s%s", what, rc,
		  out, err);
	g_free(out);
	g_free(err);
}

/* No .partial or .tmp file anywhere under @dir */
static void ti_no_partial_files(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *e;

	cr_assert(d, "%s", dir);
	while ((e = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, e, NULL);

		cr_assert(!strstr(e, ".partial") && !strstr(e, ".tmp."),
			  "left behind: %s", p);
		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			ti_no_partial_files(p);
		g_free(p);
	}
	g_dir_close(d);
}

/**
 * ti_check_run() - everything an interrupted run must leave
 * @results:	--results of the run
 * @sig:	"SIGTERM" or "SIGINT"
 * @total:	scenarios the run had
 * @out:	its console output
 *
 * Return: scenarios run (finished or interrupted)
 */
unsigned ti_check_run(const char *results, const char *sig, unsigned total,
		      const char *out)
{
	char *run = ti_run_dir(results);
	char *summary = g_build_filename(run, "summary.json", NULL);
	char *junit = g_build_filename(run, "junit.xml", NULL);
	char *html = g_build_filename(results, "report.html", NULL);
	char *merged = g_build_filename(results, "merged", NULL);
	char *msum = g_build_filename(merged, "summary.json", NULL);
	char *xsd = test_data_path("../junit.xsd"), *line, *text;
	JsonParser *p = json_parser_new(), *mp = json_parser_new();
	JsonObject *root, *counts;
	JsonArray *sc;
	unsigned n, interrupted = 0, finished = 0;

	root = ti_json_load(p, summary);
	cr_assert(json_object_get_boolean_member(root, "interrupted"), "%s", summary);
	cr_assert_str_eq(json_object_get_string_member(root, "signal"), sig);
	counts = json_object_get_object_member(root, "counts");
	sc = json_object_get_array_member(root, "scenarios");
	n = json_array_get_length(sc);
	cr_assert_eq(json_object_get_int_member(counts, "scenarios"), total);
	cr_assert_eq(json_object_get_int_member(counts, "run"), n);
	cr_assert_eq(json_object_get_int_member(counts, "not_run"), total - n);
	cr_assert_lt(n, total, "the run was stopped part way");
	for (unsigned i = 0; i < n; i++) {
		JsonObject *s = json_array_get_object_element(sc, i);
		const char *name = json_object_get_string_member(s, "name");
		const char *v = json_object_get_string_member(s, "verdict");
		char *res = g_build_filename(run, name, "result.json", NULL);
		char *cap = g_build_filename(run, name, "capture.pcapng", NULL);
		JsonParser *rp = json_parser_new();
		const char *an[] = { getenv("KDH_BIN"), "analyze", cap, NULL };

		cr_assert_eq(json_object_get_int_member(s, "index"), i,
			     "the scenarios run are the first ones");
		if (!strcmp(v, "skip")) {
			g_free(res); g_free(cap); g_object_unref(rp);
			finished++;
			continue;
		}
		cr_assert_str_eq(json_object_get_string_member(ti_json_load(rp, res),
							       "verdict"), v, "%s", res);
		if (!strcmp(v, "interrupted")) {
			interrupted++;
			cr_assert(strstr(json_object_get_string_member(s, "reason"),
					 sig), "%s", name);
		} else {
			finished++;
		}
		ti_run_tool(an, 0, 1, cap);	/* 2 would be an unreadable file */
		g_free(res); g_free(cap); g_object_unref(rp);
	}
	cr_assert_geq(interrupted, 1, "a scenario was running when the signal came");
	cr_assert_eq(json_object_get_int_member(counts, "interrupted"), interrupted);
	line = g_strdup_printf("kdh run: interrupted by %s after %u of %u "
			       "scenarios; results in %s", sig, finished, total, run);
	cr_assert(strstr(out, line), "no line '%s' in:\n%s", line, out);
	ti_no_partial_files(run);

	{
		const char *schema[] = { "xmllint", "--noout", "--schema", xsd, junit,
					 NULL };
		const char *rep[] = { getenv("KDH_BIN"), "report", run, "--html", html,
				      NULL };
		const char *wf[] = { "xmllint", "--noout", html, NULL };
		const char *merge[] = { getenv("KDH_BIN"), "report", "merge", run,
					"--out", merged, NULL };

		ti_run_tool(schema, 0, 0, "junit.xml against the schema");
		ti_run_tool(rep, 0, 0, "kdh report --html");
		ti_run_tool(wf, 0, 0, "report.html well-formed");
		ti_run_tool(merge, 1, 1, "kdh report merge (interrupted: exit 1)");
	}
	cr_assert(g_file_get_contents(junit, &text, NULL, NULL));
	cr_assert(strstr(text, "<property name=\"interrupted\" value=\"true\"/>"),
		  "%s", text);
	cr_assert(strstr(text, "type=\"interrupted\""), "%s", text);
	g_free(text);
	root = ti_json_load(mp, msum);
	cr_assert(json_object_get_boolean_member(root, "interrupted"));
	cr_assert_eq(json_object_get_int_member(json_object_get_object_member(root,
		"counts"), "scenarios"), total);

	g_object_unref(p); g_object_unref(mp);
	g_free(run); g_free(summary); g_free(junit); g_free(html); g_free(merged);
	g_free(msum); g_free(xsd); g_free(line);
	return n;
}

char *ti_slurp(const char *path)
{
	char *text = NULL;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}
