// SPDX-License-Identifier: GPL-2.0-or-later
/* pcapng_block.c - pure parsers for pcap records and pcapng blocks
 *
 * Bytes in, structs out: no I/O, no allocation, every length checked against
 * the buffer, so the functions can be fuzzed on their own.  "body" is a
 * block without its 8-byte type/length header and its trailing length copy.
 */
#include <errno.h>
#include <string.h>

#include "netsim/capfile.h"

#define OPT_END_OF_OPT	0
#define OPT_COMMENT	1
#define IF_TSRESOL	9
#define IF_TSOFFSET	14
#define MAX_CAPLEN	(16u << 20)

static uint16_t rd16(const uint8_t *p, bool swapped)
{
	return swapped ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	if (swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/**
 * pcap_global_parse() - read the 24-byte classic pcap header
 * @hdr:	first 24 bytes of the file
 * @g:		filled on success
 *
 * Return: 0, or -EPROTO when the magic is not a pcap magic
 */
int pcap_global_parse(const uint8_t hdr[24], struct pcap_global *g)
{
	uint32_t magic = rd32(hdr, false);

	switch (magic) {
	case 0xa1b2c3d4: g->swapped = false; g->nsec = false; break;
	case 0xd4c3b2a1: g->swapped = true;  g->nsec = false; break;
	case 0xa1b23c4d: g->swapped = false; g->nsec = true;  break;
	case 0x4d3cb2a1: g->swapped = true;  g->nsec = true;  break;
	default:	 return -EPROTO;
	}
	g->snaplen = rd32(hdr + 16, g->swapped);
	g->linktype = (uint16_t)(rd32(hdr + 20, g->swapped) & 0xffff);
	return 0;
}

/**
 * pcap_record_parse() - read a 16-byte pcap record header
 * @g:		file header
 * @rh:		record header bytes
 * @ts_ns:	timestamp in ns
 * @caplen:	bytes that follow in the file
 * @origlen:	length on the wire
 *
 * Return: 0, or -EPROTO when the lengths are impossible
 */
int pcap_record_parse(const struct pcap_global *g, const uint8_t rh[16],
		      uint64_t *ts_ns, uint32_t *caplen, uint32_t *origlen)
{
	uint64_t sec = rd32(rh, g->swapped), frac = rd32(rh + 4, g->swapped);

	*caplen = rd32(rh + 8, g->swapped);
	*origlen = rd32(rh + 12, g->swapped);
	if (*caplen > MAX_CAPLEN || frac >= (g->nsec ? 1000000000u : 1000000u))
		return -EPROTO;
	*ts_ns = sec * 1000000000u + (g->nsec ? frac : frac * 1000u);
	return 0;
}

/* Walk the options at @p; call back for the ones we keep. */
static int options_walk(const uint8_t *p, size_t len, bool swapped,
			void (*fn)(uint16_t code, const uint8_t *v,
				   uint16_t vlen, void *opaque),
			void *opaque)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t code = rd16(p + off, swapped);
		uint16_t vlen = rd16(p + off + 2, swapped);

		if (code == OPT_END_OF_OPT)
			return 0;
		if (off + 4 + pad4(vlen) > len)
			return -EPROTO;
		fn(code, p + off + 4, vlen, opaque);
		off += 4 + pad4(vlen);
	}
	return 0;
}

struct idb_opts {
	struct pcapng_idb *idb;
	bool swapped;
};

static void idb_option(uint16_t code, const uint8_t *v, uint16_t vlen,
		       void *opaque)
{
	struct idb_opts *o = opaque;

	if (code == IF_TSRESOL && vlen >= 1) {
		o->idb->tsresol = v[0];
	} else if (code == IF_TSOFFSET && vlen >= 8) {
		uint64_t lo = rd32(v, o->swapped), hi = rd32(v + 4, o->swapped);

		o->idb->tsoffset_s = (int64_t)(o->swapped ? lo << 32 | hi
							   : hi << 32 | lo);
	}
}

/**
 * pcapng_idb_parse() - read an interface description block body
 * @body:	block body
 * @len:	its length
 * @swapped:	section byte order differs from little-endian
 * @idb:	filled on success (defaults: microseconds, no offset)
 *
 * Return: 0, or -EPROTO for a short body or broken options
 */
int pcapng_idb_parse(const uint8_t *body, size_t len, bool swapped,
		     struct pcapng_idb *idb)
{
	struct idb_opts o = { idb, swapped };

	if (len < 8)
		return -EPROTO;
	idb->linktype = rd16(body, swapped);
	idb->tsresol = 6;
	idb->tsoffset_s = 0;
	return options_walk(body + 8, len - 8, swapped, idb_option, &o);
}

static void epb_option(uint16_t code, const uint8_t *v, uint16_t vlen,
		       void *opaque)
{
	struct pcapng_epb *epb = opaque;

	if (code == OPT_COMMENT && !epb->comment) {
		epb->comment = v;
		epb->comment_len = vlen;
	}
}

/**
 * pcapng_epb_parse() - read a packet block body (EPB, SPB or obsolete PB)
 * @type:	PCAPNG_EPB, PCAPNG_SPB or PCAPNG_PB_OBSOLETE
 * @body:	block body
 * @len:	its length
 * @swapped:	section byte order
 * @epb:	filled on success; pointers into @body
 *
 * Return: 0, -EPROTO for lengths that do not fit, -EINVAL for another type
 */
int pcapng_epb_parse(uint32_t type, const uint8_t *body, size_t len,
		     bool swapped, struct pcapng_epb *epb)
{
	size_t hdr;

	memset(epb, 0, sizeof(*epb));
	if (type == PCAPNG_SPB) {
		if (len < 4)
			return -EPROTO;
		epb->origlen = rd32(body, swapped);
		epb->caplen = (uint32_t)(len - 4 < epb->origlen ? len - 4
							       : epb->origlen);
		epb->data = body + 4;
		return 0;
	}
	if (type != PCAPNG_EPB && type != PCAPNG_PB_OBSOLETE)
		return -EINVAL;
	hdr = 20;
	if (len < hdr)
		return -EPROTO;
	epb->iface = type == PCAPNG_EPB ? rd32(body, swapped)
					: rd16(body, swapped);
	epb->ts = (uint64_t)rd32(body + 4, swapped) << 32 |
		  rd32(body + 8, swapped);
	epb->caplen = rd32(body + 12, swapped);
	epb->origlen = rd32(body + 16, swapped);
	if (epb->caplen > len - hdr || epb->caplen > MAX_CAPLEN)
		return -EPROTO;
	epb->data = body + hdr;
	hdr += pad4(epb->caplen);
	if (hdr > len)
		return -EPROTO;
	return options_walk(body + hdr, len - hdr, swapped, epb_option, epb);
}

/**
 * pcapng_ts_to_ns() - convert a raw timestamp with the interface's resolution
 * @idb:	interface (if_tsresol, if_tsoffset)
 * @ts:		raw 64-bit timestamp
 *
 * Return: nanoseconds
 */
uint64_t pcapng_ts_to_ns(const struct pcapng_idb *idb, uint64_t ts)
{
	unsigned exp = idb->tsresol & 0x7f;
	unsigned __int128 ns;

	if (idb->tsresol & 0x80) {	/* negative power of two */
		ns = exp >= 64 ? 0 : ((unsigned __int128)ts * 1000000000u) >> exp;
	} else {			/* negative power of ten */
		unsigned __int128 div = 1;

		if (exp > 19)
			exp = 19;
		for (unsigned i = 0; i < exp; i++)
			div *= 10;
		ns = (unsigned __int128)ts * 1000000000u / div;
	}
	return (uint64_t)ns + (uint64_t)idb->tsoffset_s * 1000000000u;
}
