// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_settings.c - kdh watch's rule about the running guest against the
 * bcdedit file it was given
 *
 * Theory of operation: `bcdedit /dbgsettings` takes effect at the next
 * boot, so a guest not rebooted since (or another VM than the one whose
 * bcdedit output was saved) runs other settings than the file says.  The
 * wire shows the running ones: the debugger address and port the
 * debuggee's KDNET packets go to, and whether WinDbg answers them.  WinDbg
 * answers only announcements that verify with its key (kdnet-protocol.md
 * section 5), and control packets always use the base key: the file's key
 * verifying none of the guest's packets means the guest runs another key
 * (shared with WinDbg when WinDbg answers).
 * Either is said before any word about a wrong key, and instead of it:
 * the fix is a reboot or the right VM, not another key for WinDbg.
 */
#include <stdio.h>
#include <string.h>

#include "harness/watch/watch_story_priv.h"

#define SETTINGS_BAD_PACKETS	2	/* as the key rule: not one damaged */

/* "192.168.2.1:50000" into @buf */
static const char *addr_port(uint32_t ip, uint16_t port, char *buf, size_t len)
{
	char b[IP_STRLEN];

	snprintf(buf, len, "%s:%u", ip_str(ip, b), port);
	return buf;
}

/* The file's key is the one in use and verifies none of the guest's
 * packets: control packets always use the base key, so the guest runs
 * another one */
static bool key_not_files(const struct watch_story *s, const struct an_target *t)
{
	const struct watch_vm *vm = s->vm;

	return vm->key_from && !strcmp(vm->key_from, WATCH_KEY_BCDEDIT) &&
	       t->kdnet_failed >= SETTINGS_BAD_PACKETS && !t->kdnet_verified;
}

/**
 * story_settings_rule() - the guest's KDNET goes elsewhere than the bcdedit
 * file says, or WinDbg answers it with a key that is not the file's
 * @s:		story
 * @t:		the NIC's record
 * @k:		what was told of it
 * @now:	the time of the line
 */
void story_settings_rule(struct watch_story *s, const struct an_target *t,
			 struct told *k, uint64_t now)
{
	const struct watch_vm *vm = s->vm;
	bool addr = vm->hostip && t->debugger_ip != vm->hostip;
	bool port = vm->port_known && t->debugger_port != vm->port;
	bool key = key_not_files(s, t);
	char wire[32], file[32], b[MAC_STRLEN];

	if ((k->said & SAID(R_SETTINGS)) || !t->kdnet_sent || !(addr || port ||
	    key) || !story_debug_candidate(s, t))
		return;
	k->said |= SAID(R_SETTINGS);
	addr_port(t->debugger_ip, t->debugger_port, wire, sizeof(wire));
	addr_port(vm->hostip ? vm->hostip : t->debugger_ip, vm->port_known ?
		  vm->port : t->debugger_port, file, sizeof(file));
	if (addr || port)
		snprintf(s->settings_differ, sizeof(s->settings_differ), "the "
			 "guest talks to %s, bcdedit says %s: the running guest "
			 "does not use these settings", wire, file);
	else if (t->kdnet_received)
		snprintf(s->settings_differ, sizeof(s->settings_differ), "WinDbg "
			 "at %s answers the guest, so they share a key, not "
			 "bcdedit's: the running guest does not use these "
			 "settings", wire);
	else
		snprintf(s->settings_differ, sizeof(s->settings_differ), "bcdedit's "
			 "key verifies none of the guest's packets to %s: the "
			 "running guest does not use these settings", wire);
	story_problem(s, "the running guest does not use bcdedit's settings");
	story_say(s, now, "reboot the guest (bcdedit /dbgsettings takes effect "
		  "at the next boot), or check that bcdedit's output is of this "
		  "VM", "%s (%s)%s", s->settings_differ, story_label(s, t->mac, b),
		  key && (addr || port) ? "; nor does bcdedit's key verify its "
		  "packets" : "");
}
