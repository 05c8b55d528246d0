// SPDX-License-Identifier: GPL-2.0-or-later
/* list_cmd.c - `kdh list`: the scenarios `kdh run` would take, one line
 * each, and `kdh list --show NAME`: a built-in scenario's text, a template
 * to copy
 *
 * Theory of operation: the same loading as kdh run (run_suite.c), so a
 * name, a group or a shard lists exactly what kdh run would run; --show
 * prints the text compiled into kdh unchanged, so `kdh list --show NAME >
 * my.kdh` is a file kdh run takes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "harness/run/run_suite.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/result/provenance.h"
#include "kdh/run/shard_auto.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_list;

struct list_args {
	struct suite_sel sel;
	const char *show;		/* --show NAME */
	bool count;			/* --count */
};

static int args_parse(int argc, char **argv, struct list_args *a)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "shard", required_argument, NULL, 'S' },
		{ "show", required_argument, NULL, 's' },
		{ "max-cells", required_argument, NULL, 'M' },
		{ "count", no_argument, NULL, 'c' },
		{ "sample", required_argument, NULL, 'N' },
		{ "seed", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_once once = { 0 };
	bool seeded = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "g:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_list, &once, opt, opts, "g:h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'g': a->sel.group = optarg; break;
		case 'a': a->sel.all = true; break;
		case 's': a->show = optarg; break;
		case 'S': {	/* auto: the CI engine's variables (shard_auto.c) */
			struct shard_pick p;
			char err[600];

			if (shard_option(optarg, (const char *const *)environ, &p,
					 err, sizeof(err)))
				return strcmp(optarg, "auto") ?
				       cli_usage_error(&kdh_cmd_list, "%s", err) :
				       cli_error(&kdh_cmd_list, KDH_EXIT_USAGE, "%s", err);
			a->sel.shard = p.k;
			a->sel.shards = p.n;
			break;
		}
		case 'M':
			if (max_cells_parse(optarg, &a->sel.max_cells))
				return cli_usage_error(&kdh_cmd_list, "--max-cells: "
				       "'%s' is not " MAX_CELLS_RANGE, optarg);
			break;
		case 'c': a->count = true; break;
		case 'N':
			if (sample_parse(optarg, &a->sel.sample))
				return cli_usage_error(&kdh_cmd_list, "--sample: "
				       "'%s' is not a count of cells from 1", optarg);
			break;
		case 'e':
			if (cli_seed_parse(optarg, &a->sel.seed))
				return cli_usage_error(&kdh_cmd_list, "--seed: '%s' "
				       "is not a number from 0 to "
				       "18446744073709551615 (or 0x-hex)", optarg);
			seeded = true;
			break;
		case 'h': cli_help_print(&kdh_cmd_list); return CLI_HELP_SHOWN;
		default:
			return cli_bad_option(&kdh_cmd_list, argv);
		}
	}
	if (seeded && !a->sel.sample)	/* it would change nothing */
		return cli_usage_error(&kdh_cmd_list, "--seed draws --sample's "
				       "cells, and there is no --sample");
	return 0;
}

/* --show NAME: the built-in scenario's text as compiled in */
static int show(const struct list_args *a, int rest)
{
	const struct builtin_scenario *b = builtin_find(a->show);

	if (rest)
		return cli_usage_error(&kdh_cmd_list, "--show takes one name and "
				       "no PATH");
	if (!b)
		return cli_error(&kdh_cmd_list, KDH_EXIT_USAGE, "--show: no "
				 "built-in scenario '%s' (kdh list names them)",
				 a->show);
	fputs(b->text, stdout);
	return KDH_EXIT_OK;
}

/* one listed line's columns, kept until its block's widths are known */
struct list_row {
	char *name;		/* the full name (a cell's NAME[label]) */
	char *groups;
	char *desc;
};

/* @sc's row */
static struct list_row row_of(const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	char name[512];

	for (size_t j = 0; j < sc->n_groups; j++)
		g_string_append_printf(g, "%s%s", j ? "," : "", sc->groups[j]);
	suite_cell_name(sc, name, sizeof(name));
	return (struct list_row){ g_strdup(name), g_string_free(g, FALSE),
				  g_strdup(sc->description) };
}

/* Rows [@from, @to): one block, aligned on its own longest name and
 * groups (at least 28 and 16 columns, as a plain list always had) */
static void block_print(struct list_row *r, size_t from, size_t to)
{
	int wn = 28, wg = 16;

	for (size_t i = from; i < to; i++) {
		wn = MAX(wn, (int)strlen(r[i].name));
		wg = MAX(wg, (int)strlen(r[i].groups));
	}
	for (size_t i = from; i < to; i++) {
		printf("%-*s %-*s %s\n", wn, r[i].name, wg, r[i].groups, r[i].desc);
		g_free(r[i].name);
		g_free(r[i].groups);
		g_free(r[i].desc);
	}
}

/*
 * Every scenario of @s, each parsed when met (a cell is a reference).
 * Columns align within a block: the scenarios between matrices, or one
 * matrix's cells, whose names (NAME[axis=value,...]) run long, so the
 * built-in list keeps its layout and a matrix's cells line up.
 */
static void list_print(struct suite *s)
{
	struct scenario *sc = malloc(sizeof(*sc));
	struct list_row *rows = g_new0(struct list_row, s->n + 1);
	size_t n = 0, from = 0;
	char err[512];

	for (size_t i = 0; sc && i < s->n; i++) {
		if (i && s->it[i].m != s->it[i - 1].m) {
			block_print(rows, from, n);
			from = n;
		}
		if (suite_get(s, i, sc, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			s->bad = true;
		} else {
			rows[n++] = row_of(sc);
		}
	}
	block_print(rows, from, n);
	if (!sc) {
		fprintf(stderr, "out of memory\n");
		s->bad = true;
	}
	g_free(rows);
	free(sc);
}

static int list_main(int argc, char **argv)
{
	struct list_args a = { 0 };
	struct suite s = { 0 };
	int rc = args_parse(argc, argv, &a);

	if (rc)
		return rc == CLI_HELP_SHOWN ? KDH_EXIT_OK : rc;
	if (a.show)
		return show(&a, argc - optind);
	suite_load(&s, argc - optind, argv + optind, &a.sel);
	if (s.bad)		/* said on stderr: no count, no list */
		rc = KDH_EXIT_USAGE;
	else if (!s.n && a.sel.group)	/* as kdh run says it */
		rc = cli_error(&kdh_cmd_list, KDH_EXIT_USAGE, "no scenario in "
			       "group %s", a.sel.group);
	else if (a.count)
		printf("%zu\n", s.n);
	else
		list_print(&s);
	if (s.bad)		/* list_print() may meet a bad cell */
		rc = KDH_EXIT_USAGE;
	suite_free(&s);
	return rc;
}

const struct kdh_cmd kdh_cmd_list = {
	.name = "list",
	.summary = "list scenarios (default: the built-in suite) with groups",
	.usage = "kdh list [PATH...] [--all] [-g GROUP] [--shard K/N|auto] "
		 "[--max-cells N] [--sample N [--seed S]] [--count] [--show SCENARIO]",
	.run = list_main,
	.help =
"One line per scenario: name, groups, description.  PATH is what kdh run\n"
"takes: a scenario file, a directory of *.kdh files or a built-in\n"
"scenario's name.  A file with a [matrix] section lists its cells, each\n"
"named NAME[axis=value,...]; the built-in matrices are named matrix/NAME\n"
"(kdh list matrix/kdnet).  Bad files and bad cells are reported as by\n"
"`kdh run` (exit 2), and then nothing is listed or counted.\n"
"\n"
"Options:\n"
"  -g, --group G      only scenarios whose groups list G (as kdh run -g)\n"
"  --shard K/N|auto   only the Kth of N parts, as kdh run --shard runs\n"
"                     them (auto: K and N from the CI engine's variables,\n"
"                     see kdh run --help)\n"
"  --max-cells N      a matrix of more than N cells is an error (0, the\n"
"                     default: the file's max_cells, else 10000)\n"
"  --sample N         of each matrix file only the N cells kdh run --sample\n"
"                     N --seed S would run (every value of every axis,\n"
"                     then unseen pairs; kdh run --help); what the sample\n"
"                     covers is said on standard error\n"
"  --seed S           the seed that draws the sample (default 0)\n"
"  --count            print only how many scenarios (cells) there are\n"
"  --all              also the VM scenarios kdh ships, as kdh run --all\n"
"                     (see kdh run --help, Files)\n"
"  --show SCENARIO    print the built-in scenario SCENARIO (a name as the\n"
"                     list shows it) as compiled into kdh: a template to\n"
"                     copy (kdh list --show seed-dhcp-hang > my.kdh)\n"
"\n"
"Exit status: 0 listed (or shown), 2 a bad file, a group without\n"
"scenarios, a bad option or an unknown name for --show.\n",
};
