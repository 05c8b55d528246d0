// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_kd.c - the KD keys of a scenario: what the debuggee's kernel
 * reports once a debugger connected ([vm NAME] drivers, dbgprint, break,
 * assert, bugcheck, kdfiles) and how the debugger answers ([debugger] kd,
 * on_break)
 *
 * The values are read by target_kd_values.c (kdh-agent reads the same
 * syntaxes); here they get their file:line errors and the checks that
 * need the rest of the scenario: every timed event must come before the
 * scenario's timeout, or it would never happen; and the agent (target =
 * vm) gets the script on its kernel command line, which must fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_priv.h"
#include "kdh/target/agent.h"
#include "harness/scenario/scenario_values.h"
#include "netsim/duration.h"

/* dbgprint = TIME TEXT: one line per message */
static int dbgprint_key(struct parse *p, struct sc_vm *vm,
			const struct ini_item *it)
{
	struct target_kd_script *s = &vm->tc.kd;

	if (s->n_dbgprint == TARGET_MAX_DBGPRINTS)
		return sc_fail(p, it->line, "more than %d dbgprint lines in [vm %s]",
			       TARGET_MAX_DBGPRINTS, vm->name);
	if (sv_dbgprint(it->value, &s->dbgprint[s->n_dbgprint], p->kv_err,
			sizeof(p->kv_err)))
		return sc_fail(p, it->line, "%s", p->kv_err);
	vm->dbgprint_line[s->n_dbgprint++] = it->line;
	return 0;
}

static int when_key(struct parse *p, const struct ini_item *it, bool *has,
		    uint64_t *at_ns, int *line)
{
	*line = it->line;
	*has = true;
	return sc_duration_key(p, it, at_ns);
}

/**
 * sc_vm_kd_key() - one KD key of a [vm NAME] section
 * @p:		parse state
 * @vm:		the VM being read
 * @it:		the item
 *
 * Return: 0, -EINVAL with the error set, or 1 when @it is no KD key
 */
int sc_vm_kd_key(struct parse *p, struct sc_vm *vm, const struct ini_item *it)
{
	struct target_kd_script *s = &vm->tc.kd;
	const char *k = it->key;

	if (!strcmp(k, "drivers")) {
		if (sv_drivers(it->value, s, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
	} else if (!strcmp(k, "dbgprint")) {
		return dbgprint_key(p, vm, it);
	} else if (!strcmp(k, "break")) {
		return when_key(p, it, &s->has_break, &s->break_ns, &vm->break_line);
	} else if (!strcmp(k, "assert")) {
		return when_key(p, it, &s->has_assert, &s->assert_ns,
				&vm->assert_line);
	} else if (!strcmp(k, "bugcheck")) {
		vm->bugcheck_line = it->line;
		if (sv_bugcheck(it->value, s, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
	} else if (!strcmp(k, "kdfiles")) {
		if (sv_bool(it->value, &s->kdfiles))
			return sc_fail(p, it->line, "kdfiles: '%s' is not yes or no",
				       it->value);
	} else {
		return 1;
	}
	return 0;
}

/**
 * sc_debugger_kd_key() - [debugger] kd = continue|ack-only, on_break =
 * continue|hold
 * @p:		parse state
 * @it:		the item
 *
 * Return: 0, -EINVAL with the error set, or 1 when @it is no KD key
 */
int sc_debugger_kd_key(struct parse *p, const struct ini_item *it)
{
	struct sc_debugger *d = &p->sc->dbg;
	const char *v = it->value;

	if (!strcmp(it->key, "kd")) {
		if (strcmp(v, "continue") && strcmp(v, "ack-only"))
			return sc_fail(p, it->line, "kd: '%s' is not continue or "
				       "ack-only", v);
		d->kd_mode = strcmp(v, "continue") ? KD_MODE_ACK_ONLY :
			KD_MODE_CONTINUE;
	} else if (!strcmp(it->key, "on_break")) {
		if (strcmp(v, "continue") && strcmp(v, "hold"))
			return sc_fail(p, it->line, "on_break: '%s' is not continue "
				       "or hold", v);
		d->on_break = strcmp(v, "continue") ? KD_BREAK_HOLD :
			KD_BREAK_CONTINUE;
	} else {
		return 1;
	}
	return 0;
}

/* "2m": for messages (one buffer per call site) */
#define dur(ns) duration_format((ns), (char[24]){ 0 }, 24)

static int before_timeout(struct parse *p, const struct sc_vm *vm, int line,
			  const char *key, uint64_t at_ns)
{
	uint64_t timeout = p->sc->timeout_ns;

	if (at_ns < timeout && vm->power_on_ns < timeout - at_ns)
		return 0;
	if (vm->power_on_ns)
		return sc_fail(p, line, "%s at %s after power_on at %s is not "
			       "before the timeout (%s)", key, dur(at_ns),
			       dur(vm->power_on_ns), dur(timeout));
	return sc_fail(p, line, "%s at %s is not before the timeout (%s)", key,
		       dur(at_ns), dur(timeout));
}

/* The agent reads its settings from a command line Linux caps */
static int agent_fits(struct parse *p, const struct sc_vm *vm)
{
	char *words;
	size_t n;

	if (!vm->real || vm->image[0])
		return 0;
	words = agent_cmdline_build(&vm->tc);
	if (!words)
		return sc_fail(p, vm->line, "out of memory");
	n = strlen(words);
	free(words);
	if (n <= AGENT_CMDLINE_MAX)
		return 0;
	return sc_fail(p, vm->line, "[vm %s]: the agent's kernel command line "
		       "would take %zu bytes, at most %d: fewer or shorter "
		       "drivers or dbgprint lines", vm->name, n, AGENT_CMDLINE_MAX);
}

/**
 * sc_vm_kd_check() - every timed KD event of @vm can happen in the run,
 * and so does KDNET's start (timing.kdnet_init); an agent VM's script fits
 * its command line, and an image = is on a VM that boots one (target = vm)
 * @p:		parse state, every section read
 * @vm:		the VM
 *
 * Return: 0, or -EINVAL with the error set
 */
int sc_vm_kd_check(struct parse *p, const struct sc_vm *vm)
{
	const struct target_kd_script *s = &vm->tc.kd;

	if (vm->image[0] && !vm->real)
		return sc_fail(p, vm->image_line, "image: [vm %s] is simulated; a "
			       "disk image boots only with target = vm", vm->name);
	if (agent_fits(p, vm))
		return -1;
	/* KDNET starts kdnet_init after power-on: past the timeout, never */
	if (vm->timing_line[0] && before_timeout(p, vm, vm->timing_line[0],
						 "timing.kdnet_init",
						 vm->tc.timing.kdnet_init_ns))
		return -1;
	for (size_t i = 0; i < s->n_dbgprint; i++)
		if (before_timeout(p, vm, vm->dbgprint_line[i], "dbgprint",
				   s->dbgprint[i].at_ns))
			return -1;
	if ((s->has_break && before_timeout(p, vm, vm->break_line, "break",
					     s->break_ns)) ||
	    (s->has_assert && before_timeout(p, vm, vm->assert_line, "assert",
					      s->assert_ns)) ||
	    (s->has_bugcheck && before_timeout(p, vm, vm->bugcheck_line,
						"bugcheck", s->bugcheck_ns)))
		return -1;
	return 0;
}

/**
 * sc_debugger_time_check() - the debugger's start comes before the timeout
 * (one that opens its port after the run ended is written start = never),
 * as power_on and reboot must
 * @p:		parse state, every section read
 *
 * Return: 0, or -EINVAL with the error set
 */
int sc_debugger_time_check(struct parse *p)
{
	const struct sc_debugger *d = &p->sc->dbg;

	if (d->start_line && d->start_ns >= p->sc->timeout_ns &&
	    d->start_ns != DURATION_MAX_NS)
		return sc_fail(p, d->start_line, "start at %s is not before the "
			       "timeout (%s); a debugger that never opens is "
			       "start = never", dur(d->start_ns),
			       dur(p->sc->timeout_ns));
	return 0;
}
