// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet_decoder.c - follow KDNET sessions through a stream of datagrams
 *
 * Theory of operation: control packets open with K.  A verified debugger
 * reply, sent to the debuggee's endpoint, gives that endpoint's data key; a
 * later reply replaces it, announcements never do (they keep coming every
 * 3 s during a session).  A data packet is tried with the session of its
 * source endpoint, then of its destination, since its direction is only
 * known once it decrypts.  Several debuggees in one capture each keep their
 * own session.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/kdnet/kdnet_decoder.h"

struct kdnet_session {
	struct kdnet_endpoint debuggee;
	struct kdnet_cipher *cipher;
};

struct kdnet_decoder {
	struct kdnet_cipher *ctl;	/* K only */
	GHashTable *sessions;		/* debuggee endpoint -> session */
	uint8_t plain[KDNET_MAX_DGRAM];
};

/**
 * kdnet_status_name() - "verified", "auth-failed", ...
 * @s:		status
 *
 * Return: static string
 */
const char *kdnet_status_name(enum kdnet_status s)
{
	switch (s) {
	case KDNET_VERIFIED:		return "verified";
	case KDNET_AUTH_FAILED:		return "auth-failed";
	case KDNET_NO_SESSION_KEY:	return "no-session-key";
	case KDNET_MALFORMED:		return "malformed";
	case KDNET_BAD_HEADER:		return "bad-header";
	}
	return "?";
}

static guint ep_hash(gconstpointer p)
{
	const struct kdnet_endpoint *e = p;

	return (e->ip * 2654435761u) ^ e->port;
}

static gboolean ep_equal(gconstpointer a, gconstpointer b)
{
	const struct kdnet_endpoint *x = a, *y = b;

	return x->ip == y->ip && x->port == y->port;
}

static void session_free(gpointer p)
{
	struct kdnet_session *s = p;

	kdnet_cipher_free(s->cipher);
	g_free(s);
}

/**
 * kdnet_decoder_new() - a decoder for captures made with key K
 * @key:	K
 *
 * Return: decoder, or NULL on allocation or OpenSSL failure
 */
struct kdnet_decoder *kdnet_decoder_new(const uint8_t key[KDNET_KEY_LEN])
{
	struct kdnet_decoder *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ctl = kdnet_cipher_new(key);
	if (!d->ctl) {
		free(d);
		return NULL;
	}
	d->sessions = g_hash_table_new_full(ep_hash, ep_equal, NULL,
					    session_free);
	return d;
}

/**
 * kdnet_decoder_free() - release a decoder and its session keys
 * @d:		decoder, may be NULL
 */
void kdnet_decoder_free(struct kdnet_decoder *d)
{
	if (!d)
		return;
	g_hash_table_destroy(d->sessions);
	kdnet_cipher_free(d->ctl);
	free(d);
}

static struct kdnet_session *session_find(struct kdnet_decoder *d,
					  const struct kdnet_endpoint *ep)
{
	return g_hash_table_lookup(d->sessions, ep);
}

static struct kdnet_session *session_get(struct kdnet_decoder *d,
					 const struct kdnet_endpoint *ep)
{
	struct kdnet_session *s = session_find(d, ep);

	if (s)
		return s;
	s = g_new(struct kdnet_session, 1);
	s->debuggee = *ep;
	s->cipher = kdnet_cipher_new(kdnet_cipher_key(d->ctl));
	if (!s->cipher) {
		g_free(s);
		return NULL;
	}
	g_hash_table_insert(d->sessions, &s->debuggee, s);
	return s;
}

static enum kdnet_status status_of(int rc)
{
	switch (rc) {
	case 0:			return KDNET_VERIFIED;
	case KDNET_E_NOKEY:	return KDNET_NO_SESSION_KEY;
	case KDNET_E_MALFORMED:	return KDNET_MALFORMED;
	case KDNET_E_HEADER:	return KDNET_BAD_HEADER;
	default:		return KDNET_AUTH_FAILED;
	}
}

/* A verified reply to @debuggee: derive and install its data key */
static void reply_take(struct kdnet_decoder *d,
		       const struct kdnet_endpoint *debuggee,
		       const struct kdnet_packet *pkt, struct kdnet_record *rec)
{
	struct kdnet_session *s;
	uint8_t kd[KDNET_KEY_LEN];

	if (kdnet_data_key(kdnet_cipher_key(d->ctl), pkt->payload,
			   pkt->payload_len, kd))
		return;
	s = session_get(d, debuggee);
	if (!s)
		return;
	rec->new_key = kdnet_cipher_set_data_key(s->cipher, kd) == 1;
}

static void control_take(struct kdnet_decoder *d,
			 const struct kdnet_endpoint *dst,
			 const struct kdnet_packet *pkt,
			 struct kdnet_record *rec)
{
	int kind = kdnet_ctl_kind(pkt->payload, pkt->payload_len);

	rec->ctl_kind = kind > 0 ? kind : 0;
	if (kind == KDNET_CTL_ANNOUNCE &&
	    kdnet_announce_parse(pkt->payload, pkt->payload_len, &rec->announce))
		rec->ctl_kind = 0;
	if (kind == KDNET_CTL_REPLY && pkt->from_debugger &&
	    pkt->payload_len >= KDNET_REPLY_LEN)
		reply_take(d, dst, pkt, rec);
}

/* Try the sessions of @src then @dst; keep the most telling failure */
static int data_open(struct kdnet_decoder *d, const struct kdnet_endpoint *src,
		     const struct kdnet_endpoint *dst, const uint8_t *dgram,
		     size_t len, struct kdnet_packet *pkt)
{
	const struct kdnet_endpoint *eps[2] = { src, dst };
	int rc = KDNET_E_NOKEY;

	for (int i = 0; i < 2; i++) {
		struct kdnet_session *s = session_find(d, eps[i]);
		int r;

		if (!s)
			continue;
		r = kdnet_open(s->cipher, dgram, len, d->plain,
			       sizeof(d->plain), pkt);
		if (r == 0 || r == KDNET_E_HEADER || r == KDNET_E_MALFORMED)
			return r;
		rc = r;
	}
	return rc;
}

/**
 * kdnet_decoder_feed() - decode one UDP datagram
 * @d:		decoder
 * @src:	sender endpoint
 * @dst:	receiver endpoint
 * @dgram:	UDP payload
 * @len:	its length
 * @rec:	result; its pointers stay valid until the next call
 */
void kdnet_decoder_feed(struct kdnet_decoder *d,
			const struct kdnet_endpoint *src,
			const struct kdnet_endpoint *dst,
			const uint8_t *dgram, size_t len,
			struct kdnet_record *rec)
{
	struct kdnet_packet pkt;
	struct kdnet_outer o;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (kdnet_outer_parse(dgram, len, &o)) {
		rec->status = KDNET_MALFORMED;
		return;
	}
	rec->version = o.version;
	rec->channel = o.channel;
	if (o.channel == KDNET_CH_CONTROL)
		rc = kdnet_open(d->ctl, dgram, len, d->plain, sizeof(d->plain),
				&pkt);
	else
		rc = data_open(d, src, dst, dgram, len, &pkt);
	rec->status = status_of(rc);
	if (rc)
		return;
	rec->from_debugger = pkt.from_debugger;
	rec->counter = pkt.counter;
	rec->payload_len = pkt.payload_len;
	rec->payload = pkt.payload;
	if (o.channel == KDNET_CH_CONTROL)
		control_take(d, dst, &pkt, rec);
	else
		rec->kd_rc = kd_payload_parse(pkt.payload, pkt.payload_len,
					      &rec->kd);
}
