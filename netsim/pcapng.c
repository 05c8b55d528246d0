// SPDX-License-Identifier: GPL-2.0-or-later
/* pcapng.c - pcapng writer: interfaces per switch port, ns timestamps,
 * harness events as packet comments
 *
 * Layout written: SHB, then an IDB the first time an interface is used
 * (pcapng allows IDBs anywhere before their first packet), then EPBs.
 * Every IDB says if_tsresol = 9 (nanoseconds).  A harness event is a
 * zero-length EPB on the "kdh-events" interface whose opt_comment is the
 * event text; kdh's analyzer reads those comments, Wireshark shows them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netsim/capfile.h"
#include "netsim/pcapng.h"

#define OPT_COMMENT	1
#define IF_NAME		2
#define IF_TSRESOL	9
#define SHB_USERAPPL	4

struct attach;

struct port_iface {
	const struct ns_switch *sw;
	unsigned port_id;
	int iface;
};

struct ns_pcapng {
	FILE *f;
	bool to_stdout;
	char *path, *partial;
	int n_ifaces;
	int events_iface;
	uint64_t base_ns;
	uint64_t packets;
	struct port_iface *map;
	size_t n_map;
	struct attach **attached;	/* monitor contexts, freed at close */
	size_t n_attached;
	int error;			/* first write error, as -errno */
	uint64_t bytes;			/* written so far */
	uint64_t limit;			/* packets stop at it; 0: none */
	uint64_t dropped;		/* packets not written past it */
	void (*full)(void *opaque);	/* called once when it is reached */
	void *full_opaque;
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);		/* host order: the SHB says which */
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void wr(struct ns_pcapng *w, const void *p, size_t n)
{
	if (n && !w->error && fwrite(p, 1, n, w->f) != n)
		w->error = -errno;
	w->bytes += n;
}

static void wr32(struct ns_pcapng *w, uint32_t v)
{
	wr(w, &v, 4);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t opt_len(size_t vlen)
{
	return 4 + pad4(vlen);
}

static void wr_opt(struct ns_pcapng *w, uint16_t code, const void *v,
		   size_t len)
{
	static const uint8_t zeros[4];
	uint8_t h[4];

	put16(h, code);
	put16(h + 2, (uint16_t)len);
	wr(w, h, 4);
	wr(w, v, len);
	wr(w, zeros, pad4(len) - len);
}

static void shb_write(struct ns_pcapng *w)
{
	static const char appl[] = "kdh";
	uint32_t len = 28 + (uint32_t)opt_len(sizeof(appl) - 1) + 4;
	uint8_t h[24];

	put32(h, PCAPNG_SHB);
	put32(h + 4, len);
	put32(h + 8, PCAPNG_BOM);
	put16(h + 12, 1);
	put16(h + 14, 0);
	memset(h + 16, 0xff, 8);	/* section length unknown */
	wr(w, h, sizeof(h));
	wr_opt(w, SHB_USERAPPL, appl, sizeof(appl) - 1);
	wr32(w, 0);			/* opt_endofopt */
	wr32(w, len);
}

/**
 * ns_pcapng_open() - start a capture file
 * @path:	final name; PATH.partial is written until ns_pcapng_close();
 *		"-" writes to standard output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: writer, or NULL with @err filled
 */
struct ns_pcapng *ns_pcapng_open(const char *path, char *err, size_t errlen)
{
	struct ns_pcapng *w = calloc(1, sizeof(*w));

	if (!w || asprintf(&w->partial, "%s.partial", path) < 0) {
		snprintf(err, errlen, "out of memory");
		free(w);
		return NULL;
	}
	w->path = strdup(path);
	w->to_stdout = !strcmp(path, "-");	/* "-": standard output */
	w->f = w->to_stdout ? fdopen(dup(STDOUT_FILENO), "wb") :
			      fopen(w->partial, "wb");
	if (!w->f || !w->path) {
		/* the name the user gave, not the .partial it is written as */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(w->partial);
		free(w->path);
		free(w);
		return NULL;
	}
	setvbuf(w->f, NULL, _IOFBF, 256 * 1024);
	w->events_iface = -1;
	shb_write(w);
	return w;
}

/**
 * ns_pcapng_set_time_base() - add @base_ns to every timestamp written
 * @w:		writer
 * @base_ns:	e.g. wall clock minus monotonic clock for real-time runs, so
 *		Wireshark shows dates; 0 (default) for virtual time
 */
void ns_pcapng_set_time_base(struct ns_pcapng *w, uint64_t base_ns)
{
	w->base_ns = base_ns;
}

/**
 * ns_pcapng_iface() - declare an interface (writes its IDB)
 * @w:		writer
 * @name:	if_name
 * @linktype:	LINKTYPE_*
 *
 * Return: interface id for ns_pcapng_packet(), or a negative errno
 */
int ns_pcapng_iface(struct ns_pcapng *w, const char *name, uint16_t linktype)
{
	static const uint8_t ns_resol = 9;
	size_t nlen = strlen(name);
	uint32_t len = 20 + (uint32_t)(opt_len(nlen) + opt_len(1)) + 4;
	uint8_t h[16];

	put32(h, PCAPNG_IDB);
	put32(h + 4, len);
	put16(h + 8, linktype);
	put16(h + 10, 0);
	put32(h + 12, 0);		/* snaplen: no limit */
	wr(w, h, sizeof(h));
	wr_opt(w, IF_NAME, name, nlen);
	wr_opt(w, IF_TSRESOL, &ns_resol, 1);
	wr32(w, 0);
	wr32(w, len);
	return w->error ? w->error : w->n_ifaces++;
}

/**
 * ns_pcapng_packet() - write one frame
 * @w:		writer
 * @iface:	from ns_pcapng_iface()
 * @ts_ns:	loop time (the base is added)
 * @data:	frame bytes
 * @len:	their count
 * @comment:	packet comment, or NULL
 *
 * Return: 0, or the first write error as a negative errno
 */
int ns_pcapng_packet(struct ns_pcapng *w, int iface, uint64_t ts_ns,
		     const uint8_t *data, size_t len, const char *comment)
{
	static const uint8_t zeros[4];
	size_t clen = comment ? strlen(comment) : 0;
	uint64_t ts = ts_ns + w->base_ns;
	uint32_t blen;
	uint8_t h[28];

	if (clen > 0xffff)
		clen = 0xffff;
	blen = (uint32_t)(28 + pad4(len) + (comment ? opt_len(clen) + 4 : 0) + 4);
	if (w->limit && w->bytes + blen > w->limit) {
		if (!w->dropped++ && w->full)
			w->full(w->full_opaque);
		return w->error;	/* whole blocks only: the file stays readable */
	}
	put32(h, PCAPNG_EPB);
	put32(h + 4, blen);
	put32(h + 8, (uint32_t)iface);
	put32(h + 12, (uint32_t)(ts >> 32));
	put32(h + 16, (uint32_t)ts);
	put32(h + 20, (uint32_t)len);
	put32(h + 24, (uint32_t)len);
	wr(w, h, sizeof(h));
	wr(w, data, len);
	wr(w, zeros, pad4(len) - len);
	if (comment) {
		wr_opt(w, OPT_COMMENT, comment, clen);
		wr32(w, 0);
	}
	wr32(w, blen);
	w->packets++;
	return w->error;
}

/**
 * ns_pcapng_stream() - bytes of a byte stream (a serial line), as records
 * of at most 4 KiB, each after a one-byte @tag saying whose they are
 * @w:		writer
 * @iface:	from ns_pcapng_iface()
 * @ts_ns:	loop time of their arrival
 * @tag:	first byte of every record
 * @buf:	the bytes
 * @len:	their count
 *
 * Return: 0, or the first write error as a negative errno
 */
int ns_pcapng_stream(struct ns_pcapng *w, int iface, uint64_t ts_ns,
		     uint8_t tag, const uint8_t *buf, size_t len)
{
	uint8_t rec[1 + 4096];
	int rc = 0;

	while (len && !rc) {
		size_t n = len < sizeof(rec) - 1 ? len : sizeof(rec) - 1;

		rec[0] = tag;
		memcpy(rec + 1, buf, n);
		rc = ns_pcapng_packet(w, iface, ts_ns, rec, n + 1, NULL);
		buf += n;
		len -= n;
	}
	return rc;
}

/**
 * ns_pcapng_event() - a harness event ("power on vm100 ...") as a comment
 * @w:		writer
 * @ts_ns:	loop time
 * @text:	the event
 *
 * Return: 0, or a negative errno
 */
int ns_pcapng_event(struct ns_pcapng *w, uint64_t ts_ns, const char *text)
{
	if (w->events_iface < 0) {
		int id = ns_pcapng_iface(w, NS_EVENTS_IFACE, LINKTYPE_USER0);

		if (id < 0)
			return id;
		w->events_iface = id;
	}
	return ns_pcapng_packet(w, w->events_iface, ts_ns, NULL, 0, text);
}

static int port_iface(struct ns_pcapng *w, const struct ns_port *p,
		      const struct ns_switch *sw)
{
	struct port_iface *m;
	char name[80];
	int id;

	for (size_t i = 0; i < w->n_map; i++)
		if (w->map[i].sw == sw && w->map[i].port_id == ns_port_id(p))
			return w->map[i].iface;
	snprintf(name, sizeof(name), "%s/%s", ns_switch_name(sw), ns_port_name(p));
	id = ns_pcapng_iface(w, name, LINKTYPE_ETHERNET);
	if (id < 0)
		return id;
	m = realloc(w->map, (w->n_map + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	w->map = m;
	w->map[w->n_map++] = (struct port_iface){ sw, ns_port_id(p), id };
	return id;
}

struct attach {
	struct ns_pcapng *w;
	const struct ns_switch *sw;
};

static void capture_frame(void *opaque, const struct ns_port *in,
			  const uint8_t *frame, size_t len, uint64_t now)
{
	struct attach *a = opaque;
	int iface = port_iface(a->w, in, a->sw);

	if (iface >= 0)
		ns_pcapng_packet(a->w, iface, now, frame, len, NULL);
}

/**
 * ns_pcapng_attach() - capture every frame the switch receives
 * @w:		writer (must outlive the switch's traffic)
 * @sw:		switch; each port becomes the interface "SWITCH/PORT"
 *
 * Return: 0, or -ENOMEM
 */
int ns_pcapng_attach(struct ns_pcapng *w, struct ns_switch *sw)
{
	struct attach **list = realloc(w->attached,
				       (w->n_attached + 1) * sizeof(*list));
	struct attach *a = malloc(sizeof(*a));

	if (list)
		w->attached = list;
	if (!list || !a) {
		free(a);
		return -ENOMEM;
	}
	a->w = w;
	a->sw = sw;
	if (ns_switch_add_monitor(sw, capture_frame, a)) {
		free(a);
		return -ENOMEM;
	}
	w->attached[w->n_attached++] = a;
	return 0;
}

/**
 * ns_pcapng_set_limit() - stop writing packets at a file size
 * @w:		writer
 * @max_bytes:	the file never grows past it by a packet (interface
 *		blocks, a few dozen bytes each, still go in); 0: no limit
 * @full:	called once, at the first packet that does not fit; may be NULL
 * @opaque:	passed to @full
 *
 * Packets past the limit are counted (ns_pcapng_dropped()), not written:
 * the capture keeps every block up to there and stays a readable pcapng.
 */
void ns_pcapng_set_limit(struct ns_pcapng *w, uint64_t max_bytes,
			 void (*full)(void *opaque), void *opaque)
{
	w->limit = max_bytes;
	w->full = full;
	w->full_opaque = opaque;
}

/** ns_pcapng_dropped() - packets not written because of the size limit */
uint64_t ns_pcapng_dropped(const struct ns_pcapng *w)
{
	return w->dropped;
}

/** ns_pcapng_bytes() - bytes written so far (buffered ones included) */
uint64_t ns_pcapng_bytes(const struct ns_pcapng *w)
{
	return w->bytes;
}

/** ns_pcapng_flush() - push buffered blocks to the .partial file */
int ns_pcapng_flush(struct ns_pcapng *w)
{
	if (!w->error && fflush(w->f))
		w->error = -errno;
	return w->error;
}

/** ns_pcapng_packets() - packets written (events included) */
uint64_t ns_pcapng_packets(const struct ns_pcapng *w)
{
	return w->packets;
}

/**
 * ns_pcapng_discard() - close the file and remove it: a run that failed
 * before it captured anything leaves no file behind
 * @w:		writer, may be NULL
 */
void ns_pcapng_discard(struct ns_pcapng *w)
{
	if (!w)
		return;
	if (!w->to_stdout)
		unlink(w->partial);
	w->to_stdout = true;		/* no rename */
	w->error = w->error ? w->error : -ECANCELED;
	ns_pcapng_close(w);
}

/**
 * ns_pcapng_close() - finish the file and give it its final name
 * @w:		writer, may be NULL
 *
 * Return: 0, or the first error as a negative errno (the .partial file is
 * then left for inspection)
 */
int ns_pcapng_close(struct ns_pcapng *w)
{
	int rc;

	if (!w)
		return 0;
	ns_pcapng_flush(w);
	rc = w->error;
	if (fclose(w->f) && !rc)
		rc = -errno;
	if (!rc && !w->to_stdout && rename(w->partial, w->path))
		rc = -errno;
	for (size_t i = 0; i < w->n_attached; i++)
		free(w->attached[i]);
	free(w->attached);
	free(w->map);
	free(w->partial);
	free(w->path);
	free(w);
	return rc;
}
