// SPDX-License-Identifier: GPL-2.0-or-later
/* run_requires.c - what a scenario needs of the machine (its requires
 * key: root, kvm, qemu; the bridge backend's CAP_NET_ADMIN): a need the
 * machine does not meet makes the scenario SKIP, saying which */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "harness/run/run_priv.h"
#include "netsim/topo.h"

/* "requires kvm": the device half of the KVM probe (the run's answer) */
static bool kvm_device_works(const struct run_opts *o, char *why, size_t len)
{
	struct accel_cache *c = o->accel ? o->accel : accel_cache_new(ACCEL_AUTO);
	char found[200];
	bool ok = accel_cache_mode(c) != ACCEL_TCG &&
		  accel_kvm_device(c, found, sizeof(found));

	if (accel_cache_mode(c) == ACCEL_TCG)
		snprintf(found, sizeof(found), "KDH_ACCEL=tcg");
	if (c != o->accel)
		accel_cache_free(c);
	snprintf(why, len, "requires kvm: %s", found);
	return ok;
}

/**
 * run_uses_bridge() - whether a scenario runs on the bridge backend
 * @sc:		scenario (its backend key)
 * @o:		run options (--backend wins)
 *
 * Return: true for bridge
 */
bool run_uses_bridge(const struct scenario *sc, const struct run_opts *o)
{
	if (o->backend)
		return !strcmp(o->backend, "bridge");
	return !strcmp(sc->backend, "bridge");
}

/**
 * run_requires_unmet() - a requirement this machine does not meet makes
 * the scenario SKIP
 * @sc:		scenario (its requires key, its backend)
 * @o:		the run's options (--backend, the accelerator cache)
 * @why:	output: the reason to SKIP ("requires root")
 * @len:	its size
 *
 * Return: true when one is unmet
 */
bool run_requires_unmet(const struct scenario *sc, const struct run_opts *o,
			   char *why, size_t len)
{
	if (run_uses_bridge(sc, o) && !ns_topo_can_admin()) {
		snprintf(why, len, "backend bridge needs root or CAP_NET_ADMIN");
		return true;
	}
	for (size_t i = 0; i < sc->n_requires; i++) {
		const char *r = sc->requires[i];

		if (!strcmp(r, "root") && geteuid() != 0) {
			snprintf(why, len, "requires root");
			return true;
		}
		if (!strcmp(r, "kvm") && !kvm_device_works(o, why, len))
			return true;
		if (!strcmp(r, "qemu")) {
			gchar *q = g_find_program_in_path("qemu-system-x86_64");

			g_free(q);
			if (!q) {
				snprintf(why, len, "requires qemu: no qemu-system-x86_64 "
					 "in PATH");
				return true;
			}
		}
	}
	return false;
}
