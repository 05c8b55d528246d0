/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_worker.h - the processes of `kdh run -j N` (run_worker.c), driven by
 * run_pool.c.  Not a public header. */
#ifndef KDH_RUN_WORKER_H
#define KDH_RUN_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kdh/run/run.h"

/**
 * struct slot - one of the -j N places a scenario runs in
 * @pid:	its process, 0 for none
 * @fd:		the parent's end: a fresh child's result pipe, or a worker's
 *		socket (indexes out, results in)
 * @worker:	a long-lived worker (simulated scenarios, one after another),
 *		else a fresh child that runs one scenario and exits
 * @busy:	running a scenario
 * @index:	which one
 * @started:	when (CLOCK_MONOTONIC seconds)
 * @head:	its identity, for a process that dies
 */
struct slot {
	pid_t pid;
	int fd;
	bool worker;
	bool busy;
	size_t index;
	double started;
	struct scenario_result head;
};

/**
 * struct slots - every slot of a pool, for a new process to close the
 * others' ends (a worker waits for the end of its socket)
 * @s:		the slots
 * @n:		how many
 */
struct slots {
	struct slot *s;
	size_t n;
};

bool run_isolated(const struct scenario *sc, const struct run_opts *o);
void slot_get_failed(struct scenario_result *r, size_t i, const char *err);
int slot_fork_child(struct slot *c, const struct slots *all,
		    const struct scenario *sc, const struct run_opts *o);
int slot_fork_worker(struct slot *w, const struct slots *all,
		     const struct run_source *src, struct scenario *scratch,
		     const struct run_opts *o);
int slot_send(struct slot *w, size_t i);
void slot_collect(struct slot *c, struct scenario_result *rs);
void slot_close(struct slot *c);

#endif /* KDH_RUN_WORKER_H */
