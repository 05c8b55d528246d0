// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_vm.c - the [vm NAME] section: Proxmox lines (ostype:, netN:)
 * and bcdedit-like debug settings (dbgsettings, dhcp, busparams); a VMware
 * VM's .vmx is scenario_vmx.c's */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_priv.h"
#include "harness/scenario/scenario_values.h"
#include "netsim/duration.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/winbuild.h"

#include <glib.h>

/** sc_vm_new() - a VM with the defaults of every key */
void sc_vm_new(struct parse *p, const struct ini_item *sec)
{
	struct sc_vm *vm = &p->sc->vms[p->sc->n_vms++];

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", sec->name);
	snprintf(vm->ostype, sizeof(vm->ostype), "other");
	target_config_default(&vm->tc);
	snprintf(vm->tc.name, sizeof(vm->tc.name), "%s", sec->name);
	kdnet_key_parse("1.2.3.4", vm->tc.key, NULL, 0);
	vmconf_init(&vm->conf, p->file);
	snprintf(vm->conf.name, sizeof(vm->conf.name), "%s", sec->name);
	vm->conf.memory = vm->memory = 256;
	vm->cores = 1;
	vm->line = sec->line;
}

/* A netN line vmconf_take() accepted: scenario rules on top */
static int net_key(struct parse *p, struct sc_vm *vm, const struct ini_item *it)
{
	unsigned idx = (unsigned)strtoul(it->key + 3, NULL, 10);

	if (vm->n_nets == SC_MAX_NETS)
		return sc_fail(p, it->line, "more than %d NICs in [vm %s]",
			       SC_MAX_NETS, vm->name);
	if (!vm->conf.nets[idx].bridge[0])
		return sc_fail(p, it->line, "%s: bridge=NETWORK is required",
			       it->key);
	vm->nets[vm->n_nets] = vm->conf.nets[idx];
	vm->net_line[vm->n_nets++] = it->line;
	return 0;
}

static int timing_key(struct parse *p, struct sc_vm *vm,
		      const struct ini_item *it)
{
	struct target_timing *t = &vm->tc.timing;
	static const struct { const char *key; size_t off; } keys[] = {
		{ "timing.kdnet_init", offsetof(struct target_timing, kdnet_init_ns) },
		{ "timing.dhcp_jitter", offsetof(struct target_timing, dhcp_jitter_ns) },
		{ "timing.dhcp_give_up", offsetof(struct target_timing, dhcp_give_up_ns) },
		{ "timing.announce", offsetof(struct target_timing, announce_ns) },
		{ "timing.os_boot", offsetof(struct target_timing, os_boot_ns) },
		{ "timing.driver_load", offsetof(struct target_timing,
						 driver_load_ns) },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(it->key, keys[i].key)) {
			vm->timing_line[i] = it->line;
			return sc_duration_key(p, it, (uint64_t *)((char *)t +
							keys[i].off));
		}
	return sc_fail(p, it->line, "unknown key '%s' in [vm %s] (timing.kdnet_init, "
		       "timing.dhcp_jitter, timing.dhcp_give_up, timing.announce, "
		       "timing.os_boot, timing.driver_load)", it->key, vm->name);
}

/* reboot = DURATION [guest|power] [ostype]: a reboot from inside the guest
 * keeps the QEMU process and so its CPU flags (a changed ostype waits for
 * the next power cycle); power is qm stop + qm start, which applies it */
static int reboot_key(struct parse *p, struct sc_vm *vm,
		      const struct ini_item *it)
{
	gchar **w = g_strsplit_set(it->value, " \t", -1);
	const char *ostype = NULL;
	int rc = 0, n = 0;
	char *words[4];

	for (gchar **x = w; *x; x++)
		if (**x && n < 4)
			words[n++] = *x;
	vm->reboot_kind = SC_REBOOT_POWER;
	if (n < 1 || n > 3 || duration_parse(words[0], &vm->reboot_ns) ||
	    !vm->reboot_ns) {
		rc = sc_fail(p, it->line, "reboot: expected 'DURATION [guest|power] "
			     "[ostype]', e.g. '2m power win10'");
		goto out;
	}
	if (n > 1 && (!strcmp(words[1], "guest") || !strcmp(words[1], "power"))) {
		vm->reboot_kind = strcmp(words[1], "guest") ? SC_REBOOT_POWER :
			SC_REBOOT_GUEST;
		ostype = n > 2 ? words[2] : NULL;
	} else if (n > 2) {
		rc = sc_fail(p, it->line, "reboot: '%s' is not guest or power",
			     words[1]);
		goto out;
	} else if (n > 1) {
		ostype = words[1];
	}
	if (ostype && !pve_ostype_known(ostype)) {
		rc = sc_fail(p, it->line, "reboot: unknown ostype '%s'", ostype);
		goto out;
	}
	snprintf(vm->reboot_ostype, sizeof(vm->reboot_ostype), "%s",
		 ostype ? ostype : "");
out:
	g_strfreev(w);
	return rc;
}

static int addr_key(struct parse *p, const struct ini_item *it, uint32_t *ip,
		    uint32_t *mask)
{
	int rc = sv_ipv4(it->value, ip, mask);

	if (!rc)
		return 0;
	sv_ipv4_error(it->key, it->value, rc, mask, p->kv_err, sizeof(p->kv_err));
	return sc_fail(p, it->line, "%s", p->kv_err);
}

/* windows = BUILD: KDNET's NIC support of that build (kdnet_nics wins) */
static int windows_key(struct parse *p, struct sc_vm *vm,
		       const struct ini_item *it)
{
	char note[320];
	int rc = win_build_pick(it->value, vm->conf.ostype, &vm->tc.windows_build,
				note, sizeof(note), p->kv_err, sizeof(p->kv_err));

	if (rc < 0)
		return sc_fail(p, it->line, "windows: %s", p->kv_err);
	if (rc && vm->vmx_line)		/* a VMware VM: its guestOS */
		return sc_fail(p, it->line, "windows: %s, and the .vmx's guestOS "
			       "does not say which: give the build, or guestOS = "
			       "\"windows9-64\" (Windows 10) or \"windows11-64\" in "
			       "the .vmx", p->kv_err);
	if (rc)
		return sc_fail(p, it->line, "windows: %s, and ostype %s does not "
			       "say which: give the build, or put ostype: win10 or "
			       "win11 above it", p->kv_err, vm->conf.ostype);
	if (!vm->models_line)
		vm->tc.n_models = win_build_models(vm->tc.windows_build,
						   vm->tc.models, TARGET_MAX_MODELS);
	return 0;
}

static int models_key(struct parse *p, struct sc_vm *vm,
		      const struct ini_item *it)
{
	vm->models_line = it->line;
	if (sc_list_key(p, it, vm->tc.models, TARGET_MAX_MODELS, &vm->tc.n_models))
		return -EINVAL;
	for (size_t i = 0; i < vm->tc.n_models; i++)
		if (!pve_nic_model_known(vm->tc.models[i]))
			return sc_fail(p, it->line, "kdnet_nics: unknown NIC model "
				       "'%s'", vm->tc.models[i]);
	return 0;
}

/* serialN: socket (what Proxmox makes a unix socket kdh can link) */
static int serial_key(struct parse *p, struct sc_vm *vm,
		      const struct ini_item *it)
{
	char *end;
	unsigned long n = strtoul(it->key + 6, &end, 10);

	if (*end || !it->key[6] || n >= SC_MAX_SERIALS || (it->key[6] == '0' &&
							 it->key[7]))
		return sc_fail(p, it->line, "'%s': serial ports are serial0 ... "
			       "serial3", it->key);
	if (strcmp(it->value, "socket"))
		return sc_fail(p, it->line, "%s: '%s': only 'socket' can be linked "
			       "here (a /dev/... port is the host's own)", it->key,
			       it->value);
	vm->serial[n] = true;
	vm->serial_line[n] = it->line;
	return 0;
}

/* Keys of the scenario, not of Proxmox; 1 when @it is not one */
static int scenario_vm_key(struct parse *p, struct sc_vm *vm,
			   const struct ini_item *it)
{
	struct target_config *tc = &vm->tc;
	const char *k = it->key, *v = it->value;

	if (!strncmp(k, "timing.", 7))
		return timing_key(p, vm, it);
	if (!strcmp(k, "dbgsettings")) {
		vm->dbgsettings_line = it->line;
		if (sv_dbgsettings(v, tc, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
	} else if (!strcmp(k, "dhcp")) {
		if (sv_bool(v, &tc->dhcp))
			return sc_fail(p, it->line, "dhcp: '%s' is not yes or no", v);
	} else if (!strcmp(k, "busparams")) {
		char dec[16];

		vm->busparams_line = it->line;
		vm->busparams_auto = 0;
		if (!strcmp(v, "right") || !strcmp(v, "wrong")) {
			vm->busparams_auto = v[0];	/* scenario_check() */
			tc->has_busparams = true;
			return 0;
		}
		if (!pci_lspci_parse(v, &tc->busparams))
			return sc_fail(p, it->line, "busparams %s is lspci's form "
				       "(hex); bcdedit wants decimal: busparams %s", v,
				       pci_addr_str(&tc->busparams, dec, sizeof(dec)));
		if (pci_addr_parse(v, &tc->busparams))
			return sc_fail(p, it->line, "busparams: '%s' is not b.d.f "
				       "(decimal, e.g. 0.19.0)", v);
		tc->has_busparams = true;
	} else if (!strcmp(k, "ip")) {
		vm->ip_line = it->line;
		return addr_key(p, it, &tc->ip, &tc->netmask);
	} else if (!strcmp(k, "gateway")) {
		vm->gateway_line = it->line;
		return addr_key(p, it, &tc->gateway, NULL);
	} else if (!strcmp(k, "os_ping")) {
		vm->os_ping_line = it->line;
		return addr_key(p, it, &tc->os_ping, NULL);
	} else if (!strcmp(k, "power_on")) {
		vm->power_on_line = it->line;
		return sc_duration_key(p, it, &vm->power_on_ns);
	} else if (!strcmp(k, "reboot") && strcmp(v, "0") && strcmp(v, "1")) {
		vm->reboot_line = it->line;
		return reboot_key(p, vm, it);	/* 0/1 is Proxmox's own reboot: */
	} else if (!strcmp(k, "kdnet_nics")) {
		return models_key(p, vm, it);
	} else if (!strcmp(k, "hypothesis.sticky_binding")) {
		if (sv_bool(v, &tc->sticky_binding))
			return sc_fail(p, it->line, "%s: '%s' is not yes or no", k, v);
	} else if (!strcmp(k, "windows")) {
		return windows_key(p, vm, it);
	} else if (!strcmp(k, "faults")) {
		if (sv_faults(v, &vm->faults, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
	} else if (!strcmp(k, "target")) {
		if (strcmp(v, "sim") && strcmp(v, "vm"))
			return sc_fail(p, it->line, "target: '%s' is not sim or vm", v);
		vm->real = !strcmp(v, "vm");
		if (vm->real && vm->vmx_line)
			return sc_fail(p, it->line, "target = vm: [vm %s] is a VMware "
				       "VM (its .vmx at line %d), which kdh runs "
				       "simulated only (target = sim)", vm->name,
				       vm->vmx_line);
	} else if (!strcmp(k, "image")) {
		vm->image_line = it->line;	/* sc_vm_kd_check(): target = vm */
		return sc_copy(p, it, vm->image, sizeof(vm->image));
	} else {
		return sc_vm_kd_key(p, vm, it);
	}
	return 0;
}

/**
 * sc_vm_key() - one key of a [vm NAME] section: the scenario's own keys,
 * then any line of a Proxmox <vmid>.conf
 * @p:		parse state
 * @vm:		the VM being read
 * @it:		the item
 *
 * Return: 0 or -EINVAL with the error set
 */
int sc_vm_key(struct parse *p, struct sc_vm *vm, const struct ini_item *it)
{
	const char *k = it->key;
	int rc;

	if (!strcmp(k, "vmx") || sc_vmx_line(it))
		return 0;	/* sc_vm_vmx() took it as the section opened */
	rc = scenario_vm_key(p, vm, it);
	if (rc <= 0)
		return rc;
	if (vm->vmx_line)
		return sc_vmx_not_pve(p, vm, it);
	if (!strncmp(k, "serial", 6) && serial_key(p, vm, it))
		return -EINVAL;
	rc = vmconf_take(&vm->conf, k, it->value, it->line, p->err, p->errlen);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		sc_fail(p, it->line, "unknown key '%s' in [vm %s]: neither a "
			"scenario key nor a Proxmox VM config key", k, vm->name);
		return -ENOENT;
	}
	if (!strncmp(k, "net", 3) && vm->conf.has_net[strtoul(k + 3, NULL, 10)] &&
	    g_ascii_isdigit(k[3]))
		return net_key(p, vm, it);
	snprintf(vm->ostype, sizeof(vm->ostype), "%s", vm->conf.ostype);
	vm->memory = vm->conf.memory;
	vm->cores = vm->conf.cores;
	return 0;
}
