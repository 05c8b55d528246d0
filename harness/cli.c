/* cli.c - helpers shared by the `kdh` subcommands: errors, common options */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kdh/cli.h"

static void vmsg(const struct kdh_cmd *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "kdh %s: ", cmd->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * cli_usage_error() - report a usage error
 * @cmd:	the subcommand
 * @fmt:	what is wrong
 *
 * Return: KDH_EXIT_USAGE, for `return cli_usage_error(...)`
 */
int cli_usage_error(const struct kdh_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s\nTry 'kdh help %s' for more.\n", cmd->usage,
		cmd->name);
	return KDH_EXIT_USAGE;
}

/**
 * cli_error() - report an error that is not about usage
 * @cmd:	the subcommand
 * @status:	exit status to return
 * @fmt:	message
 *
 * Return: @status
 */
int cli_error(const struct kdh_cmd *cmd, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return status;
}

/**
 * cli_port_parse() - a UDP port number, 1..65535
 * @s:		text
 * @port:	output
 *
 * Return: 0, or -EINVAL
 */
int cli_port_parse(const char *s, uint16_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/**
 * cli_key_parse() - parse --key, printing the reason when it is bad
 * @cmd:	the subcommand (for the message)
 * @s:		key string, may be NULL when --key was not given
 * @key:	output
 *
 * Return: 0, or KDH_EXIT_USAGE after printing why
 */
int cli_key_parse(const struct kdh_cmd *cmd, const char *s,
		  uint8_t key[KDNET_KEY_LEN])
{
	char err[160];

	if (!s)
		return cli_usage_error(cmd, "--key KEY is required (the key of "
				       "bcdedit /dbgsettings, e.g. 1.2.3.4)");
	if (kdnet_key_parse(s, key, err, sizeof(err)))
		return cli_error(cmd, KDH_EXIT_USAGE, "bad key '%s': %s", s, err);
	return 0;
}

/**
 * cli_help_print() - the whole help of a subcommand, on stdout
 * @cmd:	the subcommand
 */
void cli_help_print(const struct kdh_cmd *cmd)
{
	printf("usage: %s\n\n%s\n\n%s", cmd->usage, cmd->summary, cmd->help);
}
