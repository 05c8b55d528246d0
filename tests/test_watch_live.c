// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_live.c - kdh watch on live interfaces, in a network
 * namespace of this test's own (root; skipped otherwise): a VMID's opening
 * lines and taps, frames written into the taps through the BPF filter (the
 * VM's kept, others' not), the --pcap file and --pcap -, a QEMU pid file's
 * start as the power-on, --until hang, a missing tap, no CAP_NET_RAW. */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"
#include "netsim/topo.h"
#include "watch_helpers.h"

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
	cr_assert(g_file_set_contents(bcd, "key                     " TW_KEY "\n"
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
	pid_t pid = tw_qemu_stand_in(105);

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
	char *dir = tw_tmpdir(), *out = g_build_filename(dir, "out", NULL);
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
	tw_qemu_stop(qemu);
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
			"tap105i0,tap105i1 (live): 4 frames",	/* not its 2 events */
			"\nNIC bc:24:11:00:05:01\n", "DHCPOFFER 192.168.2.15 from 192.168.2.2",
			NULL };

		for (size_t i = 0; want[i]; i++)
			cr_assert(strstr(text, want[i]), "no '%s' in:\n%s", want[i], text);
	}
	cr_assert(!strstr(text, "02:00:00:00:00:99"), "the filter let another "
		  "MAC through:\n%s", text);
	tw_same_as_analyze(text, pcap, TW_KEY);
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
	char *dir = tw_tmpdir(), *out = g_build_filename(dir, "w.pcapng", NULL);
	char *err = g_build_filename(dir, "err", NULL), *text;
	char *bcd = tw_bcdedit_file(dir, "192.168.2.1", TW_KEY);
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
	tw_same_as_analyze(text, out, TW_KEY);
	ns_topo_close(t);
	close(fd);
	test_rmtree(dir);
	g_free(text); g_free(dir); g_free(out); g_free(err); g_free(bcd);
}

Test(watch, missing_tap_and_no_cap_net_raw, .timeout = 60)
{
	const char *names[] = { "tap105i0", NULL };
	char *dir = tw_tmpdir(), *pcap = g_build_filename(dir, "w.pcapng", NULL);
	char *out, *err;
	struct ns_topo *t;
	int fd;

	need_netns();
	pve_dir_write(dir);
	t = taps_make(names, &fd);
	{
		const char *args[] = { "105", "--config-dir", dir, "--pcap", pcap, NULL };

		cr_assert_eq(tw_watch(args, &out, &err), 2, "%s%s", out, err);
		cr_assert(strstr(err, "kdh watch: no interface tap105i1 (net1 of VM "
				 "105): the VM is probably not running (qm start 105, "
				 "then this kdh watch again)"), "%s", err);
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


/* kdh analyze FILE reads @pcap, and finds the VM in it */
static void pcap_readable(const char *pcap)
{
	const char *argv[] = { getenv("KDH_BIN"), "analyze", pcap, "--key", TW_KEY,
			       NULL };
	char *out, *err;
	int rc;

	cr_assert(g_file_test(pcap, G_FILE_TEST_EXISTS), "no %s", pcap);
	rc = test_run(argv, &out, &err);
	cr_assert(rc == 0 || rc == 1, "exit %d: %s%s", rc, out, err);
	cr_assert(strstr(out, "\nNIC " VM_MAC), "%s", out);
	g_free(out); g_free(err);
}

/* The terminal closed (SIGHUP): a stop like Ctrl-C, the --pcap kept */
Test(watch, sighup_keeps_the_pcap, .timeout = 60)
{
	const char *names[] = { "tap100i0", NULL };
	char *dir = tw_tmpdir(), *out = g_build_filename(dir, "out", NULL);
	char *err = g_build_filename(dir, "err", NULL), *text;
	char *pcap = g_build_filename(dir, "w.pcapng", NULL);
	const char *args[] = { "--iface", "tap100i0", "--mac", VM_MAC, "--pcap",
			       pcap, NULL };
	uint8_t vm[6];
	struct ns_topo *t;
	int fd;
	pid_t pid;

	need_netns();
	t = taps_make(names, &fd);
	mac_parse(VM_MAC, vm);
	pid = watch_start(args, out, err);
	wait_for(out, "\nlive: ", 10);
	dhcp_put(fd, vm, DHCPDISCOVER, vm, 1);
	wait_for(out, "the VM is up", 10);
	kill(pid, SIGHUP);
	cr_assert_eq(watch_wait(pid), 1);
	text = file_text(out);
	cr_assert(strstr(text, "watch stopped (a signal)"), "%s", text);
	pcap_readable(pcap);
	ns_topo_close(t);
	close(fd);
	test_rmtree(dir);
	g_free(text); g_free(dir); g_free(out); g_free(err); g_free(pcap);
}

/* kdh watch | head: the pipe closes, the watch ends cleanly (no SIGPIPE)
 * and keeps its --pcap */
Test(watch, closed_pipe_ends_the_watch_keeps_the_pcap, .timeout = 60)
{
	const char *names[] = { "tap100i0", NULL };
	char *dir = tw_tmpdir(), *pcap = g_build_filename(dir, "w.pcapng", NULL);
	const char *argv[] = { "kdh", "watch", "--iface", "tap100i0", "--mac",
			       VM_MAC, "--pcap", pcap, NULL };
	char buf[4096] = "";
	size_t got = 0;
	uint8_t vm[6];
	struct ns_topo *t;
	int fd, p[2];
	pid_t pid;

	need_netns();
	t = taps_make(names, &fd);
	mac_parse(VM_MAC, vm);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(getenv("KDH_BIN"), (char **)argv);
		_exit(127);
	}
	close(p[1]);
	while (!strstr(buf, "\nlive: ") && got < sizeof(buf) - 1) {
		ssize_t n = read(p[0], buf + got, sizeof(buf) - 1 - got);

		cr_assert_gt(n, 0, "kdh watch ended early:\n%s", buf);
		got += (size_t)n;
		buf[got] = '\0';
	}
	close(p[0]);				/* head has read its lines */
	dhcp_put(fd, vm, DHCPDISCOVER, vm, 1);	/* a line to write: EPIPE */
	cr_assert_eq(watch_wait(pid), 1);
	pcap_readable(pcap);
	ns_topo_close(t);
	close(fd);
	test_rmtree(dir);
	g_free(dir); g_free(pcap);
}
