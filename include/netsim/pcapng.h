/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapng.h - pcapng writer: one interface per switch port, nanosecond
 * timestamps from the loop clock, harness events as packet comments
 *
 * The file is written as PATH.partial and renamed to PATH by
 * ns_pcapng_close(), so a reader never sees half a capture under the final
 * name.  Wireshark and tshark open the result.
 */
#ifndef NETSIM_PCAPNG_H
#define NETSIM_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "netsim/switch.h"

#define NS_EVENTS_IFACE	"kdh-events"

struct ns_pcapng;

struct ns_pcapng *ns_pcapng_open(const char *path, char *err, size_t errlen);
void ns_pcapng_set_time_base(struct ns_pcapng *w, uint64_t base_ns);
int ns_pcapng_iface(struct ns_pcapng *w, const char *name, uint16_t linktype);
int ns_pcapng_packet(struct ns_pcapng *w, int iface, uint64_t ts_ns,
		     const uint8_t *data, size_t len, const char *comment);
int ns_pcapng_stream(struct ns_pcapng *w, int iface, uint64_t ts_ns,
		     uint8_t tag, const uint8_t *buf, size_t len);
int ns_pcapng_event(struct ns_pcapng *w, uint64_t ts_ns, const char *text);
int ns_pcapng_attach(struct ns_pcapng *w, struct ns_switch *sw);
int ns_pcapng_flush(struct ns_pcapng *w);
void ns_pcapng_set_limit(struct ns_pcapng *w, uint64_t max_bytes,
			 void (*full)(void *opaque), void *opaque);
uint64_t ns_pcapng_dropped(const struct ns_pcapng *w);
uint64_t ns_pcapng_bytes(const struct ns_pcapng *w);
uint64_t ns_pcapng_packets(const struct ns_pcapng *w);
int ns_pcapng_close(struct ns_pcapng *w);
void ns_pcapng_discard(struct ns_pcapng *w);

#endif /* NETSIM_PCAPNG_H */
