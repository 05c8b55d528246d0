// SPDX-License-Identifier: GPL-2.0-or-later
/* suggest.c - "did you mean ...?" for mistyped commands and options
 *
 * The distance is Damerau-Levenshtein (a swap of two neighbours costs one:
 * "rnu" is one step from "run"); a suggestion is made when the best choice
 * is at most 2 steps away and nearer than any other, or when the word is a
 * known spelling of a command ("analyse").
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/cmd/cli.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/**
 * cli_distance() - edit distance with adjacent swaps
 * @a, @b:	words (at most 63 characters are compared)
 *
 * Return: the number of insertions, deletions, substitutions and swaps
 */
size_t cli_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, 63), lb = strnlen(b, 63), d[64][64];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

/**
 * cli_suggest() - the choice @word was probably meant to be
 * @word:	what the user typed
 * @choices:	the valid words
 * @n:		their count
 *
 * Return: one of @choices, or NULL when none is close enough
 */
const char *cli_suggest(const char *word, const char *const *choices, size_t n)
{
	static const struct { const char *typed, *meant; } spellings[] = {
		{ "analyse", "analyze" }, { "serial_link", "serial-link" },
		{ "qemu_cmd", "qemu-cmd" }, { "qemucmd", "qemu-cmd" },
	};
	const char *best = NULL;
	size_t best_d = 3, ties = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(spellings); i++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(word, spellings[i].typed) &&
			    !strcmp(choices[j], spellings[i].meant))
				return choices[j];
	for (size_t i = 0; i < n; i++) {
		size_t d = cli_distance(word, choices[i]);

		if (d < best_d) {
			best_d = d;
			best = choices[i];
			ties = 0;
		} else if (d == best_d) {
			ties++;
		}
	}
	return ties || best_d > 2 || best_d >= strlen(word) ? NULL : best;
}

/* The --long options a usage line names */
static size_t usage_options(const char *usage, char (*out)[32], size_t max)
{
	size_t n = 0;

	for (const char *p = strstr(usage, "--"); p && n < max; p = strstr(p + 2, "--")) {
		size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");

		if (len && len < 30)
			snprintf(out[n++], 32, "--%.*s", (int)len, p + 2);
	}
	return n;
}

/**
 * cli_bad_option() - the one message for an option getopt_long() refused
 * (opterr is 0, so getopt printed nothing): what was wrong, a suggestion
 * from the command's usage line, the usage
 * @cmd:	the subcommand
 * @argv:	its arguments (optind points past the bad word)
 *
 * Return: KDH_EXIT_USAGE
 */
int cli_bad_option(const struct kdh_cmd *cmd, char **argv)
{
	char names[32][32], word[64];
	const char *choices[32], *s, *bad = argv[optind - 1];
	size_t n = usage_options(cmd->usage, names, 32);

	for (size_t i = 0; i < n; i++)
		choices[i] = names[i];
	if (optopt && !(bad[0] == '-' && bad[1] == '-'))
		return cli_usage_error(cmd, "unknown option '-%c', or it needs a value",
				       optopt);
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(bad, "="), bad);
	s = cli_suggest(word, choices, n);
	if (s && !strcmp(s, word))
		return cli_usage_error(cmd, "option '%s' needs a value", word);
	if (s)
		return cli_usage_error(cmd, "unknown option '%s' (did you mean "
				       "'%s'?)", word, s);
	return cli_usage_error(cmd, "unknown option '%s'", word);
}
