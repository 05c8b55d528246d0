// SPDX-License-Identifier: GPL-2.0-or-later
/* oracle.c - `check` in [expect]: kdh check's prediction against the wire
 *
 * For a scenario that asks for it (sc->oracle: `check` in [expect], or a
 * matrix cell with expect = check), each VM's config goes through
 * check_predict() (the rules of `kdh check`) and the prediction is held
 * against what the analysis measured from the capture: KDNET silent or
 * not, on which NIC, and the ~10 minute DHCP hang at the logo.  A
 * disagreement fails the scenario and says both sides ("check predicted
 * net0 (e1000e at 0.18.0): connects; the wire shows no KDNET traffic").
 *
 * KDH_TEST_MODEL_FLIP=MODEL, read here only, flips whether the
 * prediction believes the Windows build drives MODEL: the seeded
 * disagreement the tests use to prove the oracle reports one.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/check.h"
#include "kdh/result/result.h"

/* A logo hang is DHCP's ~10 minutes, not a slow boot */
#define ORACLE_HANG_S	300.0

/* The test hook: @model driven becomes not driven, and the reverse */
static void model_flip(struct check_ctx *x, const char *model)
{
	for (size_t i = 0; i < x->n_models; i++)
		if (!strcmp(x->models[i], model)) {
			memmove(&x->models[i], &x->models[i + 1],
				(x->n_models - i - 1) * sizeof(x->models[0]));
			x->n_models--;
			return;
		}
	if (x->n_models < CHECK_MAX_MODELS)
		snprintf(x->models[x->n_models++], sizeof(x->models[0]), "%s",
			 model);
}

/* The network NIC netN is on: static or with a DHCP server */
static enum check_network net_of(const struct scenario *sc,
				 const struct sc_vm *vm, int nic)
{
	for (size_t i = 0; i < vm->n_nets; i++)
		if ((int)vm->nets[i].index == nic) {
			const struct sc_network *n = sc_network_find(sc,
							vm->nets[i].bridge);

			return !n ? NET_UNKNOWN : n->dhcp ? NET_DHCP : NET_STATIC;
		}
	return NET_UNKNOWN;
}

/* kdh check's prediction for one VM of @sc, on @c: the config of the
 * boot the analysis measures: the latest, whose ostype a power cycle
 * changes (a guest reboot keeps QEMU's flags; with a sticky binding, the
 * default hypothesis, the first boot's NIC binding holds anyway) */
static void predict(const struct scenario *sc, const struct sc_vm *vm,
		    struct vmconf *c, struct check_prediction *p)
{
	struct dbgsettings d = { 0 };
	const char *flip = g_getenv("KDH_TEST_MODEL_FLIP");
	struct check_ctx x;

	run_check_ctx(vm, &x);
	if (flip && flip[0])
		model_flip(&x, flip);
	if (vm->tc.serial) {
		snprintf(d.debugtype, sizeof(d.debugtype), "SERIAL");
		d.debugport = vm->tc.debugport;
	} else {
		snprintf(d.debugtype, sizeof(d.debugtype), "NET");
	}
	d.has_dhcp = true;
	d.dhcp = vm->tc.dhcp;
	d.has_busparams = vm->tc.has_busparams;
	if (d.has_busparams)
		pci_addr_str(&vm->tc.busparams, d.busparams, sizeof(d.busparams));
	check_predict(c, &d, &x, p);
	if (p->debug_nic >= 0) {	/* the hang depends on that NIC's network */
		x.net = net_of(sc, vm, p->debug_nic);
		check_predict(c, &d, &x, p);
	}
}

/* What the wire shows, in the prediction's terms; true when they agree */
static bool measured(const struct vm_result *v, const struct check_prediction *p,
		     char *buf, size_t len)
{
	const struct an_vm_result *m = &v->m;
	char nic[16];
	bool hang, silent;

	if (!v->measured) {
		snprintf(buf, len, "nothing (no power-on event of that VM)");
		return false;
	}
	/* KD over a COM port and nothing of KDNET: silent on the network */
	silent = m->outcome == AN_NO_KDNET_TRAFFIC ||
		 (m->serial_port[0] && !m->has_debug_nic);
	hang = m->outcome == AN_APIPA_AFTER_HANG ||
	       (!isnan(m->logo_hang_s) && m->logo_hang_s >= ORACLE_HANG_S);
	if (silent)
		snprintf(buf, len, "no KDNET traffic%s%s", m->serial_port[0] ?
			 ", KD over " : "", m->serial_port);
	else if (m->has_debug_nic)
		snprintf(buf, len, "%s at %s: %s%s", m->debug_nic.name,
			 m->debug_nic.pci, an_outcome_name(m->outcome),
			 hang ? " after a logo hang" : "");
	else
		snprintf(buf, len, "KDNET on no NIC the harness named: %s",
			 an_outcome_name(m->outcome));
	if (silent || p->silent)
		return silent == p->silent;
	if (!m->has_debug_nic || hang != p->hang)
		return false;
	snprintf(nic, sizeof(nic), "net%d", p->debug_nic);
	return !strcmp(m->debug_nic.name, nic);
}

/* Both sides appended to @r->oracle, "vm: " before each when there are
 * several VMs */
static void record(struct run_oracle *o, const char *vm, bool many,
		   const char *pred, const char *meas)
{
	size_t np = strlen(o->predicted), nm = strlen(o->measured);

	snprintf(o->predicted + np, sizeof(o->predicted) - np, "%s%s%s%s",
		 np ? "; " : "", many ? vm : "", many ? ": " : "", pred);
	snprintf(o->measured + nm, sizeof(o->measured) - nm, "%s%s%s%s",
		 nm ? "; " : "", many ? vm : "", many ? ": " : "", meas);
}

/* A disagreement: a failure that says both sides */
static void disagree(const struct scenario *sc, struct scenario_result *r,
		     const char *vm, const char *pred, const char *meas)
{
	struct run_finding *f = run_finding_add(r);

	if (!r->failed++)	/* the first failure is the reason */
		snprintf(r->reason, sizeof(r->reason), "%s: %s: check predicted "
			 "%s; the wire shows %s", sc->file, vm, pred, meas);
	r->verdict = V_FAIL;
	if (!f)
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", vm);
	snprintf(f->metric, sizeof(f->metric), "check");
	snprintf(f->expected, sizeof(f->expected), "%s", pred);
	snprintf(f->got, sizeof(f->got), "%s", meas);
}

/**
 * run_oracle_judge() - hold each VM's measurement against what kdh check
 * predicts of its config, when the scenario asks (sc->oracle)
 * @sc:		scenario
 * @r:		its result, measured and judged by run_judge(); a
 *		disagreement fails it, r->oracle records both sides
 */
void run_oracle_judge(const struct scenario *sc, struct scenario_result *r)
{
	struct run_oracle *o = &r->oracle;
	struct vmconf *c;

	memset(o, 0, sizeof(*o));
	if (!sc->oracle || r->verdict == V_ERROR)
		return;
	c = g_new(struct vmconf, 1);
	o->on = o->agree = true;
	for (size_t i = 0; i < sc->n_vms && i < r->n_vms; i++) {
		const struct sc_vm *vm = &sc->vms[i];
		struct check_prediction p;
		char pred[600], meas[300];
		bool ok;

		*c = vm->conf;
		if (vm->reboot_ns && vm->reboot_kind == SC_REBOOT_POWER &&
		    vm->reboot_ostype[0] && !vm->tc.sticky_binding)
			snprintf(c->ostype, sizeof(c->ostype), "%s",
				 vm->reboot_ostype);
		predict(sc, vm, c, &p);
		check_prediction_str(c, &p, pred, sizeof(pred));
		ok = measured(&r->vms[i], &p, meas, sizeof(meas));
		record(o, vm->name, sc->n_vms > 1, pred, meas);
		if (ok)
			continue;
		o->agree = false;
		disagree(sc, r, vm->name, pred, meas);
	}
	g_free(c);
}
