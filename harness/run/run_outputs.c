// SPDX-License-Identifier: GPL-2.0-or-later
/* run_outputs.c - `kdh run`'s output files, checked before anything runs
 * (each file on its own by cli.c's output_file_check(), which `kdh report
 * --html` uses too)
 *
 * `--json DIR` used to run the whole suite and only then say it "could not
 * write every result file"; `--tap --json -` and `--json - --junit -`
 * interleaved two formats on one standard output.  Both are the command
 * line's fault, so they are refused up front with exit 2, before a
 * scenario starts.
 */
#include <stdbool.h>
#include <string.h>

#include "harness/run/run_outputs.h"
#include "kdh/cmd/cli.h"

static bool is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

/**
 * run_outputs_check() - refuse output options that cannot all be written
 * @cmd:	the command, for messages
 * @json:	--json FILE or NULL
 * @junit:	--junit FILE or NULL
 * @tap:	--tap (TAP on standard output)
 *
 * Return: 0, or KDH_EXIT_USAGE after the message
 */
int run_outputs_check(const struct kdh_cmd *cmd, const char *json,
		      const char *junit, bool tap)
{
	if (is_stdout(json) && is_stdout(junit))
		return cli_usage_error(cmd, "--json - and --junit - would both "
				       "write to standard output: send one to "
				       "a file");
	if (tap && (is_stdout(json) || is_stdout(junit)))
		return cli_usage_error(cmd, "--tap and --%s - would both write to "
				       "standard output: send the %s to a file",
				       is_stdout(json) ? "json" : "junit",
				       is_stdout(json) ? "JSON" : "JUnit XML");
	if (output_file_check(cmd, "--json", json) ||
	    output_file_check(cmd, "--junit", junit))
		return KDH_EXIT_USAGE;
	return 0;
}
