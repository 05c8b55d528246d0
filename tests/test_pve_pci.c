// SPDX-License-Identifier: GPL-2.0-or-later
/* test_pve_pci.c - qemu-server's machine types and defaults
 * (Machine.pm get_vm_machine), the choice of an upstream type the installed
 * QEMU has, and the model of the guest's PCI bus numbers (pve_pci.c) on
 * i440fx and q35 layouts, as the agent measured them (tests/test_vm_pci.c) */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/pve_pci.h"

static const struct pve_version qemu72 = { 7, 2, 0 }, qemu92 = { 9, 2, 0 };

static void machine_is(const char *value, const char *ostype, const char *meta,
		       const struct pve_version *q, const char *type,
		       const char *upstream, unsigned major, unsigned minor)
{
	struct vmconf c = { 0 };
	struct pve_machine m;
	char err[160] = "";

	snprintf(c.machine, sizeof(c.machine), "%s", value);
	snprintf(c.ostype, sizeof(c.ostype), "%s", ostype);
	snprintf(c.creation_qemu, sizeof(c.creation_qemu), "%s", meta);
	cr_assert_eq(pve_machine_of(&c, q, &m, err, sizeof(err)), 0, "%s: %s",
		     value, err);
	cr_assert_str_eq(m.type, type, "'%s' %s", value, ostype);
	cr_assert_str_eq(m.upstream, upstream, "'%s' %s", value, ostype);
	cr_assert_eq(m.version.major, major, "'%s'", value);
	cr_assert_eq(m.version.minor, minor, "'%s'", value);
}

Test(pve_machine, qemu_server_defaults_and_pins)
{
	machine_is("", "l26", "", &qemu72, "pc+pve0", "pc", 7, 2);
	machine_is("q35", "other", "", &qemu72, "q35+pve0", "q35", 7, 2);
	machine_is("q35", "l26", "", &qemu92, "q35+pve1", "q35", 9, 2);
	machine_is("", "win10", "", &qemu72, "pc-i440fx-5.1+pve0", "pc-i440fx-5.1", 5, 1);
	machine_is("q35", "win11", "", &qemu72, "pc-q35-5.1+pve0", "pc-q35-5.1", 5, 1);
	machine_is("q35", "win11", "9.2.0", &qemu92, "pc-q35-9.2+pve0", "pc-q35-9.2", 9, 2);
	machine_is("q35", "win11", "8.1.5", &qemu92, "pc-q35-5.1+pve0", "pc-q35-5.1", 5, 1);
	/* created on 9.2, started on 7.2: the newest the QEMU runs */
	machine_is("", "win10", "9.2.0", &qemu72, "pc-i440fx-7.2+pve0", "pc-i440fx-7.2", 7, 2);
	machine_is("pc-q35-8.1", "l26", "", &qemu72, "pc-q35-8.1+pve0", "pc-q35-8.1", 8, 1);
	machine_is("pc-i440fx-7.2", "win10", "", &qemu72, "pc-i440fx-7.2+pve0",
		   "pc-i440fx-7.2", 7, 2);
	machine_is("pc-q35-4.1+pve2", "l26", "", &qemu72, "pc-q35-4.1+pve2", "pc-q35-4.1", 4, 1);
	machine_is("pc-q35-6.0.pxe", "l26", "", &qemu72, "pc-q35-6.0+pve0.pxe",
		   "pc-q35-6.0", 6, 0);
	machine_is("pc-i440fx-5.1+pve1.pxe", "l26", "", &qemu72, "pc-i440fx-5.1+pve1.pxe",
		   "pc-i440fx-5.1", 5, 1);
	machine_is("type=q35,viommu=intel", "l26", "", &qemu72, "q35+pve0", "q35", 7, 2);
	machine_is("pc-5.1", "l26", "", &qemu72, "pc-5.1+pve0", "pc-5.1", 5, 1);
}

Test(pve_machine, unknown_types_are_errors)
{
	static const char *const bad[] = { "pc-q35", "q36", "pc-q35-8", "virt",
		"pc-i440fx-8.1+pvex", "type=q35,foo=1", "type=pc,viommu=intel",
		"q35,viommu=amd", "pc-q35-8.1.iso" };
	struct pve_machine m;
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		cr_assert_eq(pve_machine_parse(bad[i], "l26", &qemu72, &m, err,
					       sizeof(err)), -EINVAL, "%s", bad[i]);
		cr_assert(err[0], "%s: no message", bad[i]);
	}
	pve_machine_parse("q36", "l26", &qemu72, &m, err, sizeof(err));
	cr_assert(strstr(err, "unknown machine type 'q36'"), "%s", err);
}

Test(pve_machine, version_guard_names_the_pve_revision_needed)
{
	struct pve_version v100 = { 10, 0, 1 }, v72 = { 7, 2, 0 }, v41 = { 4, 1, 2 };
	unsigned req = 0;

	cr_assert_not(pve_version_guard(&v72, 10, 0, 1, &req));
	cr_assert(pve_version_guard(&v72, 4, 1, 2, &req));
	cr_assert_eq(req, 0, "7.2 is past 4.1+pve2: nothing required");
	cr_assert(pve_version_guard(&v100, 10, 0, 1, &req));
	cr_assert_eq(req, 1);
	req = 0;
	cr_assert(pve_version_guard(&v41, 4, 1, 2, &req));
	cr_assert_eq(req, 2);
}

Test(pve_machine, pick_runs_the_nearest_the_installed_qemu_has)
{
	static const char *const have[] = { "pc", "pc-i440fx-7.2", "pc-i440fx-5.1",
		"q35", "pc-q35-7.2", "pc-q35-7.1", "pc-q35-2.4", "isapc" };
	struct pve_machine m;
	char out[64], note[200], err[160];

	pve_machine_parse("pc-q35-8.1", "l26", &qemu72, &m, err, sizeof(err));
	cr_assert_eq(pve_machine_pick(&m, have, 8, out, sizeof(out), note,
				      sizeof(note)), 0);
	cr_assert_str_eq(out, "pc-q35-7.2");
	cr_assert(strstr(note, "pc-q35-8.1") && strstr(note, "newest"), "%s", note);
	pve_machine_parse("pc-q35-7.1", "l26", &qemu72, &m, err, sizeof(err));
	pve_machine_pick(&m, have, 8, out, sizeof(out), note, sizeof(note));
	cr_assert_str_eq(out, "pc-q35-7.1");
	cr_assert_str_eq(note, "");
	pve_machine_parse("pc-q35-2.0", "l26", &qemu72, &m, err, sizeof(err));
	pve_machine_pick(&m, have, 8, out, sizeof(out), note, sizeof(note));
	cr_assert_str_eq(out, "pc-q35-2.4", "older than any: the oldest");
	pve_machine_parse("q35", "l26", &qemu72, &m, err, sizeof(err));
	pve_machine_pick(&m, have, 8, out, sizeof(out), note, sizeof(note));
	cr_assert_str_eq(out, "q35");
	pve_machine_parse("q35", "l26", &qemu72, &m, err, sizeof(err));
	cr_assert_eq(pve_machine_pick(&m, have, 2, out, sizeof(out), note,
				      sizeof(note)), -ENOENT);
}

static void nic_is(const char *conf_machine, const char *scsihw, unsigned index,
		   const char *want)
{
	struct vmconf c = { 0 };
	struct pci_addr p;
	char got[16];

	snprintf(c.machine, sizeof(c.machine), "%s", conf_machine);
	snprintf(c.ostype, sizeof(c.ostype), "l26");
	snprintf(c.scsihw, sizeof(c.scsihw), "%s", scsihw);
	cr_assert_eq(pve_guest_nic_pci(&c, index, &p), 0);
	cr_assert_str_eq(pci_addr_str(&p, got, sizeof(got)), want, "%s %s net%u",
			 conf_machine, scsihw, index);
}

/* The table tests/test_vm_pci.c measured (SeaBIOS and OVMF agree) */
Test(pve_pci, guest_bus_numbers_as_measured)
{
	nic_is("", "", 0, "0.18.0");
	nic_is("", "", 1, "0.19.0");
	nic_is("", "", 5, "0.23.0");
	nic_is("", "", 6, "1.1.0");
	nic_is("pc-i440fx-5.1", "virtio-scsi-single", 0, "0.18.0");
	nic_is("", "virtio-scsi-single", 6, "2.1.0");
	nic_is("", "virtio-scsi-pci", 6, "1.1.0");
	nic_is("q35", "", 0, "6.18.0");
	nic_is("q35", "", 1, "6.19.0");
	nic_is("pc-q35-8.1", "", 5, "6.23.0");
	nic_is("q35", "", 6, "7.1.0");
	nic_is("q35", "virtio-scsi-single", 6, "7.1.0");
	nic_is("pc-q35-3.1", "", 31, "7.26.0");
}

Test(pve_pci, layouts_number_depth_first_in_slot_order)
{
	struct vmconf c = { 0 };
	struct pve_pci_layout l;
	struct pve_machine m;
	struct pci_addr p;
	char err[160];

	snprintf(c.ostype, sizeof(c.ostype), "l26");
	snprintf(c.machine, sizeof(c.machine), "q35");
	cr_assert_eq(pve_machine_of(&c, &qemu72, &m, err, sizeof(err)), 0);
	cr_assert_eq(pve_pci_layout_of(&c, &m, &l), 0);
	cr_assert_eq(l.n, 9, "4 root ports, the DMI bridge, pci.0-3");
	cr_assert_eq(pve_pci_bridge_bus(&l, 0), 6);
	cr_assert_eq(pve_pci_bridge_bus(&l, 3), 9);
	cr_assert_eq(pve_pci_bridge_bus(&l, 4), -ENOENT);
	/* hostpci4 with pcie=1 adds a root port at 10.0, scanned first */
	c.hostpci[4].present = c.hostpci[4].pcie = true;
	cr_assert_eq(pve_guest_nic_pci(&c, 0, &p), 0);
	cr_assert_eq(p.bus, 7);
	snprintf(c.ostype, sizeof(c.ostype), "win7");
	cr_assert_eq(pve_guest_nic_pci(&c, 0, &p), 0);
	cr_assert_eq(p.bus, 6, "win7: the device goes on pcie.0, no port");
	/* i440fx before machine 2.3: no bridges unless a device needs one */
	memset(&c, 0, sizeof(c));
	snprintf(c.ostype, sizeof(c.ostype), "l26");
	snprintf(c.machine, sizeof(c.machine), "pc-i440fx-2.2");
	cr_assert_eq(pve_guest_nic_pci(&c, 6, &p), -EINVAL);
	c.has_net[6] = true;
	cr_assert_eq(pve_guest_nic_pci(&c, 6, &p), 0);
	cr_assert_eq(p.bus, 1);
	cr_assert_eq(pve_guest_nic_pci(&c, 32, &p), -EINVAL);
	snprintf(c.machine, sizeof(c.machine), "q36");
	cr_assert_eq(pve_guest_nic_pci(&c, 0, &p), -EINVAL);
}
