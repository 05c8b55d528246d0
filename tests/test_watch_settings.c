// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_settings.c - kdh watch --bcdedit with a file the running
 * guest does not use (not rebooted since, or another VM's): the wire's
 * debugger address, port and key against the file's, said before any
 * word about WinDbg's key
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "watch_helpers.h"

/* DIR/NAME: bcdedit /dbgsettings output with these settings */
static char *bcd_file(const char *dir, const char *name, const char *hostip,
		      unsigned port, const char *key)
{
	char *path = g_build_filename(dir, name, NULL);
	char *text = g_strdup_printf("debugtype               NET\nhostip        "
				     "          %s\nport                    %u\n"
				     "key                     %s\n", hostip, port,
				     key);

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(text);
	return path;
}

/* seed-dhcp-off: the guest talks to 192.168.2.1:50000 with TW_KEY and
 * WinDbg answers; the file says another address, port and key */
Test(watch_settings, other_address_is_said_first)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-off", dir);
	char *bcd = bcd_file(dir, "other.txt", "192.168.2.9", 50001, TW_DBG_KEY);
	const char *args[] = { "--replay", cap, "--bcdedit", bcd, NULL };
	char *out, *err;

	cr_assert_eq(tw_watch(args, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "the guest talks to 192.168.2.1:50000, bcdedit says "
			 "192.168.2.9:50001: the running guest does not use these "
			 "settings (net0)\n                    fix: reboot the guest "
			 "(bcdedit /dbgsettings takes effect at the next boot), or "
			 "check that bcdedit's output is of this VM"), "%s", out);
	cr_assert(!strstr(out, "WinDbg uses") && !strstr(out, "give WinDbg the "
		  "key"), "WinDbg's key is not the problem:\n%s", out);
	cr_assert(strstr(out, "; the guest talks to 192.168.2.1:50000, bcdedit "
			 "says 192.168.2.9:50001: the running guest does not use "
			 "these settings; 1 problem told\n"), "%s", out);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(bcd); g_free(out); g_free(err);
}

/* Same address and port, another key, WinDbg connected: the guest and
 * WinDbg share a key the file does not have */
Test(watch_settings, other_key_while_windbg_answers)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-off", dir);
	char *bcd = bcd_file(dir, "key.txt", "192.168.2.1", 50000, TW_DBG_KEY);
	const char *args[] = { "--replay", cap, "--bcdedit", bcd, NULL };
	char *out, *err;

	cr_assert_eq(tw_watch(args, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "WinDbg at 192.168.2.1:50000 answers the guest, so "
			 "they share a key, not bcdedit's: the running guest does "
			 "not use these settings (net0)"), "%s", out);
	cr_assert(!strstr(out, "give WinDbg the key"), "%s", out);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(bcd); g_free(out); g_free(err);
}

/* The file the guest runs: nothing of the kind said */
Test(watch_settings, the_right_file_says_nothing)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-off", dir);
	char *bcd = bcd_file(dir, "ok.txt", "192.168.2.1", 50000, TW_KEY);
	const char *args[] = { "--replay", cap, "--bcdedit", bcd, NULL };
	char *out, *err;

	cr_assert_eq(tw_watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(!strstr(out, "does not use these settings"), "%s", out);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(bcd); g_free(out); g_free(err);
}

/* The Windows build kdh check's findings assume: said, and --windows
 * takes what ver prints (watch opens with kdh check's findings) */
Test(watch_settings, windows_build_said_and_taken_as_ver_prints_it)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-off", dir);
	char *conf = g_build_filename(dir, "105.conf", NULL);
	const char *args[] = { conf, "--replay", cap, NULL, NULL, NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(conf, "ostype: win10\nnet0: vmxnet3="
				      "BC:24:11:00:00:12,bridge=lan\n", -1, NULL));
	tw_watch(args, &out, &err);
	cr_assert(strstr(out, "note   assumed Windows 10 22H2 (build 19045) from "
			 "ostype win10"), "%s%s", out, err);
	cr_assert(strstr(out, "KDNET drives vmxnet3 from build 26006; the assumed "
			 "build is 19045"), "%s", out);
	g_free(out); g_free(err);
	args[3] = "--windows";
	args[4] = "10.0.26100.2605";
	tw_watch(args, &out, &err);
	cr_assert_null(strstr(out, "assumed"), "%s", out);
	cr_assert(strstr(out, "KDNET will use net0 (vmxnet3"), "%s%s", out, err);
	g_free(out); g_free(err);
	args[4] = "11";
	cr_assert_eq(tw_watch(args, &out, &err), 2);
	cr_assert(strstr(err, "--windows: '11' is not a Windows build"), "%s", err);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(conf); g_free(out); g_free(err);
}
