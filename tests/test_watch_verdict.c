// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_verdict.c - kdh watch's verdict against its own story and
 * kdh analyze: a wrong key is key-mismatch even with data both ways, a
 * power cycle's silent boot is told and judged on its own, a watch cut
 * short names the problem it stopped on.  Captures are replayed with the
 * hidden --replay (test_watch.c has the rules one by one). */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "netsim/pcapng.h"
#include "netsim/pkt.h"
#include "watch_helpers.h"

#define WRONG_KEY	"1.2.3.4"

/* kdh analyze FILE --key KEY: its exit status and report */
static int analyze(const char *file, const char *key, char **out)
{
	const char *argv[] = { getenv("KDH_BIN"), "analyze", file, "--key", key,
			       NULL };
	char *err;
	int rc = test_run(argv, out, &err);

	g_free(err);
	return rc;
}

/* Control packets use the base key: one failing it, nothing verifying, is
 * a wrong key, though the data flows both ways as in a mid-session capture */
Test(watch_verdict, wrong_key_on_a_real_capture_is_key_mismatch)
{
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *args[] = { "--replay", cap, "--key", WRONG_KEY, NULL };

	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "wrong key: --key is not this session's key (a "
			 "control packet does not verify)"), "%s", out);
	cr_assert(!strstr(out, "connected"), "%s", out);
	cr_assert(strstr(out, "verdict: key-mismatch on 80:fa:5b:23:29:23: "), "%s",
		  out);
	tw_same_as_analyze(out, cap, WRONG_KEY);
	g_free(out); g_free(err);

	cr_assert_eq(analyze(cap, WRONG_KEY, &out), 1, "%s", out); /* as watch */
	cr_assert(strstr(out, "outcome          key-mismatch"), "%s", out);
	cr_assert(!strstr(out, "before the capture"), "%s", out);
	g_free(out);
	g_free(cap);
}

Test(watch_verdict, right_key_on_a_real_capture_unchanged)
{
	char *cap = test_data_path(REAL_CAPTURE), *out;

	cr_assert_eq(analyze(cap, REAL_KEY, &out), 0, "%s", out);
	cr_assert(strstr(out, "outcome          connected  (debugger replied"),
		  "%s", out);
	cr_assert(strstr(out, "connect_time_s   0.002481"), "%s", out);
	g_free(out);
	g_free(cap);
}

/* A power cycle whose second boot is silent: the new "power on" is told,
 * the silence of that boot too, and the verdict is of it, not of the first
 * boot's connection */
Test(watch_verdict, power_cycle_then_silence)
{
	const char *args[] = { "--for", "300s", NULL };
	const char *want[] = { "+56.000s  the VM starts again: boot 2, powered off "
		"and on (a new \"power on\")", "00:02:00  +116.000s  no frame from "
		"any NIC of the VM 60 s after the VM started again",
		"verdict: nothing seen in boot 2 (240.0 s since its \"power on\"): no "
		"frame from the VM's NICs since; the boot before: connected "
		"(debugger replied", "; 1 problem told", NULL };

	g_free(tw_replay("hv-power-no-sticky", TW_KEY, 1, args, want));
}

/* The opening lines say what is not known, and which key is used */
Test(watch_verdict, opening_lines_say_what_is_unknown)
{
	char *dir = tw_tmpdir(), *bcd = g_build_filename(dir, "dbg.txt", NULL);
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *bare[] = { "--replay", cap, NULL };
	const char *other[] = { "--replay", cap, "--bcdedit", bcd, "--key",
				REAL_KEY, NULL };

	cr_assert(g_file_set_contents(bcd, "key 1.2.3.4\nhostip 192.168.2.1\n", -1,
				      NULL));
	cr_assert_eq(tw_watch(bare, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "debugger: address unknown (no --bcdedit), port "
			 "unknown (KDNET's default 50000)"), "%s", out);
	cr_assert(strstr(out, "\nlines: the capture's time of day"), "%s", out);
	g_free(out); g_free(err);
	cr_assert_eq(tw_watch(other, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "debugger: 192.168.2.1 (bcdedit), port unknown "
			 "(KDNET's default 50000); key: given with --key\nWARN   "
			 "--key differs from the key in "), "%s", out);
	cr_assert(strstr(out, "dbg.txt: using --key\n"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(dir); g_free(bcd); g_free(cap);
}

/* 169.254.x.y after the DHCP wait may still connect: the line says when */
Test(watch_verdict, apipa_can_still_connect)
{
	const char *want[] = { "(RFC 3927): it reaches the debugger only if the "
		"debugger's host routes 169.254/16", "connected: 611.665 s after the "
		"VM started (net0 169.254.", "verdict: connected on net0", NULL };

	g_free(tw_replay("seed-dhcp-hang-apipa-route", TW_KEY, 0, NULL, want));
}

/* Serial KD only: the verdict is the analysis' serial connection */
Test(watch_verdict, serial_only_is_connected_over_serial)
{
	const char *want[] = { "serial_connect_time_s 4.002951", "verdict: connected "
		"over serial (win:serial0 <-> debugger): a KD RESET answered 4.003 s "
		"after t0 (serial KD: the lines above follow KDNET only)", NULL };

	g_free(tw_replay("serial-debugger", TW_KEY, 0, NULL, want));
}

/* @n ARP requests from @mac for @tpa, 1.1 s apart from @t (seconds) */
static double arp_asks(struct ns_pcapng *w, int iface, const uint8_t mac[6],
		       uint32_t tpa, int n, double t)
{
	uint8_t frame[64];

	for (int i = 0; i < n; i++, t += 1.1)
		cr_assert_eq(ns_pcapng_packet(w, iface, (uint64_t)(t * 1e9), frame,
					      test_arp_frame(frame, ARP_OP_REQUEST,
							     mac, 0xc0a80248, mac,
							     tpa), NULL), 0);
	return t;
}

/* An unanswered ARP told stays told, however many other addresses the VM
 * asks for in between (its record is not recycled) */
Test(watch_verdict, arp_problem_told_once)
{
	static const uint8_t vm[6] = { 0xbc, 0x24, 0x11, 0, 0x05, 0x01 };
	char *dir = tw_tmpdir(), *cap = g_build_filename(dir, "arp.pcapng", NULL);
	const char *args[] = { "--replay", cap, "--mac", "bc:24:11:00:05:01",
			       NULL };
	char err[256], *out, *e, *p;
	struct ns_pcapng *w = ns_pcapng_open(cap, err, sizeof(err));
	int iface;
	double t = 1;

	cr_assert(w, "%s", err);
	iface = ns_pcapng_iface(w, "tap100i0", LINKTYPE_ETHERNET);
	t = arp_asks(w, iface, vm, 0xc0a80201, 3, t);
	for (uint32_t i = 0; i < 20; i++)
		t = arp_asks(w, iface, vm, 0xc0a80210 + i, 1, t);
	arp_asks(w, iface, vm, 0xc0a80201, 3, t);
	cr_assert_eq(ns_pcapng_close(w), 0);
	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &e), 1, "%s%s", out, e);
	p = strstr(out, "nobody has 192.168.2.1 on this link");
	cr_assert(p && !strstr(p + 1, "nobody has 192.168.2.1"), "%s", out);
	test_rmtree(dir);
	g_free(out); g_free(e); g_free(dir); g_free(cap);
}

/* Without a key nothing is verified: no claim about the handshake */
Test(watch_verdict, no_key_claims_no_missing_handshake)
{
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "analyze", cap, "--json", NULL };

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "not verified (no key): KDNET data packets both "
			 "ways"), "%s", out);
	cr_assert(strstr(out, "\"mid_session\" : false"), "%s", out);
	g_free(out); g_free(err);
	g_free(cap);
}
