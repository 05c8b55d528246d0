// SPDX-License-Identifier: GPL-2.0-or-later
/* expect_sense.c - an [expect] line that can never hold is an error
 *
 * expect.c reads a line's syntax; here it is checked against what the
 * figure can be and against the lines before it, once the whole scenario
 * is read (its VMs, NICs and timeout):
 *   boots = 1.5            a count is a whole number
 *   connect_time < 0s      nothing is below 0
 *   connect_time > 10m     past the timeout: the run has ended by then
 *   debug_nic = net99      a NIC the VM does not have
 *   serial_connect_time    on a VM without a serial link
 *   address = 10.0.0       not an IPv4 address
 *   outcome = a, outcome = b   one figure given twice
 *   connect_time > 10s, connect_time < 5s   bounds that exclude each other
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kdh/scenario/scenario.h"
#include "netsim/duration.h"
#include "netsim/value.h"

/* The VM an expectation is about: its prefix, or the only one */
static const struct sc_vm *vm_of(const struct scenario *sc,
				 const struct sc_expect *e)
{
	for (size_t i = 0; i < sc->n_vms; i++)
		if (!e->vm[0] || !strcmp(sc->vms[i].name, e->vm))
			return &sc->vms[i];
	return &sc->vms[0];
}

/* A serial link with @vm at one end */
static bool has_serial_link(const struct scenario *sc, const struct sc_vm *vm)
{
	int v = (int)(vm - sc->vms);

	for (size_t i = 0; i < sc->n_serials; i++)
		if (sc->serials[i].vm[0] == v || sc->serials[i].vm[1] == v)
			return true;
	return false;
}

/* Counts are whole; nothing is below 0; nothing is measured after the
 * run's timeout (its lowest value must not be past it) */
static int number_sense(const struct scenario *sc, const struct sc_expect *e,
			char *err, size_t errlen)
{
	double timeout = (double)sc->timeout_ns / 1e9, lo = e->num;
	char t[24];

	if (sc_metric_is_count(e->metric) && (e->num != floor(e->num) ||
	    (e->op == OP_WITHIN && e->num2 != floor(e->num2)))) {
		snprintf(err, errlen, "%s: %s is a count: give a whole number",
			 e->text, sc_metric_name(e->metric));
		return -1;
	}
	if (e->metric == M_SERIAL_CONNECT_TIME && !has_serial_link(sc, vm_of(sc, e))) {
		snprintf(err, errlen, "%s can never hold: [vm %s] is on no serial "
			 "link (serial = link ... in [scenario])", e->text,
			 vm_of(sc, e)->name);
		return -1;
	}
	if (e->op == OP_LT && e->num <= 0) {
		snprintf(err, errlen, "%s can never hold: nothing is below 0",
			 e->text);
		return -1;
	}
	if (sc_metric_is_count(e->metric) || e->op == OP_NE || e->op == OP_LT ||
	    e->op == OP_LE)
		return 0;
	if (e->op == OP_GT ? lo >= timeout : lo > timeout) {
		snprintf(err, errlen, "%s can never hold: the run ends at its "
			 "timeout (%s)", e->text,
			 duration_format(sc->timeout_ns, t, sizeof(t)));
		return -1;
	}
	return 0;
}

/* debug_nic names one of the VM's NICs; address is an IPv4 address */
static int word_sense(const struct scenario *sc, const struct sc_expect *e,
		      char *err, size_t errlen)
{
	const struct sc_vm *vm = vm_of(sc, e);
	char list[SC_MAX_NETS * 8] = "";
	uint32_t ip;

	if (e->metric == M_ADDRESS && value_ipv4(e->str, &ip)) {
		snprintf(err, errlen, "%s: '%s' is not an IPv4 address (or none)",
			 e->text, e->str);
		return -1;
	}
	if (e->metric != M_DEBUG_NIC)
		return 0;
	for (size_t i = 0; i < vm->n_nets; i++) {
		char name[16];

		snprintf(name, sizeof(name), "net%u", vm->nets[i].index);
		if (!strcmp(name, e->str))
			return 0;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", name);
	}
	snprintf(err, errlen, "%s: [vm %s] has no %s (it has %s)", e->text,
		 vm->name, e->str, list);
	return -1;
}

/* A lower bound (>, >=, within) and an upper one (<, <=, within) */
static bool lower(const struct sc_expect *e, double *v, bool *strict)
{
	*v = e->num;
	*strict = e->op == OP_GT;
	return !e->none && (e->op == OP_GT || e->op == OP_GE || e->op == OP_WITHIN);
}

static bool upper(const struct sc_expect *e, double *v, bool *strict)
{
	*v = e->op == OP_WITHIN ? e->num2 : e->num;
	*strict = e->op == OP_LT;
	return !e->none && (e->op == OP_LT || e->op == OP_LE || e->op == OP_WITHIN);
}

/* @b, given before @a on the same figure: = twice or beside another
 * line, two bounds on one side, or bounds that leave nothing between */
static int pair_sense(const struct sc_expect *a, const struct sc_expect *b,
		      char *err, size_t errlen)
{
	double lo, hi;
	bool slo, shi;

	if (a->op == OP_EQ || b->op == OP_EQ) {
		snprintf(err, errlen, "%s: %s is given twice (line %d: %s)", a->text,
			 sc_metric_name(a->metric), b->line, b->text);
		return -1;
	}
	if ((lower(a, &lo, &slo) && lower(b, &lo, &slo)) ||
	    (upper(a, &hi, &shi) && upper(b, &hi, &shi))) {
		snprintf(err, errlen, "%s: %s is bounded on that side already "
			 "(line %d: %s)", a->text, sc_metric_name(a->metric),
			 b->line, b->text);
		return -1;
	}
	if (((lower(a, &lo, &slo) && upper(b, &hi, &shi)) ||
	     (lower(b, &lo, &slo) && upper(a, &hi, &shi))) &&
	    (lo > hi || (lo == hi && (slo || shi)))) {
		snprintf(err, errlen, "%s can never hold beside line %d (%s)",
			 a->text, b->line, b->text);
		return -1;
	}
	return 0;
}

/**
 * sc_expect_sense() - the @i-th expectation of @sc can hold
 * @sc:		scenario, every section read and expectations 0..@i parsed
 * @i:		the expectation to check (against those before it too)
 * @err:	why not: "boots = 1.5 can never hold: it is a count, a whole
 *		number", "debug_nic = net99: [vm win] has no net99 (it has
 *		net0, net1)", "outcome = timeout: outcome is given twice
 *		(line 14: outcome = connected)"
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int sc_expect_sense(const struct scenario *sc, size_t i, char *err,
		    size_t errlen)
{
	const struct sc_expect *e = &sc->expects[i];

	if (e->metric == M_DBGPRINT)	/* several patterns are fine */
		return 0;
	if (!e->none && (sc_metric_is_number(e->metric) ?
			 number_sense(sc, e, err, errlen) :
			 word_sense(sc, e, err, errlen)))
		return -1;
	for (size_t j = 0; j < i; j++) {
		const struct sc_expect *b = &sc->expects[j];

		if (b->metric == e->metric && vm_of(sc, b) == vm_of(sc, e) &&
		    pair_sense(e, b, err, errlen))
			return -1;
	}
	return 0;
}
