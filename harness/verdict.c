// SPDX-License-Identifier: GPL-2.0-or-later
/* verdict.c - measure a scenario's capture and judge its expectations
 *
 * The capture file written by the run is read back exactly as `kdh
 * analyze` reads any capture; each VM's figures come from that analysis,
 * never from the simulation's own state.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netsim/capfile.h"
#include "kdh/run.h"

/* The figure an expectation names, from a VM's measured result */
static void metric_value(const struct an_vm_result *m, enum sc_metric k,
			 struct sc_value *v)
{
	double d = NAN;

	memset(v, 0, sizeof(*v));
	switch (k) {
	case M_OUTCOME:
		snprintf(v->str, sizeof(v->str), "%s", an_outcome_name(m->outcome));
		break;
	case M_CONNECT_TIME:	d = m->connect_s; break;
	case M_DHCP_PHASE:	d = m->dhcp_phase_s; break;
	case M_FIRST_KDNET:	d = m->first_kdnet_s; break;
	case M_LOGO_HANG:	d = m->logo_hang_s; break;
	case M_DISCOVER_COUNT:	d = m->discover_count; break;
	case M_BOOTS:		d = m->boots; break;
	case M_SERIAL_CONNECT_TIME: d = m->serial_connect_s; break;
	case M_ADDRESS:
		snprintf(v->str, sizeof(v->str), "%s", m->address);
		break;
	case M_ADDRESS_SOURCE:
		snprintf(v->str, sizeof(v->str), "%s",
			 m->address_source ? m->address_source : "");
		break;
	case M_DEBUG_NIC:
		snprintf(v->str, sizeof(v->str), "%s",
			 m->has_debug_nic ? m->debug_nic.name : "");
		break;
	case M_OS_NETWORK:
		snprintf(v->str, sizeof(v->str), "%s", m->os_network ? "ok" : "none");
		break;
	case M_N_METRICS:
		break;
	}
	v->present = sc_metric_is_number(k) ? !isnan(d) : v->str[0] != '\0';
	v->num = d;
}

static int measure(const struct scenario *sc, struct scenario_result *r)
{
	struct analysis *a = analysis_new(sc->dbg.key, 0);
	char err[256];
	struct capfile *cf = capfile_open(r->capture, err, sizeof(err));
	struct cap_frame f;

	if (!a || !cf) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", r->capture,
			 cf ? "OpenSSL setup failed" : err);
		analysis_free(a);
		capfile_close(cf);
		return -EIO;
	}
	while (capfile_next(cf, &f) == 1)
		analysis_feed(a, &f);
	r->frames = analysis_frames(a, NULL, NULL);
	r->n_vms = sc->n_vms;
	for (size_t i = 0; i < sc->n_vms; i++) {
		struct vm_result *v = &r->vms[i];

		snprintf(v->name, sizeof(v->name), "%s", sc->vms[i].name);
		v->measured = !analysis_vm_result(a, v->name, &v->m);
		if (v->failed[0]) {	/* QEMU's fate, not a wire figure */
			v->measured = true;
			v->m.outcome = AN_VM_FAILED;
			snprintf(v->m.why, sizeof(v->m.why), "%s", v->failed);
		}
	}
	analysis_free(a);
	capfile_close(cf);
	return 0;
}

static const struct vm_result *vm_of(const struct scenario_result *r,
				     const struct sc_expect *e)
{
	for (size_t i = 0; i < r->n_vms; i++)
		if (!e->vm[0] || !strcmp(r->vms[i].name, e->vm))
			return &r->vms[i];
	return NULL;
}

/**
 * run_finding_add() - room for one more reason @r failed
 * @r:		result
 *
 * Return: a zeroed finding, or NULL when RUN_MAX_FINDINGS are kept
 * already (r->failed still counts every one)
 */
struct run_finding *run_finding_add(struct scenario_result *r)
{
	struct run_finding *f;

	if (r->n_findings == RUN_MAX_FINDINGS)
		return NULL;
	f = &r->findings[r->n_findings++];
	memset(f, 0, sizeof(*f));
	return f;
}

/* A failed expectation, as reports list it: which line, what, and what
 * was measured instead */
static void expect_finding(struct scenario_result *r, const struct sc_expect *e,
			   const struct vm_result *v, const struct sc_value *val)
{
	struct run_finding *f = run_finding_add(r);

	if (!f)
		return;
	f->line = e->line;
	snprintf(f->vm, sizeof(f->vm), "%s", v ? v->name : e->vm);
	snprintf(f->metric, sizeof(f->metric), "%s", sc_metric_name(e->metric));
	snprintf(f->expected, sizeof(f->expected), "%s", e->text);
	if (v && v->measured)
		sc_value_str(e, val, f->got, sizeof(f->got));
	else
		snprintf(f->got, sizeof(f->got), "not in the capture");
}

/**
 * run_judge() - measure the capture and check every expectation
 * @sc:		scenario
 * @r:		result with @r->capture set; verdict and figures filled
 */
void run_judge(const struct scenario *sc, struct scenario_result *r)
{
	if (measure(sc, r)) {
		r->verdict = V_ERROR;
		return;
	}
	r->verdict = V_PASS;
	for (size_t i = 0; i < sc->n_expects; i++) {
		const struct sc_expect *e = &sc->expects[i];
		const struct vm_result *v = vm_of(r, e);
		struct sc_value val = { 0 };
		char why[300];

		if (!v || !v->measured) {
			snprintf(why, sizeof(why), "%s: the capture has no power-on "
				 "event of that VM", e->text);
		} else {
			metric_value(&v->m, e->metric, &val);
			if (sc_expect_eval(e, &val, why, sizeof(why)))
				continue;
		}
		if (!r->failed++)
			snprintf(r->reason, sizeof(r->reason), "%s:%d: expected %s",
				 sc->file, e->line, why);
		expect_finding(r, e, v, &val);
		r->verdict = V_FAIL;
	}
}
