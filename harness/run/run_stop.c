// SPDX-License-Identifier: GPL-2.0-or-later
/* run_stop.c - what ends a scenario early: its budgets (--max-capture,
 * --max-wall; the loop's own spin guard) and SIGINT/SIGTERM, after which
 * `kdh run` keeps its results
 *
 * Budgets end a scenario as ERROR with the reason; its capture is kept up
 * to there, a readable pcapng.
 *
 * Signals: the handler only stores the signal's number in
 * run_stop_signal, the one piece of global mutable state the runner has (a
 * handler can reach nothing else).  Every scenario's loop is given that
 * flag (ns_loop_set_interrupt()): a virtual-clock loop checks it each turn
 * and after every event, a real-clock loop waits in ppoll() with SIGINT
 * and SIGTERM unblocked only there, so it wakes at once.  The scenario
 * then ends as "interrupted", its capture completed up to that moment.
 * In the parent the handler is installed with SA_RESETHAND: the same
 * signal a second time kills kdh at once (its children die with it by
 * PR_SET_PDEATHSIG, their QEMUs and dnsmasq too), and once the runner has
 * noticed the first, run_signals_default() makes any second one do so.
 * Children of -j N keep handling signals, so the parent's SIGTERM and the
 * terminal's SIGINT together still let them write their results.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness/run/run_priv.h"
#include "kdh/util/size.h"

/* Set by the handler to the signal's number; 0 until a stop is asked */
volatile sig_atomic_t run_stop_signal;

static void on_stop(int sig)
{
	if (!run_stop_signal)	/* the first one tells why */
		run_stop_signal = sig;
}

/**
 * run_signals_set() - the signals that stop a run
 * @set:	filled with SIGINT and SIGTERM
 */
void run_signals_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

/**
 * run_signals_install() - SIGINT and SIGTERM set run_stop_signal
 * @once:	true in the parent: a second signal of the same kind then
 *		takes its default action (exit at once); false in -j N
 *		children, which always finish their scenario's files
 *
 * A SIGINT ignored from the start (a background job of a non-interactive
 * shell) stays ignored, as the shell meant: SIGTERM still stops the run.
 *
 * Return: 0, or -1 when sigaction() failed
 */
int run_signals_install(bool once)
{
	struct sigaction sa, old;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	run_signals_set(&sa.sa_mask);
	sa.sa_flags = once ? SA_RESETHAND : 0;
	if (sigaction(SIGINT, NULL, &old) || old.sa_handler != SIG_IGN)
		rc |= sigaction(SIGINT, &sa, NULL);
	rc |= sigaction(SIGTERM, &sa, NULL);
	return rc ? -1 : 0;
}

/**
 * run_signals_default() - SIGINT and SIGTERM kill at once again: called
 * once the first one was noticed, so any second one is not ignored
 */
void run_signals_default(void)
{
	struct sigaction old;

	if (!sigaction(SIGINT, NULL, &old) && old.sa_handler != SIG_IGN)
		signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/**
 * run_signal_name() - "SIGINT", "SIGTERM", ...
 * @sig:	signal number
 *
 * Return: static string
 */
const char *run_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" :
	       sig == SIGHUP ? "SIGHUP" : "a signal";
}

/* The capture reached --max-capture: the scenario ends with it as it is */
static void capture_full(void *opaque)
{
	struct sim *s = opaque;
	const struct run_env *env = &s->env;
	char size[32];

	if (!env->err[0]) {
		s->kept = true;		/* whole blocks: run.c analyses them */
		snprintf(env->err, env->err_len, "capture limit: capture.pcapng "
			 "reached %s at %.3f s simulated (--max-capture); kept up "
			 "to there", size_format(env->opts->max_capture, size,
						 sizeof(size)),
			 (double)(ns_loop_now(env->loop) - env->t0) / 1e9);
	}
	ns_loop_stop(env->loop);
}

/**
 * run_budgets_set() - the run's budgets and stop flag on a scenario
 * @s:		scenario being built (loop and capture open)
 * @o:		--max-capture, --max-wall, the stop flag
 */
void run_budgets_set(struct sim *s, const struct run_opts *o)
{
	sigset_t sigs;

	if (o->max_capture)
		ns_pcapng_set_limit(s->env.cap, o->max_capture, capture_full, s);
	if (o->max_wall_ns && ns_loop_clock(s->env.loop) == NS_CLOCK_VIRTUAL)
		ns_loop_set_wall_limit(s->env.loop, o->max_wall_ns);
	run_signals_set(&sigs);
	ns_loop_set_interrupt(s->env.loop, o->stop, &sigs);
}

/**
 * run_test_pause() - test hook: wait @o->pause_ns of real time, or until
 * asked to stop (only tests set KDH_TEST_PAUSE); ppoll() with SIGINT and
 * SIGTERM unblocked, so a signal ends the wait at once
 * @o:		pause_ns and the stop flag
 */
void run_test_pause(const struct run_opts *o)
{
	struct timespec now, end;
	sigset_t mask;

	if (!o->pause_ns)
		return;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, SIGINT);
	sigdelset(&mask, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)(o->pause_ns / NS_PER_S);
	end.tv_nsec += (long)(o->pause_ns % NS_PER_S);
	if (end.tv_nsec >= 1000000000L)
		end.tv_sec++, end.tv_nsec -= 1000000000L;
	while (!(o->stop && *o->stop)) {
		struct timespec left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0)
			left.tv_sec--, left.tv_nsec += 1000000000L;
		if (left.tv_sec < 0)
			return;
		ppoll(NULL, 0, &left, &mask);
	}
}
