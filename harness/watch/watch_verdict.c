// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_verdict.c - kdh watch's last line: the verdict on the VM's latest
 * boot, after the summary
 *
 * The verdict is the analysis' outcome (kdh analyze's) for the NIC the
 * story is about, so the two never disagree; what the watch knows beyond
 * the analysis changes its words only: no key (where to give one), a boot
 * before the latest (what it came to), a watch cut short on a problem.
 */
#include <stdio.h>
#include <string.h>

#include "harness/watch/watch_story_priv.h"
#include "kdh/cmd/cli.h"

/* The NIC the verdict is about: the latest boot of the one that sent
 * KDNET (kdh check's debug NIC first), else of one that asked ARP for the
 * debugger, else the VM's first */
static const struct an_target *verdict_target(const struct watch_story *s,
					      const struct analysis *a)
{
	const struct an_target *pick[3] = { NULL, NULL, NULL };
	const struct watch_vm *vm = s->vm;

	for (size_t i = 0; i < analysis_n_targets(a); i++) {
		const struct an_target *t = analysis_target(a, i);

		if (t->archived || !story_vm_mac(s, t->mac))
			continue;
		if (t->kdnet_sent && (!pick[0] || (vm->debug_nic >= 0 &&
		    !memcmp(vm->nics[vm->debug_nic].mac, t->mac, ETH_ALEN))))
			pick[0] = t;
		if (t->arp_for_debugger && !pick[1])
			pick[1] = t;
		if (!pick[2])
			pick[2] = t;
	}
	return pick[0] ? pick[0] : pick[1] ? pick[1] : pick[2];
}

/* The earlier boot's record of the NIC the verdict is about: the latest
 * archived target of the VM, one that sent KDNET first */
static const struct an_target *earlier_target(const struct watch_story *s,
					      const struct analysis *a)
{
	const struct an_target *pick = NULL;

	for (size_t i = 0; i < analysis_n_targets(a); i++) {
		const struct an_target *t = analysis_target(a, i);

		if (!t->archived || !story_vm_mac(s, t->mac))
			continue;
		if (!pick || t->kdnet_sent || !pick->kdnet_sent)
			pick = t;
	}
	return pick;
}

/* "; the boot before: connected (debugger replied ...)", or "" */
static void earlier_say(const struct watch_story *s, char *buf, size_t len)
{
	const struct an_target *t = earlier_target(s, s->a);
	struct an_metrics met;

	buf[0] = '\0';
	if (s->boots < 2)
		return;
	if (!t) {
		snprintf(buf, len, "; the boot before: nothing seen");
		return;
	}
	an_metrics_compute(s->a, t, &met);
	snprintf(buf, len, "; the boot before: %s (%s)",
		 an_outcome_name(met.outcome), met.why);
}

/* Serial KD, which the lines do not follow: the first serial link that
 * connected, else the first; the exit status, or -1 without one */
static int verdict_serial(const struct watch_story *s, const char *told)
{
	const struct analysis *a = s->a;
	struct an_serial_info l, pick;
	bool any = false;

	for (size_t i = 0; i < AN_MAX_SERIALS; i++) {
		if (!analysis_serial(a, i, &l) || (any && (pick.connections ||
							  !l.connections)))
			continue;
		pick = l;
		any = true;
	}
	if (!any)
		return -1;
	if (pick.connections)
		fprintf(s->out, "verdict: connected over serial (%s <-> %s): a KD "
			"RESET answered %.3f s after t0 (serial KD: the lines above "
			"follow KDNET only); %s\n", pick.end[0], pick.end[1],
			(double)(pick.first_connect_ns - analysis_t0(a)) / 1e9, told);
	else
		fprintf(s->out, "verdict: not connected over serial (%s <-> %s): no "
			"KD RESET answered (serial KD: the lines above follow KDNET "
			"only); %s\n", pick.end[0], pick.end[1], told);
	fflush(s->out);
	return pick.connections ? KDH_EXIT_OK : KDH_EXIT_FAIL;
}

/* No target in the latest boot: nothing from the VM, or nothing KDNET,
 * DHCP or RFC 3927 */
static int verdict_none(const struct watch_story *s, const char *told,
			const char *earlier)
{
	char boot[96] = "";

	if (s->boots > 1)
		snprintf(boot, sizeof(boot), " in boot %u (%.1f s since its \"power "
			 "on\")", s->boots, (double)(s->last_ns - s->power_on_ns) /
			 1e9);
	if (s->boots > 1 && s->boot_frame_ns == AN_NONE)
		fprintf(s->out, "verdict: nothing seen%s: no frame from the VM's "
			"NICs since%s; %s\n", boot, earlier, told);
	else if (s->first_ns == AN_NONE)
		fprintf(s->out, "verdict: nothing seen: no frame from the VM's NICs "
			"(%llu frame%s read); %s\n", (unsigned long long)s->frames,
			s->frames == 1 ? "" : "s", told);
	else
		fprintf(s->out, "verdict: no-kdnet-traffic%s: the VM's frames had no "
			"DHCP, RFC 3927 probe or KDNET (the lines above say what "
			"they were)%s; %s\n", boot, earlier, told);
	fflush(s->out);
	return KDH_EXIT_FAIL;
}

/* An outcome of the KD conversation, decided from what was seen (a watch
 * stopped on it is not cut short) */
static bool kd_outcome(enum an_outcome o)
{
	return o == AN_BUGCHECK || o == AN_BREAK || o == AN_STALLED;
}

/**
 * watch_story_end() - the verdict line, after the summary
 * @s:		story (its analysis fed everything captured)
 * @until:	--until stopped the watch: the boot was cut short
 *
 * A watch --until stopped on a problem is undecided: the capture ends
 * before the boot does, so the analysis' outcome (no KDNET yet, say) is
 * not the boot's; the verdict names the problem instead.  A guest that
 * waits for the debugger is judged at the watch's last tick, not at its
 * last frame (a frozen guest sends announcements only).  The verdict is
 * of the latest boot; after a new "power on" it says what
 * the boot before came to.  Without a key the analysis says not-verified
 * (never key-mismatch); the verdict says where the key comes from.
 *
 * Return: KDH_EXIT_OK when the debug NIC is connected, else KDH_EXIT_FAIL
 * (a problem, not verified, or nothing seen)
 */
int watch_story_end(const struct watch_story *s, bool until)
{
	const struct analysis *a = s->a;
	const struct an_target *t = verdict_target(s, a);
	char who[48], told[32], earlier[300];
	const char *outcome;
	struct an_metrics met;
	int rc;

	snprintf(told, sizeof(told), "%u problem%s told", s->problems,
		 s->problems == 1 ? "" : "s");
	earlier_say(s, earlier, sizeof(earlier));
	if (!t && (rc = verdict_serial(s, told)) >= 0)
		return rc;
	if (!t)
		return verdict_none(s, told, earlier);
	an_metrics_compute(a, t, &met);
	if (met.outcome == AN_CONNECTED && an_kd_stalled(&t->kd, s->last_ns) &&
	    !an_kd_stalled(&t->kd, analysis_end_ns(a)))	/* by a later tick */
		an_kd_outcome(t, s->last_ns, &met.outcome, met.why,
			      sizeof(met.why));
	outcome = an_outcome_name(met.outcome);
	if (until && s->problems && met.outcome != AN_CONNECTED &&
	    !kd_outcome(met.outcome)) {
		outcome = "undecided";
		snprintf(met.why, sizeof(met.why), "the watch stopped (--until) on "
			 "%s", s->first_problem);
	} else if (met.outcome == AN_NOT_VERIFIED) {
		snprintf(met.why, sizeof(met.why), "%u KDNET packets sent (%u of "
			 "an announcement's size), %u received; no key to verify "
			 "them (--key, or --bcdedit with one)", t->kdnet_sent,
			 t->announce_sized, t->kdnet_received);
	}
	fprintf(s->out, "verdict: %s on %s: %s%s%s%s; %s\n", outcome,
		story_nic_name(s, t->mac, who), met.why,
		s->settings_differ[0] ? "; " : "", s->settings_differ, earlier,
		told);
	fflush(s->out);
	return met.outcome == AN_CONNECTED ? KDH_EXIT_OK : KDH_EXIT_FAIL;
}
