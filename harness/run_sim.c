// SPDX-License-Identifier: GPL-2.0-or-later
/* run_sim.c - the sim backend: simulated debuggees (target.c's Windows
 * model), each NIC a port on the scenario's switch, powered on (and
 * rebooted) by the scenario's timers
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/pve_cpu.h"
#include "kdh/pve_pci.h"
#include "kdh/qemu_argv.h"
#include "kdh/target.h"
#include "kdh/winbuild.h"
#include "harness/run_priv.h"

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

	g_string_append_printf(v->sim->log, "%12.6f %s: %s\n",
			       (double)ns_loop_now(v->sim->loop) / 1e9,
			       v->cfg->name, msg);
}

static void env_serial(void *opaque, unsigned port, const uint8_t *buf,
		       size_t len)
{
	struct sim_vm *v = opaque;

	run_serial_send(v->sim, (int)(v - v->sim->vms), port, buf, len);
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
	sim_power_on_event(v, NULL);
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
	sim_event(v->sim, text);
	target_power_off(v->t);
	if (v->cfg->reboot_ostype[0] && !guest)
		snprintf(v->ostype, sizeof(v->ostype), "%s", v->cfg->reboot_ostype);
	else if (v->cfg->reboot_ostype[0])
		g_string_append_printf(v->sim->log, "%s: ostype %s in the config; the "
				       "guest reboot keeps QEMU's CPU flags (%s)\n",
				       v->cfg->name, v->cfg->reboot_ostype, v->ostype);
	power_on(v);
}

int vm_build(struct sim *s, size_t i, struct nic_port *np)
{
	static const struct ns_port_ops ops = { .deliver = vm_port_deliver };
	struct sim_vm *v = &s->vms[i];
	const struct sc_vm *c = &s->sc->vms[i];

	v->sim = s;
	v->cfg = c;
	snprintf(v->ostype, sizeof(v->ostype), "%s", c->ostype);
	if (c->real)
		return run_vm_build(v);
	v->t = target_new(s->loop, &c->tc, &sim_env, v);
	v->power = ns_timer_new(s->loop, power_cb, v);
	v->reboot = ns_timer_new(s->loop, reboot_cb, v);
	if (!v->t || !v->power || !v->reboot)
		return -ENOMEM;
	for (size_t n = 0; n < c->n_nets; n++) {
		char name[40];

		np[n] = (struct nic_port){ v, (unsigned)n };
		snprintf(name, sizeof(name), "%s.net%u", c->name, c->nets[n].index);
		v->ports[n] = ns_port_new(s->sw[sc_net_index(s->sc, c->nets[n].bridge)],
					  name, &ops, &np[n]);
		if (!v->ports[n])
			return -ENOMEM;
		ns_port_set_faults(v->ports[n], NS_DIR_IN, &c->faults);
		ns_port_set_faults(v->ports[n], NS_DIR_OUT, &c->faults);
		ns_port_set_down(v->ports[n], !pve_net_link_up(&c->nets[n]));
		ns_port_set_vlan(v->ports[n], c->nets[n].tag);	/* 1-4094 */
	}
	ns_timer_mod(v->power, s->t0 + c->power_on_ns);
	if (c->reboot_ns)
		ns_timer_mod(v->reboot, s->t0 + c->reboot_ns);
	return 0;
}
