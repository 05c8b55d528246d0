// SPDX-License-Identifier: GPL-2.0-or-later
/* run_kd.c - a scenario's debugger and what its debuggees said over KD
 *
 * The scenario's [debugger] kd and on_break set the KD engine of each
 * backend's debugger (the in-process host, the bridge backend's UDP
 * socket, the serial debugger); what the engines pass up lands here.
 * Nothing here is measured: the verdict reads the capture, where the same
 * KD packets are (verdict.c).  Only a held break changes the run: the
 * guest stays stopped, so the scenario ends a grace period later instead
 * of at its timeout.
 */
#include <stdio.h>

#include <glib.h>

#include "harness/run/run_priv.h"
#include "kdh/kdnet/kd_api.h"

/* The capture must show the wait long enough for the analysis to call it
 * a stall or a held break */
_Static_assert(SETTLE_GRACE > AN_KD_STALL_NS, "the grace outlasts a stall");

/**
 * sim_kd_said() - what a debuggee told the scenario's debugger: a guest
 * that will wait for good (a break held by `on_break = hold`, or, in a
 * real VM, any request of its under `kd = ack-only`) ends the scenario
 * SETTLE_GRACE later, longer than the analysis's stall threshold, so the
 * capture shows it waiting; a bugcheck is noted in target.log.  Never
 * measured: the verdict reads the capture.
 * @s:		scenario
 * @who:	the debuggee ("192.168.2.72:50000", "serial")
 * @o:		the engine's answer
 */
void sim_kd_said(struct sim *s, const char *who, const struct kd_engine_out *o)
{
	const struct run_env *env = &s->env;
	double now = (double)(ns_loop_now(env->loop) - env->t0) / 1e9;
	char bc[120];

	if (o->bugcheck_seen) {
		kd_bugcheck_text(&o->bugcheck, bc, sizeof(bc));
		g_string_append_printf(env->log, "%12.6f debugger: %s %s: %s\n",
				       now, who, o->bugcheck.boot_library ?
				       "failed to boot (boot library)" :
				       "bugchecked", bc);
	}
	if (o->event == KD_ENG_HELD && !s->held_at) {
		s->held_at = ns_loop_now(env->loop);
		g_string_append_printf(env->log, "%12.6f debugger: %s stopped at a "
				       "break; on_break = hold keeps it there and "
				       "ends the scenario (a person would attach "
				       "WinDbg now)\n", now, who);
	}
	/* real VMs only: a simulated run goes on to its timeout for nothing,
	 * and shows there that the OS never starts */
	if (o->note.waits && env->sc->dbg.kd_mode == KD_MODE_ACK_ONLY &&
	    !s->held_at && sc_has_real_vm(env->sc)) {
		s->held_at = ns_loop_now(env->loop);
		g_string_append_printf(env->log, "%12.6f debugger: %s waits for an "
				       "answer; kd = ack-only never gives one, so "
				       "it waits for good and the scenario ends\n",
				       now, who);
	}
}

/** sim_kd_cfg() - the scenario's [debugger] kd and on_break */
struct kd_engine_cfg sim_kd_cfg(const struct sim *s)
{
	return (struct kd_engine_cfg){ .mode = s->env.sc->dbg.kd_mode,
				       .on_break = s->env.sc->dbg.on_break };
}

