// SPDX-License-Identifier: GPL-2.0-or-later
/* test_agent.c - what kdh-agent reads: the kernel command line written by
 * the harness, and NIC identities from sysfs */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/target/agent.h"

Test(agent, cmdline_round_trip)
{
	struct target_config a, b;
	char err[256], *line;

	target_config_default(&a);
	a.host_ip = 0xc0a80201;
	a.port = 50123;
	kdnet_key_parse("1x2y3z.4a5b6c.7d8e9f.0g1h2i", a.key, NULL, 0);
	a.dhcp = false;
	a.ip = 0xc0a80248;
	a.netmask = 0xffffff00;
	a.has_busparams = true;
	a.busparams = (struct pci_addr){ 0, 19, 0 };
	a.timing.dhcp_give_up_ns = 20 * NS_PER_S;
	line = agent_cmdline_build(&a);
	cr_assert_eq(agent_cmdline_parse(line, &b, err, sizeof(err)), 0, "%s: %s",
		     line, err);
	cr_assert_eq(b.host_ip, a.host_ip);
	cr_assert_eq(b.port, 50123);
	cr_assert_arr_eq(b.key, a.key, 32);
	cr_assert_not(b.dhcp);
	cr_assert_eq(b.ip, a.ip);
	cr_assert_eq(b.netmask, a.netmask);
	cr_assert(b.has_busparams);
	cr_assert_eq(b.busparams.dev, 19);
	cr_assert_eq(b.timing.dhcp_give_up_ns, 20 * NS_PER_S);
	free(line);
}

/* The KD script crosses into the VM whole: names, times to the ns, a
 * DbgPrint's blanks and odd bytes */
Test(agent, kd_script_round_trip)
{
	struct target_config a, b;
	char err[256], *line;

	target_config_default(&a);
	a.host_ip = 0xc0a80201;
	kdnet_key_parse("1.2.3.4", a.key, NULL, 0);
	snprintf(a.kd.drivers, sizeof(a.kd.drivers), "ACPI.sys,pci.sys");
	a.kd.n_drivers = 2;
	a.kd.kdfiles = true;
	a.timing.driver_load_ns = 1500 * 1000;
	a.kd.n_dbgprint = 2;
	a.kd.dbgprint[0].at_ns = 5 * NS_PER_S;
	snprintf(a.kd.dbgprint[0].text, TARGET_DBGPRINT_LEN, "Hello 100%% kd: x=1");
	a.kd.dbgprint[1].at_ns = 7;
	snprintf(a.kd.dbgprint[1].text, TARGET_DBGPRINT_LEN, "two");
	a.kd.has_break = true;
	a.kd.break_ns = 10 * NS_PER_S;
	a.kd.has_assert = true;
	a.kd.assert_ns = 11 * NS_PER_S;
	a.kd.has_bugcheck = true;
	a.kd.bugcheck_ns = 30 * NS_PER_S;
	a.kd.bugcheck_code = 0xd1;
	a.kd.bugcheck_param[0] = 0xfffff80312345678ull;
	a.kd.bugcheck_param[3] = 0xfffff8031234abcdull;
	line = agent_cmdline_build(&a);
	cr_assert_lt(strlen(line), AGENT_CMDLINE_MAX);
	cr_assert(strstr(line, " kdh.dbgprint=5000ms:Hello%20100%25%20kd%3A%20x%3D1 "),
		  "one word, odd bytes escaped: %s", line);
	cr_assert_eq(agent_cmdline_parse(line, &b, err, sizeof(err)), 0, "%s: %s",
		     line, err);
	cr_assert_eq(memcmp(&a.kd, &b.kd, sizeof(a.kd)), 0, "%s", line);
	cr_assert_eq(b.timing.driver_load_ns, 1500 * 1000);
	free(line);

	a.kd.drivers[0] = '\0';
	a.kd.n_drivers = 50;
	line = agent_cmdline_build(&a);
	cr_assert_eq(agent_cmdline_parse(line, &b, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(b.kd.n_drivers, 50);
	cr_assert_str_eq(b.kd.drivers, "");
	free(line);
}

Test(agent, cmdline_errors)
{
	struct target_config tc;
	char err[256];

	cr_assert_eq(agent_cmdline_parse("BOOT_IMAGE=/vmlinuz console=ttyS0 "
		"kdh.hostip=10.0.0.1 kdh.key=1.2.3.4", &tc, err, sizeof(err)), 0,
		"the kernel's own words are ignored");
	cr_assert(tc.dhcp);
	cr_assert_neq(agent_cmdline_parse("kdh.hostip=10.0.0.1", &tc, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "kdh.key= is missing from the kernel command line");
	cr_assert_neq(agent_cmdline_parse("kdh.hostip=10.0.0.1 kdh.key=1.2.3.4 "
		"kdh.colour=blue", &tc, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "kdh.colour=blue: bad or unknown setting");
	cr_assert_neq(agent_cmdline_parse("kdh.hostip=10.0.0 kdh.key=1.2.3.4",
					  &tc, err, sizeof(err)), 0);
}

Test(agent, nic_identity_from_sysfs)
{
	struct pci_addr p;

	cr_assert_str_eq(agent_nic_model(0x8086, 0x100e), "e1000");
	cr_assert_str_eq(agent_nic_model(0x8086, 0x10d3), "e1000e");
	cr_assert_str_eq(agent_nic_model(0x1af4, 0x1000), "virtio");
	cr_assert_str_eq(agent_nic_model(0x10ec, 0x8139), "rtl8139");
	cr_assert_str_eq(agent_nic_model(0x1234, 0x5678), "unknown");
	cr_assert_eq(agent_pci_parse("0000:00:13.0", &p), 0);
	cr_assert_eq(p.bus, 0);
	cr_assert_eq(p.dev, 19, "0x13 = 19: busparams 0.19.0");
	cr_assert_eq(agent_pci_parse("0000:01:01.0", &p), 0);
	cr_assert_eq(p.bus, 1);
	cr_assert_eq(p.dev, 1);
	cr_assert_neq(agent_pci_parse("00:13.0", &p), 0);
}
