/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_args.h - kdh run's options (run_args.c).  Not a public header. */
#ifndef KDH_RUN_ARGS_H
#define KDH_RUN_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/run/run_suite.h"
#include "kdh/run/shard_auto.h"

struct kdh_cmd;

/* kdh run's command line, checked (run_args_parse()) */
struct run_args {
	struct suite_sel sel;		/* -g, --all, --shard */
	struct shard_pick shard;	/* --shard K/N or auto, and its source */
	const char *results, *json, *junit;
	int data_fd;		/* --json - / --junit -: the real stdout */
	uint64_t seed;
	bool seeded, tap, validate;
	unsigned jobs;
	const char *baseline;
	const char *backend;		/* --backend, NULL: each scenario's */
	uint64_t max_capture;		/* --max-capture, bytes; 0: none */
	uint64_t max_wall_ns;		/* --max-wall; 0: none */
	unsigned retries;		/* --retries N; 0: none */
	bool flaky_fails;		/* --flaky=fail */
};

int run_args_parse(const struct kdh_cmd *cmd, int argc, char **argv,
		   struct run_args *a);

#endif /* KDH_RUN_ARGS_H */
