// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_check.c - what ties a scenario's sections together, and the
 * defaults that depend on other sections, busparams = right / wrong, and
 * a few questions asked of a parsed scenario */
#include <stdio.h>
#include <string.h>

#include "harness/scenario/scenario_priv.h"
#include "kdh/platform/pve_pci.h"
#include "netsim/duration.h"
#include "netsim/loop.h"
#include "netsim/pkt.h"

static const uint8_t default_debugger_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };

/* "2m": for messages (one static buffer per call site is not enough) */
#define dur(ns) duration_format((ns), (char[24]){ 0 }, 24)

/*
 * The model's delays have floors below which they stop meaning anything
 * (and a zero interval would spin at one simulated instant): KDNET
 * announces every ~3 s, so timing.announce is at least 100ms; the DHCP
 * jitter must stay below the first 4 s wait; the give-up is at least 1s;
 * a driver load takes at least 100us (thousands of drivers stay cheap).
 */
#define N_TIMING	6
static const struct { uint64_t min_ns, max_ns; const char *text; } timing_range[N_TIMING] = {
	{ 0, UINT64_MAX, NULL },				/* kdnet_init */
	{ 0, 3 * NS_PER_S, "below 3s (the first DHCP wait is 4s)" },
	{ NS_PER_S, UINT64_MAX, "at least 1s" },		/* dhcp_give_up */
	{ 100 * NS_PER_MS, UINT64_MAX, "at least 100ms" },	/* announce */
	{ 0, UINT64_MAX, NULL },				/* os_boot */
	{ 100000, UINT64_MAX, "at least 100us" },		/* driver_load */
};

static int timing_check(struct parse *p, const struct sc_vm *vm)
{
	const struct target_timing *t = &vm->tc.timing;
	const uint64_t v[N_TIMING] = { t->kdnet_init_ns, t->dhcp_jitter_ns,
				       t->dhcp_give_up_ns, t->announce_ns,
				       t->os_boot_ns, t->driver_load_ns };
	static const char *const names[N_TIMING] = { "kdnet_init", "dhcp_jitter",
		"dhcp_give_up", "announce", "os_boot", "driver_load" };

	for (int i = 0; i < N_TIMING; i++)
		if (vm->timing_line[i] && (v[i] < timing_range[i].min_ns ||
					   v[i] > timing_range[i].max_ns))
			return sc_fail(p, vm->timing_line[i], "timing.%s = %s: it must "
				       "be %s", names[i], dur(v[i]), timing_range[i].text);
	return 0;
}

static int vm_check(struct parse *p, struct sc_vm *vm)
{
	struct scenario *sc = p->sc;

	if (!vm->n_nets)
		return sc_fail(p, vm->line, "[vm %s] has no netN line (e.g. "
			       "net0: e1000=BC:24:11:00:00:01,bridge=lan)", vm->name);
	for (size_t i = 0; i < vm->n_nets; i++)
		if (!sc_network_find(sc, vm->nets[i].bridge))
			return sc_fail(p, vm->net_line[i], "net%u: bridge=%s names "
				       "no [network %s]", vm->nets[i].index,
				       vm->nets[i].bridge, vm->nets[i].bridge);
	if (!vm->tc.dhcp && !vm->tc.ip)
		return sc_fail(p, vm->line, "[vm %s] has dhcp = no but no ip = "
			       "A.B.C.D/N (the debug adapter's static address)",
			       vm->name);
	if (vm->reboot_ns && vm->reboot_ns <= vm->power_on_ns)
		return sc_fail(p, vm->reboot_line, "reboot at %s is not after "
			       "power_on", dur(vm->reboot_ns));
	if (vm->power_on_ns >= sc->timeout_ns)
		return sc_fail(p, vm->power_on_line, "power_on at %s is not before "
			       "the timeout (%s)", dur(vm->power_on_ns),
			       dur(sc->timeout_ns));
	if (vm->reboot_ns >= sc->timeout_ns)
		return sc_fail(p, vm->reboot_line, "reboot at %s is not before the "
			       "timeout (%s)", dur(vm->reboot_ns), dur(sc->timeout_ns));
	if (sc_vm_kd_check(p, vm))
		return -1;
	return timing_check(p, vm);
}

/* MACs are unique over all VMs (and differ from the debugger's) */
static int mac_check(struct parse *p)
{
	struct scenario *sc = p->sc;
	char m[MAC_STRLEN];

	for (size_t a = 0; a < sc->n_vms; a++)
		for (size_t i = 0; i < sc->vms[a].n_nets; i++) {
			const uint8_t *mac = sc->vms[a].nets[i].mac;

			if (!memcmp(mac, sc->dbg.mac, 6))
				return sc_fail(p, sc->vms[a].net_line[i], "MAC %s is "
					       "the debugger's", mac_str(mac, m));
			for (size_t b = 0; b <= a; b++)
				for (size_t j = 0; j < (b == a ? i : sc->vms[b].n_nets); j++)
					if (!memcmp(mac, sc->vms[b].nets[j].mac, 6))
						return sc_fail(p, sc->vms[a].net_line[i],
							"MAC %s is used twice (also line %d)",
							mac_str(mac, m), sc->vms[b].net_line[j]);
		}
	return 0;
}

/* The gateway a network's router answers at: its own, or libslirp's .2 */
static uint32_t gateway_of(const struct sc_network *n)
{
	return n->gateway ? n->gateway : n->dhcp ? n->network + 2 : 0;
}

/* No two hosts on one address: debugger, gateways, the VMs' static ips */
static int addr_check(struct parse *p)
{
	const struct scenario *sc = p->sc;
	const struct sc_network *dn = sc_network_find(sc, sc->dbg.network);
	char a[IP_STRLEN];

	if (dn && sc->dbg.ip == gateway_of(dn))
		return sc_fail(p, sc->dbg.ip_line ? sc->dbg.ip_line : sc->vms[0].line,
			       "the debugger's address %s is the gateway of "
			       "[network %s]", ip_str(sc->dbg.ip, a), dn->name);
	for (size_t i = 0; i < sc->n_vms; i++) {
		const struct sc_vm *vm = &sc->vms[i];

		if (!vm->tc.ip)
			continue;
		if (vm->tc.ip == sc->dbg.ip)
			return sc_fail(p, vm->ip_line, "ip %s is the debugger's address",
				       ip_str(vm->tc.ip, a));
		for (size_t n = 0; n < sc->n_nets; n++)
			if (vm->tc.ip == gateway_of(&sc->nets[n]))
				return sc_fail(p, vm->ip_line, "ip %s is the gateway of "
					       "[network %s]", ip_str(vm->tc.ip, a),
					       sc->nets[n].name);
		for (size_t j = 0; j < i; j++)
			if (vm->tc.ip == sc->vms[j].tc.ip)
				return sc_fail(p, vm->ip_line, "ip %s is [vm %s]'s too "
					       "(line %d)", ip_str(vm->tc.ip, a),
					       sc->vms[j].name, sc->vms[j].ip_line);
	}
	return 0;
}

static int debugger_defaults(struct parse *p)
{
	struct sc_debugger *d = &p->sc->dbg;
	const struct sc_vm *first = &p->sc->vms[0];

	if (!d->network[0])
		snprintf(d->network, sizeof(d->network), "%s", first->nets[0].bridge);
	else if (!sc_network_find(p->sc, d->network))
		return sc_fail(p, d->line, "network: no [network %s]", d->network);
	if (!d->ip)
		d->ip = first->tc.host_ip;
	if (!d->port)
		d->port = first->tc.port;
	if (!d->has_key)
		memcpy(d->key, first->tc.key, KDNET_KEY_LEN);
	if (!d->has_mac)
		memcpy(d->mac, default_debugger_mac, 6);
	return 0;
}

/* busparams = right | wrong, once the debugger's network is known: right
 * is the b.d.f of the VM's NIC on it, wrong 0.19.0 (the i440fx habit)
 * unless that names a NIC of the VM, then 0.31.0 */
static int busparams_resolve(struct parse *p, struct sc_vm *vm)
{
	struct pci_addr pci, *bp = &vm->tc.busparams;
	bool taken = false;
	size_t i;

	if (vm->busparams_auto == 'r') {
		for (i = 0; i < vm->n_nets; i++)
			if (!strcmp(vm->nets[i].bridge, p->sc->dbg.network))
				break;
		if (i == vm->n_nets || pve_guest_nic_pci(&vm->conf,
							 vm->nets[i].index, bp))
			return sc_fail(p, vm->busparams_line, "busparams = right: "
				       "[vm %s] has no NIC on the debugger's network "
				       "%s (give it one, or name a b.d.f)", vm->name,
				       p->sc->dbg.network);
		return 0;
	}
	if (vm->busparams_auto != 'w')
		return 0;
	for (i = 0; i < vm->n_nets; i++)
		if (!pve_guest_nic_pci(&vm->conf, vm->nets[i].index, &pci) &&
		    pci.bus == 0 && pci.dev == 19 && pci.fn == 0)
			taken = true;
	bp->bus = 0;
	bp->dev = taken ? 31 : 19;
	bp->fn = 0;
	return 0;
}

/**
 * scenario_check() - cross-checks and section-spanning defaults
 * @p:		parse state with every section read
 *
 * Return: 0, or -EINVAL with the error set
 */
int scenario_check(struct parse *p)
{
	struct scenario *sc = p->sc;

	if (!sc->n_vms)
		return sc_fail(p, 0, "no [vm NAME] section: nothing to run");
	if (!sc->timeout_ns)
		return sc_fail(p, sc->timeout_line, "timeout must be longer than 0s");
	if (sc_vmx_check(p))
		return -1;
	for (size_t i = 0; i < sc->n_vms; i++) {
		struct sc_vm *vm = &sc->vms[i];

		if (!vm->tc.host_ip) {	/* no dbgsettings: hostip .1 of net0's */
			const struct sc_network *n = sc_network_find(sc,
							vm->nets[0].bridge);

			if (n)
				vm->tc.host_ip = n->network + 1;
		}
		if (vm_check(p, vm))
			return -1;
	}
	if (debugger_defaults(p))
		return -1;
	for (size_t i = 0; i < sc->n_vms; i++)
		if (busparams_resolve(p, &sc->vms[i]))
			return -1;
	if (mac_check(p) || addr_check(p) ||
	    sc_serial_check(p) || sc_debugger_time_check(p))
		return -1;
	for (size_t i = 0; i < sc->n_expects; i++) {
		struct sc_expect *e = &sc->expects[i];
		char text[sizeof(e->text)];
		int line = e->line;

		memcpy(text, e->text, sizeof(text));
		if (sc_expect_parse(sc, text, e, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, line, "%s", p->kv_err);
		e->line = line;
		if (sc_expect_sense(sc, i, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, line, "%s", p->kv_err);
		memcpy(e->text, text, sizeof(text));
	}
	return sc_net_check(p);
}

/** sc_in_group() - whether the scenario lists @group */
bool sc_in_group(const struct scenario *sc, const char *group)
{
	for (size_t i = 0; i < sc->n_groups; i++)
		if (!strcmp(sc->groups[i], group))
			return true;
	return false;
}

/**
 * sc_vm_vmid() - the Proxmox VMID kdh gives a scenario's VM: its QEMU's
 * -id and socket names (<vmid>.serialN), its bridge taps (tap<vmid>iN)
 * @vm:		its index in the scenario's VMs
 *
 * Return: 100 + @vm, the first VMID Proxmox hands out, then on
 */
unsigned sc_vm_vmid(size_t vm)
{
	return 100 + (unsigned)vm;
}

/**
 * sc_has_real_vm() - whether a VM of the scenario really boots (target =
 * vm): then its run takes real time
 * @sc:		scenario
 */
bool sc_has_real_vm(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_vms; i++)
		if (sc->vms[i].real)
			return true;
	return false;
}
