/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loop_priv.h - the event loop's state, shared by loop.c (turns, fds,
 * budgets) and timer.c (the timer heap).  Not a public header. */
#ifndef KDH_LOOP_PRIV_H
#define KDH_LOOP_PRIV_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include "netsim/loop.h"

#define NO_INDEX	SIZE_MAX

struct ns_timer {
	struct ns_loop *loop;
	ns_timer_cb cb;
	void *opaque;
	uint64_t expire;
	uint64_t seq;
	size_t idx;			/* heap position, NO_INDEX if idle */
	const char *label;		/* for the spin guard's error */
	uint64_t spin_at, spin_n;	/* events at the instant spin_at */
};

struct fd_watch {
	int fd;
	short events;
	ns_fd_cb cb;
	void *opaque;
	bool deleted;
};

struct hook_entry {
	struct ns_hook hook;
	void *opaque;
	bool deleted;
};

struct ns_pollset {
	struct pollfd *fds;
	size_t n, cap;
};

struct ns_loop {
	enum ns_clock clock;
	uint64_t now;
	struct ns_rng rng;
	struct ns_loop_stats stats;
	struct ns_timer **heap;
	size_t n_heap, cap_heap;
	uint64_t seq;
	struct fd_watch *fds;
	size_t n_fds;
	struct hook_entry *hooks;
	size_t n_hooks;
	struct ns_pollset ps;
	bool stop;
	uint64_t spin_at, spin_n;	/* events fired at the instant spin_at */
	uint64_t wall_limit, wall_start; /* CLOCK_MONOTONIC ns; 0: no limit */
	uint64_t wall_tick;
	const volatile sig_atomic_t *intr;
	sigset_t intr_set;
	bool interrupted;
	enum ns_loop_end end;
	char error[256];
};

void ns_timer_heap_remove(struct ns_loop *l, struct ns_timer *t);
void ns_loop_fail(struct ns_loop *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KDH_LOOP_PRIV_H */
