/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h - the `kdh` subcommands and the helpers they share
 *
 * Each subcommand lives in its own file and exports one struct kdh_cmd; main.c
 * only dispatches (harness/cli/commands.h lists them).  Exit statuses are the same everywhere:
 *   0  success / every check passed
 *   1  the thing measured failed (nothing verified, a scenario failed)
 *   2  bad input: usage, unreadable file, bad key
 */
#ifndef KDH_CLI_H
#define KDH_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "kdh/kdnet/kdnet.h"

#define KDH_EXIT_OK	0
#define KDH_EXIT_FAIL	1
#define KDH_EXIT_USAGE	2

/**
 * struct kdh_cmd - one subcommand
 * @name:	word after `kdh`
 * @summary:	one line for `kdh --help`
 * @usage:	synopsis line(s)
 * @help:	the rest of `kdh help NAME`: options, output, exit status, examples
 * @run:	entry point; argv[0] is the command name
 */
struct kdh_cmd {
	const char *name;
	const char *summary;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv);
};

size_t cli_distance(const char *a, const char *b);
const char *cli_suggest(const char *word, const char *const *choices, size_t n);
int cli_bad_option(const struct kdh_cmd *cmd, char **argv);
int cli_usage_error(const struct kdh_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_error(const struct kdh_cmd *cmd, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_port_parse(const char *s, uint16_t *port);
int cli_seed_parse(const char *s, uint64_t *seed);
int cli_duration_parse(const struct kdh_cmd *cmd, const char *opt,
		       const char *s, uint64_t min_ns, const char *why_min,
		       uint64_t *out);
struct ns_loop;
int cli_stop_on_signals(struct ns_loop *l);
uint64_t cli_wall_offset_ns(void);
struct capfile;
struct capfile *cli_capture_open(const struct kdh_cmd *cmd, const char *file);
void cli_capture_warn(const struct kdh_cmd *cmd, const char *file,
		      const struct capfile *cf);
uint64_t cli_seed_random(void);
int cli_key_parse(const struct kdh_cmd *cmd, const char *s,
		  uint8_t key[KDNET_KEY_LEN]);
void cli_help_print(const struct kdh_cmd *cmd);
int cli_path_check(const char *opt, const char *path, char *err,
		   size_t errlen);
int output_file_check(const struct kdh_cmd *cmd, const char *opt,
		      const char *path);

/**
 * struct cli_capture_args - the options of the commands that read a capture
 * @file:	the capture
 * @key:	K from --key
 * @port:	--port, 0 for any
 * @json:	--json
 * @key_optional: set by the caller: --key may be left out
 * @has_key:	--key was given
 * @can_write:	set by the caller: --write-decrypted is an option
 * @write_decrypted: its file, NULL when not given
 * @can_keep:	set by the caller: --keep-duplicates is an option
 * @keep_duplicates: --keep-duplicates
 */
struct cli_capture_args {
	const char *file;
	uint8_t key[KDNET_KEY_LEN];
	uint16_t port;
	bool json;
	bool key_optional, has_key;
	bool can_write;
	const char *write_decrypted;
	bool can_keep, keep_duplicates;
};

#define CLI_HELP_SHOWN	(-1)	/* --help printed: exit 0 */

int cli_capture_args_parse(const struct kdh_cmd *cmd, int argc, char **argv,
			   struct cli_capture_args *a);

#endif /* KDH_CLI_H */
