// SPDX-License-Identifier: GPL-2.0-or-later
/* report_lanes.c - a scenario's phase lanes: one SVG, a lane per VM (and
 * one per COM port that spoke KD), on one time axis in seconds from
 * power-on, then the same phases in words (for print and screen readers)
 * and the wire timeline they came from.
 *
 *   win  net0  |boot|▒▒ DHCP hang 600 s ▒▒▒▒▒▒▒▒▒|APIPA|announcing…|
 *   win  COM   |boot|RESETs ▼▼▼|✓ KD connected over serial0      |
 *              0        100       200       ...      600 s from power-on
 *
 * Every mark has a <title> (its event on hover); labels are drawn in a
 * phase only where they fit, the text below always has them all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/report/report_priv.h"

#define LN_W		900		/* viewBox width */
#define LN_LEFT		130		/* lane names */
#define LN_RIGHT	16
#define LN_STEP		44		/* per lane */
#define LN_TICKS	8		/* event marks above a bar */
#define LN_BAR		20
#define LN_CHAR		6.4		/* px per character at 11px */

struct scale {
	double t0, t1;
};

static double x_of(const struct scale *s, double t)
{
	t = fmin(fmax(t, s->t0), s->t1);	/* an event outside: at the edge */
	return LN_LEFT + (LN_W - LN_LEFT - LN_RIGHT) * (t - s->t0) / (s->t1 - s->t0);
}

static size_t chars(const char *s)
{
	return (size_t)g_utf8_strlen(s, -1);
}

static void phase_svg(GString *h, const struct scale *s, const struct rp_phase *p,
		      double y)
{
	double x0 = x_of(s, p->from), w = fmax(x_of(s, p->to) - x0, 1.5);

	g_string_append_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%d\" fill=\"%s\" stroke=\"#555\" stroke-width=\"0.5\">"
		"<title>", x0, y, w, LN_BAR, rp_kind_fill(p->kind));
	rp_esc(h, p->label);
	g_string_append_printf(h, ": %.3f–%.3f s</title></rect>", p->from, p->to);
	if (rp_kind_pattern(p->kind))
		g_string_append_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%d\" fill=\"url(#%s)\"/>", x0, y, w, LN_BAR,
			rp_kind_pattern(p->kind));
	if (chars(p->label) * LN_CHAR + 6 <= w) {
		g_string_append_printf(h, "<text x=\"%.1f\" y=\"%.1f\" class=\"pl\">",
				       x0 + 3, y + LN_BAR - 6);
		rp_esc(h, p->label);
		g_string_append(h, "</text>");
	}
}

/* The wire events of the lane as small marks above its bar */
static void events_svg(GString *h, const struct scale *s,
		       const struct an_vm_result *m, double y, bool serial)
{
	for (unsigned i = 0; i < m->n_timeline; i++) {
		if (rp_event_serial(m->timeline[i].text) != serial)
			continue;
		g_string_append_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"2\" "
			"height=\"%d\" fill=\"#333\"><title>%.3f s: ",
			x_of(s, m->timeline[i].t) - 1, y, LN_TICKS - 1,
			m->timeline[i].t);
		rp_esc(h, m->timeline[i].text);
		g_string_append(h, "</title></rect>");
	}
}

static const char *reboot_words(const char *kind)
{
	return !strcmp(kind, "guest") ? "a guest reboot" :
	       !strcmp(kind, "restart") ? "QEMU started again" : "a power reboot";
}

/* Power-on (and the reboot), and the connection: marks across the bar */
static void marks_svg(GString *h, const struct scale *s, const struct vm_result *v,
		      double y, double connect)
{
	const struct an_vm_result *m = &v->m;

	g_string_append_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" "
		"height=\"%d\" fill=\"#000\"><title>0 s: power on of %s",
		x_of(s, 0) - 1.5, y - 2, LN_BAR + 4, v->name);
	if (m->boots > 1)
		g_string_append_printf(h, " (boot %u, after %s)", m->boots,
				       reboot_words(m->reboot));
	g_string_append(h, "</title></rect>");
	if (!isnan(m->prev_boot_s))
		g_string_append_printf(h, "<text x=\"%.1f\" y=\"%.1f\" class=\"mk\" "
			"text-anchor=\"end\">↻<title>0 s: %s</title></text>",
			x_of(s, 0) - 3, y + LN_BAR - 5, reboot_words(m->reboot));
	if (!isnan(connect))
		g_string_append_printf(h, "<text x=\"%.1f\" y=\"%.1f\" class=\"mk\" "
			"text-anchor=\"middle\">✓<title>%.3f s: connected</title></text>",
			x_of(s, connect), y + LN_BAR + 13, connect);
}

/* A COM port's RESETs: ▼ above the bar from the VM, ▲ below from the
 * other end (the debugger) */
static void resets_svg(GString *h, const struct scale *s, const struct vm_result *v,
		       double y)
{
	const struct an_vm_result *m = &v->m;

	for (unsigned i = 0; i < m->n_serial_resets; i++) {
		bool vm = m->serial_resets[i].from_vm;
		double x = x_of(s, m->serial_resets[i].t);

		g_string_append_printf(h, "<path d=\"M%.1f,%.1f l-3.5,%d h7 z\" "
			"fill=\"#000\"><title>%.3f s: KD RESET from %s</title></path>",
			x, vm ? y : y + LN_BAR, vm ? -6 : 6,
			m->serial_resets[i].t, vm ? v->name : "the other end");
	}
}

static void lane_name(GString *h, double y, const char *vm, const char *sub)
{
	g_string_append_printf(h, "<text x=\"4\" y=\"%.1f\" class=\"ln\">", y + 9);
	rp_esc(h, vm);
	g_string_append_printf(h, "</text><text x=\"4\" y=\"%.1f\" class=\"ls\">",
			       y + 21);
	rp_esc(h, sub);
	g_string_append(h, "</text>");
}

static void axis_svg(GString *h, const struct scale *s, double y)
{
	double step = rp_tick_step(s->t1 - s->t0, 8);
	char num[24];

	g_string_append_printf(h, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#333\"/>", LN_LEFT, y, LN_W - LN_RIGHT, y);
	for (double t = ceil(s->t0 / step) * step; t <= s->t1 + step * 1e-6; t += step) {
		rp_num(num, sizeof(num), t, step);
		g_string_append_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#333\"/><text x=\"%.1f\" y=\"%.1f\" "
			"class=\"ax\" text-anchor=\"middle\">%s</text>", x_of(s, t), y,
			x_of(s, t), y + 4, x_of(s, t), y + 15, num);
	}
	g_string_append_printf(h, "<text x=\"%d\" y=\"%.1f\" class=\"ax\" "
		"text-anchor=\"end\">seconds from power-on</text>", LN_W - LN_RIGHT,
		y + 29);
}

/* The axis: from the earliest boot to the latest end of any VM */
static void scale_of(const struct scenario_result *r, struct scale *s)
{
	s->t0 = 0;
	s->t1 = 0;
	for (size_t i = 0; i < r->n_vms; i++) {
		if (!isnan(r->vms[i].m.prev_boot_s))
			s->t0 = fmin(s->t0, r->vms[i].m.prev_boot_s);
		s->t1 = fmax(s->t1, rp_vm_end(r, &r->vms[i]));
	}
	if (s->t1 - s->t0 < 1)
		s->t1 = s->t0 + 1;
}

/* The phases in words: "boot 0.0–4.0 s · DHCP hang ..." */
static void story(GString *h, const struct vm_result *v, const char *lane,
		  const struct rp_phase *p, size_t n)
{
	g_string_append(h, "<li><b>");
	rp_esc(h, v->name);
	g_string_append(h, "</b> ");
	rp_esc(h, lane);
	g_string_append(h, ": ");
	for (size_t i = 0; i < n; i++) {
		g_string_append(h, i ? " · " : "");
		rp_esc(h, p[i].label);
		g_string_append_printf(h, " (%.1f–%.1f s)", p[i].from, p[i].to);
	}
	if (!n)
		g_string_append(h, "nothing on the wire");
	g_string_append(h, "</li>\n");
}

static void lanes_svg(GString *h, const struct scenario_result *r,
		      const struct scale *s, size_t lanes)
{
	struct rp_phase p[RP_MAX_PHASES];
	double y = 10;

	g_string_append_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"class=\"lanes\" viewBox=\"0 0 %d %zu\" role=\"img\"><title>phases of ",
		LN_W, lanes * LN_STEP + 50);
	rp_esc(h, r->name);
	g_string_append(h, " from the wire</title>");
	for (size_t i = 0; i < r->n_vms; i++) {
		const struct vm_result *v = &r->vms[i];
		double end = rp_vm_end(r, v);
		size_t n = rp_phases_net(v, end, p);

		if (n || !v->m.serial_port[0]) {
			lane_name(h, y + LN_TICKS, v->name, v->m.has_debug_nic ?
				  v->m.debug_nic.name : "network");
			for (size_t k = 0; k < n; k++)
				phase_svg(h, s, &p[k], y + LN_TICKS);
			events_svg(h, s, &v->m, y, false);
			marks_svg(h, s, v, y + LN_TICKS, v->m.connect_s);
			y += LN_STEP;
		}
		n = rp_phases_serial(v, end, p);
		if (n) {
			lane_name(h, y + LN_TICKS, v->name, v->m.serial_port);
			for (size_t k = 0; k < n; k++)
				phase_svg(h, s, &p[k], y + LN_TICKS);
			resets_svg(h, s, v, y + LN_TICKS);
			marks_svg(h, s, v, y + LN_TICKS, v->m.serial_connect_s);
			y += LN_STEP;
		}
	}
	axis_svg(h, s, y + 2);
	g_string_append(h, "</svg>\n");
}

/* Each VM's wire timeline, folded away on screen */
static void timeline_list(GString *h, const struct vm_result *v)
{
	const struct an_vm_result *m = &v->m;

	if (!m->n_timeline)
		return;
	g_string_append(h, "<details><summary>wire timeline of ");
	rp_esc(h, v->name);
	g_string_append_printf(h, ": %u event%s%s</summary><ol class=\"tl\">",
			       m->n_timeline, m->n_timeline == 1 ? "" : "s",
			       m->n_timeline == AN_VM_TIMELINE ? " (the first ones)" : "");
	for (unsigned i = 0; i < m->n_timeline; i++) {
		g_string_append_printf(h, "<li>%.3f s ", m->timeline[i].t);
		rp_esc(h, m->timeline[i].text);
		g_string_append(h, "</li>");
	}
	g_string_append(h, "</ol></details>\n");
}

/**
 * rp_lanes() - a scenario's phase lanes, their text, and its timelines
 * @h:		the page
 * @r:		the scenario (nothing is drawn for one without VMs: skipped)
 */
void rp_lanes(GString *h, const struct scenario_result *r)
{
	struct rp_phase p[RP_MAX_PHASES];
	struct scale s;
	size_t lanes = 0;

	if (!r->n_vms)
		return;
	scale_of(r, &s);
	for (size_t i = 0; i < r->n_vms; i++) {
		double end = rp_vm_end(r, &r->vms[i]);

		lanes += rp_phases_net(&r->vms[i], end, p) ||
			 !r->vms[i].m.serial_port[0];
		lanes += rp_phases_serial(&r->vms[i], end, p) > 0;
	}
	lanes_svg(h, r, &s, lanes);
	g_string_append(h, "<ul class=\"story\">\n");
	for (size_t i = 0; i < r->n_vms; i++) {
		const struct vm_result *v = &r->vms[i];
		double end = rp_vm_end(r, v);
		size_t n = rp_phases_net(v, end, p);

		if (n || !v->m.serial_port[0])
			story(h, v, v->m.has_debug_nic ? v->m.debug_nic.name :
			      "network", p, n);
		n = rp_phases_serial(v, end, p);
		if (n)
			story(h, v, v->m.serial_port, p, n);
	}
	g_string_append(h, "</ul>\n");
	for (size_t i = 0; i < r->n_vms; i++)
		timeline_list(h, &r->vms[i]);
}
