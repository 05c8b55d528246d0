// SPDX-License-Identifier: GPL-2.0-or-later
/* verdict.c - measure a scenario's capture and judge its expectations
 *
 * The capture file written by the run is read back exactly as `kdh
 * analyze` reads any capture; each VM's figures come from that analysis,
 * never from the simulation's own state.  What only the analysis holds,
 * each debuggee's KD log, is used before it is freed: written out as
 * kd-VM.log next to the capture, and matched against the dbgprint ~
 * expectations.  A kd-VM.log that cannot be written makes the scenario
 * an ERROR (its results would be incomplete).
 *
 * Wing harness/result/ (docs/development.md): the results model run/ writes
 *   and report/ reads; verdicts, provenance.
 * Uses: netsim/, util/, analyze/, platform/, scenario/.
 * Used by: report/, run/.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netsim/capfile.h"
#include "kdh/analyze/kd_log.h"
#include "kdh/result/result.h"

static const char *const verdict_names[V_COUNT] = { "pass", "fail", "skip",
						    "error", "interrupted",
						    "flaky" };

/** verdict_name() - "pass", "fail", "skip", "error", "interrupted",
 * "flaky" */
const char *verdict_name(enum verdict v)
{
	return verdict_names[v];
}

/* A KD count: absent (NAN) when the VM had no KD conversation */
static double kd_count(const struct an_vm_result *m, unsigned n)
{
	return m->kd.seen ? n : NAN;
}

/**
 * run_metric_value() - the figure an expectation names, from a VM's
 * measured result
 * @m:		the VM's result
 * @k:		the metric
 * @v:		output; absent (!present) where the figure does not exist,
 *		the KD figures of a VM without a KD conversation included.
 *		dbgprint's comes from the KD log while the analysis is alive
 *		(run_judge()), not from here: always absent.
 */
void run_metric_value(const struct an_vm_result *m, enum sc_metric k,
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
	case M_MODULES_LOADED:	d = kd_count(m, m->kd.modules_loaded); break;
	case M_DBGPRINT_LINES:	d = kd_count(m, m->kd.dbgprint_lines); break;
	case M_BREAKS:		d = kd_count(m, m->kd.breaks); break;
	case M_EXCEPTIONS:	d = kd_count(m, m->kd.exceptions); break;
	case M_BUGCHECK:
		if (m->kd.seen && m->kd.bugcheck_seen)
			snprintf(v->str, sizeof(v->str), "0x%08" PRIX32,
				 m->kd.bugcheck.code);
		break;
	case M_DBGPRINT:
	case M_N_METRICS:
		break;
	}
	v->present = sc_metric_is_number(k) ? !isnan(d) : v->str[0] != '\0';
	v->num = d;
}

static const struct vm_result *vm_of(const struct scenario_result *r,
				     const struct sc_expect *e)
{
	for (size_t i = 0; i < r->n_vms; i++)
		if (!e->vm[0] || !strcmp(r->vms[i].name, e->vm))
			return &r->vms[i];
	return NULL;
}

static uint64_t power_on_of(const struct analysis *a, const char *vm)
{
	for (size_t i = 0; i < analysis_n_vms(a); i++)
		if (!strcmp(analysis_vm(a, i)->name, vm))
			return analysis_vm(a, i)->power_on_ns;
	return AN_NONE;
}

/* kd-VM.log of each VM whose KD conversation the wire shows, next to the
 * capture */
static int kd_logs(const struct scenario *sc, const struct analysis *a,
		   struct scenario_result *r)
{
	char *dir = g_path_get_dirname(r->capture);
	int rc = 0;

	for (size_t i = 0; i < r->n_vms && !rc; i++) {
		const struct vm_result *v = &r->vms[i];
		const struct an_kd *kd = analysis_vm_kd(a, v->name);
		struct kd_log_whose w = { v->name, sc->name,
					  power_on_of(a, v->name) };
		char *name = g_strdup_printf("kd-%s.log", v->name);
		char *path = g_build_filename(dir, name, NULL);

		if (kd && v->measured && v->m.kd.seen &&
		    (rc = kd_log_write(path, kd, &w))) {
			snprintf(r->reason, sizeof(r->reason), "%s: %s", path,
				 strerror(-rc));
			r->unwritten = true;	/* the run stops */
		}
		g_free(path);
		g_free(name);
	}
	g_free(dir);
	return rc;
}

/* dbgprint ~ REGEX: what each such expectation matches in its VM's KD
 * log (@said, by expectation), while the analysis still holds the log */
static void kd_prints(const struct scenario *sc, const struct analysis *a,
		      const struct scenario_result *r, struct sc_value *said)
{
	for (size_t i = 0; i < sc->n_expects; i++) {
		const struct sc_expect *e = &sc->expects[i];
		const struct vm_result *v = vm_of(r, e);
		const struct an_kd *kd;
		struct sc_value *s = &said[i];
		GRegex *re;

		memset(s, 0, sizeof(*s));
		if (e->metric != M_DBGPRINT || !v || !v->measured || !v->m.kd.seen)
			continue;
		kd = analysis_vm_kd(a, v->name);
		re = g_regex_new(e->re, 0, 0, NULL);	/* it compiled when parsed */
		if (!kd || !re) {
			if (re)
				g_regex_unref(re);
			continue;
		}
		s->present = true;
		s->num = kd_log_match(kd, re, &s->lines, s->str, sizeof(s->str));
		g_regex_unref(re);
	}
}

static int measure(const struct scenario *sc, struct scenario_result *r,
		   struct sc_value *said)
{
	struct analysis *a = analysis_new(sc->dbg.key, 0);
	char err[256];
	struct capfile *cf = capfile_open(r->capture, err, sizeof(err));
	struct cap_frame f;
	int rc;

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
	kd_prints(sc, a, r, said);
	rc = kd_logs(sc, a, r);
	analysis_free(a);
	capfile_close(cf);
	return rc;
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

/* The scenario's VM of a measured result */
static const struct sc_vm *sc_vm_of(const struct scenario *sc,
				    const struct vm_result *v)
{
	for (size_t i = 0; i < sc->n_vms; i++)
		if (!strcmp(sc->vms[i].name, v->name))
			return &sc->vms[i];
	return NULL;
}

/* The first failure, on one line: which line, what it expected, what was
 * measured, and, when the VM did not connect, why in words: its own
 * one-line explanation from the wire (the analysis' why, as `kdh analyze` prints after the outcome),
 * then, when the wire shows no KDNET, what its config says as `kdh check`
 * does (run_why.c); cut with "..." where it does not fit */
static void first_reason(const struct scenario *sc, struct scenario_result *r,
			 const struct sc_expect *e, const struct vm_result *v,
			 const char *why)
{
	const struct sc_vm *vm = v ? sc_vm_of(sc, v) : NULL;
	size_t n, len = sizeof(r->reason);
	char cfg[512] = "";

	snprintf(r->reason, len, "%s:%d: expected %s", sc->file, e->line, why);
	n = strlen(r->reason);
	if (!v || !v->measured || !v->m.why[0] || n + 8 >= len ||
	    v->m.outcome == AN_CONNECTED)
		return;
	if (vm && (v->m.outcome == AN_NO_KDNET_TRAFFIC ||
		   v->m.outcome == AN_WRONG_NIC))
		run_config_why(vm, cfg, sizeof(cfg));
	if (snprintf(r->reason + n, len - n, "; %s: %s%s%s", v->name, v->m.why,
		     cfg[0] ? ": " : "", cfg) >= (int)(len - n))
		memcpy(r->reason + len - 4, "...", 4);
	for (char *c = r->reason + n; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
}

/**
 * run_judge() - measure the capture and check every expectation
 * @sc:		scenario
 * @r:		result with @r->capture set; verdict and figures filled
 */
void run_judge(const struct scenario *sc, struct scenario_result *r)
{
	struct sc_value said[SC_MAX_EXPECT];

	if (measure(sc, r, said)) {
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
			run_metric_value(&v->m, e->metric, &val);
			if (e->metric == M_DBGPRINT)
				val = said[i];
			if (sc_expect_eval(e, &val, why, sizeof(why)))
				continue;
		}
		if (!r->failed++)
			first_reason(sc, r, e, v, why);
		expect_finding(r, e, v, &val);
		r->verdict = V_FAIL;
	}
	run_oracle_judge(sc, r);
	if (!sc->n_expects && !sc->oracle)	/* a PASS that checked nothing */
		snprintf(r->reason, sizeof(r->reason), "no [expect]: checks "
			 "nothing");
}
