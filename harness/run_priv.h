/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_priv.h - the runner's state, shared by run.c (simulated debuggees)
 * and run_vm.c (debuggees in QEMU).  Not a public header. */
#ifndef KDH_RUN_PRIV_H
#define KDH_RUN_PRIV_H

#include <glib.h>

#include "kdh/debugger.h"
#include "kdh/debugger_serial.h"
#include "netsim/host.h"
#include "netsim/pcapng.h"
#include "kdh/run.h"
#include "netsim/slirp_node.h"
#include "kdh/target.h"

#define SETTLE_GRACE	(5 * NS_PER_S)

struct sim;
struct vm_real;

struct sim_vm {
	struct sim *sim;
	const struct sc_vm *cfg;
	struct target *t;		/* simulated; NULL for target = vm */
	struct vm_real *real;		/* QEMU; NULL when simulated */
	struct ns_port *ports[SC_MAX_NETS];
	char ostype[16];
	unsigned boots;
	struct ns_timer *power, *reboot;
};

/* A frame for the VM arrives on one of its ports */
struct nic_port {
	struct sim_vm *vm;
	unsigned nic;
};

/* One scenario serial link: a simulated line when both ends are in this
 * process, else a relay to the real VM's socket(s) (run_serial.c) */
struct sim_serial {
	struct sim *sim;
	unsigned idx;
	const struct sc_serial *cfg;
	struct ns_serial *line;
	struct ns_relay *relay;
};

struct sim {
	const struct scenario *sc;
	const struct run_opts *opts;
	struct scenario_result *results;
	struct ns_loop *loop;
	uint64_t t0;
	char dir[600];			/* this scenario's results directory */
	struct ns_switch *sw[SC_MAX_NETWORKS];
	struct ns_slirp *slirp[SC_MAX_NETWORKS];
	struct ns_host *dbg_host;
	struct debugger *dbg;
	struct ns_pcapng *cap;
	int serial_iface;		/* kdh-serial in the capture, -1 none */
	struct sim_serial serials[SC_MAX_SERIALS];
	struct dbg_serial *dbg_serial;
	struct sim_bridge *bridge;	/* the bridge backend, NULL: user */
	struct ns_timer *dbg_serial_start;
	struct ns_timer *dbg_net_start;	/* [debugger] start: WinDbg opened */
	bool dbg_net_open;		/* network debugger listening */
	struct sim_vm vms[SC_MAX_VMS];
	struct ns_timer *check;
	struct ns_timer *tick;		/* run_opts.tick, real clock only */
	uint64_t settled_at;
	uint64_t held_at;		/* a guest waits for good: a break
					   held, or kd = ack-only */
	GString *log;
	char err[300];
	bool kept;			/* err is a budget that kept the capture
					   readable: it is analysed */
	char skip[400];			/* a requirement found unmet while running */
};

void sim_event(struct sim *s, const char *text);
void sim_kd_said(struct sim *s, const char *who, const struct kd_engine_out *o);
struct kd_engine_cfg sim_kd_cfg(const struct sim *s);
bool sim_debugger_listening(const struct sim *s);
void sim_power_on_event(struct sim_vm *v, const char *extra);

/* run_switch.c */
int networks_build(struct sim *s);
int debugger_build(struct sim *s);

/* run_sim.c */
int vm_build(struct sim *s, size_t i, struct nic_port *np);

/* run_vm.c */
int run_vm_build(struct sim_vm *v);
bool run_vm_settled(struct sim_vm *v);
void run_vm_free(struct sim_vm *v);
int run_vm_serial_path(const struct sim_vm *v, unsigned port, char *out,
		       size_t len);

/* run_requires.c */
bool run_requires_unmet(const struct scenario *sc, const struct run_opts *o,
			char *why, size_t len);

/* run_stop.c */
void run_budgets_set(struct sim *s, const struct run_opts *o);
void run_test_pause(const struct run_opts *o);

/* run_bridge.c */
struct sim_bridge;
int run_bridge_build(struct sim *s);
int run_bridge_vm_taps(struct sim_vm *v, unsigned vmid, int fds[PVE_MAX_NETS]);
void run_bridge_free(struct sim *s);

/* run_serial.c */
int run_serial_build(struct sim *s);
void run_serial_free(struct sim *s);
void run_serial_send(struct sim *s, int vm, unsigned port, const uint8_t *buf,
		     size_t len);
bool run_serial_connected(const struct sim *s);

#endif /* KDH_RUN_PRIV_H */
