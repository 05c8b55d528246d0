// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cli_once.c - command lines that used to be taken silently: a value
 * option given twice (the last won), --shard past 2^32 (wrapped to 1/1),
 * two formats on one standard output, --json naming a directory (found
 * only after the whole run), version numbers past 32 bits (wrapped).  Each
 * is refused before anything runs: exit 2, one line naming the option.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>

#include "helpers.h"

static const struct {
	const char *argv[8];
	const char *says;
} refused[] = {
	{ { "run", "--seed", "1", "--seed", "2" },
	  "kdh run: --seed given twice" },
	{ { "run", "--results", "a", "-r", "b" },
	  "kdh run: --results given twice" },
	{ { "check", "x.conf", "--bcdedit", "a", "--bcdedit", "b" },
	  "kdh check: --bcdedit given twice" },
	{ { "check", "x.conf", "--network", "dhcp", "--network", "static" },
	  "kdh check: --network given twice" },
	{ { "qemu-cmd", "--vmid", "100", "--vmid", "101" },
	  "kdh qemu-cmd: --vmid given twice" },
	{ { "analyze", "x.pcap", "--key", "1.2.3.4", "-k", "1.2.3.5" },
	  "kdh analyze: --key given twice" },
	{ { "run", "--shard", "1/4294967297" },
	  "kdh run: --shard: '1/4294967297' is not K/N" },
	{ { "list", "--shard", "2/4294967298" },
	  "kdh list: --shard: '2/4294967298' is not K/N" },
	{ { "run", "--tap", "--json", "-" },
	  "kdh run: --tap and --json - would both write to standard output" },
	{ { "run", "--json", "-", "--junit", "-" },
	  "kdh run: --json - and --junit - would both write" },
	{ { "run", "--json", "/" },
	  "kdh run: --json: '/' is a directory" },
	{ { "run", "--junit", "/nonexistent-kdh-dir/j.xml" },
	  "kdh run: --junit: '/nonexistent-kdh-dir/j.xml': no directory" },
	{ { "watch", "105", "--bcdedit", "a", "--bcdedit", "b" },
	  "kdh watch: --bcdedit given twice" },
	{ { "report", "x", "--html", "/" },
	  "kdh report: --html: '/' is a directory" },
	{ { "qemu-cmd", "--qemu-version", "99999999999.1", "x.conf" },
	  "kdh qemu-cmd: --qemu-version: '99999999999.1' is not X.Y[.Z]" },
	{ { "check", "x.conf", "--windows", "10.0.19045.99999999999" },
	  "kdh check: --windows: '10.0.19045.99999999999' is not a Windows build" },
};

Test(cli_once, refused_before_anything_runs)
{
	const char *bin = getenv("KDH_BIN");

	cr_assert(bin, "KDH_BIN is not set (run under meson test)");
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		const char *argv[10] = { bin };
		char *out, *err;

		for (int j = 0; refused[i].argv[j]; j++)
			argv[j + 1] = refused[i].argv[j];
		cr_assert_eq(test_run(argv, &out, &err), 2, "%s: %s",
			     refused[i].says, err);
		cr_assert(g_str_has_prefix(err, refused[i].says), "want '%s', got %s",
			  refused[i].says, err);
		cr_assert(!*out, "%s: wrote to stdout: %s", refused[i].says, out);
		g_free(out);
		g_free(err);
	}
}

/* a flag may repeat: repeating one changes nothing */
Test(cli_once, flags_repeat)
{
	const char *bin = getenv("KDH_BIN");
	const char *argv[] = { bin, "list", "--all", "--all", NULL };
	char *out, *err;

	cr_assert(bin);
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	g_free(out);
	g_free(err);
}
