// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze.c - wire-derived timeline and metrics of each debuggee
 *
 * Theory of operation: frames are fed in capture order.  Each NIC that acts
 * as a client (DHCP from its MAC, RFC 3927 probes, KDNET announcements sent
 * from it) becomes a target keyed by MAC, and collects first-seen times:
 *
 *   DISCOVER ... ACK taken    -> dhcp_phase, discover_count, address (dhcp;
 *                                analyze_addr.c: the client must use it)
 *   DISCOVER ... ARP probe    -> dhcp_phase ending in 169.254 (apipa)
 *   first verified announce   -> first_kdnet (without a key, or when
 *                                none verifies: the first KDNET sent,
 *                                known by its outer header)
 *   first verified data pkt   -> connect_time (kdnet-protocol.md section 9)
 *   its KD conversation       -> bugcheck, break, stalled (analyze_kd.c)
 *
 * All times are reported from t0: the first "power on" harness event if the
 * capture has one (a packet comment), else the first frame.  KDNET packets
 * that do not verify still count toward the NIC that sent them: the first
 * sender of a UDP flow is the debuggee (the debuggee always speaks first).
 *
 * KDNET packets are taken in analyze_kdnet.c (sessions, captures started
 * mid-session, reboots), the address phase in analyze_addr.c, the outcome
 * word decided in analyze_outcome.c; the records they all write (targets by
 * MAC, their timelines, t0) are kept in analyze_model.c.  Frames with
 * identical network-layer bytes within
 * AN_DUP_WINDOW_NS (tcpdump -i any sees a bridged frame on the tap and on
 * the bridge) are counted once, unless analysis_keep_duplicates() says not.
 *
 * Wing harness/analyze/ (docs/development.md): what a capture says, from
 *   the wire alone; kdh analyze, kdh decode.
 * Uses: netsim/, util/, kdnet/, cmd/.
 * Used by: debugger/, result/, run/, watch/, bench/.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"
#include "kdh/analyze/analyze.h"
#include "netsim/dhcp.h"
#include "kdh/kdnet/kdnet_decoder.h"

static const char *const outcome_names[] = {
	[AN_CONNECTED] = "connected",
	[AN_APIPA_AFTER_HANG] = "apipa-after-hang",
	[AN_NO_KDNET_TRAFFIC] = "no-kdnet-traffic",
	[AN_WRONG_NIC] = "wrong-nic",
	[AN_KEY_MISMATCH] = "key-mismatch",
	[AN_TIMEOUT] = "timeout",
	[AN_VM_FAILED] = "vm-failed",
	[AN_BUGCHECK] = "bugcheck",
	[AN_BREAK] = "break",
	[AN_STALLED] = "stalled",
	[AN_NOT_VERIFIED] = "not-verified",
};

/**
 * an_outcome_name() - the outcome's name as used in scenarios and reports
 * @o:		outcome
 *
 * Return: static string
 */
const char *an_outcome_name(enum an_outcome o)
{
	return outcome_names[o];
}

static void target_free(gpointer p)
{
	struct an_target *t = p;

	an_kd_free(&t->kd);
	g_array_free(t->events, TRUE);
	g_array_free(t->announce_ns, TRUE);
	g_free(t);
}

/* Keys of a->open: the target's own MAC bytes */
static guint mac_hash(gconstpointer p)
{
	const uint8_t *m = p;
	guint h = 2166136261u;

	for (int i = 0; i < ETH_ALEN; i++)
		h = (h ^ m[i]) * 16777619u;
	return h;
}

static gboolean mac_equal(gconstpointer a, gconstpointer b)
{
	return !memcmp(a, b, ETH_ALEN);
}

static guint flow_hash(gconstpointer p)
{
	const struct an_flow *f = p;

	return (f->debuggee.ip * 2654435761u) ^ f->debuggee.port ^
	       (f->debugger.ip * 40503u) ^ ((guint)f->debugger.port << 16);
}

static gboolean flow_equal(gconstpointer pa, gconstpointer pb)
{
	const struct an_flow *a = pa, *b = pb;

	return a->debuggee.ip == b->debuggee.ip &&
	       a->debuggee.port == b->debuggee.port &&
	       a->debugger.ip == b->debugger.ip &&
	       a->debugger.port == b->debugger.port;
}

/**
 * analysis_new() - an empty analysis
 * @key:	K, to verify KDNET packets
 * @port:	KDNET UDP port, or 0 for any datagram starting with "MDBG"
 *
 * Return: analysis, or NULL when OpenSSL could not be set up
 */
struct analysis *analysis_new(const uint8_t key[KDNET_KEY_LEN], uint16_t port)
{
	struct analysis *a = g_new0(struct analysis, 1);

	a->dec = kdnet_decoder_new(key);
	if (!a->dec) {
		g_free(a);
		return NULL;
	}
	a->port = port;
	a->first_ns = a->power_on_ns = AN_NONE;
	a->targets = g_ptr_array_new_with_free_func(target_free);
	a->open = g_hash_table_new(mac_hash, mac_equal);
	a->flows = g_hash_table_new_full(flow_hash, flow_equal, g_free, NULL);
	a->nokey = g_hash_table_new_full(flow_hash, flow_equal, NULL, g_free);
	return a;
}

/**
 * analysis_free() - release an analysis
 * @a:		analysis, may be NULL
 */
void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	kdnet_decoder_free(a->dec);
	an_serial_free(a);
	g_hash_table_destroy(a->open);
	g_ptr_array_free(a->targets, TRUE);
	g_hash_table_destroy(a->flows);
	g_hash_table_destroy(a->nokey);
	g_free(a);
}

static void echo_take(struct analysis *a, const struct frame_view *v,
		      uint64_t now)
{
	struct icmp_view ic;
	struct an_target *t = analysis_open_target(a, v->eth.dst);

	if (!t && analysis_vm_nic_known(a, v->eth.dst))
		t = an_target_get(a, v->eth.dst, now);
	if (t && !icmp_parse(v->ip.payload, v->ip.len, &ic) &&
	    ic.type == ICMP_ECHO_REPLY)
		t->echo_replies++;
}

/* FNV-1a over the network-layer bytes: what two copies of one frame share
 * (a Linux cooked header differs between the tap and the bridge) */
static uint64_t frame_hash(const struct frame_view *v)
{
	uint64_t h = 14695981039346656037ull ^ v->eth.type;

	for (size_t i = 0; i < v->eth.len; i++)
		h = (h ^ v->eth.payload[i]) * 1099511628211ull;
	return h;
}

/* The same bytes seen within AN_DUP_WINDOW_NS: a second copy */
static bool duplicate(struct analysis *a, const struct frame_view *v,
		      uint64_t now)
{
	uint64_t h = frame_hash(v);
	struct an_recent *r;

	for (size_t i = 0; i < AN_RECENT; i++) {
		r = &a->recent[i];
		if (r->hash == h && r->len == v->eth.len && r->t_ns <= now &&
		    now - r->t_ns <= AN_DUP_WINDOW_NS)
			return true;
	}
	r = &a->recent[a->recent_next++ % AN_RECENT];
	*r = (struct an_recent){ h, v->eth.len, now };
	return false;
}

/**
 * analysis_keyless() - no key was given: the key given to analysis_new()
 * is a stand-in, so a packet failing it says nothing about the session's
 * @a:		analysis
 */
void analysis_keyless(struct analysis *a)
{
	a->keyless = true;
}

/**
 * analysis_keep_duplicates() - count every copy of a frame captured twice
 * @a:		analysis
 * @keep:	true: no duplicate detection
 */
void analysis_keep_duplicates(struct analysis *a, bool keep)
{
	a->keep_duplicates = keep;
}

/**
 * analysis_duplicates() - frames skipped as second copies
 * @a:		analysis
 *
 * Return: count
 */
uint64_t analysis_duplicates(const struct analysis *a)
{
	return a->duplicates;
}

/**
 * analysis_feed() - take one captured frame
 * @a:		analysis
 * @f:		frame; nothing of it is kept after the call
 *
 * Frames whose headers are damaged are counted and skipped.
 */
void analysis_feed(struct analysis *a, const struct cap_frame *f)
{
	struct frame_view v;
	uint64_t now = f->ts_ns;

	a->frames += f->caplen > 0;	/* wire frames, not harness events */
	if (a->first_ns == AN_NONE)
		a->first_ns = now;
	a->last_ns = now;
	if (f->comment && !strncmp(f->comment, AN_POWER_ON, strlen(AN_POWER_ON)) &&
	    a->power_on_ns == AN_NONE)
		a->power_on_ns = now;
	if (f->comment)
		analysis_event(a, f->comment, now);
	if (!f->caplen)
		return;		/* an event-only record */
	if (f->linktype == LINKTYPE_USER1) {	/* kdh-serial */
		if (an_serial_frame(a, f))
			a->bad_frames++;
		return;
	}
	if (frame_parse(f->linktype, f->data, f->caplen, &v)) {
		a->bad_frames++;
		return;
	}
	if (!a->keep_duplicates && duplicate(a, &v, now)) {
		a->duplicates++;
		return;
	}
	if (v.kind != FRAME_ARP && v.kind != FRAME_OTHER && v.eth.has_mac &&
	    v.ip.src) {
		struct an_target *t = analysis_open_target(a, v.eth.src);

		if (t)
			an_addr_used(t, v.ip.src, now);
	}
	if (v.kind == FRAME_ARP) {
		an_arp_take(a, &v.arp, now);
	} else if (v.kind == FRAME_IPV4 && v.ip.proto == IPPROTO_ICMP_) {
		echo_take(a, &v, now);
	} else if (v.kind == FRAME_UDP) {
		if ((v.udp.sport == DHCP_CLIENT_PORT && v.udp.dport == DHCP_SERVER_PORT) ||
		    (v.udp.sport == DHCP_SERVER_PORT && v.udp.dport == DHCP_CLIENT_PORT))
			an_dhcp_take(a, &v.udp, now);
		else if (kdnet_looks_like(v.udp.payload, v.udp.len) &&
			 (!a->port || v.udp.sport == a->port ||
			  v.udp.dport == a->port))
			an_kdnet_take(a, &v, now);
	}
}

/**
 * analysis_frames() - frame counts
 * @a:		analysis
 * @bad:	output: frames with damaged headers, may be NULL
 * @duration_ns: output: last minus first timestamp (of frames and harness
 *		events), may be NULL
 *
 * Return: frames fed, harness events not counted
 */
uint64_t analysis_frames(const struct analysis *a, uint64_t *bad,
			 uint64_t *duration_ns)
{
	if (bad)
		*bad = a->bad_frames;
	if (duration_ns)
		*duration_ns = a->first_ns != AN_NONE ? a->last_ns - a->first_ns : 0;
	return a->frames;
}

static double span_s(uint64_t from, uint64_t to)
{
	if (from == AN_NONE || to == AN_NONE)
		return NAN;
	return ((double)to - (double)from) / 1e9;
}

static void address_compute(const struct analysis *a,
			    const struct an_target *t, struct an_metrics *m)
{
	uint32_t addr = 0;

	m->address_source = NULL;
	if (an_lease_ns(t, a->last_ns, &addr, NULL) != AN_NONE) {
		m->address_source = "dhcp";
	} else if (t->probes || t->announcements) {
		addr = t->apipa_addr;
		m->address_source = "apipa";
	} else if (t->kdnet_sent) {
		addr = t->ip;
		m->address_source = ip_is_linklocal(addr) ? "apipa" : "static";
	}
	if (m->address_source)
		ip_str(addr, m->address);
	else
		m->address[0] = '\0';
}

/**
 * an_metrics_compute() - the metrics of design.md section 6 for one NIC
 * @a:		analysis (for t0)
 * @t:		target
 * @m:		output
 */
void an_metrics_compute(const struct analysis *a, const struct an_target *t,
			struct an_metrics *m)
{
	an_metrics_compute_from(a, t, analysis_t0(a), m);
}

/**
 * an_metrics_compute_from() - the same, with times from @t0 (a VM's boot)
 * @a:		analysis
 * @t:		target
 * @t0:		time zero
 * @m:		output
 */
void an_metrics_compute_from(const struct analysis *a, const struct an_target *t,
			     uint64_t t0, struct an_metrics *m)
{
	uint32_t addr;
	uint64_t lease = an_lease_ns(t, a->last_ns, &addr, NULL);
	uint64_t phase_end = lease != AN_NONE ? lease : t->first_probe_ns;

	memset(m, 0, sizeof(*m));
	mac_str(t->mac, m->mac);
	m->discover_count = t->discovers;
	m->dhcp_phase_s = span_s(t->first_discover_ns, phase_end);
	m->first_kdnet_verified = t->first_kdnet_ns != AN_NONE;
	m->first_kdnet_s = span_s(t0, m->first_kdnet_verified ?
				  t->first_kdnet_ns : t->first_sent_ns);
	m->connect_s = span_s(t0, t->connect_ns);
	m->logo_hang_s = span_s(t->first_frame_ns, t->first_sent_ns);
	address_compute(a, t, m);
	an_outcome_compute(a, t, m);
	an_kd_outcome(t, a->last_ns, &m->outcome, m->why, sizeof(m->why));
}
