/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze.h - the wire-derived timeline and metrics of each debuggee
 *
 * Input is only captured frames and the harness events written into the
 * capture as packet comments ("power on ..."), never the simulated target's
 * own bookkeeping: `kdh analyze` on a tcpdump capture next to a real Windows
 * VM gives the same figures as a simulated run.
 */
#ifndef KDH_ANALYZE_H
#define KDH_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "netsim/capfile.h"
#include "kdh/kdnet/kd_api.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/pkt.h"

#define AN_NONE		UINT64_MAX	/* "never happened" timestamp */
#define AN_MAX_EVENTS	200		/* per target; the rest are counted */
#define AN_POWER_ON	"power on"	/* harness event comment prefix */

/*
 * Serial lines in a capture: interface "kdh-serial", LINKTYPE_USER1; each
 * record is one chunk of bytes as it arrived, after one byte that says
 * where from: link number * 2 + end (0 or 1).  The harness event
 * "serial link N END0 END1" (ends like "win:serial0" or "debugger") says
 * which ports link N joins.
 */
#define AN_SERIAL_IFACE	"kdh-serial"
#define AN_SERIAL_LINK	"serial link"
#define AN_MAX_SERIALS	4

enum an_outcome {
	AN_CONNECTED,
	AN_APIPA_AFTER_HANG,
	AN_NO_KDNET_TRAFFIC,
	AN_WRONG_NIC,
	AN_KEY_MISMATCH,
	AN_TIMEOUT,
	AN_VM_FAILED,
	AN_BUGCHECK,		/* connected; the guest bugchecked */
	AN_BREAK,		/* connected; the capture ends with the guest
				   stopped at a break nobody continued */
	AN_STALLED,		/* connected; the guest waits on a state change
				   (or FILE_IO, prompt) nobody answers */
	AN_NOT_VERIFIED,	/* no key given: KDNET seen, and the key
				   would decide (key-mismatch, timeout) */
};
#define AN_OUTCOME_LAST	AN_NOT_VERIFIED

/**
 * struct an_event - one line of a target's timeline
 * @t_ns:	capture timestamp
 * @text:	what happened
 */
struct an_event {
	uint64_t t_ns;
	char text[112];
};

/* A guest that waits this long for an answer, with nothing from the
 * debugger after its request, is stalled (one announcement interval: a
 * frozen guest's last data packet is its request, then announcements) */
#define AN_KD_STALL_NS		3000000000ull
#define AN_KD_LOG_MAX		20000	/* kd.log lines kept per target */

/**
 * struct an_kd_line - one line of kd.log
 * @t_ns:	capture time
 * @kind:	what it is (enum kd_note_kind)
 * @text:	kd_note_str() of the packet (owned, g_free)
 * @print:	KD_NOTE_PRINT: the DbgPrint text itself, cleaned (owned), for
 *		`dbgprint ~ REGEX`; NULL otherwise
 */
struct an_kd_line {
	uint64_t t_ns;
	int kind;
	char *text;
	char *print;
};

/**
 * struct an_kd - what the KD conversation of one debuggee said, from
 * verified data packets (KDNET) or checksummed packets (serial); the
 * figures of kd.log and result.json
 * @packets:	KD data packets (both ways); @malformed: bodies that did not
 *		parse (counted and skipped)
 * @state_changes: state changes of any kind
 * @modules_loaded: load-symbols state changes (not unloads)
 * @dbgprint_lines: DbgPrint packets
 * @breaks:	breakpoint and assertion exceptions (a bugcheck's break too)
 * @exceptions:	other exceptions reported
 * @file_opens:	FILE_IO CreateFile requests (.kdfiles)
 * @continues:	continues the debugger sent
 * @retransmits: data packets sent again (the same id from the same side),
 *		counted once
 * @has_version, @version: the first GetVersion reply
 * @bugcheck_seen, @bugcheck: a "Fatal System Error" text, and its numbers;
 *		@bugcheck_boot: it is the boot library's "Fatal Error" (winload
 *		gave up), not the kernel's bugcheck
 * @waiting:	at the capture's end the guest waits for an answer to
 *		@wait_what (a state change, prompt or FILE_IO request) sent at
 *		@wait_since_ns; @wait_break: the request is a break;
 *		@wait_reply: it asks for an answer (prompt, FILE_IO), not a
 *		continue
 * @wait_answered_ack: the debugger acknowledged the request (it is there,
 *		it only does not continue); @wait_worked: it sent more than
 *		ACKs (manipulate requests: it reads, but does not continue)
 * @wait_told:	the wait lasted AN_KD_STALL_NS and is in the timeline
 * @stalls:	waits that lasted AN_KD_STALL_NS or more
 * @events:	timeline lines the KD conversation added (bounded)
 * @last:	the last data packet from the debuggee [0] and the debugger
 *		[1], to know a retransmission
 * @log:	GArray of struct an_kd_line, the first AN_KD_LOG_MAX;
 *		@log_dropped counts the rest
 */
struct an_kd {
	unsigned packets, malformed;
	unsigned state_changes, modules_loaded, modules_unloaded, dbgprint_lines;
	unsigned breaks, exceptions, file_opens, continues;
	unsigned retransmits;
	bool has_version;
	struct kd_version version;
	bool bugcheck_seen, bugcheck_boot;
	struct kd_bugcheck bugcheck;
	bool waiting, wait_break, wait_answered_ack;
	bool wait_reply, wait_worked, wait_told;
	uint64_t wait_since_ns;
	char wait_what[112];
	unsigned stalls, events;
	struct {
		uint32_t id, checksum;
		uint16_t type, count;
		bool valid;
	} last[2];
	GArray *log;
	unsigned log_dropped;
};

/**
 * struct an_target - what the wire shows of one NIC (by MAC) that did DHCP,
 * RFC 3927 probing or sent KDNET as a debuggee.  Timestamps are AN_NONE
 * until seen.
 */
struct an_target {
	uint8_t mac[ETH_ALEN];
	uint64_t first_frame_ns;

	unsigned discovers, offers, requests, acks, naks;
	uint64_t first_discover_ns, ack_ns;	/* ack_ns: a lease it took */
	uint32_t dhcp_addr;
	uint64_t ack_pend_ns;		/* an ACK not yet taken, AN_NONE */
	uint32_t ack_pend_addr;
	unsigned acks_not_taken;	/* ACKs followed by DISCOVERs */

	unsigned probes, announcements;
	uint64_t first_probe_ns;
	uint32_t apipa_addr;
	unsigned arp_requests;
	uint32_t arp_last_asked;

	uint32_t ip;			/* KDNET source address */
	uint16_t port;
	uint32_t debugger_ip;
	uint16_t debugger_port;
	unsigned kdnet_sent, kdnet_verified, kdnet_failed, kdnet_received;
	unsigned ctl_failed;		/* control packets failing the base key */
	uint64_t first_kdnet_ns, reply_ns, connect_ns;
	uint64_t first_sent_ns;		/* first KDNET sent, verified or not */
	unsigned announce_sized;	/* control packets sent of an
					   announcement's size (no key needed) */
	GArray *announce_ns;		/* uint64_t: when each of them was sent */
	bool warned_auth;
	unsigned nokey[2];		/* data packets without session key:
					   [0] from the debuggee, [1] to it */
	uint64_t first_nokey_ns[2];
	unsigned bound_announces;	/* announcements naming a bound debugger */
	unsigned sessions;		/* debugger replies with a new key */
	unsigned reboots;		/* new boot nonce after the first */
	uint8_t boot_nonce[KDNET_NONCE_LEN - 2];
	bool has_boot_nonce;

	unsigned echo_replies;		/* ICMP echo replies to this MAC */
	unsigned arp_for_debugger;	/* ARP requests for the debugger's IP */
	bool archived;			/* an earlier boot of its VM */

	GArray *events;			/* struct an_event */
	unsigned events_dropped;

	struct an_kd kd;		/* the KD conversation after connecting */
};

#define AN_MAX_VMS	8
#define AN_VM_TIMELINE	32	/* events kept per VM in results */
#define AN_MAX_VM_NICS	32	/* Proxmox's net0 ... net31 (PVE_MAX_NETS) */
#define AN_VM_RESETS	16	/* serial KD RESETs kept per VM in results */

/**
 * struct an_vm_nic - a NIC as the harness's "power on" event names it
 */
struct an_vm_nic {
	char name[16];
	uint8_t mac[ETH_ALEN];
	char pci[16];
	char network[32];
};

/**
 * struct an_vm - a VM known from harness events (not from tcpdump)
 * @power_on_ns: its latest boot's "power on" event
 */
struct an_vm {
	char name[32];
	unsigned boots;
	uint64_t power_on_ns;
	uint64_t prev_power_on_ns;	/* the boot before, AN_NONE: none */
	char off_kind[8];		/* "power off" since the last boot:
					   guest, power; "" none */
	char boot_kind[8];		/* how the latest boot began: guest,
					   power, restart (no power off:
					   QEMU started again), "" first */
	struct an_vm_nic nics[AN_MAX_VM_NICS];
	size_t n_nics;
};

/**
 * struct an_vm_result - the design's metrics for one VM's latest boot,
 * times from its "power on"; absent durations are NAN
 */
struct an_vm_result {
	enum an_outcome outcome;
	char why[200];
	double connect_s, dhcp_phase_s, first_kdnet_s, logo_hang_s;
	unsigned discover_count;
	char address[IP_STRLEN];
	const char *address_source;
	bool has_debug_nic;
	struct an_vm_nic debug_nic;
	bool os_network;
	unsigned boots;
	double serial_connect_s;	/* KD over serial: reset exchange */
	char serial_port[12];		/* "serial0" when it spoke KD there */
	struct {
		double t;		/* s from the VM's power-on */
		bool from_vm;		/* else from the link's other end */
	} serial_resets[AN_VM_RESETS];	/* the first ones of this boot */
	unsigned n_serial_resets;
	unsigned serial_resets_sent, serial_resets_received;	/* all */
	double end_s;			/* the capture's last record */
	struct {
		bool seen;		/* KD data packets after connecting */
		unsigned modules_loaded, dbgprint_lines, breaks, exceptions,
			 file_opens;
		bool has_version;
		unsigned build;		/* GetVersion's MinorVersion */
		uint64_t kern_base;
		bool boot_debugger;	/* winload's, not the kernel's */
		bool bugcheck_seen;
		bool bugcheck_boot;	/* the boot library's Fatal Error */
		struct kd_bugcheck bugcheck;
		double stalled_s;	/* waited so long at the end; NAN */
		char waiting_on[112];	/* what it waits on; "" */
	} kd;				/* this boot's KD conversation */
	double prev_boot_s;		/* the boot before (< 0); NAN: none */
	char reboot[8];			/* this boot followed a "guest" or
					   "power" reboot, or a "restart"
					   without power off; "" first boot */
	struct {
		double t;		/* s from the VM's power-on */
		char text[72];
	} timeline[AN_VM_TIMELINE];
	unsigned n_timeline;
};

/**
 * struct an_metrics - design.md section 6, from one target
 * Absent durations are NAN.
 */
struct an_metrics {
	char mac[MAC_STRLEN];
	double dhcp_phase_s;
	unsigned discover_count;
	char address[IP_STRLEN];	/* "" when none */
	const char *address_source;	/* dhcp, static, apipa or NULL */
	double first_kdnet_s;		/* verified, else the first sent */
	bool first_kdnet_verified;	/* false: by its outer header only */
	double connect_s;
	double logo_hang_s;
	enum an_outcome outcome;
	bool mid_session;		/* connected before the capture began */
	char why[256];
};

struct analysis;

struct analysis *analysis_new(const uint8_t key[KDNET_KEY_LEN], uint16_t port);
void analysis_free(struct analysis *a);
void analysis_feed(struct analysis *a, const struct cap_frame *f);
void analysis_keep_duplicates(struct analysis *a, bool keep);
void analysis_keyless(struct analysis *a);
bool an_mid_session(const struct analysis *a, const struct an_target *t);
bool analysis_connected(const struct analysis *a);
uint64_t analysis_duplicates(const struct analysis *a);
uint64_t analysis_t0(const struct analysis *a);
bool analysis_has_power_on(const struct analysis *a);
uint64_t analysis_frames(const struct analysis *a, uint64_t *bad,
			 uint64_t *duration_ns);
size_t analysis_n_targets(const struct analysis *a);
const struct an_target *analysis_target(const struct analysis *a, size_t i);
const struct an_target *analysis_target_of(const struct analysis *a,
					   const uint8_t mac[ETH_ALEN]);
void an_metrics_compute(const struct analysis *a, const struct an_target *t,
			struct an_metrics *m);
const char *an_outcome_name(enum an_outcome o);
unsigned an_announce_between(const struct an_target *t, uint64_t after_ns,
			     uint64_t before_ns, uint64_t *first_ns,
			     uint64_t *last_ns);
void an_metrics_compute_from(const struct analysis *a, const struct an_target *t,
			     uint64_t t0, struct an_metrics *m);

/**
 * struct an_serial_info - one serial link over the whole capture
 * @end:	its ends as the "serial link" event names them
 * @bytes, @packets, @resets, @breakins, @noise: per direction (from end 0,
 *		from end 1); @noise counts bytes that were no KD packet
 * @connections: completed reset exchanges
 * @first_connect_ns: the first one (AN_NONE: never), @first_asker the
 *		end whose RESET it answered
 */
struct an_serial_info {
	char end[2][48];
	uint64_t bytes[2], noise[2];
	unsigned packets[2], resets[2], breakins[2];
	unsigned connections;
	uint64_t first_connect_ns;
	int first_asker;
};

bool analysis_serial(const struct analysis *a, size_t i,
		     struct an_serial_info *out);

/* analyze_vm.c: harness events and per-VM results */
void analysis_event(struct analysis *a, const char *comment, uint64_t now);
size_t analysis_n_vms(const struct analysis *a);
const struct an_vm *analysis_vm(const struct analysis *a, size_t i);
int analysis_vm_result(const struct analysis *a, const char *vm,
		       struct an_vm_result *r);
const struct an_kd *analysis_vm_kd(const struct analysis *a, const char *vm);

/* analyze_kd_outcome.c: a debuggee's KD conversation in words (kdh
 * analyze, results, kdh watch) */
uint64_t analysis_end_ns(const struct analysis *a);
int an_kd_bugcheck_str(const struct an_kd *kd, char *out, size_t len);
double an_kd_waited_s(const struct an_kd *kd, uint64_t end_ns);
bool an_kd_stalled(const struct an_kd *kd, uint64_t end_ns);
void an_kd_wait_text(const struct an_kd *kd, uint64_t end_ns, const char *who,
		     char *out, size_t len);
void an_kd_outcome(const struct an_target *t, uint64_t end_ns,
		   enum an_outcome *o, char *why, size_t len);

/* analyze_cmd.c: kdh analyze's text report, which kdh watch ends with */
void analyze_report_text(FILE *out, const struct analysis *a, const char *file,
			 const char *format, bool has_key);

#endif /* KDH_ANALYZE_H */
