// SPDX-License-Identifier: GPL-2.0-or-later
/* run_sim.c - the sim backend: simulated debuggees (target.c's Windows
 * model), each NIC a port on its network's switch, powered on (and
 * rebooted) by the scenario's timers
 *
 * May use: run_backend.h (the runner through env->cb), target.c, the
 * Proxmox model (pve_*, qemu_argv.h, winbuild.h), netsim's switch ports.
 * Used by: run.c, through run_sim_ops, for every VM without target = vm.
 * A NIC asks the runner where it plugs in (cb->net_attach: the switch
 * backend's switch, or the bridge backend's switch joined to its bridge);
 * serial bytes go out through cb->serial_send and come in by serial_input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve_cpu.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/target/target.h"
#include "kdh/platform/winbuild.h"
#include "netsim/switch.h"
#include "harness/run/run_backend.h"

struct run_sim;

/* A frame for the VM arrives on one of its ports */
struct nic_port {
	struct sim_vm *vm;
	unsigned nic;
};

struct sim_vm {
	struct run_sim *rs;
	size_t idx;			/* in the scenario's VMs */
	const struct sc_vm *cfg;
	struct target *t;
	struct ns_port *ports[SC_MAX_NETS];
	struct nic_port np[SC_MAX_NETS];
	char ostype[16];
	unsigned boots;
	struct ns_timer *power, *reboot;
};

struct run_sim {
	const struct run_env *env;
	struct sim_vm vms[SC_MAX_VMS];
};

/* target environment: NIC n is a port on the scenario's switch */
static void env_send(void *opaque, unsigned nic, const uint8_t *f, size_t len)
{
	struct sim_vm *v = opaque;

	ns_port_input(v->ports[nic], f, len);
}

/* The QEMU a simulated VM's unversioned machine type takes: Proxmox VE 9's */
static const struct pve_version sim_qemu = { 10, 0, 0 };

/* CPUID 0x40000000 as QEMU on a Proxmox host shows it for this boot's
 * config: qemu-server's -cpu (ostype, cpu, hostpci x-vga) or args' -cpu */
static bool env_cpuid(void *opaque, char vendor[13])
{
	struct sim_vm *v = opaque;
	struct qemu_opts o = { .qemu = sim_qemu };
	struct vmconf *c = g_memdup2(&v->cfg->conf, sizeof(*c));
	bool shown;

	snprintf(c->ostype, sizeof(c->ostype), "%s", v->ostype);
	shown = pve_guest_hv_vendor(c, c->kvm, &o, NULL, vendor) == 1;
	g_free(c);
	return shown;
}

static size_t env_nics(void *opaque, struct target_nic *nics, size_t max)
{
	struct sim_vm *v = opaque;
	struct pve_machine m;
	size_t n = 0;

	if (pve_machine_parse(v->cfg->conf.machine, v->ostype, &sim_qemu, &m,
			      NULL, 0))
		m.version = sim_qemu;

	for (size_t i = 0; i < v->cfg->n_nets && n < max; i++, n++) {
		const struct pve_net *net = &v->cfg->nets[i];

		snprintf(nics[n].name, sizeof(nics[n].name), "net%u", net->index);
		snprintf(nics[n].model, sizeof(nics[n].model), "%s",
			 nic_guest_model(net->model, m.version.major,
					 m.version.minor));
		memcpy(nics[n].mac, net->mac, 6);
		pve_guest_nic_pci(&v->cfg->conf, net->index, &nics[n].pci);
	}
	return n;
}

static void env_log(void *opaque, const char *msg)
{
	struct sim_vm *v = opaque;

	g_string_append_printf(v->rs->env->log, "%12.6f %s: %s\n",
			       (double)ns_loop_now(v->rs->env->loop) / 1e9,
			       v->cfg->name, msg);
}

static void env_serial(void *opaque, unsigned port, const uint8_t *buf,
		       size_t len)
{
	struct sim_vm *v = opaque;

	const struct run_env *env = v->rs->env;

	env->cb->serial_send(env->opaque, (int)v->idx, port, buf, len);
}

static const struct target_env_ops sim_env = {
	.send = env_send, .cpuid_hypervisor = env_cpuid,
	.list_nics = env_nics, .log = env_log, .serial_send = env_serial,
};

/* A frame for the VM arrives on one of its ports */
static void vm_port_deliver(void *opaque, const uint8_t *f, size_t len)
{
	struct nic_port *np = opaque;

	target_input(np->vm->t, np->nic, f, len);
}

static void power_on(struct sim_vm *v)
{
	const struct run_env *env = v->rs->env;

	env->cb->power_on(env->opaque, v->idx, ++v->boots, v->ostype, NULL);
	target_power_on(v->t);
}

static void power_cb(void *opaque)
{
	power_on(opaque);
}

/* A power cycle (qm stop + qm start) restarts QEMU with the config's
 * current CPU flags; a reboot from inside the guest keeps the QEMU process
 * and its flags, so a changed ostype waits for the next power cycle. */
static void reboot_cb(void *opaque)
{
	struct sim_vm *v = opaque;
	bool guest = v->cfg->reboot_kind == SC_REBOOT_GUEST;
	char text[80];

	snprintf(text, sizeof(text), "power off %s%s", v->cfg->name,
		 guest ? " reboot=guest" : "");
	v->rs->env->cb->event(v->rs->env->opaque, text);
	target_power_off(v->t);
	if (v->cfg->reboot_ostype[0] && !guest)
		snprintf(v->ostype, sizeof(v->ostype), "%s", v->cfg->reboot_ostype);
	else if (v->cfg->reboot_ostype[0])
		g_string_append_printf(v->rs->env->log, "%s: ostype %s in the config; the "
				       "guest reboot keeps QEMU's CPU flags (%s)\n",
				       v->cfg->name, v->cfg->reboot_ostype, v->ostype);
	power_on(v);
}

static int sim_build(const struct run_env *env, void **b)
{
	struct run_sim *rs = calloc(1, sizeof(*rs));

	*b = rs;
	if (!rs)
		return -ENOMEM;
	rs->env = env;
	return 0;
}

static int ports_add(struct sim_vm *v)
{
	static const struct ns_port_ops ops = { .deliver = vm_port_deliver };
	const struct run_env *env = v->rs->env;
	const struct sc_vm *c = v->cfg;

	for (size_t n = 0; n < c->n_nets; n++) {
		struct run_nic place = { .tap_fd = -1 };
		char name[40];

		v->np[n] = (struct nic_port){ v, (unsigned)n };
		snprintf(name, sizeof(name), "%s.net%u", c->name, c->nets[n].index);
		if (env->cb->net_attach(env->opaque, v->idx, n, &place))
			return -ENOMEM;
		v->ports[n] = ns_port_new(place.sw, name, &ops, &v->np[n]);
		if (!v->ports[n])
			return -ENOMEM;
		ns_port_set_faults(v->ports[n], NS_DIR_IN, &c->faults);
		ns_port_set_faults(v->ports[n], NS_DIR_OUT, &c->faults);
		ns_port_set_down(v->ports[n], !pve_net_link_up(&c->nets[n]));
		ns_port_set_vlan(v->ports[n], c->nets[n].tag);	/* 1-4094 */
	}
	return 0;
}

/* vm_add: the target, its power and reboot timers, its ports */
static int sim_vm_add(void *b, size_t i)
{
	struct run_sim *rs = b;
	const struct run_env *env = rs->env;
	struct sim_vm *v = &rs->vms[i];
	const struct sc_vm *c = &env->sc->vms[i];

	v->rs = rs;
	v->idx = i;
	v->cfg = c;
	snprintf(v->ostype, sizeof(v->ostype), "%s", c->ostype);
	v->t = target_new(env->loop, &c->tc, &sim_env, v);
	v->power = ns_timer_new(env->loop, power_cb, v);
	v->reboot = ns_timer_new(env->loop, reboot_cb, v);
	if (!v->t || !v->power || !v->reboot || ports_add(v))
		return -ENOMEM;
	ns_timer_mod(v->power, env->t0 + c->power_on_ns);
	if (c->reboot_ns)
		ns_timer_mod(v->reboot, env->t0 + c->reboot_ns);
	return 0;
}

/* settled: the target has played out, and a reboot it expects came */
static bool sim_settled(void *b, size_t i)
{
	struct sim_vm *v = &((struct run_sim *)b)->vms[i];

	return target_settled(v->t) && (!v->cfg->reboot_ns || v->boots > 1);
}

static void sim_serial_input(void *b, size_t vm, unsigned port,
			     const uint8_t *buf, size_t len)
{
	struct run_sim *rs = b;

	if (rs->vms[vm].t)
		target_serial_input(rs->vms[vm].t, port, buf, len);
}

static void sim_free(void *b)
{
	struct run_sim *rs = b;

	if (!rs)
		return;
	for (size_t i = 0; i < SC_MAX_VMS; i++) {
		target_free(rs->vms[i].t);
		ns_timer_free(rs->vms[i].power);
		ns_timer_free(rs->vms[i].reboot);
	}
	free(rs);
}

const struct run_backend_ops run_sim_ops = {
	.name = "sim",
	.build = sim_build,
	.vm_add = sim_vm_add,
	.settled = sim_settled,
	.serial_input = sim_serial_input,
	.free = sim_free,
};
