// SPDX-License-Identifier: GPL-2.0-or-later
/* decrypted.c - `kdh decode --write-decrypted`: the capture again, with each
 * verified KDNET datagram's plaintext in place of its ciphertext
 *
 * Every frame is written, in order, with its timestamp, so frame numbers
 * stay those of the input.  A verified datagram becomes
 *   "MDBD" | version | channel | 0 0 0 | counter (BE u32) | direction bit |
 *   payload
 * -- the plaintext header with the padding count cleared and the padding
 * and HMAC tag gone -- and its IPv4 and UDP lengths and checksums are
 * recomputed; the "D" of the magic says it is plaintext (a KDNET reader
 * never mistakes it for a sealed datagram).  A KDNET datagram that did not
 * verify is kept as it was, with a comment saying why.  kdnet-plain.lua
 * (scripts/wireshark/) dissects the result without any cryptography.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/analyze/decrypted.h"
#include "netsim/pcapng.h"

#define MAX_IFACES	64

struct decrypted_writer {
	struct ns_pcapng *cap;
	int iface[MAX_IFACES];		/* input interface -> output, -1 none */
	uint8_t frame[KDNET_MAX_DGRAM + 256];
	uint8_t plain[KDNET_MAX_DGRAM];
};

/**
 * decrypted_open() - start the rewritten capture (written atomically)
 * @path:	output pcapng
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: writer, or NULL
 */
struct decrypted_writer *decrypted_open(const char *path, char *err,
					size_t errlen)
{
	struct decrypted_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cap = ns_pcapng_open(path, err, errlen);
	if (!w->cap) {
		free(w);
		return NULL;
	}
	for (int i = 0; i < MAX_IFACES; i++)
		w->iface[i] = -1;
	return w;
}

/**
 * kdnet_plain_build() - the plaintext datagram of a verified record
 * @r:		record (status KDNET_VERIFIED)
 * @out:	output
 * @cap:	its size
 *
 * Return: bytes written, 0 when @cap is too small
 */
size_t kdnet_plain_build(const struct kdnet_record *r, uint8_t *out, size_t cap)
{
	size_t n = 14 + r->payload_len;

	if (n > cap)
		return 0;
	memcpy(out, KDNET_PLAIN_MAGIC, 4);
	out[4] = r->version;
	out[5] = r->channel;
	out[6] = out[7] = out[8] = 0;
	out[9] = (uint8_t)(r->counter >> 24);
	out[10] = (uint8_t)(r->counter >> 16);
	out[11] = (uint8_t)(r->counter >> 8);
	out[12] = (uint8_t)r->counter;
	out[13] = r->from_debugger ? 0x80 : 0;
	memcpy(out + 14, r->payload, r->payload_len);
	return n;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Link header and IPv4 header of @v's frame, then UDP with @udp_payload;
 * lengths and checksums fixed.  Return the frame's length, 0 if too big. */
static size_t rebuild(struct decrypted_writer *w, const struct cap_frame *f,
		      const struct frame_view *v, const uint8_t *pl, size_t len)
{
	size_t link = (size_t)(v->eth.payload - f->data);
	size_t ihl = (size_t)(v->eth.payload[0] & 0x0f) * 4;
	uint8_t *ip = w->frame + link, *udp = ip + ihl;
	uint32_t sum;

	if (link + ihl + UDP_HLEN + len > sizeof(w->frame))
		return 0;
	memcpy(w->frame, f->data, link + ihl + UDP_HLEN);
	memcpy(udp + UDP_HLEN, pl, len);
	put16(ip + 2, (uint16_t)(ihl + UDP_HLEN + len));
	put16(ip + 10, 0);
	put16(ip + 10, inet_csum(ip, ihl, 0));
	put16(udp + 4, (uint16_t)(UDP_HLEN + len));
	put16(udp + 6, 0);
	/* pseudo-header: addresses, protocol, UDP length */
	sum = (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]) +
	      (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]) +
	      17 + (uint32_t)(UDP_HLEN + len);
	sum = inet_csum(udp, UDP_HLEN + len, sum);
	put16(udp + 6, sum ? (uint16_t)sum : 0xffff);
	return link + ihl + UDP_HLEN + len;
}

static int out_iface(struct decrypted_writer *w, const struct cap_frame *f)
{
	char name[24];

	if (f->iface >= MAX_IFACES)
		return -EINVAL;
	if (w->iface[f->iface] < 0) {
		snprintf(name, sizeof(name), "if%u", (unsigned)f->iface);
		w->iface[f->iface] = ns_pcapng_iface(w->cap, name, f->linktype);
	}
	return w->iface[f->iface];
}

/**
 * decrypted_frame() - write one input frame, rewritten when it carries a
 * verified KDNET datagram
 * @w:		writer
 * @f:		the input frame
 * @v:		its parse (NULL when it did not parse)
 * @r:		its KDNET record, NULL when it is not KDNET
 *
 * Return: 0, or a negative errno
 */
int decrypted_frame(struct decrypted_writer *w, const struct cap_frame *f,
		    const struct frame_view *v, const struct kdnet_record *r)
{
	int iface = out_iface(w, f);
	char note[96];
	size_t n;

	if (iface < 0)
		return iface;
	if (!r)
		return ns_pcapng_packet(w->cap, iface, f->ts_ns, f->data, f->caplen,
					f->comment);
	if (r->status != KDNET_VERIFIED) {
		snprintf(note, sizeof(note), "kdh: KDNET not decrypted: %s",
			 kdnet_status_name(r->status));
		return ns_pcapng_packet(w->cap, iface, f->ts_ns, f->data, f->caplen,
					note);
	}
	n = kdnet_plain_build(r, w->plain, sizeof(w->plain));
	n = n ? rebuild(w, f, v, w->plain, n) : 0;
	if (!n)
		return ns_pcapng_packet(w->cap, iface, f->ts_ns, f->data, f->caplen,
					"kdh: KDNET plaintext does not fit");
	return ns_pcapng_packet(w->cap, iface, f->ts_ns, w->frame, n, f->comment);
}

/**
 * decrypted_close() - finish the file (it appears under its name only now)
 * @w:		writer, may be NULL
 *
 * Return: 0, or a negative errno when the file could not be completed
 */
int decrypted_close(struct decrypted_writer *w)
{
	int rc;

	if (!w)
		return 0;
	rc = ns_pcapng_close(w->cap);
	free(w);
	return rc;
}
