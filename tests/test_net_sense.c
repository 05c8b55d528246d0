// SPDX-License-Identifier: GPL-2.0-or-later
/* test_net_sense.c - network values checked for sense, the accepting side:
 * what sits right at a bound or is plainly fine still parses (the refused
 * side is tests/bad-scenarios/, bad-vmconfs/ and bad-bcdedit/) */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/scenario/scenario.h"
#include "kdh/platform/vmconf.h"

/* qemu-server's $net_fmt bounds, both ends: accepted (bad-vmconfs/ has
 * one past each end) */
Test(net_sense, nic_numbers_at_qemu_servers_bounds)
{
	struct vmconf c;
	char err[256];

	cr_assert_eq(vmconf_parse("100.conf",
		"net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,mtu=1,queues=0,rate=0\n"
		"net1: virtio=BC:24:11:00:00:02,bridge=vmbr0,mtu=65520,queues=64,"
		"rate=12.5\n", &c, err, sizeof(err)), 0, "%s", err);
	cr_assert(c.has_net[0] && c.has_net[1]);
}

static void accepted(const char *text)
{
	struct scenario *sc = g_new0(struct scenario, 1);
	char err[512];

	cr_assert_eq(scenario_parse("ok.kdh", text, sc, err, sizeof(err)), 0,
		     "%s", err);
	g_free(sc);
}

#define NET(name, subnet) "[network " name "]\ntype = static\nsubnet = " \
	subnet "\n\n"
#define VM(nets) "[vm win]\n" nets "dbgsettings = net hostip:192.168.2.1 " \
	"port:50000 key:1.2.3.4\ndhcp = no\n"

/* Neighbours that touch but do not overlap; the last host of a /24 */
Test(net_sense, adjacent_subnets_and_edge_hosts)
{
	accepted(NET("lan", "192.168.2.0/25") NET("wan", "192.168.2.128/25")
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan\n")
		 "ip = 192.168.2.126/25\n");
	accepted(NET("lan", "192.168.2.0/24") "[debugger]\nip = 192.168.2.254\n\n"
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan\n")
		 "ip = 192.168.2.1/24\ngateway = 192.168.2.254\n");
}

/* tag= on the debugger's network: fine when [expect] says it does not
 * connect, when the tag is 1 (the bridge's own VLAN), or when another
 * NIC of the VM is untagged there */
Test(net_sense, vlan_tags_that_make_sense)
{
	accepted(NET("lan", "192.168.2.0/24")
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan,tag=5\n")
		 "ip = 192.168.2.72/24\n\n[expect]\noutcome = no-kdnet-traffic\n");
	accepted(NET("lan", "192.168.2.0/24")
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan,tag=5\n")
		 "ip = 192.168.2.72/24\n\n[expect]\noutcome != connected\n");
	accepted(NET("lan", "192.168.2.0/24")
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan,tag=1\n")
		 "ip = 192.168.2.72/24\n\n[expect]\noutcome = connected\n");
	accepted(NET("lan", "192.168.2.0/24")
		 VM("net0: e1000=BC:24:11:00:00:01,bridge=lan,tag=5\n"
		    "net1: e1000=BC:24:11:00:00:02,bridge=lan\n")
		 "ip = 192.168.2.72/24\n\n[expect]\noutcome = connected\n");
}

/* The simulated switch honours tag=: a tag=5 NIC's KDNET never reaches the
 * debugger on VLAN 1 (what the bridge backend's vm-bridge-vlan shows) */
Test(net_sense, tagged_nic_never_reaches_the_debugger, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-vlan-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "vlan.kdh", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", dir, NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(sc, "[scenario]\ntimeout = 30s\n\n"
		NET("lan", "192.168.2.0/24")
		VM("net0: e1000=BC:24:11:00:00:01,bridge=lan,tag=5\n")
		"ip = 192.168.2.72/24\n\n[expect]\n"
		"outcome = no-kdnet-traffic\nconnect_time = none\n", -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  vlan"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(sc); g_free(dir);
}

/* kdh check: a hostip no debugger can have blocks; a tagged debug NIC
 * says which VLAN the debugger must be on */
Test(net_sense, check_hostip_and_vlan, .timeout = 30)
{
	char *dir = g_dir_make_tmp("kdh-check-XXXXXX", NULL);
	char *conf = g_build_filename(dir, "105.conf", NULL);
	char *bcd = g_build_filename(dir, "dbg.txt", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "check", conf, "--bcdedit", bcd,
			       "--network", "static", NULL };
	char *out, *err;

	cr_assert(g_file_set_contents(conf, "ostype: other\nnet0: e1000=BC:24:11:"
				      "00:00:01,bridge=vmbr0,tag=5\n", -1, NULL));
	cr_assert(g_file_set_contents(bcd, "debugtype NET\nhostip 127.0.0.1\n"
				      "port 50000\ndhcp No\n", -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 1, "%s%s", out, err);
	cr_assert(strstr(out, "BLOCK  hostip 127.0.0.1 is loopback"), "%s", out);
	cr_assert(strstr(out, "WARN   net0 has tag=5: the NIC is on VLAN 5 of "
			 "vmbr0 only"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(conf); g_free(bcd); g_free(dir);
}
