// SPDX-License-Identifier: GPL-2.0-or-later
/* check_vmx_serial.c - `kdh check` with debugtype SERIAL on VMware: the
 * serialN that is COM<debugport>, host<->VM over a named pipe (WinDbg's
 * com:pipe on the host), and the VM<->VM pair (kdh check debuggee.vmx
 * debugger.vmx) (pure: no I/O)
 *
 * The seed's settings, as .vmx lines (libvirt's vmx.c mapping, the
 * vSphere API): "Use named pipe" fileType pipe, "This end is the server"
 * pipe.endPoint, "The other end is an application" tryNoRxLoss TRUE ("a
 * virtual machine" FALSE), "Yield CPU on poll" yieldOnMsrRead, "Connect
 * at power on" startConnected.  Host<->VM: this end the server (WinDbg's
 * com:pipe opens the pipe as a client), the other end an application.
 * VM<->VM: the same fileName (compared as Windows compares pipe names,
 * without case), one server and one client, the other end a virtual
 * machine, and WinDbg in the debugger VM on com:port=comM without `pipe`.
 * The wizard's serial0 is a printer (thinprint): a port added later is
 * serial1, and debugport 1 then names the printer.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "harness/platform/check_priv.h"
#include "kdh/platform/check_vmx.h"

static const char *const type_name[] = {
	[VMX_SER_DEVICE] = "device", [VMX_SER_FILE] = "file",
	[VMX_SER_PIPE] = "pipe", [VMX_SER_NETWORK] = "network",
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/**
 * check_vmx_com_of() - the COM number the guest gives serialN
 * @vm:		the VM
 * @serial:	N
 *
 * Return: n of COMn (vmx_com_port()'s numbering), 0 when not present
 */
int check_vmx_com_of(const struct vmx_vm *vm, int serial)
{
	for (unsigned com = 1; com <= VMX_MAX_SERIALS; com++)
		if (vmx_com_port(vm, com) == serial)
			return (int)com;
	return 0;
}

/* The first present pipe port other than @skip, -1 when none */
static int pipe_port(const struct vmx_vm *vm, int skip)
{
	for (int i = 0; i < VMX_MAX_SERIALS; i++)
		if (i != skip && vm->serial[i].present &&
		    vm->serial[i].type == VMX_SER_PIPE)
			return i;
	return -1;
}

static void port_missing(const struct vmx_vm *vm, unsigned long com,
			 struct finding *f, size_t *n)
{
	int seen = 0, p = pipe_port(vm, -1);

	for (int i = 0; i < VMX_MAX_SERIALS; i++)
		seen += vm->serial[i].present;
	check_add(&f[*n], FIND_BLOCK, "debugport %lu (COM%lu) but %s has %d "
		  "serial port%s: the debuggee's KD output goes nowhere", com, com,
		  base_name(vm->file), seen, seen == 1 ? "" : "s");
	if (p >= 0)
		check_fix(&f[*n], "bcdedit /set {dbgsettings} debugport %d "
			  "(serial%d, the pipe, is COM%d)", check_vmx_com_of(vm, p),
			  p, check_vmx_com_of(vm, p));
	else
		check_fix(&f[*n], "add a serial port on a named pipe (VM settings: "
			  "Add > Serial Port > Use named pipe): serial%d.present = "
			  "\"TRUE\", serial%d.fileType = \"pipe\", serial%d.fileName = "
			  "\"\\\\.\\pipe\\com_1\", serial%d.pipe.endPoint = \"server\"",
			  seen, seen, seen, seen);
	(*n)++;
}

/* COMn is the wizard's printer: both ways out (the seed's trap) */
static void port_printer(const struct vmx_vm *vm, unsigned long com, int port,
			 struct finding *f, size_t *n)
{
	int p = pipe_port(vm, port);

	check_add(&f[*n], FIND_BLOCK, "COM%lu is serial%d, the printer port "
		  "(fileName thinprint) the new VM wizard adds: KD talks to a "
		  "printer, and nothing reaches the debugger", com, port);
	if (p >= 0)
		check_fix(&f[*n], "remove the printer (VM settings: Printer > "
			  "Remove, or delete the serial%d lines) and rename the "
			  "pipe's serial%d lines serial%d, so it is COM%lu; or keep "
			  "the printer and bcdedit /set {dbgsettings} debugport %d "
			  "(serial%d, the pipe, is COM%d)", port, p, port, com,
			  check_vmx_com_of(vm, p), p, check_vmx_com_of(vm, p));
	else
		check_fix(&f[*n], "remove the printer (VM settings: Printer > "
			  "Remove, or delete the serial%d lines), then add a serial "
			  "port on a named pipe: serial%d.fileType = \"pipe\"", port,
			  port);
	(*n)++;
}

/* serialN present after absent ones: COM numbering is then a guess */
static void gap_note(int port, unsigned long com, struct finding *f, size_t *n)
{
	if (port == (int)com - 1)
		return;
	check_add(&f[(*n)++], FIND_NOTE, "serial%d is COM%lu only if the guest "
		  "numbers the present ports in order; VMware may keep serial%d at "
		  "COM%d (a guess): if nothing connects, try debugport %d", port,
		  com, port, port + 1, port + 1);
}

/*
 * The port behind COM<com>: missing, the printer, a file, a device, a
 * network port (with @pair every one but a pipe blocks).  Return: the
 * serialN index when it is a pipe, else -1.
 */
static int port_findings(const struct vmx_vm *vm, unsigned long com,
			 bool pair, struct finding *f, size_t *n)
{
	int port = vmx_com_port(vm, (unsigned)com);
	const struct vmx_serial *s;

	if (port < 0) {
		port_missing(vm, com, f, n);
		return -1;
	}
	s = &vm->serial[port];
	gap_note(port, com, f, n);
	if (s->thinprint) {
		port_printer(vm, com, port, f, n);
		return -1;
	}
	if (s->type == VMX_SER_PIPE)
		return port;
	if (pair || s->type == VMX_SER_FILE) {
		check_add(&f[*n], FIND_BLOCK, "COM%lu is serial%d, fileType %s "
			  "(%s): %s", com, port, type_name[s->type], s->file_name,
			  s->type == VMX_SER_FILE ? "no debugger can answer a file" :
			  "the debugger VM reaches it only over a named pipe");
		check_fix(&f[(*n)++], "serial%d.fileType = \"pipe\", serial%d."
			  "fileName = \"\\\\.\\pipe\\com_1\" (VM settings: Serial Port > "
			  "Use named pipe)", port, port);
	} else if (s->type == VMX_SER_DEVICE) {
		check_add(&f[(*n)++], FIND_OK, "COM%lu is serial%d, the host's %s: "
			  "the debugger must be at the other end of that line", com,
			  port, s->file_name);
	} else {
		check_add(&f[(*n)++], FIND_NOTE, "COM%lu is serial%d, a network "
			  "port (%s): seen working on VMware Fusion only, a guess for "
			  "Workstation; the debugger must connect to it", com, port,
			  s->file_name);
	}
	return -1;
}

/* Yield CPU on poll, Connect at power on: both layouts; @who "" or "in
 * debugger.vmx: " */
static void common_warns(const struct vmx_serial *s, int i, const char *who,
			 struct finding *f, size_t *n)
{
	if (!s->yield_on_msr_read) {
		check_add(&f[*n], FIND_WARN, "%sserial%d without \"Yield CPU on "
			  "poll\": KD polls the port, and during VM debugging "
			  "VMware often consumes 100%% of the CPU (Microsoft's VM "
			  "debugging page)", who, i);
		check_fix(&f[(*n)++], "%sserial%d.yieldOnMsrRead = \"TRUE\" (\"Yield "
			  "CPU on poll\")", who, i);
	}
	if (!s->start_connected) {
		check_add(&f[*n], FIND_WARN, "%sserial%d.startConnected is FALSE: "
			  "the port is unplugged when the VM powers on", who, i);
		check_fix(&f[(*n)++], "%sserial%d.startConnected = \"TRUE\" "
			  "(\"Connect at power on\")", who, i);
	}
}

/* Host<->VM: WinDbg on the host opens the pipe (a client) */
static void host_pipe(const struct vmx_serial *s, int i, unsigned long com,
		      struct finding *f, size_t *n)
{
	if (s->file_name[0] == '/') {
		check_add(&f[*n], FIND_NOTE, "serial%d's pipe is %s, a socket on a "
			  "Linux or macOS host, where WinDbg does not run", i,
			  s->file_name);
		check_fix(&f[(*n)++], "kdh serial-link %s --tcp-listen 5800 on the "
			  "host, then windbg -k com:ipport=5800,port=HOST on Windows; "
			  "or debug from a second VM (kdh check debuggee.vmx "
			  "debugger.vmx)", s->file_name);
	}
	if (!s->server) {
		check_add(&f[*n], FIND_BLOCK, "serial%d's end of the pipe is the "
			  "client, and WinDbg's com:pipe is a client too: nobody "
			  "opens the pipe", i);
		check_fix(&f[(*n)++], "serial%d.pipe.endPoint = \"server\" (\"This "
			  "end is the server\")", i);
	}
	if (!s->try_no_rx_loss) {
		check_add(&f[*n], FIND_WARN, "serial%d says the other end is a "
			  "virtual machine, but on the host it is WinDbg, an "
			  "application", i);
		check_fix(&f[(*n)++], "serial%d.tryNoRxLoss = \"TRUE\" (\"The other "
			  "end is an application\")", i);
	}
	common_warns(s, i, "", f, n);
	if (s->file_name[0] == '/')
		return;
	check_add(&f[(*n)++], FIND_OK, "COM%lu is serial%d, the named pipe %s: "
		  "on the host run windbg -k com:pipe,port=%s,resets=0,reconnect",
		  com, i, s->file_name, s->file_name);
	check_add(&f[(*n)++], FIND_NOTE, "Microsoft's VM debugging page advises "
		  "against resets=0 and reconnect for VMware (its pipes keep excess "
		  "bytes and survive a restart); the line above is the usual one "
		  "and works in practice; after a reset from VMware, restart "
		  "WinDbg");
}

static void baud_warn(const struct dbgsettings *d, struct finding *f,
		      size_t *n)
{
	if (d->baudrate && d->baudrate != 115200)
		check_add(&f[(*n)++], FIND_WARN, "baudrate %lu: WinDbg's COM "
			  "settings must say the same (115200 is the usual)",
			  d->baudrate);
}

/**
 * check_vmx_serial() - debugtype SERIAL on one VM (host<->VM)
 * @vm:		the VM
 * @d:		{dbgsettings} (debugport, baudrate)
 * @f:		findings
 * @n:		their count, advanced
 */
void check_vmx_serial(const struct vmx_vm *vm, const struct dbgsettings *d,
		      struct finding *f, size_t *n)
{
	unsigned long com = d->debugport ? d->debugport : 1;
	int port = port_findings(vm, com, false, f, n);

	if (port >= 0)
		host_pipe(&vm->serial[port], port, com, f, n);
	baud_warn(d, f, n);
}

/* The debugger VM's pipe of the debuggee's name; BLOCK when none */
static int pair_match(const struct vmx_vm *a, int pa, const struct vmx_vm *b,
		      struct finding *f, size_t *n)
{
	const char *name = a->serial[pa].file_name;
	char others[300] = "";
	size_t o = 0;
	int first = -1;

	for (int i = 0; i < VMX_MAX_SERIALS; i++) {
		const struct vmx_serial *s = &b->serial[i];

		if (!s->present || s->type != VMX_SER_PIPE)
			continue;
		if (!strcasecmp(s->file_name, name))
			return i;
		first = first < 0 ? i : first;
		if (o < sizeof(others))
			o += (size_t)snprintf(others + o, sizeof(others) - o,
					      "%sserial%d %s", o ? ", " : "", i,
					      s->file_name);
	}
	check_add(&f[*n], FIND_BLOCK, "the debuggee's serial%d is the pipe %s, "
		  "but %s has %s%s: the two VMs never meet", pa, name,
		  base_name(b->file), first < 0 ? "no pipe port" :
		  "no pipe of that name, only ", others);
	if (first >= 0)
		check_fix(&f[(*n)++], "in %s: serial%d.fileName = \"%s\" (the same "
			  "name on both ends)", base_name(b->file), first, name);
	else
		check_fix(&f[(*n)++], "in %s add a serial port on the pipe: "
			  "serial0.fileType = \"pipe\", serial0.fileName = \"%s\", "
			  "serial0.pipe.endPoint = \"client\"", base_name(b->file), name);
	return -1;
}

/* One server, one client: the seed's debuggee server, debugger VM client */
static void pair_roles(const struct vmx_vm *a, int pa, const struct vmx_vm *b,
		       int pb, struct finding *f, size_t *n)
{
	bool sa = a->serial[pa].server, sb = b->serial[pb].server;

	if (sa && sb) {
		check_add(&f[*n], FIND_BLOCK, "both ends of the pipe are its "
			  "server (%s serial%d, %s serial%d): neither connects",
			  base_name(a->file), pa, base_name(b->file), pb);
		check_fix(&f[(*n)++], "in %s: serial%d.pipe.endPoint = \"client\" "
			  "(\"This end is the client\")", base_name(b->file), pb);
	} else if (!sa && !sb) {
		check_add(&f[*n], FIND_BLOCK, "both ends of the pipe are clients "
			  "(%s serial%d, %s serial%d): nobody creates it",
			  base_name(a->file), pa, base_name(b->file), pb);
		check_fix(&f[(*n)++], "in %s: serial%d.pipe.endPoint = \"server\" "
			  "(\"This end is the server\")", base_name(a->file), pa);
	} else {
		check_add(&f[(*n)++], FIND_OK, "one server (%s), one client (%s) "
			  "on the pipe %s", base_name((sa ? a : b)->file),
			  base_name((sa ? b : a)->file), a->serial[pa].file_name);
	}
}

/* "The other end is a virtual machine", yield, connect: each side */
static void pair_side(const struct vmx_vm *v, int p, struct finding *f,
		      size_t *n)
{
	char who[280];

	snprintf(who, sizeof(who), "in %s: ", base_name(v->file));
	if (v->serial[p].try_no_rx_loss) {
		check_add(&f[*n], FIND_WARN, "%sserial%d says the other end is an "
			  "application, but it is a virtual machine (VMware: this "
			  "\"is more likely to fail\")", who, p);
		check_fix(&f[(*n)++], "%sserial%d.tryNoRxLoss = \"FALSE\" (\"The "
			  "other end is a virtual machine\")", who, p);
	}
	common_warns(&v->serial[p], p, who, f, n);
}

/**
 * check_vmx_pair() - debugtype SERIAL between two VMs on one pipe
 * @xa, @a:	the debuggee's file and VM
 * @xb, @b:	the debugger VM's
 * @d:		the debuggee's {dbgsettings} (debugtype SERIAL)
 * @f:		output
 * @max:	its size (CHECK_MAX_FINDINGS is enough)
 *
 * Return: number of findings
 */
size_t check_vmx_pair(const struct vmx *xa, const struct vmx_vm *a,
		      const struct vmx *xb, const struct vmx_vm *b,
		      const struct dbgsettings *d, struct finding *f,
		      size_t max)
{
	unsigned long com = d->debugport ? d->debugport : 1;
	size_t n = 0;
	int pa, pb;

	if (max < CHECK_MAX_FINDINGS)
		return 0;
	pa = port_findings(a, com, true, f, &n);
	pb = pa < 0 ? -1 : pair_match(a, pa, b, f, &n);
	if (pb >= 0) {
		pair_roles(a, pa, b, pb, f, &n);
		pair_side(a, pa, f, &n);
		pair_side(b, pb, f, &n);
		check_add(&f[n++], FIND_OK, "in the debugger VM run windbg -k "
			  "com:port=com%d,baud=%lu, without the pipe option: inside "
			  "that VM the pipe is its COM%d (serial%d)",
			  check_vmx_com_of(b, pb), d->baudrate ? d->baudrate :
			  115200, check_vmx_com_of(b, pb), pb);
	}
	baud_warn(d, f, &n);
	check_vmx_secboot(a, f, &n);
	check_vmx_dups(xa, f, &n, max / 2 + max / 4);
	check_vmx_dups(xb, f, &n, max);
	return n;
}
