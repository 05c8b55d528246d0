// SPDX-License-Identifier: GPL-2.0-or-later
/* check.c - `kdh check`'s findings: what a Proxmox VM config and its
 * {dbgsettings} mean for KDNET, each with the fix (pure: no I/O)
 *
 * The same rules the simulated debuggee follows (target.c): busparams
 * names an exact PCI b.d.f whose model KDNET must drive, else the first
 * driven NIC in PCI order; Hyper-V enlightenments silence KDNET; DHCP on a
 * network without a server hangs the boot ~10 minutes.  With debugtype
 * SERIAL only the COM port matters: COMn is the VM's n-th serial port.
 * The Windows build decides which NIC models KDNET drives: the user's,
 * else the newest the ostype covers (winbuild_name.c), said in a first
 * "note" finding so no answer rests on a silent assumption.
 *
 * Wing harness/platform/ (docs/development.md): Proxmox and QEMU as they
 *   are: vmconf, CPU models, machines, PCI, argv, bcdedit; kdh check.
 * Uses: netsim/, util/, kdnet/, cmd/.
 * Used by: target/, scenario/, result/, run/, watch/, bench/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "harness/platform/check_priv.h"
#include "kdh/platform/check.h"
#include "kdh/util/values.h"
#include "netsim/pkt.h"
#include "netsim/value.h"
#include "kdh/platform/winbuild.h"

/* A text vsnprintf() cut (@want bytes did not fit in @len): end it with
 * "…" on a whole UTF-8 character, so the cut shows */
static void mark_cut(char *buf, size_t len, int want)
{
	size_t end;

	if (want < 0 || (size_t)want < len || len < 4)
		return;
	end = len - 4;
	while (end > 0 && ((unsigned char)buf[end] & 0xC0) == 0x80)
		end--;
	memcpy(buf + end, "\xE2\x80\xA6", 4);	/* "…" and its NUL */
}

/** check_add() - fill a finding (its fix empty); a cut text ends in "…" */
void check_add(struct finding *f, enum finding_level lvl, const char *fmt, ...)
{
	va_list ap;
	int want;

	f->level = lvl;
	va_start(ap, fmt);
	want = vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	mark_cut(f->text, sizeof(f->text), want);
	f->fix[0] = '\0';
}

/** check_fix() - a finding's fix; a cut fix ends in "…" */
void check_fix(struct finding *f, const char *fmt, ...)
{
	va_list ap;
	int want;

	va_start(ap, fmt);
	want = vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
	mark_cut(f->fix, sizeof(f->fix), want);
}

#define add check_add

/**
 * check_ctx_init() - defaults: network unknown, @windows_build's NICs
 * @x:		output
 * @windows_build: e.g. WIN_BUILD_DEFAULT
 */
void check_ctx_init(struct check_ctx *x, unsigned windows_build)
{
	memset(x, 0, sizeof(*x));
	x->windows_build = windows_build;
	x->build_lo = x->build_hi = windows_build;
	x->n_models = win_build_models(windows_build, x->models, CHECK_MAX_MODELS);
	x->qemu = (struct pve_version){ 10, 0, 0 };
}

/**
 * check_ctx_windows() - the guest's Windows build: @given (--windows,
 * "22H2" resolved with the ostype), else the newest the VM's ostype
 * covers, with a note saying which and why
 * @x:		context (check_ctx_init()); its build and NIC list are set
 * @c:		VM config (ostype)
 * @given:	what the user gave, NULL for none
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL for a @given that is not a build
 */
int check_ctx_windows(struct check_ctx *x, const struct vmconf *c,
		      const char *given, char *err, size_t errlen)
{
	char name[64], why[160];
	unsigned build, lo, hi;

	if (given) {
		if (win_build_pick(given, c->ostype, &build, x->build_note,
				   sizeof(x->build_note), err, errlen) < 0)
			return -EINVAL;
		lo = hi = build;
	} else {
		win_build_assume(c->ostype, &build, &lo, &hi, why, sizeof(why));
		snprintf(x->build_note, sizeof(x->build_note), "assumed %s (build "
			 "%u) %s; give --windows BUILD (ver in the guest prints "
			 "10.0.BUILD.UBR) to check another",
			 win_build_name(build, name, sizeof(name)), build, why);
	}
	x->windows_build = build;
	x->build_assumed = !given;
	x->build_lo = lo;
	x->build_hi = hi;
	x->n_models = win_build_models(build, x->models, CHECK_MAX_MODELS);
	return 0;
}

/** check_link_findings() - netN's link_down, firewall, MAC twin and VLAN */
void check_link_findings(const struct vmconf *c, int nic, struct finding *f,
			 size_t *n, size_t max)
{
	if (nic < 0 || *n + 4 > max)
		return;
	if (!pve_net_link_up(&c->nets[nic])) {
		add(&f[(*n)++], FIND_BLOCK, "net%d has link_down=1: nothing gets through", nic);
		snprintf(f[*n - 1].fix, sizeof(f[0].fix), "remove link_down=1 from net%d", nic);
	}
	if (c->nets[nic].firewall)
		add(&f[(*n)++], FIND_WARN, "net%d has firewall=1: the Proxmox firewall "
		    "must let the KDNET UDP port through both ways", nic);
	for (unsigned i = 0; i < PVE_MAX_NETS && *n < max; i++)
		if (i != (unsigned)nic && c->has_net[i] &&
		    !memcmp(c->nets[i].mac, c->nets[nic].mac, 6) &&
		    !strcmp(c->nets[i].bridge, c->nets[nic].bridge)) {
			add(&f[(*n)++], FIND_WARN, "net%d and net%u have the same MAC "
			    "on %s: the bridge learns it on whichever NIC sent last, "
			    "so the debugger's replies may reach the other one", nic,
			    i, c->nets[nic].bridge);
			snprintf(f[*n - 1].fix, sizeof(f[0].fix), "give net%u a MAC of "
				 "its own: net%u: %s,bridge=%s (no MAC: Proxmox "
				 "generates one)", i, i, c->nets[i].model,
				 c->nets[i].bridge);
			break;
		}
	if (*n < max && c->nets[nic].tag > 1)	/* tap_plug: "vid $tag pvid untagged" */
		add(&f[(*n)++], FIND_WARN, "net%d has tag=%u: the NIC is on VLAN %u "
		    "of %s only, so the debugger must be a host on VLAN %u (one on "
		    "the bridge itself, VLAN 1, never sees KDNET)", nic,
		    c->nets[nic].tag, c->nets[nic].tag, c->nets[nic].bridge,
		    c->nets[nic].tag);
}

/** check_dhcp_finding() - dhcp yes/no against the network's DHCP server */
void check_dhcp_finding(const struct dbgsettings *d, enum check_network net,
			struct finding *f)
{
	bool dhcp = !d || !d->has_dhcp || d->dhcp;

	if (!dhcp) {
		add(f, FIND_OK, "dhcp no: the debug adapter uses its static address");
	} else if (net == NET_DHCP) {
		add(f, FIND_OK, "dhcp yes on a network with a DHCP server");
	} else if (net == NET_STATIC) {
		add(f, FIND_BLOCK, "dhcp yes on a network without a DHCP server: the "
		    "boot waits ~10 minutes at the Windows logo, then takes a "
		    "169.254.x.y address the debugger cannot reach");
		snprintf(f->fix, sizeof(f->fix), "bcdedit /set {dbgsettings} dhcp no, "
			 "and give the \"Kernel Debugger Ethernet\" adapter a static "
			 "address");
	} else {
		add(f, FIND_WARN, "dhcp yes: fine with a DHCP server; on a static-IP "
		    "network the boot hangs ~10 minutes (say --network static|dhcp)");
	}
}

/** check_settings_findings() - debugtype, key, hostip and port as given */
void check_settings_findings(const struct dbgsettings *d, struct finding *f,
			     size_t *n)
{
	char err[160];
	uint8_t key[KDNET_KEY_LEN];
	const char *special;
	uint32_t ip = 0;		/* stays 0 for 0.0.0.0 (-ERANGE) */

	if (d->debugtype[0] && strcasecmp(d->debugtype, "NET") &&
	    strcasecmp(d->debugtype, "SERIAL")) {
		add(&f[*n], FIND_BLOCK, "debugtype is %s, not NET", d->debugtype);
		snprintf(f[(*n)++].fix, sizeof(f[0].fix), "bcdedit /dbgsettings net "
			 "hostip:H port:50000 key:K");
	}
	if (d->key[0] && kdnet_key_parse(d->key, key, err, sizeof(err))) {
		add(&f[*n], FIND_BLOCK, "key '%s': %s", d->key, err);
		snprintf(f[(*n)++].fix, sizeof(f[0].fix), "bcdedit /dbgsettings net "
			 "hostip:H port:P newkey (and give WinDbg the new key)");
	}
	if (d->hostip[0] && sv_ipv4(d->hostip, &ip, NULL) == -EINVAL)
		add(&f[(*n)++], FIND_BLOCK, "hostip '%s' is not an IPv4 address", d->hostip);
	else if (d->hostip[0] && (special = ipv4_special(ip, ~0u)))
		add(&f[(*n)++], FIND_BLOCK, "hostip %s is %s: KDNET sends to the "
		    "debugger's own address", d->hostip, special);
	if (d->has_port && (d->port < 49152 || d->port > 65535)) {
		add(&f[*n], FIND_BLOCK, "port %lu is outside 49152-65535, the range "
		    "Microsoft documents for KDNET", d->port);
		snprintf(f[(*n)++].fix, sizeof(f[0].fix),
			 "bcdedit /set {dbgsettings} port 50000");
	}
}

/* debugtype SERIAL: which serialN is COM<debugport>, and is it linkable.
 * qemu-server gives each serialN an isa-serial in order, so COM1 is the
 * first configured port (normally serial0). */
static void serial_findings(const struct vmconf *c, const struct dbgsettings *d,
			    const char *vmid, struct finding *f, size_t *n)
{
	unsigned long com = d->debugport ? d->debugport : 1, seen = 0;
	int port = -1;

	for (int i = 0; i < VMCONF_SERIALS && port < 0; i++)
		if (c->serial[i][0] && ++seen == com)
			port = i;
	if (port < 0) {
		add(&f[*n], FIND_BLOCK, "debugport %lu (COM%lu) but the VM has %lu "
		    "serial port%s: the debuggee's KD output goes nowhere", com, com,
		    seen, seen == 1 ? "" : "s");
		if (seen)
			check_fix(&f[*n], "bcdedit /set {dbgsettings} debugport 1");
		else
			check_fix(&f[*n], "qm set %s --serial0 socket (then bcdedit "
				  "/set {dbgsettings} debugport 1)", vmid);
		(*n)++;
		return;
	}
	if (!strcmp(c->serial[port], "socket"))
		add(&f[(*n)++], FIND_OK, "COM%lu is serial%d: socket "
		    "(/var/run/qemu-server/VMID.serial%d); join it to the debugger VM's "
		    "port with kdh serial-link", com, port, port);
	else
		add(&f[(*n)++], FIND_OK, "COM%lu is serial%d, the host's %s: the "
		    "debugger must be at the other end of that line", com, port,
		    c->serial[port]);
	if (d->baudrate && d->baudrate != 115200)
		add(&f[(*n)++], FIND_WARN, "baudrate %lu: WinDbg's COM settings must "
		    "say the same (115200 is the usual)", d->baudrate);
}

/* "qm set 105" when the VM id is known */
static const char *vmid_text(const struct check_ctx *x, char *buf, size_t len)
{
	if (x->vmid)
		snprintf(buf, len, "%u", x->vmid);
	else
		snprintf(buf, len, "VMID");
	return buf;
}

/**
 * kdh_check() - every finding for a VM and its debug settings
 * @c:		VM config
 * @d:		{dbgsettings}, NULL when not given (Windows' defaults)
 * @x:		network, Windows build, VM id (check_ctx_init())
 * @f:		output
 * @max:	its size (CHECK_MAX_FINDINGS is enough)
 *
 * Return: number of findings
 */
size_t kdh_check(const struct vmconf *c, const struct dbgsettings *d,
		 const struct check_ctx *x, struct finding *f, size_t max)
{
	char vmid[16];
	size_t n = 0;
	int nic;

	if (max < CHECK_MAX_FINDINGS)
		return 0;
	vmid_text(x, vmid, sizeof(vmid));
	if (x->build_note[0] && !(d && !strcasecmp(d->debugtype, "SERIAL")))
		add(&f[n++], FIND_NOTE, "%s", x->build_note);
	if (d && !strcasecmp(d->debugtype, "SERIAL")) {
		serial_findings(c, d, vmid, f, &n);
		check_secboot(c, vmid, f, &n);
		return n;
	}
	nic = check_nic(c, d, x, f, &n);
	check_link_findings(c, nic, f, &n, max);
	check_hv(c, x, vmid, f, &n);
	check_secboot(c, vmid, f, &n);
	check_dhcp_finding(d, x->net, &f[n++]);
	if (d)
		check_settings_findings(d, f, &n);
	return n;
}

/**
 * kdh_check_debug_nic() - the NIC KDNET will use, as kdh_check() decides it
 * @c:		VM config
 * @d:		{dbgsettings}, NULL for Windows' defaults
 * @x:		Windows build and its NIC list
 *
 * Return: its netN index, or -1 when none qualifies (busparams naming no
 * driven NIC, no driven model) or debugtype is SERIAL
 */
int kdh_check_debug_nic(const struct vmconf *c, const struct dbgsettings *d,
			const struct check_ctx *x)
{
	struct finding *f;
	size_t n = 0;
	int nic;

	if (d && !strcasecmp(d->debugtype, "SERIAL"))
		return -1;
	f = g_new(struct finding, PVE_MAX_NETS + 2);	/* one per NIC at most */
	nic = check_nic(c, d, x, f, &n);
	g_free(f);
	return nic;
}
