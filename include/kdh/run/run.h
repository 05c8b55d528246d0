/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.h - running scenarios on the simulated network; what they give is
 * the results model of result.h */
#ifndef KDH_RUN_H
#define KDH_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "kdh/run/accel.h"
#include "kdh/result/result.h"
#include "kdh/scenario/scenario.h"

/* Default budgets of a scenario (kdh run --max-capture, --max-wall) */
#define RUN_MAX_CAPTURE_DEFAULT	(256ull << 20)	/* bytes of capture.pcapng */
#define RUN_MAX_WALL_DEFAULT	(60 * 1000000000ull) /* ns, virtual time only */

/**
 * struct run_opts - how to run
 * @seed:	the run's seed; each scenario derives its own from it and its
 *		name, so results do not depend on order or sharding
 * @results_dir: where <scenario>/{capture.pcapng,result.json,target.log}
 *		go; must exist
 * @backend:	"bridge" or "user" for every scenario (--backend), NULL to
 *		let each scenario's backend key decide (default user)
 * @max_capture: bytes a capture may reach; the scenario then ends as ERROR
 *		with the capture kept up to there; 0: no limit
 * @max_wall_ns: real time a virtual-clock scenario may take (ERROR past
 *		it); 0: no limit.  Real-time scenarios have their timeout.
 * @stop:	non-zero asks every scenario to stop (a signal's number, set
 *		by run_signals_install()'s handler); NULL: never
 * @stop_by_signals: @stop is run_stop_signal: -j N children install the
 *		handler again, and once a stop is noticed a second signal
 *		kills kdh at once (run_signals_default())
 * @accel:	the run's KVM probe answers (accel_cache_from_env()), shared
 *		by its scenarios; NULL: each VM probes on its own
 * @tick:	called about once a second of real time while a real-clock
 *		scenario (QEMU, bridges) runs, with @tick_opaque; NULL: never
 *		(run_pool() sets it for the scenarios it runs in-process)
 * @pause_ns:	test hook (KDH_TEST_PAUSE): real time each scenario waits,
 *		interruptibly, before its loop runs, so tests can signal a
 *		run of quick simulated scenarios part way; 0 normally
 * @attempt:	0 or 1: the first attempt; K > 1: a retry (kdh run
 *		--retries), its seed mixed with K (run_attempt_seed()) and
 *		its results in NAME/attempt-K/ (run_result_dir())
 */
struct run_opts {
	uint64_t seed;
	const char *results_dir;
	const char *backend;
	uint64_t max_capture;
	uint64_t max_wall_ns;
	const volatile sig_atomic_t *stop;
	bool stop_by_signals;
	struct accel_cache *accel;
	void (*tick)(void *opaque);
	void *tick_opaque;
	uint64_t pause_ns;
	unsigned attempt;
};

bool run_uses_bridge(const struct scenario *sc, const struct run_opts *o);

int run_scenario(const struct scenario *sc, const struct run_opts *o,
		 struct scenario_result *r);
void run_result_head(const struct scenario *sc, struct scenario_result *r);
uint64_t run_scenario_seed(uint64_t run_seed, const struct scenario *sc);
uint64_t run_attempt_seed(uint64_t seed, unsigned attempt);
void run_result_dir(const char *results_dir, const char *name,
		    unsigned attempt, char *buf, size_t len);
/* run_stop.c */
extern volatile sig_atomic_t run_stop_signal;
void run_signals_set(sigset_t *set);
int run_signals_install(bool once);
void run_signals_default(void);
const char *run_signal_name(int sig);

/*
 * struct run_source - the scenarios a pool runs, got one at a time: a
 * matrix's cells are parsed when they start, not held (~200 KB each)
 * @n:		how many
 * @get:	fill @sc with the @i-th; -1 with @err set when it cannot
 * @ctx:	for @get
 */
struct run_source {
	size_t n;
	int (*get)(void *ctx, size_t i, struct scenario *sc, char *err,
		   size_t errlen);
	void *ctx;
};

long run_pool(const struct run_source *src, const struct run_opts *o,
	      unsigned jobs, struct scenario_result *rs,
	      bool (*ready)(void *opaque, size_t i),
	      void (*progress)(void *opaque, size_t done,
			       const char *running), void *opaque);

#endif /* KDH_RUN_H */
