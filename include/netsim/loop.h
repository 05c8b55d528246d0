/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loop.h - the event loop: a timer heap and poll() on a virtual or real clock
 *
 * One loop drives a run.  Time enters in one place: the loop reads the clock
 * once per turn and everything asks ns_loop_now().  On the virtual clock the
 * loop never waits: when no timer is due, time jumps to the next one, so a
 * 600 s DHCP timeout costs a few dozen events.  File descriptors (QEMU
 * sockets, taps) need the real clock; adding one to a virtual loop is an
 * error that says so, never a silent mix.
 */
#ifndef NETSIM_LOOP_H
#define NETSIM_LOOP_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim/rng.h"

#define NS_PER_MS	1000000ull
#define NS_PER_S	1000000000ull
#define NS_NEVER	UINT64_MAX

/* Timer events at one instant (without time advancing) that make
 * ns_loop_run() fail: far beyond any real scenario (a busy one fires a
 * few thousand per simulated second), reached in well under a second */
#define NS_LOOP_SPIN_LIMIT	1000000ull

/**
 * enum ns_loop_end - why ns_loop_run() returned
 * @NS_LOOP_STOPPED:	ns_loop_stop()
 * @NS_LOOP_UNTIL:	its end time came
 * @NS_LOOP_IDLE:	nothing left to wait for
 * @NS_LOOP_INTERRUPTED: the ns_loop_set_interrupt() flag was set
 * @NS_LOOP_SPIN:	NS_LOOP_SPIN_LIMIT events at one instant (an error)
 * @NS_LOOP_WALL_LIMIT:	the ns_loop_set_wall_limit() budget ran out (an error)
 * @NS_LOOP_ERROR:	another error (ns_loop_error())
 */
enum ns_loop_end {
	NS_LOOP_STOPPED,
	NS_LOOP_UNTIL,
	NS_LOOP_IDLE,
	NS_LOOP_INTERRUPTED,
	NS_LOOP_SPIN,
	NS_LOOP_WALL_LIMIT,
	NS_LOOP_ERROR,
};

enum ns_clock {
	NS_CLOCK_VIRTUAL,	/* jumps to the next timer; no fds */
	NS_CLOCK_REAL,		/* CLOCK_MONOTONIC; poll() waits */
};

struct ns_loop;
struct ns_timer;
struct ns_pollset;

typedef void (*ns_timer_cb)(void *opaque);
typedef void (*ns_fd_cb)(void *opaque, int fd, short revents);

/**
 * struct ns_hook - called around every wait, for libraries with their own
 * fd sets (libslirp): @prepare adds this turn's fds with ns_pollset_add()
 * and may lower *@timeout_ns; @check reads them back with ns_pollset_revents()
 */
struct ns_hook {
	void (*prepare)(void *opaque, struct ns_pollset *ps, uint64_t *timeout_ns);
	void (*check)(void *opaque, struct ns_pollset *ps, bool poll_error);
};

/**
 * struct ns_loop_stats - what the loop did, for tests and benches
 * @turns:	loop iterations
 * @timers_fired: timer callbacks run
 * @polls:	poll() calls (always 0 on the virtual clock)
 * @jumps:	virtual-clock jumps to the next timer
 */
struct ns_loop_stats {
	uint64_t turns;
	uint64_t timers_fired;
	uint64_t polls;
	uint64_t jumps;
};

struct ns_loop *ns_loop_new(enum ns_clock clock, uint64_t seed);
void ns_loop_free(struct ns_loop *l);
enum ns_clock ns_loop_clock(const struct ns_loop *l);
uint64_t ns_loop_now(const struct ns_loop *l);
struct ns_rng *ns_loop_rng(struct ns_loop *l);
const struct ns_loop_stats *ns_loop_stats(const struct ns_loop *l);

struct ns_timer *ns_timer_new_labelled(struct ns_loop *l, ns_timer_cb cb,
				       void *opaque, const char *label);
/* ns_timer_new() - an idle timer labelled with its callback's name and
 * source file, which the spin guard's error names */
#define ns_timer_new(l, cb, opaque) \
	ns_timer_new_labelled((l), (cb), (opaque), #cb " (" __FILE__ ")")
const char *ns_timer_label(const struct ns_timer *t);
void ns_timer_free(struct ns_timer *t);
void ns_timer_mod(struct ns_timer *t, uint64_t expire_ns);
void ns_timer_del(struct ns_timer *t);
bool ns_timer_pending(const struct ns_timer *t);
uint64_t ns_timer_expire(const struct ns_timer *t);

int ns_loop_add_fd(struct ns_loop *l, int fd, short events, ns_fd_cb cb,
		   void *opaque, const char *what);
int ns_loop_mod_fd(struct ns_loop *l, int fd, short events);
void ns_loop_del_fd(struct ns_loop *l, int fd);
int ns_loop_add_hook(struct ns_loop *l, const struct ns_hook *hook,
		     void *opaque);
void ns_loop_del_hook(struct ns_loop *l, void *opaque);

int ns_pollset_add(struct ns_pollset *ps, int fd, short events);
short ns_pollset_revents(const struct ns_pollset *ps, int idx);

int ns_loop_run(struct ns_loop *l, uint64_t until_ns);
void ns_loop_stop(struct ns_loop *l);
const char *ns_loop_error(const struct ns_loop *l);
enum ns_loop_end ns_loop_end(const struct ns_loop *l);
void ns_loop_set_wall_limit(struct ns_loop *l, uint64_t wall_ns);
void ns_loop_set_interrupt(struct ns_loop *l, const volatile sig_atomic_t *flag,
			   const sigset_t *signals);

#endif /* NETSIM_LOOP_H */
