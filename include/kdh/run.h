/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.h - running scenarios on the simulated network and judging them */
#ifndef KDH_RUN_H
#define KDH_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "kdh/accel.h"
#include "kdh/analyze.h"
#include "kdh/scenario.h"

/* V_INTERRUPTED: stopped by SIGINT/SIGTERM before it ended (kdh run was
 * interrupted); its files hold what happened up to then */
enum verdict { V_PASS, V_FAIL, V_SKIP, V_ERROR, V_INTERRUPTED, V_COUNT };

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
};

bool run_uses_bridge(const struct scenario *sc, const struct run_opts *o);

#define RUN_MAX_BANDS	5	/* figures compared with a baseline */
#define RUN_MAX_FINDINGS 8	/* reasons to fail kept per scenario */

/**
 * struct run_band - one figure of a VM against the baseline (kdh run
 * --baseline): what it was and the range its allowance gives
 * @key:	the figure's JSON name ("connect_time_s")
 * @was:	the baseline's value
 * @low, @high:	the allowed range; -INFINITY / INFINITY where the
 *		allowance does not bound it ("+20% or +2s" has no low)
 * @allowed:	the allowance as written ("+20% or +2s")
 * @regressed:	this run's value is outside, or vanished
 */
struct run_band {
	char key[24];
	double was, low, high;
	char allowed[48];
	bool regressed;
};

struct vm_result {
	char name[SC_NAME];
	struct an_vm_result m;
	bool measured;			/* the capture named this VM */
	char accel[8];			/* target = vm: "kvm" or "tcg" */
	char accel_why[200];		/* target = vm: what decided it */
	char failed[200];		/* target = vm: why QEMU failed */
	struct run_band bands[RUN_MAX_BANDS];
	size_t n_bands;
};

/**
 * struct run_finding - one reason a scenario failed, for reports that put
 * failures first: an [expect] line that did not hold, or a figure that
 * regressed from the baseline
 * @regression:	false: an expectation (@line is its line in the result's
 *		file); true: a baseline comparison (@line is the scenario's
 *		[thresholds] line for the figure, 0 for the default allowance)
 * @vm:		the VM it is about
 * @metric:	the expectation's metric ("connect_time") or the figure's
 *		JSON name ("connect_time_s")
 * @expected:	the expectation ("connect_time < 2s"), or the allowance
 * @got:	this run's value as text ("4.000s", "none", "key-mismatch")
 * @was:	a regression's baseline value ("" for an expectation)
 */
struct run_finding {
	bool regression;
	int line;
	char vm[SC_NAME];
	char metric[24];
	char expected[160];
	char got[48];
	char was[48];
};

/**
 * struct scenario_result - what one scenario gave
 * @reason:	first failed expectation, or why it was skipped / errored
 * @sim_s:	simulated seconds; @wall_s: real seconds it took
 */
struct scenario_result {
	unsigned index;			/* position in the unsharded suite */
	char name[64];
	char file[256];
	char description[256];		/* the scenario's description key */
	enum verdict verdict;
	char reason[400];
	unsigned failed;		/* expectations that failed */
	uint64_t seed;
	double sim_s, wall_s;
	struct vm_result vms[SC_MAX_VMS];
	size_t n_vms;
	char capture[512];
	uint64_t frames;
	struct run_finding findings[RUN_MAX_FINDINGS];	/* in the order found */
	size_t n_findings;
	bool unwritten;			/* a file of its results could not be
					   written (reason names it): the
					   run stops */
};

struct run_finding *run_finding_add(struct scenario_result *r);
bool run_config_why(const struct sc_vm *vm, char *buf, size_t len);

int run_scenario(const struct scenario *sc, const struct run_opts *o,
		 struct scenario_result *r);
const char *verdict_name(enum verdict v);
uint64_t run_scenario_seed(uint64_t run_seed, const struct scenario *sc);
int write_file_atomic(const char *path, const char *data, size_t len);
int rmtree(const char *dir);
void run_judge(const struct scenario *sc, struct scenario_result *r);
void run_metric_value(const struct an_vm_result *m, enum sc_metric k,
		      struct sc_value *v);
/* run_stop.c */
extern volatile sig_atomic_t run_stop_signal;
void run_signals_set(sigset_t *set);
int run_signals_install(bool once);
void run_signals_default(void);
const char *run_signal_name(int sig);

long run_pool(const struct scenario *sc, size_t n, const struct run_opts *o,
	      unsigned jobs, struct scenario_result *rs,
	      bool (*ready)(void *opaque, size_t i),
	      void (*progress)(void *opaque, size_t done,
			       const char *running), void *opaque);

#endif /* KDH_RUN_H */
