// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_model.c - the analysis state every taker records into: each NIC's
 * record of its current boot, found by MAC (made on first sight, archived
 * when the NIC boots again), the lines of its timeline, and t0, the time all
 * figures are measured from.
 *
 * analyze.c (frames in, the analysis's life) and the files of each concern
 * (analyze_addr.c, analyze_kdnet.c, analyze_kd.c, analyze_vm.c,
 * analyze_outcome.c) call down into this file; it calls none of them.
 * Uses: GLib, libc, the struct analysis of analyze_priv.h.
 * Used by: the files of harness/analyze/ above, and through the public
 *   accessors (analysis_target() ...) by watch/, bench/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/analyze/analyze_priv.h"
#include "kdh/analyze/analyze.h"

/**
 * analysis_open_target() - the current boot's record of a NIC, or NULL
 * @a:		analysis
 * @mac:	the NIC
 *
 * Return: target or NULL
 */
struct an_target *analysis_open_target(const struct analysis *a,
				       const uint8_t mac[ETH_ALEN])
{
	return g_hash_table_lookup(a->open, mac);
}

/**
 * analysis_archive_mac() - a new boot of the NIC with @mac begins: what was
 * seen of it so far belongs to the earlier boot
 * @a:		analysis
 * @mac:	the NIC
 */
void analysis_archive_mac(struct analysis *a, const uint8_t mac[ETH_ALEN])
{
	struct an_target *t = analysis_open_target(a, mac);

	if (t) {
		t->archived = true;
		g_hash_table_remove(a->open, t->mac);
	}
}

/**
 * an_target_get() - the current boot's record of a NIC, made on first sight
 * @a:		analysis
 * @mac:	the NIC
 * @now:	the frame's time (its first frame)
 *
 * Return: target, owned by @a
 */
struct an_target *an_target_get(struct analysis *a, const uint8_t mac[ETH_ALEN],
				uint64_t now)
{
	struct an_target *t = analysis_open_target(a, mac);

	if (t)
		return t;
	t = g_new0(struct an_target, 1);
	memcpy(t->mac, mac, ETH_ALEN);
	t->first_frame_ns = now;
	t->first_discover_ns = t->ack_ns = t->first_probe_ns = AN_NONE;
	t->first_kdnet_ns = t->reply_ns = t->connect_ns = AN_NONE;
	t->first_sent_ns = AN_NONE;
	t->ack_pend_ns = t->first_nokey_ns[0] = t->first_nokey_ns[1] = AN_NONE;
	t->events = g_array_new(FALSE, FALSE, sizeof(struct an_event));
	t->announce_ns = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_ptr_array_add(a->targets, t);
	g_hash_table_insert(a->open, t->mac, t);
	return t;
}

/**
 * an_event_add() - a line of the NIC's timeline (past AN_MAX_EVENTS, counted)
 * @t:		target
 * @now:	its time
 * @fmt:	text
 */
void an_event_add(struct an_target *t, uint64_t now, const char *fmt, ...)
{
	struct an_event ev = { .t_ns = now };
	va_list ap;

	if (t->events->len >= AN_MAX_EVENTS) {
		t->events_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	g_array_append_val(t->events, ev);
}

/**
 * analysis_t0() - the time all figures are measured from
 * @a:		analysis
 *
 * Return: the first "power on" event, else the first frame (AN_NONE if empty)
 */
uint64_t analysis_t0(const struct analysis *a)
{
	return a->power_on_ns != AN_NONE ? a->power_on_ns : a->first_ns;
}

/**
 * analysis_has_power_on() - whether t0 is a harness "power on" event
 * @a:		analysis
 *
 * Return: true if the capture held a "power on" comment
 */
bool analysis_has_power_on(const struct analysis *a)
{
	return a->power_on_ns != AN_NONE;
}

/**
 * analysis_n_targets() - number of NICs found
 * @a:		analysis
 *
 * Return: count
 */
size_t analysis_n_targets(const struct analysis *a)
{
	return a->targets->len;
}

/**
 * analysis_target() - one NIC, in order of first appearance
 * @a:		analysis
 * @i:		index below analysis_n_targets()
 *
 * Return: the target, owned by @a
 */
const struct an_target *analysis_target(const struct analysis *a, size_t i)
{
	return g_ptr_array_index(a->targets, i);
}

/**
 * analysis_target_of() - the current boot's record of a NIC
 * @a:		analysis
 * @mac:	the NIC
 *
 * Return: the target, owned by @a, or NULL when the NIC has none (yet)
 */
const struct an_target *analysis_target_of(const struct analysis *a,
					   const uint8_t mac[ETH_ALEN])
{
	return analysis_open_target(a, mac);
}
