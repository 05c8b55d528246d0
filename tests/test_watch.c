// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch.c - kdh watch without a VM or root: bad input (exit 2,
 * nothing captured), and the rules on captures of simulated runs fed
 * through the hidden --replay: each line, the verdict, and kdh analyze of
 * the same file giving the summary's figures (test_watch_verdict.c: the
 * verdict against the story, test_watch_live.c watches live interfaces,
 * test_watch_vm.c the agent VM). */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/watch/watch_priv.h"
#include "helpers.h"
#include "netsim/capfile.h"
#include "netsim/pcapng.h"
#include "watch_helpers.h"

Test(watch, dhcp_hang_then_apipa)
{
	const char *want[] = {
		"00:00:04    +0.000s  the VM is up: first frame from net0 "
		"(bc:24:11:00:00:10) on the capture: DHCPDISCOVER, 4.0 s after the VM "
		"started",
		"net0 sent 2 DHCPDISCOVERs, no OFFER: no DHCP server on this network: "
		"the boot will wait ~10 minutes at the logo, then take 169.254.x.y\n"
		"                    fix: bcdedit /set {dbgsettings} dhcp no, and a "
		"static address on the \"Kernel Debugger Ethernet\" adapter",
		"net0 gave up on DHCP after 600.8 s (13 DISCOVERs) and probes for "
		"169.254.", "(RFC 3927): it reaches the debugger only if the "
		"debugger's host routes 169.254/16",
		"verdict: apipa-after-hang on net0 (bc:24:11:00:00:10)", NULL };
	char *out = tw_replay("seed-dhcp-hang", TW_KEY, 1, NULL, want);

	cr_assert(!strstr(out, "announcing"), "a 169.254 debuggee's announcements "
		  "are the apipa line's:\n%s", out);
	g_free(out);
}

Test(watch, until_hang_stops_at_the_first_problem)
{
	const char *args[] = { "--until", "hang", NULL };
	const char *want[] = { "no OFFER", "watch stopped (--until)",
		"verdict: undecided on net0 (bc:24:11:00:00:10): the watch stopped "
		"(--until) on dhcp wait in progress: 2 DISCOVERs, no OFFER after "
		"4.2 s; 1 problem told", NULL };
	char *out = tw_replay("seed-dhcp-hang", TW_KEY, 1, args, want);

	cr_assert(!strstr(out, "RFC 3927"), "%s", out);
	g_free(out);
}

Test(watch, dhcp_off_connects)
{
	const char *want[] = { "connected: 4.000 s after the VM started (net0 "
		"192.168.2.72 -> 192.168.2.1:50000)", "verdict: connected on net0 "
		"(bc:24:11:00:00:12): debugger replied", "0 problems told", NULL };

	g_free(tw_replay("seed-dhcp-off", TW_KEY, 0, NULL, want));
}

Test(watch, dhcp_network_connects)
{
	const char *args[] = { "--until", "connected", NULL };
	const char *want[] = { "first frame from net0 (bc:24:11:00:00:13) on the "
		"capture: DHCPDISCOVER", "connected: 4.000 s after the VM started",
		"watch stopped (--until)", NULL };

	g_free(tw_replay("dhcp-network", TW_KEY, 0, args, want));
}

Test(watch, wrong_key)
{
	const char *want[] = { "wrong key: --key is not this session's key (a "
		"control packet does not verify): 2 KDNET packets from net0 to "
		"192.168.2.1:50000, none verifies",
		"fix: give WinDbg the key `bcdedit /dbgsettings` shows",
		"verdict: key-mismatch on net0", NULL };

	g_free(tw_replay("key-mismatch", TW_DBG_KEY, 1, NULL, want));
}

Test(watch, announcements_unanswered)
{
	const char *want[] = { "announcing to 192.168.2.1:50000 every 3 s, no "
		"reply: is WinDbg listening on that port? a host firewall?",
		"verdict: timeout on net0", "1 problem told", NULL };

	g_free(tw_replay("key-mismatch", TW_KEY, 1, NULL, want));
}

Test(watch, late_debugger_unanswered_then_connected)
{
	const char *want[] = { "announcing to 192.168.2.1:50000 every 3 s",
		"connected: 121.0", "verdict: connected on net0", NULL };

	g_free(tw_replay("late-network-debugger", TW_KEY, 0, NULL, want));
}

Test(watch, debugger_not_on_the_link)
{
	char *dir = tw_tmpdir(), *bcd = tw_bcdedit_file(dir, "192.168.2.1", TW_KEY);
	char *sc = test_data_path("watch/no-debugger.kdh");
	const char *args[] = { "--bcdedit", bcd, NULL };
	const char *want[] = { "debugger: 192.168.2.1:50000 (bcdedit); key: "
		"given with --key", "nobody has 192.168.2.1 on this link: is "
		"WinDbg's host on this network? (net0 asked 3 times in 2 s, no reply)",
		"verdict: no-kdnet-traffic", NULL };

	g_free(tw_replay(sc, TW_KEY, 1, args, want));
	test_rmtree(dir);
	g_free(dir); g_free(bcd); g_free(sc);
}

Test(watch, silence_when_busparams_names_no_nic)
{
	const char *args[] = { "--for", "70s", NULL };
	const char *want[] = { "00:01:00          -  no frame from any NIC of the "
		"VM 60 s after the VM started: Hyper-V enlightenments, or busparams "
		"names no NIC", "verdict: nothing seen", NULL };

	g_free(tw_replay("busparams-wrong", TW_KEY, 1, args, want));
}

Test(watch, silence_is_no_kdnet_with_hyperv)
{
	const char *args[] = { "--for", "40s", "--silence", "30s", NULL };
	const char *want[] = { "no KDNET from any NIC (only the OS's own frames) "
		"30 s after the VM started: Hyper-V enlightenments",
		"verdict: no-kdnet-traffic on net0", NULL };

	g_free(tw_replay("ostype-win10", TW_KEY, 1, args, want));
}

Test(watch, reboot_by_power_on)
{
	const char *want[] = { "+56.000s  the VM starts again: boot 2, a reboot "
		"from the guest (a new \"power on\")", "verdict: connected",
		"; the boot before: connected (debugger replied", NULL };
	char *out = tw_replay("hv-guest-reboot", TW_KEY, 0, NULL, want), *p;

	p = strstr(out, "connected: 4.000 s after the VM started");
	cr_assert(p && strstr(p + 1, "connected: 4.000 s after the VM started"),
		  "two boots, two connections:\n%s", out);
	g_free(out);
}

/* @src without its harness events: what tcpdump next to the VM sees */
static void strip_events(const char *src, const char *dst)
{
	char err[256];
	struct capfile *cf = capfile_open(src, err, sizeof(err));
	struct ns_pcapng *w = ns_pcapng_open(dst, err, sizeof(err));
	struct cap_frame f;
	int iface;

	cr_assert(cf && w, "%s", err);
	iface = ns_pcapng_iface(w, "tap100i0", LINKTYPE_ETHERNET);
	while (capfile_next(cf, &f) == 1)
		if (f.caplen && f.linktype == LINKTYPE_ETHERNET)
			ns_pcapng_packet(w, iface, f.ts_ns, f.data, f.caplen, NULL);
	capfile_close(cf);
	cr_assert_eq(ns_pcapng_close(w), 0);
}

Test(watch, reboot_by_boot_nonce)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("hv-guest-reboot", dir);
	char *bare = g_build_filename(dir, "bare.pcapng", NULL), *out, *err;
	const char *args[] = { "--replay", bare, "--key", TW_KEY, NULL };

	strip_events(cap, bare);
	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "connected: 0.000 s after the VM's first frame"), "%s",
		  out);
	cr_assert(strstr(out, "bc:24:11:00:00:64 rebooted: its announcements carry "
			 "a new boot nonce"), "%s", out);
	cr_assert(strstr(out, "connected again: 0.0"), "%s", out);
	tw_same_as_analyze(out, bare, TW_KEY);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(bare); g_free(out); g_free(err);
}

Test(watch, real_windbg_capture)
{
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *args[] = { "--replay", cap, "--key", REAL_KEY, NULL };

	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "connected: "), "%s", out);
	cr_assert(strstr(out, "verdict: connected"), "%s", out);
	tw_same_as_analyze(out, cap, REAL_KEY);
	g_free(cap); g_free(out); g_free(err);
}

/* Without a key: data both ways is a session all the same; announcements
 * alone are not-verified, never a wrong key */
Test(watch, without_key_nothing_is_verified)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-off", dir), *out, *err;
	char *cap2 = tw_sim_capture("key-mismatch", dir);
	const char *args[] = { "--replay", cap, NULL };
	const char *args2[] = { "--replay", cap2, NULL };

	cr_assert_eq(tw_watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "key: none, so KDNET packets are counted, not "
			 "verified"), "%s", out);
	cr_assert(strstr(out, "connected (not verified: no key): KDNET data both "
			 "ways, 4.000 s after the VM started"), "%s", out);
	cr_assert(strstr(out, "verdict: connected on net0 (bc:24:11:00:00:12): not "
			 "verified (no key): KDNET data packets both ways"), "%s",
		  out);
	cr_assert(!strstr(out, "before the capture"), "the handshake is in the "
		  "file, only not verified:\n%s", out);
	g_free(out); g_free(err);
	cr_assert_eq(tw_watch(args2, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "announcing to 192.168.2.1:50000 every 3 s, no reply"),
		  "%s", out);
	cr_assert(strstr(out, "verdict: not-verified on net0"), "%s", out);
	cr_assert(!strstr(out, "wrong key"), "%s", out);
	g_free(cap2);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(out); g_free(err);
}

/* Every bad input: exit 2, one clear line naming it, no capture file */
Test(watch, bad_input_exit_2_nothing_captured)
{
	char *dir = tw_tmpdir(), *pcap = g_build_filename(dir, "w.pcapng", NULL);
	char *conf = test_data_path("../bad-vmconfs/mac-short.conf");
	char *bcd = test_data_path("../bad-bcdedit/port-letters.txt");
	char *noconf = g_build_filename(dir, "nope", NULL);
	char *badip = g_build_filename(dir, "badip.txt", NULL);
	char *badkey = g_build_filename(dir, "badkey.txt", NULL);
	struct { const char *args[8]; const char *msg; } cases[] = {
		{ { "--iface", "lo", "--frobnicate" }, "unknown option '--frobnicate'" },
		{ { "--iface", "lo", "--fr" }, "unknown option '--fr' (did you mean '--for'?)" },
		{ { "--iface", "lo", "--for", "5x" }, "--for: '5x' is not a duration" },
		{ { "--iface", "lo", "--for", "0s" }, "--for: '0s' is below 1ms" },
		{ { "--iface", "lo", "--for", "99999999999999h" }, "--for: "
		  "'99999999999999h' is too long: at most 292 years (2562047h)" },
		{ { "--iface", "lo", "--silence", "-1s" }, "--silence: '-1s' is not" },
		{ { "--iface", "lo", "--until", "conected" }, "--until: 'conected' is not "
		  "connected, hang or any (did you mean 'connected'?)" },
		{ { "--iface", "lo", "--network", "nat" }, "--network: 'nat' is not static or dhcp" },
		{ { "--iface", "lo", "--key", "1.2.3" }, "bad key '1.2.3': expected 4" },
		{ { "--iface", "lo", "--mac", "01:00:5e:00:00:01" }, "--mac: "
		  "'01:00:5e:00:00:01' is not a NIC's MAC address" },
		{ { "--iface", "a/b" }, "--iface: 'a/b' is not an interface name" },
		{ { "--iface", "kdhnosuch0" }, "no interface kdhnosuch0 (ip link lists them" },
		{ { "105", "106" }, "unexpected '106': one VMID or VM config" },
		{ { NULL }, "nothing to watch: give a VMID, a VM config or --iface" },
		{ { noconf }, "nope: no such file\n" },
		{ { "999", "--config-dir", dir }, "999.conf: no such file (no VM 999 "
		  "on this host?)\n" },
		{ { conf, "--iface", "lo" }, "mac-short.conf:2: net0: 'BC:24:11:00:00:1' "
		  "is not a MAC address" },
		{ { "--iface", "lo", "--bcdedit", bcd }, "port-letters.txt:3: port 'abc' "
		  "is not a number" },
		{ { "--iface", "lo", "--bcdedit", badip }, "badip.txt:2: hostip "
		  "'1.2.3' is not an IPv4 address" },
		{ { "--iface", "lo", "--bcdedit", badkey, "--key", TW_KEY },
		  "badkey.txt:1: key 'notakey' is not a KDNET key" },
		{ { "--replay", "/nonexistent.pcap" }, "/nonexistent.pcap: " },
		{ { "--replay", "x.pcap", "--iface", "lo" }, "--replay reads a capture" },
	};

	cr_assert(g_file_set_contents(badip, "debugtype NET\nhostip 1.2.3\n", -1,
				      NULL));
	cr_assert(g_file_set_contents(badkey, "key notakey\nhostip 192.168.2.1\n",
				      -1, NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *argv[12];
		size_t n = 0;
		char *out, *err;
		int rc;

		for (size_t j = 0; cases[i].args[j]; j++)
			argv[n++] = cases[i].args[j];
		if (!cases[i].args[0] || strcmp(cases[i].args[0], "--replay")) {
			argv[n++] = "--pcap";	/* --replay takes none */
			argv[n++] = pcap;
		}
		argv[n] = NULL;
		rc = tw_watch(argv, &out, &err);
		cr_assert_eq(rc, 2, "case %zu: exit %d:\n%s%s", i, rc, out, err);
		cr_assert(strstr(err, cases[i].msg), "case %zu: no '%s' in:\n%s", i,
			  cases[i].msg, err);
		cr_assert(g_str_has_prefix(err, "kdh watch: "), "case %zu: %s", i, err);
		cr_assert_str_eq(out, "", "case %zu: printed before the error", i);
		cr_assert(!g_file_test(pcap, G_FILE_TEST_EXISTS), "case %zu", i);
		g_free(out); g_free(err);
	}
	test_rmtree(dir);
	g_free(dir); g_free(pcap); g_free(conf); g_free(bcd); g_free(noconf);
	g_free(badip); g_free(badkey);
}

/* The VM's start from a pid file: a live process's, none without one */
Test(watch, qemu_start_from_pid_file)
{
	char *dir = tw_tmpdir(), *path = g_build_filename(dir, "105.pid", NULL);
	char text[32];
	unsigned pid;
	uint64_t start;
	pid_t qemu;

	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE);
	cr_assert_eq(pid, 0);
	snprintf(text, sizeof(text), "%d\n", getpid());
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE, "not a QEMU");
	qemu = tw_qemu_stand_in(106);
	snprintf(text, sizeof(text), "%d\n", qemu);
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE, "VM 106's QEMU");
	tw_qemu_stop(qemu);
	qemu = tw_qemu_stand_in(105);
	snprintf(text, sizeof(text), "%d\n", qemu);
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	start = watch_qemu_start(105, dir, &pid);
	tw_qemu_stop(qemu);
	cr_assert_eq(pid, (unsigned)qemu);
	cr_assert_neq(start, AN_NONE);
	cr_assert(start <= (uint64_t)time(NULL) * 1000000000ull + 1000000000ull &&
		  start + 600ull * 1000000000ull > (uint64_t)time(NULL) * 1000000000ull,
		  "this test began %.1f s ago?", (double)time(NULL) - start / 1e9);
	cr_assert(g_file_set_contents(path, "99999999\n", -1, NULL));
	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE, "no such process");
	test_rmtree(dir);
	g_free(dir); g_free(path);
}
