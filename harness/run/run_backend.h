/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_backend.h - the backends behind one table: what the runner (run.c)
 * gives a backend, what a backend may ask of the runner, and the table of
 * operations each backend fills in
 *
 * May use: scenario.h, run.h, kd_engine.h, netsim's loop and capture.
 * Used by: run.c (the runner) and the five backends, which include it
 * and nothing else of the runner's (not run_priv.h):
 *   run_switch.c	networks as netsim switches, the in-process debugger
 *   run_bridge.c	networks as Linux bridges, the debugger on a socket
 *   run_sim.c		simulated debuggees (target.c) on those networks
 *   run_vm.c		debuggees in QEMU (the qemu backend)
 *   run_serial.c	serial links and the serial debugger
 * and run_debugger.c, the network debugger switch and bridge both run.
 *
 * Theory of operation, in the manner of libslirp's SlirpCb: the runner
 * fills a struct run_env (the scenario, the loop, the capture, where the
 * log and the error go) and a struct run_cb (what a backend may ask of
 * the runner, with its opaque), then builds one network backend (switch
 * or bridge), the sim and qemu backends, then serial.  A backend needing
 * another's part asks the runner through run_cb, which passes the
 * question to whichever backend is in use: a debuggee NIC asks where it
 * plugs in (cb->net_attach), the serial backend asks where a QEMU serves
 * serialN (cb->serial_socket).  A Proxmox host or a cloud would be one
 * more file filling in this table.
 */
#ifndef KDH_RUN_BACKEND_H
#define KDH_RUN_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kdh/debugger/kd_engine.h"
#include "kdh/run/run.h"
#include "kdh/scenario/scenario.h"
#include "netsim/loop.h"
#include "netsim/pcapng.h"

/* Where a debuggee's NIC plugs in (cb->net_attach) */
struct run_nic {
	struct ns_switch *sw;	/* the NIC's network as a netsim switch */
	int tap_fd;		/* a QEMU NIC on a bridge: its tap, else -1 */
};

/**
 * struct run_cb - what a backend may ask of the runner (@opaque first)
 * @event:		a harness event for the capture ("debugger ...")
 * @power_on:		"power on VM boot=N nic=... ostype=X [extra]"
 * @kd_said:		what a debuggee told a debugger's KD engine
 * @debugger_listening:	whether WinDbg opened its network port yet
 * @kd_connected:	debuggees the network (@serial: the serial)
 *			debugger has a KD connection with
 * @net_attach:		where NIC @nic of VM @vm plugs in
 * @serial_socket:	the unix socket a QEMU serves VM @vm's serial@port
 *			on, into @path (@len bytes)
 * @serial_send:	bytes from a simulated end onto its serial link; @vm
 *			is an int, not a size_t like the other VM indexes,
 *			because the debugger's end is SC_DEBUGGER (-1)
 * @serial_input:	bytes a serial link brings a simulated VM's port
 */
struct run_cb {
	void (*event)(void *opaque, const char *text);
	void (*power_on)(void *opaque, size_t vm, unsigned boot,
			 const char *ostype, const char *extra);
	void (*kd_said)(void *opaque, const char *who,
			const struct kd_engine_out *o);
	bool (*debugger_listening)(void *opaque);
	uint64_t (*kd_connected)(void *opaque, bool serial);
	int (*net_attach)(void *opaque, size_t vm, size_t nic,
			  struct run_nic *out);
	int (*serial_socket)(void *opaque, size_t vm, unsigned port,
			     char *path, size_t len);
	void (*serial_send)(void *opaque, int vm /* or SC_DEBUGGER */,
			    unsigned port, const uint8_t *buf, size_t len);
	void (*serial_input)(void *opaque, size_t vm, unsigned port,
			     const uint8_t *buf, size_t len);
};

/**
 * struct run_env - what every backend is given, filled in before the
 * first build and alive until the last free
 * @sc:		the scenario
 * @opts:	the run's options (the accelerator cache)
 * @results:	the scenario's result (a QEMU VM fills its vms[] entry)
 * @loop:	the scenario's loop and clock
 * @t0:		the loop's time at the start
 * @dir:	the scenario's results directory
 * @cap:	capture.pcapng; each backend adds its frames and interfaces
 *		as it builds
 * @log:	target.log's text
 * @err:	the scenario's error (@err_len bytes)
 * @skip:	a requirement found unmet while running (@skip_len bytes)
 * @err_len:	@err's size
 * @skip_len:	@skip's size
 * @kd:		the scenario's [debugger] kd and on_break
 * @cb:		the runner's callbacks, called with @opaque
 * @opaque:	the runner's, for @cb
 */
struct run_env {
	const struct scenario *sc;
	const struct run_opts *opts;
	struct scenario_result *results;
	struct ns_loop *loop;
	uint64_t t0;
	const char *dir;
	struct ns_pcapng *cap;
	GString *log;
	char *err, *skip;
	size_t err_len, skip_len;
	struct kd_engine_cfg kd;
	const struct run_cb *cb;
	void *opaque;
};

/**
 * struct run_backend_ops - one backend, for one of the runner's four
 * parts; it fills in what its part needs and may leave the rest NULL
 * @name:	"switch", "bridge", "sim", "qemu", "serial" (in the error of a
 *		table that lacks an op)
 * @real_clock:	time: whether the scenario needs the real clock with
 *		this backend (the loop is real if any backend says so)
 * @build:	make the backend's state (*@b, set even on failure so that
 *		@free undoes half-built state); 0 or a negative errno with
 *		env->err (or env->skip) set where there is a reason
 * @vm_add:	a debuggee backend: build VM @vm, one of its kind
 * @attach:	a network backend: where NIC @nic of VM @vm plugs in
 * @serial_socket: a debuggee backend whose VMs serve their serial ports
 *		on unix sockets (qemu): VM @vm's serial@port's, into @path
 *		(@len bytes); 0 or a negative errno
 * @settled:	a debuggee backend: VM @vm has nothing more to do
 * @kd_connected: a debugger's backend: debuggees it has KD with
 * @serial_send: the serial backend: bytes from a simulated end, @vm or
 *		SC_DEBUGGER (hence an int: see struct run_cb)
 * @serial_input: the sim backend: bytes for a simulated VM's port
 * @free:	undo @build; idempotent, copes with NULL
 *
 * The ops a part needs (run.c checks them before the first build, and a
 * table missing one ends the scenario as ERROR naming backend and op):
 *   network (switch, bridge):	build, attach, kd_connected, free
 *   debuggees in this process (sim):
 *				build, vm_add, settled, serial_input, free
 *   debuggees in processes of their own (qemu):
 *				build, vm_add, settled, serial_socket, free
 *   serial links (serial):	build, serial_send, kd_connected, free
 * real_clock is optional everywhere (NULL: the virtual clock will do).
 */
struct run_backend_ops {
	const char *name;
	bool (*real_clock)(const struct scenario *sc, const struct run_opts *o);
	int (*build)(const struct run_env *env, void **b);
	int (*vm_add)(void *b, size_t vm);
	int (*attach)(void *b, size_t vm, size_t nic, struct run_nic *out);
	int (*serial_socket)(void *b, size_t vm, unsigned port, char *path,
			     size_t len);
	bool (*settled)(void *b, size_t vm);
	uint64_t (*kd_connected)(void *b);
	void (*serial_send)(void *b, int vm /* or SC_DEBUGGER */, unsigned port,
			    const uint8_t *buf, size_t len);
	void (*serial_input)(void *b, size_t vm, unsigned port,
			     const uint8_t *buf, size_t len);
	void (*free)(void *b);
};

/* The network debugger both network backends run (run_debugger.c) */
struct debugger;
typedef void (*run_debugger_send_fn)(void *opaque, uint32_t ip, uint16_t port,
				     const uint8_t *dgram, size_t len);

struct run_debugger {
	const struct run_env *env;
	struct debugger *dbg;		/* the KDNET endpoint, debugger.c */
	run_debugger_send_fn send;	/* the backend's way to a debuggee */
	void *opaque;			/* for @send */
};

int run_debugger_open(struct run_debugger *rd, const struct run_env *env,
		      run_debugger_send_fn send, void *opaque);
void run_debugger_announce(const struct run_debugger *rd);
void run_debugger_input(struct run_debugger *rd, uint32_t ip, uint16_t port,
			const uint8_t *data, size_t len);
uint64_t run_debugger_connected(const struct run_debugger *rd);
void run_debugger_close(struct run_debugger *rd);

extern const struct run_backend_ops run_switch_ops, run_bridge_ops,
	run_sim_ops, run_qemu_ops, run_serial_ops;

#endif /* KDH_RUN_BACKEND_H */
