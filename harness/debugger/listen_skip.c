// SPDX-License-Identifier: GPL-2.0-or-later
/* listen_skip.c - the datagrams `kdh listen` skips: what is not KDNET, a
 * KDNET header of a wrong length or channel, one cut by the socket
 * buffer, and (counted by the debugger) those that do not verify with the
 * key.  Each is counted, never handed on half-read; the first of each kind
 * is said once, -v says each (up to LISTEN_SKIP_SHOWN), and the end of the
 * run says how many of each kind were skipped.
 */
#include <inttypes.h>
#include <stdio.h>

#include "harness/debugger/listen_priv.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/pkt.h"

#define LISTEN_SKIP_SHOWN	50	/* -v lines before "the rest are counted" */

static const char *const what[LISTEN_SKIP_KINDS] = {
	[LISTEN_SKIP_NOT_KDNET] = "not KDNET (no \"MDBG\" magic)",
	[LISTEN_SKIP_HEADER] = "a KDNET header with a wrong length or channel",
	[LISTEN_SKIP_CUT] = "longer than a UDP datagram over IPv4, cut",
};

/**
 * listen_skip_kind() - whether a received datagram is one kdh listen can
 * read, and if not, why (a pure function of its bytes)
 * @d:		the datagram
 * @len:	its length as received
 * @cut:	the socket cut it (MSG_TRUNC)
 *
 * Return: LISTEN_SKIP_NONE to hand it on, else the kind to count
 */
enum listen_skip listen_skip_kind(const uint8_t *d, size_t len, bool cut)
{
	struct kdnet_outer o;

	if (cut)
		return LISTEN_SKIP_CUT;
	if (!kdnet_looks_like(d, len))
		return LISTEN_SKIP_NOT_KDNET;
	if (kdnet_outer_parse(d, len, &o))
		return LISTEN_SKIP_HEADER;
	return LISTEN_SKIP_NONE;
}

/**
 * listen_skip_note() - count a skipped datagram; say the first of its kind
 * (every one with @verbose, up to a limit)
 * @s:		counters
 * @kind:	why it is skipped
 * @ip, @port:	where it came from
 * @len:	its length
 * @t:		seconds since kdh listen began
 * @verbose:	-v
 */
void listen_skip_note(struct listen_skips *s, enum listen_skip kind,
		      uint32_t ip, uint16_t port, size_t len, double t,
		      bool verbose)
{
	char a[IP_STRLEN];
	bool first = !s->n[kind]++;

	if (verbose) {
		if (s->shown > LISTEN_SKIP_SHOWN)
			return;
		if (s->shown++ == LISTEN_SKIP_SHOWN) {
			printf("[%9.3fs] more datagrams to skip: counted, no "
			       "longer shown\n", t);
			return;
		}
	} else if (!first) {
		return;
	}
	printf("[%9.3fs] skipped a datagram from %s:%u (%zu bytes): %s%s\n", t,
	       ip_str(ip, a), port, len, what[kind],
	       first && !verbose ? "; the others like it are counted (-v shows "
	       "each)" : "");
	fflush(stdout);
}

/**
 * listen_skip_summary() - the end of the run's line on what was skipped:
 * nothing when every datagram was read
 * @s:		counters
 * @unverified:	datagrams the debugger rejected (they do not verify with
 *		the key, or data before any session key)
 */
void listen_skip_summary(const struct listen_skips *s, uint64_t unverified)
{
	uint64_t total = unverified;
	const char *sep = "";

	for (int k = 0; k < LISTEN_SKIP_KINDS; k++)
		total += s->n[k];
	if (!total)
		return;
	printf("kdh listen: skipped %" PRIu64 " datagram%s: ", total,
	       total == 1 ? "" : "s");
	for (int k = 0; k < LISTEN_SKIP_KINDS; k++)
		if (s->n[k]) {
			printf("%s%" PRIu64 " %s", sep, s->n[k], what[k]);
			sep = ", ";
		}
	if (unverified)
		printf("%s%" PRIu64 " that did not verify with the key (or "
		       "came before a handshake)", sep,
		       unverified);
	printf("\n");
}
