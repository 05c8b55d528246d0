// SPDX-License-Identifier: GPL-2.0-or-later
/* target.c - the simulated Windows debuggee: boot, NIC choice, Hyper-V,
 * the OS on the debug NIC
 *
 * Theory of operation (design.md section 5):
 *   power on --kdnet_init--> list PCI NICs, pick the debug NIC
 *     busparams set: exactly that b.d.f, and its model must be one KDNET
 *       drives, else debugging is off; unset: the first supported NIC in
 *       PCI order (bus, device, function)
 *     CPUID says "Microsoft Hv" and the adapter was never bound: KDNET uses
 *       the hypervisor transport, nothing on the wire
 *     otherwise: address (target_addr.c), then KDNET (target_kdnet.c)
 *   KDNET initialised (or off) --os_boot--> the OS uses the same NIC: its
 *     address, and a few pings to os_ping
 *   a debugger connects before that: the kernel reports its boot images
 *     and waits after each (target_kd.c); the OS starts only once the last
 *     boot driver was continued (at the os_boot time, or then if later),
 *     so a debugger that only acknowledges holds the boot for good
 * The NIC's traffic goes through a small private IP stack (an ns_host on a
 * two-port switch whose other port is the NIC itself), so ARP, UDP, DHCP
 * and ping are netsim's, and the model only needs "send a frame on NIC n".
 * "bound" survives power cycles: once KDNET worked, hv flags no longer
 * silence it -- the seed article's sticky case, kept as a labelled
 * hypothesis (cfg.sticky_binding; a guest reboot that keeps the old CPU
 * flags explains the same observation, see run.c).
 *
 * Wing harness/target/ (docs/development.md): the simulated Windows
 *   debuggee, and kdh-agent (the same model as a VM's /init).
 * Uses: netsim/, util/, kdnet/, platform/.
 * Used by: scenario/, run/, bench/.
 */
#include <stdlib.h>
#include <string.h>

#include "harness/target/target_priv.h"

static const char *const phase_names[] = {
	[TP_OFF] = "off", [TP_FIRMWARE] = "firmware", [TP_NO_DEBUG] = "no-debug",
	[TP_HYPERV] = "hyperv", [TP_ADDRESS] = "address", [TP_KDNET] = "kdnet",
	[TP_CONNECTED] = "connected",
};

/** target_phase_name() - "kdnet", "connected", ... */
const char *target_phase_name(enum target_phase p)
{
	return phase_names[p];
}

static void uplink_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct target *t = opaque;

	if (t->nic >= 0)
		t->ops.send(t->opaque, (unsigned)t->nic, frame, len);
}

static void stack_sniff(void *opaque, const uint8_t *frame, size_t len)
{
	target_addr_sniff(opaque, frame, len);
}

static int stack_up(struct target *t, int nic)
{
	static const struct ns_port_ops ops = { .deliver = uplink_deliver };

	t->nic = nic;
	t->stack_sw = ns_switch_new(t->loop, t->nics[nic].name);
	if (!t->stack_sw)
		return -1;
	t->uplink = ns_port_new(t->stack_sw, "nic", &ops, t);
	t->host = ns_host_new(t->stack_sw, "stack", t->nics[nic].mac);
	if (!t->uplink || !t->host)
		return -1;
	ns_host_set_sniffer(t->host, stack_sniff, t);
	/* KDNET's own stack ARPs for the debugger whatever the subnet */
	return ns_host_add_onlink(t->host, 0, 0);
}

static void stack_down(struct target *t)
{
	ns_host_free(t->host);
	ns_switch_free(t->stack_sw);	/* frees the uplink port */
	t->host = NULL;
	t->uplink = NULL;
	t->stack_sw = NULL;
	t->nic = -1;
}

static bool model_supported(const struct target *t, const char *model)
{
	for (size_t i = 0; i < t->cfg.n_models; i++)
		if (!strcmp(t->cfg.models[i], model))
			return true;
	return false;
}

/* NIC indices in PCI enumeration order (bus, device, function); the
 * indices themselves stay the environment's, which send() speaks */
static void pci_order(const struct target *t, size_t order[TARGET_MAX_NICS])
{
	for (size_t i = 0; i < t->n_nics; i++) {
		size_t j = i;

		for (; j > 0 && pci_addr_cmp(&t->nics[order[j - 1]].pci,
					      &t->nics[i].pci) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* The debug NIC per busparams or PCI order; -1 when debugging is off.
 * *@os_nic gets the NIC the OS will use either way. */
static int nic_choose(struct target *t, int *os_nic)
{
	size_t order[TARGET_MAX_NICS];
	char b[16];

	pci_order(t, order);
	*os_nic = t->n_nics ? (int)order[0] : -1;
	for (size_t k = 0; k < t->n_nics; k++) {
		size_t i = order[k];
		bool match = t->cfg.has_busparams ?
			!pci_addr_cmp(&t->nics[i].pci, &t->cfg.busparams) :
			model_supported(t, t->nics[i].model);

		if (!match)
			continue;
		*os_nic = (int)i;
		if (model_supported(t, t->nics[i].model))
			return (int)i;
		target_log(t, "busparams %s is a %s: KDNET does not drive it",
			   pci_addr_str(&t->cfg.busparams, b, sizeof(b)),
			   t->nics[i].model);
		return -1;
	}
	if (t->cfg.has_busparams)
		target_log(t, "busparams %s names no NIC: debugging off",
			   pci_addr_str(&t->cfg.busparams, b, sizeof(b)));
	else
		target_log(t, "no NIC KDNET drives: debugging off");
	return -1;
}

/* The OS is due os_boot from now, unless a debugger already holds the
 * boot (the handshake can complete within KDNET's first send) */
static void os_schedule(struct target *t)
{
	t->os_at_ns = ns_loop_now(t->loop) + t->cfg.timing.os_boot_ns;
	if (!t->os_held)
		ns_timer_mod(t->os_timer, t->os_at_ns);
}

/**
 * target_debugger_connected() - the transport's first packet was
 * acknowledged: KD runs the kernel's script on @link
 * @t:		target
 * @link:	the transport's send and packet ids
 *
 * Before the OS started, the boot waits for the debugger from here on
 * (its OS timer held until the boot drivers are continued); after, the
 * boot images went by unreported.
 */
void target_debugger_connected(struct target *t,
			       const struct target_kd_link *link)
{
	bool loads = !t->os_started;

	if (loads)
		ns_timer_del(t->os_timer);
	t->os_held = loads;
	target_kd_start(t->kd, link, t->power_on_ns, loads);
}

static void kd_boot_done(void *opaque)
{
	struct target *t = opaque;
	uint64_t now = ns_loop_now(t->loop);

	t->os_held = false;
	ns_timer_mod(t->os_timer, t->os_at_ns > now ? t->os_at_ns : now);
}

/* A bugcheck was continued: the guest writes its dump and reboots.  The
 * model ends the boot there: no OS, no more announcements. */
static void kd_halted(void *opaque)
{
	struct target *t = opaque;

	ns_timer_del(t->os_timer);
	ns_timer_del(t->kdnet_timer);
	t->os_done = true;
}

static void kd_log(void *opaque, const char *msg)
{
	target_log(opaque, "%s", msg);
}

static void kdnet_init(void *opaque)
{
	struct target *t = opaque;
	char vendor[13] = "";
	int os_nic, nic;

	t->n_nics = t->ops.list_nics(t->opaque, t->nics, TARGET_MAX_NICS);
	nic = t->cfg.serial ? -1 : nic_choose(t, &os_nic);
	if (t->cfg.serial) {		/* KD on COMn; the OS takes the 1st NIC */
		size_t order[TARGET_MAX_NICS];

		pci_order(t, order);
		os_nic = t->n_nics ? (int)order[0] : -1;
	}
	if (os_nic >= 0 && stack_up(t, os_nic)) {
		target_log(t, "out of memory");
		return;
	}
	if (t->cfg.serial) {
		if (target_serial_start(t))
			target_log(t, "out of memory");
		os_schedule(t);
		return;
	}
	if (nic < 0) {
		t->phase = TP_NO_DEBUG;
		os_schedule(t);
		return;
	}
	if (t->ops.cpuid_hypervisor(t->opaque, vendor) &&
	    !strcmp(vendor, "Microsoft Hv")) {
		if (t->bound && t->cfg.sticky_binding) {
			target_log(t, "CPUID says Microsoft Hv, but KDNET bound this "
				   "NIC before: it stays on the NIC (the seed's "
				   "sticky-binding hypothesis)");
			goto address;
		}
		target_log(t, "CPUID says Microsoft Hv: KDNET uses the hypervisor "
			   "transport, nothing on the wire");
		t->phase = TP_HYPERV;
		os_schedule(t);
		return;
	}
address:
	t->phase = TP_ADDRESS;
	target_addr_start(t);
}

/**
 * target_address_ready() - the debug NIC has an address: KDNET starts and
 * the boot goes on (called by target_addr.c)
 * @t:		target
 */
void target_address_ready(struct target *t)
{
	t->phase = TP_KDNET;
	if (target_kdnet_start(t))
		target_log(t, "KDNET could not start");
	os_schedule(t);
}

static void os_ping_next(struct target *t)
{
	if (t->os_pings_sent >= t->cfg.timing.os_pings || !t->cfg.os_ping) {
		t->os_done = true;
		return;
	}
	ns_host_ping(t->host, t->cfg.os_ping, (uint16_t)++t->os_pings_sent);
	ns_timer_mod(t->os_timer, ns_loop_now(t->loop) + t->cfg.timing.os_ping_ns);
}

static void os_dhcp_done(void *opaque, int status, const struct ns_dhcp_lease *l)
{
	struct target *t = opaque;

	if (status)
		t->os_done = true;
	else
		os_ping_next(t);
}

/* The OS is up on the debug NIC: make sure it has an address, then ping */
static void os_timer_cb(void *opaque)
{
	struct target *t = opaque;

	t->os_started = true;
	if (!t->host) {
		t->os_done = true;
		return;
	}
	if (!ns_host_addr(t->host) && t->cfg.ip) {
		ns_host_set_addr(t->host, t->cfg.ip, t->cfg.netmask, t->cfg.gateway);
	} else if (!ns_host_addr(t->host) && t->cfg.dhcp && !t->dhcp) {
		t->dhcp = ns_dhcp_client_new(t->host, NULL, os_dhcp_done, t);
		if (!t->dhcp || ns_dhcp_client_start(t->dhcp))
			t->os_done = true;
		return;
	}
	os_ping_next(t);
}

/**
 * target_new() - a powered-off debuggee
 * @l:		loop (timers, RNG)
 * @cfg:	configuration (copied)
 * @ops:	environment (copied)
 * @opaque:	passed to @ops
 *
 * Return: target, or NULL when out of memory
 */
struct target *target_new(struct ns_loop *l, const struct target_config *cfg,
			  const struct target_env_ops *ops, void *opaque)
{
	static const struct target_kd_ops kd_ops = { kd_boot_done, kd_halted,
						     kd_log };
	struct target *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = l;
	t->cfg = *cfg;
	t->ops = *ops;
	t->opaque = opaque;
	t->nic = -1;
	t->boot_timer = ns_timer_new(l, kdnet_init, t);
	t->addr_timer = ns_timer_new(l, target_addr_timer, t);
	t->kdnet_timer = ns_timer_new(l, target_kdnet_timer, t);
	t->os_timer = ns_timer_new(l, os_timer_cb, t);
	t->serial_timer = ns_timer_new(l, target_serial_timer, t);
	t->kd = target_kd_new(l, &t->cfg, &kd_ops, t);
	if (!t->boot_timer || !t->addr_timer || !t->kdnet_timer || !t->os_timer ||
	    !t->serial_timer || !t->kd) {
		target_free(t);
		return NULL;
	}
	return t;
}

/**
 * target_free() - power off and free
 * @t:		target, may be NULL
 */
void target_free(struct target *t)
{
	if (!t)
		return;
	target_power_off(t);
	ns_timer_free(t->boot_timer);
	ns_timer_free(t->addr_timer);
	ns_timer_free(t->kdnet_timer);
	ns_timer_free(t->os_timer);
	ns_timer_free(t->serial_timer);
	target_kd_free(t->kd);
	free(t->kd_in);
	free(t);
}

/**
 * target_power_on() - start a boot now
 * @t:		target (powered off)
 */
void target_power_on(struct target *t)
{
	t->boot++;
	t->phase = TP_FIRMWARE;
	t->power_on_ns = ns_loop_now(t->loop);
	t->os_started = t->os_held = t->os_done = false;
	t->os_pings_sent = 0;
	ns_timer_mod(t->boot_timer, ns_loop_now(t->loop) + t->cfg.timing.kdnet_init_ns);
}

/**
 * target_power_off() - stop at once; only the sticky binding survives
 * @t:		target
 */
void target_power_off(struct target *t)
{
	ns_timer_del(t->boot_timer);
	ns_timer_del(t->os_timer);
	if (t->kd)
		target_kd_stop(t->kd);
	target_kdnet_stop(t);
	target_serial_stop(t);
	target_addr_stop(t);
	ns_dhcp_client_free(t->dhcp);
	t->dhcp = NULL;
	if (t->host)
		stack_down(t);
	t->phase = TP_OFF;
}

/**
 * target_input() - a frame arrived on NIC @nic
 * @t:		target
 * @nic:	index in the environment's NIC list
 * @frame:	Ethernet frame
 * @len:	its length
 */
void target_input(struct target *t, unsigned nic, const uint8_t *frame,
		  size_t len)
{
	if (t->uplink && (int)nic == t->nic)
		ns_port_input(t->uplink, frame, len);
}

/** target_phase() - what the model is doing (not a measurement) */
enum target_phase target_phase(const struct target *t)
{
	return t->phase;
}

/**
 * target_settled() - nothing more will happen but periodic announcements
 * @t:		target
 *
 * Return: true when the OS phase is over (or a bugcheck ended the boot)
 * and KDNET is off, or connected with the KD script played out
 */
bool target_settled(const struct target *t)
{
	if (t->phase == TP_CONNECTED)
		return t->os_done && (!target_kd_started(t->kd) ||
				      target_kd_finished(t->kd));
	return t->os_done && (t->phase == TP_NO_DEBUG || t->phase == TP_HYPERV);
}

/**
 * target_kd_done() - the KD conversation of this boot is played out: every
 * load continued, every timed event reported (or a bugcheck ended it)
 * @t:		target
 *
 * Return: true once connected and done; false before, and while the guest
 * waits on a debugger that does not answer
 */
bool target_kd_done(const struct target *t)
{
	return t->phase == TP_CONNECTED && target_kd_started(t->kd) &&
	       target_kd_finished(t->kd);
}

/** target_bound() - whether KDNET has worked once (sticky binding) */
bool target_bound(const struct target *t)
{
	return t->bound;
}
