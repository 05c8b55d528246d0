// SPDX-License-Identifier: GPL-2.0-or-later
/* run_pool.c - `kdh run -j N`: scenarios in parallel processes
 *
 * Each scenario already runs on its own loop with its own seed (derived
 * from the run's and its name), so running several at once changes
 * nothing in their results.  Simulated scenarios run in N long-lived
 * workers, each given one scenario index at a time; a scenario that
 * boots QEMU or uses Linux bridges gets a fresh child of its own
 * (run_worker.c says why).  Either hands back its struct scenario_result
 * (plain data).  The parent gets each scenario itself too (its identity
 * for a process that dies, and which kind of process it needs).
 * Results are reported in suite order as soon as every earlier one is in;
 * a worker is given its next scenario before the parent writes the
 * results it just got.
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
 * every busy process is sent SIGTERM and still hands back its result
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
#include <time.h>
#include <unistd.h>

#include "harness/run/run_worker.h"
#include "kdh/run/run.h"

/* What the progress callback needs, also from inside an in-process
 * scenario's loop (pool_tick()) */
struct pool {
	const struct run_source *src;
	struct scenario *cur;	/* the scenario being started (~200 KB) */
	size_t cur_i;		/* which one it is: SIZE_MAX for none */
	struct slots slots;	/* -j N of them */
	unsigned jobs;
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
	for (size_t k = 0; k < p->slots.n; k++)
		if (p->slots.s[k].busy)
			name_add(p->names, p->slots.s[k].head.name,
				 p->slots.s[k].started, now);
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

#define STOP_ASKED	SIZE_MAX
#define TICK		(SIZE_MAX - 1)

static bool stop_asked(const struct run_opts *o)
{
	return o->stop && *o->stop;
}

/* The first busy slot whose end is readable (its result, or its death),
 * STOP_ASKED when @watch and a stop is asked, or TICK after a second of
 * nothing when @tick: the wait is a ppoll() with SIGINT and SIGTERM
 * unblocked only inside it, so none is missed */
static size_t first_finished(const struct slots *all, const struct run_opts *o,
			     bool watch, bool tick)
{
	const struct timespec second = { .tv_sec = 1 };
	struct pollfd p[64];
	size_t at[64], n = 0;
	sigset_t sigs, old;
	int rc;

	for (size_t k = 0; k < all->n && n < 64; k++)
		if (all->s[k].busy) {
			at[n] = k;
			p[n++] = (struct pollfd){ .fd = all->s[k].fd,
						  .events = POLLIN };
		}
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
			return at[k];
	return at[0];
}

/* A stop was asked: start nothing more, and tell the busy processes */
static void stop_children(const struct run_opts *o, const struct slots *all)
{
	if (o->stop_by_signals)
		run_signals_default();	/* a second signal: exit at once */
	for (size_t k = 0; k < all->n; k++)
		if (all->s[k].busy)
			kill(all->s[k].pid, SIGTERM);
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
	slot_get_failed(r, i, err);
	p->cur_i = SIZE_MAX;
	return -1;
}

/* The slot for the next scenario: an idle worker for a simulated one, an
 * empty slot for one that needs its own process (an idle worker there is
 * ended); NULL when every slot is busy */
static struct slot *slot_pick(const struct slots *all, bool isolated)
{
	struct slot *idle = NULL, *empty = NULL;

	for (size_t k = 0; k < all->n; k++) {
		struct slot *c = &all->s[k];

		if (c->busy)
			continue;
		if (!c->pid && !empty)
			empty = c;
		else if (c->pid && !idle)
			idle = c;
	}
	if (isolated)
		return empty ? empty : idle;
	return idle ? idle : empty;
}

/* Start p->cur (scenario @i) in a process: a fresh child when it needs
 * one, else a worker (forked now when the slot has none, again when its
 * worker is gone); non-zero when nothing could be forked */
static int dispatch(struct pool *p, const struct run_opts *o, size_t i)
{
	bool isolated = run_isolated(p->cur, o);
	struct slot *c = slot_pick(&p->slots, isolated);
	int rc;

	if (!c)
		return -EBUSY;
	if (isolated) {
		if (c->pid)
			slot_close(c);
		rc = slot_fork_child(c, &p->slots, p->cur, o);
	} else {
		rc = c->pid ? slot_send(c, i) : -EPIPE;
		if (rc) {	/* none yet, or it died while idle */
			slot_close(c);
			rc = slot_fork_worker(c, &p->slots, p->src, p->cur, o);
			if (!rc && (rc = slot_send(c, i)))
				slot_close(c);
		}
	}
	if (rc)
		return rc;
	c->busy = true;
	c->index = i;
	c->started = mono_s();
	memset(&c->head, 0, sizeof(c->head));
	run_result_head(p->cur, &c->head);
	return 0;
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

/* Start scenarios while a slot is free; one that cannot start in a
 * process is left for this one (the caller runs it when none is busy) */
static void fill(struct pool *p, const struct run_opts *o, size_t *next,
		 struct scenario_result *rs)
{
	while (p->jobs > 1 && p->running < p->jobs && *next < p->src->n) {
		if (get(p, *next, &rs[*next]) || dispatch(p, o, *next))
			return;
		p->running++;
		(*next)++;
	}
}

/* Wait for a busy slot and collect its result; true when the wait ended
 * on a stop asked or a tick instead */
static bool wait_one(struct pool *p, const struct run_opts *o, bool stopping,
		     struct scenario_result *rs, bool *have)
{
	size_t k;

	progress_show(p);
	k = first_finished(&p->slots, o, !stopping, p->progress != NULL);
	if (k == STOP_ASKED || k == TICK)
		return true;
	have[p->slots.s[k].index] = true;
	slot_collect(&p->slots.s[k], rs);
	p->running--;
	return false;
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
	size_t n = src->n;
	struct pool p = { .src = src, .cur = malloc(sizeof(*p.cur)),
			  .cur_i = SIZE_MAX, .jobs = jobs ? jobs : 1,
			  .inline_index = SIZE_MAX,
			  .names = g_string_new(NULL), .progress = progress,
			  .opaque = opaque };
	size_t next = 0, reported = 0;
	bool *have = calloc(n ? n : 1, sizeof(*have));
	bool stopping = false;

	p.slots.n = p.jobs;
	p.slots.s = calloc(p.jobs, sizeof(*p.slots.s));
	if (!p.slots.s || !have || !p.cur) {
		free(p.cur);
		free(p.slots.s);
		free(have);
		g_string_free(p.names, TRUE);
		return -ENOMEM;
	}
	for (size_t k = 0; k < p.slots.n; k++)
		p.slots.s[k].fd = -1;
	if (jobs > 1 && o->accel)
		prepare(&p, o);		/* inherited by the children */
	while (p.done < n) {
		if (!stopping && stop_asked(o)) {
			stopping = true;
			stop_children(o, &p.slots);
		}
		if (stopping && !p.running)
			break;
		if (!stopping)
			fill(&p, o, &next, rs);
		if (!p.running) {	/* inline: -j1, or fork failed */
			if (p.cur_i == next || !get(&p, next, &rs[next]))
				run_inline(&p, o, next, &rs[next]);
			have[next++] = true;
		} else if (wait_one(&p, o, stopping, rs, have)) {
			continue;	/* a stop asked, or a tick */
		} else if (!stopping && !stop_asked(o)) {
			fill(&p, o, &next, rs);	/* busy while we write */
		}
		p.done++;
		while (reported < n && have[reported])
			stopping |= ready(opaque, reported++);
	}
	if (!stopping && stop_asked(o) && o->stop_by_signals)
		run_signals_default();	/* noticed during the last scenario */
	for (size_t k = 0; k < p.slots.n; k++)
		slot_close(&p.slots.s[k]);	/* the idle workers end */
	free(p.cur);
	free(p.slots.s);
	free(have);
	g_string_free(p.names, TRUE);
	return (long)next;
}
