// SPDX-License-Identifier: GPL-2.0-or-later
/* oracle.c - `check` in [expect]: kdh check's prediction against the wire
 *
 * For a scenario that asks for it (sc->oracle: `check` in [expect], or a
 * matrix cell with expect = check), each VM's config goes through
 * check_predict() (the rules of `kdh check`) and the prediction is held
 * against what the analysis measured from the capture.  They agree when
 * the coarse class is the same (connected, counting bugcheck, break and
 * stalled; wrong-nic; key-mismatch; silent = no KDNET traffic; hang = the
 * ~10 minute DHCP hang at the logo), and, unless silent, the debug NIC's
 * name, and its b.d.f when both sides know it.  A disagreement fails the
 * scenario and says both sides ("check predicted KDNET on net0 (e1000e at
 * 0.18.0): connects; the wire shows no KDNET traffic").
 *
 * KDH_TEST_MODEL_FLIP=MODEL, read here only, flips whether the
 * prediction believes the Windows build drives MODEL: the seeded
 * disagreement the tests use to prove the oracle reports one.  It says
 * so loudly, so no one trusts such a run: kdh run warns on stderr
 * (run_oracle_test_hook()) and every prediction it touched ends with
 * "[test hook KDH_TEST_MODEL_FLIP=MODEL]" in result.json and the report.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/check.h"
#include "kdh/result/result.h"

/**
 * run_oracle_test_hook() - whether the test hook is set, and the warning
 * @buf:	out: the warning, a sentence (when set)
 * @len:	its size
 *
 * Return: true when KDH_TEST_MODEL_FLIP is set (nonempty)
 */
bool run_oracle_test_hook(char *buf, size_t len)
{
	const char *flip = g_getenv("KDH_TEST_MODEL_FLIP");

	if (!flip || !flip[0])
		return false;
	snprintf(buf, len, "WARNING: KDH_TEST_MODEL_FLIP=%s is set: a test "
		 "hook flips whether kdh check's model believes Windows drives "
		 "%s, so the oracle's verdicts of this run are not to be "
		 "trusted (unset it outside kdh's tests)", flip, flip);
	return true;
}

/* A prediction made under the test hook says so, never to be trusted */
static void hook_mark(char *pred, size_t size)
{
	const char *flip = g_getenv("KDH_TEST_MODEL_FLIP");
	size_t n = strlen(pred);

	if (flip && flip[0])
		snprintf(pred + n, size - n, " [test hook KDH_TEST_MODEL_FLIP=%s]",
			 flip);
}

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

/* The coarse outcome classes the oracle compares */
enum oracle_class { OC_CONNECTED, OC_WRONG_NIC, OC_KEY_MISMATCH, OC_SILENT,
		    OC_HANG, OC_OTHER };

static enum oracle_class predicted_class(const struct check_prediction *p)
{
	return p->silent ? OC_SILENT : p->hang ? OC_HANG :
	       p->wrong_nic ? OC_WRONG_NIC :
	       p->key_mismatch ? OC_KEY_MISMATCH : OC_CONNECTED;
}

static enum oracle_class measured_class(enum an_outcome o, bool silent,
					bool hang)
{
	if (silent)
		return OC_SILENT;
	if (hang)
		return OC_HANG;
	switch (o) {
	case AN_CONNECTED: case AN_BUGCHECK: case AN_BREAK: case AN_STALLED:
		return OC_CONNECTED;
	case AN_WRONG_NIC:
		return OC_WRONG_NIC;
	case AN_KEY_MISMATCH:
		return OC_KEY_MISMATCH;
	default:
		return OC_OTHER;
	}
}

/* The {dbgsettings} of @vm as bcdedit would hold them */
static void vm_dbgsettings(const struct sc_vm *vm, struct dbgsettings *d)
{
	uint32_t ip = vm->tc.host_ip;

	memset(d, 0, sizeof(*d));
	if (vm->tc.serial) {
		snprintf(d->debugtype, sizeof(d->debugtype), "SERIAL");
		d->debugport = vm->tc.debugport;
		return;
	}
	snprintf(d->debugtype, sizeof(d->debugtype), "NET");
	if (ip)
		snprintf(d->hostip, sizeof(d->hostip), "%u.%u.%u.%u", ip >> 24,
			 (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	d->has_port = true;
	d->port = vm->tc.port;
	if (kdnet_key_format(vm->tc.key, d->key, sizeof(d->key)) < 0)
		d->key[0] = '\0';
	d->has_dhcp = true;
	d->dhcp = vm->tc.dhcp;
	d->has_busparams = vm->tc.has_busparams;
	if (d->has_busparams)
		pci_addr_str(&vm->tc.busparams, d->busparams, sizeof(d->busparams));
}

/* The debugger's side: is the debug NIC on its network, and its key ours */
static void debugger_side(const struct scenario *sc, const struct sc_vm *vm,
			  struct check_prediction *p)
{
	for (size_t i = 0; i < vm->n_nets; i++)
		if ((int)vm->nets[i].index == p->debug_nic &&
		    strcmp(vm->nets[i].bridge, sc->dbg.network)) {
			p->wrong_nic = true;
			snprintf(p->nic_net, sizeof(p->nic_net), "%s",
				 vm->nets[i].bridge);
			snprintf(p->dbg_net, sizeof(p->dbg_net), "%s",
				 sc->dbg.network);
		}
	p->key_mismatch = memcmp(vm->tc.key, sc->dbg.key, KDNET_KEY_LEN) != 0;
}

/* kdh check's prediction for one VM of @sc, on @c: the config of the
 * boot the analysis measures: the latest, whose ostype a power cycle
 * changes (a guest reboot keeps QEMU's flags; with a sticky binding, the
 * default hypothesis, the first boot's NIC binding holds anyway) */
static void predict(const struct scenario *sc, const struct sc_vm *vm,
		    struct vmconf *c, struct check_prediction *p)
{
	struct dbgsettings d;
	const char *flip = g_getenv("KDH_TEST_MODEL_FLIP");
	struct check_ctx x;

	run_check_ctx(vm, &x);
	if (flip && flip[0])
		model_flip(&x, flip);
	vm_dbgsettings(vm, &d);
	check_predict(c, &d, &x, p);
	if (p->debug_nic >= 0) {	/* the hang depends on that NIC's network */
		x.net = net_of(sc, vm, p->debug_nic);
		check_predict(c, &d, &x, p);
	}
	if (!p->silent)
		debugger_side(sc, vm, p);
}

/* What the wire shows, in the prediction's terms; true when they agree */
static bool measured(const struct vm_result *v, const struct check_prediction *p,
		     char *buf, size_t len)
{
	const struct an_vm_result *m = &v->m;
	char nic[16], b[16];
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
	if (measured_class(m->outcome, silent, hang) != predicted_class(p))
		return false;
	if (silent)
		return true;
	snprintf(nic, sizeof(nic), "net%d", p->debug_nic);
	if (!m->has_debug_nic || strcmp(m->debug_nic.name, nic))
		return false;
	return !p->has_pci || !m->debug_nic.pci[0] ||
	       !strcmp(m->debug_nic.pci, pci_addr_str(&p->pci, b, sizeof(b)));
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
	/* a run that did not end (error, interrupted) or never ran (skip)
	 * measured nothing to compare: no side to disagree with */
	if (!sc->oracle || r->verdict == V_ERROR ||
	    r->verdict == V_INTERRUPTED || r->verdict == V_SKIP)
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
		hook_mark(pred, sizeof(pred));
		ok = measured(&r->vms[i], &p, meas, sizeof(meas));
		record(o, vm->name, sc->n_vms > 1, pred, meas);
		if (ok)
			continue;
		o->agree = false;
		disagree(sc, r, vm->name, pred, meas);
	}
	g_free(c);
}
