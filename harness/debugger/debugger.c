// SPDX-License-Identifier: GPL-2.0-or-later
/* debugger.c - the debugger host's side of KDNET
 *
 * Theory of operation, per debuggee endpoint (kdnet-protocol.md section 5):
 *   announcement (control, K)  -> reply: echo counter and nonce, 32 random
 *                                 bytes; Kd = SHA-256(K | reply body)
 *   later announcements        -> a new reply (to the new nonce, so a new
 *                                 Kd) until a data packet verified: a lost
 *                                 reply must not deadlock the handshake;
 *                                 ignored once connected (the debuggee keeps
 *                                 sending them every 3 s), unless the nonce's
 *                                 fixed 30 bytes changed: the debuggee
 *                                 rebooted, and a new session starts
 *   data packet (Kd)           -> the first one marks the connection; every
 *                                 KD packet goes to the session's KD engine
 *                                 (kd_engine.c: KD_RESEND first, as WinDbg,
 *                                 then acknowledgements and the answers that
 *                                 keep the guest running), whose packets are
 *                                 sealed with Kd and sent back
 * The reply copies the announcement's outer version byte, as WinDbg does.
 * A new session (a reboot, a lost reply) starts a new KD conversation.
 * With a loop (debugger_set_kd()), one timer sends an unacknowledged
 * packet of any session again when its engine says so.
 *
 * Wing harness/debugger/ (docs/development.md): the debugger host's side
 *   and its KD engine; kdh listen, kdh serial-link.
 * Uses: netsim/, util/, kdnet/, cmd/, analyze/.
 * Used by: scenario/, run/, bench/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/debugger/debugger.h"
#include "kdh/kdnet/kd.h"
#include "kdh/debugger/kd_engine.h"

struct dbg_session {
	uint32_t ip;
	uint16_t port;
	struct kdnet_cipher *c;
	uint8_t version;
	uint8_t boot_nonce[KDNET_NONCE_LEN - 2];	/* fixed for a boot */
	uint32_t tx_seq;
	bool connected;
	uint64_t connected_at;
	struct kd_engine kd;		/* the KD conversation */
};

struct rejected_src {
	uint32_t ip;
	uint16_t port;
};

struct debugger {
	uint8_t key[KDNET_KEY_LEN];
	struct kdnet_cipher *ctl;
	struct ns_rng *rng;
	struct debugger_ops ops;
	void *opaque;
	struct dbg_session s[DBG_MAX_SESSIONS];
	size_t n;
	struct rejected_src rej[DBG_MAX_SESSIONS];
	size_t n_rej;
	struct debugger_stats st;
	struct kd_engine_cfg kd_cfg;
	struct ns_loop *loop;
	struct ns_timer *resend;	/* the engines' deadlines */
	struct kd_engine_out kd_out;
	uint8_t plain[KDNET_MAX_DGRAM], out[KD_HDR_LEN + KD_ENGINE_BODY_MAX + 256];
	uint8_t kd_pkt[KD_HDR_LEN + KD_ENGINE_BODY_MAX];
};

/**
 * debugger_new() - an endpoint for key K
 * @key:	K
 * @rng:	source of the reply nonces (the run's RNG)
 * @ops:	send and event callbacks (copied)
 * @opaque:	passed to them
 *
 * Return: endpoint, or NULL on allocation or OpenSSL failure
 */
struct debugger *debugger_new(const uint8_t key[KDNET_KEY_LEN],
			      struct ns_rng *rng,
			      const struct debugger_ops *ops, void *opaque)
{
	struct debugger *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	memcpy(d->key, key, KDNET_KEY_LEN);
	d->ctl = kdnet_cipher_new(key);
	if (!d->ctl) {
		free(d);
		return NULL;
	}
	d->rng = rng;
	d->ops = *ops;
	d->opaque = opaque;
	return d;
}

/**
 * debugger_free() - release the endpoint
 * @d:		endpoint, may be NULL
 */
void debugger_free(struct debugger *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		kdnet_cipher_free(d->s[i].c);
	kdnet_cipher_free(d->ctl);
	ns_timer_free(d->resend);
	free(d);
}

/** debugger_stats() - counters */
const struct debugger_stats *debugger_stats(const struct debugger *d)
{
	return &d->st;
}

static struct dbg_session *session_find(struct debugger *d, uint32_t ip,
					uint16_t port)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->s[i].ip == ip && d->s[i].port == port)
			return &d->s[i];
	return NULL;
}

/**
 * debugger_connected() - whether (and when) a debuggee connected
 * @d:		endpoint
 * @ip, @port:	debuggee endpoint
 * @at_ns:	output, may be NULL
 *
 * Return: true once a data packet from it verified
 */
bool debugger_connected(const struct debugger *d, uint32_t ip, uint16_t port,
			uint64_t *at_ns)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->s[i].ip == ip && d->s[i].port == port && d->s[i].connected) {
			if (at_ns)
				*at_ns = d->s[i].connected_at;
			return true;
		}
	return false;
}

static void emit(struct debugger *d, enum dbg_event_kind k, uint32_t ip,
		 uint16_t port, uint64_t now)
{
	struct dbg_event ev = { k, ip, port, now };

	if (d->ops.event)
		d->ops.event(d->opaque, &ev);
}

static void reject(struct debugger *d, uint32_t ip, uint16_t port,
		   uint64_t now)
{
	d->st.rejected++;
	for (size_t i = 0; i < d->n_rej; i++)
		if (d->rej[i].ip == ip && d->rej[i].port == port)
			return;
	if (d->n_rej < DBG_MAX_SESSIONS)
		d->rej[d->n_rej++] = (struct rejected_src){ ip, port };
	emit(d, DBG_EV_REJECTED, ip, port, now);
}

static void send_packet(struct debugger *d, struct kdnet_cipher *c,
			uint32_t ip, uint16_t port, const struct kdnet_packet *p)
{
	int n = kdnet_seal(c, p, d->out, sizeof(d->out));

	if (n > 0)
		d->ops.send(d->opaque, ip, port, d->out, (size_t)n);
}

static void announce_take(struct debugger *d, uint32_t ip, uint16_t port,
			  const struct kdnet_packet *p, uint64_t now)
{
	struct dbg_session *s = session_find(d, ip, port);
	struct kdnet_announce a;
	struct kdnet_reply r;
	uint8_t body[KDNET_REPLY_LEN], kd[KDNET_KEY_LEN];
	struct kdnet_packet reply = { .version = p->version,
		.channel = KDNET_CH_CONTROL, .counter = p->counter,
		.from_debugger = true, .payload = body,
		.payload_len = sizeof(body) };

	d->st.announces++;
	if (kdnet_announce_parse(p->payload, p->payload_len, &a))
		return;
	if (s && kdnet_cipher_has_data_key(s->c)) {
		bool same_boot = !memcmp(s->boot_nonce, a.nonce + 2,
					 sizeof(s->boot_nonce));

		if (same_boot && s->connected)
			return;		/* announcements go on, no reply */
		s->connected = false;	/* ours was lost, or a reboot */
		kd_engine_init(&s->kd, &d->kd_cfg);
		s->tx_seq = 0;
	}
	if (!s) {
		if (d->n == DBG_MAX_SESSIONS)
			return;
		s = &d->s[d->n];
		*s = (struct dbg_session){ .ip = ip, .port = port };
		kd_engine_init(&s->kd, &d->kd_cfg);
		s->c = kdnet_cipher_new(d->key);
		if (!s->c)
			return;
		d->n++;
		d->st.sessions++;
		emit(d, DBG_EV_ANNOUNCE, ip, port, now);
	}
	memcpy(s->boot_nonce, a.nonce + 2, sizeof(s->boot_nonce));
	memcpy(r.debuggee_nonce, a.nonce, KDNET_NONCE_LEN);
	for (int i = 0; i < KDNET_NONCE_LEN; i += 8) {
		uint64_t v = ns_rng_next(d->rng);

		memcpy(r.debugger_nonce + i, &v, 8);
	}
	kdnet_reply_build(&r, body);
	if (kdnet_data_key(d->key, body, sizeof(body), kd) ||
	    kdnet_cipher_set_data_key(s->c, kd) < 0)
		return;
	s->version = p->version;
	d->st.replies++;
	send_packet(d, d->ctl, ip, port, &reply);
}

/* What the engine returned: sealed and sent, then told to the owner */
static void kd_send(struct debugger *d, struct dbg_session *s,
		    const struct kd_engine_out *o, uint64_t now)
{
	struct kdnet_packet out = { .version = s->version,
		.channel = KDNET_CH_DATA, .from_debugger = true,
		.payload = d->kd_pkt };

	for (unsigned i = 0; i < o->n; i++) {
		const struct kd_out_packet *p = &o->pkt[i];
		int n = kd_packet_build(p->leader, p->type, p->id, p->body, p->len,
					0, d->kd_pkt, sizeof(d->kd_pkt));

		if (n <= 0)
			continue;
		out.payload_len = (size_t)n;
		out.counter = ++s->tx_seq;
		d->st.data_tx++;
		send_packet(d, s->c, s->ip, s->port, &out);
	}
	if (d->ops.kd && (o->note.kind != KD_NOTE_NONE || o->event != KD_ENG_NONE))
		d->ops.kd(d->opaque, s->ip, s->port, o, now);
}

/* Arm the resend timer for the earliest engine deadline */
static void resend_arm(struct debugger *d)
{
	uint64_t due = UINT64_MAX;

	if (!d->resend)
		return;
	for (size_t i = 0; i < d->n; i++) {
		uint64_t t = kd_engine_deadline(&d->s[i].kd);

		due = t < due ? t : due;
	}
	if (due == UINT64_MAX)
		ns_timer_del(d->resend);
	else
		ns_timer_mod(d->resend, due);
}

static void resend_cb(void *opaque)
{
	struct debugger *d = opaque;
	uint64_t now = ns_loop_now(d->loop);

	for (size_t i = 0; i < d->n; i++) {
		struct dbg_session *s = &d->s[i];

		if (kd_engine_deadline(&s->kd) > now)
			continue;
		kd_engine_timer(&s->kd, now, &d->kd_out);
		kd_send(d, s, &d->kd_out, now);
	}
	resend_arm(d);
}

/**
 * debugger_set_kd() - how the sessions' KD engines answer, and the loop
 * whose timer resends what the debuggee did not acknowledge
 * @d:		endpoint (before any debuggee announced)
 * @cfg:	engine settings (copied); the default is KD_MODE_CONTINUE,
 *		KD_BREAK_CONTINUE
 * @loop:	the owner's loop, NULL: no resends
 *
 * Return: 0, or -ENOMEM
 */
int debugger_set_kd(struct debugger *d, const struct kd_engine_cfg *cfg,
		    struct ns_loop *loop)
{
	d->kd_cfg = *cfg;
	d->kd_cfg.serial = false;
	if (loop && !d->resend) {
		d->loop = loop;
		d->resend = ns_timer_new(loop, resend_cb, d);
		if (!d->resend)
			return -ENOMEM;
	}
	return 0;
}

static void data_take(struct debugger *d, struct dbg_session *s,
		      const struct kdnet_packet *p, uint64_t now)
{
	struct kd_payload pl;

	d->st.data_rx++;
	if (!s->connected) {
		s->connected = true;
		s->connected_at = now;
		d->st.connected++;
		emit(d, DBG_EV_CONNECTED, s->ip, s->port, now);
	}
	if (kd_payload_parse(p->payload, p->payload_len, &pl) ||
	    pl.kind != KD_PAYLOAD_PACKET)
		return;
	kd_engine_input(&s->kd, &pl.pkt, now, &d->kd_out);
	kd_send(d, s, &d->kd_out, now);
	resend_arm(d);
}

/**
 * debugger_input() - one datagram from @ip:@port
 * @d:		endpoint
 * @ip, @port:	sender, host order
 * @dgram:	UDP payload
 * @len:	its length
 * @now_ns:	time of arrival (recorded for connections)
 */
void debugger_input(struct debugger *d, uint32_t ip, uint16_t port,
		    const uint8_t *dgram, size_t len, uint64_t now_ns)
{
	struct dbg_session *s = session_find(d, ip, port);
	struct kdnet_packet p;
	struct kdnet_outer o;
	int rc;

	if (kdnet_outer_parse(dgram, len, &o)) {
		reject(d, ip, port, now_ns);
		return;
	}
	if (o.channel == KDNET_CH_CONTROL)
		rc = kdnet_open(d->ctl, dgram, len, d->plain, sizeof(d->plain), &p);
	else if (s && kdnet_cipher_has_data_key(s->c))
		rc = kdnet_open(s->c, dgram, len, d->plain, sizeof(d->plain), &p);
	else
		rc = KDNET_E_NOKEY;
	if (rc || p.from_debugger) {
		reject(d, ip, port, now_ns);
		return;
	}
	if (o.channel == KDNET_CH_CONTROL) {
		if (kdnet_ctl_kind(p.payload, p.payload_len) == KDNET_CTL_ANNOUNCE)
			announce_take(d, ip, port, &p, now_ns);
	} else {
		data_take(d, s, &p, now_ns);
	}
}
