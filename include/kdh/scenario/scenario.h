/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenario.h - scenario files: Proxmox-like VM lines, bcdedit-like debug
 * settings, networks, and expectations on the measured metrics
 *
 * A scenario is an INI file (`key = value` or Proxmox's `key: value`).
 * Every key has a default; anything unknown or malformed is an error that
 * names the file and line, and nothing runs.  The key table is in
 * docs/scenarios.md.
 */
#ifndef KDH_SCENARIO_H
#define KDH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/debugger/kd_engine.h"
#include "kdh/platform/pve.h"
#include "netsim/switch.h"
#include "kdh/target/target.h"
#include "kdh/platform/vmconf.h"

#define SC_MAX_NETWORKS	8
#define SC_MAX_VMS	8
#define SC_MAX_NETS	PVE_MAX_NETS	/* net0 ... net31, as Proxmox */
#define SC_MAX_EXPECT	32
#define SC_MAX_GROUPS	8
#define SC_NAME		32
/* a result's name: a scenario's name (SC_FULL_NAME), "/c" and a
 * cell index of up to 8 digits (MX_HARD_MAX is 16M) */
#define SC_FULL_NAME	64
#define SC_CELL_NAME	(SC_FULL_NAME + 2 + 8 + 1)
#define SC_MAX_SERIALS	4	/* serialN ports per VM, and links */
#define SC_DEBUGGER	(-1)	/* a serial link end that is the debugger */

struct sc_network {
	char name[SC_NAME];
	bool dhcp;
	uint32_t network, netmask;
	uint32_t gateway;		/* 0: none (static) / slirp's default */
	int line;			/* its [network NAME] header */
	int subnet_line, gateway_line;	/* 0: not given */
};

/**
 * struct sc_pipe - a .vmx serialN on a named pipe (scenario_vmx.c), for
 * the VM<->VM pair: the debugger VM's client of the debuggee's server
 * @present:	the port is there and its fileType is pipe
 * @server:	pipe.endPoint = "server"
 * @name:	fileName (\\.\pipe\com_1), compared case-insensitively
 * @line:	its fileName line in the .vmx (or the port's, without one)
 * @printer:	the port is the wizard's printer (fileName "thinprint")
 */
struct sc_pipe {
	bool present;
	bool server;
	char name[256];
	int line;
	bool printer;
};

struct sc_debugger {
	char network[SC_NAME];
	uint32_t ip;			/* 0: the first VM's hostip */
	uint16_t port;			/* 0: the first VM's port */
	bool has_key;
	uint8_t key[KDNET_KEY_LEN];
	uint8_t mac[6];
	bool has_mac;
	bool apipa_route;
	struct ns_faults faults;
	uint64_t start_ns;		/* WinDbg opens its port (serial);
					   never: DURATION_MAX_NS */
	enum kd_engine_mode kd_mode;	/* kd = continue | ack-only */
	enum kd_on_break on_break;	/* on_break = continue | hold */
	int line;
	int ip_line;
	int start_line;			/* 0: start not given */
	int vmx_line;			/* vmx = FILE: the debugger VM */
	char vmx_file[256];		/* as opened, for messages */
	struct sc_pipe pipe[SC_MAX_SERIALS];
};

/**
 * struct sc_serial - "serial = link vmA:serial0 vmB:serial0|debugger [baud:N]"
 * @vm:		each end's VM index, or SC_DEBUGGER
 * @port:	each end's serialN (0 for the debugger)
 * @baud:	the line's speed (115200)
 */
struct sc_serial {
	int vm[2];
	unsigned port[2];
	char end[2][SC_NAME + 8];
	unsigned baud;
	int line;
};

/**
 * struct sc_vm - a [vm NAME] section
 * @conf:	its Proxmox lines, as in <vmid>.conf (every qemu-server key is
 *		accepted; those KDNET depends on feed the argv and the model),
 *		or what vmx_to_vmconf() made of its .vmx (@vmx_line)
 * @nets:	conf's netN lines in file order (a copy, for the runner; a
 *		.vmx's ethernetN is netN)
 * @ostype, @memory, @cores: copies of conf's
 * @vmx_line:	`vmx = FILE`, or the first pasted .vmx line: the VM is a
 *		VMware one (scenario_vmx.c), 0 for a Proxmox VM
 * @vmx_file:	the .vmx as opened (the scenario's own name for pasted
 *		lines), for messages
 * @vmx_pasted:	the lines are pasted in the section
 * @pipe:	its serialN on named pipes
 * @vmx_com:	COM(n+1)'s serialN (vmx_com_port()), -1 for none
 */
struct sc_vm {
	struct vmconf conf;
	char name[SC_NAME];
	char ostype[16];
	struct pve_net nets[SC_MAX_NETS];
	int net_line[SC_MAX_NETS];
	size_t n_nets;
	struct target_config tc;
	int models_line;		/* kdnet_nics given: overrides windows */
	bool serial[SC_MAX_SERIALS];	/* serialN: socket */
	int serial_line[SC_MAX_SERIALS];
	uint64_t power_on_ns;
	uint64_t reboot_ns;		/* 0: none */
	enum { SC_REBOOT_POWER, SC_REBOOT_GUEST } reboot_kind;
	char reboot_ostype[16];		/* "" keeps the ostype */
	struct ns_faults faults;
	bool real;			/* target = vm: QEMU, agent or image */
	char image[256];		/* a user's disk image ("" = agent) */
	int image_line;
	unsigned memory, cores;
	int line;
	int power_on_line, reboot_line, ip_line;
	int gateway_line, dbgsettings_line, os_ping_line;
	int timing_line[6];		/* kdnet_init, dhcp_jitter, dhcp_give_up,
					   announce, os_boot, driver_load */
	int break_line, assert_line, bugcheck_line;
	int dbgprint_line[TARGET_MAX_DBGPRINTS];
	int vmx_line;
	char vmx_file[256];
	bool vmx_pasted;
	struct sc_pipe pipe[SC_MAX_SERIALS];
	int vmx_com[SC_MAX_SERIALS];
	char busparams_auto;		/* busparams = right 'r' / wrong 'w':
					   resolved by scenario_check() */
	int busparams_line;
};

enum sc_metric {
	M_OUTCOME, M_CONNECT_TIME, M_DHCP_PHASE, M_DISCOVER_COUNT, M_ADDRESS,
	M_ADDRESS_SOURCE, M_DEBUG_NIC, M_FIRST_KDNET, M_LOGO_HANG,
	M_OS_NETWORK, M_BOOTS, M_SERIAL_CONNECT_TIME,
	/* what the guest said over KD (struct an_vm_result's kd) */
	M_MODULES_LOADED, M_DBGPRINT_LINES, M_BREAKS, M_EXCEPTIONS, M_BUGCHECK,
	M_DBGPRINT, M_N_METRICS
};

/* OP_MATCH, OP_NOMATCH: "~" and "!~", a DbgPrint line matches @re */
enum sc_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_WITHIN, OP_MATCH,
	     OP_NOMATCH };

/**
 * struct sc_expect - "[vm.]metric op value"
 * @vm:		VM name ("" when the scenario has one VM)
 * @none:	the value is "none": the figure must not exist
 * @num, @num2:	numbers (durations in seconds); @num2 for within
 * @str:	text values (outcome, address, ...); a bugcheck code as
 *		"0x000000D1"
 * @re:		~ and !~: the regular expression (GRegex syntax; it compiled
 *		when the line was parsed)
 */
struct sc_expect {
	char vm[SC_NAME];
	enum sc_metric metric;
	enum sc_op op;
	bool none;
	double num, num2;
	char str[48];
	char re[256];
	char text[256];
	int line;
};

/**
 * struct sc_threshold - how far a figure may move from the baseline
 * ("+20% or +2s": up by the larger of the two; "±10%": both ways)
 */
struct sc_threshold {
	enum sc_metric metric;
	bool up, down;
	double up_pct, up_abs, down_pct, down_abs;
	char text[48];
	int line;
};

#define SC_MAX_THRESHOLDS	8

struct scenario {
	char name[SC_FULL_NAME];
	char file[256];
	char description[256];
	char groups[SC_MAX_GROUPS][24];
	size_t n_groups;
	char requires[4][16];
	size_t n_requires;
	uint64_t timeout_ns;
	int timeout_line;
	uint64_t seed;			/* when has_seed; else the run's */
	bool has_seed;
	char backend[8];		/* "user", "bridge", "" (the run's) */
	struct sc_network nets[SC_MAX_NETWORKS];
	size_t n_nets;
	struct sc_debugger dbg;
	struct sc_serial serials[SC_MAX_SERIALS];
	size_t n_serials;
	struct sc_vm vms[SC_MAX_VMS];
	size_t n_vms;
	struct sc_expect expects[SC_MAX_EXPECT];
	size_t n_expects;
	struct sc_threshold thresholds[SC_MAX_THRESHOLDS];
	size_t n_thresholds;
	uint64_t hash;			/* of the file's text */
	unsigned index;			/* position in the whole suite */
	/* a cell of a [matrix] (matrix.h): @name is the file's scenario name,
	 * the cell is @cell_label ("machine=q35,bios=ovmf"), results go in
	 * NAME/c@cell_index; @oracle: expect = check */
	bool is_cell;
	size_t cell_index;
	char cell_label[256];
	bool oracle;
};

int scenario_parse(const char *file, const char *text, struct scenario *sc,
		   char *err, size_t errlen);
int scenario_load(const char *path, struct scenario *sc, char *err,
		  size_t errlen);
const char *sc_metric_name(enum sc_metric m);
const struct sc_network *sc_network_find(const struct scenario *sc,
					 const char *name);
size_t sc_net_index(const struct scenario *sc, const char *name);
bool sc_in_group(const struct scenario *sc, const char *group);
unsigned sc_vm_vmid(size_t vm);
bool sc_has_real_vm(const struct scenario *sc);

/**
 * struct sc_value - a measured figure, for sc_expect_eval()
 * @present:	the figure exists
 * @num:	durations in seconds, counts; dbgprint: the lines matched
 * @str:	words; dbgprint: the first line matched
 * @lines:	dbgprint: the DbgPrint lines looked at
 */
struct sc_value {
	bool present;
	double num;
	char str[48];
	unsigned lines;
};

/* expect.c */
int sc_expect_parse(const struct scenario *sc, const char *line,
		    struct sc_expect *e, char *err, size_t errlen);
bool sc_expect_eval(const struct sc_expect *e, const struct sc_value *v,
		    char *why, size_t len);
void sc_value_str(const struct sc_expect *e, const struct sc_value *v,
		  char *buf, size_t len);
bool sc_metric_is_number(enum sc_metric m);
bool sc_metric_is_count(enum sc_metric m);
/* expect_sense.c */
int sc_expect_sense(const struct scenario *sc, size_t i, char *err,
		    size_t errlen);
int sc_metric_from_name(const char *name);
int sc_threshold_parse(const char *metric, const char *text,
		       struct sc_threshold *t, char *err, size_t errlen);

/* The built-in suite (scenarios/, compiled in) */
struct builtin_scenario {
	const char *name;		/* file name, e.g. seed-dhcp-hang.kdh */
	const char *text;
};
extern const struct builtin_scenario builtin_scenarios[];
extern const size_t n_builtin_scenarios;
/* The files built-in scenarios name (the .vmx files of scenarios/vmware/), by
 * their path under scenarios/: "vmware/win10-nat.vmx" */
extern const struct builtin_scenario builtin_files[];
extern const size_t n_builtin_files;

#endif /* KDH_SCENARIO_H */
