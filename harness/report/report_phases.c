// SPDX-License-Identifier: GPL-2.0-or-later
/* report_phases.c - a VM's boot as phases, from its wire-derived figures
 *
 * Theory of operation: every boundary is a figure the analyzer computed
 * from the capture (result.json), never the simulation's own state:
 *
 *   power-on ─ boot ─ DHCP (first DISCOVER + dhcp_phase_s) ─ 169.254 probes
 *   (to first_kdnet_s) ─ KDNET announcing (to connect_time_s) ─ debugger
 *   attached ─ OS networking (its first frame after the connection, when
 *   os_network says the OS got answers)
 *
 * A DHCP phase that ends in 169.254 (address_source apipa) is the hang.
 * A guest that connected and then bugchecked, stopped at a break or
 * waits on the debugger ends its lane with that stop, from where its wait
 * began (stalled_s before the capture's end).
 * An outcome that is a failure ends the lane with what it was: no KDNET
 * frame, KDNET on the wrong NIC, a key mismatch, a debugger that never
 * answers, a VM that failed.  A boot after a reboot starts at 0 and the
 * boot before it (previous_boot_s) is drawn to its left.  KD over a COM
 * port is its own lane: boot, RESETs until the reset exchange, connected.
 * Phases may have no width (everything at 4 s); the renderers then rely
 * on the text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"

/* Okabe-Ito colours (told apart with colour blindness too), each kind
 * its own colour and pattern pair so the legend tells every phase apart:
 * failures are also hatched (rp-hatch /, rp-back \, rp-cross X, which the
 * page defines) and their labels start with ✗; dots (rp-dots) mark an
 * earlier boot and the serial lane's kinds */
static const struct {
	const char *name, *fill, *pattern;
	bool bad;
} kinds[RP_KINDS] = {
	[RP_PREV_BOOT] = { "earlier boot", "#dddddd", "rp-dots", false },
	[RP_BOOT] = { "firmware and boot", "#eeeeee", NULL, false },
	[RP_DHCP] = { "DHCP", "#56b4e9", NULL, false },
	[RP_DHCP_HANG] = { "DHCP hang (no answer)", "#d55e00", "rp-hatch", true },
	[RP_APIPA] = { "169.254 probes (APIPA)", "#e69f00", NULL, false },
	[RP_ANNOUNCE] = { "KDNET announcing", "#f0e442", NULL, false },
	[RP_ATTACHED] = { "debugger attached", "#009e73", NULL, false },
	[RP_OS_NET] = { "OS networking", "#0072b2", NULL, false },
	[RP_SILENT] = { "no KDNET traffic", "#bbbbbb", "rp-hatch", true },
	[RP_WRONG_NIC] = { "KDNET on the wrong NIC", "#cc79a7", "rp-hatch", true },
	[RP_KEY_MISMATCH] = { "key mismatch", "#d55e00", "rp-back", true },
	[RP_NOT_VERIFIED] = { "KDNET not verified (no key)", "#cccccc", "rp-back",
			      true },
	[RP_NO_ANSWER] = { "no answer from the debugger", "#f0e442", "rp-hatch",
			   true },
	[RP_VM_FAILED] = { "VM failed", "#999999", "rp-cross", true },
	[RP_SERIAL_WAIT] = { "KD RESETs, waiting", "#f0e442", "rp-dots", false },
	[RP_SERIAL_UP] = { "KD connected over serial", "#009e73", "rp-dots", false },
	[RP_SERIAL_NONE] = { "no KD reset exchange", "#f0e442", "rp-back", true },
	[RP_KD_STOP] = { "guest stopped: bugcheck, break or stall", "#d55e00",
			 "rp-cross", true },
};

/** rp_kind_fill() - a phase kind's colour */
const char *rp_kind_fill(enum rp_kind k)
{
	return kinds[k].fill;
}

/** rp_kind_pattern() - the id of a phase kind's pattern, or NULL */
const char *rp_kind_pattern(enum rp_kind k)
{
	return kinds[k].pattern;
}

/** rp_kind_name() - a phase kind in words, for legends */
const char *rp_kind_name(enum rp_kind k)
{
	return kinds[k].name;
}

/** rp_kind_bad() - whether a phase kind is a failure (drawn hatched) */
bool rp_kind_bad(enum rp_kind k)
{
	return kinds[k].bad;
}

/** rp_event_serial() - whether a timeline event is about a COM port */
bool rp_event_serial(const char *text)
{
	return g_str_has_prefix(text, "first KD packet on") ||
	       g_str_has_prefix(text, "KD connected over");
}

/* The first (or with @last, the last) event that starts with @prefix */
static double event_t(const struct an_vm_result *m, const char *prefix, bool last)
{
	double t = NAN;

	for (unsigned i = 0; i < m->n_timeline; i++)
		if (g_str_has_prefix(m->timeline[i].text, prefix) &&
		    (last || isnan(t)))
			t = m->timeline[i].t;
	return t;
}

static double first_of(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : fmin(a, b);
}

/**
 * rp_vm_end() - where a VM's lanes end: the capture's last record
 * @r:		the scenario
 * @v:		one of its VMs
 *
 * Return: seconds from the VM's power-on (a result from a kdh without
 * capture_end_s: its last event, at least the simulated time)
 */
double rp_vm_end(const struct scenario_result *r, const struct vm_result *v)
{
	const struct an_vm_result *m = &v->m;
	double end = isnan(r->sim_s) ? 0 : r->sim_s;

	if (!isnan(m->end_s))
		return m->end_s;
	for (unsigned i = 0; i < m->n_timeline; i++)
		end = fmax(end, m->timeline[i].t);
	return end;
}

static void dur(char *buf, size_t len, double s)
{
	snprintf(buf, len, s < 100 ? "%.1f s" : "%.0f s", s);
}

static size_t add(struct rp_phase *p, size_t n, enum rp_kind k, double from,
		  double to, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static size_t add(struct rp_phase *p, size_t n, enum rp_kind k, double from,
		  double to, const char *fmt, ...)
{
	va_list ap;

	if (n == RP_MAX_PHASES || isnan(from) || isnan(to))
		return n;
	p[n].kind = k;
	p[n].from = from;
	p[n].to = fmax(from, to);
	va_start(ap, fmt);
	vsnprintf(p[n].label, sizeof(p[n].label), fmt, ap);
	va_end(ap);
	return n + 1;
}

/* DHCP, or the hang and 169.254; returns where the address phase ended */
static size_t address_phases(const struct an_vm_result *m, struct rp_phase *p,
			     size_t n, double *t)
{
	double d0 = event_t(m, "DHCPDISCOVER", false), d1, a1;
	char d[24];

	if (isnan(d0) || isnan(m->dhcp_phase_s))
		return n;
	d1 = d0 + m->dhcp_phase_s;
	dur(d, sizeof(d), m->dhcp_phase_s);
	if (m->address_source && !strcmp(m->address_source, "apipa")) {
		n = add(p, n, RP_DHCP_HANG, d0, d1, "✗ DHCP hang %s: %u DISCOVER%s, "
			"no answer → 169.254", d, m->discover_count,
			m->discover_count == 1 ? "" : "s");
		a1 = first_of(m->first_kdnet_s, event_t(m, "ARP announcement", true));
		a1 = isnan(a1) ? d1 : a1;
		n = add(p, n, RP_APIPA, d1, a1, "169.254 probes: %s", m->address);
		*t = a1;
	} else {
		n = add(p, n, RP_DHCP, d0, d1, "DHCP %s: %s", d, m->address[0] ?
			m->address : "no lease");
		*t = d1;
	}
	return n;
}

/* The OS's first frame after the connection, when it got answers */
static double os_start(const struct an_vm_result *m)
{
	static const char *const kd[] = { "debugger ", "connected", "first KDNET",
					  "KDNET", "data from", "announcement",
					  "the debuggee" };

	if (!m->os_network)
		return NAN;
	for (unsigned i = 0; i < m->n_timeline; i++) {
		bool ours = rp_event_serial(m->timeline[i].text);

		for (size_t k = 0; k < G_N_ELEMENTS(kd) && !ours; k++)
			ours = g_str_has_prefix(m->timeline[i].text, kd[k]);
		if (!ours && m->timeline[i].t > m->connect_s + 1e-6)
			return m->timeline[i].t;
	}
	return m->connect_s;
}

/* Connected, then stopped: the guest bugchecked, broke in, or waits on
 * the debugger; the stop starts where its wait began (stalled_s before
 * the end), or is a mark at the end when it was not waiting */
static size_t kd_stop_phases(const struct an_vm_result *m, double kd, double end,
			     struct rp_phase *p, size_t n)
{
	double stop = isnan(m->kd.stalled_s) ? end : end - m->kd.stalled_s;
	char d[24], wait[160] = "";

	dur(d, sizeof(d), m->connect_s - kd);
	n = add(p, n, RP_ANNOUNCE, kd, m->connect_s, "KDNET announcing %s", d);
	n = add(p, n, RP_ATTACHED, m->connect_s, fmax(stop, m->connect_s),
		"✓ debugger attached");
	if (!isnan(m->kd.stalled_s)) {
		dur(d, sizeof(d), m->kd.stalled_s);
		snprintf(wait, sizeof(wait), ", waiting %s%s%s", d,
			 m->kd.waiting_on[0] ? " on " : "", m->kd.waiting_on);
	}
	if (m->outcome == AN_BUGCHECK)
		return add(p, n, RP_KD_STOP, stop, end, "✗ bugcheck 0x%08" PRIX32 "%s",
			   m->kd.bugcheck.code, wait);
	if (m->outcome == AN_BREAK)
		return add(p, n, RP_KD_STOP, stop, end, "✗ break nobody continued%s",
			   wait);
	return add(p, n, RP_KD_STOP, stop, end, "✗ stalled%s", wait);
}

/* From the debug NIC's KDNET (or @t) to the end, by outcome */
static size_t kdnet_phases(const struct vm_result *v, double t, double end,
			   struct rp_phase *p, size_t n)
{
	const struct an_vm_result *m = &v->m;
	double kd = isnan(m->first_kdnet_s) ? t : m->first_kdnet_s, os;
	char d[24];

	switch (m->outcome) {
	case AN_CONNECTED:
		dur(d, sizeof(d), m->connect_s - kd);
		n = add(p, n, RP_ANNOUNCE, kd, m->connect_s, "KDNET announcing %s", d);
		os = os_start(m);
		if (!isnan(os) && os > m->connect_s) {
			n = add(p, n, RP_ATTACHED, m->connect_s, os, "✓ debugger attached");
			return add(p, n, RP_OS_NET, os, end, "OS networking: answered");
		}
		return add(p, n, RP_ATTACHED, m->connect_s, end, "✓ debugger attached%s",
			   m->os_network ? ", OS networking answered" : "");
	case AN_KEY_MISMATCH:
		kd = first_of(event_t(m, "KDNET packet", false), kd);
		return add(p, n, RP_KEY_MISMATCH, kd, end, "✗ key mismatch: KDNET "
			   "does not verify");
	case AN_NOT_VERIFIED:
		kd = first_of(event_t(m, "KDNET packet", false), kd);
		return add(p, n, RP_NOT_VERIFIED, kd, end, "? KDNET not verified "
			   "(no key)");
	case AN_WRONG_NIC:
		return add(p, n, RP_WRONG_NIC, kd, end, "✗ wrong NIC: KDNET on %s "
			   "(%s, %s)", m->debug_nic.name, m->debug_nic.pci,
			   m->debug_nic.network);
	case AN_TIMEOUT:
	case AN_APIPA_AFTER_HANG:
		return add(p, n, RP_NO_ANSWER, kd, end, isnan(m->first_kdnet_s) ?
			   "✗ the debugger does not answer ARP" :
			   "✗ KDNET announcing from %s, never answered", m->address);
	case AN_NO_KDNET_TRAFFIC:
		return add(p, n, RP_SILENT, t, end, "✗ no KDNET frame");
	case AN_BUGCHECK:
	case AN_BREAK:
	case AN_STALLED:
		return kd_stop_phases(m, kd, end, p, n);
	case AN_VM_FAILED:
		break;
	}
	return n;
}

/**
 * rp_phases_net() - a VM's boot and its network debugging, as phases
 * @v:		the VM's result
 * @end:	where the lane ends (rp_vm_end())
 * @p:		output, RP_MAX_PHASES
 *
 * Return: how many phases (0 for a VM that debugs over a COM port and
 * shows nothing on its NICs)
 */
size_t rp_phases_net(const struct vm_result *v, double end, struct rp_phase *p)
{
	const struct an_vm_result *m = &v->m;
	double first = NAN, t;
	size_t n = 0;

	for (unsigned i = 0; i < m->n_timeline && isnan(first); i++)
		if (!rp_event_serial(m->timeline[i].text))
			first = m->timeline[i].t;
	if (!isnan(m->prev_boot_s) && !strcmp(m->reboot, "restart"))
		n = add(p, n, RP_PREV_BOOT, m->prev_boot_s, 0, "boot %u, then QEMU "
			"started again (no power off)", m->boots - 1);
	else if (!isnan(m->prev_boot_s))
		n = add(p, n, RP_PREV_BOOT, m->prev_boot_s, 0, "boot %u, then a %s "
			"reboot", m->boots - 1, m->reboot[0] ? m->reboot : "power");
	if (m->outcome == AN_VM_FAILED)
		return add(p, n, RP_VM_FAILED, 0, end, "✗ VM failed: %s", m->why);
	if (m->serial_port[0] && isnan(first))
		return 0;
	t = first_of(first, m->first_kdnet_s);
	if (isnan(t))			/* not one frame: silent from power-on */
		return add(p, n, RP_SILENT, 0, end, "✗ no KDNET frame: %s", m->why);
	n = add(p, n, RP_BOOT, 0, t, "boot");
	if (m->serial_port[0])		/* the OS's traffic; KD is on the COM port */
		return add(p, n, RP_OS_NET, t, end, "OS networking (KD over %s)",
			   m->serial_port);
	n = address_phases(m, p, n, &t);
	return kdnet_phases(v, t, end, p, n);
}

/**
 * rp_phases_serial() - KD over a COM port, as phases
 * @v:		the VM's result
 * @end:	where the lane ends
 * @p:		output, RP_MAX_PHASES
 *
 * Return: how many phases (0 when the VM spoke no KD on a COM port)
 */
size_t rp_phases_serial(const struct vm_result *v, double end, struct rp_phase *p)
{
	const struct an_vm_result *m = &v->m;
	double kd = event_t(m, "first KD packet on", false);
	size_t n = 0;

	if (!m->serial_port[0])
		return 0;
	if (isnan(kd))
		kd = m->n_serial_resets ? m->serial_resets[0].t : 0;
	n = add(p, n, RP_BOOT, 0, kd, "boot");
	if (isnan(m->serial_connect_s))
		return add(p, n, RP_SERIAL_NONE, kd, end, "✗ no reset exchange: %u "
			   "RESETs sent, %u received", m->serial_resets_sent,
			   m->serial_resets_received);
	n = add(p, n, RP_SERIAL_WAIT, kd, m->serial_connect_s, "KD RESETs: %u sent, "
		"%u received", m->serial_resets_sent, m->serial_resets_received);
	return add(p, n, RP_SERIAL_UP, m->serial_connect_s, end, "✓ KD connected "
		   "over %s", m->serial_port);
}
