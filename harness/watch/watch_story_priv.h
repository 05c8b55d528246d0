/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch_story_priv.h - the story's state, shared by watch_story.c (lines,
 * frames, time), watch_rules.c (the rules about one NIC, and ARP),
 * watch_kd.c (the rules about its KD conversation) and watch_verdict.c
 * (the last line).  Not a public header. */
#ifndef KDH_WATCH_STORY_PRIV_H
#define KDH_WATCH_STORY_PRIV_H

#include <glib.h>

#include "harness/watch/watch_priv.h"

#define LATE_START_NS		(10 * NS_PER_S)	/* the watch began well after */
#define ARP_TABLE		16

enum rule { R_DHCP, R_APIPA, R_ANNOUNCE, R_KEY, R_CONNECTED, R_BUGCHECK,
	    R_SETTINGS };
#define SAID(r)			(1u << (r))
#define REARMED			(SAID(R_ANNOUNCE) | SAID(R_KEY) | SAID(R_CONNECTED) | \
				 SAID(R_SETTINGS))

/* What has been told of one analysis target (same index) */
struct told {
	unsigned said;			/* SAID() bits */
	unsigned sent;			/* its kdnet_sent at the last look */
	uint64_t first_sent_ns;		/* of this boot */
	unsigned sent_base, recv_base;	/* counts before this boot */
	unsigned reboots, sessions;	/* at the last reboot line */
	uint64_t boot_ns;		/* that line's time, AN_NONE */
	unsigned stalls_told;		/* KD waits told (watch_kd.c) */
	uint64_t stall_since_ns;	/* the last one's start */
};

/* ARP requests from a VM NIC for one address */
struct arp_ask {
	uint8_t mac[ETH_ALEN];
	uint32_t tpa;
	unsigned n;
	uint64_t first_ns, last_ns;
	bool answered, told;
};

struct watch_story {
	const struct watch_vm *vm;
	const struct analysis *a;	/* what the story reads */
	FILE *out;
	uint64_t start_ns;		/* the watch's */
	uint64_t first_ns;		/* the VM's first frame, AN_NONE */
	uint64_t last_ns;		/* the latest frame or tick */
	uint64_t frames;
	GArray *told;			/* struct told, by target index */
	GHashTable *index;		/* const struct an_target * -> index+1 */
	struct arp_ask arp[ARP_TABLE];
	unsigned problems;
	char first_problem[160];	/* in a few words, for the verdict */
	/* this boot's: a new "power on" resets them (watch_story_boot()) */
	unsigned boots;			/* "power on" events seen */
	uint64_t power_on_ns;		/* the latest one's, AN_NONE */
	uint64_t boot_frame_ns;		/* the VM's first frame since, AN_NONE */
	unsigned boot_problems;		/* problems told before this boot */
	bool silence_told;
	bool kdnet_seen;		/* a KDNET packet from the VM */
	bool connected;			/* the latest word on the VM */
	char settings_differ[160];	/* the guest runs other settings than
					   the bcdedit file's: for the verdict */
};

/* watch_story.c */
void story_say(struct watch_story *s, uint64_t t_ns, const char *fix,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void story_problem(struct watch_story *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool story_vm_mac(const struct watch_story *s, const uint8_t mac[ETH_ALEN]);
const char *story_label(const struct watch_story *s, const uint8_t mac[ETH_ALEN],
			char buf[MAC_STRLEN]);
const char *story_nic_name(const struct watch_story *s,
			   const uint8_t mac[ETH_ALEN], char buf[48]);
const char *story_network(const struct watch_story *s,
			  const uint8_t mac[ETH_ALEN]);
bool story_debug_candidate(const struct watch_story *s,
			   const struct an_target *t);
uint64_t story_vm_start(const struct watch_story *s, uint64_t now);

/* watch_settings.c */
void story_settings_rule(struct watch_story *s, const struct an_target *t,
			 struct told *k, uint64_t now);

/* watch_rules.c */
void story_evaluate(struct watch_story *s, size_t i, uint64_t now);
struct told *story_told(struct watch_story *s, size_t i);
void story_arp_take(struct watch_story *s, const struct arp_view *arp,
		    uint64_t now);

/* watch_kd.c */
void story_kd_rules(struct watch_story *s, const struct an_target *t,
		    struct told *k, uint64_t now);
void story_kd_tick(struct watch_story *s, uint64_t now);

#endif /* KDH_WATCH_STORY_PRIV_H */
