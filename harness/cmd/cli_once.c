// SPDX-License-Identifier: GPL-2.0-or-later
/* cli_once.c - an option that takes a value is given once
 *
 * getopt_long() lets the last of `--seed 1 --seed 2` win, and so did every
 * kdh command: `kdh check --bcdedit a.txt --bcdedit b.txt` read b.txt
 * without a word, `--results A --results B` wrote into B.  A repeated
 * option is most often an edited command line whose old value was
 * forgotten; which value was meant is the user's to say, so a value option
 * given twice is a usage error.  Flags (--tap, -v) may repeat: repeating
 * one changes nothing.  Options that are lists (-d/--device of `kdh net`)
 * are not passed through here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"

/* the option's name as the user wrote it: --long, or -c for a short-only one */
static void opt_name(int opt, const struct option *opts, char *buf, size_t len)
{
	for (const struct option *o = opts; o && o->name; o++)
		if (!o->flag && o->val == opt) {
			snprintf(buf, len, "--%s", o->name);
			return;
		}
	snprintf(buf, len, "-%c", opt);
}

/* does @opt take a value, per the long table or the short string */
static bool takes_value(int opt, const struct option *opts, const char *shorts)
{
	const char *c;

	for (const struct option *o = opts; o && o->name; o++)
		if (!o->flag && o->val == opt)
			return o->has_arg == required_argument;
	c = opt > 0 && opt < 256 ? strchr(shorts, opt) : NULL;
	return c && c[1] == ':';
}

/**
 * cli_once() - refuse a value option given a second time
 * @cmd:	the command, for the message
 * @o:		what was seen so far (zeroed before the getopt_long() loop)
 * @opt:	getopt_long()'s return value
 * @opts:	the command's long options
 * @shorts:	its short option string
 *
 * Return: 0, or KDH_EXIT_USAGE after printing "--X given twice"
 */
int cli_once(const struct kdh_cmd *cmd, struct cli_once *o, int opt,
	     const struct option *opts, const char *shorts)
{
	char name[64];
	uint64_t bit;

	if (opt < 0 || opt > 255 || !takes_value(opt, opts, shorts))
		return 0;
	bit = UINT64_C(1) << (opt & 63);
	if (!(o->seen[opt >> 6] & bit)) {
		o->seen[opt >> 6] |= bit;
		return 0;
	}
	opt_name(opt, opts, name, sizeof(name));
	return cli_usage_error(cmd, "%s given twice: which value is meant? "
			       "(give it once)", name);
}
