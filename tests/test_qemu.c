// SPDX-License-Identifier: GPL-2.0-or-later
/* test_qemu.c - a real QEMU (TCG) on `kdh net`: the e1000's iPXE ROM does
 * DHCP through the stream socket.  A DHCP network answers (DISCOVER from the
 * VM's MAC, OFFER from slirp); a static-IP network does not (DISCOVERs, no
 * OFFER).  Checked with kdh's reader and with tshark on the same file. */
#include <criterion/criterion.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/capfile.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"

#define VM_MAC		"bc:24:11:00:00:01"
#define RUN_FOR		"12s"

static void die_with_parent(gpointer unused)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no QEMU outlives the test */
}

static GPid spawn(const char *const argv[])
{
	GError *e = NULL;
	GPid pid;

	cr_assert(g_spawn_async(NULL, (char **)argv, NULL,
				G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
				G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				die_with_parent, NULL, &pid, &e),
		  "spawn %s: %s", argv[0], e ? e->message : "");
	return pid;
}

struct dhcp_count {
	unsigned discovers, offers, frames;
};

static void count_dhcp(const char *pcap, struct dhcp_count *c)
{
	char err[128], mac[MAC_STRLEN];
	struct capfile *cf = capfile_open(pcap, err, sizeof(err));
	struct cap_frame f;

	cr_assert(cf, "%s: %s", pcap, err);
	memset(c, 0, sizeof(*c));
	while (capfile_next(cf, &f) == 1) {
		struct frame_view v;
		struct dhcp_view d;

		c->frames++;
		if (frame_parse(f.linktype, f.data, f.caplen, &v) ||
		    v.kind != FRAME_UDP || dhcp_parse(v.udp.payload, v.udp.len, &d))
			continue;
		if (d.msg_type == DHCPDISCOVER &&
		    !strcmp(mac_str(v.eth.src, mac), VM_MAC))
			c->discovers++;
		if (d.msg_type == DHCPOFFER && v.ip.src == 0xc0a80202)
			c->offers++;
	}
	cr_assert_null(capfile_warning(cf));
	capfile_close(cf);
}

static unsigned tshark_count(const char *pcap, const char *filter)
{
	const char *argv[] = { "tshark", "-r", pcap, "-Y", filter, NULL };
	char *out, *err;
	unsigned n = 0;

	cr_assert_eq(test_run(argv, &out, &err), 0, "tshark: %s", err);
	for (char *p = out; *p; p++)
		n += *p == '\n';
	g_free(out);
	g_free(err);
	return n;
}

static void cleanup(char *dir, char *pcap)
{
	unlink(pcap);
	rmdir(dir);
	g_free(pcap);
	g_free(dir);
}

static void boot_on(const char *kind, struct dhcp_count *c, char **dirp,
		    char **pcap)
{
	const char *kdh = getenv("KDH_BIN");
	char *dir = g_dir_make_tmp("kdh-qemu-XXXXXX", NULL);
	char *sock = g_build_filename(dir, "net.sock", NULL);
	char *netdev = g_strdup_printf("stream,id=net0,server=off,addr.type=unix,"
				       "addr.path=%s", sock);
	const char *net_argv[] = { kdh, "net", kind, "--socket", sock, "--pcap",
		NULL, "--for", RUN_FOR, "--seed", "1", NULL };
	const char *qemu_argv[] = { "qemu-system-x86_64", "-accel", "tcg",
		"-m", "128", "-nodefaults", "-display", "none", "-serial", "none",
		"-monitor", "none", "-boot", "n", "-netdev", netdev,
		"-device", "e1000,netdev=net0,mac=" VM_MAC, NULL };
	char *qemu_path = g_find_program_in_path("qemu-system-x86_64");
	GPid net, qemu;
	int status;

	if (!qemu_path)
		cr_skip_test("qemu-system-x86_64 is not installed "
			     "(scripts/bootstrap.sh installs it)");
	g_free(qemu_path);
	*pcap = g_build_filename(dir, "boot.pcapng", NULL);
	net_argv[6] = *pcap;
	net = spawn(net_argv);
	for (int i = 0; i < 500 && access(sock, F_OK); i++) {
		cr_assert_eq(waitpid(net, &status, WNOHANG), 0,
			     "kdh net exited early (status %d)", status);
		g_usleep(10000);
	}
	cr_assert_eq(access(sock, F_OK), 0, "kdh net did not create %s", sock);
	qemu = spawn(qemu_argv);
	cr_assert_eq(waitpid(net, &status, 0), net);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "kdh net exited with %d", status);
	kill(qemu, SIGTERM);
	waitpid(qemu, &status, 0);
	count_dhcp(*pcap, c);
	cr_assert_neq(access(sock, F_OK), 0, "kdh net removed its socket");
	g_free(netdev);
	g_free(sock);
	*dirp = dir;
}

Test(qemu, ipxe_gets_an_offer_on_a_dhcp_network, .timeout = 90)
{
	struct dhcp_count c;
	char *dir, *pcap;

	boot_on("--dhcp", &c, &dir, &pcap);
	cr_assert_geq(c.discovers, 1, "no DISCOVER from the VM (%u frames)", c.frames);
	cr_assert_geq(c.offers, 1, "slirp sent no OFFER");
	cr_assert_geq(tshark_count(pcap, "dhcp.option.dhcp == 2"), 1);
	cr_assert_eq(tshark_count(pcap, "dhcp.option.dhcp == 1 && eth.src == " VM_MAC),
		     c.discovers, "tshark and kdh agree");
	cleanup(dir, pcap);
}

Test(qemu, ipxe_gets_nothing_on_a_static_network, .timeout = 90)
{
	struct dhcp_count c;
	char *dir, *pcap;

	boot_on("--static", &c, &dir, &pcap);
	cr_assert_geq(c.discovers, 2, "iPXE retries: %u DISCOVERs", c.discovers);
	cr_assert_eq(c.offers, 0);
	cr_assert_eq(tshark_count(pcap, "dhcp.option.dhcp == 2"), 0);
	cleanup(dir, pcap);
}
