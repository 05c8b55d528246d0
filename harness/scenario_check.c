/* scenario_check.c - what ties a scenario's sections together, and the
 * defaults that depend on other sections */
#include <stdio.h>
#include <string.h>

#include "harness/scenario_priv.h"
#include "kdh/pkt.h"

static const uint8_t default_debugger_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };

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
		return sc_fail(p, vm->line, "[vm %s]: reboot comes before power_on",
			       vm->name);
	return 0;
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

static int debugger_defaults(struct parse *p)
{
	struct sc_debugger *d = &p->sc->dbg;
	const struct sc_vm *first = &p->sc->vms[0];
	static const uint8_t zero[6];

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
	if (!memcmp(d->mac, zero, 6))
		memcpy(d->mac, default_debugger_mac, 6);
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
		return sc_fail(p, 0, "timeout must be longer than 0s");
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
	if (debugger_defaults(p) || mac_check(p) || sc_serial_check(p))
		return -1;
	for (size_t i = 0; i < sc->n_expects; i++) {
		struct sc_expect *e = &sc->expects[i];
		char text[sizeof(e->text)];
		int line = e->line;

		memcpy(text, e->text, sizeof(text));
		if (sc_expect_parse(sc, text, e, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, line, "%s", p->kv_err);
		e->line = line;
		memcpy(e->text, text, sizeof(text));
	}
	return 0;
}
