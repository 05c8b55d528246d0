// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_vmx_check.c - VMware VMs against the rest of the scenario:
 * each ethernetN's network is a [network vmnetN], a serial debugport is a
 * pipe (not the wizard's printer), and the debugger VM's pipe is joined to
 * the debuggee's by name, as VMware joins them: one server, one client
 *
 * Facts and their labels (VMware's switches VMnet0/1/8, NAT and host-only
 * with DHCP, bridged without; COMn = the n-th serial port; the pipe's two
 * ends): docs/vmware.md.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/scenario_priv.h"

/* "kdh check DEBUGGEE.vmx DEBUGGER.vmx", with the files' names where
 * they are files */
static const char *check_hint(const struct parse *p, const struct sc_vm *vm,
			      char *buf, size_t len)
{
	snprintf(buf, len, "check both: kdh check %s %s",
		 vm && !vm->vmx_pasted ? vm->vmx_file : "DEBUGGEE.vmx",
		 p->sc->dbg.vmx_file);
	return buf;
}

/* What a missing [network vmnetN] should be, by VMware's switches */
static const char *network_hint(const char *net)
{
	if (!strcmp(net, "vmnet8"))
		return "type = dhcp (VMware's NAT network hands out addresses by "
		       "DHCP; the host is .1 of its subnet)";
	if (!strcmp(net, "vmnet1"))
		return "type = dhcp (VMware's host-only network has its DHCP "
		       "server too)";
	if (!strcmp(net, "vmnet0"))
		return "your LAN's settings (bridged: type = static, or dhcp "
		       "where the LAN has a DHCP server, and its subnet)";
	return "the settings the Virtual Network Editor gave it (type = static "
	       "or dhcp, and its subnet)";
}

static int nets_check(struct parse *p, const struct sc_vm *vm)
{
	if (!vm->n_nets)
		return sc_fail(p, vm->vmx_line, "[vm %s]: its .vmx has no NIC "
			       "(ethernet0.present = \"TRUE\"); kdh puts every VM on "
			       "a network, add one", vm->name);
	for (size_t i = 0; i < vm->n_nets; i++) {
		const char *net = vm->nets[i].bridge;

		if (sc_network_find(p->sc, net))
			continue;
		return sc_fail(p, vm->net_line[i], "[vm %s]: ethernet%u is on %s, "
			       "and the scenario has no [network %s]: add [network "
			       "%s] with %s", vm->name, vm->nets[i].index, net, net,
			       net, network_hint(net));
	}
	return 0;
}

/* The first pipe of the VM as "debugport:N for serialK", for a hint */
static void pipe_hint(const struct sc_vm *vm, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned c = 0; c < SC_MAX_SERIALS; c++) {
		int s = vm->vmx_com[c];

		if (s >= 0 && vm->pipe[s].present) {
			snprintf(buf, len, ", or debugport:%u for serial%d, the pipe",
				 c + 1, s);
			return;
		}
	}
}

/* dbgsettings serial debugport:N: COMN is a pipe kdh can link */
static int com_check(struct parse *p, const struct sc_vm *vm)
{
	unsigned com = vm->tc.debugport;
	int line = vm->dbgsettings_line ? vm->dbgsettings_line : vm->line;
	int s = com >= 1 && com <= SC_MAX_SERIALS ? vm->vmx_com[com - 1] : -1;
	char hint[64];

	if (!vm->tc.serial)
		return 0;
	pipe_hint(vm, hint, sizeof(hint));
	if (s < 0)
		return sc_fail(p, line, "dbgsettings serial debugport:%u: [vm %s]'s "
			       ".vmx has no COM%u (COMn is the n-th serialN present): "
			       "add a serial port on a named pipe%s", com, vm->name,
			       com, hint);
	if (vm->pipe[s].printer)
		return sc_fail(p, line, "dbgsettings serial debugport:%u: COM%u of "
			       "[vm %s] is serial%d, the printer the new-VM wizard "
			       "adds (serial%d.fileName = \"thinprint\"): remove the "
			       "printer (VM Settings > Printer > Remove) so the serial "
			       "port is COM1%s", com, com, vm->name, s, s, hint);
	if (!vm->pipe[s].present)
		return sc_fail(p, line, "dbgsettings serial debugport:%u: COM%u of "
			       "[vm %s] is serial%d, a %s port; kdh links a named "
			       "pipe (serial%d.fileType = \"pipe\")%s", com, com,
			       vm->name, s, vm->conf.serial[s], s, hint);
	if ((unsigned)s != com - 1)
		return sc_fail(p, line, "dbgsettings serial debugport:%u: COM%u of "
			       "[vm %s] is serial%d, as the ports before it are "
			       "missing; which COM VMware then gives it is not "
			       "documented (a guess): number the ports from serial0",
			       com, com, vm->name, s);
	return 0;
}

/* One pipe: Windows pipe names without case (docs/vmware.md V44), a unix
 * socket path (Linux or macOS host) with case */
static bool pipe_same(const char *a, const char *b)
{
	if (a[0] == '/' || b[0] == '/')
		return !strcmp(a, b);
	return !g_ascii_strcasecmp(a, b);
}

/* The [vm] pipe of that name: its VM and port, -1 for none; two VMs'
 * pipes of one name are an error (*bad) */
static int pipe_find(struct parse *p, const char *name, unsigned *port,
		     bool *bad)
{
	char hint[600];
	int found = -1;

	*bad = false;
	for (size_t v = 0; v < p->sc->n_vms; v++)
		for (unsigned s = 0; s < SC_MAX_SERIALS; s++) {
			const struct sc_vm *vm = &p->sc->vms[v];

			if (!vm->vmx_line || !vm->pipe[s].present ||
			    !pipe_same(vm->pipe[s].name, name))
				continue;
			if (found >= 0) {
				*bad = true;
				return sc_fail(p, vm->vmx_line, "[vm %s] serial%u and "
					       "[vm %s] serial%u are both on the pipe "
					       "%s: a pipe joins two ends; %s",
					       p->sc->vms[found].name, *port, vm->name,
					       s, name, check_hint(p, vm, hint,
								   sizeof(hint)));
			}
			found = (int)v;
			*port = s;
		}
	return found;
}

/* Both ends server, or both client: VMware never joins them */
static int roles_check(struct parse *p, const struct sc_pipe *dp, unsigned k,
		       const struct sc_vm *vm, unsigned s)
{
	const struct sc_debugger *d = &p->sc->dbg;
	const struct sc_pipe *vp = &vm->pipe[s];
	char hint[600];

	if (dp->server == vp->server)
		return sc_fail(p, d->vmx_line, "the debugger VM's serial%u (%s:%d) "
			       "and [vm %s]'s serial%u (%s:%d) are both pipe %ss of "
			       "%s: make the debuggee's end the server "
			       "(serial%u.pipe.endPoint = \"server\") and the "
			       "debugger VM's the client (serial%u.pipe.endPoint = "
			       "\"client\"); %s", k, d->vmx_file, dp->line, vm->name,
			       s, vm->vmx_file, vp->line, dp->server ? "server" :
			       "client", dp->name, s, k,
			       check_hint(p, vm, hint, sizeof(hint)));
	return 0;
}

static int link_add(struct parse *p, const struct sc_vm *vm, unsigned s)
{
	struct scenario *sc = p->sc;
	struct sc_serial *l = &sc->serials[sc->n_serials];
	char name[SC_NAME];

	if (sc->n_serials == SC_MAX_SERIALS)
		return sc_fail(p, sc->dbg.vmx_line, "more than %d serial links",
			       SC_MAX_SERIALS);
	memset(l, 0, sizeof(*l));
	l->vm[0] = (int)(vm - sc->vms);
	l->port[0] = s;
	l->vm[1] = SC_DEBUGGER;
	memcpy(name, vm->name, sizeof(name));	/* -Wrestrict: both in *sc */
	snprintf(l->end[0], sizeof(l->end[0]), "%s:serial%u", name, s);
	snprintf(l->end[1], sizeof(l->end[1]), "debugger");
	l->baud = vm->tc.serial ? vm->tc.baudrate : 115200;
	l->line = sc->dbg.vmx_line;
	sc->n_serials++;
	return 0;
}

/* [debugger] vmx = FILE: each of its pipes is a VM's, one server and one
 * client, and becomes the link VM:serialN <-> debugger */
static int pair_link(struct parse *p)
{
	const struct sc_debugger *d = &p->sc->dbg;
	const struct sc_vm *first = NULL;
	bool any = false, bad;
	char hint[600];

	if (!d->vmx_line)
		return 0;
	for (size_t v = p->sc->n_vms; v-- > 0;)
		if (p->sc->vms[v].vmx_line)
			first = &p->sc->vms[v];
	check_hint(p, first, hint, sizeof(hint));
	for (unsigned k = 0; k < SC_MAX_SERIALS; k++) {
		const struct sc_pipe *dp = &d->pipe[k];
		unsigned s = 0;
		int v;

		if (!dp->present)
			continue;
		any = true;
		v = pipe_find(p, dp->name, &s, &bad);
		if (bad)
			return -1;
		if (v < 0)
			return sc_fail(p, d->vmx_line, "the debugger VM's serial%u "
				       "(%s:%d) is on the pipe %s, and no [vm]'s .vmx "
				       "has a pipe of that name: give both ends the "
				       "same fileName; %s", k, d->vmx_file, dp->line,
				       dp->name, hint);
		if (roles_check(p, dp, k, &p->sc->vms[v], s) ||
		    link_add(p, &p->sc->vms[v], s))
			return -1;
	}
	if (!any)
		return sc_fail(p, d->vmx_line, "vmx = %s: the debugger VM has no "
			       "serial port on a named pipe (serialN.fileType = "
			       "\"pipe\"), the COM port its WinDbg uses; %s",
			       d->vmx_file, hint);
	return 0;
}

/**
 * sc_vmx_check() - the VMware VMs and the debugger VM against the
 * scenario's networks and serial links (before scenario_check()'s own
 * checks, which then see the links made here)
 * @p:		parse state, every section read
 *
 * Return: 0, or -EINVAL with the error set
 */
int sc_vmx_check(struct parse *p)
{
	for (size_t i = 0; i < p->sc->n_vms; i++) {
		const struct sc_vm *vm = &p->sc->vms[i];

		if (vm->vmx_line && (nets_check(p, vm) || com_check(p, vm)))
			return -1;
	}
	return pair_link(p);
}
