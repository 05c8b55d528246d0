// SPDX-License-Identifier: GPL-2.0-or-later
/* baseline_cmd.c - `kdh baseline update`: store a run as the baseline */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/report/baseline.h"
#include "kdh/cmd/cli.h"
#include "kdh/util/fileio.h"
#include "kdh/util/textfile.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_baseline;

static int baseline_main(int argc, char **argv)
{
	char err[400];
	struct baseline *b;
	char *text;
	size_t len;
	char *run;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cli_help_print(&kdh_cmd_baseline);
		return KDH_EXIT_OK;
	}
	if (argc != 4 || strcmp(argv[1], "update"))
		return cli_usage_error(&kdh_cmd_baseline, "expected: update RUN "
				       "BASELINE.json");
	/* a run directory, as kdh report takes it, or its summary.json */
	run = g_file_test(argv[2], G_FILE_TEST_IS_DIR) ?
	      g_build_filename(argv[2], "summary.json", NULL) : g_strdup(argv[2]);
	b = baseline_load(run, err, sizeof(err));
	if (!b) {
		g_free(run);
		return cli_error(&kdh_cmd_baseline, KDH_EXIT_USAGE, "%s", err);
	}
	baseline_free(b);
	if (file_read(run, FILE_SUMMARY, &text, &len, err, sizeof(err))) {
		rc = cli_error(&kdh_cmd_baseline, KDH_EXIT_USAGE, "%s", err);
		g_free(run);
		return rc;
	}
	rc = write_file_durable(argv[3], text, len);
	free(text);
	if (rc) {
		g_free(run);
		return cli_error(&kdh_cmd_baseline, KDH_EXIT_FAIL, "%s: %s", argv[3],
				 g_strerror(-rc));
	}
	printf("kdh baseline: %s is now the baseline (from %s)\n", argv[3], run);
	g_free(run);
	return KDH_EXIT_OK;
}

const struct kdh_cmd kdh_cmd_baseline = {
	.name = "baseline",
	.summary = "store a run's summary as the baseline later runs compare with",
	.usage = "kdh baseline update RUN BASELINE.json",
	.run = baseline_main,
	.help =
"RUN is a run directory (results/run-...), its summary.json, or kdh run\n"
"--json FILE's output.  It is checked to be one and written to BASELINE.json\n"
"atomically: a reader never sees half a baseline.  Then\n"
"  kdh run --baseline BASELINE.json\n"
"fails scenarios whose figures moved beyond their thresholds.\n"
"\n"
"Exit status: 0 written, 1 BASELINE.json could not be written, 2 bad\n"
"usage or RUN is not a run's summary.\n",
};
