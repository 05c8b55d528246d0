// SPDX-License-Identifier: GPL-2.0-or-later
/* run_console.c - what `kdh run` prints while it runs: one line per
 * scenario (or TAP) in suite order as each result comes in, and on a
 * terminal a progress line on standard error
 *
 * The progress line is redrawn in place ("\r", erase to the end) each
 * time run_pool() calls, which is when a scenario starts or ends and once
 * a second while one runs in real time, so a minute-long VM scenario
 * shows "running vm-q35 (23 s)" ticking.  It is cut to the terminal's
 * width: a line that wrapped could not be redrawn.  Off a terminal (CI
 * logs, pipes) there is no progress line at all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "harness/run/run_console.h"
#include "kdh/report/report.h"

/** run_console_now() - seconds on CLOCK_MONOTONIC (the run's real time) */
double run_console_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * run_console_clear() - erase the progress line, before other output
 * @c:		console
 */
void run_console_clear(const struct run_console *c)
{
	if (c->tty)
		fputs("\r\033[K", stderr);
}

/* result.json could not be written: whatever the scenario's verdict,
 * it is an ERROR now (nothing of it would be found), naming file and why */
static void result_unwritten(struct scenario_result *r, const char *path,
			     int rc)
{
	r->verdict = V_ERROR;
	r->failed = 0;
	r->unwritten = true;
	snprintf(r->reason, sizeof(r->reason), "%s: %s", path, strerror(-rc));
}

/**
 * run_console_ready() - one scenario's line (and its result.json), called
 * by run_pool() in suite order
 * @opaque:	the struct run_console
 * @i:		the scenario's index
 *
 * Return: true when the run must stop: a file of this scenario's results
 * (result.json, or one the scenario wrote) could not be written
 */
bool run_console_ready(void *opaque, size_t i)
{
	struct run_console *c = opaque;
	char path[700];
	int rc;

	run_console_clear(c);
	if (c->base && !c->src->get(c->src->ctx, i, c->scratch, path,
				    sizeof(path)))
		baseline_check(c->base, c->scratch, &c->rs[i]);
	if (c->base && c->rs[i].is_cell &&
	    baseline_missing(c->base, &c->rs[i], path, sizeof(path)))
		printf(c->tap ? "# %s\n" : "note: %s\n", path);
	snprintf(path, sizeof(path), "%s/%s", c->dir, c->rs[i].name);
	/* a SKIP made no directory, nor a process that died before it made
	 * its own: its result.json says what happened */
	rc = (c->rs[i].verdict == V_SKIP || c->rs[i].verdict == V_ERROR) &&
	     g_mkdir_with_parents(path, 0755) ? -errno : 0;
	snprintf(path, sizeof(path), "%s/%s/result.json", c->dir, c->rs[i].name);
	if (!rc)
		rc = report_result_file(path, &c->rs[i]);
	if (rc && !c->rs[i].unwritten)
		result_unwritten(&c->rs[i], path, rc);
	if (c->tap)
		report_tap_line(stdout, i + 1, &c->rs[i]);
	else
		report_line(stdout, &c->rs[i]);
	if (c->rs[i].unwritten && !c->unwritten)
		c->unwritten = &c->rs[i];
	c->failed += c->rs[i].verdict == V_FAIL || c->rs[i].verdict == V_ERROR;
	return c->rs[i].unwritten;
}

static int width(void)
{
	struct winsize w;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) || w.ws_col < 20)
		return 80;
	return w.ws_col;
}

/**
 * run_console_progress() - redraw the progress line: "[3/11] 45 s, 0
 * failed so far; running vm-q35 (23 s)"
 * @opaque:	the struct run_console
 * @done:	scenarios finished
 * @running:	the running ones with their elapsed time, comma-separated
 */
void run_console_progress(void *opaque, size_t done, const char *running)
{
	struct run_console *c = opaque;
	char line[512];
	if (!c->tty)
		return;
	if (run_stop_signal)
		snprintf(line, sizeof(line), "%s: stopping (again: at once)",
			 run_signal_name(run_stop_signal));
	else if (done < c->n)
		snprintf(line, sizeof(line), "[%zu/%zu] %.0f s, %zu failed so far; "
			 "running %s", done, c->n, run_console_now() - c->t0,
			 c->failed, running);
	else
		return;
	fprintf(stderr, "\r\033[K%.*s", width() - 1, line);
	fflush(stderr);
}
