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
 * Progress: the callback gets the running scenarios' names with their
 * elapsed real time, "vm-q35 (23 s), vm-serial (5 s)", when one starts or
 * ends and once a second in between: the parent's wait for children is a
 * ppoll() with a 1 s timeout, and a scenario run in-process (-j 1) ticks
 * through run_opts.tick from its own loop (real-clock scenarios only; a
 * simulated one ends in milliseconds).  Nothing sleeps for it.
 *
 * KVM probe: before forking, the run's accelerator cache (run_opts.accel)
 * probes every VM shape of the suite once, so the children inherit the
 * answers instead of each probing again.
 *
 * Stopping (o->stop set by SIGINT/SIGTERM, or @ready saying the results
 * can no longer be written): no further scenario starts; on a signal
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

#include "kdh/run/run.h"

struct child {
	pid_t pid;
	int fd;
	size_t index;
	double started;		/* CLOCK_MONOTONIC seconds */
	struct scenario_result head;	/* its identity, for a child that dies */
};

/* What the progress callback needs, also from inside an in-process
 * scenario's loop (pool_tick()) */
struct pool {
	const struct run_source *src;
	struct scenario *cur;	/* the scenario being started (~200 KB) */
	size_t cur_i;		/* which one it is: SIZE_MAX for none */
	const struct child *kids;
	size_t running, done;
	size_t inline_index;	/* running in-process: SIZE_MAX for none */
	double inline_started;
	GString *names;
	void (*progress)(void *opaque, size_t done, const char *running);
	void *opaque;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void name_add(GString *names, const char *name, double since,
		     double now)
{
	g_string_append_printf(names, "%s%s (%.0f s)", names->len ? ", " : "",
			       name, now - since);
}

/* The progress line, now: the running scenarios and their elapsed time */
static void progress_show(struct pool *p)
{
	double now = mono_s();

	if (!p->progress)
		return;
	g_string_truncate(p->names, 0);
	for (size_t k = 0; k < p->running; k++)
		name_add(p->names, p->kids[k].head.name, p->kids[k].started,
			 now);
	if (p->inline_index != SIZE_MAX)
		name_add(p->names, p->cur->name, p->inline_started,
			 now);
	p->progress(p->opaque, p->done, p->names->str);
}

/* run_opts.tick of a scenario run in-process */
static void pool_tick(void *opaque)
{
	progress_show(opaque);
}

static int spawn(const struct scenario *sc, const struct run_opts *o,
		 size_t i, struct child *c)
{
	/* sc is the pool's scratch: the child has its own copy after fork() */
	int p[2], err;
	sigset_t sigs, old;
	pid_t parent = getpid();

	if (pipe(p))
		return -errno;
	/* SIGINT and SIGTERM wait until the child has its own handlers: one
	 * that came between fork() and them would kill it at once (the
	 * parent's handler is SA_RESETHAND), and its scenario would leave
	 * no result */
	run_signals_set(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	c->pid = fork();
	err = errno;
	if (c->pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (c->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -err;
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
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (getppid() != parent)
			_exit(1);
		run_scenario(sc, o, &r);
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
	memset(&c->head, 0, sizeof(c->head));
	run_result_head(sc, &c->head);
	c->index = i;
	c->started = mono_s();
	return 0;
}

/* Read a finished child's result; a child that died gives an error */
static void collect(struct child *c, struct scenario_result *rs)
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
	*r = c->head;
	r->verdict = V_ERROR;
	snprintf(r->reason, sizeof(r->reason), "the process running it died");
}

#define STOP_ASKED	SIZE_MAX
#define TICK		(SIZE_MAX - 1)

static bool stop_asked(const struct run_opts *o)
{
	return o->stop && *o->stop;
}

/* The first child whose pipe is readable (its result, or its death),
 * STOP_ASKED when @watch and a stop is asked, or TICK after a second of
 * nothing when @tick: the wait is a ppoll() with SIGINT and SIGTERM
 * unblocked only inside it, so none is missed */
static size_t first_finished(const struct child *kids, size_t running,
			     const struct run_opts *o, bool watch, bool tick)
{
	const struct timespec second = { .tv_sec = 1 };
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
		rc = ppoll(p, n, tick ? &second : NULL, &old);
	} while (rc < 0 && errno == EINTR);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return TICK;
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

/* The @i-th scenario into p->cur; when it cannot be had (a cell that
 * parsed at load and not now: never expected), @r is its error */
static int get(struct pool *p, size_t i, struct scenario_result *r)
{
	char err[400];

	if (!p->src->get(p->src->ctx, i, p->cur, err, sizeof(err))) {
		p->cur_i = i;
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->index = (unsigned)i;
	snprintf(r->name, sizeof(r->name), "#%zu", i);
	r->verdict = V_ERROR;
	snprintf(r->reason, sizeof(r->reason), "%s", err);
	p->cur_i = SIZE_MAX;
	return -1;
}

/* KVM probe of every VM shape, before forking (accel_prepare()) */
static void prepare(struct pool *p, const struct run_opts *o)
{
	char err[400];

	for (size_t i = 0; i < p->src->n; i++)
		if (!p->src->get(p->src->ctx, i, p->cur, err, sizeof(err)))
			accel_prepare(o->accel, p->cur, 1);
	p->cur_i = SIZE_MAX;
}

/* One scenario in this process (-j 1, or a fork that failed), ticking */
static void run_inline(struct pool *p, const struct run_opts *o, size_t i,
		       struct scenario_result *r)
{
	struct run_opts here = *o;

	if (p->progress) {
		here.tick = pool_tick;
		here.tick_opaque = p;
	}
	p->inline_index = i;
	p->inline_started = mono_s();
	progress_show(p);
	run_scenario(p->cur, &here, r);
	p->inline_index = SIZE_MAX;
}

/**
 * run_pool() - run @n scenarios with up to @jobs at a time
 * @src:	the scenarios, got one at a time as each starts
 * @o:		seed and results directory
 * @jobs:	parallel processes (1 runs in this process)
 * @rs:		results, in suite order
 * @ready:	called with each index in suite order once its result is in;
 *		returns true when the run must stop (its results could not
 *		be written): nothing more starts, the running ones finish
 * @progress:	called with the count finished and the scenarios running now
 *		with their elapsed time ("vm-q35 (23 s), vm-serial (5 s)"),
 *		when a scenario starts or ends and about once a second while
 *		one runs; may be NULL (then nothing ticks)
 * @opaque:	passed to the callbacks
 *
 * A stop asked through @o->stop ends the run early: the scenarios running
 * end as interrupted, the rest never start.
 *
 * Return: the number of scenarios run (rs[0] to rs[N - 1] are filled), or
 * -ENOMEM
 */
long run_pool(const struct run_source *src, const struct run_opts *o,
	      unsigned jobs, struct scenario_result *rs,
	      bool (*ready)(void *opaque, size_t i),
	      void (*progress)(void *opaque, size_t done, const char *running),
	      void *opaque)
{
	struct child *kids = calloc(jobs ? jobs : 1, sizeof(*kids));
	size_t n = src->n;
	struct pool p = { .src = src, .cur = malloc(sizeof(*p.cur)),
			  .cur_i = SIZE_MAX, .kids = kids,
			  .inline_index = SIZE_MAX,
			  .names = g_string_new(NULL), .progress = progress,
			  .opaque = opaque };
	size_t next = 0, reported = 0;
	bool *have = calloc(n ? n : 1, sizeof(*have));
	bool stopping = false;

	if (!kids || !have || !p.cur) {
		free(p.cur);
		free(kids);
		free(have);
		g_string_free(p.names, TRUE);
		return -ENOMEM;
	}
	if (jobs > 1 && o->accel)
		prepare(&p, o);		/* inherited by the children */
	while (p.done < n) {
		if (!stopping && stop_asked(o)) {
			stopping = true;
			stop_children(o, kids, p.running);
		}
		if (stopping && !p.running)
			break;
		while (!stopping && jobs > 1 && p.running < jobs && next < n) {
			if (get(&p, next, &rs[next]) ||
			    spawn(p.cur, o, next, &kids[p.running]))
				break;	/* in this process, below */
			p.running++;
			next++;
		}
		if (!p.running) {	/* inline: -j1, or fork failed */
			if (p.cur_i == next || !get(&p, next, &rs[next]))
				run_inline(&p, o, next, &rs[next]);
			have[next++] = true;
		} else {
			size_t k;

			progress_show(&p);
			k = first_finished(kids, p.running, o, !stopping, progress);
			if (k == STOP_ASKED || k == TICK)
				continue;
			collect(&kids[k], rs);
			have[kids[k].index] = true;
			kids[k] = kids[--p.running];
		}
		p.done++;
		while (reported < n && have[reported])
			stopping |= ready(opaque, reported++);
	}
	if (!stopping && stop_asked(o) && o->stop_by_signals)
		run_signals_default();	/* noticed during the last scenario */
	free(p.cur);
	free(kids);
	free(have);
	g_string_free(p.names, TRUE);
	return (long)next;
}
