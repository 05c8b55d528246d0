// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_stream.c - libFuzzer harness: the KD serial stream parser.  The
 * first 4 input bytes seed the chunk sizes; the rest is the byte stream,
 * fed whole, byte by byte and in pseudo-random chunks (1..600 bytes).
 * Invariants: the three feeds report the same packets and break-ins in the
 * same order and the same counters ("chunk boundaries do not matter"); a
 * reported packet is well-formed serial KD. */
#include <errno.h>

#include "fuzz.h"
#include "kdh/kdnet/kd_stream.h"

struct ev {
	int kind;
	uint32_t leader, id, checksum, sum;
	uint32_t type, count, ok;	/* all 32-bit: no padding to compare */
};

struct log {
	struct ev *ev;
	size_t n, cap;
};

static void on_event(void *opaque, enum kd_stream_event kind,
		     const struct kd_packet *p)
{
	struct log *l = opaque;
	struct ev e = { .kind = kind };

	if (p) {
		FUZZ_CHECK(p->len == KD_HDR_LEN + (size_t)p->count + 1 &&
			   p->count <= KD_SERIAL_MAX_DATA, "packet len %zu count %u",
			   p->len, p->count);
		FUZZ_CHECK(p->data[p->count] == KD_TRAILER, "no trailer");
		e.leader = p->leader;
		e.id = p->id;
		e.checksum = p->checksum;
		e.sum = kd_checksum(p->data, p->count);
		e.type = p->type;
		e.count = p->count;
		e.ok = p->checksum_ok;
	}
	FUZZ_CHECK(l->n < l->cap, "more events than bytes");
	l->ev[l->n++] = e;
}

static void run(const uint8_t *b, size_t len, uint32_t seed, int mode,
		struct log *l, struct kd_stream *s)
{
	kd_stream_init(s);
	for (size_t off = 0; off < len;) {
		size_t n = len - off;

		if (mode == 1) {
			n = 1;
		} else if (mode == 2) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 8) % 600;
			n = n > len - off ? len - off : n;
		}
		kd_stream_feed(s, b + off, n, on_event, l);
		off += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kd_stream *s = malloc(sizeof(*s));
	struct log l[3];
	uint64_t cnt[3][3];
	uint32_t seed = 0;
	uint8_t *b;

	if (!s || size < 4) {
		free(s);
		return 0;
	}
	memcpy(&seed, data, 4);
	b = fuzz_dup(data + 4, size - 4);
	for (int m = 0; m < 3; m++) {
		l[m].cap = size + 1;
		l[m].n = 0;
		l[m].ev = calloc(l[m].cap, sizeof(struct ev));
		if (!l[m].ev)
			abort();
		run(b, size - 4, seed, m, &l[m], s);
		cnt[m][0] = s->packets;
		cnt[m][1] = s->breakins;
		cnt[m][2] = s->garbage;
	}
	for (int m = 1; m < 3; m++) {
		FUZZ_CHECK(l[m].n == l[0].n, "%s feed: %zu events, whole: %zu",
			   m == 1 ? "bytewise" : "chunked", l[m].n, l[0].n);
		for (size_t i = 0; i < l[0].n; i++)
			FUZZ_CHECK(!memcmp(&l[m].ev[i], &l[0].ev[i], sizeof(struct ev)),
				   "%s feed: event %zu differs (kind %d vs %d)",
				   m == 1 ? "bytewise" : "chunked", i,
				   l[m].ev[i].kind, l[0].ev[i].kind);
		FUZZ_CHECK(!memcmp(cnt[m], cnt[0], sizeof(cnt[0])),
			   "%s feed: packets/breakins/garbage %llu/%llu/%llu, whole "
			   "%llu/%llu/%llu", m == 1 ? "bytewise" : "chunked",
			   (unsigned long long)cnt[m][0], (unsigned long long)cnt[m][1],
			   (unsigned long long)cnt[m][2], (unsigned long long)cnt[0][0],
			   (unsigned long long)cnt[0][1], (unsigned long long)cnt[0][2]);
	}
	for (int m = 0; m < 3; m++)
		free(l[m].ev);
	free(b);
	free(s);
	return 0;
}
