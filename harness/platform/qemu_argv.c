// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu_argv.c - the QEMU argv qemu-server builds for a VM config
 *
 * Mirrors proxmox/qemu-server (PVE/QemuServer.pm config_to_command,
 * Machine.pm, CPUConfig.pm get_cpu_options, PCI.pm get_pci_addr_map,
 * USB.pm, OVMF.pm; checked against the expected outputs of its cfg2cmd
 * tests) for what matters to KDNET: the -cpu string with its Hyper-V
 * enlightenments, the machine and firmware, the PCI layout, NIC devices,
 * serial sockets; the OVMF images, display adapter and balloon are
 * qemu_devices.c's.  Left out: QMP, pidfile, daemonize, VNC, disks and
 * other devices kdh does not use; hostpci passthrough (qemu_left_out()
 * says so).
 *
 * The PCI layout: on i440fx, bridges pci.1/pci.2 at 0x1e/0x1f (pci.3 at 5
 * with virtio-scsi-single), USB and VGA on pci.0; on q35, qemu-server's
 * -readconfig pve-q35-4.0.cfg (pve-q35.cfg below machine 4.0) brings ICH9
 * USB, audio, four root ports at 1c.0-1c.3, the DMI bridge at 1e.0 and
 * pci.0-pci.3 behind it; VGA on pcie.0.  NICs are on pci.N either way.
 * With NET_PROXMOX the argv is a PVE host's (the -readconfig path, the
 * +pveN machine, pve-edk2-firmware); for kdh's own runs the cfg becomes
 * the same -device arguments, the machine the upstream type the installed
 * QEMU has, and OVMF Debian's 4M images with a per-VM variable store.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/pkt.h"
#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/platform/qemu_devices.h"

static void __attribute__((format(printf, 3, 4)))
arg(GPtrArray *a, const char *opt, const char *fmt, ...)
{
	va_list ap;

	if (opt)
		g_ptr_array_add(a, g_strdup(opt));
	if (!fmt)
		return;
	va_start(ap, fmt);
	g_ptr_array_add(a, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

static const char *device_name(const char *model)
{
	return !strcmp(model, "virtio") ? "virtio-net-pci" : model;
}

static void nics(GPtrArray *a, const struct vmconf *c, const struct qemu_opts *o)
{
	unsigned boot = 300;

	for (unsigned i = 0; i < PVE_MAX_NETS; i++) {
		const struct pve_net *n = &c->nets[i];
		struct pve_slot s;
		char mac[MAC_STRLEN];

		if (!c->has_net[i] || pve_net_slot(i, &s))
			continue;
		if (o->net == QEMU_NET_PROXMOX)
			arg(a, "-netdev", "type=tap,id=net%u,ifname=tap%ui%u,script="
			    "/usr/libexec/qemu-server/pve-bridge,downscript=/usr/"
			    "libexec/qemu-server/pve-bridgedown", i, o->vmid, i);
		else if (o->net == QEMU_NET_USER)
			arg(a, "-netdev", "user,id=net%u,restrict=on", i);
		else if (o->net == QEMU_NET_TAPFD)
			arg(a, "-netdev", "type=tap,id=net%u,fd=%d", i, o->tap_fd[i]);
		else
			arg(a, "-netdev", "stream,id=net%u,server=off,addr.type=unix,"
			    "addr.path=%s/net%u.sock", i, o->sock_dir, i);
		mac_str(n->mac, mac);
		for (char *p = mac; *p; p++)
			*p = (char)g_ascii_toupper(*p);
		arg(a, "-device", "%s,mac=%s,netdev=net%u,bus=pci.%u,addr=0x%x,"
		    "id=net%u,bootindex=%u", device_name(n->model), mac, i, s.bridge,
		    s.slot, i, boot++);
	}
}

/**
 * qemu_console_index() - the ISA serial port kdh's console gets (ttySn):
 * after the config's own serialN ports
 * @c:		config
 *
 * Return: n
 */
int qemu_console_index(const struct vmconf *c)
{
	int n = 0;

	for (int i = 0; i < VMCONF_SERIALS; i++)
		n += c->serial[i][0] != '\0';
	return n;
}

static void serials(GPtrArray *a, const struct vmconf *c, const struct qemu_opts *o)
{
	for (int i = 0; i < VMCONF_SERIALS; i++) {
		if (!c->serial[i][0])
			continue;
		if (!strcmp(c->serial[i], "socket"))
			arg(a, "-chardev", "socket,id=serial%d,path=%s/%u.serial%d,"
			    "server=on,wait=off", i, o->serial_dir, o->vmid, i);
		else
			arg(a, "-chardev", "serial,id=serial%d,path=%s", i, c->serial[i]);
		arg(a, "-device", "isa-serial,chardev=serial%d", i);
	}
	if (o->console) {
		arg(a, "-chardev", "file,id=kdhconsole,path=%s", o->console);
		arg(a, "-device", "isa-serial,chardev=kdhconsole");
	}
}

/* pve-q35-4.0.cfg (pve-q35.cfg below 4.0) as -device arguments: ICH9 USB
 * (two EHCI with three UHCI companions each), HD audio, four root ports,
 * the DMI-to-PCI bridge and pci.0-pci.3 behind it */
static void q35_cfg(GPtrArray *a, const struct pve_machine *m)
{
	static const unsigned ehci_slot[2] = { 0x1d, 0x1a };
	bool v4 = pve_version_at_least(&m->version, 4, 0);

	for (unsigned e = 0; e < 2; e++) {
		char ehci[8];

		snprintf(ehci, sizeof(ehci), "%s", e ? "ehci-2" : "ehci");
		arg(a, "-device", "ich9-usb-ehci%u,id=%s,multifunction=on,bus=pcie.0,"
		    "addr=%x.7", e + 1, ehci, ehci_slot[e]);
		for (unsigned u = 0; u < 3; u++)
			arg(a, "-device", "ich9-usb-uhci%u,id=uhci-%u,multifunction=on,"
			    "bus=pcie.0,addr=%x.%u,masterbus=%s.0,firstport=%u",
			    e * 3 + u + 1, e * 3 + u + 1, ehci_slot[e], u, ehci, u * 2);
	}
	arg(a, "-device", "ich9-intel-hda,id=audio0,bus=pcie.0,addr=1b.0");
	for (unsigned p = 1; p <= 4; p++)
		arg(a, "-device", "%s,id=ich9-pcie-port-%u,%smultifunction=on,"
		    "bus=pcie.0,addr=1c.%u,port=%u,chassis=%u", v4 ?
		    "pcie-root-port" : "ioh3420", p, v4 ? "x-speed=16,x-width=32," : "",
		    p - 1, p, p);
	arg(a, "-device", "i82801b11-bridge,id=pcidmi,bus=pcie.0,addr=1e.0");
	for (unsigned n = 0; n < 4; n++)
		arg(a, "-device", "pci-bridge,id=pci.%u,bus=pcidmi,addr=%u.0,"
		    "chassis_nr=%u", n, n + 1, n + 1);
}

/* The chipset's controllers and bridges, then the tablet on its USB
 * (none for a serial terminal or SPICE display, as qemu-server) */
static void layout(GPtrArray *a, const struct vmconf *c,
		   const struct pve_machine *m, const struct qemu_opts *o)
{
	const char *vga = qemu_vga_type(c, m);
	bool tablet = strncmp(vga, "serial", 6) && strncmp(vga, "qxl", 3);
	struct pve_pci_layout l;

	if (m->chipset == PVE_Q35) {
		if (o->net == QEMU_NET_PROXMOX)
			arg(a, "-readconfig", "/usr/share/qemu-server/%s",
			    pve_version_at_least(&m->version, 4, 0) ?
			    "pve-q35-4.0.cfg" : "pve-q35.cfg");
		else
			q35_cfg(a, m);
		if (tablet)
			arg(a, "-device", "usb-tablet,id=tablet,bus=ehci.0,port=1");
		return;
	}
	pve_pci_layout_of(c, m, &l);
	for (unsigned n = 1; n < 4; n++)	/* qemu-server's order: pci.1 first */
		for (size_t i = 0; i < l.n; i++)
			if (l.b[i].pci_n == (int)n)
				arg(a, "-device", "pci-bridge,id=pci.%u,chassis_nr=%u,"
				    "bus=pci.0,addr=0x%x", n, n, l.b[i].slot);
	arg(a, "-device", "piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2");
	if (tablet)
		arg(a, "-device", "usb-tablet,id=tablet,bus=uhci.0,port=1");
}

/* bios: ovmf: code read-only in pflash unit 0, the VM's variables in 1;
 * the images qemu_ovmf_pick() chooses (OVMF.pm get_ovmf_files) */
static void ovmf(GPtrArray *a, const struct vmconf *c,
		 const struct pve_machine *m, const struct qemu_opts *o,
		 unsigned *required)
{
	bool size = pve_version_guard(&m->version, 4, 1, 2, required);
	bool pve = o->net == QEMU_NET_PROXMOX;
	struct qemu_ovmf f;

	qemu_ovmf_pick(c, m->chipset == PVE_Q35, pve, &f);
	arg(a, "-drive", "if=pflash,unit=0,format=raw,readonly=on,file=%s", f.code);
	if (pve && size)
		arg(a, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,"
		    "file=" PVE_EFIDISK_DIR "/%u-ovmf.fd,size=%u", o->vmid,
		    f.vars_size);
	else if (pve)
		arg(a, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,"
		    "file=" PVE_EFIDISK_DIR "/%u-ovmf.fd", o->vmid);
	else if (o->ovmf_vars)
		arg(a, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,"
		    "file=%s", o->ovmf_vars);
	else
		arg(a, "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,"
		    "file=%s/%u-ovmf.fd", o->sock_dir, o->vmid);
}

/* SeaBIOS with no display adapter: qemu-server's should_disable_smm() */
static bool smm_off(const struct vmconf *c, const struct pve_machine *m)
{
	const char *vga = qemu_vga_type(c, m);

	return strcmp(c->bios, "ovmf") && (!strcmp(vga, "none") ||
					  !strncmp(vga, "serial", 6));
}

/* The QEMU version qemu-server would see and the machine types kdh's
 * QEMU has: given, else asked; a PVE host's argv needs no list */
static void qemu_facts(const struct qemu_opts *o, struct pve_version *v,
		       GPtrArray **owned, GString *notes)
{
	char err[256];
	bool want_list = o->net != QEMU_NET_PROXMOX && !o->machines;

	*v = o->qemu;
	*owned = NULL;
	if (!v->major || want_list) {
		struct pve_version probed;

		if (vm_qemu_probe(o->binary, &probed, want_list ? owned : NULL, err,
				  sizeof(err))) {
			if (notes)
				g_string_append_printf(notes, "%s: taking QEMU 7.2\n", err);
			probed = (struct pve_version){ 7, 2, 0 };
		}
		if (!v->major)
			*v = probed;
	}
}

static int machine_type(const struct pve_machine *m, const struct qemu_opts *o,
			GPtrArray *owned, unsigned required, GString *notes,
			char *out, size_t len, char *err, size_t errlen)
{
	const char *const *have = owned ? (const char *const *)owned->pdata :
				  o->machines;
	size_t n = owned ? owned->len : o->n_machines;
	char note[256];

	if (o->net == QEMU_NET_PROXMOX) {	/* +pveN to the one needed */
		snprintf(out, len, "%s+pve%u", m->upstream, required);
		return 0;
	}
	if (!have) {
		snprintf(out, len, "%s", m->upstream);
		return 0;
	}
	if (pve_machine_pick(m, have, n, out, len, note, sizeof(note))) {
		snprintf(err, errlen, "the installed QEMU has no %s machine type "
			 "for %s", m->chipset == PVE_Q35 ? "q35" : "i440fx", m->type);
		return -ENOENT;
	}
	if (note[0] && notes)
		g_string_append_printf(notes, "%s\n", note);
	return 0;
}

/**
 * qemu_argv_new() - the whole argv, argv[0] included
 * @c:		VM config
 * @o:		kdh's choices (accelerator, backend, payload)
 * @notes:	where to append what kdh changed (a machine type the QEMU
 *		lacks), one line each; may be NULL
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: array of g_malloc'd strings (g_ptr_array_unref it), or NULL with
 * @err set (unknown machine type, no machine of that chipset in QEMU)
 */
GPtrArray *qemu_argv_new(const struct vmconf *c, const struct qemu_opts *o,
			 GString *notes, char *err, size_t errlen)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	int winver = pve_windows_version(c->ostype);
	bool kvm = o->kvm && c->kvm;
	char *cpu = pve_cpu_argv(c, kvm, o);
	unsigned vcpus = c->cores * c->sockets;
	bool q35, uefi = !strcmp(c->bios, "ovmf");
	unsigned required = 0;
	struct pve_machine m;
	struct pve_version qv;
	GPtrArray *owned;
	char type[64], *vga = NULL;

	qemu_facts(o, &qv, &owned, notes);
	if (pve_machine_of(c, &qv, &m, err, errlen))
		goto fail;
	q35 = m.chipset == PVE_Q35;
	arg(a, NULL, "%s", o->binary ? o->binary : "qemu-system-x86_64");
	if (o->net == QEMU_NET_PROXMOX)	/* a Proxmox QEMU patch */
		arg(a, "-id", "%u", o->vmid);
	arg(a, "-name", "%s,debug-threads=on", c->name[0] ? c->name : "vm");
	arg(a, "-no-shutdown", NULL);
	if (uefi)
		ovmf(a, c, &m, o, &required);
	if (q35 && !m.versioned && !strcmp(c->ostype, "l26") &&
	    pve_version_at_least(&qv, 6, 1)) {
		struct pve_version cv;

		if (pve_version_parse(c->creation_qemu, &cv) ||
		    !pve_version_at_least(&cv, 6, 1))
			arg(a, "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-"
			    "support=off");
	}
	arg(a, "-smp", "%u,sockets=%u,cores=%u,maxcpus=%u", vcpus, c->sockets,
	    c->cores, vcpus);
	arg(a, "-nodefaults", NULL);
	arg(a, "-boot", "menu=on,strict=on,reboot-timeout=1000");
	if (!strcmp(qemu_vga_type(c, &m), "none"))
		arg(a, "-vga", "none");
	arg(a, "-display", "none");
	if (winver >= 6)
		arg(a, "-global", "kvm-pit.lost_tick_policy=discard");
	arg(a, "-cpu", "%s", cpu);
	arg(a, "-m", "%u", c->memory);
	if (pve_version_guard(&m.version, 9, 2, 1, &required)) {
		arg(a, "-global", "%s.disable_s3=1", q35 ? "ICH9-LPC" : "PIIX4_PM");
		arg(a, "-global", "%s.disable_s4=1", q35 ? "ICH9-LPC" : "PIIX4_PM");
	}
	if (!strcmp(m.viommu, "intel"))
		arg(a, "-device", "intel-iommu,intremap=on,caching-mode=on");
	layout(a, c, &m, o);
	serials(a, c, o);
	if ((vga = qemu_vga_device(c, &m)))
		arg(a, "-device", "%s", vga);
	if (!c->balloon_off)
		arg(a, "-device", "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3%s",
		    pve_version_at_least(&m.version, 6, 2) ?
		    ",free-page-reporting=on" : "");
	if (o->disk)
		arg(a, "-drive", "file=%s,if=virtio,snapshot=on", o->disk);
	nics(a, c, o);
	if (vmconf_n_nets(c))
		pve_version_guard(&m.version, 10, 0, 1, &required);
	if (!strcmp(m.viommu, "virtio"))
		arg(a, "-device", "virtio-iommu-pci");
	if (winver >= 5)
		arg(a, "-rtc", "driftfix=slew,base=localtime");
	if (machine_type(&m, o, owned, required, notes, type, sizeof(type), err,
			 errlen))
		goto fail;
	arg(a, "-machine", "%s%s%s%stype=%s", winver >= 6 ? "hpet=off," : "",
	    kvm ? "" : "accel=tcg,", !strcmp(m.viommu, "intel") ?
	    "kernel-irqchip=split," : "", smm_off(c, &m) ? "smm=off," : "", type);
	if (kvm && (o->net == QEMU_NET_STREAM || o->net == QEMU_NET_TAPFD))
		/* Proxmox's kvm wrapper does it */
		arg(a, "-accel", "kvm");
	if (o->kernel) {
		arg(a, "-kernel", "%s", o->kernel);
		arg(a, "-initrd", "%s", o->initrd);
		arg(a, "-append", "%s", o->append ? o->append : "");
	}
	if (c->args[0]) {
		gchar **extra = NULL;

		if (g_shell_parse_argv(c->args, NULL, &extra, NULL))
			for (gchar **e = extra; *e; e++)
				arg(a, NULL, "%s", *e);
		g_strfreev(extra);
	}
	g_free(cpu);
	g_free(vga);
	if (owned)
		g_ptr_array_unref(owned);
	return a;
fail:
	g_free(cpu);
	g_free(vga);
	if (owned)
		g_ptr_array_unref(owned);
	g_ptr_array_unref(a);
	return NULL;
}

/* A word a POSIX shell reads as itself: no quoting needed */
static bool shell_safe(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!g_ascii_isalnum(*w) && !strchr("_@%+=:,./-", *w))
			return false;
	return true;
}

/**
 * qemu_argv_join() - for printing: one line, or one argument per line
 * @argv:	from qemu_argv_new()
 * @lines:	one argument per line
 *
 * Return: g_malloc'd text; in one-line mode every argument a POSIX shell
 * would not read as itself (blanks, quotes, ;, `, $, ...) is quoted, so
 * the line can be pasted into a shell without running anything
 */
char *qemu_argv_join(GPtrArray *argv, bool lines)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < argv->len; i++) {
		const char *w = g_ptr_array_index(argv, i);

		if (lines) {
			g_string_append_printf(s, "%s\n", w);
		} else {
			gchar *q = shell_safe(w) ? g_strdup(w) : g_shell_quote(w);

			g_string_append_printf(s, "%s%s", i ? " " : "", q);
			g_free(q);
		}
	}
	if (!lines)
		g_string_append_c(s, '\n');
	return g_string_free(s, FALSE);
}
