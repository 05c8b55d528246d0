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
#include "kdh/qemu_argv.h"

struct flag {
	char name[24];
	char op;		/* '+', '-' or 0 */
	char value[12];
};

static int flag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct flag *)a)->name, ((const struct flag *)b)->name);
}

static void flag_add(struct flag *f, size_t *n, char op, const char *name,
		     const char *value)
{
	snprintf(f[*n].name, sizeof(f[0].name), "%s", name);
	snprintf(f[*n].value, sizeof(f[0].value), "%s", value ? value : "");
	f[(*n)++].op = op;
}

/* qemu-server's get_hyperv_enlightenments, machine version >= 3.1 */
static void hyperv_flags(const char *ostype, struct flag *f, size_t *n)
{
	int winver = pve_windows_version(ostype);

	if (winver < 6)
		return;
	flag_add(f, n, 0, "hv_spinlocks", "0x1fff");
	flag_add(f, n, 0, "hv_vapic", NULL);
	flag_add(f, n, 0, "hv_time", NULL);
	flag_add(f, n, 0, "hv_reset", NULL);
	flag_add(f, n, 0, "hv_vpindex", NULL);
	flag_add(f, n, 0, "hv_runtime", NULL);
	if (winver < 7)
		return;
	flag_add(f, n, 0, "hv_relaxed", NULL);
	flag_add(f, n, 0, "hv_synic", NULL);
	flag_add(f, n, 0, "hv_stimer", NULL);
	flag_add(f, n, 0, "hv_ipi", NULL);
}

/**
 * pve_cpu_string() - the -cpu value qemu-server builds
 * @c:		config (ostype, cpu)
 * @kvm:	with KVM (hv flags, enforce and kvm_pv_* need it)
 *
 * Default model kvm64 (qemu64 without KVM); flags sorted by name, each
 * with its +/- prefix, as qemu-server does "for command line stability".
 * Example, win10: kvm64,enforce,hv_ipi,hv_relaxed,hv_reset,hv_runtime,
 * hv_spinlocks=0x1fff,hv_stimer,hv_synic,hv_time,hv_vapic,hv_vpindex,
 * +kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep
 *
 * Return: g_malloc'd string
 */
char *pve_cpu_string(const struct vmconf *c, bool kvm)
{
	struct flag f[32];
	size_t n = 0;
	char model[64];
	GString *s;

	snprintf(model, sizeof(model), "%s", c->cpu[0] ? c->cpu :
		 kvm ? "kvm64" : "qemu64");
	if (strchr(model, ','))		/* "cputype=...,flags=..." kept simple */
		*strchr(model, ',') = '\0';
	if (!strcmp(model, "kvm64"))
		flag_add(f, &n, '+', "lahf_lm", NULL);
	if (!strcmp(model, "kvm64") || !strcmp(model, "kvm32"))
		flag_add(f, &n, '+', "sep", NULL);
	if (!strcmp(c->ostype, "solaris"))
		flag_add(f, &n, '-', "x2apic", NULL);
	if (kvm) {
		flag_add(f, &n, '+', "kvm_pv_unhalt", NULL);
		flag_add(f, &n, '+', "kvm_pv_eoi", NULL);
		if (strcmp(model, "host"))
			flag_add(f, &n, 0, "enforce", NULL);
		hyperv_flags(c->ostype, f, &n);
	}
	qsort(f, n, sizeof(f[0]), flag_cmp);
	s = g_string_new(model);
	for (size_t i = 0; i < n; i++) {
		g_string_append_c(s, ',');
		if (f[i].op)
			g_string_append_c(s, f[i].op);
		g_string_append(s, f[i].name);
		if (f[i].value[0])
			g_string_append_printf(s, "=%s", f[i].value);
	}
	return g_string_free(s, FALSE);
}

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
	char *cpu = pve_cpu_string(c, kvm);
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

/**
 * qemu_argv_join() - for printing: one line, or one argument per line
 * @argv:	from qemu_argv_new()
 * @lines:	one argument per line
 *
 * Return: g_malloc'd text; arguments with spaces are quoted in one-line mode
 */
char *qemu_argv_join(GPtrArray *argv, bool lines)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < argv->len; i++) {
		const char *w = g_ptr_array_index(argv, i);

		if (lines) {
			g_string_append_printf(s, "%s\n", w);
		} else {
			gchar *q = strpbrk(w, " '\"") ? g_shell_quote(w) : g_strdup(w);

			g_string_append_printf(s, "%s%s", i ? " " : "", q);
			g_free(q);
		}
	}
	if (!lines)
		g_string_append_c(s, '\n');
	return g_string_free(s, FALSE);
}
