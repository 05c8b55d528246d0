/* baseline_cmd.c - `kdh baseline update`: store a run as the baseline */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/baseline.h"
#include "kdh/cli.h"

static int baseline_main(int argc, char **argv)
{
	char err[400];
	struct baseline *b;
	gchar *text;
	gsize len;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cli_help_print(&kdh_cmd_baseline);
		return KDH_EXIT_OK;
	}
	if (argc != 4 || strcmp(argv[1], "update"))
		return cli_usage_error(&kdh_cmd_baseline, "expected: update RUN.json "
				       "BASELINE.json");
	b = baseline_load(argv[2], err, sizeof(err));
	if (!b)
		return cli_error(&kdh_cmd_baseline, KDH_EXIT_USAGE, "%s", err);
	baseline_free(b);
	if (!g_file_get_contents(argv[2], &text, &len, NULL))
		return cli_error(&kdh_cmd_baseline, KDH_EXIT_USAGE, "%s: cannot read "
				 "it", argv[2]);
	rc = write_file_atomic(argv[3], text, len);
	g_free(text);
	if (rc)
		return cli_error(&kdh_cmd_baseline, KDH_EXIT_FAIL, "%s: %s", argv[3],
				 g_strerror(-rc));
	printf("kdh baseline: %s is now the baseline (from %s)\n", argv[3], argv[2]);
	return KDH_EXIT_OK;
}

const struct kdh_cmd kdh_cmd_baseline = {
	.name = "baseline",
	.summary = "store a run's summary as the baseline later runs compare with",
	.usage = "kdh baseline update RUN.json BASELINE.json",
	.run = baseline_main,
	.help =
"RUN.json is a run's summary (results/run-.../summary.json or kdh run\n"
"--json FILE).  It is checked to be one and written to BASELINE.json\n"
"atomically: a reader never sees half a baseline.  Then\n"
"  kdh run --baseline BASELINE.json\n"
"fails scenarios whose figures moved beyond their thresholds.\n",
};
