// SPDX-License-Identifier: GPL-2.0-or-later
/* loop.c - the event loop: a timer heap and poll() on a virtual or real clock
 *
 * Theory of operation: each turn fires every timer that is due, then finds
 * how long it may wait (next timer, the run's end, hooks' wishes).  On the
 * real clock it poll()s that long and reads CLOCK_MONOTONIC once; on the
 * virtual clock it never waits: time jumps straight to the next deadline.
 * Timers due at the same instant fire in the order they were armed, so a
 * seeded virtual run replays exactly.  A virtual loop with nothing left to do
 * ends; a real one ends when it has neither timers nor fds.
 *
 * Budgets: NS_LOOP_SPIN_LIMIT timer events at one instant end the run with
 * an error naming the timer that spun (a timer re-arming itself at "now"
 * would otherwise never let time advance); a wall-clock limit
 * (ns_loop_set_wall_limit()) ends a virtual run that takes too long in
 * real time; a stop flag (ns_loop_set_interrupt(), set by a signal
 * handler) is checked every turn, and on the real clock poll() waits with
 * the signals unblocked (ppoll), so a signal can never be missed between
 * the check and the wait.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netsim/loop_priv.h"

static uint64_t clock_read(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* ns_loop_fail() - end the run with an error (loop_priv.h) */
void ns_loop_fail(struct ns_loop *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->error, sizeof(l->error), fmt, ap);
	va_end(ap);
	l->stop = true;
}

/**
 * ns_loop_new() - a loop on the given clock, with the run's RNG
 * @clock:	NS_CLOCK_VIRTUAL (starts at 0) or NS_CLOCK_REAL
 * @seed:	seed of the run's random number generator
 *
 * Return: loop, or NULL when out of memory
 */
struct ns_loop *ns_loop_new(enum ns_clock clock, uint64_t seed)
{
	struct ns_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->clock = clock;
	l->now = clock == NS_CLOCK_REAL ? clock_read() : 0;
	ns_rng_seed(&l->rng, seed);
	return l;
}

/**
 * ns_loop_free() - free the loop; its timers must be freed by their owners
 * @l:		loop, may be NULL
 */
void ns_loop_free(struct ns_loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_heap; i++)
		l->heap[i]->idx = NO_INDEX;
	free(l->heap);
	free(l->fds);
	free(l->hooks);
	free(l->ps.fds);
	free(l);
}

/** ns_loop_clock() - which clock the loop runs on */
enum ns_clock ns_loop_clock(const struct ns_loop *l)
{
	return l->clock;
}

/**
 * ns_loop_now() - the time of the current turn
 * @l:		loop
 *
 * Return: ns; virtual time from 0, or CLOCK_MONOTONIC
 */
uint64_t ns_loop_now(const struct ns_loop *l)
{
	return l->now;
}

/** ns_loop_rng() - the run's random number generator */
struct ns_rng *ns_loop_rng(struct ns_loop *l)
{
	return &l->rng;
}

/** ns_loop_stats() - counters of what the loop did */
const struct ns_loop_stats *ns_loop_stats(const struct ns_loop *l)
{
	return &l->stats;
}

/** ns_loop_error() - why ns_loop_run() failed, or NULL */
const char *ns_loop_error(const struct ns_loop *l)
{
	return l->error[0] ? l->error : NULL;
}

/* Heap ordered by (expire, seq) */
/**
 * ns_loop_add_fd() - watch a file descriptor (real clock only)
 * @l:		loop
 * @fd:		descriptor
 * @events:	POLLIN, POLLOUT
 * @cb:		called with the revents
 * @opaque:	passed to @cb
 * @what:	what the fd is, for the error on a virtual loop
 *
 * Return: 0, -EPERM on a virtual-clock loop (ns_loop_error() says why),
 * -ENOMEM
 */
int ns_loop_add_fd(struct ns_loop *l, int fd, short events, ns_fd_cb cb,
		   void *opaque, const char *what)
{
	struct fd_watch *w;

	if (l->clock == NS_CLOCK_VIRTUAL) {
		snprintf(l->error, sizeof(l->error),
			 "%s (fd %d) needs real I/O, but this run is on the "
			 "virtual clock: use the real clock for QEMU, taps and "
			 "sockets", what, fd);
		return -EPERM;
	}
	w = realloc(l->fds, (l->n_fds + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	l->fds = w;
	l->fds[l->n_fds++] = (struct fd_watch){ fd, events, cb, opaque, false };
	return 0;
}

/** ns_loop_mod_fd() - change the events watched on @fd; -ENOENT if absent */
int ns_loop_mod_fd(struct ns_loop *l, int fd, short events)
{
	for (size_t i = 0; i < l->n_fds; i++)
		if (l->fds[i].fd == fd && !l->fds[i].deleted) {
			l->fds[i].events = events;
			return 0;
		}
	return -ENOENT;
}

/** ns_loop_del_fd() - stop watching @fd (safe inside its callback) */
void ns_loop_del_fd(struct ns_loop *l, int fd)
{
	for (size_t i = 0; i < l->n_fds; i++)
		if (l->fds[i].fd == fd)
			l->fds[i].deleted = true;
}

/**
 * ns_loop_add_hook() - run @hook around every wait
 * @l:		loop
 * @hook:	callbacks (copied)
 * @opaque:	passed to them; also the key for ns_loop_del_hook()
 *
 * Return: 0 or -ENOMEM
 */
int ns_loop_add_hook(struct ns_loop *l, const struct ns_hook *hook,
		     void *opaque)
{
	struct hook_entry *h = realloc(l->hooks, (l->n_hooks + 1) * sizeof(*h));

	if (!h)
		return -ENOMEM;
	l->hooks = h;
	l->hooks[l->n_hooks++] = (struct hook_entry){ *hook, opaque, false };
	return 0;
}

/** ns_loop_del_hook() - remove the hook registered with @opaque */
void ns_loop_del_hook(struct ns_loop *l, void *opaque)
{
	for (size_t i = 0; i < l->n_hooks; i++)
		if (l->hooks[i].opaque == opaque)
			l->hooks[i].deleted = true;
}

/**
 * ns_pollset_add() - poll @fd during this turn (from a hook's prepare)
 * @ps:		this turn's set
 * @fd:		descriptor
 * @events:	POLLIN etc.
 *
 * Return: index for ns_pollset_revents(), or -ENOMEM
 */
int ns_pollset_add(struct ns_pollset *ps, int fd, short events)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		struct pollfd *p = realloc(ps->fds, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ps->fds = p;
		ps->cap = cap;
	}
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	return (int)ps->n++;
}

/** ns_pollset_revents() - what poll() reported for index @idx */
short ns_pollset_revents(const struct ns_pollset *ps, int idx)
{
	return idx >= 0 && (size_t)idx < ps->n ? ps->fds[idx].revents : 0;
}

/** ns_loop_stop() - make ns_loop_run() return after the current callback */
void ns_loop_stop(struct ns_loop *l)
{
	l->stop = true;
}

/**
 * ns_loop_set_wall_limit() - end a run that takes too long in real time
 * @l:		loop
 * @wall_ns:	real nanoseconds each ns_loop_run() may take from its start;
 *		0 removes the limit
 *
 * Meant for virtual-clock runs, which should take milliseconds: past the
 * limit ns_loop_run() fails with an error saying so.  The clock is read
 * every few thousand events, so the cost is negligible.
 */
void ns_loop_set_wall_limit(struct ns_loop *l, uint64_t wall_ns)
{
	l->wall_limit = wall_ns;
}

/**
 * ns_loop_set_interrupt() - stop when *@flag becomes non-zero
 * @l:		loop
 * @flag:	set by a signal handler (never written by the loop); NULL
 *		removes it
 * @signals:	the signals that set it: on the real clock they are blocked
 *		around each check and unblocked only inside ppoll(), so one
 *		arriving just before the wait still wakes it; may be NULL
 *		when no signal sets the flag
 *
 * A run stopped this way returns 0 and ns_loop_end() says NS_LOOP_INTERRUPTED.
 */
void ns_loop_set_interrupt(struct ns_loop *l, const volatile sig_atomic_t *flag,
			   const sigset_t *signals)
{
	l->intr = flag;
	if (signals)
		l->intr_set = *signals;
	else
		sigemptyset(&l->intr_set);
}

/** ns_loop_end() - why the last ns_loop_run() returned */
enum ns_loop_end ns_loop_end(const struct ns_loop *l)
{
	return l->end;
}

static void loop_end(struct ns_loop *l, enum ns_loop_end why)
{
	l->end = why;
	l->stop = true;
}

/* The label without the build directory's "../" before source paths */
static const char *label_clean(const char *label, char *buf, size_t len)
{
	size_t j = 0;

	for (const char *p = label; *p && j + 1 < len; p++) {
		if (!strncmp(p, "../", 3)) {
			p += 2;
			continue;
		}
		buf[j++] = *p;
	}
	buf[j] = 0;
	return buf;
}

/* The budgets, checked after every event */
static bool budget_spent(struct ns_loop *l, struct ns_timer *t)
{
	char label[128];

	if (l->spin_at != l->now) {
		l->spin_at = l->now;
		l->spin_n = 0;
	}
	if (t->spin_at != l->now) {
		t->spin_at = l->now;
		t->spin_n = 0;
	}
	t->spin_n++;
	if (++l->spin_n >= NS_LOOP_SPIN_LIMIT) {
		ns_loop_fail(l, "no progress: %llu timer events at %.9f s without "
			  "time advancing; timer %s fired %llu of them",
			  (unsigned long long)l->spin_n, (double)l->now / 1e9,
			  label_clean(t->label, label, sizeof(label)), (unsigned long long)t->spin_n);
		l->end = NS_LOOP_SPIN;
		return true;
	}
	/* the clock every 4096 events; under a second's limit, every event
	 * (a clock read costs ~20 ns), so `--max-wall 1ns` holds too */
	if (l->wall_limit &&
	    (l->wall_limit < NS_PER_S || !(++l->wall_tick & 0xfff)) &&
	    clock_read() - l->wall_start >= l->wall_limit) {
		ns_loop_fail(l, "wall-clock limit: %.9g s of real time spent, %.3f s "
			  "simulated", (double)l->wall_limit / 1e9,
			  (double)l->now / 1e9);
		l->end = NS_LOOP_WALL_LIMIT;
		return true;
	}
	return false;
}

static bool interrupted(struct ns_loop *l)
{
	if (l->intr && *l->intr) {
		loop_end(l, NS_LOOP_INTERRUPTED);
		return true;
	}
	return false;
}

static void timers_fire_due(struct ns_loop *l)
{
	while (l->n_heap && l->heap[0]->expire <= l->now && !l->stop) {
		struct ns_timer *t = l->heap[0];

		ns_timer_heap_remove(l, t);
		l->stats.timers_fired++;
		t->cb(t->opaque);
		if (budget_spent(l, t) || interrupted(l))
			break;
	}
}

static void compact(struct ns_loop *l)
{
	size_t j = 0;

	for (size_t i = 0; i < l->n_fds; i++)
		if (!l->fds[i].deleted)
			l->fds[j++] = l->fds[i];
	l->n_fds = j;
	j = 0;
	for (size_t i = 0; i < l->n_hooks; i++)
		if (!l->hooks[i].deleted)
			l->hooks[j++] = l->hooks[i];
	l->n_hooks = j;
}

/* Fill this turn's poll set: watched fds first, then the hooks' */
static void pollset_build(struct ns_loop *l, uint64_t *timeout)
{
	compact(l);
	l->ps.n = 0;
	for (size_t i = 0; i < l->n_fds; i++)
		ns_pollset_add(&l->ps, l->fds[i].fd, l->fds[i].events);
	for (size_t i = 0; i < l->n_hooks; i++)
		if (l->hooks[i].hook.prepare)
			l->hooks[i].hook.prepare(l->hooks[i].opaque, &l->ps, timeout);
}

static void dispatch(struct ns_loop *l, bool poll_error)
{
	size_t n_fds = l->n_fds, n_hooks = l->n_hooks;

	for (size_t i = 0; i < n_fds && !l->stop; i++) {
		struct fd_watch w = l->fds[i];
		short rev = l->ps.fds[i].revents;

		if (rev && !l->fds[i].deleted)
			w.cb(w.opaque, w.fd, rev);
	}
	for (size_t i = 0; i < n_hooks && !l->stop; i++)
		if (!l->hooks[i].deleted && l->hooks[i].hook.check)
			l->hooks[i].hook.check(l->hooks[i].opaque, &l->ps, poll_error);
}

static int poll_ms(uint64_t timeout_ns)
{
	uint64_t ms;

	if (timeout_ns == NS_NEVER)
		return -1;
	ms = (timeout_ns + NS_PER_MS - 1) / NS_PER_MS;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* poll() for @timeout; with a stop flag, ppoll() with its signals
 * unblocked only during the wait.  Return: poll's, or -2 when the flag
 * was already set */
static int wait_real(struct ns_loop *l, uint64_t timeout)
{
	struct timespec ts, *tp = NULL;
	sigset_t old;
	int rc, e;

	if (!l->intr)
		return poll(l->ps.fds, l->ps.n, poll_ms(timeout));
	if (timeout != NS_NEVER) {
		ts.tv_sec = (time_t)(timeout / NS_PER_S);
		ts.tv_nsec = (long)(timeout % NS_PER_S);
		tp = &ts;
	}
	sigprocmask(SIG_BLOCK, &l->intr_set, &old);
	if (interrupted(l)) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -2;
	}
	rc = ppoll(l->ps.fds, l->ps.n, tp, &old);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return rc;
}

/* One wait: jump (virtual) or poll (real).  Return false when idle. */
static bool loop_wait(struct ns_loop *l, uint64_t timeout)
{
	int rc;

	if (l->clock == NS_CLOCK_VIRTUAL) {
		if (l->ps.n) {
			ns_loop_fail(l, "a hook wants fd %d polled, but this run is "
				  "on the virtual clock", l->ps.fds[0].fd);
			return false;
		}
		if (timeout == NS_NEVER)
			return false;
		l->now += timeout;
		l->stats.jumps++;
		dispatch(l, false);
		return true;
	}
	if (!l->ps.n && timeout == NS_NEVER)
		return false;
	rc = wait_real(l, timeout);
	if (rc == -2)
		return false;		/* interrupted before the wait */
	l->stats.polls++;
	if (rc < 0 && errno != EINTR) {
		ns_loop_fail(l, "poll: %s", strerror(errno));
		return false;
	}
	l->now = clock_read();
	if (rc != 0)
		dispatch(l, rc < 0);
	else
		dispatch(l, false);	/* hooks still see the time pass */
	return true;
}

/**
 * ns_loop_run() - run until @until_ns, ns_loop_stop(), an error, or idle
 * @l:		loop
 * @until_ns:	absolute end time on the loop's clock, or NS_NEVER
 *
 * On the virtual clock the loop is idle when no timer is armed; on the real
 * clock when there is neither a timer nor a descriptor.
 *
 * Return: 0, or -EIO with ns_loop_error() saying why
 */
int ns_loop_run(struct ns_loop *l, uint64_t until_ns)
{
	l->stop = false;
	l->end = NS_LOOP_STOPPED;
	if (l->wall_limit)
		l->wall_start = clock_read();
	while (!l->stop) {
		uint64_t deadline, timeout;

		l->stats.turns++;
		if (interrupted(l))
			break;
		timers_fire_due(l);
		if (l->stop)
			break;
		if (until_ns != NS_NEVER && l->now >= until_ns) {
			l->end = NS_LOOP_UNTIL;
			break;
		}
		deadline = l->n_heap ? l->heap[0]->expire : NS_NEVER;
		if (until_ns < deadline)
			deadline = until_ns;
		timeout = deadline == NS_NEVER ? NS_NEVER : deadline - l->now;
		pollset_build(l, &timeout);
		if (!loop_wait(l, timeout)) {
			if (l->end == NS_LOOP_STOPPED)
				l->end = NS_LOOP_IDLE;
			break;
		}
	}
	if (l->error[0] && l->end != NS_LOOP_SPIN && l->end != NS_LOOP_WALL_LIMIT)
		l->end = NS_LOOP_ERROR;
	return l->error[0] ? -EIO : 0;
}
