// SPDX-License-Identifier: GPL-2.0-or-later
/* timer.c - the loop's timers: a binary heap ordered by deadline, then by
 * the order they were armed (so timers due at one instant fire in that
 * order and a seeded virtual run replays exactly) */
#include <stdlib.h>
#include <string.h>

#include "netsim/loop_priv.h"

static bool timer_before(const struct ns_timer *a, const struct ns_timer *b)
{
	return a->expire < b->expire || (a->expire == b->expire && a->seq < b->seq);
}

static void heap_set(struct ns_loop *l, size_t i, struct ns_timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void heap_up(struct ns_loop *l, size_t i)
{
	struct ns_timer *t = l->heap[i];

	while (i) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(t, l->heap[parent]))
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void heap_down(struct ns_loop *l, size_t i)
{
	struct ns_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->n_heap)
			break;
		if (c + 1 < l->n_heap && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

/* ns_timer_ns_timer_heap_remove() - take @t out of the heap (loop.c uses it too) */
void ns_timer_heap_remove(struct ns_loop *l, struct ns_timer *t)
{
	size_t i = t->idx;
	struct ns_timer *last = l->heap[--l->n_heap];

	t->idx = NO_INDEX;
	if (last == t)
		return;
	heap_set(l, i, last);
	heap_down(l, i);
	heap_up(l, last->idx);
}

/**
 * ns_timer_new_labelled() - an idle timer with a label for errors
 * @l:		loop
 * @cb:		called when it expires (the timer is idle again by then)
 * @opaque:	passed to @cb
 * @label:	what the timer is (static storage); ns_timer_new() passes its
 *		callback's name and source file
 *
 * Return: timer, or NULL when out of memory
 */
struct ns_timer *ns_timer_new_labelled(struct ns_loop *l, ns_timer_cb cb,
				       void *opaque, const char *label)
{
	struct ns_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = l;
	t->cb = cb;
	t->opaque = opaque;
	t->idx = NO_INDEX;
	t->label = label ? label : "unnamed timer";
	return t;
}

/** ns_timer_label() - the timer's label, as given at creation */
const char *ns_timer_label(const struct ns_timer *t)
{
	return t->label;
}

/**
 * ns_timer_free() - disarm and free
 * @t:		timer, may be NULL
 */
void ns_timer_free(struct ns_timer *t)
{
	if (!t)
		return;
	ns_timer_del(t);
	free(t);
}

/**
 * ns_timer_mod() - (re)arm for an absolute time on the loop's clock
 * @t:		timer
 * @expire_ns:	when; a time already past fires on the next turn
 */
void ns_timer_mod(struct ns_timer *t, uint64_t expire_ns)
{
	struct ns_loop *l = t->loop;

	if (t->idx != NO_INDEX)
		ns_timer_heap_remove(l, t);
	if (l->n_heap == l->cap_heap) {
		size_t cap = l->cap_heap ? 2 * l->cap_heap : 64;
		struct ns_timer **h = realloc(l->heap, cap * sizeof(*h));

		if (!h) {
			ns_loop_fail(l, "out of memory arming a timer");
			return;
		}
		l->heap = h;
		l->cap_heap = cap;
	}
	t->expire = expire_ns;
	t->seq = l->seq++;
	heap_set(l, l->n_heap++, t);
	heap_up(l, t->idx);
}

/** ns_timer_del() - disarm (no effect on an idle timer) */
void ns_timer_del(struct ns_timer *t)
{
	if (t->idx != NO_INDEX)
		ns_timer_heap_remove(t->loop, t);
}

/** ns_timer_pending() - whether the timer is armed */
bool ns_timer_pending(const struct ns_timer *t)
{
	return t->idx != NO_INDEX;
}

/** ns_timer_expire() - when an armed timer fires */
uint64_t ns_timer_expire(const struct ns_timer *t)
{
	return t->expire;
}
