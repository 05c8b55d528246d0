// SPDX-License-Identifier: GPL-2.0-or-later
/* link.c - one direction of a faulty link
 *
 * Theory of operation: every frame offered to the link draws, in this order
 * and only for faults that are configured, loss, duplication, then per copy
 * jitter and reordering from the run's RNG, so the same seed gives the same
 * faults.  A frame without delay or reordering goes straight out (no copy);
 * delayed frames are copied into a queue sorted by due time, served by one
 * timer.  A reordered frame is held back until the next frame on the link
 * has gone out (or, if none comes, until 1 ms plus the delay has passed):
 * exactly one swap per reordered frame, so the counts are exact.  The queue
 * is a binary heap on (due, arrival), so jitter costs O(log n) per frame.
 */
#include <stdlib.h>
#include <string.h>

#include "netsim/link.h"

#define HOLD_MAX_NS	NS_PER_MS

struct queued {
	uint64_t due;
	uint64_t seq;
	size_t len;
	uint8_t frame[];
};

struct ns_link {
	struct ns_loop *loop;
	struct ns_faults f;
	ns_link_out out;
	void *opaque;
	struct queued **heap;		/* min-heap on (due, seq) */
	size_t n_heap, cap_heap;
	uint64_t seq;
	struct queued *held;		/* a reordered frame */
	struct ns_timer *timer;		/* queue head */
	struct ns_timer *hold_timer;
	struct ns_link_stats st;
};

/**
 * ns_faults_none() - whether a fault profile does nothing
 * @f:		profile
 *
 * Return: true when every field is zero
 */
bool ns_faults_none(const struct ns_faults *f)
{
	return f->loss_pct <= 0 && f->dup_pct <= 0 && f->reorder_pct <= 0 &&
	       !f->delay_ns && !f->jitter_ns;
}

static struct queued *queued_new(const uint8_t *frame, size_t len, uint64_t due)
{
	struct queued *q = malloc(sizeof(*q) + len);

	if (!q)
		return NULL;
	q->due = due;
	q->seq = 0;
	q->len = len;
	memcpy(q->frame, frame, len);
	return q;
}

static void release_held(struct ns_link *k)
{
	struct queued *h = k->held;

	if (!h)
		return;
	k->held = NULL;
	ns_timer_del(k->hold_timer);
	k->out(k->opaque, h->frame, h->len);
	free(h);
}

/* Deliver a frame, then whatever was held back behind it */
static void emit(struct ns_link *k, const uint8_t *frame, size_t len)
{
	k->out(k->opaque, frame, len);
	release_held(k);
}

static bool q_before(const struct queued *a, const struct queued *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static struct queued *heap_pop(struct ns_link *k)
{
	struct queued *top = k->heap[0], *last = k->heap[--k->n_heap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= k->n_heap)
			break;
		if (c + 1 < k->n_heap && q_before(k->heap[c + 1], k->heap[c]))
			c++;
		if (!q_before(k->heap[c], last))
			break;
		k->heap[i] = k->heap[c];
		i = c;
	}
	if (k->n_heap)
		k->heap[i] = last;
	return top;
}

static void queue_timer_cb(void *opaque)
{
	struct ns_link *k = opaque;
	uint64_t now = ns_loop_now(k->loop);

	while (k->n_heap && k->heap[0]->due <= now) {
		struct queued *q = heap_pop(k);

		emit(k, q->frame, q->len);
		free(q);
	}
	if (k->n_heap)
		ns_timer_mod(k->timer, k->heap[0]->due);
}

static void hold_timer_cb(void *opaque)
{
	release_held(opaque);
}

static int enqueue(struct ns_link *k, struct queued *q)
{
	size_t i;

	if (k->n_heap == k->cap_heap) {
		size_t cap = k->cap_heap ? 2 * k->cap_heap : 64;
		struct queued **h = realloc(k->heap, cap * sizeof(*h));

		if (!h)
			return -1;
		k->heap = h;
		k->cap_heap = cap;
	}
	q->seq = k->seq++;
	for (i = k->n_heap++; i; i = (i - 1) / 2) {
		if (!q_before(q, k->heap[(i - 1) / 2]))
			break;
		k->heap[i] = k->heap[(i - 1) / 2];
	}
	k->heap[i] = q;
	if (!i)
		ns_timer_mod(k->timer, q->due);
	return 0;
}

static uint64_t copy_delay(struct ns_link *k)
{
	struct ns_rng *rng = ns_loop_rng(k->loop);
	int64_t d = (int64_t)k->f.delay_ns;

	if (k->f.jitter_ns)
		d += (int64_t)ns_rng_below(rng, 2 * k->f.jitter_ns + 1) -
		     (int64_t)k->f.jitter_ns;
	return d > 0 ? (uint64_t)d : 0;
}

static void send_copy(struct ns_link *k, const uint8_t *frame, size_t len)
{
	struct ns_rng *rng = ns_loop_rng(k->loop);
	uint64_t now = ns_loop_now(k->loop), delay = copy_delay(k);
	struct queued *q;

	if (!k->held && ns_rng_chance(rng, k->f.reorder_pct)) {
		k->held = queued_new(frame, len, 0);
		if (k->held) {
			k->st.reordered++;
			ns_timer_mod(k->hold_timer, now + delay + HOLD_MAX_NS);
			return;
		}
	}
	if (!delay) {
		emit(k, frame, len);
		return;
	}
	q = queued_new(frame, len, now + delay);
	if (!q || enqueue(k, q)) {
		free(q);
		k->st.lost++;
		return;
	}
	k->st.delayed++;
}

/**
 * ns_link_send() - offer one frame to the link
 * @k:		link
 * @frame:	bytes, copied if they must wait
 * @len:	length
 */
void ns_link_send(struct ns_link *k, const uint8_t *frame, size_t len)
{
	struct ns_rng *rng = ns_loop_rng(k->loop);
	int copies = 1;

	k->st.frames++;
	if (ns_rng_chance(rng, k->f.loss_pct)) {
		k->st.lost++;
		return;
	}
	if (ns_rng_chance(rng, k->f.dup_pct)) {
		k->st.duplicated++;
		copies = 2;
	}
	while (copies--)
		send_copy(k, frame, len);
}

/**
 * ns_link_new() - a link direction with a fault profile
 * @l:		loop (clock, timers and RNG)
 * @f:		faults (copied)
 * @out:	where frames go when they leave the link
 * @opaque:	passed to @out
 *
 * Return: link, or NULL when out of memory
 */
struct ns_link *ns_link_new(struct ns_loop *l, const struct ns_faults *f,
			    ns_link_out out, void *opaque)
{
	struct ns_link *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->loop = l;
	k->f = *f;
	k->out = out;
	k->opaque = opaque;
	k->timer = ns_timer_new(l, queue_timer_cb, k);
	k->hold_timer = ns_timer_new(l, hold_timer_cb, k);
	if (!k->timer || !k->hold_timer) {
		ns_link_free(k);
		return NULL;
	}
	return k;
}

/**
 * ns_link_free() - free the link; frames still queued are dropped
 * @k:		link, may be NULL
 */
void ns_link_free(struct ns_link *k)
{
	if (!k)
		return;
	while (k->n_heap)
		free(heap_pop(k));
	free(k->heap);
	free(k->held);
	ns_timer_free(k->timer);
	ns_timer_free(k->hold_timer);
	free(k);
}

/** ns_link_stats() - what the faults did so far */
const struct ns_link_stats *ns_link_stats(const struct ns_link *k)
{
	return &k->st;
}
