// SPDX-License-Identifier: GPL-2.0-or-later
/* run_args.c - `kdh run`'s options, parsed and checked (run_cmd.c runs them)
 *
 * Every value is checked here, before anything is loaded or run: a bad
 * one is the command's usage error (exit 2) naming the option and what it
 * takes; `--shard auto` reads the CI engine's variables (shard_auto.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/run_args.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/result/result.h"
#include "kdh/run/run.h"
#include "kdh/util/size.h"
#include "netsim/duration.h"
#include "netsim/topo.h"
#include "netsim/value.h"

/* The options that bound the run (-j, --max-*, --retries, --flaky,
 * --sample): 0 taken, an exit status for a bad value, -1 not one of them */
static int limit_option(const struct kdh_cmd *cmd, int opt, struct run_args *a)
{
	switch (opt) {
	case 'j': {	/* value_uint(): no blank, sign or wrap */
		uint64_t v;

		if (value_uint(optarg, 1, 64, &v))
			return cli_usage_error(cmd, "-j: '%s' is not 1-64", optarg);
		a->jobs = (unsigned)v;
		break;
	}
	case 'C':
		if (size_parse(optarg, &a->max_capture))
			return cli_usage_error(cmd, "--max-capture: '%s' is not "
					       "a size (4096, 64K, 256M, 1G; 0: "
					       "no limit)", optarg);
		break;
	case 'W':	/* 0 (or 0s): no limit */
		if (strcmp(optarg, "0") &&
		    cli_duration_parse(cmd, "--max-wall", optarg, 0, NULL,
				       &a->max_wall_ns))
			return KDH_EXIT_USAGE;
		if (!strcmp(optarg, "0"))
			a->max_wall_ns = 0;
		break;
	case 'R': {
		uint64_t v;

		if (value_uint(optarg, 0, RUN_MAX_RETRIES, &v))
			return cli_usage_error(cmd, "--retries: '%s' is not "
					       "0-%d", optarg, RUN_MAX_RETRIES);
		a->retries = (unsigned)v;
		break;
	}
	case 'F':
		if (strcmp(optarg, "pass") && strcmp(optarg, "fail"))
			return cli_usage_error(cmd, "--flaky: '%s' is not pass "
					       "or fail", optarg);
		a->flaky_fails = !strcmp(optarg, "fail");
		break;
	case 'X':
		if (max_cells_parse(optarg, &a->sel.max_cells))
			return cli_usage_error(cmd, "--max-cells: '%s' is not "
					       MAX_CELLS_RANGE, optarg);
		break;
	case 'N':
		if (sample_parse(optarg, &a->sel.sample))
			return cli_usage_error(cmd, "--sample: '%s' is not "
					       "a count of cells from 1",
					       optarg);
		break;
	default:
		return -1;
	}
	return 0;
}

/**
 * run_args_parse() - kdh run's command line into @a
 * @cmd:	kdh_cmd_run, for its messages
 * @argc:	as main's
 * @argv:	as main's; optind is left at the first PATH
 * @a:		output (zeroed by the caller)
 *
 * Return: 0, CLI_HELP_SHOWN after --help, else the exit status of a bad
 * option (said on stderr)
 */
int run_args_parse(const struct kdh_cmd *cmd, int argc, char **argv,
		   struct run_args *a)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "seed", required_argument, NULL, 's' },
		{ "results", required_argument, NULL, 'r' },
		{ "json", required_argument, NULL, 'O' },
		{ "junit", required_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 't' },
		{ "validate", no_argument, NULL, 'V' },
		{ "max-cells", required_argument, NULL, 'X' },
		{ "sample", required_argument, NULL, 'N' },
		{ "all", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "backend", required_argument, NULL, 'K' },
		{ "max-capture", required_argument, NULL, 'C' },
		{ "max-wall", required_argument, NULL, 'W' },
		{ "retries", required_argument, NULL, 'R' },
		{ "flaky", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_once once = { 0 };
	int opt;

	optind = 1;
	a->jobs = 1;
	a->max_capture = RUN_MAX_CAPTURE_DEFAULT;
	a->max_wall_ns = RUN_MAX_WALL_DEFAULT;
	while ((opt = getopt_long(argc, argv, "g:s:r:J:tVhj:", opts, NULL)) != -1) {
		if (cli_once(cmd, &once, opt, opts, "g:s:r:J:tVhj:"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'S': {	/* auto: the CI engine's variables (shard_auto.c) */
			char err[600];

			if (shard_option(optarg, (const char *const *)environ,
					 &a->shard, err, sizeof(err)))
				return strcmp(optarg, "auto") ?
				       cli_usage_error(cmd, "%s", err) :
				       cli_error(cmd, KDH_EXIT_USAGE, "%s", err);
			a->sel.shard = a->shard.k;
			a->sel.shards = a->shard.n;
			break;
		}
		case 'g': a->sel.group = optarg; break;
		case 'r': a->results = optarg; break;
		case 'O': a->json = optarg; break;
		case 'B': a->baseline = optarg; break;
		case 'K':
			if (strcmp(optarg, "user") && strcmp(optarg, "bridge"))
				return cli_usage_error(cmd, "--backend: '%s' is not user "
						       "or bridge", optarg);
			if (!strcmp(optarg, "bridge") && !ns_topo_can_admin())
				return cli_error(cmd, KDH_EXIT_USAGE, "--backend bridge "
					"needs root or CAP_NET_ADMIN: it builds bridges "
					"and taps in a network namespace of its own");
			a->backend = optarg;
			break;
		case 'J': a->junit = optarg; break;
		case 't': a->tap = true; break;
		case 'V': a->validate = true; break;
		case 'a': a->sel.all = true; break;
		case 'h': cli_help_print(cmd); return CLI_HELP_SHOWN;
		case 's':	/* the scenarios' seed key reads the same */
			if (cli_seed_parse(optarg, &a->seed))
				return cli_usage_error(cmd, "--seed: '%s' is not a "
						       "number from 0 to "
						       "18446744073709551615 (or 0x-hex)",
						       optarg);
			a->seeded = true;
			break;
		default: {
			int rc = limit_option(cmd, opt, a);

			if (rc)
				return rc < 0 ? cli_bad_option(cmd, argv) : rc;
			break;
		}
		}
	}
	return 0;
}

