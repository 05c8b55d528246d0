/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_console.h - what `kdh run` prints while it runs (run_cmd.c's
 * callbacks for run_pool()).  Not a public header. */
#ifndef KDH_RUN_CONSOLE_H
#define KDH_RUN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/report/baseline.h"
#include "kdh/run/run.h"

/**
 * struct run_console - the console of one `kdh run`
 * @src:	the scenarios, in suite order (a baseline's thresholds)
 * @scratch:	room for one of them while a baseline checks it
 * @base:	--baseline, NULL for none
 * @rs:		their results (filled as they come in)
 * @n:		how many
 * @dir:	the run's results directory (result.json of each)
 * @tap:	TAP lines instead of the console lines
 * @tty:	standard error is a terminal: the live progress line
 * @t0:		when the run started (run_console_now())
 * @unwritten:	the first result that could not be written (its reason
 *		says which file and why), NULL while every one was
 * @failed:	results reported so far that failed or were errors (the
 *		progress line's count, kept here: counting 10,000 results at
 *		each tick would cost more than the run)
 */
struct run_console {
	const struct run_source *src;
	struct scenario *scratch;
	const struct baseline *base;
	struct scenario_result *rs;
	size_t n;
	const char *dir;
	bool tap, tty;
	double t0;
	const struct scenario_result *unwritten;
	size_t failed;
};

double run_console_now(void);
bool run_console_ready(void *opaque, size_t i);
void run_console_progress(void *opaque, size_t done, const char *running);
void run_console_clear(const struct run_console *c);

#endif /* KDH_RUN_CONSOLE_H */
