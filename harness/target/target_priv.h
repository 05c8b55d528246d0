/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target_priv.h - the simulated debuggee's parts, shared by target.c
 * (lifecycle, NIC choice), target_addr.c (DHCP, RFC 3927, static),
 * target_kdnet.c (KDNET client), target_serial.c (KD on a COM port),
 * target_kd.c (what Windows' KD does once connected, on either) and
 * target_log.c (their diagnostic lines).  Not a public header. */
#ifndef KDH_TARGET_PRIV_H
#define KDH_TARGET_PRIV_H

#include "netsim/dhcp_client.h"
#include "netsim/host.h"
#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kd_stream.h"
#include "netsim/switch.h"
#include "kdh/target/target.h"

/* RFC 3927 section 9 constants */
#define APIPA_PROBE_WAIT	(1 * NS_PER_S)
#define APIPA_PROBE_NUM		3
#define APIPA_PROBE_MIN		(1 * NS_PER_S)
#define APIPA_PROBE_MAX		(2 * NS_PER_S)
#define APIPA_ANNOUNCE_WAIT	(2 * NS_PER_S)
#define APIPA_ANNOUNCE_NUM	2
#define APIPA_ANNOUNCE_INTERVAL	(2 * NS_PER_S)

/**
 * struct target_kd_link - how KD packets reach the debugger (a transport)
 * @send:	one packet, header fields and body (@len 0: a control packet)
 * @first_id:	the debuggee's first packet id, and its id after a RESET
 * @next_id:	the id of the next data packet (the banner took one)
 * @toggle:	ids toggle bit 0 (serial); else they go up by 2 (KDNET)
 */
struct target_kd_link {
	void (*send)(void *opaque, uint32_t leader, uint16_t type, uint32_t id,
		     const uint8_t *body, uint16_t len);
	uint32_t first_id, next_id;
	bool toggle;
};

/**
 * struct target_kd_ops - what target_kd tells the model
 * @boot_done:	the last boot driver was continued: the OS may start
 * @halted:	a bugcheck was continued: the guest writes its dump and
 *		reboots; the model ends this boot there
 * @log:	a diagnostic line
 */
struct target_kd_ops {
	void (*boot_done)(void *opaque);
	void (*halted)(void *opaque);
	void (*log)(void *opaque, const char *msg);
};

struct target_kd;

struct target_kd *target_kd_new(struct ns_loop *l,
				const struct target_config *cfg,
				const struct target_kd_ops *ops, void *opaque);
void target_kd_free(struct target_kd *kd);
void target_kd_start(struct target_kd *kd, const struct target_kd_link *link,
		     uint64_t power_on_ns, bool loads);
void target_kd_stop(struct target_kd *kd);
void target_kd_input(struct target_kd *kd, const struct kd_packet *p);
bool target_kd_started(const struct target_kd *kd);
bool target_kd_finished(const struct target_kd *kd);
bool target_kd_halted(const struct target_kd *kd);

struct target {
	struct ns_loop *loop;
	struct target_config cfg;
	struct target_env_ops ops;
	void *opaque;
	enum target_phase phase;
	bool bound;			/* KDNET worked once: sticky binding */
	unsigned boot;

	/* the NIC KDNET (and then the OS) uses, and its small IP stack */
	int nic;			/* index into nics[], -1 none */
	struct target_nic nics[TARGET_MAX_NICS];
	size_t n_nics;
	struct ns_switch *stack_sw;	/* host node <-> uplink to the NIC */
	struct ns_port *uplink;
	struct ns_host *host;

	/* address phase */
	struct ns_dhcp_client *dhcp;
	uint32_t apipa_ip;
	unsigned apipa_step;
	bool apipa_conflict;

	/* KDNET */
	struct kdnet_cipher *cipher;
	uint32_t ann_counter;
	uint8_t nonce[KDNET_NONCE_LEN];
	uint16_t nonce_seq;
	uint32_t data_seq;
	bool have_key, acked, debugio_sent;

	/* KD over a COM port (target_serial.c) */
	struct kd_stream *kd_in;
	uint64_t kd_reset_at;
	unsigned kd_resets;
	uint32_t kd_id;
	bool kd_synced, kd_acked;

	/* what KD does once connected (target_kd.c) */
	struct target_kd *kd;
	uint64_t power_on_ns;

	/* OS phase: due at os_at_ns; held while the KD boot waits */
	uint64_t os_at_ns;
	bool os_started, os_held;
	unsigned os_pings_sent;
	bool os_done;

	struct ns_timer *boot_timer, *addr_timer, *kdnet_timer, *os_timer;
	struct ns_timer *serial_timer;
	uint8_t buf[2048];		/* a datagram opened */
	uint8_t tx[2048];		/* a datagram sealed */
};

/* target_log.c: a diagnostic line (never measured) */
void target_log(struct target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void target_addr_start(struct target *t);
void target_addr_stop(struct target *t);
void target_addr_timer(void *opaque);
void target_addr_sniff(struct target *t, const uint8_t *frame, size_t len);
void target_address_ready(struct target *t);
void target_debugger_connected(struct target *t,
			       const struct target_kd_link *link);
int target_kdnet_start(struct target *t);
void target_kdnet_stop(struct target *t);
void target_kdnet_timer(void *opaque);
int target_serial_start(struct target *t);
void target_serial_stop(struct target *t);
void target_serial_timer(void *opaque);

#endif /* KDH_TARGET_PRIV_H */
