/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze_priv.h - the analysis state, shared by analyze.c (frames),
 * analyze_model.c (the records all of them write), analyze_vm.c (harness
 * events, per-VM results) and the files of each concern (KDNET, the address
 * phase, serial links, the KD conversation).  Not a public header. */
#ifndef KDH_ANALYZE_PRIV_H
#define KDH_ANALYZE_PRIV_H

#include "kdh/analyze/analyze.h"
#include "kdh/kdnet/kdnet_decoder.h"

struct an_serial;

struct an_flow {			/* who spoke first on a KDNET flow */
	struct kdnet_endpoint debuggee, debugger;
};

/* Data packets without session key on a flow not yet oriented (a capture
 * started mid-session): [0] sent by key.debuggee's end, [1] by the other */
struct an_nokey {
	struct an_flow key;		/* endpoints in a fixed order */
	unsigned n[2];
	uint64_t first_ns[2];
	uint8_t mac[2][ETH_ALEN];
};

#define AN_RECENT		64		/* frames kept for duplicates */
#define AN_DUP_WINDOW_NS	10000000ull	/* 10 ms */

struct an_recent {
	uint64_t hash;
	size_t len;
	uint64_t t_ns;
};

struct analysis {
	struct kdnet_decoder *dec;
	struct an_vm vms[AN_MAX_VMS];
	size_t n_vms;
	char dbg_network[32];
	uint32_t dbg_ip;		/* from the "debugger" event, 0 if none */
	uint16_t port;
	uint64_t frames, bad_frames;
	uint64_t first_ns, last_ns, power_on_ns;
	GPtrArray *targets;		/* struct an_target *, all boots */
	GHashTable *open;		/* MAC -> its current boot's target */
	GHashTable *flows;		/* struct an_flow * (key = value) */
	GHashTable *nokey;		/* struct an_flow -> struct an_nokey */
	struct an_serial *serials[AN_MAX_SERIALS];
	struct an_recent recent[AN_RECENT];
	size_t recent_next;
	bool keep_duplicates;
	bool keyless;			/* no key given: failures prove nothing */
	uint64_t duplicates;
};

/* analyze_model.c: the records every taker writes (analysis_t0() and the
 * other public accessors are in analyze.h) */
struct an_target *analysis_open_target(const struct analysis *a,
				       const uint8_t mac[ETH_ALEN]);
void analysis_archive_mac(struct analysis *a, const uint8_t mac[ETH_ALEN]);
struct an_target *an_target_get(struct analysis *a, const uint8_t mac[ETH_ALEN],
				uint64_t now);
void an_event_add(struct an_target *t, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* analyze_outcome.c: the outcome word and its why */
void an_outcome_compute(const struct analysis *a, const struct an_target *t,
			struct an_metrics *m);

/* analyze_kdnet.c */
void an_kdnet_take(struct analysis *a, const struct frame_view *v, uint64_t now);

/* analyze_addr.c: the address phase (DHCP, RFC 3927, ARP) */
void an_arp_take(struct analysis *a, const struct arp_view *arp, uint64_t now);
void an_dhcp_take(struct analysis *a, const struct udp_view *udp, uint64_t now);
void an_addr_used(struct an_target *t, uint32_t src_ip, uint64_t now);
uint64_t an_lease_ns(const struct an_target *t, uint64_t end_ns, uint32_t *addr,
		     bool *undecided);
bool analysis_vm_nic_known(const struct analysis *a,
			   const uint8_t mac[ETH_ALEN]);

/* analyze_kd.c: the KD conversation of a debuggee */
void an_kd_take(struct an_kd *kd, const struct kd_packet *p,
		bool from_debugger, uint64_t now, struct an_target *t);
void an_kd_clock(struct an_kd *kd, uint64_t now, struct an_target *t);
void an_kd_restart(struct an_kd *kd, bool rebooted);
void an_kd_free(struct an_kd *kd);

/* analyze_kd_outcome.c: what it means for the outcome (the words are
 * in analyze.h) */
void an_kd_judge(const struct an_kd *kd, uint64_t end_ns, const char *who,
		 enum an_outcome *o, char *why, size_t len);
void an_kd_vm_result(const struct an_kd *kd, uint64_t end_ns,
		     struct an_vm_result *r);

/* analyze_serial.c */
struct an_serial;
void an_serial_event(struct analysis *a, const char *rest);
void an_serial_power_on(struct analysis *a, const char *vm);
int an_serial_frame(struct analysis *a, const struct cap_frame *f);
void an_serial_free(struct analysis *a);
void an_serial_vm_result(const struct analysis *a, const struct an_vm *v,
			 struct an_vm_result *r);
const struct an_kd *an_serial_vm_kd(const struct analysis *a,
				    const struct an_vm *v);

#endif /* KDH_ANALYZE_PRIV_H */
