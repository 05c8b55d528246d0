// SPDX-License-Identifier: GPL-2.0-or-later
/* run_pool.c - `kdh run -j N`: scenarios in parallel child processes
 *
 * Each scenario already runs on its own loop with its own seed (derived
 * from the run's and its name), so running several at once changes
 * nothing in their results.  Children are forked, run one scenario each,
 * and hand back their struct scenario_result (plain data) through a pipe;
 * it is small enough for the pipe's buffer, so a child never blocks.
 * Results are reported in suite order as soon as every earlier one is in.
 *
 * KVM probe: before forking, the run's accelerator cache (run_opts.accel)
 * probes every VM shape of the suite once, so the children inherit the
 * answers instead of each probing again.
 *
 * Stopping (o->stop set by SIGINT/SIGTERM): no further scenario starts,
 * every running child is sent SIGTERM and still hands back its result
 * (interrupted, its capture completed); the scenarios started are always
 * the first ones of the suite, so the results reported are a prefix.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdh/run.h"

struct child {
	pid_t pid;
	int fd;
	size_t index;
};

static int spawn(const struct scenario *sc, const struct run_opts *o,
		 size_t i, struct child *c)
{
	int p[2];

	pid_t parent = getpid();

	if (pipe(p))
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (c->pid == 0) {
		struct scenario_result r;
		const char *b = (const char *)&r;
		size_t left = sizeof(r);

		close(p[0]);
		/* a child dies with kdh, and its QEMUs and dnsmasq with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (o->stop_by_signals)
			run_signals_install(false);	/* every signal: finish */
		if (getppid() != parent)
			_exit(1);
		run_scenario(&sc[i], o, &r);
		while (left) {
			ssize_t n = write(p[1], b, left);

			if (n <= 0)
				_exit(1);
			b += n;
			left -= (size_t)n;
		}
		_exit(0);
	}
	close(p[1]);
	c->fd = p[0];
	c->index = i;
	return 0;
}

/* Read a finished child's result; a child that died gives an error */
static void collect(struct child *c, const struct scenario *sc,
		    struct scenario_result *rs)
{
	struct scenario_result *r = &rs[c->index];
	char *b = (char *)r;
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*r) && (n = read(c->fd, b + got, sizeof(*r) - got)) > 0)
		got += (size_t)n;
	close(c->fd);
	waitpid(c->pid, NULL, 0);
	if (got == sizeof(*r))
		return;
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", sc[c->index].name);
	snprintf(r->file, sizeof(r->file), "%s", sc[c->index].file);
	r->verdict = V_ERROR;
	snprintf(r->reason, sizeof(r->reason), "the process running it died");
}

#define STOP_ASKED	SIZE_MAX

static bool stop_asked(const struct run_opts *o)
{
	return o->stop && *o->stop;
}

/* The first child whose pipe is readable (its result, or its death), or
 * STOP_ASKED when @watch and a stop is asked: the wait is a ppoll() with
 * SIGINT and SIGTERM unblocked only inside it, so none is missed */
static size_t first_finished(const struct child *kids, size_t running,
			     const struct run_opts *o, bool watch)
{
	struct pollfd p[64];
	size_t n = running < 64 ? running : 64;
	sigset_t sigs, old;
	int rc;

	for (size_t k = 0; k < n; k++)
		p[k] = (struct pollfd){ .fd = kids[k].fd, .events = POLLIN };
	run_signals_set(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	do {
		if (watch && stop_asked(o)) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return STOP_ASKED;
		}
		rc = ppoll(p, n, NULL, &old);
	} while (rc < 0 && errno == EINTR);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (size_t k = 0; k < n; k++)
		if (p[k].revents)
			return k;
	return 0;
}

/* A stop was asked: start nothing more, and tell the children */
static void stop_children(const struct run_opts *o, const struct child *kids,
			  size_t running)
{
	if (o->stop_by_signals)
		run_signals_default();	/* a second signal: exit at once */
	for (size_t k = 0; k < running; k++)
		kill(kids[k].pid, SIGTERM);
}

/**
 * run_pool() - run @n scenarios with up to @jobs at a time
 * @sc:		scenarios
 * @n:		their count
 * @o:		seed and results directory
 * @jobs:	parallel processes (1 runs in this process)
 * @rs:		results, in suite order
 * @ready:	called with each index in suite order once its result is in
 * @progress:	called with the count finished and the names of the scenarios
 *		running now (comma-separated), when a scenario starts or
 *		ends; may be NULL
 * @opaque:	passed to the callbacks
 *
 * A stop asked through @o->stop ends the run early: the scenarios running
 * end as interrupted, the rest never start.
 *
 * Return: the number of scenarios run (rs[0] to rs[N - 1] are filled), or
 * -ENOMEM
 */
long run_pool(const struct scenario *sc, size_t n, const struct run_opts *o,
	      unsigned jobs, struct scenario_result *rs,
	      void (*ready)(void *opaque, size_t i),
	      void (*progress)(void *opaque, size_t done, const char *running),
	      void *opaque)
{
	GString *names = g_string_new(NULL);
	struct child *kids = calloc(jobs ? jobs : 1, sizeof(*kids));
	size_t next = 0, done = 0, reported = 0, running = 0;
	bool *have = calloc(n ? n : 1, sizeof(*have));
	bool stopping = false;

	if (!kids || !have) {
		free(kids);
		free(have);
		return -ENOMEM;
	}
	if (jobs > 1 && o->accel)
		accel_prepare(o->accel, sc, n);	/* inherited by the children */
	while (done < n) {
		if (!stopping && stop_asked(o)) {
			stopping = true;
			stop_children(o, kids, running);
		}
		if (stopping && !running)
			break;
		while (!stopping && jobs > 1 && running < jobs && next < n) {
			if (spawn(sc, o, next, &kids[running]))
				break;
			running++;
			next++;
		}
		g_string_truncate(names, 0);
		for (size_t k = 0; k < running; k++)
			g_string_append_printf(names, "%s%s", k ? ", " : "",
					       sc[kids[k].index].name);
		if (!running)
			g_string_assign(names, sc[next].name);
		if (progress)
			progress(opaque, done, names->str);
		if (!running) {		/* inline: -j1, or fork failed */
			run_scenario(&sc[next], o, &rs[next]);
			have[next++] = true;
		} else {
			size_t k = first_finished(kids, running, o, !stopping);

			if (k == STOP_ASKED)
				continue;
			collect(&kids[k], sc, rs);
			have[kids[k].index] = true;
			kids[k] = kids[--running];
		}
		done++;
		while (reported < n && have[reported])
			ready(opaque, reported++);
	}
	if (!stopping && stop_asked(o) && o->stop_by_signals)
		run_signals_default();	/* noticed during the last scenario */
	free(kids);
	free(have);
	g_string_free(names, TRUE);
	return (long)next;
}
