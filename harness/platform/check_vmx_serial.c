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
 * without case; a unix socket path, on Linux or macOS, with case), one server and one client, the other end a virtual
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

/* The first absent serialN, -1 when all are there */
static int free_port(const struct vmx_vm *vm)
{
	for (int i = 0; i < VMX_MAX_SERIALS; i++)
		if (!vm->serial[i].present)
			return i;
	return -1;
}

/* The fix that adds a pipe port: the first free serialN, all its lines,
 * and the debugport that names it (all ports before it are present) */
static void fix_add_port(const struct vmx_vm *vm, unsigned long com,
			 bool pair, struct finding *fd)
{
	int i = free_port(vm);
	char dp[80] = "";

	if (i < 0) {
		check_fix(fd, "make one of the %d ports a named pipe "
			  "(serialN.fileType = \"pipe\") and point debugport at "
			  "it", VMX_MAX_SERIALS);
		return;
	}
	if ((unsigned long)i + 1 != com)
		snprintf(dp, sizeof(dp), ", then bcdedit /set {dbgsettings} "
			 "debugport %d (serial%d is COM%d)", i + 1, i, i + 1);
	check_fix(fd, "add a serial port on a named pipe (VM settings: Add > "
		  "Serial Port > Use named pipe): serial%d.present = \"TRUE\", "
		  "serial%d.fileType = \"pipe\", serial%d.fileName = "
		  "\"\\\\.\\pipe\\com_1\", serial%d.pipe.endPoint = \"server\", "
		  "serial%d.tryNoRxLoss = \"%s\", serial%d.yieldOnMsrRead = "
		  "\"TRUE\"%s", i, i, i, i, i, pair ? "FALSE" : "TRUE", i, dp);
}

static void port_missing(const struct vmx_vm *vm, unsigned long com,
			 bool pair, struct finding *f, size_t *n)
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
		fix_add_port(vm, com, pair, &f[*n]);
	(*n)++;
}

/*
 * COM<com> is past the present ports, but serial(com-1) is there after a
 * missing one: VMware may keep it at COM<com> (a guess, V27).  Return:
 * that port, -1 when this is not the case.
 */
static int port_gap_warn(const struct vmx_vm *vm, unsigned long com,
			 struct finding *f, size_t *n)
{
	int s = (int)com - 1, k = check_vmx_com_of(vm, s);

	if (com < 1 || com > VMX_MAX_SERIALS || !vm->serial[s].present)
		return -1;
	check_add(&f[*n], FIND_WARN, "debugport %lu: COM%lu is serial%d if "
		  "VMware keeps serialN at COM(N+1), or no port at all if the "
		  "guest numbers the present ports in order (serial%d is then "
		  "COM%d); which one is not documented (a guess either way)",
		  com, com, s, s, k);
	check_fix(&f[(*n)++], "number the ports from serial0 (rename the "
		  "serial%d lines serial%d) and bcdedit /set {dbgsettings} "
		  "debugport %d: then both readings agree", s, free_port(vm),
		  free_port(vm) + 1);
	return s;
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

/* serialN present after absent ones: COM numbering is then a guess
 * (V27); @who "" or "in debugger.vmx: " */
static void gap_warn(int port, int com, const char *who, struct finding *f,
		     size_t *n)
{
	if (port == com - 1)
		return;
	check_add(&f[*n], FIND_WARN, "%sserial%d is COM%d only if the guest "
		  "numbers the present ports in order; VMware may keep serial%d "
		  "at COM%d (a guess either way)", who, port, com, port, port + 1);
	check_fix(&f[(*n)++], "%snumber the ports from serial0 (no gaps); or, "
		  "if nothing connects, try %s%d", who, who[0] ?
		  "WinDbg's com:port=com" : "bcdedit /set {dbgsettings} debugport ",
		  port + 1);
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

	if (port < 0)
		port = port_gap_warn(vm, com, f, n);
	else
		gap_warn(port, (int)com, "", f, n);
	if (port < 0) {
		port_missing(vm, com, pair, f, n);
		return -1;
	}
	s = &vm->serial[port];
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

/* A pipe on a Linux or macOS host is a unix socket: kdh serial-link
 * links it to WinDbg on Windows over TCP, as the other end (listen: when
 * the VM is the client), through an SSH tunnel (serial-link listens on
 * 127.0.0.1) */
static void host_socket(const struct vmx_serial *s, int i, struct finding *f,
			size_t *n)
{
	check_add(&f[*n], FIND_NOTE, "serial%d's pipe is %s, a socket on a "
		  "Linux or macOS host, where WinDbg does not run", i,
		  s->file_name);
	check_fix(&f[(*n)++], "kdh serial-link %s%s --tcp-listen 5800 on "
		  "the host; on Windows ssh -N -L 5800:127.0.0.1:5800 user@HOST, "
		  "then windbg -k com:ipport=5800,port=127.0.0.1; or debug from "
		  "a second VM (kdh check debuggee.vmx debugger.vmx)",
		  s->server ? "" : "listen:", s->file_name);
	if (!s->server)
		check_add(&f[(*n)++], FIND_OK, "serial%d's end of the socket is "
			  "the client: kdh serial-link listen:%s is the server it "
			  "connects to", i, s->file_name);
}

/* Host<->VM: WinDbg on the host opens the pipe (a client) */
static void host_pipe(const struct vmx_serial *s, int i, unsigned long com,
		      struct finding *f, size_t *n)
{
	if (s->file_name[0] == '/')
		host_socket(s, i, f, n);
	else if (!s->server) {
		check_add(&f[*n], FIND_BLOCK, "serial%d's end of the pipe is the "
			  "client, and WinDbg's com:pipe is a client too: nobody "
			  "opens the pipe", i);
		check_fix(&f[(*n)++], "serial%d.pipe.endPoint = \"server\" (\"This "
			  "end is the server\")", i);
	}
	if (!s->try_no_rx_loss) {
		check_add(&f[*n], FIND_WARN, "serial%d says the other end is a "
			  "virtual machine, but on the host it is %s, an "
			  "application", i, s->file_name[0] == '/' ?
			  "kdh serial-link" : "WinDbg");
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

/**
 * check_vmx_pipe_same() - whether two pipe fileNames name one pipe
 * @a, @b:	the names
 *
 * Windows pipe names (\\.\pipe\NAME) are not case-sensitive (V44);
 * a unix socket path (a Linux or macOS host) is.
 *
 * Return: true when they are the same pipe
 */
bool check_vmx_pipe_same(const char *a, const char *b)
{
	if (a[0] == '/' || b[0] == '/')
		return !strcmp(a, b);
	return !strcasecmp(a, b);
}

/* Append ", serialN NAME" to @buf; a cut ends with "…" */
static void others_add(char *buf, size_t size, int i, const char *name)
{
	size_t o = strlen(buf);
	int w = snprintf(buf + o, size - o, "%sserial%d %s", o ? ", " : "", i,
			 name);

	if (w >= 0 && (size_t)w >= size - o && size >= 4)
		memcpy(buf + size - 4, "\xe2\x80\xa6", 4);
}

/* The debugger VM's pipe of the debuggee's name; BLOCK when none */
static int pair_match(const struct vmx_vm *a, int pa, const struct vmx_vm *b,
		      struct finding *f, size_t *n)
{
	const char *name = a->serial[pa].file_name;
	char others[300] = "";
	int first = -1;

	for (int i = 0; i < VMX_MAX_SERIALS; i++) {
		const struct vmx_serial *s = &b->serial[i];

		if (!s->present || s->type != VMX_SER_PIPE)
			continue;
		if (check_vmx_pipe_same(s->file_name, name))
			return i;
		first = first < 0 ? i : first;
		others_add(others, sizeof(others), i, s->file_name);
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

/* One server, one client: the seed's debuggee server, debugger VM client;
 * Return: false on a BLOCK */
static bool pair_roles(const struct vmx_vm *a, int pa, const struct vmx_vm *b,
		       int pb, struct finding *f, size_t *n)
{
	bool sa = a->serial[pa].server, sb = b->serial[pb].server;

	if (sa && sb) {
		check_add(&f[*n], FIND_BLOCK, "both ends of the pipe are its "
			  "server (%s serial%d, %s serial%d): neither connects",
			  base_name(a->file), pa, base_name(b->file), pb);
		check_fix(&f[(*n)++], "in %s: serial%d.pipe.endPoint = \"client\" "
			  "(\"This end is the client\")", base_name(b->file), pb);
		return false;
	} else if (!sa && !sb) {
		check_add(&f[*n], FIND_BLOCK, "both ends of the pipe are clients "
			  "(%s serial%d, %s serial%d): nobody creates it",
			  base_name(a->file), pa, base_name(b->file), pb);
		check_fix(&f[(*n)++], "in %s: serial%d.pipe.endPoint = \"server\" "
			  "(\"This end is the server\")", base_name(a->file), pa);
		return false;
	}
	check_add(&f[(*n)++], FIND_OK, "one server (%s), one client (%s) on the "
		  "pipe %s", base_name((sa ? a : b)->file),
		  base_name((sa ? b : a)->file), a->serial[pa].file_name);
	return true;
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

/* Roles, each side's settings, the debugger VM's COM number and WinDbg */
static void pair_debugger(const struct vmx_vm *a, int pa,
			  const struct vmx_vm *b, int pb,
			  const struct dbgsettings *d, struct finding *f,
			  size_t *n)
{
	int com = check_vmx_com_of(b, pb);
	char who[280];
	bool ok = pair_roles(a, pa, b, pb, f, n);

	pair_side(a, pa, f, n);
	pair_side(b, pb, f, n);
	snprintf(who, sizeof(who), "in %s: ", base_name(b->file));
	gap_warn(pb, com, who, f, n);
	if (ok)
		check_add(&f[(*n)++], FIND_OK, "in the debugger VM run windbg -k "
			  "com:port=com%d,baud=%lu, without the pipe option: inside "
			  "that VM the pipe is its COM%d (serial%d)", com,
			  d->baudrate ? d->baudrate : 115200, com, pb);
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
	if (!strcmp(a->file, b->file)) {
		check_add(&f[n], FIND_BLOCK, "%s is given twice: a pair is the "
			  "debuggee's .vmx and the debugger VM's, two VMs on one "
			  "pipe", base_name(a->file));
		check_fix(&f[n++], "kdh check debuggee.vmx debugger.vmx, or kdh "
			  "check %s alone for WinDbg on the host", base_name(a->file));
		return n;
	}
	pa = port_findings(a, com, true, f, &n);
	pb = pa < 0 ? -1 : pair_match(a, pa, b, f, &n);
	if (pb >= 0)
		pair_debugger(a, pa, b, pb, d, f, &n);
	baud_warn(d, f, &n);
	check_vmx_secboot(a, f, &n);
	check_vmx_dups(xa, f, &n, max / 2 + max / 4);
	check_vmx_dups(xb, f, &n, max);
	return n;
}
