// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_kd.c - kdh watch's rules about a debuggee's KD conversation: the
 * guest bugchecked, the guest waits for a debugger that does not answer
 *
 * Theory of operation: the analysis follows the KD packets of every
 * connected debuggee (analyze_kd.c); these rules read what it found, after
 * each frame of the NIC and on the story's one-second timer, since a
 * frozen guest sends nothing but announcements:
 *
 *   bugcheck   a "*** Fatal System Error" DbgPrint (or the boot library's
 *              "*** Fatal Error"), told once with its five numbers
 *   stall      the guest has waited AN_KD_STALL_NS for a continue (or an
 *              answer) since its state change, prompt or file request:
 *              told once per wait, at most STALLS_TOLD per NIC, with what
 *              the debugger did since (nothing, ACKs, requests)
 *
 * Any debugger is judged alike, WinDbg included: a break WinDbg holds is a
 * stall too, and its fix is `g`.
 */
#include <inttypes.h>
#include <stdio.h>

#include "harness/watch/watch_story_priv.h"

#define STALLS_TOLD	3	/* a debugger stepping through code stops
				   the guest at every step */
#define FIX_STALL	"use a debugger that continues (WinDbg, kdh listen) " \
			"or `g` in WinDbg"
#define FIX_BUGCHECK	"the stop code and its parameters name the cause " \
			"(in WinDbg: !analyze -v at the break); `g` lets the " \
			"guest write its dump and reboot"
#define FIX_BOOT_FATAL	"the DbgPrint lines before it say what winload " \
			"could not load (kdh decode lists them); the kernel " \
			"did not start"

static void bugcheck_rule(struct watch_story *s, const struct an_target *t,
			  struct told *k, uint64_t now)
{
	const struct an_kd *kd = &t->kd;
	const struct kd_bugcheck *b = &kd->bugcheck;
	char nums[120];

	if ((k->said & SAID(R_BUGCHECK)) || !kd->bugcheck_seen)
		return;
	k->said |= SAID(R_BUGCHECK);
	snprintf(nums, sizeof(nums), "0x%08" PRIX32 " (0x%" PRIX64 ", 0x%" PRIX64
		 ", 0x%" PRIX64 ", 0x%" PRIX64 ")", b->code, b->param[0],
		 b->param[1], b->param[2], b->param[3]);
	if (kd->bugcheck_boot) {
		story_problem(s, "winload's boot library gave up: Fatal Error %s",
			      nums);
		story_say(s, now, FIX_BOOT_FATAL, "winload's boot library gave up "
			  "before the kernel ran: Fatal Error %s", nums);
		return;
	}
	story_problem(s, "the guest bugchecked: %s", nums);
	story_say(s, now, FIX_BUGCHECK, "the guest bugchecked: %s", nums);
}

static void stall_rule(struct watch_story *s, const struct an_target *t,
		       struct told *k, uint64_t now)
{
	const struct an_kd *kd = &t->kd;
	char who[48], ip[IP_STRLEN], text[320];

	if (!an_kd_stalled(kd, now) || k->stalls_told >= STALLS_TOLD ||
	    (k->stalls_told && k->stall_since_ns == kd->wait_since_ns))
		return;
	k->stalls_told++;
	k->stall_since_ns = kd->wait_since_ns;
	snprintf(who, sizeof(who), "the debugger at %s",
		 ip_str(t->debugger_ip, ip));
	an_kd_wait_text(kd, now, who, text, sizeof(text));
	story_problem(s, "the guest waits for the debugger to %s %s",
		      kd->wait_reply ? "answer" : "continue after",
		      kd->wait_what);
	story_say(s, now, FIX_STALL, "%s", text);
}

/**
 * story_kd_rules() - the KD rules about one NIC (after its frames)
 * @s:		story
 * @t:		the analysis' record of the NIC
 * @k:		what was told of it
 * @now:	the time
 */
void story_kd_rules(struct watch_story *s, const struct an_target *t,
		    struct told *k, uint64_t now)
{
	if (!t->kd.packets)
		return;
	bugcheck_rule(s, t, k, now);
	stall_rule(s, t, k, now);
}

/**
 * story_kd_tick() - what only time shows of a KD conversation: a guest
 * that waits, and sends nothing but announcements meanwhile
 * @s:		story
 * @now:	the timer's time
 */
void story_kd_tick(struct watch_story *s, uint64_t now)
{
	for (size_t i = 0; i < s->told->len; i++) {
		const struct an_target *t = analysis_target(s->a, i);

		if (!t->archived && story_vm_mac(s, t->mac))
			story_kd_rules(s, t, story_told(s, i), now);
	}
}
