// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_story.c - kdh watch's story: the notable events of a VM's
 * debugging boot as they cross the wire, one timestamped line each
 *
 * Theory of operation: after every frame the driver feeds the analysis
 * (the streaming analyzer kdh analyze uses) and then the story, which
 * looks at the analysis' record of the NICs the frame came from or went
 * to and tells what changed since it last looked; a timer calls it once a
 * second for what only time shows.  Each rule prints one line, once, with
 * the time of day and the seconds since the VM's first frame, and its fix
 * under it where one follows:
 *
 *   start      the first frame from one of the VM's NICs (here)
 *   dhcp       2 DISCOVERs from the debug NIC, no OFFER: no DHCP server,
 *              the ~10 minute wait at the logo (watch_rules.c, as below)
 *   apipa      an RFC 3927 probe: the wait is over, 169.254.x.y
 *   arp        3 ARP requests for one address over 2 s, no reply, no KDNET
 *   announce   3 KDNET packets out, nothing back
 *   key        2 KDNET packets that do not verify with the key
 *   connected  a data packet that verifies with the session key (or a
 *              session begun before the watch)
 *   reboot     a new KDNET boot nonce, or a new "power on" in a capture
 *   bugcheck   a bugcheck text from the guest (watch_kd.c, as below)
 *   stall      the guest waits 3 s for a debugger that does not continue
 *              (here too, on the timer: a frozen guest only announces)
 *   silence    --silence after the VM started, no frame from it, or no
 *              KDNET and nothing else told (here, on the timer)
 *
 * A reboot re-arms announce, key and connected for that NIC; a new "power
 * on" (a power cycle or a guest reboot) begins a boot of its own: what was
 * told of the one before (connected, KDNET seen, the silence clock) no
 * longer holds, so a silent boot after a connected one is still told.  The
 * VM's frames are those from its MACs (the config, --mac, a capture's
 * "power on" events); with none known, from the NICs the analysis found
 * acting as debuggees.  The verdict after the summary is the analysis'
 * outcome for the debug NIC's latest boot, and what the boot before came
 * to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness/watch/watch_story_priv.h"
#include "netsim/dhcp.h"

#define FIX_INDENT		20
#define FIX_SILENCE		"kdh check's findings above say which: for " \
				"Hyper-V, cpu: ...,hv-vendor-id=KVMKVMKVM or " \
				"ostype: other, then qm stop and qm start; else " \
				"busparams naming the debug NIC's b.d.f, and " \
				"bcdedit /debug on"

/**
 * watch_story_new() - a story with nothing told
 * @vm:		what is watched (kept, must outlive the story)
 * @a:		the analysis the frames are fed to (read after each)
 * @out:	where the lines go
 * @start_ns:	the watch's start (silence counts from it at the latest)
 *
 * Return: the story
 */
struct watch_story *watch_story_new(const struct watch_vm *vm,
				    const struct analysis *a, FILE *out,
				    uint64_t start_ns)
{
	struct watch_story *s = g_new0(struct watch_story, 1);

	s->vm = vm;
	s->a = a;
	s->out = out;
	s->start_ns = start_ns;
	s->first_ns = s->power_on_ns = s->boot_frame_ns = AN_NONE;
	s->told = g_array_new(FALSE, TRUE, sizeof(struct told));
	s->index = g_hash_table_new(g_direct_hash, g_direct_equal);
	return s;
}

/** watch_story_free() - release a story (NULL is fine) */
void watch_story_free(struct watch_story *s)
{
	if (!s)
		return;
	g_array_free(s->told, TRUE);
	g_hash_table_destroy(s->index);
	g_free(s);
}

/* "23:10:04" of the wall clock, local time */
static void hms(uint64_t t_ns, char buf[16])
{
	time_t sec = (time_t)(t_ns / NS_PER_S);
	struct tm tm;

	if (!localtime_r(&sec, &tm) || !strftime(buf, 16, "%H:%M:%S", &tm))
		snprintf(buf, 16, "--:--:--");
}

static void vsay(struct watch_story *s, uint64_t t_ns, const char *fix,
		 const char *fmt, va_list ap)
{
	char when[16], rel[24] = "-";

	hms(t_ns, when);
	if (s->first_ns != AN_NONE && t_ns >= s->first_ns)
		snprintf(rel, sizeof(rel), "+%.3fs",
			 (double)(t_ns - s->first_ns) / 1e9);
	fprintf(s->out, "%s %10s  ", when, rel);
	vfprintf(s->out, fmt, ap);
	fputc('\n', s->out);
	if (fix)
		fprintf(s->out, "%*sfix: %s\n", FIX_INDENT, "", fix);
	fflush(s->out);
}

/** story_say() - a timestamped line of the story, and its fix under it */
void story_say(struct watch_story *s, uint64_t t_ns, const char *fix,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(s, t_ns, fix, fmt, ap);
	va_end(ap);
}

/** story_problem() - count a problem told; the first is kept in a few
 * words, for a verdict on a watch it stopped */
void story_problem(struct watch_story *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->problems++) {
		va_start(ap, fmt);
		vsnprintf(s->first_problem, sizeof(s->first_problem), fmt, ap);
		va_end(ap);
	}
}

/**
 * watch_story_note() - a line of the watch itself (an interface gone, a
 * stop), timestamped like the story's
 * @s:		story
 * @now_ns:	its time
 * @fmt:	text
 */
void watch_story_note(struct watch_story *s, uint64_t now_ns, const char *fmt,
		      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(s, now_ns, NULL, fmt, ap);
	va_end(ap);
}

/* A NIC a "power on" event named (a capture of kdh run, the pid file's) */
static const struct an_vm_nic *event_nic(const struct analysis *a,
					 const uint8_t mac[ETH_ALEN])
{
	for (size_t i = 0; i < analysis_n_vms(a); i++) {
		const struct an_vm *v = analysis_vm(a, i);

		for (size_t j = 0; j < v->n_nics; j++)
			if (!memcmp(v->nics[j].mac, mac, ETH_ALEN))
				return &v->nics[j];
	}
	return NULL;
}

/* Whether the VM's MACs are known (config, --mac, "power on" events) */
static bool macs_known(const struct watch_story *s, const struct analysis *a)
{
	bool events = false;

	for (size_t i = 0; i < analysis_n_vms(a); i++)
		events |= analysis_vm(a, i)->n_nics > 0;
	return s->vm->n_nics || events;
}

/** story_vm_mac() - a frame or a target of the VM: its MACs when known,
 * else any debuggee */
bool story_vm_mac(const struct watch_story *s, const uint8_t mac[ETH_ALEN])
{
	const struct analysis *a = s->a;

	if (s->vm->n_nics)
		return watch_nic_of(s->vm, mac) != NULL;
	if (macs_known(s, a))
		return event_nic(a, mac) != NULL;
	return analysis_target_of(a, mac) != NULL;
}

/** story_label() - "net1", or the MAC when nothing names it */
const char *story_label(const struct watch_story *s, const uint8_t mac[ETH_ALEN],
			char buf[MAC_STRLEN])
{
	const struct watch_nic *n = watch_nic_of(s->vm, mac);
	const struct an_vm_nic *e = event_nic(s->a, mac);

	if (n && n->name[0])
		return n->name;
	if (e)
		return e->name;
	return mac_str(mac, buf);
}

/** story_nic_name() - "net1 (bc:24:...)", or the MAC alone when nothing
 * names it */
const char *story_nic_name(const struct watch_story *s,
			   const uint8_t mac[ETH_ALEN], char buf[48])
{
	char b[MAC_STRLEN], m[MAC_STRLEN];
	const char *name = story_label(s, mac, b);

	mac_str(mac, m);
	if (strcmp(name, m))
		snprintf(buf, 48, "%s (%s)", name, m);
	else
		snprintf(buf, 48, "%s", m);
	return buf;
}

/** story_network() - "vmbr1", or "this network" when the bridge is not known */
const char *story_network(const struct watch_story *s,
			  const uint8_t mac[ETH_ALEN])
{
	const struct watch_nic *n = watch_nic_of(s->vm, mac);

	return n && n->bridge[0] ? n->bridge : "this network";
}

/** story_debug_candidate() - the debug NIC, or one that sent KDNET, or any
 * when kdh check named none */
bool story_debug_candidate(const struct watch_story *s,
			   const struct an_target *t)
{
	const struct watch_vm *vm = s->vm;

	return vm->debug_nic < 0 || t->kdnet_sent ||
	       !memcmp(vm->nics[vm->debug_nic].mac, t->mac, ETH_ALEN);
}

/** story_vm_start() - the latest "power on" up to @now (the pid file's, a
 * capture's), else AN_NONE */
uint64_t story_vm_start(const struct watch_story *s, uint64_t now)
{
	const struct analysis *a = s->a;
	uint64_t best = AN_NONE;

	for (size_t i = 0; i < analysis_n_vms(a); i++) {
		uint64_t p = analysis_vm(a, i)->power_on_ns;

		if (p <= now && (best == AN_NONE || p > best))
			best = p;
	}
	return best;
}

/* What a frame is, in a few words */
static void describe(const struct frame_view *v, char *buf, size_t len)
{
	char x[IP_STRLEN], y[IP_STRLEN];
	struct dhcp_view d;

	if (v->kind == FRAME_ARP && v->arp.op == ARP_OP_REQUEST && !v->arp.spa)
		snprintf(buf, len, "ARP probe for %s", ip_str(v->arp.tpa, x));
	else if (v->kind == FRAME_ARP && v->arp.op == ARP_OP_REQUEST)
		snprintf(buf, len, "ARP who-has %s tell %s", ip_str(v->arp.tpa, x),
			 ip_str(v->arp.spa, y));
	else if (v->kind == FRAME_ARP)
		snprintf(buf, len, "ARP reply from %s", ip_str(v->arp.spa, x));
	else if (v->kind == FRAME_UDP && (v->udp.dport == DHCP_SERVER_PORT ||
					  v->udp.dport == DHCP_CLIENT_PORT) &&
		 !dhcp_parse(v->udp.payload, v->udp.len, &d))
		snprintf(buf, len, "%s", dhcp_msg_name(d.msg_type));
	else if (v->kind == FRAME_UDP && kdnet_looks_like(v->udp.payload, v->udp.len))
		snprintf(buf, len, "KDNET to %s:%u", ip_str(v->ip.dst, x),
			 v->udp.dport);
	else if (v->kind == FRAME_UDP || v->kind == FRAME_IPV4)
		snprintf(buf, len, "IPv4 %s > %s", ip_str(v->ip.src, x),
			 ip_str(v->ip.dst, y));
	else
		snprintf(buf, len, "ethertype 0x%04x", v->eth.type);
}

static void start_rule(struct watch_story *s, const struct frame_view *v,
		       const char *iface, uint64_t now)
{
	uint64_t on = story_vm_start(s, now);
	char what[96], after[64] = "", who[48];

	s->first_ns = now;
	describe(v, what, sizeof(what));
	if (on != AN_NONE)
		snprintf(after, sizeof(after), ", %.1f s after the VM started",
			 (double)(now - on) / 1e9);
	story_nic_name(s, v->eth.src, who);
	story_say(s, now, NULL, "the VM is up: first frame from %s on %s: %s%s", who,
		  iface, what, after);
}

/* Targets the analysis made since the last frame: recorded */
static void targets_sync(struct watch_story *s, const struct analysis *a)
{
	for (size_t i = s->told->len; i < analysis_n_targets(a); i++) {
		const struct an_target *t = analysis_target(a, i);
		struct told k = { .boot_ns = AN_NONE, .first_sent_ns = AN_NONE };

		g_array_append_val(s->told, k);
		g_hash_table_insert(s->index, (gpointer)t, GSIZE_TO_POINTER(i + 1));
	}
}

/* The VM of the latest "power on" when it is the watched one (its NICs
 * are the VM's, or nothing else names them), else NULL */
static const struct an_vm *booted_vm(const struct watch_story *s,
				     uint64_t on)
{
	const struct analysis *a = s->a;

	for (size_t i = 0; i < analysis_n_vms(a); i++) {
		const struct an_vm *v = analysis_vm(a, i);
		bool mine = !v->n_nics;

		if (v->power_on_ns != on)
			continue;
		for (size_t j = 0; j < v->n_nics; j++)
			mine |= story_vm_mac(s, v->nics[j].mac);
		if (mine)
			return v;
	}
	return NULL;
}

/* How a boot began, from the "power off" before it */
static const char *boot_how(const struct an_vm *v)
{
	if (!strcmp(v->boot_kind, "guest"))
		return "a reboot from the guest";
	if (!strcmp(v->boot_kind, "power"))
		return "powered off and on";
	if (!strcmp(v->boot_kind, "restart"))
		return "QEMU started again";
	return "a new boot";
}

/* A new "power on" of the VM: what was told of the boot before does not
 * hold for this one (connected, KDNET seen, the silence clock) */
static void boot_sync(struct watch_story *s, uint64_t now)
{
	uint64_t on = story_vm_start(s, now);
	const struct an_vm *v;

	if (on == AN_NONE || on == s->power_on_ns)
		return;
	v = booted_vm(s, on);
	if (!v)
		return;
	s->power_on_ns = on;
	if (!s->boots++)
		return;
	s->boot_frame_ns = AN_NONE;
	s->boot_problems = s->problems;
	s->silence_told = s->kdnet_seen = s->connected = false;
	s->settings_differ[0] = '\0';
	story_say(s, now, NULL, "the VM starts again: boot %u, %s (a new \"power "
		  "on\")", v->boots, boot_how(v));
}

static void evaluate_mac(struct watch_story *s, const struct analysis *a,
			 const uint8_t mac[ETH_ALEN], uint64_t now)
{
	const struct an_target *t = analysis_target_of(a, mac);
	gsize i = t ? GPOINTER_TO_SIZE(g_hash_table_lookup(s->index, t)) : 0;

	if (i)
		story_evaluate(s, i - 1, now);
}

/**
 * watch_story_frame() - tell what a frame changed
 * @s:		story (its analysis already fed @f)
 * @f:		the frame (or an event-only record)
 * @iface:	where it was captured
 */
void watch_story_frame(struct watch_story *s, const struct cap_frame *f,
		       const char *iface)
{
	const struct analysis *a = s->a;
	uint64_t now = f->ts_ns;
	struct frame_view v;
	bool mine;

	s->last_ns = now;
	targets_sync(s, a);
	boot_sync(s, now);
	if (!f->caplen)
		return;			/* a harness event, not a wire frame */
	s->frames++;
	if (f->linktype == LINKTYPE_USER1 ||	/* serial bytes: the verdict's */
	    frame_parse(f->linktype, f->data, f->caplen, &v) || !v.eth.has_mac)
		return;
	mine = story_vm_mac(s, v.eth.src);
	if (mine && s->first_ns == AN_NONE)
		start_rule(s, &v, iface, now);
	if (mine && s->boot_frame_ns == AN_NONE)
		s->boot_frame_ns = now;
	if (v.kind == FRAME_ARP)
		story_arp_take(s, &v.arp, now);
	evaluate_mac(s, a, v.eth.src, now);
	if (memcmp(v.eth.src, v.eth.dst, ETH_ALEN))
		evaluate_mac(s, a, v.eth.dst, now);
}

/**
 * watch_story_tick() - what only time shows: no KDNET from the VM, a
 * guest that waits for the debugger
 * @s:		story
 * @now_ns:	the time
 *
 * Silence: --silence after the VM started, no frame from it at all, or
 * frames but no KDNET packet and nothing else told (a DHCP wait, an
 * unanswered ARP explain themselves): the OS's own networking after a boot
 * whose KDNET took the Hyper-V transport, or never started.  It counts
 * from the VM's start when the watch began with it (within LATE_START_NS),
 * else from the watch's: frames before it are not known, and a DHCP
 * client may wait 64 s between DISCOVERs.
 */
void watch_story_tick(struct watch_story *s, uint64_t now_ns)
{
	uint64_t on = story_vm_start(s, now_ns), from = s->start_ns;
	bool with_vm = on != AN_NONE && on + LATE_START_NS >= s->start_ns;
	char since[96], what[96];

	s->last_ns = now_ns;
	story_kd_tick(s, now_ns);
	if (s->silence_told || s->kdnet_seen || s->problems > s->boot_problems ||
	    s->connected)
		return;
	if (with_vm)
		from = on;
	if (now_ns < from + s->vm->silence_ns)
		return;
	s->silence_told = true;
	if (with_vm)
		snprintf(since, sizeof(since), "%.0f s after the VM started%s",
			 (double)s->vm->silence_ns / 1e9, s->boots > 1 ?
			 " again" : "");
	else
		snprintf(since, sizeof(since), "in %.0f s of watching%s",
			 (double)s->vm->silence_ns / 1e9, on != AN_NONE ?
			 " (the VM started earlier)" : "");
	if (s->boot_frame_ns == AN_NONE)
		snprintf(what, sizeof(what), "no frame from any NIC%s",
			 macs_known(s, s->a) ? " of the VM" : " (no DHCP, RFC 3927 "
			 "or KDNET)");
	else
		snprintf(what, sizeof(what), "no KDNET from any NIC (only the "
			 "OS's own frames)");
	story_problem(s, "%s %s", what, since);
	story_say(s, now_ns, FIX_SILENCE, "%s %s: Hyper-V enlightenments, or "
		  "busparams names no NIC (or debugging is off)", what, since);
}

/**
 * watch_story_done() - whether an --until condition is met
 * @s:		story
 * @until:	the condition
 *
 * Return: true to stop
 */
bool watch_story_done(const struct watch_story *s, enum watch_until until)
{
	switch (until) {
	case WATCH_UNTIL_CONNECTED:
		return s->connected;
	case WATCH_UNTIL_HANG:
		return s->problems > 0;
	case WATCH_UNTIL_ANY:
		return s->connected || s->problems > 0;
	default:
		return false;
	}
}
