// SPDX-License-Identifier: GPL-2.0-or-later
/* test_topo.c - netsim/topo.c against the real kernel, in a private
 * network namespace of a child process (root only): bridges, taps,
 * ports, addresses, the one-request teardown, and error texts that name
 * the request, the object and libnl's reason */
#include <criterion/criterion.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netsim/topo.h"

/* Run @fn in a child moved into a new network namespace */
static void in_netns(void (*fn)(void))
{
	char err[256];
	pid_t pid;
	int status;

	if (!ns_topo_can_admin())
		cr_skip_test("needs root or CAP_NET_ADMIN");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (ns_topo_netns_private(err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			_exit(2);
		}
		fn();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the check in the namespace failed (status %d)", status);
}

#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); _exit(1); } } while (0)

static void build_and_tear_down(void)
{
	char err[256];
	struct ns_topo *t = ns_topo_open(err, sizeof(err));
	int fd[3];

	CHECK(t, "%s", err);
	CHECK(if_nametoindex("lo"), "lo");
	CHECK(!ns_topo_bridge_add(t, "vmbr0", false), "%s", ns_topo_error(t));
	CHECK(!ns_topo_addr_add(t, "vmbr0", 0xc0a80201, 24), "%s", ns_topo_error(t));
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "tap100i%d", i);
		CHECK(!ns_topo_tap_open(t, name, &fd[i]), "%s", ns_topo_error(t));
		CHECK(!ns_topo_port_add(t, name, "vmbr0", 0), "%s", ns_topo_error(t));
	}
	/* errors name the request, the object and libnl's reason */
	CHECK(ns_topo_bridge_add(t, "vmbr0", false), "a second vmbr0");
	CHECK(strstr(ns_topo_error(t), "libnl: add bridge vmbr0: "),
	      "%s", ns_topo_error(t));
	CHECK(ns_topo_port_add(t, "tap100i0", "vmbr9", 0), "no vmbr9");
	CHECK(strstr(ns_topo_error(t), "enslave tap100i0 to vmbr9"),
	      "%s", ns_topo_error(t));
	CHECK(!ns_topo_teardown(t), "%s", ns_topo_error(t));
	CHECK(!if_nametoindex("vmbr0") && !if_nametoindex("tap100i2"),
	      "the group delete left links");
	CHECK(if_nametoindex("lo"), "lo is not kdh's to delete");
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	ns_topo_close(t);
}

Test(topo, build_and_tear_down_in_a_private_namespace)
{
	in_netns(build_and_tear_down);
	cr_assert_eq(if_nametoindex("vmbr0"), 0, "nothing in the host namespace");
}

/* VLAN-aware bridges work, or fail as "not supported" on kernels built
 * without bridge VLAN filtering (this CI machine's) */
static void vlan_or_unsupported(void)
{
	char err[256];
	struct ns_topo *t = ns_topo_open(err, sizeof(err));
	int fd;

	CHECK(t, "%s", err);
	if (ns_topo_bridge_add(t, "vmbr1", true)) {
		CHECK(ns_topo_unsupported(t), "%s", ns_topo_error(t));
		ns_topo_close(t);
		return;
	}
	CHECK(!ns_topo_tap_open(t, "tap101i0", &fd), "%s", ns_topo_error(t));
	CHECK(!ns_topo_port_add(t, "tap101i0", "vmbr1", 5), "%s", ns_topo_error(t));
	CHECK(!ns_topo_teardown(t), "%s", ns_topo_error(t));
	close(fd);
	ns_topo_close(t);
}

Test(topo, vlan_aware_bridge_or_a_clear_unsupported)
{
	in_netns(vlan_or_unsupported);
}
