// SPDX-License-Identifier: GPL-2.0-or-later
/* listen_kd.c - what `kdh listen` tells of each debuggee's KD conversation
 *
 * Theory of operation: the KD engine (kd_engine.c) answers the guest; this
 * file only reports.  Each note the engine passes up becomes a kd.log line
 * ("   12.345  192.168.2.72:50000  load symbols ntoskrnl.exe at 0x…"),
 * kept in memory and written atomically when kdh listen ends (--kd-log);
 * the ones a person watching wants (the build, DbgPrint, breaks,
 * exceptions, a bugcheck; with -v every module and file request too) are
 * printed as they come.  A bugcheck (or winload's boot library giving
 * up) or a break held makes the exit status 1; a break held also stops kdh listen, with the WinDbg command
 * line to attach in its place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/debugger/listen_priv.h"
#include "kdh/util/fileio.h"
#include "netsim/pkt.h"

static struct listen_peer_kd *peer(struct listen_kd *k, uint32_t ip,
				   uint16_t port)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->peers[i].ip == ip && k->peers[i].port == port)
			return &k->peers[i];
	if (k->n == LISTEN_MAX_PEERS)
		return NULL;
	k->peers[k->n] = (struct listen_peer_kd){ .ip = ip, .port = port };
	return &k->peers[k->n++];
}

static void tally(struct listen_peer_kd *p, const struct kd_note *n)
{
	switch (n->kind) {
	case KD_NOTE_LOAD:	p->modules++; break;
	case KD_NOTE_PRINT:	p->prints++; break;
	case KD_NOTE_FILE_OPEN:	p->files++; break;
	case KD_NOTE_EXCEPTION:
		if (n->sc.code == KD_STATUS_BREAKPOINT ||
		    n->sc.code == KD_STATUS_ASSERTION)
			p->breaks++;
		else
			p->exceptions++;
		break;
	case KD_NOTE_VERSION:
		p->has_version = true;
		p->version = n->ver;
		break;
	default:
		break;
	}
}

/* Printed as it happens: what a person at the console wants to see */
static bool worth_printing(const struct listen_kd *k, const struct kd_note *n)
{
	switch (n->kind) {
	case KD_NOTE_PRINT:
	case KD_NOTE_PROMPT:
	case KD_NOTE_EXCEPTION:
	case KD_NOTE_VERSION:
	case KD_NOTE_COMMAND:
	case KD_NOTE_MALFORMED:
		return true;
	case KD_NOTE_LOAD:
	case KD_NOTE_UNLOAD:
	case KD_NOTE_FILE_OPEN:
		return k->verbose;
	default:
		return false;
	}
}

static void held(struct listen_kd *k, const char *who, double t)
{
	k->held = true;
	printf("[%9.3fs] %s is stopped at a break and waits (--on-break hold).\n"
	       "            kdh listen ends here; to look at the guest, start "
	       "WinDbg in its place:\n"
	       "              windbg -k net:port=%u,key=%s\n", t, who, k->port,
	       k->key_text);
}

/**
 * listen_kd_said() - one note or event of a debuggee's KD engine
 * @k:		reporting state
 * @ip, @port:	the debuggee
 * @o:		what the engine made of its packet
 * @t:		seconds since kdh listen started
 *
 * Return: true when kdh listen should stop (a break held)
 */
bool listen_kd_said(struct listen_kd *k, uint32_t ip, uint16_t port,
		    const struct kd_engine_out *o, double t)
{
	struct listen_peer_kd *p = peer(k, ip, port);
	char who[32], a[IP_STRLEN], line[KD_TEXT_MAX + 160];

	snprintf(who, sizeof(who), "%s:%u", ip_str(ip, a), port);
	if (o->note.kind != KD_NOTE_NONE && kd_note_str(&o->note, line,
							sizeof(line)) > 0) {
		if (p)
			tally(p, &o->note);
		g_string_append_printf(k->log, "%12.6f  %s  %s\n", t, who, line);
		if (worth_printing(k, &o->note))
			printf("[%9.3fs] %s: %s\n", t, who, line);
	}
	if (o->bugcheck_seen) {
		kd_bugcheck_text(&o->bugcheck, line, sizeof(line));
		g_string_append_printf(k->log, "%12.6f  %s  BUGCHECK %s\n", t,
				       who, line);
		printf("[%9.3fs] %s %s: %s\n", t, who, o->bugcheck.boot_library ?
		       "BOOT FAILED (winload's boot library gave up before the "
		       "kernel ran)" : "BUGCHECKED", line);
		k->bugchecks++;
		if (p) {
			p->bugcheck_seen = true;
			p->bugcheck = o->bugcheck;
		}
	}
	if (o->event == KD_ENG_HELD)
		held(k, who, t);
	fflush(stdout);
	return k->held;
}

/**
 * listen_kd_summary() - one line per debuggee that spoke KD
 * @k:		reporting state
 */
void listen_kd_summary(const struct listen_kd *k)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct listen_peer_kd *p = &k->peers[i];
		char a[IP_STRLEN], bc[120] = "no bugcheck";

		if (p->bugcheck_seen) {
			int n = snprintf(bc, sizeof(bc), "%s ",
					 p->bugcheck.boot_library ?
					 "boot library's fatal error" : "bugcheck");

			kd_bugcheck_text(&p->bugcheck, bc + n, sizeof(bc) - (size_t)n);
		}
		printf("kdh listen: %s:%u: ", ip_str(p->ip, a), p->port);
		if (p->has_version)
			printf("Windows build %u (%s, kernel base 0x%llx), ",
			       p->version.build, p->version.major >> 8 == 4 ?
			       "boot debugger" : "kernel",
			       (unsigned long long)p->version.kern_base);
		printf("%u module%s loaded, %u DbgPrint line%s, %u break%s, "
		       "%u exception%s, %s\n", p->modules, p->modules == 1 ? "" : "s",
		       p->prints, p->prints == 1 ? "" : "s", p->breaks,
		       p->breaks == 1 ? "" : "s", p->exceptions,
		       p->exceptions == 1 ? "" : "s", bc);
	}
}

/**
 * listen_kd_write_log() - kd.log, atomically
 * @k:		reporting state
 * @path:	file; NULL: none
 *
 * Return: 0, or a negative errno (the caller says which file)
 */
int listen_kd_write_log(const struct listen_kd *k, const char *path)
{
	if (!path)
		return 0;
	return write_file_durable(path, k->log->str, k->log->len);
}
