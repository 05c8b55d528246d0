// SPDX-License-Identifier: GPL-2.0-or-later
/* run_outputs.c - `kdh run`'s output files (and `kdh report --html`'s),
 * checked before anything runs
 *
 * `--json DIR` used to run the whole suite and only then say it "could not
 * write every result file"; `--tap --json -` and `--json - --junit -`
 * interleaved two formats on one standard output.  Both are the command
 * line's fault, so they are refused up front with exit 2, before a
 * scenario starts.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "harness/run_outputs.h"
#include "harness/run_results.h"
#include "kdh/cli.h"

static bool is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

/**
 * output_file_check() - a file kdh will create or replace: not a
 * directory, in a directory that exists and can be written
 * @cmd:	the command, for messages
 * @opt:	its option ("--json")
 * @path:	the file; NULL or "-" (standard output) pass
 *
 * Return: 0, or KDH_EXIT_USAGE after the message
 */
int output_file_check(const struct kdh_cmd *cmd, const char *opt,
		      const char *path)
{
	struct stat st;
	char why[200], *dir;
	int rc = 0;

	if (!path || is_stdout(path))
		return 0;
	if (run_path_check(opt, path, why, sizeof(why)))	/* "", control chars */
		return cli_usage_error(cmd, "%s", why);
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return cli_usage_error(cmd, "%s: '%s' is a directory: name a file "
				       "in it", opt, path);
	dir = g_path_get_dirname(path);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		rc = cli_usage_error(cmd, "%s: '%s': no directory '%s' to write "
				     "it in", opt, path, dir);
	else if (access(dir, W_OK))
		rc = cli_usage_error(cmd, "%s: '%s': cannot write in '%s': %s",
				     opt, path, dir, strerror(errno));
	g_free(dir);
	return rc;
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
