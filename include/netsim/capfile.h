/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capfile.h - capture file reader: pcap and pcapng, plain or gzip
 *
 * The reader streams: capfile_next() returns one frame at a time and its data
 * stays valid until the next call.  A truncated or damaged file yields every
 * frame before the damage, then ends with a warning (capfile_warning()), as
 * Wireshark does; only a file that is not a capture at all is an error.
 */
#ifndef NETSIM_CAPFILE_H
#define NETSIM_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types (www.tcpdump.org/linktypes.html) */
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101
#define LINKTYPE_LINUX_SLL	113
#define LINKTYPE_IPV4		228
#define LINKTYPE_USER0		147	/* kdh-events: comments only */
#define LINKTYPE_USER1		148	/* kdh-serial: serial line bytes */

/**
 * struct cap_frame - one captured frame
 * @ts_ns:	timestamp, ns since the epoch (or since 0 in virtual time)
 * @iface:	pcapng interface id (0 for pcap)
 * @linktype:	LINKTYPE_* of that interface
 * @data:	captured bytes, valid until the next capfile_next()
 * @caplen:	bytes in @data
 * @origlen:	length on the wire
 * @comment:	the frame's first opt_comment (NUL-terminated) or NULL
 */
struct cap_frame {
	uint64_t ts_ns;
	uint32_t iface;
	uint16_t linktype;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t origlen;
	const char *comment;
};

struct capfile;

struct capfile *capfile_open(const char *path, char *err, size_t errlen);
struct capfile *capfile_open_mem(const uint8_t *buf, size_t len,
				 char *err, size_t errlen);
int capfile_next(struct capfile *cf, struct cap_frame *f);
const char *capfile_warning(const struct capfile *cf);
uint64_t capfile_skipped(const struct capfile *cf);
const char *capfile_format(const struct capfile *cf);
uint64_t capfile_frames(const struct capfile *cf);
void capfile_close(struct capfile *cf);

/* Pure block parsers, shared by the reader and the tests/fuzzers */

/**
 * struct pcap_global - classic pcap file header
 * @swapped:	file written with the other byte order
 * @nsec:	timestamps in nanoseconds (else microseconds)
 * @linktype:	LINKTYPE_*
 * @snaplen:	as written
 */
struct pcap_global {
	bool swapped;
	bool nsec;
	uint16_t linktype;
	uint32_t snaplen;
};

/**
 * struct pcapng_idb - what the reader keeps of an interface description
 * @linktype:	LINKTYPE_*
 * @tsresol:	if_tsresol byte (default 6: microseconds)
 * @tsoffset_s:	if_tsoffset, seconds to add
 */
struct pcapng_idb {
	uint16_t linktype;
	uint8_t tsresol;
	int64_t tsoffset_s;
};

/**
 * struct pcapng_epb - an enhanced (or simple/obsolete) packet block
 * @iface:	interface id
 * @ts:		raw timestamp in the interface's units
 * @data:	points into the block
 * @caplen:	bytes captured
 * @origlen:	bytes on the wire
 * @comment:	first opt_comment, points into the block, or NULL
 * @comment_len: its length (not NUL-terminated in the block)
 */
struct pcapng_epb {
	uint32_t iface;
	uint64_t ts;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t origlen;
	const uint8_t *comment;
	uint16_t comment_len;
};

#define PCAPNG_SHB		0x0a0d0d0au
#define PCAPNG_IDB		0x00000001u
#define PCAPNG_PB_OBSOLETE	0x00000002u
#define PCAPNG_SPB		0x00000003u
#define PCAPNG_EPB		0x00000006u
#define PCAPNG_BOM		0x1a2b3c4du

int pcap_global_parse(const uint8_t hdr[24], struct pcap_global *g);
int pcap_record_parse(const struct pcap_global *g, const uint8_t rh[16],
		      uint64_t *ts_ns, uint32_t *caplen, uint32_t *origlen);
int pcapng_idb_parse(const uint8_t *body, size_t len, bool swapped,
		     struct pcapng_idb *idb);
int pcapng_epb_parse(uint32_t type, const uint8_t *body, size_t len,
		     bool swapped, struct pcapng_epb *epb);
uint64_t pcapng_ts_to_ns(const struct pcapng_idb *idb, uint64_t ts);

#endif /* NETSIM_CAPFILE_H */
