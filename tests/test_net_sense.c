// SPDX-License-Identifier: GPL-2.0-or-later
/* test_net_sense.c - network values checked for sense, the accepting side:
 * what sits right at a bound or is plainly fine still parses (the refused
 * side is tests/bad-scenarios/, bad-vmconfs/ and bad-bcdedit/) */
#include <criterion/criterion.h>
#include <string.h>

#include "kdh/scenario.h"
#include "kdh/vmconf.h"

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
