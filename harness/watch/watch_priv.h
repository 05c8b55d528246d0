/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch_priv.h - the parts of `kdh watch`, shared by watch_cmd.c (options,
 * the run and its end), watch_setup.c (what to watch, the opening lines),
 * watch_debugger.c (bcdedit's debugger and key, --key), watch_story.c,
 * watch_rules.c and watch_verdict.c (the live rules, the verdict) and
 * watch_capture.c (libpcap on live interfaces).  Not a public header.
 *
 * Times are nanoseconds of the wall clock (CLOCK_REALTIME, as libpcap
 * stamps frames and pcapng stores them); a replayed capture's are its own.
 */
#ifndef KDH_WATCH_PRIV_H
#define KDH_WATCH_PRIV_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdh/analyze/analyze.h"
#include "kdh/platform/check.h"
#include "kdh/platform/pve.h"
#include "netsim/capfile.h"
#include "netsim/loop.h"

#define WATCH_MAX_IFACES	PVE_MAX_NETS	/* every tap of a VM */
#define WATCH_MAX_MACS		8		/* --mac */
#define WATCH_MAX_NICS		(PVE_MAX_NETS + WATCH_MAX_MACS)
#define WATCH_SILENCE_NS	(60 * NS_PER_S)	/* default --silence */
#define WATCH_TICK_NS		NS_PER_S	/* the silence rule's clock */
#define WATCH_CONFIG_DIR	"/etc/pve/qemu-server"
#define WATCH_PID_DIR		"/var/run/qemu-server"	/* VMID.pid */
#define WATCH_FILTER_LEN	8192		/* 40 MACs, ~100 bytes each */
#define WATCH_KEY_CLI		"given with --key"	/* watch_vm.key_from */
#define WATCH_KEY_BCDEDIT	"bcdedit's"

enum watch_until {
	WATCH_UNTIL_NONE,		/* a signal, --for, the VM gone */
	WATCH_UNTIL_CONNECTED,
	WATCH_UNTIL_HANG,		/* any problem diagnosed */
	WATCH_UNTIL_ANY,		/* connected or a problem */
};

/**
 * struct watch_opts - the command line, checked
 * @vm:		VMID or VMCONF, NULL with --iface alone
 * @replay:	hidden --replay FILE: frames from a capture, not live
 * @pid_dir:	where VMID.pid is (hidden --pid-dir, for tests)
 */
struct watch_opts {
	const char *vm;
	const char *config_dir;
	const char *ifaces[WATCH_MAX_IFACES];
	size_t n_ifaces;
	uint8_t macs[WATCH_MAX_MACS][ETH_ALEN];
	size_t n_macs;
	const char *bcdedit;
	const char *key;		/* --key text, NULL when not given */
	enum check_network net;
	const char *pcap;
	uint64_t for_ns;		/* 0: no limit */
	enum watch_until until;
	uint64_t silence_ns;
	const char *replay;
	const char *pid_dir;
	const char *windows;		/* --windows text, NULL: from ostype */
};

/**
 * struct watch_nic - a NIC of the watched VM
 * @name:	"net1", or "" for a MAC given with --mac
 * @index:	N of netN
 * @pci:	b.d.f as the guest enumerates it (busparams), "" unknown
 * @iface:	its tap on the host, "" unknown
 */
struct watch_nic {
	char name[16];
	unsigned index;
	uint8_t mac[ETH_ALEN];
	char model[24];
	char pci[16];
	char bridge[32];
	char iface[IF_NAMESIZE];
	bool firewall;
};

/**
 * struct watch_vm - what kdh watch knows before the first frame
 * @vmid:	0 when unknown
 * @debug_nic:	index in @nics of the NIC KDNET will use (kdh check's
 *		choice), -1 when unknown
 * @hostip:	the debugger's address from bcdedit, 0 unknown
 * @key_from:	WATCH_KEY_CLI, WATCH_KEY_BCDEDIT or NULL (no key: nothing
 *		is verified)
 * @qemu_start_ns: when the VM's QEMU process started (its pid file),
 *		AN_NONE when unknown
 */
struct watch_vm {
	unsigned vmid;
	struct watch_nic nics[WATCH_MAX_NICS];
	size_t n_nics;
	int debug_nic;
	char ifaces[WATCH_MAX_IFACES][IF_NAMESIZE];
	size_t n_ifaces;
	uint32_t hostip;
	uint16_t port;
	bool port_known;		/* bcdedit's, not KDNET's default */
	uint8_t key[KDNET_KEY_LEN];
	const char *key_from;
	bool key_differs;		/* --key is not bcdedit's key */
	uint64_t silence_ns;
	uint64_t qemu_start_ns;
	unsigned qemu_pid;
};

/**
 * struct watch_static - the VM config and bcdedit settings, and what kdh
 * check finds in them (the opening lines)
 */
struct watch_static {
	char conf_path[512];		/* "" without a config */
	struct vmconf conf;
	bool has_bcd;
	struct dbgsettings bcd;
	struct finding f[CHECK_MAX_FINDINGS];
	size_t n_findings;
};

/**
 * struct watch_event - a harness event kdh watch records, as kdh run does
 */
struct watch_event {
	uint64_t ts_ns;
	char text[4096];	/* power on with 32 NICs, ~90 characters each */
};

/* watch_debugger.c */
int watch_debugger_take(const struct watch_opts *o, const struct watch_static *st,
			struct watch_vm *vm);
void watch_debugger_print(FILE *out, const struct watch_opts *o,
			  const struct watch_vm *vm);

/* watch_setup.c */
int watch_setup(const struct watch_opts *o, struct watch_static *st,
		struct watch_vm *vm);
int watch_ifaces_exist(const struct watch_vm *vm);
uint64_t watch_qemu_start(unsigned vmid, const char *pid_dir, unsigned *pid);
void watch_filter_build(const struct watch_vm *vm, char *buf, size_t len);
size_t watch_events(const struct watch_vm *vm, uint64_t now_ns,
		    struct watch_event *ev, size_t max);
void watch_opening_print(FILE *out, const struct watch_opts *o,
			 const struct watch_static *st, const struct watch_vm *vm,
			 const char *filter, uint64_t now_ns);
const struct watch_nic *watch_nic_of(const struct watch_vm *vm,
				     const uint8_t mac[ETH_ALEN]);

/* watch_story.c */
struct watch_story;
struct watch_story *watch_story_new(const struct watch_vm *vm,
				    const struct analysis *a, FILE *out,
				    uint64_t start_ns);
void watch_story_free(struct watch_story *s);
void watch_story_frame(struct watch_story *s, const struct cap_frame *f,
		       const char *iface);
void watch_story_tick(struct watch_story *s, uint64_t now_ns);
void watch_story_note(struct watch_story *s, uint64_t now_ns, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));
bool watch_story_done(const struct watch_story *s, enum watch_until until);
int watch_story_end(const struct watch_story *s, bool until);

/* watch_capture.c */
struct watch_capture;
typedef void (*watch_frame_fn)(void *opaque, const struct cap_frame *f,
			       size_t iface);
typedef void (*watch_gone_fn)(void *opaque, size_t iface, const char *why);
int watch_capture_open(struct watch_capture **out, struct ns_loop *l,
		       const struct watch_vm *vm, const char *filter,
		       watch_frame_fn frame, watch_gone_fn gone, void *opaque,
		       char *err, size_t errlen);
uint16_t watch_capture_linktype(const struct watch_capture *c, size_t iface);
size_t watch_capture_open_count(const struct watch_capture *c);
uint64_t watch_capture_dropped(const struct watch_capture *c);
void watch_capture_close(struct watch_capture *c);

/* `kdh watch` (watch_cmd.c), named in its messages */
struct kdh_cmd;
extern const struct kdh_cmd kdh_cmd_watch;

#endif /* KDH_WATCH_PRIV_H */
