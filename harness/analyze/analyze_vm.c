// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_vm.c - harness events in a capture, and per-VM results
 *
 * The harness writes its events as pcapng packet comments:
 *   power on VM boot=N nic=NAME,MAC,PCI,NETWORK [nic=...]
 *   power off VM
 *   debugger NETWORK IP:PORT
 * They tell which NICs belong to which VM, when each boot began, and where
 * the debugger is; everything else still comes from the frames.  A new
 * boot archives what was seen of the VM's NICs before it, so a VM's figures
 * are those of its latest boot, timed from that boot's "power on".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"

static struct an_vm *vm_get(struct analysis *a, const char *name, bool create)
{
	for (size_t i = 0; i < a->n_vms; i++)
		if (!strcmp(a->vms[i].name, name))
			return &a->vms[i];
	if (!create || a->n_vms == AN_MAX_VMS)
		return NULL;
	snprintf(a->vms[a->n_vms].name, sizeof(a->vms[0].name), "%s", name);
	a->vms[a->n_vms].prev_power_on_ns = AN_NONE;
	a->vms[a->n_vms].power_on_ns = AN_NONE;
	return &a->vms[a->n_vms++];
}

static void nic_take(struct analysis *a, struct an_vm *vm, char *spec)
{
	char *f[4], *save = NULL;
	struct an_vm_nic nic = { 0 };
	int n = 0;

	for (char *w = strtok_r(spec, ",", &save); w && n < 4;
	     w = strtok_r(NULL, ",", &save))
		f[n++] = w;
	if (n != 4 || mac_parse(f[1], nic.mac) || vm->n_nics == AN_MAX_VM_NICS)
		return;
	snprintf(nic.name, sizeof(nic.name), "%s", f[0]);
	snprintf(nic.pci, sizeof(nic.pci), "%s", f[2]);
	snprintf(nic.network, sizeof(nic.network), "%s", f[3]);
	vm->nics[vm->n_nics++] = nic;
	analysis_archive_mac(a, nic.mac);
}

static void power_on(struct analysis *a, char *rest, uint64_t now)
{
	char *save = NULL, *name = strtok_r(rest, " ", &save), *w;
	struct an_vm *vm;

	if (!name || !(vm = vm_get(a, name, true)))
		return;
	vm->boots++;
	snprintf(vm->boot_kind, sizeof(vm->boot_kind), "%s", vm->boots == 1 ? "" :
		 vm->off_kind[0] ? vm->off_kind : "restart");
	vm->off_kind[0] = '\0';
	vm->prev_power_on_ns = vm->power_on_ns;
	vm->power_on_ns = now;
	an_serial_power_on(a, name);
	vm->n_nics = 0;
	while ((w = strtok_r(NULL, " ", &save)))
		if (!strncmp(w, "nic=", 4))
			nic_take(a, vm, w + 4);
}

/* "power off VM [reboot=guest]": how the next boot begins */
static void power_off(struct analysis *a, char *rest)
{
	char *save = NULL, *name = strtok_r(rest, " ", &save);
	char *w = strtok_r(NULL, " ", &save);
	struct an_vm *vm = name ? vm_get(a, name, false) : NULL;

	if (vm)
		snprintf(vm->off_kind, sizeof(vm->off_kind), "%s",
			 w && !strcmp(w, "reboot=guest") ? "guest" : "power");
}

static void debugger_event(struct analysis *a, const char *rest)
{
	unsigned b[4], port;

	if (sscanf(rest, "%31s %u.%u.%u.%u:%u", a->dbg_network, &b[0], &b[1],
		   &b[2], &b[3], &port) == 6 && b[0] < 256 && b[1] < 256 &&
	    b[2] < 256 && b[3] < 256)
		a->dbg_ip = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/**
 * analysis_event() - take a harness event (a packet comment)
 * @a:		analysis
 * @comment:	the text
 * @now:	its timestamp
 */
void analysis_event(struct analysis *a, const char *comment, uint64_t now)
{
	char *buf = g_strdup(comment);	/* 32 NICs: no fixed size holds it */

	if (!strncmp(buf, "power on ", 9))
		power_on(a, buf + 9, now);
	else if (!strncmp(buf, "power off ", 10))
		power_off(a, buf + 10);
	else if (!strncmp(buf, "debugger ", 9))
		debugger_event(a, buf + 9);
	else if (!strncmp(buf, AN_SERIAL_LINK " ", strlen(AN_SERIAL_LINK) + 1))
		an_serial_event(a, buf + strlen(AN_SERIAL_LINK) + 1);
	g_free(buf);
}

/**
 * analysis_vm_nic_known() - whether a "power on" event named this MAC
 * @a:		analysis
 * @mac:	address
 *
 * Return: true for a NIC of a known VM (its frames get a record even when
 * it does no DHCP, probing or KDNET, so its OS traffic counts)
 */
bool analysis_vm_nic_known(const struct analysis *a, const uint8_t mac[ETH_ALEN])
{
	for (size_t i = 0; i < a->n_vms; i++)
		for (size_t j = 0; j < a->vms[i].n_nics; j++)
			if (!memcmp(a->vms[i].nics[j].mac, mac, ETH_ALEN))
				return true;
	return false;
}

/** analysis_n_vms() - VMs named by "power on" events */
size_t analysis_n_vms(const struct analysis *a)
{
	return a->n_vms;
}

/** analysis_vm() - one of them */
const struct an_vm *analysis_vm(const struct analysis *a, size_t i)
{
	return &a->vms[i];
}

/* The NIC's timeline, from the VM's power-on, as far as it fits */
static void timeline_copy(struct an_vm_result *r, const struct an_target *t,
			  uint64_t t0)
{
	for (guint i = 0; i < t->events->len && r->n_timeline < AN_VM_TIMELINE; i++) {
		const struct an_event *e = &g_array_index(t->events, struct an_event, i);

		r->timeline[r->n_timeline].t = ((double)e->t_ns - (double)t0) / 1e9;
		snprintf(r->timeline[r->n_timeline++].text, sizeof(r->timeline[0].text),
			 "%s", e->text);
	}
}

static void from_metrics(struct an_vm_result *r, const struct an_metrics *m)
{
	r->outcome = m->outcome;
	snprintf(r->why, sizeof(r->why), "%s", m->why);
	r->connect_s = m->connect_s;
	r->dhcp_phase_s = m->dhcp_phase_s;
	r->first_kdnet_s = m->first_kdnet_s;
	r->logo_hang_s = m->logo_hang_s;
	r->discover_count = m->discover_count;
	memcpy(r->address, m->address, sizeof(r->address));
	r->address_source = m->address_source;
}

/* KDNET that never connected and left on a network without the debugger */
static void wrong_nic_check(const struct analysis *a, struct an_vm_result *r)
{
	if (r->outcome == AN_CONNECTED || r->outcome == AN_KEY_MISMATCH ||
	    !a->dbg_network[0] || !strcmp(r->debug_nic.network, a->dbg_network))
		return;
	r->outcome = AN_WRONG_NIC;
	snprintf(r->why, sizeof(r->why), "KDNET went out on %s (%s, network %s); "
		 "the debugger is on %s", r->debug_nic.name, r->debug_nic.pci,
		 r->debug_nic.network, a->dbg_network);
}

/* The VM's debug NIC in its latest boot: the first in the event's order
 * that sent KDNET, else the first that asked ARP for the debugger; NULL
 * without either.  @nic: its index; @any: the first NIC seen at all */
static const struct an_target *debug_target(const struct analysis *a,
					    const struct an_vm *v, size_t *nic,
					    const struct an_target **any)
{
	*any = NULL;
	for (int pass = 0; pass < 2; pass++)	/* KDNET, else ARP */
		for (size_t i = 0; i < v->n_nics; i++) {
			const struct an_target *t =
				analysis_open_target(a, v->nics[i].mac);

			if (t && !*any)
				*any = t;
			if (t && (pass ? t->arp_for_debugger : t->kdnet_sent)) {
				*nic = i;
				return t;
			}
		}
	return NULL;
}

static const struct an_vm *vm_find(const struct analysis *a, const char *vm)
{
	for (size_t i = 0; i < a->n_vms; i++)
		if (!strcmp(a->vms[i].name, vm))
			return &a->vms[i];
	return NULL;
}

/**
 * analysis_vm_kd() - the KD conversation of a VM's latest boot: over its
 * serial port when it spoke KD there, else of its debug NIC
 * @a:		analysis fed a whole capture
 * @vm:		VM name from a "power on" event
 *
 * Return: the record (owned by @a, its log for kd.log), or NULL when no
 * event names @vm or it has no debuggee
 */
const struct an_kd *analysis_vm_kd(const struct analysis *a, const char *vm)
{
	const struct an_vm *v = vm_find(a, vm);
	const struct an_target *dbg, *any;
	const struct an_kd *kd;
	size_t nic;

	if (!v)
		return NULL;
	kd = an_serial_vm_kd(a, v);
	if (kd)
		return kd;
	dbg = debug_target(a, v, &nic, &any);
	return dbg && dbg->kdnet_sent ? &dbg->kd : NULL;
}

/**
 * analysis_vm_result() - the metrics of a VM's latest boot
 * @a:		analysis fed a whole capture
 * @vm:		VM name from a "power on" event
 * @r:		output
 *
 * The debug NIC is the VM's NIC that sent KDNET (the first in the event's
 * order, which is PCI order), else the one that asked ARP for the
 * debugger's address (KDNET trying on a network where nobody answers);
 * without either the outcome is no-kdnet-traffic and the address figures
 * come from the first NIC seen.  The kd block and the outcomes bugcheck,
 * break and stalled come from the debug NIC's KD conversation, or the
 * serial port's when the VM spoke KD there.
 *
 * Return: 0, or -ENOENT when no event names @vm
 */
int analysis_vm_result(const struct analysis *a, const char *vm,
		       struct an_vm_result *r)
{
	const struct an_vm *v = vm_find(a, vm);
	const struct an_target *dbg, *any;
	struct an_metrics m;
	size_t nic = 0;

	if (!v)
		return -ENOENT;
	memset(r, 0, sizeof(*r));
	r->boots = v->boots;
	r->end_s = ((double)a->last_ns - (double)v->power_on_ns) / 1e9;
	r->prev_boot_s = v->prev_power_on_ns == AN_NONE ? NAN :
		((double)v->prev_power_on_ns - (double)v->power_on_ns) / 1e9;
	snprintf(r->reboot, sizeof(r->reboot), "%s", v->boot_kind);
	r->kd.stalled_s = NAN;
	dbg = debug_target(a, v, &nic, &any);
	if (dbg) {
		r->has_debug_nic = true;
		r->debug_nic = v->nics[nic];
		an_kd_vm_result(&dbg->kd, a->last_ns, r);
	}
	if (dbg || any) {
		an_metrics_compute_from(a, dbg ? dbg : any, v->power_on_ns, &m);
		from_metrics(r, &m);
		timeline_copy(r, dbg ? dbg : any, v->power_on_ns);
		r->os_network = (dbg ? dbg : any)->echo_replies > 0;
	} else {
		r->connect_s = r->dhcp_phase_s = r->first_kdnet_s = NAN;
		r->logo_hang_s = NAN;
	}
	if (dbg && !dbg->kdnet_sent) {
		r->outcome = AN_TIMEOUT;
		snprintf(r->why, sizeof(r->why), "%s asked %u times (ARP) for the "
			 "debugger's MAC; no answer, no KDNET packet",
			 r->debug_nic.name, dbg->arp_for_debugger);
	} else if (!dbg) {
		r->outcome = AN_NO_KDNET_TRAFFIC;
		if (v->n_nics == 1)
			snprintf(r->why, sizeof(r->why), "no KDNET packet from its "
				 "NIC");
		else
			snprintf(r->why, sizeof(r->why), "no KDNET packet from any "
				 "of its %zu NICs", v->n_nics);
		r->first_kdnet_s = r->connect_s = r->logo_hang_s = NAN;
	}
	if (dbg && !dbg->kdnet_sent)
		r->first_kdnet_s = r->connect_s = r->logo_hang_s = NAN;
	if (dbg)
		wrong_nic_check(a, r);
	an_serial_vm_result(a, v, r);	/* KD on a COM port decides, if any */
	return 0;
}
