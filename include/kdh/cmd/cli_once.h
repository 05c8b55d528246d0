/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_once.h - an option that takes a value, given once */
#ifndef KDH_CLI_ONCE_H
#define KDH_CLI_ONCE_H

#include <getopt.h>
#include <stdint.h>

struct kdh_cmd;

/**
 * struct cli_once - which options a command line has given so far
 * @seen:	one bit per getopt_long() return value (0-255)
 */
struct cli_once {
	uint64_t seen[4];
};

int cli_once(const struct kdh_cmd *cmd, struct cli_once *o, int opt,
	     const struct option *opts, const char *shorts);

#endif /* KDH_CLI_ONCE_H */
