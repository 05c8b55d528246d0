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

#include <glib.h>

#include "harness/run/run_suite.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/result/provenance.h"

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
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_once once = { 0 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "g:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_list, &once, opt, opts, "g:h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'g': a->sel.group = optarg; break;
		case 'a': a->sel.all = true; break;
		case 's': a->show = optarg; break;
		case 'S':
			if (suite_shard_parse(optarg, &a->sel.shard, &a->sel.shards))
				return cli_usage_error(&kdh_cmd_list, "--shard: '%s' is not K/N "
				       "with 1 <= K <= N <= %d", optarg, SUITE_SHARDS_MAX);
			break;
		case 'M':
			if (max_cells_parse(optarg, &a->sel.max_cells))
				return cli_usage_error(&kdh_cmd_list, "--max-cells: "
				       "'%s' is not a count of cells", optarg);
			break;
		case 'c': a->count = true; break;
		case 'h': cli_help_print(&kdh_cmd_list); return CLI_HELP_SHOWN;
		default:
			return cli_bad_option(&kdh_cmd_list, argv);
		}
	}
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

/* One line: the full name (a cell's NAME[label]), groups, description */
static void list_line(const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	char name[512];

	for (size_t j = 0; j < sc->n_groups; j++)
		g_string_append_printf(g, "%s%s", j ? "," : "", sc->groups[j]);
	suite_cell_name(sc, name, sizeof(name));
	printf("%-28s %-16s %s\n", name, g->str, sc->description);
	g_string_free(g, TRUE);
}

/* Every scenario of @s, each parsed when printed (a cell is a reference) */
static void list_print(struct suite *s)
{
	struct scenario *sc = malloc(sizeof(*sc));
	char err[512];

	for (size_t i = 0; sc && i < s->n; i++)
		if (suite_get(s, i, sc, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			s->bad = true;
		} else {
			list_line(sc);
		}
	if (!sc) {
		fprintf(stderr, "out of memory\n");
		s->bad = true;
	}
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
	if (a.count)
		printf("%zu\n", s.n);
	else
		list_print(&s);
	rc = s.bad ? KDH_EXIT_USAGE : KDH_EXIT_OK;
	if (!s.bad && !s.n && a.sel.group)	/* as kdh run says it */
		rc = cli_error(&kdh_cmd_list, KDH_EXIT_USAGE, "no scenario in "
			       "group %s", a.sel.group);
	suite_free(&s);
	return rc;
}

const struct kdh_cmd kdh_cmd_list = {
	.name = "list",
	.summary = "list scenarios (default: the built-in suite) with groups",
	.usage = "kdh list [PATH...] [--all] [-g GROUP] [--shard K/N] "
		 "[--max-cells N] [--count] [--show SCENARIO]",
	.run = list_main,
	.help =
"One line per scenario: name, groups, description.  PATH is what kdh run\n"
"takes: a scenario file, a directory of *.kdh files or a built-in\n"
"scenario's name.  A file with a [matrix] section lists its cells, each\n"
"named NAME[axis=value,...]; the built-in matrices are named matrix/NAME\n"
"(kdh list matrix/kdnet).  Bad files and bad cells are reported as by\n"
"`kdh run` (exit 2).\n"
"\n"
"Options:\n"
"  -g, --group G      only scenarios whose groups list G (as kdh run -g)\n"
"  --shard K/N        only the Kth of N parts, as kdh run --shard K/N runs\n"
"  --max-cells N      a matrix of more than N cells is an error (0, the\n"
"                     default: the file's max_cells, else 10000)\n"
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
