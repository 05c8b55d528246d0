// SPDX-License-Identifier: GPL-2.0-or-later
/* run_debugger.c - the network debugger (WinDbg's end of KDNET) as both
 * network backends run it in this process: its KD engine set from the
 * scenario, what its debuggees said passed to the runner, its "debugger"
 * event, the debuggees it has a KD connection with
 *
 * The backends differ only in how its datagrams travel: run_switch.c on
 * a netsim host, run_bridge.c on a real UDP socket.  Each hands its
 * sender to run_debugger_open() and what arrives to run_debugger_input().
 *
 * May use: run_backend.h (the runner through env->cb), debugger.c.
 * Used by: run_switch.c and run_bridge.c.
 */
#include <errno.h>
#include <stdio.h>

#include "harness/run/run_backend.h"
#include "kdh/debugger/debugger.h"

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct run_debugger *rd = opaque;

	rd->send(rd->opaque, ip, port, d, len);
}

/* what a debuggee ("IP:port") told the engine goes to the runner */
static void dbg_kd(void *opaque, uint32_t ip, uint16_t port,
		   const struct kd_engine_out *o, uint64_t now)
{
	struct run_debugger *rd = opaque;
	char who[32], a[IP_STRLEN];

	snprintf(who, sizeof(who), "%s:%u", ip_str(ip, a), port);
	rd->env->cb->kd_said(rd->env->opaque, who, o);
}

/**
 * run_debugger_open() - make the scenario's network debugger
 * @rd:		where it lives (in the backend's state)
 * @env:	the backend's run_env (the key, the loop's rng, [debugger] kd)
 * @send:	sends a datagram from the debugger to @ip:@port
 * @opaque:	for @send
 *
 * Return: 0, or -ENOMEM (run_debugger_close() undoes half of it)
 */
int run_debugger_open(struct run_debugger *rd, const struct run_env *env,
		      run_debugger_send_fn send, void *opaque)
{
	static const struct debugger_ops ops = { .send = dbg_send, .kd = dbg_kd };

	*rd = (struct run_debugger){ .env = env, .send = send, .opaque = opaque };
	rd->dbg = debugger_new(env->sc->dbg.key, ns_loop_rng(env->loop), &ops,
			       rd);
	if (!rd->dbg || debugger_set_kd(rd->dbg, &env->kd, env->loop))
		return -ENOMEM;
	return 0;
}

/**
 * run_debugger_announce() - the capture's "debugger NETWORK IP:PORT"
 * event, once the debugger has its place
 * @rd:		debugger
 */
void run_debugger_announce(const struct run_debugger *rd)
{
	const struct sc_debugger *d = &rd->env->sc->dbg;
	char text[96], ip[IP_STRLEN];

	snprintf(text, sizeof(text), "debugger %s %s:%u", d->network,
		 ip_str(d->ip, ip), d->port);
	rd->env->cb->event(rd->env->opaque, text);
}

/**
 * run_debugger_input() - a datagram for the debugger, dropped until WinDbg
 * opened its port ([debugger] start)
 * @rd:		debugger
 * @ip:		sender's address (host order)
 * @port:	sender's port
 * @data:	the datagram (@len bytes)
 * @len:	its length
 */
void run_debugger_input(struct run_debugger *rd, uint32_t ip, uint16_t port,
			const uint8_t *data, size_t len)
{
	const struct run_env *env = rd->env;

	if (env->cb->debugger_listening(env->opaque))
		debugger_input(rd->dbg, ip, port, data, len,
			       ns_loop_now(env->loop));
}

/**
 * run_debugger_connected() - debuggees the debugger has a KD connection
 * with (a network backend's kd_connected)
 * @rd:		debugger
 *
 * Return: their number
 */
uint64_t run_debugger_connected(const struct run_debugger *rd)
{
	return debugger_stats(rd->dbg)->connected;
}

/**
 * run_debugger_close() - free the debugger; copes with a half-made one
 * @rd:		debugger
 */
void run_debugger_close(struct run_debugger *rd)
{
	debugger_free(rd->dbg);
	rd->dbg = NULL;
}
