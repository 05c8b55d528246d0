/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target_priv.h - the simulated debuggee's parts, shared by target.c
 * (lifecycle, NIC choice), target_addr.c (DHCP, RFC 3927, static) and
 * target_kdnet.c (KDNET client).  Not a public header. */
#ifndef KDH_TARGET_PRIV_H
#define KDH_TARGET_PRIV_H

#include "netsim/dhcp_client.h"
#include "netsim/host.h"
#include "kdh/kd_stream.h"
#include "netsim/switch.h"
#include "kdh/target.h"

/* RFC 3927 section 9 constants */
#define APIPA_PROBE_WAIT	(1 * NS_PER_S)
#define APIPA_PROBE_NUM		3
#define APIPA_PROBE_MIN		(1 * NS_PER_S)
#define APIPA_PROBE_MAX		(2 * NS_PER_S)
#define APIPA_ANNOUNCE_WAIT	(2 * NS_PER_S)
#define APIPA_ANNOUNCE_NUM	2
#define APIPA_ANNOUNCE_INTERVAL	(2 * NS_PER_S)

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

	/* OS phase */
	unsigned os_pings_sent;
	bool os_done;

	struct ns_timer *boot_timer, *addr_timer, *kdnet_timer, *os_timer;
	struct ns_timer *serial_timer;
	uint8_t buf[2048];
};

void target_log(struct target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void target_addr_start(struct target *t);
void target_addr_stop(struct target *t);
void target_addr_timer(void *opaque);
void target_addr_sniff(struct target *t, const uint8_t *frame, size_t len);
void target_address_ready(struct target *t);
int target_kdnet_start(struct target *t);
void target_kdnet_stop(struct target *t);
void target_kdnet_timer(void *opaque);
int target_serial_start(struct target *t);
void target_serial_stop(struct target *t);
void target_serial_timer(void *opaque);

#endif /* KDH_TARGET_PRIV_H */
