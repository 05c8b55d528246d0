/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_priv.h - the runner's state, shared by run.c (the run -> judge ->
 * free sequence, the backends' callbacks), run_kd.c (what the debuggers
 * heard), run_stop.c (budgets and signals) and run_requires.c.  Not a
 * public header, and no backend's: they see the runner only through
 * run_backend.h. */
#ifndef KDH_RUN_PRIV_H
#define KDH_RUN_PRIV_H

#include <glib.h>

#include "harness/run/run_backend.h"
#include "kdh/run/run.h"
#include "netsim/pcapng.h"

#define SETTLE_GRACE	(5 * NS_PER_S)

/* The backends in use, in build order (run.c frees them in reverse) */
enum run_part { RUN_NET, RUN_SIM, RUN_QEMU, RUN_SERIAL, RUN_PARTS };

struct run_backend {
	const struct run_backend_ops *ops;
	void *b;			/* its state, NULL until built */
};

struct sim {
	struct run_env env;		/* the scenario, its options, result,
					   loop, capture, log, err and skip:
					   every backend is given it */
	char dir_buf[600];		/* env.dir: the scenario's results
					   directory, "" until it is made */
	char err_buf[300];		/* env.err's storage */
	char skip_buf[400];		/* env.skip's storage */
	struct run_backend be[RUN_PARTS];
	struct ns_timer *dbg_net_start;	/* [debugger] start: WinDbg opened */
	bool dbg_net_open;		/* network debugger listening */
	struct ns_timer *check;
	struct ns_timer *tick;		/* run_opts.tick, real clock only */
	uint64_t settled_at;
	uint64_t held_at;		/* a guest waits for good: a break
					   held, or kd = ack-only */
	bool kept;			/* err is a budget that kept the capture
					   readable: it is analysed */
};

/* run_kd.c */
void sim_kd_said(struct sim *s, const char *who, const struct kd_engine_out *o);
struct kd_engine_cfg sim_kd_cfg(const struct sim *s);

/* run_requires.c */
bool run_requires_unmet(const struct scenario *sc, const struct run_opts *o,
			char *why, size_t len);

/* run_stop.c */
void run_budgets_set(struct sim *s, const struct run_opts *o);
void run_test_pause(const struct run_opts *o);

#endif /* KDH_RUN_PRIV_H */
