/* qemu_argv.c - the QEMU argv qemu-server builds for a VM config
 *
 * Mirrors proxmox/qemu-server (PVE/QemuServer.pm config_to_command,
 * CPUConfig.pm get_cpu_options, PCI.pm get_pci_addr_map; its 9.x sources,
 * checked against the expected outputs of its cfg2cmd tests) for what
 * matters to KDNET: the -cpu string with its Hyper-V enlightenments, the
 * PCI layout (bridges pci.1/pci.2 at 0x1e/0x1f, net0..5 at 0x12..0x17 on
 * pci.0, net6.. on pci.1), NIC devices, serial sockets.  Left out: QMP,
 * pidfile, daemonize, VNC, disks and other devices kdh does not use.
 * Proxmox's own machine versions ("pc+pve0") need its patched QEMU; kdh
 * uses the upstream type they are based on ("pc", or "pc-i440fx-5.1" that
 * qemu-server pins for Windows).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/pkt.h"
#include "kdh/pve_cpu.h"
#include "kdh/qemu_argv.h"

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
		struct pci_addr pci;
		char mac[MAC_STRLEN];

		if (!c->has_net[i])
			continue;
		pve_net_pci(i, &pci);
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
		    "id=net%u,bootindex=%u", device_name(n->model), mac, i, pci.bus,
		    pci.dev, i, boot++);
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

/**
 * qemu_argv_new() - the whole argv, argv[0] included
 * @c:		VM config
 * @o:		kdh's choices (accelerator, backend, payload)
 *
 * Return: array of g_malloc'd strings (g_ptr_array_unref it)
 */
GPtrArray *qemu_argv_new(const struct vmconf *c, const struct qemu_opts *o)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	int winver = pve_windows_version(c->ostype);
	bool kvm = o->kvm && c->kvm;
	char *cpu = pve_cpu_argv(c, kvm, o);
	unsigned vcpus = c->cores * c->sockets;

	arg(a, NULL, "%s", o->binary ? o->binary : "qemu-system-x86_64");
	if (o->net == QEMU_NET_PROXMOX)	/* a Proxmox QEMU patch */
		arg(a, "-id", "%u", o->vmid);
	arg(a, "-name", "%s,debug-threads=on", c->name[0] ? c->name : "vm");
	arg(a, "-no-shutdown", NULL);
	arg(a, "-smp", "%u,sockets=%u,cores=%u,maxcpus=%u", vcpus, c->sockets,
	    c->cores, vcpus);
	arg(a, "-nodefaults", NULL);
	arg(a, "-boot", "menu=on,strict=on,reboot-timeout=1000");
	arg(a, "-display", "none");
	if (winver >= 6)
		arg(a, "-global", "kvm-pit.lost_tick_policy=discard");
	arg(a, "-cpu", "%s", cpu);
	arg(a, "-m", "%u", c->memory);
	arg(a, "-device", "pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e");
	arg(a, "-device", "pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0,addr=0x1f");
	arg(a, "-device", "piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2");
	arg(a, "-device", "usb-tablet,id=tablet,bus=uhci.0,port=1");
	serials(a, c, o);
	arg(a, "-device", "VGA,id=vga,bus=pci.0,addr=0x2");
	arg(a, "-device", "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3");
	if (o->disk)
		arg(a, "-drive", "file=%s,if=virtio,snapshot=on", o->disk);
	nics(a, c, o);
	if (winver >= 5)
		arg(a, "-rtc", "driftfix=slew,base=localtime");
	arg(a, "-machine", "%s%stype=%s", winver >= 6 ? "hpet=off," : "",
	    kvm ? "" : "accel=tcg,",
	    c->machine[0] ? c->machine : winver ? "pc-i440fx-5.1" : "pc");
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
	return a;
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
