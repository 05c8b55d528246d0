// SPDX-License-Identifier: GPL-2.0-or-later
/* run_why.c - why a scenario VM had no debug NIC, in `kdh check`'s words
 *
 * When the wire shows no KDNET traffic, a failed expectation's line says
 * why in words where the scenario's own config explains it: the VM's
 * Proxmox lines, its busparams and its Windows build's KDNET NIC list go
 * through check_nic(), the function behind `kdh check`'s finding, so a
 * busparams that names no NIC on this machine type, or a NIC model KDNET
 * does not drive, reads the same in both ("busparams 0.25.0 names no NIC
 * of this VM (net0 is 0.18.0, net1 0.19.0): debugging is off").
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/check.h"
#include "kdh/platform/pve.h"
#include "kdh/result/result.h"

/**
 * run_check_ctx() - what `kdh check` would assume of a scenario VM's
 * guest: its build and its NIC list (kdnet_nics when given)
 * @vm:		the scenario's VM
 * @x:		output
 */
void run_check_ctx(const struct sc_vm *vm, struct check_ctx *x)
{
	check_ctx_init(x, vm->tc.windows_build);
	x->n_models = MIN(vm->tc.n_models, (size_t)CHECK_MAX_MODELS);
	for (size_t i = 0; i < x->n_models; i++)
		snprintf(x->models[i], sizeof(x->models[i]), "%s", vm->tc.models[i]);
	x->models_given = vm->models_line > 0;
}

/**
 * run_config_why() - `kdh check`'s BLOCK finding on a scenario VM's debug
 * NIC, when its config leaves KDNET no NIC
 * @vm:		the scenario's VM
 * @buf:	the finding's text
 * @len:	its size
 *
 * Return: true when the config explains it (a network debuggee whose
 * busparams names no NIC or an undriven one, or no NIC KDNET drives)
 */
bool run_config_why(const struct sc_vm *vm, char *buf, size_t len)
{
	struct finding f[PVE_MAX_NETS + 2];
	struct dbgsettings d = { 0 };
	struct check_ctx x;
	size_t n = 0;

	if (vm->tc.serial)
		return false;
	run_check_ctx(vm, &x);
	d.has_busparams = vm->tc.has_busparams;
	if (d.has_busparams)
		pci_addr_str(&vm->tc.busparams, d.busparams, sizeof(d.busparams));
	memset(f, 0, sizeof(f));
	if (check_nic(&vm->conf, &d, &x, f, &n) >= 0)
		return false;
	for (size_t i = n; i-- > 0;)
		if (f[i].level == FIND_BLOCK) {
			snprintf(buf, len, "%s", f[i].text);
			return true;
		}
	return false;
}
