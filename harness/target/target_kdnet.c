// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kdnet.c - the debuggee's KDNET client
 *
 * Theory of operation (kdnet-protocol.md section 5.3): once the debug NIC
 * has an address, an announcement goes to hostip:port every 3 s (counter
 * +3 each time, nonce counter +1), ARP for the host happening underneath
 * in the NIC's stack.  A debugger reply that verifies with K and echoes our
 * nonce gives the data key (a newer reply, sent because ours did not get
 * through, replaces it until the debugger has acknowledged us); then the
 * first data packet (8 zero bytes and
 * the debugger's IPv4 address) and a KD_DEBUG_IO print ("BD: Boot Debugger
 * Initialized"), resent with each announcement until the debugger
 * acknowledges it.  Then every KD packet goes to target_kd.c, which plays
 * the kernel's part (its ids go on from the banner's 0: 2, 4, ...).
 * Announcements go on during the session, as on a real debuggee, until
 * a bugcheck ends the boot.  A successful connection sets the sticky
 * "bound" state.
 */
#include <string.h>

#include "harness/target/target_priv.h"
#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kd_api.h"

static const char boot_banner[] = "BD: Boot Debugger Initialized\n";

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void seal_send(struct target *t, uint8_t channel, uint32_t counter,
		      const uint8_t *payload, size_t len)
{
	struct kdnet_packet p = { .version = t->cfg.kdnet_version,
		.channel = channel, .counter = counter, .payload = payload,
		.payload_len = len };
	int n = kdnet_seal(t->cipher, &p, t->tx, sizeof(t->tx));

	if (n > 0)
		ns_host_udp_send(t->host, t->cfg.port, t->cfg.host_ip, t->cfg.port,
				 t->tx, (size_t)n);
}

/* target_kd's link: one KD packet in a data datagram */
static void kd_send(void *opaque, uint32_t leader, uint16_t type, uint32_t id,
		    const uint8_t *body, uint16_t len)
{
	struct target *t = opaque;
	uint8_t pkt[KD_HDR_LEN + KD_MANIP_LEN + KD_CONTEXT_LEN];
	int n = kd_packet_build(leader, type, id, body, len, 0, pkt, sizeof(pkt));

	if (n > 0)
		seal_send(t, KDNET_CH_DATA, ++t->data_seq, pkt, (size_t)n);
}

static void announce(struct target *t)
{
	struct kdnet_announce a = { .debuggee_ip = ns_host_addr(t->host),
		.debuggee_port = t->cfg.port, .debugger_ip = t->cfg.host_ip,
		.debugger_port = t->cfg.port };
	uint8_t body[KDNET_ANNOUNCE_LEN];

	t->ann_counter += 3;
	t->nonce_seq++;
	t->nonce[0] = (uint8_t)t->nonce_seq;
	t->nonce[1] = (uint8_t)(t->nonce_seq >> 8);
	memcpy(a.nonce, t->nonce, KDNET_NONCE_LEN);
	if (t->have_key) {	/* bound: the debugger's address, as Windows */
		a.third_ip = t->cfg.host_ip;
		a.third_port = t->cfg.port;
	}
	kdnet_announce_build(&a, body);
	seal_send(t, KDNET_CH_CONTROL, t->ann_counter, body, sizeof(body));
}

static void debug_io_send(struct target *t)
{
	uint8_t body[16 + sizeof(boot_banner)], pkt[KD_HDR_LEN + sizeof(body)];
	int b = kd_print_body(boot_banner, body, sizeof(body));
	int n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 0, body,
				(uint16_t)b, 0, pkt, sizeof(pkt));

	seal_send(t, KDNET_CH_DATA, ++t->data_seq, pkt, (size_t)n);
	t->debugio_sent = true;
}

static void session_start(struct target *t, const struct kdnet_packet *p)
{
	uint8_t kd[KDNET_KEY_LEN], first[12] = { 0 };
	struct kdnet_reply r;

	if (kdnet_reply_parse(p->payload, p->payload_len, &r) ||
	    memcmp(r.debuggee_nonce, t->nonce, KDNET_NONCE_LEN) ||
	    kdnet_data_key(t->cfg.key, p->payload, p->payload_len, kd) ||
	    kdnet_cipher_set_data_key(t->cipher, kd) < 0)
		return;
	t->have_key = true;
	put_le32(first + 8, t->cfg.host_ip);
	seal_send(t, KDNET_CH_DATA, ++t->data_seq, first, sizeof(first));
	debug_io_send(t);
}

static void kdnet_rx(void *opaque, const uint8_t mac[6], uint32_t sip,
		     uint16_t sport, uint16_t dport, const uint8_t *data,
		     size_t len)
{
	struct target *t = opaque;
	struct kdnet_packet p;
	struct kd_payload pl;

	if (sip != t->cfg.host_ip || sport != t->cfg.port ||
	    kdnet_open(t->cipher, data, len, t->buf, sizeof(t->buf), &p) ||
	    !p.from_debugger)
		return;
	if (p.channel == KDNET_CH_CONTROL) {
		if (!t->acked &&
		    kdnet_ctl_kind(p.payload, p.payload_len) == KDNET_CTL_REPLY)
			session_start(t, &p);
		return;
	}
	if (kd_payload_parse(p.payload, p.payload_len, &pl) ||
	    pl.kind != KD_PAYLOAD_PACKET)
		return;
	if (t->acked) {
		target_kd_input(t->kd, &pl.pkt);
		return;
	}
	if (pl.pkt.type == KD_TYPE_RESEND) {
		debug_io_send(t);	/* WinDbg asks for it again at once */
		return;
	}
	if (pl.pkt.type == KD_TYPE_ACKNOWLEDGE && pl.pkt.id == 0) {
		static const struct target_kd_link link = { .send = kd_send,
			.first_id = 0, .next_id = 2 };

		t->acked = true;
		t->bound = true;
		t->phase = TP_CONNECTED;
		target_log(t, "debugger connected");
		target_debugger_connected(t, &link);
	}
}

/** target_kdnet_timer() - announce, and resend an unacknowledged print;
 * silent once a bugcheck ended the boot */
void target_kdnet_timer(void *opaque)
{
	struct target *t = opaque;

	if (target_kd_halted(t->kd))
		return;
	announce(t);
	if (t->have_key && !t->acked)
		debug_io_send(t);
	ns_timer_mod(t->kdnet_timer, ns_loop_now(t->loop) +
		     t->cfg.timing.announce_ns);
}

/**
 * target_kdnet_start() - start announcing to hostip:port
 * @t:		target whose debug NIC has an address
 *
 * Return: 0, or -1 when OpenSSL or the port binding failed
 */
int target_kdnet_start(struct target *t)
{
	struct ns_rng *r = ns_loop_rng(t->loop);

	t->cipher = kdnet_cipher_new(t->cfg.key);
	if (!t->cipher ||
	    ns_host_udp_bind(t->host, t->cfg.port, kdnet_rx, t))
		return -1;
	for (int i = 0; i < KDNET_NONCE_LEN; i++)
		t->nonce[i] = (uint8_t)ns_rng_next(r);
	t->ann_counter = 0;
	t->nonce_seq = 0;
	t->data_seq = 0;
	t->have_key = t->acked = t->debugio_sent = false;
	target_kdnet_timer(t);
	return 0;
}

/**
 * target_kdnet_stop() - stop announcing and forget the session (power off)
 * @t:		target
 */
void target_kdnet_stop(struct target *t)
{
	ns_timer_del(t->kdnet_timer);
	if (t->host)
		ns_host_udp_unbind(t->host, t->cfg.port);
	kdnet_cipher_free(t->cipher);
	t->cipher = NULL;
}
