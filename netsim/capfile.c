// SPDX-License-Identifier: GPL-2.0-or-later
/* capfile.c - capture file reader: pcap/pcapng, plain or gzip, streaming
 *
 * Theory of operation: bytes come from a file (inflated here with zlib when
 * it starts with the gzip magic) or from memory.  The first four bytes
 * pick the format.  kdh inflates itself rather than with gzread(): a
 * damaged gzip shows its damage only at the final CRC, and gzread() then
 * drops the whole last chunk it had inflated; inflate() keeps every byte
 * produced before the error, so the frames before the damage are read.
 * pcapng is read block by block into one growing buffer; pcap record by
 * record.  The pure parsers live in pcapng_block.c.  Anything that stops the
 * walk after the file header (short read, impossible length, gzip error) ends
 * the stream with a warning that says where, so callers decode what is there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "netsim/capfile.h"

#define MAX_BLOCK	(32u << 20)

enum cap_format { FMT_PCAP, FMT_PCAPNG };

#define IN_SIZE	(128u << 10)

struct capfile {
	FILE *file;			/* NULL when reading memory */
	bool gz;			/* inflating */
	z_stream z;
	int zerr;			/* Z_OK, or the error that ended it */
	bool z_member_open;		/* inside a gzip member (no end seen) */
	uint8_t *in;			/* file bytes not consumed yet */
	size_t in_off, in_len;
	const uint8_t *mem;
	size_t mem_len, mem_off;
	bool compressed;

	enum cap_format format;
	struct pcap_global pcap;
	bool swapped;			/* pcapng section byte order */
	struct pcapng_idb *ifaces;
	size_t n_ifaces;

	uint8_t *buf;			/* current block or record */
	size_t cap;
	char *comment;			/* NUL-terminated copy */
	uint64_t offset;		/* uncompressed bytes consumed */
	uint64_t frames;
	size_t pending;			/* bytes already in buf (SHB magic) */
	bool done;
	uint64_t undeclared;		/* packets on interfaces never declared */
	char warning[256];
};

/* Refill the input buffer from the file; false at its end */
static bool in_fill(struct capfile *cf)
{
	cf->in_off = 0;
	cf->in_len = fread(cf->in, 1, IN_SIZE, cf->file);
	return cf->in_len > 0;
}

/* Inflate into @dst; keeps what inflate() produced before any error */
static size_t gz_read(struct capfile *cf, uint8_t *dst, size_t n)
{
	cf->z.next_out = dst;
	cf->z.avail_out = (uInt)n;
	while (cf->z.avail_out && cf->zerr == Z_OK) {
		int r;

		if (cf->in_off == cf->in_len && !in_fill(cf))
			break;			/* the file ends (perhaps mid-stream) */
		cf->z.next_in = cf->in + cf->in_off;
		cf->z.avail_in = (uInt)(cf->in_len - cf->in_off);
		r = inflate(&cf->z, Z_NO_FLUSH);
		cf->in_off = cf->in_len - cf->z.avail_in;
		cf->z_member_open = r != Z_STREAM_END;
		if (r == Z_STREAM_END) {	/* another member may follow */
			if (cf->in_off == cf->in_len && !in_fill(cf))
				break;
			inflateReset(&cf->z);
			cf->z_member_open = true;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			cf->zerr = r;
		}
	}
	return n - cf->z.avail_out;
}

/* Read up to @n bytes; return how many arrived (short only at EOF/error). */
static size_t src_read(struct capfile *cf, void *dst, size_t n)
{
	size_t got = 0;

	if (!cf->file) {
		got = cf->mem_len - cf->mem_off < n ? cf->mem_len - cf->mem_off : n;
		memcpy(dst, cf->mem + cf->mem_off, got);
		cf->mem_off += got;
	} else if (cf->gz) {
		got = gz_read(cf, dst, n);
	} else {
		while (got < n && (cf->in_off < cf->in_len || in_fill(cf))) {
			size_t k = cf->in_len - cf->in_off < n - got ?
				   cf->in_len - cf->in_off : n - got;

			memcpy((uint8_t *)dst + got, cf->in + cf->in_off, k);
			cf->in_off += k;
			got += k;
		}
	}
	cf->offset += got;
	return got;
}

/* Why a gzip stream stopped early, or NULL when it ended cleanly */
static const char *gz_trouble(const struct capfile *cf)
{
	if (!cf->gz)
		return NULL;
	if (cf->zerr != Z_OK)
		return cf->z.msg ? cf->z.msg : "damaged data";
	return cf->z_member_open ? "cut short" : NULL;
}

static void cf_warn(struct capfile *cf, const char *fmt, ...)
{
	const char *gzmsg = gz_trouble(cf);
	va_list ap;
	size_t n;

	if (cf->warning[0])
		return;
	va_start(ap, fmt);
	vsnprintf(cf->warning, sizeof(cf->warning), fmt, ap);
	va_end(ap);
	n = strlen(cf->warning);
	if (gzmsg)
		snprintf(cf->warning + n, sizeof(cf->warning) - n, " (gzip: %s)",
			 gzmsg);
	cf->done = true;
}

/* End of input between records: clean, unless gzip saw damage */
static void cf_end(struct capfile *cf)
{
	if (gz_trouble(cf))
		cf_warn(cf, "compressed stream ends early");
	cf->done = true;
}

static int buf_reserve(struct capfile *cf, size_t n)
{
	uint8_t *p;

	if (n <= cf->cap)
		return 0;
	p = realloc(cf->buf, n);
	if (!p)
		return -ENOMEM;
	cf->buf = p;
	cf->cap = n;
	return 0;
}

static int header_read(struct capfile *cf, char *err, size_t errlen)
{
	uint8_t hdr[24];
	size_t got = src_read(cf, hdr, 4);
	uint32_t magic;

	if (got < 4) {
		snprintf(err, errlen, "empty or too short to be a capture");
		return -EPROTO;
	}
	magic = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
		(uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (magic == PCAPNG_SHB) {	/* the SHB is read as a block */
		if (buf_reserve(cf, 64)) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		memcpy(cf->buf, hdr, 4);
		cf->pending = 4;
		cf->format = FMT_PCAPNG;
		return 0;
	}
	if (src_read(cf, hdr + 4, 20) < 20 || pcap_global_parse(hdr, &cf->pcap)) {
		snprintf(err, errlen, "not a pcap or pcapng file");
		return -EPROTO;
	}
	cf->format = FMT_PCAP;
	return 0;
}

static struct capfile *cf_start(struct capfile *cf, char *err, size_t errlen)
{
	if (header_read(cf, err, errlen)) {
		capfile_close(cf);
		return NULL;
	}
	return cf;
}

/**
 * capfile_open() - open a capture file (pcap or pcapng, optionally gzip)
 * @path:	file name
 * @err:	buffer for the reason on failure
 * @errlen:	its size
 *
 * Return: reader, or NULL with @err filled
 */
struct capfile *capfile_open(const char *path, char *err, size_t errlen)
{
	struct capfile *cf = calloc(1, sizeof(*cf));

	if (!cf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cf->file = strcmp(path, "-") ? fopen(path, "rb") :	/* "-": stdin */
		   fdopen(dup(STDIN_FILENO), "rb");
	cf->in = malloc(IN_SIZE);
	if (!cf->file || !cf->in) {
		snprintf(err, errlen, "%s", strerror(cf->file ? ENOMEM : errno));
		capfile_close(cf);
		return NULL;
	}
	if (in_fill(cf) && cf->in_len >= 2 && cf->in[0] == 0x1f && cf->in[1] == 0x8b) {
		if (inflateInit2(&cf->z, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "zlib: cannot start inflating");
			capfile_close(cf);
			return NULL;
		}
		cf->gz = cf->compressed = cf->z_member_open = true;
	}
	return cf_start(cf, err, errlen);
}

/**
 * capfile_open_mem() - read a capture held in memory (not gzip)
 * @buf:	bytes, must outlive the reader
 * @len:	their count
 * @err:	buffer for the reason on failure
 * @errlen:	its size
 *
 * Return: reader, or NULL with @err filled
 */
struct capfile *capfile_open_mem(const uint8_t *buf, size_t len,
				 char *err, size_t errlen)
{
	struct capfile *cf = calloc(1, sizeof(*cf));

	if (!cf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cf->mem = buf;
	cf->mem_len = len;
	return cf_start(cf, err, errlen);
}

static int pcap_next(struct capfile *cf, struct cap_frame *f)
{
	uint8_t rh[16];
	size_t got = src_read(cf, rh, sizeof(rh));

	if (got == 0) {
		cf_end(cf);
		return 0;
	}
	if (got < sizeof(rh) ||
	    pcap_record_parse(&cf->pcap, rh, &f->ts_ns, &f->caplen, &f->origlen)) {
		cf_warn(cf, "truncated or damaged record header at byte %llu",
			(unsigned long long)(cf->offset - got));
		return 0;
	}
	if (buf_reserve(cf, f->caplen ? f->caplen : 1))
		return -ENOMEM;
	if (src_read(cf, cf->buf, f->caplen) < f->caplen) {
		cf_warn(cf, "truncated: frame %llu ends past the end of the file",
			(unsigned long long)cf->frames + 1);
		return 0;
	}
	f->iface = 0;
	f->linktype = cf->pcap.linktype;
	f->data = cf->buf;
	f->comment = NULL;
	return 1;
}

static int iface_add(struct capfile *cf, const uint8_t *body, size_t len)
{
	struct pcapng_idb idb, *p;

	if (pcapng_idb_parse(body, len, cf->swapped, &idb))
		return -EPROTO;
	p = realloc(cf->ifaces, (cf->n_ifaces + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	cf->ifaces = p;
	cf->ifaces[cf->n_ifaces++] = idb;
	return 0;
}

static uint32_t blk32(const struct capfile *cf, const uint8_t *p)
{
	return cf->swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			     (uint32_t)p[2] << 8 | p[3]
			   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[1] << 8 | p[0];
}

/* Read one whole block into cf->buf; 1 = got one, 0 = end (warning set) */
static int block_read(struct capfile *cf, uint32_t *type, uint32_t *len)
{
	uint64_t start = cf->offset;
	size_t got;

	if (buf_reserve(cf, 64))
		return -ENOMEM;
	got = cf->pending;
	start -= got;
	cf->pending = 0;
	got += src_read(cf, cf->buf + got, 8 - got);
	if (got == 0) {
		cf_end(cf);
		return 0;
	}
	if (got < 8)
		goto truncated;
	*type = blk32(cf, cf->buf);
	if (*type == PCAPNG_SHB) {	/* byte order may change here */
		if (src_read(cf, cf->buf + 8, 4) < 4)
			goto truncated;
		cf->swapped = cf->buf[8] == 0x1a;
		if (blk32(cf, cf->buf + 8) != PCAPNG_BOM) {
			cf_warn(cf, "bad byte-order magic at byte %llu",
				(unsigned long long)start);
			return 0;
		}
	}
	*len = blk32(cf, cf->buf + 4);
	if (*len < 12 || *len % 4 || *len > MAX_BLOCK) {
		cf_warn(cf, "impossible block length %u at byte %llu", *len,
			(unsigned long long)start);
		return 0;
	}
	if (buf_reserve(cf, *len))
		return -ENOMEM;
	got = *type == PCAPNG_SHB ? 12 : 8;
	if (src_read(cf, cf->buf + got, *len - got) < *len - got)
		goto truncated;
	if (blk32(cf, cf->buf + *len - 4) != *len) {
		cf_warn(cf, "block at byte %llu: trailing length differs",
			(unsigned long long)start);
		return 0;
	}
	return 1;
truncated:
	cf_warn(cf, "truncated: block at byte %llu ends past the end of the file",
		(unsigned long long)start);
	return 0;
}

static int pcapng_next(struct capfile *cf, struct cap_frame *f)
{
	uint32_t type, len;
	int rc;

	while ((rc = block_read(cf, &type, &len)) == 1) {
		const uint8_t *body = cf->buf + 8;
		size_t blen = len - 12;
		struct pcapng_epb epb;

		if (type == PCAPNG_SHB) {
			cf->n_ifaces = 0;	/* interfaces are per section */
			continue;
		}
		if (type == PCAPNG_IDB) {
			rc = iface_add(cf, body, blen);
			if (rc == -ENOMEM)
				return rc;
			if (rc)
				cf_warn(cf, "bad interface block at byte %llu",
					(unsigned long long)(cf->offset - len));
			if (rc)
				return 0;
			continue;
		}
		if (pcapng_epb_parse(type, body, blen, cf->swapped, &epb))
			continue;	/* other block types, or a bad one: skip */
		if (epb.iface >= cf->n_ifaces) {	/* skipped, counted */
			cf->undeclared++;
			continue;
		}
		f->iface = epb.iface;
		f->linktype = cf->ifaces[epb.iface].linktype;
		f->ts_ns = pcapng_ts_to_ns(&cf->ifaces[epb.iface], epb.ts);
		f->data = epb.data;
		f->caplen = epb.caplen;
		f->origlen = epb.origlen;
		f->comment = NULL;
		if (epb.comment) {
			free(cf->comment);
			cf->comment = strndup((const char *)epb.comment,
					      epb.comment_len);
			f->comment = cf->comment;
		}
		return 1;
	}
	return rc;
}

/**
 * capfile_next() - the next frame
 * @cf:		reader
 * @f:		filled when a frame is returned
 *
 * Return: 1 with a frame, 0 at the end (see capfile_warning()), -ENOMEM
 */
int capfile_next(struct capfile *cf, struct cap_frame *f)
{
	int rc;

	if (cf->done)
		return 0;
	rc = cf->format == FMT_PCAP ? pcap_next(cf, f) : pcapng_next(cf, f);
	if (rc == 1)
		cf->frames++;
	return rc;
}

/**
 * capfile_warning() - why the stream ended early
 * @cf:		reader
 *
 * Return: text, or NULL when the file ended cleanly (so far)
 */
const char *capfile_warning(const struct capfile *cf)
{
	return cf->warning[0] ? cf->warning : NULL;
}

/**
 * capfile_skipped() - packets skipped because they name an interface the
 * section never declared (each is counted, none stops the reading)
 * @cf:		reader
 *
 * Return: count so far
 */
uint64_t capfile_skipped(const struct capfile *cf)
{
	return cf->undeclared;
}

/**
 * capfile_format() - "pcap", "pcapng", "pcap.gz" or "pcapng.gz"
 * @cf:		reader
 *
 * Return: static string
 */
const char *capfile_format(const struct capfile *cf)
{
	if (cf->format == FMT_PCAP)
		return cf->compressed ? "pcap.gz" : "pcap";
	return cf->compressed ? "pcapng.gz" : "pcapng";
}

/**
 * capfile_frames() - frames returned so far
 * @cf:		reader
 *
 * Return: count
 */
uint64_t capfile_frames(const struct capfile *cf)
{
	return cf->frames;
}

/**
 * capfile_close() - close the file and free the reader
 * @cf:		reader, may be NULL
 */
void capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	if (cf->gz)
		inflateEnd(&cf->z);
	if (cf->file)
		fclose(cf->file);
	free(cf->in);
	free(cf->ifaces);
	free(cf->buf);
	free(cf->comment);
	free(cf);
}
