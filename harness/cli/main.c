// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - the `kdh` command line: dispatch to subcommands, global help
 *
 * Wing harness/cli/ (docs/development.md): dispatch only: main, the command
 *   table, help, man pages, completion.
 * Uses: cmd/, and through its table (commands.h) the commands of every
 *   wing below.
 * Used by: nothing of the others.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kdh-config.h"
#include "harness/cli/commands.h"
#include "kdh/cmd/cli.h"
#include "kdh/cli/man.h"

static const struct kdh_cmd *const commands[] = {
	&kdh_cmd_run,
	&kdh_cmd_list,
	&kdh_cmd_baseline,
	&kdh_cmd_report,
	&kdh_cmd_decode,
	&kdh_cmd_analyze,
	&kdh_cmd_check,
	&kdh_cmd_watch,
	&kdh_cmd_qemu_cmd,
	&kdh_cmd_listen,
	&kdh_cmd_net,
	&kdh_cmd_serial_link,
	&kdh_cmd_bench,
};
#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct kdh_cmd *command_find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* "no command 'rnu' (did you mean 'run'?)" */
static int no_command(const char *who, const char *name)
{
	const char *names[N_COMMANDS + 1], *s;

	for (size_t i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i]->name;
	names[N_COMMANDS] = "help";
	s = cli_suggest(name, names, N_COMMANDS + 1);
	if (s)
		fprintf(stderr, "%s: no command '%s' (did you mean '%s'?); see 'kdh "
			"--help'\n", who, name, s);
	else
		fprintf(stderr, "%s: no command '%s'; see 'kdh --help'\n", who, name);
	return KDH_EXIT_USAGE;
}

/* what kdh is: the head of `kdh --help` and kdh(1)'s DESCRIPTION */
static const char about[] =
"kdh reproduces and measures Windows network kernel debugging (KDNET) on\n"
"virtual networks: how long a guest takes until the debugger connects, the\n"
"~10 minute hang when the debug NIC waits for DHCP on a static-IP network,\n"
"which NIC busparams selects, and what Hyper-V enlightenments do to it.\n"
"Every figure is computed from captured frames.\n";

static void usage_print(FILE *out)
{
	fprintf(out,
"usage: kdh COMMAND [ARGS...]\n"
"       kdh help COMMAND | kdh --help | kdh --version\n"
"\n"
"%s\n"
"Commands:\n", about);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
"\n"
"Examples:\n"
"  kdh run                                          the built-in suite\n"
"  kdh decode capture.pcapng.gz --key 1.2.3.4      list KDNET packets\n"
"  kdh analyze capture.pcapng --key 1.2.3.4        connect time, DHCP phase\n"
"  kdh net --static --socket /tmp/kdh.sock         a network for a QEMU VM\n"
"  kdh watch 105 --bcdedit dbg.txt                 VM 105's boot, live\n"
"\n"
"An option that takes a value is given once: a second --seed (or any\n"
"other) is bad input, not an override.\n"
"\n"
"Exit status: 0 success, 1 what was measured failed, 2 bad input.\n"
"'kdh help COMMAND' explains a command, its output and its exit status.\n");
}

/*
 * Hidden, for the build and the shell: `kdh --man` is kdh(1) as roff,
 * `kdh --man NAME` kdh-NAME(1); `kdh --complete` lists the commands,
 * `kdh --complete NAME` the words completion offers after `kdh NAME`.
 */
static int generated_print(const char *what, const char *name)
{
	const struct kdh_cmd *cmd = NULL;

	if (name) {
		cmd = command_find(name);
		if (!cmd)
			return no_command(!strcmp(what, "--man") ? "kdh --man" :
					  "kdh --complete", name);
	}
	if (!strcmp(what, "--man")) {
		if (cmd)
			man_cmd_print(stdout, cmd, KDH_VERSION);
		else
			man_index_print(stdout, commands, N_COMMANDS, about,
					KDH_VERSION);
	} else if (cmd) {
		complete_cmd_print(stdout, cmd);
	} else {
		for (size_t i = 0; i < N_COMMANDS; i++)
			printf("%s\n", commands[i]->name);
		printf("help\n");
	}
	return fflush(stdout) ? KDH_EXIT_FAIL : KDH_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct kdh_cmd *cmd;

	if (argc < 2) {
		usage_print(stderr);
		return KDH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_print(stdout);
		return KDH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("kdh %s\n", KDH_VERSION);
		return KDH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--man") || !strcmp(argv[1], "--complete"))
		return generated_print(argv[1], argc > 2 ? argv[2] : NULL);
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage_print(stdout);
			return KDH_EXIT_OK;
		}
		if (!strcmp(argv[2], "help")) {
			printf("usage: kdh help COMMAND\n\nPrints what COMMAND does, its "
			       "options, its output and its exit status (the same as "
			       "'kdh COMMAND --help').\n'kdh --help' lists the "
			       "commands.\n");
			return KDH_EXIT_OK;
		}
		cmd = command_find(argv[2]);
		if (!cmd)
			return no_command("kdh help", argv[2]);
		cli_help_print(cmd);
		return KDH_EXIT_OK;
	}
	cmd = command_find(argv[1]);
	if (!cmd)
		return no_command("kdh", argv[1]);
	opterr = 0;	/* one message per bad option: cli_bad_option()'s */
	return cmd->run(argc - 1, argv + 1);
}
