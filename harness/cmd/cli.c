// SPDX-License-Identifier: GPL-2.0-or-later
/* cli.c - helpers shared by the `kdh` subcommands: errors, common options,
 * output paths checked before anything runs
 *
 * Wing harness/cmd/ (docs/development.md): the frame every subcommand uses:
 *   struct kdh_cmd, exit codes, option helpers.
 * Uses: netsim/, kdnet/.
 * Used by: analyze/, platform/, debugger/, scenario/, report/, run/,
 *   watch/, bench/, cli/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/random.h>
#include <time.h>

#include <glib.h>

#include "netsim/capfile.h"
#include "netsim/duration.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "netsim/value.h"
#include "netsim/loop.h"

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
	uint64_t v;

	if (value_uint(s, 1, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/**
 * cli_seed_parse() - a run's seed, decimal or 0x-hex, 64 bits
 * @s:		text
 * @seed:	output
 *
 * Return: 0, or -EINVAL (a sign, a blank, a wrap past 2^64 - 1)
 */
int cli_seed_parse(const char *s, uint64_t *seed)
{
	uint64_t v = 0;

	if (strncmp(s, "0x", 2) && strncmp(s, "0X", 2))
		return value_uint(s, 0, UINT64_MAX, seed) ? -EINVAL : 0;
	s += 2;
	if (!*s || strlen(s) > 16 || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return -EINVAL;
	for (; *s; s++)
		v = v << 4 | (uint64_t)g_ascii_xdigit_value(*s);
	*seed = v;
	return 0;
}

/**
 * cli_duration_parse() - a duration option, read as files read durations
 * @cmd:	the subcommand (for the message)
 * @opt:	the option, "--for"
 * @s:		its text
 * @min_ns:	the shortest it takes (0: a zero duration is taken too)
 * @why_min:	said after "is below MIN" ("" or ", the least ..."), or NULL
 * @out:	output
 *
 * The grammar, the 292-year ceiling and the wording are duration.c's, the
 * same as for a scenario's timeout: "--for: '1e9s' is not a duration:
 * 'e9s' is not a unit (h, m, s, ms, us, ns)", "--for: '3000000h' is too
 * long: at most 292 years (2562047h)".
 *
 * Return: 0, or KDH_EXIT_USAGE after printing what is wrong
 */
int cli_duration_parse(const struct kdh_cmd *cmd, const char *opt,
		       const char *s, uint64_t min_ns, const char *why_min,
		       uint64_t *out)
{
	char err[300], min[24];

	if (duration_key_parse(opt, s, out, err, sizeof(err)))
		return cli_usage_error(cmd, "%s", err);
	if (*out >= min_ns)
		return 0;
	if (min_ns == 1)
		return cli_usage_error(cmd, "%s: '%s' is not a duration longer "
				       "than 0s", opt, s);
	return cli_usage_error(cmd, "%s: '%s' is below %s%s", opt, s,
			       duration_format(min_ns, min, sizeof(min)),
			       why_min ? why_min : "");
}

/**
 * cli_seed_random() - a fresh seed for a run that was not given one
 *
 * Return: 48 random bits (short enough to retype)
 */
uint64_t cli_seed_random(void)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull;
	return v & 0xffffffffffffull;
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

/**
 * cli_capture_args_parse() - FILE --key KEY [--port N] [--json] [--help]
 * @cmd:	the subcommand (for messages and --help)
 * @argc:	argument count, argv[0] being the command name
 * @argv:	arguments
 * @a:		filled on success (its key_optional is read first)
 *
 * Return: 0, CLI_HELP_SHOWN after printing --help, or KDH_EXIT_USAGE after
 * printing what is wrong
 */
int cli_capture_args_parse(const struct kdh_cmd *cmd, int argc, char **argv,
			   struct cli_capture_args *a)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "port", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "write-decrypted", required_argument, NULL, 'w' },
		{ "keep-duplicates", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *key_str = NULL;
	struct cli_once once = { 0 };
	int opt;

	*a = (struct cli_capture_args){ .key_optional = a->key_optional,
					.can_write = a->can_write,
					.can_keep = a->can_keep };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:p:jh", opts, NULL)) != -1) {
		if (cli_once(cmd, &once, opt, opts, "k:p:jh"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'k': key_str = optarg; break;
		case 'j': a->json = true; break;
		case 'K':
			if (!a->can_keep)
				return cli_bad_option(cmd, argv);
			a->keep_duplicates = true;
			break;
		case 'w':
			if (!a->can_write)
				return cli_bad_option(cmd, argv);
			a->write_decrypted = optarg;
			break;
		case 'h': cli_help_print(cmd); return CLI_HELP_SHOWN;
		case 'p':
			if (cli_port_parse(optarg, &a->port))
				return cli_usage_error(cmd,
					"--port: '%s' is not a port (1-65535)", optarg);
			break;
		default:
			return cli_bad_option(cmd, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cmd, "expected one capture FILE");
	a->file = argv[optind];
	a->has_key = key_str != NULL;
	if (!key_str && a->key_optional)
		return 0;
	return cli_key_parse(cmd, key_str, a->key);
}

static void signal_io(void *opaque, int fd, short revents)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si))
		fprintf(stderr, "kdh: %s: stopping\n", strsignal((int)si.ssi_signo));
	ns_loop_stop(opaque);
}

/**
 * cli_stop_on_signals() - SIGINT, SIGTERM and SIGHUP stop @l's run
 * (through a signalfd, so the loop ends normally and files get completed:
 * a closed terminal is a stop like Ctrl-C, not the loss of the capture)
 * @l:		real-clock loop
 *
 * Return: the signalfd (close it after the run), or -1
 */
int cli_stop_on_signals(struct ns_loop *l)
{
	sigset_t sigs;
	int fd;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd >= 0 && ns_loop_add_fd(l, fd, POLLIN, signal_io, l, "signals")) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * cli_wall_offset_ns() - wall clock minus the monotonic clock, so captures
 * of real-time runs carry dates Wireshark shows
 *
 * Return: nanoseconds to add to loop time
 */
uint64_t cli_wall_offset_ns(void)
{
	struct timespec rt, mt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	return ((uint64_t)rt.tv_sec - (uint64_t)mt.tv_sec) * 1000000000u +
	       (uint64_t)rt.tv_nsec - (uint64_t)mt.tv_nsec;
}

/**
 * cli_capture_open() - open a capture file for a command, saying why not
 * @cmd:	the subcommand (for the message)
 * @file:	the capture
 *
 * Return: reader, or NULL after printing "kdh CMD: FILE: reason"
 */
struct capfile *cli_capture_open(const struct kdh_cmd *cmd, const char *file)
{
	char err[256];
	struct capfile *cf = capfile_open(file, err, sizeof(err));

	if (!cf)
		cli_error(cmd, KDH_EXIT_USAGE, "%s: %s", file, err);
	return cf;
}

/**
 * cli_capture_warn() - say that a damaged capture was read up to the damage
 * @cmd:	the subcommand
 * @file:	the capture
 * @cf:		its reader, at its end
 */
void cli_capture_warn(const struct kdh_cmd *cmd, const char *file,
		      const struct capfile *cf)
{
	uint64_t skipped = capfile_skipped(cf);

	if (skipped)
		fprintf(stderr, "kdh %s: warning: %s: %llu packet%s on an undeclared "
			"pcapng interface skipped\n", cmd->name, file,
			(unsigned long long)skipped, skipped == 1 ? "" : "s");
	if (capfile_warning(cf))
		fprintf(stderr, "kdh %s: warning: %s: %s; read the %llu frames "
			"before it\n", cmd->name, file, capfile_warning(cf),
			(unsigned long long)capfile_frames(cf));
}

/**
 * cli_path_check() - refuse an output path that cannot be meant: empty (it
 * would write relative to the filesystem's root or the working directory
 * without saying so) or holding a control character (a newline or escape
 * pasted into it)
 * @opt:	the option, for the message ("--results")
 * @path:	the path as given
 * @err:	"OPT: what is wrong" on failure
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int cli_path_check(const char *opt, const char *path, char *err, size_t errlen)
{
	if (!*path) {
		snprintf(err, errlen, "%s: the path is empty; give a directory or "
			 "file name", opt);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s: the path has a control character "
				 "(byte 0x%02x at offset %zu); give a plain name", opt,
				 *p, (size_t)(p - (const unsigned char *)path));
			return -1;
		}
	return 0;
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

	if (!path || !strcmp(path, "-"))	/* standard output */
		return 0;
	if (cli_path_check(opt, path, why, sizeof(why)))	/* "", control chars */
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
