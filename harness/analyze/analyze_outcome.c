// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_outcome.c - the outcome word of one NIC, and its why
 *
 * Theory of operation: the outcome is decided from what the wire shows,
 * in this order: a verified connection; a session the key cannot show
 * (data both ways without a key, a capture begun mid-session); an ACK
 * too close to the end to tell; then what needs the key and what does not.
 *
 * What needs no key: the address phase (DHCP, RFC 3927), and a KDNET
 * packet's outer header (magic, version, channel, length, kdnet-protocol.md
 * section 3), so when the debuggee sent its first one and how many were of
 * an announcement's size.  What needs the key: whether a packet is
 * authentic, so whether the debugger's key matches (key-mismatch) or the
 * announcements went unanswered (timeout).  Hence two words that must not
 * be confused: key-mismatch when a key was given and fails, not-verified
 * when none was given and only the key would decide.  A boot that took a
 * 169.254 address after the DHCP hang is apipa-after-hang without a key
 * (no key is needed to see it); with a key that fails, key-mismatch, and
 * the why says the hang too.  The KD conversation then refines a
 * connection (analyze_kd_outcome.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"

static double span_s(uint64_t from, uint64_t to)
{
	if (from == AN_NONE || to == AN_NONE)
		return NAN;
	return ((double)to - (double)from) / 1e9;
}

/**
 * an_mid_session() - connected before the capture began: data both ways
 * without a session key, or announcements naming a bound debugger, and no
 * handshake captured
 * @a:		analysis
 * @t:		target
 *
 * Control packets always use the base key, and their channel byte is
 * plaintext: one that fails it, with nothing verifying, is a wrong key,
 * not a session begun earlier (a capture started mid-session has only
 * data packets).  Without a key nothing is verified, so nothing is known
 * about the handshake either.
 *
 * Return: true for a session begun before the capture
 */
bool an_mid_session(const struct analysis *a, const struct an_target *t)
{
	if (a->keyless || (t->ctl_failed && !t->kdnet_verified))
		return false;
	return t->connect_ns == AN_NONE && t->reply_ns == AN_NONE &&
	       ((t->nokey[0] && t->nokey[1]) || t->bound_announces);
}

/* Without a key: data both ways, none of it verified */
static bool keyless_data(const struct analysis *a, const struct an_target *t)
{
	return a->keyless && t->nokey[0] && t->nokey[1];
}

static bool apipa(const struct an_metrics *m)
{
	return m->address_source && !strcmp(m->address_source, "apipa");
}

/* "no DHCP answer to 13 DISCOVERs; took 169.254.1.2 after 601 s" */
static int hang_str(const struct an_target *t, const struct an_metrics *m,
		    char *buf, size_t len)
{
	return snprintf(buf, len, "no DHCP answer to %u DISCOVER%s; took %s "
			"after %.0f s", t->discovers, t->discovers == 1 ? "" : "s",
			m->address, isnan(m->dhcp_phase_s) ? 0.0 : m->dhcp_phase_s);
}

/* "37 KDNET packets sent (37 of an announcement's size), 0 received" */
static int sent_str(const struct an_target *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%u KDNET packet%s sent (%u of an "
			"announcement's size), %u received", t->kdnet_sent,
			t->kdnet_sent == 1 ? "" : "s", t->announce_sized,
			t->kdnet_received);
}

/* A session the wire shows: verified, without a key, or before the capture */
static bool connected(const struct analysis *a, const struct an_target *t,
		      struct an_metrics *m)
{
	uint64_t t0 = analysis_t0(a);

	m->outcome = AN_CONNECTED;
	if (t->connect_ns != AN_NONE) {
		snprintf(m->why, sizeof(m->why), "debugger replied; data packets "
			 "verify with the session key");
	} else if (keyless_data(a, t)) {
		snprintf(m->why, sizeof(m->why), "not verified (no key): KDNET "
			 "data packets both ways (from the debuggee first seen at "
			 "%.3f s, from the debugger at %.3f s)",
			 span_s(t0, t->first_nokey_ns[0]),
			 span_s(t0, t->first_nokey_ns[1]));
	} else if (an_mid_session(a, t)) {
		m->mid_session = true;
		snprintf(m->why, sizeof(m->why), "the session began before the "
			 "capture: %s (data from the debuggee first seen at %.3f s, "
			 "from the debugger at %.3f s)", t->bound_announces ?
			 "announcements name a bound debugger" :
			 "data packets both ways, no handshake captured",
			 t->nokey[0] ? span_s(t0, t->first_nokey_ns[0]) : NAN,
			 t->nokey[1] ? span_s(t0, t->first_nokey_ns[1]) : NAN);
	} else {
		return false;
	}
	return true;
}

/* KDNET that no key verified: not-verified without one, else key-mismatch */
static bool unverified(const struct analysis *a, const struct an_target *t,
		       struct an_metrics *m)
{
	char sent[96], hang[128];
	int n;

	sent_str(t, sent, sizeof(sent));
	if (a->keyless && (t->kdnet_sent || t->kdnet_received) && !apipa(m)) {
		m->outcome = AN_NOT_VERIFIED;
		snprintf(m->why, sizeof(m->why), "no key given: %s; only the key "
			 "tells a debugger that answers (connected) from one with "
			 "another key (key-mismatch) or none (timeout)", sent);
		return true;
	}
	if (a->keyless || !t->kdnet_failed || t->kdnet_verified)
		return false;
	m->outcome = AN_KEY_MISMATCH;
	n = snprintf(m->why, sizeof(m->why), "%u KDNET packets, none verifies "
		     "with the key%s", t->kdnet_failed, t->ctl_failed ?
		     " (control packets, which always use it, do not)" : "");
	if (apipa(m) && n > 0 && (size_t)n < sizeof(m->why)) {
		hang_str(t, m, hang, sizeof(hang));
		snprintf(m->why + n, sizeof(m->why) - n, "; and %s", hang);
	}
	return true;
}

/**
 * an_outcome_compute() - the outcome word and why of one NIC, before the
 * KD conversation refines a connection
 * @a:		analysis
 * @t:		target
 * @m:		its metrics, address and dhcp_phase_s already computed;
 *		outcome and why set here
 */
void an_outcome_compute(const struct analysis *a, const struct an_target *t,
			struct an_metrics *m)
{
	uint32_t addr;
	bool undecided;
	int n;

	an_lease_ns(t, a->last_ns, &addr, &undecided);
	if (connected(a, t, m))
		return;
	if (undecided && !t->kdnet_sent) {
		m->outcome = AN_NO_KDNET_TRAFFIC;
		snprintf(m->why, sizeof(m->why), "the capture ends %.1f s after a "
			 "DHCPACK: it cannot tell whether the client took the lease",
			 span_s(t->ack_pend_ns, a->last_ns));
	} else if (unverified(a, t, m)) {
		return;
	} else if (apipa(m)) {
		m->outcome = AN_APIPA_AFTER_HANG;
		n = hang_str(t, m, m->why, sizeof(m->why));
		if (a->keyless && t->kdnet_sent && n > 0 &&
		    (size_t)n < sizeof(m->why))
			snprintf(m->why + n, sizeof(m->why) - n, "; %u KDNET "
				 "packet%s sent from it, not verified (no key)",
				 t->kdnet_sent, t->kdnet_sent == 1 ? "" : "s");
	} else if (t->kdnet_verified) {
		m->outcome = AN_TIMEOUT;
		snprintf(m->why, sizeof(m->why), "%u KDNET packets sent, no "
			 "debugger reply verified", t->kdnet_sent);
	} else {
		m->outcome = AN_NO_KDNET_TRAFFIC;
		snprintf(m->why, sizeof(m->why), "no KDNET packet from this NIC");
	}
}

/**
 * analysis_connected() - the exit status rule of the commands that read a
 * capture (analyze, decode, watch --replay): a debuggee is connected at
 * the capture's end
 * @a:		analysis fed the whole capture
 *
 * A NIC's latest boot whose outcome is connected (verified, without a key
 * data both ways, or a session begun before the capture), or a serial link
 * with a reset exchange.  A guest stopped at a bugcheck, a break or a stall
 * is not: its outcome word is the problem.
 *
 * Return: true when one is
 */
bool analysis_connected(const struct analysis *a)
{
	struct an_serial_info l;
	struct an_metrics m;

	for (size_t i = 0; i < analysis_n_targets(a); i++) {
		const struct an_target *t = analysis_target(a, i);

		if (t->archived)
			continue;
		an_metrics_compute(a, t, &m);
		if (m.outcome == AN_CONNECTED)
			return true;
	}
	for (size_t i = 0; i < AN_MAX_SERIALS; i++)
		if (analysis_serial(a, i, &l) && l.connections)
			return true;
	return false;
}
