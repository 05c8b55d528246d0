// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch.c - kdh watch without a VM: bad input (exit 2, nothing
 * captured), the rules on captures of simulated runs fed through the
 * hidden --replay (each line, the verdict, and kdh analyze of the same
 * file giving the summary's figures), and live capture in a private
 * network namespace this test makes (root): a VMID's opening lines and
 * taps, frames written into the taps through the BPF filter, the --pcap
 * file, a missing tap, no CAP_NET_RAW. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/watch_priv.h"
#include "helpers.h"
#include "netsim/capfile.h"
#include "netsim/dhcp.h"
#include "netsim/pcapng.h"
#include "netsim/pkt.h"
#include "netsim/topo.h"

#define KEY		"1x2y3z.4a5b6c.7d8e9f.0g1h2i"	/* the scenarios' bcdedit */
#define DBG_KEY		"9z8y7x.6w5v4u.3t2s1r.0q9p8o"	/* key-mismatch's WinDbg */

static void tz_utc(void)
{
	setenv("TZ", "UTC0", 1);	/* the lines' time of day */
}

/* kdh run of one simulated scenario (virtual time, milliseconds): its
 * capture, in @dir */
static char *sim_capture(const char *scenario, const char *dir)
{
	char *file = g_str_has_suffix(scenario, ".kdh") ? g_strdup(scenario) :
		     g_strdup_printf("%s/%s.kdh", getenv("KDH_SCENARIOS"), scenario);
	char *base = g_path_get_basename(file), *name = g_strndup(base, strlen(base) - 4);
	const char *argv[] = { getenv("KDH_BIN"), "run", file, "--seed", "1",
		"--results", dir, NULL };
	char *out, *err, *cap = NULL;
	GDir *d;
	const char *run;
	int rc = test_run(argv, &out, &err);

	cr_assert_eq(rc, 0, "%s%s", out, err);
	d = g_dir_open(dir, 0, NULL);
	while (d && (run = g_dir_read_name(d)))
		if (g_str_has_prefix(run, "run-"))
			cap = g_build_filename(dir, run, name, "capture.pcapng", NULL);
	g_dir_close(d);
	cr_assert(cap && g_file_test(cap, G_FILE_TEST_EXISTS), "%s", out);
	g_free(out); g_free(err); g_free(file); g_free(base); g_free(name);
	return cap;
}

/* kdh watch ARGS...: exit status, stdout and stderr */
static int watch(const char *const *args, char **out, char **err)
{
	const char *argv[32] = { getenv("KDH_BIN"), "watch" };
	size_t n = 2;

	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return test_run(argv, out, err);
}

/* The NIC blocks of a kdh analyze report: from the first "\nNIC " to the
 * verdict line (or the end) */
static char *nic_blocks(const char *report)
{
	const char *from = strstr(report, "\nNIC "), *to;

	cr_assert(from, "no NIC block in:\n%s", report);
	to = strstr(from, "\nverdict: ");
	return g_strchomp(g_strndup(from, to ? (size_t)(to - from) : strlen(from)));
}

/* kdh analyze of @file gives the figures of kdh watch's summary */
static void same_as_analyze(const char *watch_out, const char *file,
			    const char *key)
{
	const char *argv[] = { getenv("KDH_BIN"), "analyze", file, "--key", key,
			       NULL };
	char *out, *err, *a, *w;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	a = nic_blocks(out);
	w = nic_blocks(watch_out);
	cr_assert_str_eq(w, a, "kdh watch's summary and kdh analyze %s differ", file);
	g_free(a); g_free(w); g_free(out); g_free(err);
}

static char *tmpdir(void)
{
	return g_dir_make_tmp("kdh-watch-XXXXXX", NULL);
}

static char *bcdedit_file(const char *dir, const char *hostip, const char *key)
{
	char *path = g_build_filename(dir, "dbg.txt", NULL);
	char *text = g_strdup_printf("debugtype               NET\nhostip                  "
				     "%s\nport                    50000\nkey"
				     "                     %s\n", hostip, key);

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(text);
	return path;
}

/* Replay @scenario's capture with @args; the lines must hold @want (NULL
 * ended), the exit status be @status, and kdh analyze agree */
static char *replay(const char *scenario, const char *key, int status,
		    const char *const *args, const char *const *want)
{
	char *dir = tmpdir(), *cap = sim_capture(scenario, dir), *out, *err;
	const char *argv[24] = { "--replay", cap, "--key", key };
	bool whole = true;	/* --until, --for: the summary is of a part */
	size_t n = 4;
	int rc;

	for (; args && *args; args++) {
		whole &= strcmp(*args, "--until") && strcmp(*args, "--for");
		argv[n++] = *args;
	}
	argv[n] = NULL;
	tz_utc();
	rc = watch(argv, &out, &err);
	cr_assert_eq(rc, status, "exit %d:\n%s%s", rc, out, err);
	for (; want && *want; want++)
		cr_assert(strstr(out, *want), "no '%s' in:\n%s", *want, out);
	if (whole && strstr(out, "\nNIC "))
		same_as_analyze(out, cap, key);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(err);
	return out;
}

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
		"169.254.", "(RFC 3927): the debugger is not on 169.254/16",
		"verdict: apipa-after-hang on net0 (bc:24:11:00:00:10)", NULL };
	char *out = replay("seed-dhcp-hang", KEY, 1, NULL, want);

	cr_assert(!strstr(out, "announcing"), "a 169.254 debuggee's announcements "
		  "are the apipa line's:\n%s", out);
	g_free(out);
}

Test(watch, until_hang_stops_at_the_first_problem)
{
	const char *args[] = { "--until", "hang", NULL };
	const char *want[] = { "no OFFER", "watch stopped (--until)", NULL };
	char *out = replay("seed-dhcp-hang", KEY, 1, args, want);

	cr_assert(!strstr(out, "RFC 3927"), "%s", out);
	g_free(out);
}

Test(watch, dhcp_off_connects)
{
	const char *want[] = { "connected: 4.000 s after the VM started (net0 "
		"192.168.2.72 -> 192.168.2.1:50000)", "verdict: connected on net0 "
		"(bc:24:11:00:00:12): debugger replied", "0 problems told", NULL };

	g_free(replay("seed-dhcp-off", KEY, 0, NULL, want));
}

Test(watch, dhcp_network_connects)
{
	const char *args[] = { "--until", "connected", NULL };
	const char *want[] = { "first frame from net0 (bc:24:11:00:00:13) on the "
		"capture: DHCPDISCOVER", "connected: 4.000 s after the VM started",
		"watch stopped (--until)", NULL };

	g_free(replay("dhcp-network", KEY, 0, args, want));
}

Test(watch, wrong_key)
{
	const char *want[] = { "wrong key: 2 KDNET packets from net0 to "
		"192.168.2.1:50000, none verifies with the key (given with --key)",
		"fix: give WinDbg the key `bcdedit /dbgsettings` shows",
		"verdict: key-mismatch on net0", NULL };

	g_free(replay("key-mismatch", DBG_KEY, 1, NULL, want));
}

Test(watch, announcements_unanswered)
{
	const char *want[] = { "announcing to 192.168.2.1:50000 every 3 s, no "
		"reply: is WinDbg listening on that port? a host firewall?",
		"verdict: timeout on net0", "1 problem told", NULL };

	g_free(replay("key-mismatch", KEY, 1, NULL, want));
}

Test(watch, late_debugger_unanswered_then_connected)
{
	const char *want[] = { "announcing to 192.168.2.1:50000 every 3 s",
		"connected: 121.0", "verdict: connected on net0", NULL };

	g_free(replay("late-network-debugger", KEY, 0, NULL, want));
}

Test(watch, debugger_not_on_the_link)
{
	char *dir = tmpdir(), *bcd = bcdedit_file(dir, "192.168.2.1", KEY);
	char *sc = test_data_path("watch/no-debugger.kdh");
	const char *args[] = { "--bcdedit", bcd, NULL };
	const char *want[] = { "debugger: 192.168.2.1:50000 (bcdedit); key: "
		"given with --key", "nobody has 192.168.2.1 on this link: is "
		"WinDbg's host on this network? (net0 asked 3 times in 2 s, no reply)",
		"verdict: no-kdnet-traffic", NULL };

	g_free(replay(sc, KEY, 1, args, want));
	test_rmtree(dir);
	g_free(dir); g_free(bcd); g_free(sc);
}

Test(watch, silence_when_busparams_names_no_nic)
{
	const char *args[] = { "--for", "70s", NULL };
	const char *want[] = { "00:01:00          -  no frame from any NIC of the "
		"VM 60 s after the VM started: Hyper-V enlightenments, or busparams "
		"names no NIC", "verdict: nothing seen", NULL };

	g_free(replay("busparams-wrong", KEY, 1, args, want));
}

Test(watch, silence_is_no_kdnet_with_hyperv)
{
	const char *args[] = { "--for", "40s", "--silence", "30s", NULL };
	const char *want[] = { "no KDNET from any NIC (only the OS's own frames) "
		"30 s after the VM started: Hyper-V enlightenments",
		"verdict: no-kdnet-traffic on net0", NULL };

	g_free(replay("ostype-win10", KEY, 1, args, want));
}

Test(watch, reboot_by_power_on)
{
	const char *want[] = { "net0 starts again: the VM rebooted (a new \"power "
		"on\")", "verdict: connected", NULL };
	char *out = replay("hv-guest-reboot", KEY, 0, NULL, want), *p;

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
	char *dir = tmpdir(), *cap = sim_capture("hv-guest-reboot", dir);
	char *bare = g_build_filename(dir, "bare.pcapng", NULL), *out, *err;
	const char *args[] = { "--replay", bare, "--key", KEY, NULL };

	strip_events(cap, bare);
	tz_utc();
	cr_assert_eq(watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "connected: 0.000 s after the VM's first frame"), "%s",
		  out);
	cr_assert(strstr(out, "bc:24:11:00:00:64 rebooted: its announcements carry "
			 "a new boot nonce"), "%s", out);
	cr_assert(strstr(out, "connected again: 0.0"), "%s", out);
	same_as_analyze(out, bare, KEY);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(bare); g_free(out); g_free(err);
}

Test(watch, real_windbg_capture)
{
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *args[] = { "--replay", cap, "--key", REAL_KEY, NULL };

	tz_utc();
	cr_assert_eq(watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "connected: "), "%s", out);
	cr_assert(strstr(out, "verdict: connected"), "%s", out);
	same_as_analyze(out, cap, REAL_KEY);
	g_free(cap); g_free(out); g_free(err);
}

/* Without a key: data both ways is a session all the same; announcements
 * alone are "not verified", never a wrong key */
Test(watch, without_key_nothing_is_verified)
{
	char *dir = tmpdir(), *cap = sim_capture("seed-dhcp-off", dir), *out, *err;
	char *cap2 = sim_capture("key-mismatch", dir);
	const char *args[] = { "--replay", cap, NULL };
	const char *args2[] = { "--replay", cap2, NULL };

	cr_assert_eq(watch(args, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "key: none, so KDNET packets are counted, not "
			 "verified"), "%s", out);
	cr_assert(strstr(out, "connected (not verified: no key): KDNET data both "
			 "ways, 4.000 s after the VM started"), "%s", out);
	cr_assert(strstr(out, "(not verified: no key); 0 problems"), "%s", out);
	g_free(out); g_free(err);
	cr_assert_eq(watch(args2, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "announcing to 192.168.2.1:50000 every 3 s, no reply"),
		  "%s", out);
	cr_assert(strstr(out, "verdict: not verified on net0"), "%s", out);
	cr_assert(!strstr(out, "wrong key"), "%s", out);
	g_free(cap2);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(out); g_free(err);
}

/* Every bad input: exit 2, one clear line naming it, no capture file */
Test(watch, bad_input_exit_2_nothing_captured)
{
	char *dir = tmpdir(), *pcap = g_build_filename(dir, "w.pcapng", NULL);
	char *conf = test_data_path("../bad-vmconfs/mac-short.conf");
	char *bcd = test_data_path("../bad-bcdedit/port-letters.txt");
	char *noconf = g_build_filename(dir, "nope", NULL);
	struct { const char *args[8]; const char *msg; } cases[] = {
		{ { "--iface", "lo", "--frobnicate" }, "unknown option '--frobnicate'" },
		{ { "--iface", "lo", "--fr" }, "unknown option '--fr' (did you mean '--for'?)" },
		{ { "--iface", "lo", "--for", "5x" }, "--for: '5x' is not a duration" },
		{ { "--iface", "lo", "--for", "0s" }, "--for: '0s' is not a duration" },
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
		{ { noconf }, "nope: Failed to open file" },
		{ { "999", "--config-dir", dir }, "999.conf: Failed to open file" },
		{ { conf, "--iface", "lo" }, "mac-short.conf:2: net0: 'BC:24:11:00:00:1' "
		  "is not a MAC address" },
		{ { "--iface", "lo", "--bcdedit", bcd }, "port-letters.txt:3: port 'abc' "
		  "is not a number" },
		{ { "--replay", "/nonexistent.pcap" }, "/nonexistent.pcap: " },
		{ { "--replay", "x.pcap", "--iface", "lo" }, "--replay reads a capture" },
	};

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
		rc = watch(argv, &out, &err);
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
}

/* ---- live, in a network namespace of this test's own (root) ---- */

#define VM_MAC		"bc:24:11:00:05:01"	/* net1 of 105.conf */

static void need_netns(void)
{
	char err[256];

	if (!ns_topo_can_admin())
		cr_skip_test("needs root or CAP_NET_ADMIN (a private netns and taps)");
	cr_assert_eq(ns_topo_netns_private(err, sizeof(err)), 0, "%s", err);
}

/* A Proxmox-like VMID.conf and bcdedit output, readable by anyone */
static void pve_dir_write(const char *dir)
{
	char *conf = g_build_filename(dir, "105.conf", NULL);
	char *bcd = g_build_filename(dir, "dbg.txt", NULL);

	cr_assert(g_file_set_contents(conf, "boot: order=scsi0\nmemory: 4096\n"
		"name: win11-dbg\nnet0: virtio=BC:24:11:00:05:00,bridge=vmbr0,"
		"firewall=1\nnet1: e1000=BC:24:11:00:05:01,bridge=vmbr1\n"
		"ostype: other\nscsi0: local-lvm:vm-105-disk-0,size=64G\n", -1, NULL));
	cr_assert(g_file_set_contents(bcd, "key                     " KEY "\n"
		"debugtype               NET\nhostip                  192.168.2.1\n"
		"port                    50000\ndhcp                    Yes\n"
		"busparams               0.19.0\n", -1, NULL));
	cr_assert_eq(chmod(dir, 0755), 0);
	g_free(conf);
	g_free(bcd);
}

static struct ns_topo *taps_make(const char *const *names, int *fds)
{
	char err[256];
	struct ns_topo *t = ns_topo_open(err, sizeof(err));

	cr_assert(t, "%s", err);
	for (size_t i = 0; names[i]; i++) {
		cr_assert_eq(ns_topo_tap_open(t, names[i], &fds[i]), 0, "%s",
			     ns_topo_error(t));
		cr_assert_eq(ns_topo_link_up(t, names[i]), 0, "%s", ns_topo_error(t));
	}
	return t;
}

/* A process standing in for the VM's QEMU, in DIR/105.pid as Proxmox's */
static pid_t qemu_stand_in(const char *dir)
{
	char *path = g_build_filename(dir, "105.pid", NULL), text[32];
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	snprintf(text, sizeof(text), "%d\n", pid);
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(path);
	return pid;
}

/* kdh watch in the background, its stdout and stderr to files */
static pid_t watch_start(const char *const *args, const char *out,
			 const char *err)
{
	const char *argv[32] = { "kdh", "watch" };
	size_t n = 2;
	pid_t pid;

	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
			_exit(127);
		execv(getenv("KDH_BIN"), (char **)argv);
		_exit(127);
	}
	return pid;
}

static char *file_text(const char *path)
{
	char *text = NULL;

	g_file_get_contents(path, &text, NULL, NULL);
	return text ? text : g_strdup("");
}

/* Wait (10 ms steps, at most @secs) for @text in @path */
static void wait_for(const char *path, const char *text, int secs)
{
	for (int i = 0; i < secs * 100; i++) {
		char *s = file_text(path);
		bool found = strstr(s, text) != NULL;

		g_free(s);
		if (found)
			return;
		usleep(10000);
	}
	{
		char *s = file_text(path);

		cr_assert_fail("no '%s' in %s after %d s:\n%s", text, path, secs, s);
	}
}

static int watch_wait(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "kdh watch died of signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

static void put(int fd, const uint8_t *frame, size_t len)
{
	cr_assert_eq(write(fd, frame, len), (ssize_t)len, "tap write: %s",
		     strerror(errno));
}

/* A DHCP message as a frame: client (src, broadcast) or server reply */
static void dhcp_put(int fd, const uint8_t src[6], uint8_t type,
		     const uint8_t chaddr[6], uint32_t xid)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t msg[400], frame[600];
	bool reply = type == DHCPOFFER;
	size_t m = test_dhcp_msg(msg, reply ? 2 : 1, type, xid, chaddr,
				 reply ? 0xc0a8020f : 0, reply ? 0xc0a80202 : 0);

	put(fd, frame, test_udp_frame(frame, src, bcast, reply ? 0xc0a80202 : 0,
				      reply ? 67 : 68, 0xffffffff, reply ? 68 : 67,
				      msg, m));
}

Test(watch, vmid_taps_filter_and_pcap, .timeout = 60)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	static const uint8_t server[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	const char *names[] = { "tap105i0", "tap105i1", NULL };
	char *dir = tmpdir(), *out = g_build_filename(dir, "out", NULL);
	char *err = g_build_filename(dir, "err", NULL), *text, *bcd;
	char *pcap = g_build_filename(dir, "w.pcapng", NULL);
	uint8_t vm[6], frame[64];
	struct ns_topo *t;
	int fds[2];
	pid_t pid, qemu;

	need_netns();
	pve_dir_write(dir);
	bcd = g_build_filename(dir, "dbg.txt", NULL);
	t = taps_make(names, fds);
	mac_parse(VM_MAC, vm);
	qemu = qemu_stand_in(dir);
	{
		const char *args[] = { "105", "--config-dir", dir, "--pid-dir", dir,
				       "--bcdedit", bcd, "--network", "static",
				       "--pcap", pcap, NULL };

		pid = watch_start(args, out, err);
	}
	wait_for(out, "\nlive: ", 10);
	for (int i = 0; i < 20; i++) {		/* not the VM's: filtered out */
		put(fds[1], frame, test_arp_frame(frame, ARP_OP_REQUEST, other,
						  0xc0a80299, other, 0xc0a80201));
		dhcp_put(fds[1], other, DHCPDISCOVER, other, (uint32_t)i);
		dhcp_put(fds[1], server, DHCPOFFER, other, (uint32_t)i);
	}
	dhcp_put(fds[1], vm, DHCPDISCOVER, vm, 1);	/* two: not one twice */
	dhcp_put(fds[1], vm, DHCPDISCOVER, vm, 2);
	wait_for(out, "no OFFER", 10);
	dhcp_put(fds[1], server, DHCPOFFER, vm, 2);	/* a broadcast to the VM: kept */
	put(fds[1], frame, test_arp_frame(frame, ARP_OP_REQUEST, vm, 0, vm,
					  0xa9fe0102));	/* read after the OFFER */
	wait_for(out, "probes for 169.254.1.2 (RFC 3927)", 10);
	kill(pid, SIGTERM);
	cr_assert_eq(watch_wait(pid), 1);
	kill(qemu, SIGKILL);
	waitpid(qemu, NULL, 0);
	text = file_text(out);
	{
		const char *want[] = {
			"kdh watch: ", "/105.conf, bcdedit ",
			"ok     KDNET will use net1 (e1000 at 0.19.0, bridge vmbr1), named "
			"by busparams 0.19.0",
			"BLOCK  dhcp yes on a network without a DHCP server",
			"debug NIC: net1 (e1000, guest PCI 0.19.0) on tap105i1",
			"watching: tap105i0 (net0, bridge vmbr0; firewall=1: the tap is in "
			"fwbr105i0), tap105i1 (net1, bridge vmbr1); read only",
			"filter: the VM's 2 MACs and DHCP broadcasts to them",
			"debugger: 192.168.2.1:50000 (bcdedit); key: bcdedit's",
			"\nVM started ", " s before the watch)\n",
			"the VM is up: first frame from net1 (bc:24:11:00:05:01) on "
			"tap105i1: DHCPDISCOVER, ", " s after the VM started\n",
			"t0 = the \"power on\" event",
			"net1 sent 2 DHCPDISCOVERs, no OFFER: no DHCP server on vmbr1",
			"watch stopped (a signal)",
			"tap105i0,tap105i1 (live): 6 frames",	/* and 2 events */
			"\nNIC bc:24:11:00:05:01\n", "DHCPOFFER 192.168.2.15 from 192.168.2.2",
			NULL };

		for (size_t i = 0; want[i]; i++)
			cr_assert(strstr(text, want[i]), "no '%s' in:\n%s", want[i], text);
	}
	cr_assert(!strstr(text, "02:00:00:00:00:99"), "the filter let another "
		  "MAC through:\n%s", text);
	same_as_analyze(text, pcap, KEY);
	ns_topo_teardown(t);
	ns_topo_close(t);
	close(fds[0]);
	close(fds[1]);
	test_rmtree(dir);
	g_free(text); g_free(dir); g_free(out); g_free(err); g_free(pcap); g_free(bcd);
}

/* --iface and --mac, no config; --pcap - (the lines go to stderr), ARP for
 * the debugger unanswered, --until hang ends it */
Test(watch, iface_mac_pcap_to_stdout_until_hang, .timeout = 60)
{
	const char *names[] = { "tap100i0", NULL };
	char *dir = tmpdir(), *out = g_build_filename(dir, "w.pcapng", NULL);
	char *err = g_build_filename(dir, "err", NULL), *text;
	char *bcd = bcdedit_file(dir, "192.168.2.1", KEY);
	const char *args[] = { "--iface", "tap100i0", "--mac", VM_MAC, "--bcdedit",
			       bcd, "--until", "hang", "--pcap", "-", NULL };
	uint8_t vm[6], frame[64];
	struct ns_topo *t;
	int fd;
	pid_t pid;

	need_netns();
	t = taps_make(names, &fd);
	mac_parse(VM_MAC, vm);
	pid = watch_start(args, out, err);
	wait_for(err, "\nlive: ", 10);
	for (int i = 0; i < 3; i++) {		/* the stack's retries, 1.1 s apart */
		put(fd, frame, test_arp_frame(frame, ARP_OP_REQUEST, vm, 0xc0a80248,
					      vm, 0xc0a80201));
		if (i < 2)
			usleep(1100000);
	}
	cr_assert_eq(watch_wait(pid), 1);
	text = file_text(err);
	cr_assert(strstr(text, "kdh watch: no VM config, so no kdh check findings"),
		  "%s", text);
	cr_assert(strstr(text, "filter: the VM's 1 MAC"), "%s", text);
	cr_assert(strstr(text, "nobody has 192.168.2.1 on this link: is WinDbg's "
			 "host on this network? (bc:24:11:00:05:01 asked 3 times"), "%s",
		  text);
	cr_assert(strstr(text, "watch stopped (--until)"), "%s", text);
	cr_assert(strstr(text, "\nNIC bc:24:11:00:05:01\n"), "a NIC that asks ARP "
		  "for the debugger is a debuggee:\n%s", text);
	same_as_analyze(text, out, KEY);
	ns_topo_close(t);
	close(fd);
	test_rmtree(dir);
	g_free(text); g_free(dir); g_free(out); g_free(err); g_free(bcd);
}

Test(watch, missing_tap_and_no_cap_net_raw, .timeout = 60)
{
	const char *names[] = { "tap105i0", NULL };
	char *dir = tmpdir(), *pcap = g_build_filename(dir, "w.pcapng", NULL);
	char *out, *err;
	struct ns_topo *t;
	int fd;

	need_netns();
	pve_dir_write(dir);
	t = taps_make(names, &fd);
	{
		const char *args[] = { "105", "--config-dir", dir, "--pcap", pcap, NULL };

		cr_assert_eq(watch(args, &out, &err), 2, "%s%s", out, err);
		cr_assert(strstr(err, "kdh watch: no interface tap105i1 (net1 of VM "
				 "105): the VM is probably not running (qm start 105, "
				 "then kdh watch 105)"), "%s", err);
		g_free(out); g_free(err);
	}
	{
		const char *argv[] = { "setpriv", "--reuid=65534", "--regid=65534",
			"--clear-groups", "--inh-caps=-all", getenv("KDH_BIN"), "watch",
			"105", "--config-dir", dir, "--iface", "tap105i0", "--pcap", pcap,
			NULL };

		cr_assert_eq(test_run(argv, &out, &err), 2, "%s%s", out, err);
		cr_assert(strstr(err, "kdh watch: capturing on tap105i0 needs "
				 "CAP_NET_RAW"), "%s", err);
		cr_assert_str_eq(out, "");
		g_free(out); g_free(err);
	}
	cr_assert(!g_file_test(pcap, G_FILE_TEST_EXISTS));
	ns_topo_close(t);
	close(fd);
	test_rmtree(dir);
	g_free(dir); g_free(pcap);
}

/* The VM's start from a pid file: a live process's, none without one */
Test(watch, qemu_start_from_pid_file)
{
	char *dir = tmpdir(), *path = g_build_filename(dir, "105.pid", NULL);
	char text[32];
	unsigned pid;
	uint64_t start;

	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE);
	cr_assert_eq(pid, 0);
	snprintf(text, sizeof(text), "%d\n", getpid());
	cr_assert(g_file_set_contents(path, text, -1, NULL));
	start = watch_qemu_start(105, dir, &pid);
	cr_assert_eq(pid, (unsigned)getpid());
	cr_assert_neq(start, AN_NONE);
	cr_assert(start <= (uint64_t)time(NULL) * 1000000000ull + 1000000000ull &&
		  start + 600ull * 1000000000ull > (uint64_t)time(NULL) * 1000000000ull,
		  "this test began %.1f s ago?", (double)time(NULL) - start / 1e9);
	cr_assert(g_file_set_contents(path, "99999999\n", -1, NULL));
	cr_assert_eq(watch_qemu_start(105, dir, &pid), AN_NONE, "no such process");
	test_rmtree(dir);
	g_free(dir); g_free(path);
}
