// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_kdnet.c - KDNET on the wire: who is the debuggee, sessions,
 * connections, and captures that start mid-session
 *
 * The first sender of a UDP flow is the debuggee (it always speaks first),
 * unless a verified packet says otherwise.  A capture can start
 * mid-session (tcpdump started after WinDbg connected): then no reply is
 * in it and data packets cannot be decrypted, but data flowing both ways,
 * or announcements naming a bound debugger (Windows fills in the debugger's
 * address and port once bound), mean the session began before the capture:
 * outcome connected, connect_time unknown.  A control packet failing
 * the key is another matter: control packets always use the base key, so
 * with nothing verifying the key is wrong (analyze.c, an_mid_session()).
 * Key-less packets on a flow no
 * verified packet has oriented wait until one does: the debugger may speak
 * first there.  A new boot nonce in the announcements is a reboot, a new
 * reply a new session.  The KD packets inside verified data packets are
 * the debuggee's conversation (analyze_kd.c).  What needs no key is taken
 * from every packet the debuggee sends: the first one's time, and how many
 * control packets have an announcement's size (section 3's outer header).
 */
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"
#include "kdh/kdnet/kdnet_decoder.h"

/* The debuggee end of a flow: from the packet when it verified, else the
 * first sender seen on the flow (a packet that failed authentication).
 * Return: 1 @src is the debuggee, 0 @dst is, -1 not known yet (a data
 * packet without session key on a flow no verified packet has oriented:
 * in a capture started mid-session the debugger may speak first). */
static int orient(struct analysis *a, const struct kdnet_endpoint *src,
		  const struct kdnet_endpoint *dst, const struct kdnet_record *r)
{
	struct an_flow out = { *src, *dst }, in = { *dst, *src }, *fl;
	bool verified = r->status == KDNET_VERIFIED;

	if (g_hash_table_contains(a->flows, &out))
		return verified ? !r->from_debugger : 1;
	if (g_hash_table_contains(a->flows, &in))
		return verified ? !r->from_debugger : 0;
	if (r->status == KDNET_NO_SESSION_KEY)
		return -1;
	fl = g_new(struct an_flow, 1);
	*fl = verified && r->from_debugger ? in : out;
	g_hash_table_add(a->flows, fl);
	return fl->debuggee.ip == src->ip && fl->debuggee.port == src->port;
}

static int event_cmp(gconstpointer pa, gconstpointer pb)
{
	const struct an_event *x = pa, *y = pb;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

/* What a data packet without session key says: the handshake was before
 * the capture, unless no key was given or the key fails control packets */
static const char *nokey_why(const struct analysis *a, const struct an_target *t)
{
	if (a->keyless)
		return "not verified (no key)";
	if (t->ctl_failed && !t->kdnet_verified)
		return "no session key: the key fails control packets too";
	return "no session key: the handshake was before the capture";
}

/* Keys of a->nokey: the flow's endpoints in a fixed order */
static void pair_key(const struct kdnet_endpoint *x, const struct kdnet_endpoint *y,
		     struct an_flow *k)
{
	bool lo = x->ip < y->ip || (x->ip == y->ip && x->port <= y->port);

	k->debuggee = lo ? *x : *y;
	k->debugger = lo ? *y : *x;
}

/* A data packet without session key on a flow not oriented yet: kept */
static void nokey_pending(struct analysis *a, const struct frame_view *v,
			  const struct kdnet_endpoint *src,
			  const struct kdnet_endpoint *dst, uint64_t now)
{
	struct an_flow k;
	struct an_nokey *p;
	int from;

	pair_key(src, dst, &k);
	p = g_hash_table_lookup(a->nokey, &k);
	if (!p) {
		p = g_new0(struct an_nokey, 1);
		p->key = k;
		g_hash_table_insert(a->nokey, &p->key, p);
	}
	from = src->ip == k.debuggee.ip && src->port == k.debuggee.port ? 0 : 1;
	if (!p->n[from]++)
		p->first_ns[from] = now;
	memcpy(p->mac[from], v->eth.src, ETH_ALEN);
}

/* The flow is oriented now: its earlier key-less packets go to @t */
static void nokey_resolve(struct analysis *a, struct an_target *t,
			  const struct kdnet_endpoint *debuggee,
			  const struct kdnet_endpoint *debugger)
{
	struct an_flow k;
	struct an_nokey *p;
	int mine;

	pair_key(debuggee, debugger, &k);
	p = g_hash_table_lookup(a->nokey, &k);
	if (!p)
		return;
	mine = debuggee->ip == k.debuggee.ip && debuggee->port == k.debuggee.port ?
	       0 : 1;
	for (int dir = 0; dir < 2; dir++) {
		int side = dir ? !mine : mine;

		if (!p->n[side])
			continue;
		if (!t->nokey[dir])
			t->first_nokey_ns[dir] = p->first_ns[side];
		t->nokey[dir] += p->n[side];
		an_event_add(t, p->first_ns[side], "data from the %s, %s", dir ?
			     "debugger" : "debuggee", nokey_why(a, t));
	}
	g_array_sort(t->events, event_cmp);
	g_hash_table_remove(a->nokey, &k);
}

/* Data packets without a session key: the handshake was before the capture */
static void nokey_take(const struct analysis *a, struct an_target *t,
		       bool out, uint64_t now)
{
	int dir = out ? 0 : 1;

	if (!t->nokey[dir]++) {
		t->first_nokey_ns[dir] = now;
		an_event_add(t, now, "data from the %s, %s", out ? "debuggee" :
			     "debugger", nokey_why(a, t));
	}
}

/* An announcement: a bound debugger, a new boot */
static void announce_take(struct an_target *t, const struct kdnet_announce *an,
			  uint64_t now)
{
	char ip[IP_STRLEN];

	if (t->has_boot_nonce && memcmp(t->boot_nonce, an->nonce + 2,
					sizeof(t->boot_nonce))) {
		t->reboots++;
		an_kd_restart(&t->kd, true);
		an_event_add(t, now, "the debuggee rebooted: a new announcement "
			     "nonce%s", an->third_port ? "" : ", no debugger bound");
	}
	memcpy(t->boot_nonce, an->nonce + 2, sizeof(t->boot_nonce));
	t->has_boot_nonce = true;
	if (an->third_port && !t->bound_announces++ && t->reply_ns == AN_NONE)
		an_event_add(t, now, "announcement names a bound debugger %s:%u: "
			     "connected before the capture", ip_str(an->third_ip, ip),
			     an->third_port);
}

static void kdnet_events(const struct analysis *a, struct an_target *t,
			 const struct kdnet_record *r, bool out, uint64_t now)
{
	char ip[IP_STRLEN];

	if (r->status == KDNET_NO_SESSION_KEY)
		nokey_take(a, t, out, now);
	if (r->status == KDNET_VERIFIED && r->ctl_kind == KDNET_CTL_ANNOUNCE && out)
		announce_take(t, &r->announce, now);

	if (r->status == KDNET_AUTH_FAILED && !t->warned_auth) {
		t->warned_auth = true;
		an_event_add(t, now, "KDNET %s packet %s does not verify with the "
			     "key%s", r->channel == KDNET_CH_CONTROL ? "control" :
			     "data", out ? "from this NIC" : "to this NIC",
			     a->keyless ? " (no key given)" : "");
	}
	if (r->status != KDNET_VERIFIED)
		return;
	if (out && t->first_kdnet_ns == AN_NONE) {
		t->first_kdnet_ns = now;
		an_event_add(t, now, "first KDNET packet: %s to %s:%u verifies",
			  r->ctl_kind == KDNET_CTL_ANNOUNCE ? "announcement"
							   : "packet",
			  ip_str(t->debugger_ip, ip), t->debugger_port);
	}
	if (r->ctl_kind == KDNET_CTL_REPLY && r->from_debugger && r->new_key) {
		if (t->reply_ns == AN_NONE)
			t->reply_ns = now;
		t->sessions++;
		an_kd_restart(&t->kd, false);
		an_event_add(t, now, "debugger %s:%u replied: session key derived",
			  ip_str(t->debugger_ip, ip), t->debugger_port);
	}
	if (r->channel == KDNET_CH_DATA && t->connect_ns == AN_NONE) {
		t->connect_ns = now;
		an_event_add(t, now, "connected: %s data packet verifies with the "
			  "session key", r->from_debugger ? "debugger" : "debuggee");
	}
}

/* An announcement on the wire: a control packet of its size (6 + 8 + 344
 * + 16 bytes), which the outer header shows without the key */
#define AN_ANNOUNCE_DGRAM	(KDNET_OUTER_LEN + KDNET_HDR_LEN + \
				 KDNET_ANNOUNCE_LEN + KDNET_TAG_LEN)

/* A KDNET packet the debuggee sent, verified or not: what its outer header
 * tells (kdnet-protocol.md section 3), and the first one's time */
static void sent_take(const struct analysis *a, struct an_target *t,
		      const struct kdnet_record *r, size_t len, uint64_t now)
{
	bool sized = r->channel == KDNET_CH_CONTROL && len == AN_ANNOUNCE_DGRAM;
	char ip[IP_STRLEN];

	t->announce_sized += sized;
	if (sized)
		g_array_append_val(t->announce_ns, now);
	if (t->first_sent_ns != AN_NONE)
		return;
	t->first_sent_ns = now;
	if (r->status == KDNET_VERIFIED)
		return;		/* kdnet_events() tells it */
	t->warned_auth = r->status == KDNET_AUTH_FAILED;
	an_event_add(t, now, "first KDNET packet: %s to %s:%u, %s", sized ?
		     "an announcement (by its size)" : r->channel ==
		     KDNET_CH_CONTROL ? "a control packet" : "a data packet",
		     ip_str(t->debugger_ip, ip), t->debugger_port, a->keyless ?
		     "not verified (no key)" : "does not verify with the key");
}

/* The KD packet of a verified data packet goes to the debuggee's KD
 * record (analyze_kd.c); any of its frames tells it the time */
static void kd_take(struct an_target *t, const struct kdnet_record *r,
		    uint64_t now)
{
	if (r->status == KDNET_VERIFIED && r->channel == KDNET_CH_DATA) {
		if (r->kd_rc)
			t->kd.malformed++;
		else if (r->kd.kind == KD_PAYLOAD_PACKET)
			an_kd_take(&t->kd, &r->kd.pkt, r->from_debugger, now, t);
	}
	an_kd_clock(&t->kd, now, t);
}

/**
 * an_kdnet_take() - one KDNET datagram of the capture
 * @a:		analysis
 * @v:		its frame
 * @now:	its time
 */
void an_kdnet_take(struct analysis *a, const struct frame_view *v, uint64_t now)
{
	struct kdnet_endpoint src = { v->ip.src, v->udp.sport };
	struct kdnet_endpoint dst = { v->ip.dst, v->udp.dport };
	struct kdnet_record r;
	struct an_target *t;
	bool out;
	int dir;

	kdnet_decoder_feed(a->dec, &src, &dst, v->udp.payload, v->udp.len, &r);
	if (r.status == KDNET_MALFORMED)
		return;
	dir = orient(a, &src, &dst, &r);
	if (!v->eth.has_mac)
		return;		/* no MAC, no target (raw IP captures) */
	if (dir < 0) {
		nokey_pending(a, v, &src, &dst, now);
		return;
	}
	out = dir;
	t = an_target_get(a, out ? v->eth.src : v->eth.dst, now);
	if (g_hash_table_size(a->nokey))
		nokey_resolve(a, t, out ? &src : &dst, out ? &dst : &src);
	if (out) {
		an_addr_used(t, src.ip, now);
		t->kdnet_sent++;
		t->ip = src.ip;
		t->port = src.port;
		t->debugger_ip = dst.ip;
		t->debugger_port = dst.port;
		sent_take(a, t, &r, v->udp.len, now);
	} else {
		t->kdnet_received++;
	}
	t->kdnet_verified += r.status == KDNET_VERIFIED;
	t->kdnet_failed += r.status == KDNET_AUTH_FAILED;
	t->ctl_failed += r.status == KDNET_AUTH_FAILED &&
			 r.channel == KDNET_CH_CONTROL;
	kdnet_events(a, t, &r, out, now);
	kd_take(t, &r, now);
}

/**
 * an_announce_between() - the announcements the debuggee sent between two
 * lines of its timeline: what a timeline of firsts does not show (a guest
 * that announced every 3 s for minutes while it waited)
 * @t:		target
 * @after_ns:	after this time (exclusive)
 * @before_ns:	and before this one (exclusive; AN_NONE: to the end)
 * @first_ns:	set to the first of them's time when any
 * @last_ns:	set to the last of them's time when any
 *
 * Return: how many
 */
unsigned an_announce_between(const struct an_target *t, uint64_t after_ns,
			     uint64_t before_ns, uint64_t *first_ns,
			     uint64_t *last_ns)
{
	unsigned n = 0;

	for (guint i = 0; i < t->announce_ns->len; i++) {
		uint64_t ns = g_array_index(t->announce_ns, uint64_t, i);

		if (ns <= after_ns || ns >= before_ns)
			continue;
		if (!n++)
			*first_ns = ns;
		*last_ns = ns;
	}
	return n;
}
