// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_rules.c - kdh watch's rules about one NIC (DHCP, RFC 3927, key,
 * announcements, connection, reboot) and about ARP, each told once
 *
 * A rule reads the analysis' record of the NIC (struct an_target) and
 * what the story already told of it (struct told); watch_story.c says when
 * to look.  The thresholds are the least evidence that tells: a second
 * DISCOVER means the first went unanswered (a Windows client waits 4 s);
 * three ARP requests over 2 s or three announcements (3 s apart) with no
 * answer are the stack's and KDNET's own retries, not a lost frame.
 */
#include <stdio.h>
#include <string.h>

#include "harness/watch/watch_story_priv.h"

#define DHCP_DISCOVERS		2	/* the 2nd: the 1st had no answer */
#define ARP_ASKS		3
#define ARP_SPAN_NS		(2 * NS_PER_S)
#define ANNOUNCES		3
#define BAD_PACKETS		2
#define FIX_DHCP		"bcdedit /set {dbgsettings} dhcp no, and a static " \
				"address on the \"Kernel Debugger Ethernet\" adapter"

static void dhcp_rule(struct watch_story *s, const struct an_target *t,
		      struct told *k, uint64_t now)
{
	char b[MAC_STRLEN];

	if ((k->said & SAID(R_DHCP)) || t->discovers < DHCP_DISCOVERS ||
	    t->offers || t->connect_ns != AN_NONE || !story_debug_candidate(s, t))
		return;
	k->said |= SAID(R_DHCP);
	story_problem(s, "dhcp wait in progress: %u DISCOVERs, no OFFER after "
		      "%.1f s", t->discovers, (double)(now - t->first_discover_ns) /
		      1e9);
	story_say(s, now, FIX_DHCP, "%s sent %u DHCPDISCOVERs, no OFFER: no DHCP "
		  "server on %s: the boot will wait ~10 minutes at the logo, then "
		  "take 169.254.x.y", story_label(s, t->mac, b), t->discovers,
		  story_network(s, t->mac));
}

static void apipa_rule(struct watch_story *s, const struct an_target *t,
		       struct told *k, uint64_t now)
{
	char b[MAC_STRLEN], ip[IP_STRLEN], dbg[IP_STRLEN], waited[64] = "";
	char reach[96];

	if ((k->said & SAID(R_APIPA)) || !t->probes || t->connect_ns != AN_NONE ||
	    !story_debug_candidate(s, t))
		return;
	k->said |= SAID(R_APIPA);
	if (t->first_discover_ns != AN_NONE)
		snprintf(waited, sizeof(waited), " after %.1f s (%u DISCOVERs)",
			 (double)(t->first_probe_ns - t->first_discover_ns) / 1e9,
			 t->discovers);
	if (s->vm->hostip)
		snprintf(reach, sizeof(reach), "it reaches the debugger at %s only "
			 "if that host routes 169.254/16", ip_str(s->vm->hostip, dbg));
	else
		snprintf(reach, sizeof(reach), "it reaches the debugger only if the "
			 "debugger's host routes 169.254/16");
	story_problem(s, "169.254 address after the DHCP wait: %s",
		      ip_str(t->apipa_addr, ip));
	story_say(s, now, FIX_DHCP, "%s gave up on DHCP%s and probes for %s (RFC "
		  "3927): %s", story_label(s, t->mac, b), waited, ip, reach);
}

/* Why the key is wrong, in the words of where it came from (bcdedit's
 * key failing is told by watch_settings.c first: the guest runs another) */
static const char *key_wrong_why(const struct watch_story *s,
				 const struct an_target *t)
{
	if (!strcmp(s->vm->key_from, WATCH_KEY_CLI))
		return t->ctl_failed ? "--key is not this session's key (a control "
		       "packet does not verify)" : "--key is not this session's key";
	return "the key in bcdedit does not verify the packets";
}

static void key_rule(struct watch_story *s, const struct an_target *t,
		     struct told *k, uint64_t now)
{
	char b[MAC_STRLEN], ip[IP_STRLEN], fix[200];

	if ((k->said & (SAID(R_KEY) | SAID(R_SETTINGS))) || !s->vm->key_from ||
	    t->kdnet_failed < BAD_PACKETS || t->kdnet_verified)
		return;
	k->said |= SAID(R_KEY);
	story_problem(s, "wrong key: %u KDNET packets, none verifies",
		      t->kdnet_failed);
	snprintf(fix, sizeof(fix), "give WinDbg the key `bcdedit /dbgsettings` "
		 "shows in the guest (or set that one: bcdedit /dbgsettings net "
		 "hostip:%s port:%u key:KEY)", ip_str(t->debugger_ip, ip),
		 t->debugger_port);
	story_say(s, now, fix, "wrong key: %s: %u KDNET packets from %s to %s:%u, "
		  "none verifies", key_wrong_why(s, t), t->kdnet_failed,
		  story_label(s, t->mac, b), ip, t->debugger_port);
}

static void announce_rule(struct watch_story *s, const struct an_target *t,
			  struct told *k, uint64_t now)
{
	unsigned n = t->kdnet_sent - k->sent_base;
	char ip[IP_STRLEN], fix[240];
	double every;

	if ((k->said & SAID(R_ANNOUNCE)) || n < ANNOUNCES ||
	    ((k->said & SAID(R_APIPA)) && ip_is_linklocal(t->ip)) ||
	    t->kdnet_received > k->recv_base || t->sessions > k->sessions ||
	    t->bound_announces || (s->vm->key_from && !t->kdnet_verified) ||
	    now <= k->first_sent_ns)
		return;
	k->said |= SAID(R_ANNOUNCE);
	every = (double)(now - k->first_sent_ns) / 1e9 / (n - 1);
	ip_str(t->debugger_ip, ip);
	story_problem(s, "announcing to %s:%u, no reply to %u packets", ip,
		      t->debugger_port, n);
	snprintf(fix, sizeof(fix), "start WinDbg on %s (windbg -k net:port=%u,"
		 "key=KEY) with the key bcdedit shows, and let UDP %u in through "
		 "that host's firewall", ip, t->debugger_port, t->debugger_port);
	story_say(s, now, fix, "announcing to %s:%u every %.0f s, no reply: is "
		  "WinDbg listening on that port? a host firewall?%s", ip,
		  t->debugger_port, every, s->vm->key_from ? "" : " (no key given: "
		  "packets not verified)");
}

/* "connected: 14.203 s after the VM started (net1 ... -> ...)" */
static void connected_say(struct watch_story *s, const struct an_target *t,
			  const struct told *k, bool before, uint64_t now)
{
	uint64_t on = story_vm_start(s, now);
	uint64_t from = on != AN_NONE ? on : s->first_ns;
	const char *since = on != AN_NONE ? "the VM started" : "the VM's first frame";
	char b[MAC_STRLEN], ip[IP_STRLEN], dbg[IP_STRLEN];
	const char *nic = story_label(s, t->mac, b);

	ip_str(t->ip, ip);
	ip_str(t->debugger_ip, dbg);
	if (before && !s->vm->key_from)
		story_say(s, now, NULL, "connected (not verified: no key): KDNET "
			  "data both ways, %.3f s after %s (%s %s <-> %s:%u)",
			  (double)(now - from) / 1e9, since, nic, ip, dbg,
			  t->debugger_port);
	else if (before)
		story_say(s, now, NULL, "connected before the watch began: %s (%s) "
			  "and the debugger %s:%u %s", nic, ip, dbg, t->debugger_port,
			  t->bound_announces ? "(its announcements name the bound "
			  "debugger)" : "exchange data packets");
	else if (k->boot_ns != AN_NONE)
		story_say(s, now, NULL, "connected again: %.3f s after the reboot "
			  "(%s %s -> %s:%u)", (double)(now - k->boot_ns) / 1e9, nic,
			  ip, dbg, t->debugger_port);
	else
		story_say(s, now, NULL, "connected: %.3f s after %s (%s %s -> %s:%u)",
			  (double)(now - from) / 1e9, since, nic, ip, dbg,
			  t->debugger_port);
}

/* A data packet verified with the session key; after a reboot, a new
 * session (the debugger's reply); without either, data both ways or a
 * bound debugger in the announcements: a session begun before the watch */
static void connected_rule(struct watch_story *s, const struct an_target *t,
			   struct told *k, uint64_t now)
{
	bool before = an_mid_session(s->a, t) ||
		      (!s->vm->key_from && t->nokey[0] && t->nokey[1]);

	if (k->said & SAID(R_CONNECTED))
		return;
	if (k->boot_ns != AN_NONE ? t->sessions <= k->sessions :
	    !before && t->connect_ns == AN_NONE)
		return;
	k->said |= SAID(R_CONNECTED);
	s->connected = true;
	connected_say(s, t, k, before, now);
}

static void reboot_rule(struct watch_story *s, const struct an_target *t,
			struct told *k, uint64_t now)
{
	char b[MAC_STRLEN];

	if (t->reboots <= k->reboots)
		return;
	k->reboots = t->reboots;
	k->sessions = t->sessions;
	k->sent_base = t->kdnet_sent - 1;	/* this announcement is the boot's */
	k->recv_base = t->kdnet_received;
	k->boot_ns = now;
	k->said &= ~REARMED;
	k->first_sent_ns = now;
	s->connected = false;
	story_say(s, now, NULL, "%s rebooted: its announcements carry a new boot "
		  "nonce", story_label(s, t->mac, b));
}

/**
 * story_told() - what the story told of analysis target @i
 * @s:		story
 * @i:		the target's index
 *
 * Return: its record, owned by @s
 */
struct told *story_told(struct watch_story *s, size_t i)
{
	return &g_array_index(s->told, struct told, i);
}

/**
 * story_evaluate() - every rule about one NIC, after a frame touched it
 * @s:		story
 * @i:		the analysis target's index
 * @now:	the frame's time
 */
void story_evaluate(struct watch_story *s, size_t i, uint64_t now)
{
	const struct an_target *t = analysis_target(s->a, i);
	struct told *k = story_told(s, i);

	if (t->archived || !story_vm_mac(s, t->mac))
		return;
	if (t->kdnet_sent > k->sent && !k->sent)
		k->first_sent_ns = now;
	k->sent = t->kdnet_sent;
	s->kdnet_seen |= t->kdnet_sent > 0;
	reboot_rule(s, t, k, now);
	dhcp_rule(s, t, k, now);
	apipa_rule(s, t, k, now);
	story_settings_rule(s, t, k, now);
	key_rule(s, t, k, now);
	announce_rule(s, t, k, now);
	connected_rule(s, t, k, now);
	story_kd_rules(s, t, k, now);
}

/* The record of @mac asking for @tpa; a new one takes a free slot, else
 * the one asked least recently that was not told (a told one stays, or
 * its problem would be told again), else NULL: 16 problems told */
static struct arp_ask *arp_find(struct watch_story *s,
				const uint8_t mac[ETH_ALEN], uint32_t tpa)
{
	struct arp_ask *q = NULL;

	for (size_t i = 0; i < ARP_TABLE; i++) {
		struct arp_ask *e = &s->arp[i];

		if (e->n && e->tpa == tpa && !memcmp(e->mac, mac, ETH_ALEN))
			return e;
		if (!e->told && (!q || !e->n || (q->n && e->last_ns < q->last_ns)))
			q = e;
	}
	if (!q)
		return NULL;
	*q = (struct arp_ask){ .tpa = tpa };
	memcpy(q->mac, mac, ETH_ALEN);
	return q;
}

/* Is @q a question KDNET asks: for the debugger when its address is
 * known, else anything the debug NIC asks before it sent KDNET */
static bool arp_matters(const struct watch_story *s, const struct arp_ask *q)
{
	const struct an_target *t = analysis_target_of(s->a, q->mac);
	const struct watch_vm *vm = s->vm;

	if (t && t->kdnet_sent)
		return false;
	if (vm->hostip)
		return q->tpa == vm->hostip;
	return vm->debug_nic < 0 ||
	       !memcmp(vm->nics[vm->debug_nic].mac, q->mac, ETH_ALEN);
}

/**
 * story_arp_take() - an ARP frame: a request from the VM counted, a reply
 * answers every request for its address
 * @s:		story
 * @arp:	the frame's ARP
 * @now:	its time
 */
void story_arp_take(struct watch_story *s, const struct arp_view *arp,
		    uint64_t now)
{
	char ip[IP_STRLEN], b[MAC_STRLEN], text[160];
	struct arp_ask *q;

	if (arp->op == ARP_OP_REPLY) {
		for (size_t i = 0; i < ARP_TABLE; i++)
			if (s->arp[i].n && s->arp[i].tpa == arp->spa)
				s->arp[i].answered = true;
		return;
	}
	if (arp->op != ARP_OP_REQUEST || !arp->spa || arp->spa == arp->tpa ||
	    !story_vm_mac(s, arp->sha))
		return;			/* probes and announcements: RFC 3927 */
	q = arp_find(s, arp->sha, arp->tpa);
	if (!q)
		return;
	if (!q->n++)
		q->first_ns = now;
	q->last_ns = now;
	if (q->told || q->answered || q->n < ARP_ASKS ||
	    q->last_ns - q->first_ns < ARP_SPAN_NS || !arp_matters(s, q))
		return;
	q->told = true;
	ip_str(q->tpa, ip);
	story_problem(s, "nobody answers ARP for %s (%u requests in %.0f s)", ip,
		      q->n, (double)(q->last_ns - q->first_ns) / 1e9);
	snprintf(text, sizeof(text), "put WinDbg's host on %s's network, or set "
		 "its address there: bcdedit /dbgsettings net hostip:ADDRESS "
		 "port:P key:K", story_label(s, q->mac, b));
	story_say(s, now, text, "nobody has %s on this link: is WinDbg's host on "
		  "this network? (%s asked %u times in %.0f s, no reply)", ip,
		  story_label(s, q->mac, b), q->n,
		  (double)(q->last_ns - q->first_ns) / 1e9);
}
