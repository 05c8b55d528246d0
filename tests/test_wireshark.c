// SPDX-License-Identifier: GPL-2.0-or-later
/* test_wireshark.c - KDNET readable in Wireshark: `kdh decode
 * --write-decrypted` and scripts/wireshark/kdnet-plain.lua under tshark
 *
 * The bundled capture is rewritten with its plaintext; tshark, with a copy
 * of the plugin, must see the KD packet types kdh decode counts (2->187,
 * 3->7, 4->259, 5->2, 6->2, 7->3, 11->66), WinDbg's KD_RESEND at frame 5,
 * the GetVersion request at frame 10 and the announcement's addresses, and
 * every checksum kdh recomputed must be right.  Skipped without tshark.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static char *tshark_fields(const char *lua, const char *pcap, const char *extra[])
{
	const char *argv[24] = { "tshark", "-X", NULL, "-r", pcap, "-o",
		"udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T",
		"fields" };
	char *x = g_strdup_printf("lua_script:%s", lua), *out, *err;
	int n = 11;

	argv[2] = x;
	for (int i = 0; extra[i]; i++)
		argv[n++] = extra[i];
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	g_free(err);
	g_free(x);
	return out;
}

Test(wireshark, lua_dissector_reads_kdh_plaintext, .timeout = 120)
{
	char *src = test_data_path(REAL_CAPTURE), *dir = g_dir_make_tmp("kdh-ws-XXXXXX", NULL);
	char *out_pcap = g_build_filename(dir, "plain.pcapng", NULL);
	char *lua = g_build_filename(dir, "kdnet-plain.lua", NULL);
	char *plugin = test_data_path("../../scripts/wireshark/kdnet-plain.lua");
	const char *decode[] = { getenv("KDH_BIN"), "decode", src, "--key", REAL_KEY,
		"--write-decrypted", out_pcap, NULL };
	const char *types[] = { "-e", "kd.type", NULL };
	const char *first[] = { "-e", "frame.number", "-e", "kd.type", "-e", "kd.api",
		"-e", "kdnet.control.debuggee_ip", "-e", "kdnet.control.debugger_port",
		"-c", "10", NULL };
	const char *bad[] = { "-Y", "udp.checksum.status == 2 || ip.checksum.status == 2",
		"-e", "frame.number", NULL };
	gchar *text, **lines, *out, *err;
	unsigned count[12] = { 0 };

	if (!g_find_program_in_path("tshark"))
		cr_skip_test("tshark is not installed");
	cr_assert(g_file_get_contents(plugin, &text, NULL, NULL), "%s", plugin);
	cr_assert(g_file_set_contents(lua, text, -1, NULL));	/* a copy */
	g_free(text);
	cr_assert_eq(test_run(decode, &out, &err), 0, "%s", err);
	g_free(out); g_free(err);

	out = tshark_fields(lua, out_pcap, types);
	lines = g_strsplit(out, "\n", -1);
	for (gchar **l = lines; *l; l++)
		if (**l && atoi(*l) < 12)
			count[atoi(*l)]++;
	cr_assert(count[2] == 187 && count[3] == 7 && count[4] == 259 &&
		  count[5] == 2 && count[6] == 2 && count[7] == 3 && count[11] == 66,
		  "KD types as kdh decode counts them");
	g_strfreev(lines);
	g_free(out);

	out = tshark_fields(lua, out_pcap, first);
	cr_assert(strstr(out, "1\t\t\t192.168.2.72\t51111\n"), "%s", out);
	cr_assert(strstr(out, "5\t5\t\t\t\n"), "frame 5 is KD_RESEND: %s", out);
	cr_assert(strstr(out, "10\t2\t0x00003146\t\t\n"), "GetVersion: %s", out);
	g_free(out);

	out = tshark_fields(lua, out_pcap, bad);
	cr_assert_str_eq(out, "", "no bad checksum");
	g_free(out);
	test_rmtree(dir);
	g_free(dir); g_free(out_pcap); g_free(lua); g_free(plugin); g_free(src);
}
