// SPDX-License-Identifier: GPL-2.0-or-later
/* test_loop.c - the event loop and its clocks, the RNG, durations */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "netsim/duration.h"
#include "netsim/loop.h"

struct fired {
	struct ns_loop *l;
	uint64_t at[512];
	int who[512];
	int n;
};

struct tctx {
	struct fired *f;
	int id;
};

static void record(void *opaque)
{
	struct tctx *t = opaque;

	t->f->at[t->f->n] = ns_loop_now(t->f->l);
	t->f->who[t->f->n++] = t->id;
}

Test(loop, timers_fire_in_time_order_fifo_among_equals)
{
	struct fired f = { .l = ns_loop_new(NS_CLOCK_VIRTUAL, 1) };
	struct tctx c[5];
	struct ns_timer *t[5];
	static const uint64_t when[5] = { 30, 10, 20, 10, 10 };
	static const int order[5] = { 1, 3, 4, 2, 0 };

	for (int i = 0; i < 5; i++) {
		c[i] = (struct tctx){ &f, i };
		t[i] = ns_timer_new(f.l, record, &c[i]);
		ns_timer_mod(t[i], when[i] * NS_PER_S);
	}
	cr_assert_eq(ns_loop_run(f.l, NS_NEVER), 0);
	cr_assert_eq(f.n, 5);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(f.who[i], order[i], "position %d", i);
		cr_assert_eq(f.at[i], when[order[i]] * NS_PER_S);
	}
	cr_assert_eq(ns_loop_stats(f.l)->polls, 0, "virtual time never polls");
	cr_assert_eq(ns_loop_now(f.l), 30 * NS_PER_S);
	for (int i = 0; i < 5; i++)
		ns_timer_free(t[i]);
	ns_loop_free(f.l);
}

Test(loop, rearm_and_delete)
{
	struct fired f = { .l = ns_loop_new(NS_CLOCK_VIRTUAL, 1) };
	struct tctx a = { &f, 1 }, b = { &f, 2 };
	struct ns_timer *ta = ns_timer_new(f.l, record, &a);
	struct ns_timer *tb = ns_timer_new(f.l, record, &b);

	ns_timer_mod(ta, 5);
	ns_timer_mod(tb, 6);
	ns_timer_mod(ta, 9);		/* re-arm moves it */
	ns_timer_del(tb);
	cr_assert(ns_timer_pending(ta));
	cr_assert_not(ns_timer_pending(tb));
	ns_loop_run(f.l, NS_NEVER);
	cr_assert_eq(f.n, 1);
	cr_assert_eq(f.at[0], 9);
	ns_timer_free(ta);
	ns_timer_free(tb);
	ns_loop_free(f.l);
}

/* 600 s of virtual time with a few hundred timers: no sleeping, no polls */
struct periodic {
	struct ns_loop *l;
	struct ns_timer *t;
	uint64_t period;
	unsigned fired;
};

static void periodic_cb(void *opaque)
{
	struct periodic *p = opaque;

	p->fired++;
	ns_timer_mod(p->t, ns_loop_now(p->l) + p->period);
}

Test(loop, ten_minutes_of_virtual_time)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	struct periodic p[300];
	unsigned total = 0;

	for (int i = 0; i < 300; i++) {
		p[i] = (struct periodic){ l, NULL, (uint64_t)(i + 1) * NS_PER_S, 0 };
		p[i].t = ns_timer_new(l, periodic_cb, &p[i]);
		ns_timer_mod(p[i].t, p[i].period);
	}
	cr_assert_eq(ns_loop_run(l, 600 * NS_PER_S), 0);
	cr_assert_eq(ns_loop_now(l), 600 * NS_PER_S);
	for (int i = 0; i < 300; i++) {
		cr_assert_eq(p[i].fired, 600 / (i + 1), "timer %d", i);
		total += p[i].fired;
		ns_timer_free(p[i].t);
	}
	cr_assert_eq(ns_loop_stats(l)->timers_fired, total);
	cr_assert_eq(ns_loop_stats(l)->polls, 0);
	ns_loop_free(l);
}

static void nothing(void *opaque, int fd, short revents) { }

Test(loop, real_fd_on_virtual_clock_is_refused_with_a_reason)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(ns_loop_add_fd(l, p[0], POLLIN, nothing, NULL, "QEMU socket"),
		     -EPERM);
	cr_assert(strstr(ns_loop_error(l), "QEMU socket"));
	cr_assert(strstr(ns_loop_error(l), "virtual clock"));
	close(p[0]);
	close(p[1]);
	ns_loop_free(l);
}

struct pipe_ctx {
	struct ns_loop *l;
	char got[16];
};

static void pipe_read(void *opaque, int fd, short revents)
{
	struct pipe_ctx *c = opaque;

	cr_assert_gt(read(fd, c->got, sizeof(c->got) - 1), 0);
	ns_loop_stop(c->l);
}

static void pipe_write(void *opaque)
{
	int *fd = opaque;

	cr_assert_eq(write(*fd, "hi", 2), 2);
}

Test(loop, real_clock_polls_fds_and_timers)
{
	struct pipe_ctx c = { .l = ns_loop_new(NS_CLOCK_REAL, 1) };
	struct ns_timer *t;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(ns_loop_add_fd(c.l, p[0], POLLIN, pipe_read, &c, "pipe"), 0);
	t = ns_timer_new(c.l, pipe_write, &p[1]);
	ns_timer_mod(t, ns_loop_now(c.l) + 10 * NS_PER_MS);
	cr_assert_eq(ns_loop_run(c.l, ns_loop_now(c.l) + 10 * NS_PER_S), 0);
	cr_assert_str_eq(c.got, "hi");
	cr_assert_gt(ns_loop_stats(c.l)->polls, 0);
	ns_timer_free(t);
	ns_loop_del_fd(c.l, p[0]);
	close(p[0]);
	close(p[1]);
	ns_loop_free(c.l);
}

Test(rng, seeded_sequences_replay_and_differ)
{
	struct ns_rng a, b, c;
	unsigned hits = 0;

	ns_rng_seed(&a, 42);
	ns_rng_seed(&b, 42);
	ns_rng_seed(&c, 43);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = ns_rng_next(&a);

		cr_assert_eq(x, ns_rng_next(&b));
		cr_assert_neq(x, ns_rng_next(&c));
	}
	for (int i = 0; i < 100000; i++)
		hits += ns_rng_chance(&a, 10.0);
	cr_assert(hits > 9500 && hits < 10500, "10%% of 100000: %u", hits);
	for (int i = 0; i < 1000; i++)
		cr_assert_lt(ns_rng_below(&a, 7), 7);
	cr_assert_not(ns_rng_chance(&a, 0));
}

Test(duration, parse_and_format)
{
	uint64_t ns;
	char buf[32];

	cr_assert_eq(duration_parse("500ms", &ns), 0);
	cr_assert_eq(ns, 500 * NS_PER_MS);
	cr_assert_eq(duration_parse("25s", &ns), 0);
	cr_assert_eq(ns, 25 * NS_PER_S);
	cr_assert_eq(duration_parse("10m", &ns), 0);
	cr_assert_eq(ns, 600 * NS_PER_S);
	cr_assert_eq(duration_parse("1h", &ns), 0);
	cr_assert_eq(ns, 3600 * NS_PER_S);
	cr_assert_eq(duration_parse("1m30s", &ns), 0);
	cr_assert_eq(ns, 90 * NS_PER_S);
	cr_assert_eq(duration_parse("1.5s", &ns), 0);
	cr_assert_eq(ns, 1500 * NS_PER_MS);
	cr_assert_eq(duration_parse("30", &ns), -EINVAL);
	cr_assert_eq(duration_parse("", &ns), -EINVAL);
	cr_assert_eq(duration_parse("5x", &ns), -EINVAL);
	cr_assert_eq(duration_parse("-5s", &ns), -EINVAL);
	/* found by tests/fuzz/text (regressions/text/duration-blank-minus):
	 * strtod skipped the blank and took the sign: 2^64 - 1e9 ns */
	cr_assert_eq(duration_parse(" -1s", &ns), -EINVAL);
	cr_assert_eq(duration_parse("1s -1s", &ns), -EINVAL);
	cr_assert_eq(duration_parse("1m 30s", &ns), -EINVAL);
	/* plain decimals only: exponents and hex floats are refused */
	cr_assert_eq(duration_parse("1e-3s", &ns), -EINVAL);
	cr_assert_eq(duration_parse("0x1p4s", &ns), -EINVAL);
	cr_assert_eq(duration_parse("1.5e10s", &ns), -EINVAL);
	cr_assert_eq(duration_parse("nans", &ns), -EINVAL);
	/* a grammar: each unit once, from the largest down; exact sums */
	cr_assert_eq(duration_parse("1h30m15s500ms", &ns), 0);
	cr_assert_eq(ns, 5415500 * NS_PER_MS);
	cr_assert_eq(duration_parse("1m1m", &ns), -EINVAL);
	cr_assert_eq(duration_parse("30s1m", &ns), -EINVAL);
	cr_assert_eq(duration_parse("1ms1m", &ns), -EINVAL);
	cr_assert_eq(duration_parse("1.5ns", &ns), -EINVAL);
	cr_assert_eq(duration_parse("0.000000001s", &ns), 0);
	cr_assert_eq(ns, 1);
	cr_assert_eq(duration_parse("2562047h47m16.854775807s", &ns), 0);
	cr_assert_eq(ns, DURATION_MAX_NS);
	cr_assert_eq(duration_parse("2562047h47m16.854775808s", &ns), -ERANGE);
	cr_assert_eq(duration_parse("2562047h60m", &ns), -ERANGE);
	cr_assert_eq(duration_parse("99999999999999999999999s", &ns), -ERANGE);
	cr_assert_str_eq(duration_format(600 * NS_PER_S, buf, sizeof(buf)), "10m");
	cr_assert_str_eq(duration_format(90 * NS_PER_S, buf, sizeof(buf)), "1m30s");
	cr_assert_str_eq(duration_format(25 * NS_PER_S, buf, sizeof(buf)), "25s");
	cr_assert_str_eq(duration_format(500 * NS_PER_MS, buf, sizeof(buf)), "500ms");
	cr_assert_str_eq(duration_format(3600 * NS_PER_S, buf, sizeof(buf)), "1h");
	cr_assert_str_eq(duration_format(0, buf, sizeof(buf)), "0s");
}

struct spinner {
	struct ns_loop *l;
	struct ns_timer *t;
	uint64_t n;
};

static void spin_cb(void *opaque)
{
	struct spinner *s = opaque;

	s->n++;
	ns_timer_mod(s->t, ns_loop_now(s->l));	/* again, at the same instant */
}

Test(loop, a_timer_spinning_at_one_instant_is_stopped_and_named)
{
	struct spinner s = { .l = ns_loop_new(NS_CLOCK_VIRTUAL, 1) };

	s.t = ns_timer_new(s.l, spin_cb, &s);
	ns_timer_mod(s.t, 7 * NS_PER_S);
	cr_assert_eq(ns_loop_run(s.l, NS_NEVER), -EIO);
	cr_assert_eq(ns_loop_end(s.l), NS_LOOP_SPIN);
	cr_assert_eq(s.n, NS_LOOP_SPIN_LIMIT);
	cr_assert_eq(ns_loop_now(s.l), 7 * NS_PER_S);
	cr_assert(strstr(ns_loop_error(s.l), "spin_cb (tests/test_loop.c)"), "%s",
		  ns_loop_error(s.l));
	cr_assert(strstr(ns_loop_error(s.l), "7.000000000 s"), "%s",
		  ns_loop_error(s.l));
	ns_timer_free(s.t);
	ns_loop_free(s.l);
}

static void step_cb(void *opaque)
{
	struct spinner *s = opaque;

	s->n++;
	ns_timer_mod(s->t, ns_loop_now(s->l) + 1);	/* 1 ns later */
}

Test(loop, many_events_that_advance_time_are_not_a_spin)
{
	struct spinner s = { .l = ns_loop_new(NS_CLOCK_VIRTUAL, 1) };

	s.t = ns_timer_new_labelled(s.l, step_cb, &s, "stepper");
	cr_assert_str_eq(ns_timer_label(s.t), "stepper");
	ns_timer_mod(s.t, 0);
	cr_assert_eq(ns_loop_run(s.l, 2 * NS_LOOP_SPIN_LIMIT), 0);
	cr_assert_eq(ns_loop_end(s.l), NS_LOOP_UNTIL);
	cr_assert_geq(s.n, 2 * NS_LOOP_SPIN_LIMIT);
	ns_timer_free(s.t);
	ns_loop_free(s.l);
}

Test(loop, a_wall_clock_limit_ends_a_virtual_run)
{
	struct spinner s = { .l = ns_loop_new(NS_CLOCK_VIRTUAL, 1) };

	s.t = ns_timer_new(s.l, step_cb, &s);
	ns_loop_set_wall_limit(s.l, 1);	/* 1 ns: spent at the first check */
	ns_timer_mod(s.t, 0);
	cr_assert_eq(ns_loop_run(s.l, NS_NEVER), -EIO);
	cr_assert_eq(ns_loop_end(s.l), NS_LOOP_WALL_LIMIT);
	cr_assert(strstr(ns_loop_error(s.l), "wall-clock limit"), "%s",
		  ns_loop_error(s.l));
	ns_timer_free(s.t);
	ns_loop_free(s.l);
}

static void flag_cb(void *opaque)
{
	volatile sig_atomic_t *flag = opaque;

	*flag = SIGTERM;
}

Test(loop, the_stop_flag_ends_the_run_as_interrupted)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	volatile sig_atomic_t flag = 0;
	struct ns_timer *t = ns_timer_new(l, flag_cb, (void *)&flag);
	struct spinner s = { .l = l };

	s.t = ns_timer_new(l, step_cb, &s);
	ns_loop_set_interrupt(l, &flag, NULL);
	ns_timer_mod(t, 1000);
	ns_timer_mod(s.t, 0);
	cr_assert_eq(ns_loop_run(l, NS_NEVER), 0);
	cr_assert_eq(ns_loop_end(l), NS_LOOP_INTERRUPTED);
	cr_assert_eq(ns_loop_now(l), 1000);
	ns_timer_free(t);
	ns_timer_free(s.t);
	ns_loop_free(l);
}

static void idle_cb(void *opaque)
{
}

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	alarmed = sig;
}

/* The signal comes while the loop waits for a timer an hour away */
Test(loop, a_signal_wakes_a_real_clock_wait)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_timer *far = ns_timer_new(l, idle_cb, NULL);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 100000 } };
	sigset_t set;

	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	ns_loop_set_interrupt(l, &alarmed, &set);
	ns_timer_mod(far, ns_loop_now(l) + 3600 * NS_PER_S);
	setitimer(ITIMER_REAL, &it, NULL);
	cr_assert_eq(ns_loop_run(l, NS_NEVER), 0);	/* not an hour */
	cr_assert_eq(ns_loop_end(l), NS_LOOP_INTERRUPTED);
	cr_assert_eq(alarmed, SIGALRM);
	cr_assert(ns_timer_pending(far));
	ns_timer_free(far);
	ns_loop_free(l);
}
