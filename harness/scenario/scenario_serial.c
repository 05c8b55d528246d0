// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_serial.c - serial links in a scenario: "serial = link vmA:serial0
 * vmB:serial0|debugger [baud:N]" in [scenario], checked against the VMs'
 * serialN lines and their {dbgsettings} serial debugport */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_priv.h"
#include "netsim/value.h"

/**
 * sc_serial_key() - one "serial = link A B [baud:N]" line (ends are
 * resolved by sc_serial_check() once every VM is known)
 * @p:		parse state
 * @it:		the item
 *
 * Return: 0 or -EINVAL with the error set
 */
int sc_serial_key(struct parse *p, const struct ini_item *it)
{
	struct scenario *sc = p->sc;
	struct sc_serial *l = &sc->serials[sc->n_serials];
	char w[4][48] = { "" }, extra[8] = "";
	int n = sscanf(it->value, "%47s %47s %47s %47s %7s", w[0], w[1], w[2],
		       w[3], extra);

	if (sc->n_serials == SC_MAX_SERIALS)
		return sc_fail(p, it->line, "more than %d serial links",
			       SC_MAX_SERIALS);
	if (n < 3 || n > 4 || strcmp(w[0], "link"))
		return sc_fail(p, it->line, "serial: expected 'link VM:serialN "
			       "VM:serialN|debugger [baud:N]'");
	memset(l, 0, sizeof(*l));
	l->baud = 115200;
	if (n == 4) {
		uint64_t b;

		if (strncmp(w[3], "baud:", 5) || value_uint(w[3] + 5, 1, 4000000, &b))
			return sc_fail(p, it->line, "serial: '%s' is not baud:N "
				       "(e.g. baud:115200)", w[3]);
		l->baud = (unsigned)b;
	}
	for (int i = 0; i < 2; i++) {
		if (strlen(w[i + 1]) >= sizeof(l->end[i]))
			return sc_fail(p, it->line, "serial: '%s' is too long", w[i + 1]);
		snprintf(l->end[i], sizeof(l->end[i]), "%s", w[i + 1]);
	}
	l->line = it->line;
	sc->n_serials++;
	return 0;
}

static int end_resolve(struct parse *p, struct sc_serial *l, int i)
{
	char vm[SC_NAME + 8];
	char *colon;
	uint64_t port;

	if (!strcmp(l->end[i], "debugger")) {
		l->vm[i] = SC_DEBUGGER;
		return 0;
	}
	snprintf(vm, sizeof(vm), "%s", l->end[i]);
	colon = strchr(vm, ':');
	if (!colon || strncmp(colon + 1, "serial", 6))
		return sc_fail(p, l->line, "serial: '%s' is not VM:serialN or "
			       "debugger", l->end[i]);
	*colon = '\0';
	if (value_uint(colon + 7, 0, SC_MAX_SERIALS - 1, &port) ||
	    (colon[7] == '0' && colon[8]))
		return sc_fail(p, l->line, "serial: '%s': serial ports are serial0 "
			       "... serial3", l->end[i]);
	l->vm[i] = -2;
	for (size_t v = 0; v < p->sc->n_vms; v++)
		if (!strcmp(p->sc->vms[v].name, vm))
			l->vm[i] = (int)v;
	if (l->vm[i] == -2)
		return sc_fail(p, l->line, "serial: no [vm %s]", vm);
	if (!p->sc->vms[l->vm[i]].serial[port] && p->sc->vms[l->vm[i]].vmx_line)
		return sc_fail(p, l->line, "serial: [vm %s]'s .vmx has no serial%lu "
			       "on a named pipe (serial%lu.fileType = \"pipe\")", vm,
			       port, port);
	if (!p->sc->vms[l->vm[i]].serial[port])
		return sc_fail(p, l->line, "serial: [vm %s] has no serial%lu line "
			       "(serial%lu: socket)", vm, port, port);
	l->port[i] = (unsigned)port;
	return 0;
}

/**
 * sc_serial_check() - links name existing ports, each used once; a VM
 * debugging over serial has the port its debugport names
 * @p:		parse state, every section read
 *
 * Return: 0 or -EINVAL with the error set
 */
int sc_serial_check(struct parse *p)
{
	struct scenario *sc = p->sc;

	for (size_t v = 0; v < sc->n_vms; v++) {
		const struct sc_vm *vm = &sc->vms[v];

		if (vm->tc.serial && !vm->serial[vm->tc.debugport - 1])
			return sc_fail(p, vm->line, "[vm %s]: dbgsettings serial "
				       "debugport:%u needs serial%u: socket (Proxmox: "
				       "qm set VMID --serial%u socket)", vm->name,
				       vm->tc.debugport, vm->tc.debugport - 1,
				       vm->tc.debugport - 1);
	}
	for (size_t i = 0; i < sc->n_serials; i++) {
		struct sc_serial *l = &sc->serials[i];

		if (end_resolve(p, l, 0) || end_resolve(p, l, 1))
			return -1;
		if (l->vm[0] == SC_DEBUGGER && l->vm[1] == SC_DEBUGGER)
			return sc_fail(p, l->line, "serial: a link needs a VM on at "
				       "least one end");
		for (size_t j = 0; j <= i; j++)
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 2; b++) {
					const struct sc_serial *m = &sc->serials[j];

					if ((j == i && b <= a) || l->vm[a] != m->vm[b])
						continue;
					if (l->vm[a] == SC_DEBUGGER ||
					    l->port[a] == m->port[b])
						return sc_fail(p, l->line, "serial: %s is "
							"linked twice (also line %d)",
							l->end[a], m->line);
				}
	}
	return 0;
}
