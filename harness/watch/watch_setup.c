// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_setup.c - what kdh watch watches, and the lines it opens with
 *
 * From a Proxmox config: each netN is the tap tap<vmid>i<n> (with
 * firewall=1 the tap sits in fwbr<vmid>i<n>, and is still where the VM's
 * frames are), its MAC, model, bridge and the b.d.f the guest enumerates
 * (pve_guest_nic_pci()); the debug NIC is the one kdh check says KDNET
 * will use.  --iface replaces the taps (a plain QEMU or libvirt VM's tap,
 * a bridge) and --mac adds MACs.  The VM's start is its QEMU process's
 * (Proxmox's pid file), when there is one.  Nothing here changes the host.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "harness/watch/watch_priv.h"
#include "kdh/cmd/cli.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/util/textfile.h"
#include "kdh/platform/winbuild.h"

/**
 * watch_nic_of() - the VM's NIC with this MAC
 * @vm:		what is watched
 * @mac:	the address
 *
 * Return: the NIC, or NULL
 */
const struct watch_nic *watch_nic_of(const struct watch_vm *vm,
				     const uint8_t mac[ETH_ALEN])
{
	for (size_t i = 0; i < vm->n_nics; i++)
		if (!memcmp(vm->nics[i].mac, mac, ETH_ALEN))
			return &vm->nics[i];
	return NULL;
}

/* netN of the config: its tap when the VM id is known */
static void nics_from_config(const struct vmconf *c, struct watch_vm *vm)
{
	for (unsigned i = 0; i < PVE_MAX_NETS; i++) {
		const struct pve_net *n = &c->nets[i];
		struct watch_nic *w = &vm->nics[vm->n_nics];
		struct pci_addr pci;

		if (!c->has_net[i])
			continue;
		snprintf(w->name, sizeof(w->name), "net%u", i);
		w->index = i;
		memcpy(w->mac, n->mac, ETH_ALEN);
		snprintf(w->model, sizeof(w->model), "%s", n->model);
		snprintf(w->bridge, sizeof(w->bridge), "%s", n->bridge);
		w->firewall = n->firewall;
		if (!pve_guest_nic_pci(c, i, &pci))
			pci_addr_str(&pci, w->pci, sizeof(w->pci));
		if (vm->vmid)
			snprintf(w->iface, sizeof(w->iface), "tap%ui%u", vm->vmid, i);
		vm->n_nics++;
	}
}

static void macs_add(const struct watch_opts *o, struct watch_vm *vm)
{
	for (size_t i = 0; i < o->n_macs; i++) {
		if (watch_nic_of(vm, o->macs[i]))
			continue;
		memcpy(vm->nics[vm->n_nics++].mac, o->macs[i], ETH_ALEN);
	}
}

static int ifaces_take(const struct watch_opts *o, const struct watch_static *st,
		       struct watch_vm *vm)
{
	for (size_t i = 0; i < o->n_ifaces; i++)
		snprintf(vm->ifaces[vm->n_ifaces++], IF_NAMESIZE, "%s", o->ifaces[i]);
	if (o->n_ifaces || o->replay)
		return 0;
	if (!st->conf_path[0])
		return cli_usage_error(&kdh_cmd_watch, "nothing to watch: give a "
				       "VMID, a VM config or --iface IFACE");
	if (!vm->vmid)
		return cli_usage_error(&kdh_cmd_watch, "%s: the file name is not "
				       "VMID.conf, so the taps are not known: give "
				       "--iface tap<vmid>i<n>", st->conf_path);
	for (size_t i = 0; i < vm->n_nics; i++)	/* PVE_MAX_NETS of them at most */
		if (vm->nics[i].iface[0])
			snprintf(vm->ifaces[vm->n_ifaces++], IF_NAMESIZE, "%s",
				 vm->nics[i].iface);
	if (!vm->n_ifaces)
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "%s: the VM has no "
				 "netN line: nothing to watch", st->conf_path);
	return 0;
}

/* kdh check's findings and its choice of debug NIC */
static int check_take(const struct watch_opts *o, struct watch_static *st,
		      struct watch_vm *vm)
{
	const struct dbgsettings *d = st->has_bcd ? &st->bcd : NULL;
	struct check_ctx x;
	char name[16], err[300];
	int nic;

	check_ctx_init(&x, WIN_BUILD_DEFAULT);
	if (check_ctx_windows(&x, &st->conf, o->windows, err, sizeof(err)))
		return cli_usage_error(&kdh_cmd_watch, "--windows: %s", err);
	x.net = o->net;
	x.vmid = vm->vmid;
	st->n_findings = kdh_check(&st->conf, d, &x, st->f, CHECK_MAX_FINDINGS);
	nic = kdh_check_debug_nic(&st->conf, d, &x);
	snprintf(name, sizeof(name), "net%d", nic);
	for (size_t i = 0; nic >= 0 && i < vm->n_nics; i++)
		if (!strcmp(vm->nics[i].name, name))
			vm->debug_nic = (int)i;
	return 0;
}

/* The VM config; one that is not there said in a few words (a VMID not
 * on this host is the likely reason), not in GLib's */
static int conf_load(struct watch_static *st, unsigned vmid)
{
	char hint[64] = "";

	if (access(st->conf_path, F_OK) && errno == ENOENT) {
		if (vmid)
			snprintf(hint, sizeof(hint), " (no VM %u on this host?)", vmid);
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "%s: no such "
				 "file%s", st->conf_path, hint);
	}
	return check_conf_load(&kdh_cmd_watch, st->conf_path, &st->conf, false);
}

/**
 * watch_setup() - read the config and bcdedit files, decide what to watch
 * @o:		the command line
 * @st:		output: the files and kdh check's findings
 * @vm:		output: NICs, interfaces, debugger, key, VM start
 *
 * Return: 0, or KDH_EXIT_USAGE after printing what is wrong
 */
int watch_setup(const struct watch_opts *o, struct watch_static *st,
		struct watch_vm *vm)
{
	char *path;
	int rc = 0;

	memset(vm, 0, sizeof(*vm));
	vm->debug_nic = -1;
	vm->silence_ns = o->silence_ns;
	vm->qemu_start_ns = AN_NONE;
	if (o->vm) {
		path = check_config_path(o->vm, o->config_dir);
		snprintf(st->conf_path, sizeof(st->conf_path), "%s", path);
		g_free(path);
		vm->vmid = check_vmid_of(st->conf_path);
		rc = conf_load(st, vm->vmid);
	}
	if (!rc && o->bcdedit &&
	    !(rc = check_bcdedit_load(&kdh_cmd_watch, o->bcdedit, &st->bcd)))
		st->has_bcd = true;
	if (rc || (rc = watch_debugger_take(o, st, vm)))
		return rc;
	if (st->conf_path[0])
		nics_from_config(&st->conf, vm);
	macs_add(o, vm);
	if (st->conf_path[0] && (rc = check_take(o, st, vm)))
		return rc;
	if ((rc = ifaces_take(o, st, vm)))
		return rc;
	if (vm->vmid && !o->replay)
		vm->qemu_start_ns = watch_qemu_start(vm->vmid, o->pid_dir,
						     &vm->qemu_pid);
	return 0;
}

/**
 * watch_ifaces_exist() - every interface to watch is there
 * @vm:		what is watched
 *
 * Return: 0, or KDH_EXIT_USAGE after one line naming the first missing
 * one (a VM's tap exists only while the VM runs)
 */
int watch_ifaces_exist(const struct watch_vm *vm)
{
	for (size_t i = 0; i < vm->n_ifaces; i++) {
		const char *name = vm->ifaces[i];
		const struct watch_nic *n = NULL;

		if (if_nametoindex(name))
			continue;
		for (size_t j = 0; j < vm->n_nics; j++)
			if (!strcmp(vm->nics[j].iface, name))
				n = &vm->nics[j];
		if (n)
			return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE,
					 "no interface %s (%s of VM %u): the VM is "
					 "probably not running (qm start %u, then "
					 "this kdh watch again)", name, n->name,
					 vm->vmid, vm->vmid);
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "no interface %s "
				 "(ip link lists them; a VM's tap exists only while "
				 "it runs)", name);
	}
	return 0;
}

/* /proc/PID/stat's field 22: the start, in clock ticks of CLOCK_BOOTTIME */
/* Whether process @pid is the QEMU of VM @vmid: qemu-server starts it with
 * "-id VMID" (a pid file outlives its process, and pids are reused) */
static bool is_qemu_of(unsigned pid, unsigned vmid)
{
	char path[64], id[16];
	gchar *argv = NULL;
	gsize len = 0;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	snprintf(id, sizeof(id), "%u", vmid);
	if (!g_file_get_contents(path, &argv, &len, NULL))
		return false;
	for (gsize i = 0; i < len && !found; i += strlen(argv + i) + 1) {
		const char *arg = argv + i, *next = arg + strlen(arg) + 1;

		found = !strcmp(arg, "-id") && next < argv + len && !strcmp(next, id);
	}
	g_free(argv);
	return found;
}

static int start_ticks(unsigned pid, unsigned long long *ticks)
{
	char path[64], *text = NULL, *p;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return rc;
	p = strrchr(text, ')');		/* the command may hold spaces */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p + 1, "%llu", ticks) == 1)
		rc = 0;
	g_free(text);
	return rc;
}

/**
 * watch_qemu_start() - when the VM's QEMU started, from Proxmox's pid file
 * @vmid:	the VM
 * @pid_dir:	where VMID.pid is (WATCH_PID_DIR)
 * @pid:	output: the process, 0 when none
 *
 * Return: the wall clock's ns at its start (10 ms resolution), or AN_NONE
 * when there is no pid file, no such process, or one that is not QEMU
 * with "-id VMID" (a stale pid file, a pid reused)
 */
uint64_t watch_qemu_start(unsigned vmid, const char *pid_dir, unsigned *pid)
{
	struct timespec rt, bt;
	unsigned long long ticks;
	char path[600], err[700], *text = NULL;
	size_t len;
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long v = 0;
	uint64_t since_ns;

	*pid = 0;
	snprintf(path, sizeof(path), "%s/%u.pid", pid_dir, vmid);
	if (file_read(path, FILE_PID, &text, &len, err, sizeof(err)))
		return AN_NONE;
	v = strtoul(text, NULL, 10);
	free(text);
	if (!v || v > 4194304 || hz <= 0 || !is_qemu_of((unsigned)v, vmid) ||
	    start_ticks((unsigned)v, &ticks))
		return AN_NONE;
	clock_gettime(CLOCK_REALTIME, &rt);	/* once, at setup */
	clock_gettime(CLOCK_BOOTTIME, &bt);
	since_ns = (uint64_t)bt.tv_sec * NS_PER_S + (uint64_t)bt.tv_nsec -
		   (uint64_t)(ticks * (NS_PER_S / (unsigned long long)hz));
	*pid = (unsigned)v;
	return (uint64_t)rt.tv_sec * NS_PER_S + (uint64_t)rt.tv_nsec - since_ns;
}

/**
 * watch_filter_build() - the BPF filter for the VM's MACs
 * @vm:		what is watched
 * @buf:	output: "" when no MAC is known (every frame is read)
 * @len:	its size (WATCH_FILTER_LEN)
 *
 * Frames from or to the VM's MACs, and broadcast DHCP replies whose chaddr
 * is one of them (a server may broadcast OFFER and ACK): all KDNET needs,
 * from DISCOVER to the session.  ARP replies to the VM are unicast to it.
 * udp[36] is chaddr (8 bytes of UDP header, 28 into the DHCP message).
 */
void watch_filter_build(const struct watch_vm *vm, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!vm->n_nics)
		return;
	for (size_t i = 0; i < vm->n_nics && o < len; i++) {
		char m[MAC_STRLEN];

		o += (size_t)snprintf(buf + o, len - o, "%sether host %s",
				      i ? " or " : "", mac_str(vm->nics[i].mac, m));
	}
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, " or (ether broadcast and "
				      "udp dst port 68 and (");
	for (size_t i = 0; i < vm->n_nics && o < len; i++) {
		const uint8_t *m = vm->nics[i].mac;

		o += (size_t)snprintf(buf + o, len - o, "%s(udp[36:4] = 0x%02x%02x"
				      "%02x%02x and udp[40:2] = 0x%02x%02x)",
				      i ? " or " : "", m[0], m[1], m[2], m[3],
				      m[4], m[5]);
	}
	if (o < len)
		snprintf(buf + o, len - o, "))");
}

/* "power on 105 boot=1 nic=net0,MAC,0.18.0,vmbr0 ...", as kdh run writes
 * it (analyze_vm.c reads it) */
static void power_on_text(const struct watch_vm *vm, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "power on %u boot=1", vm->vmid);

	for (size_t i = 0; i < vm->n_nics && o < len; i++) {
		const struct watch_nic *n = &vm->nics[i];
		char m[MAC_STRLEN];

		if (n->name[0])
			o += (size_t)snprintf(buf + o, len - o, " nic=%s,%s,%s,%s",
					      n->name, mac_str(n->mac, m),
					      n->pci[0] ? n->pci : "-",
					      n->bridge[0] ? n->bridge : "-");
	}
}

/**
 * watch_events() - the harness events kdh watch records first, as kdh
 * run does: where the debugger is (bcdedit), and the VM's power-on (its
 * QEMU's start), so kdh analyze of the --pcap says what the watch says
 * @vm:		what is watched
 * @now_ns:	the watch's start
 * @ev:		output, in time order
 * @max:	its size (2 is enough)
 *
 * Return: how many
 */
size_t watch_events(const struct watch_vm *vm, uint64_t now_ns,
		    struct watch_event *ev, size_t max)
{
	const struct watch_nic *d = vm->debug_nic >= 0 ? &vm->nics[vm->debug_nic] :
				    NULL;
	char ip[IP_STRLEN];
	size_t n = 0;

	if (vm->qemu_start_ns != AN_NONE && vm->qemu_start_ns <= now_ns && n < max) {
		ev[n].ts_ns = vm->qemu_start_ns;
		power_on_text(vm, ev[n++].text, sizeof(ev[0].text));
	}
	if (vm->hostip && n < max) {
		ev[n].ts_ns = now_ns;
		snprintf(ev[n].text, sizeof(ev[n].text), "debugger %s %s:%u",
			 d && d->bridge[0] ? d->bridge : "-", ip_str(vm->hostip, ip),
			 vm->port);
		n++;
	}
	return n;
}

/* "net1 (e1000, guest PCI 0.19.0)", or the MAC alone */
static void nic_text(const struct watch_nic *n, char *buf, size_t len)
{
	char m[MAC_STRLEN];

	if (!n->name[0])
		snprintf(buf, len, "%s", mac_str(n->mac, m));
	else
		snprintf(buf, len, "%s (%s, guest PCI %s)", n->name, n->model,
			 n->pci[0] ? n->pci : "unknown");
}

static void watching_print(FILE *out, const struct watch_vm *vm)
{
	fprintf(out, "watching:");
	for (size_t i = 0; i < vm->n_ifaces; i++) {
		const struct watch_nic *n = NULL;

		for (size_t j = 0; j < vm->n_nics; j++)
			if (!strcmp(vm->nics[j].iface, vm->ifaces[i]))
				n = &vm->nics[j];
		fprintf(out, "%s %s", i ? "," : "", vm->ifaces[i]);
		if (n && n->firewall)
			fprintf(out, " (%s, bridge %s; firewall=1: the tap is in "
				"fwbr%ui%u)", n->name, n->bridge, vm->vmid, n->index);
		else if (n)
			fprintf(out, " (%s, bridge %s)", n->name, n->bridge);
	}
	fprintf(out, "; read only (no promiscuous mode, nothing changed)\n");
}

static void start_print(FILE *out, const struct watch_opts *o,
			const struct watch_vm *vm, uint64_t now_ns)
{
	time_t sec = (time_t)(vm->qemu_start_ns / NS_PER_S);
	char when[16] = "?";
	struct tm tm;

	if (vm->qemu_start_ns == AN_NONE || vm->qemu_start_ns > now_ns) {
		if (vm->vmid)
			fprintf(out, "VM start: unknown (no running QEMU in "
				"%s/%u.pid): silence counts from the watch's "
				"start\n", o->pid_dir, vm->vmid);
		else
			fprintf(out, "VM start: unknown (no VMID): silence counts "
				"from the watch's start\n");
		return;
	}
	if (localtime_r(&sec, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(out, "VM started %s (QEMU pid %u, %.1f s before the watch)%s\n",
		when, vm->qemu_pid, (double)(now_ns - vm->qemu_start_ns) / 1e9,
		now_ns - vm->qemu_start_ns > 60 * NS_PER_S ? ": frames from "
		"before the watch are not seen; a reboot inside Windows keeps "
		"QEMU, so times count from its start" : "");
}

/**
 * watch_opening_print() - the static verdict and what is watched, before
 * any frame: kdh check's findings, the debug NIC, the interfaces, the
 * filter, the debugger and key, the VM's start
 * @out:	where
 * @o:		the command line
 * @st:		the files and findings
 * @vm:		what is watched
 * @filter:	the BPF filter ("" none)
 * @now_ns:	the watch's start
 */
void watch_opening_print(FILE *out, const struct watch_opts *o,
			 const struct watch_static *st, const struct watch_vm *vm,
			 const char *filter, uint64_t now_ns)
{
	char b[96];

	if (st->conf_path[0]) {
		fprintf(out, "kdh watch: %s%s%s\n", st->conf_path,
			o->bcdedit ? ", bcdedit " : "", o->bcdedit ? o->bcdedit : "");
		check_findings_print(out, st->conf_path, st->f, st->n_findings,
				     st->has_bcd ? &st->bcd : NULL);
	} else {
		fprintf(out, "kdh watch: no VM config, so no kdh check findings\n");
	}
	if (vm->debug_nic >= 0) {
		nic_text(&vm->nics[vm->debug_nic], b, sizeof(b));
		fprintf(out, "debug NIC: %s on %s\n", b,
			vm->nics[vm->debug_nic].iface[0] ?
			vm->nics[vm->debug_nic].iface : "an interface not watched");
	} else {
		fprintf(out, "debug NIC: %s\n", st->conf_path[0] ? "none that kdh "
			"check can name (above); every NIC is watched" : "the "
			"first NIC that acts as a debuggee");
	}
	if (o->replay)
		fprintf(out, "replaying: %s\n", o->replay);
	else
		watching_print(out, vm);
	if (filter[0])
		fprintf(out, "filter: the VM's %zu MAC%s and DHCP broadcasts to "
			"them\n", vm->n_nics, vm->n_nics == 1 ? "" : "s");
	else if (!o->replay)
		fprintf(out, "filter: none (no MAC known: every frame is read; "
			"--mac MAC filters)\n");
	watch_debugger_print(out, o, vm);
	if (!o->replay)
		start_print(out, o, vm, now_ns);
	if (o->replay)
		fprintf(out, "lines: the capture's time of day, seconds since the "
			"VM's first frame\n");
	else
		fprintf(out, "live: time of day, seconds since the VM's first "
			"frame; Ctrl-C stops\n");
	fflush(out);
}
