// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix_sample.c - a covering sample of a matrix's cells (--sample N):
 * every value of every axis in at least one picked cell, then as many
 * unseen value pairs as the rest of N can add; pure, deterministic for a
 * seed
 *
 * Theory of operation: greedy set cover, twice.  Phase 1 picks, among the
 * candidate cells, the one whose values are most often not yet covered,
 * until every value that some candidate has is covered; the number of
 * picks is the sample's minimum (a greedy one: the true minimum can be
 * smaller, never smaller than the largest axis).  Phase 2 fills up to N
 * with the cell that covers most (axis, value, axis, value) pairs no
 * picked cell has; once no cell adds a pair, the rest come in the seed's
 * order.  Ties go to the cell the seed ranks first, so a seed draws one
 * sample.  Gains only fall as cells are picked, so each phase is a lazy
 * greedy: a max-heap of stale gains, the top's gain recomputed, taken
 * when it still beats the next (exactly the plain greedy's choice).
 * Example: machine {pc,q35} x bios {seabios,ovmf} x model {5 values}
 * needs 5 cells (the model axis); with N = 8 three more add pairs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/matrix_priv.h"
#include "kdh/scenario/matrix.h"
#include "netsim/rng.h"

#define PAIR_SLOTS_MAX	(1u << 24)	/* more: phase 2 by seed order only */

struct sample {
	const struct sc_matrix *m;
	size_t n;		/* candidates */
	uint16_t *d;		/* n x n_axes value indexes */
	uint64_t *rank;		/* the seed's tie-break, higher first */
	size_t off[MX_MAX_AXES];	/* first value slot of each axis */
	size_t poff[MX_MAX_AXES][MX_MAX_AXES];	/* first pair slot, a < b */
	size_t n_pairs;		/* pair slots; 0: not tracked */
	uint8_t *val_seen, *pair_seen;
	size_t *heap, n_heap;
	unsigned *gain;		/* stale gains */
};

static const uint16_t *digits(const struct sample *s, size_t i)
{
	return &s->d[i * s->m->n_axes];
}

static size_t pair_slot(const struct sample *s, const uint16_t *d, size_t a,
			size_t b)
{
	return s->poff[a][b] + (size_t)d[a] * s->m->axes[b].n + d[b];
}

/* Values (phase 1) or pairs (phase 2) of candidate @i not yet seen */
static unsigned gain_of(const struct sample *s, size_t i, int phase)
{
	const uint16_t *d = digits(s, i);
	size_t na = s->m->n_axes;
	unsigned g = 0;

	if (phase == 1) {
		for (size_t a = 0; a < na; a++)
			g += !s->val_seen[s->off[a] + d[a]];
		return g;
	}
	if (!s->n_pairs)
		return 0;
	for (size_t a = 0; a < na; a++)
		for (size_t b = a + 1; b < na; b++)
			g += !s->pair_seen[pair_slot(s, d, a, b)];
	return g;
}

static void mark(struct sample *s, size_t i, uint8_t *vals, uint8_t *pairs)
{
	const uint16_t *d = digits(s, i);
	size_t na = s->m->n_axes;

	for (size_t a = 0; a < na; a++) {
		vals[s->off[a] + d[a]] = 1;
		for (size_t b = a + 1; pairs && b < na; b++)
			pairs[pair_slot(s, d, a, b)] = 1;
	}
}

/* Heap order: the higher gain, then the seed's higher rank */
static bool above(const struct sample *s, size_t x, size_t y)
{
	if (s->gain[x] != s->gain[y])
		return s->gain[x] > s->gain[y];
	return s->rank[x] > s->rank[y];
}

static void sift_down(struct sample *s, size_t at)
{
	for (;;) {
		size_t l = 2 * at + 1, r = l + 1, top = at, t;

		if (l < s->n_heap && above(s, s->heap[l], s->heap[top]))
			top = l;
		if (r < s->n_heap && above(s, s->heap[r], s->heap[top]))
			top = r;
		if (top == at)
			return;
		t = s->heap[at];
		s->heap[at] = s->heap[top];
		s->heap[top] = t;
		at = top;
	}
}

/* The heap of the unpicked candidates with their gains for @phase */
static void heap_build(struct sample *s, const bool *picked, int phase)
{
	s->n_heap = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!picked[i]) {
			s->gain[i] = gain_of(s, i, phase);
			s->heap[s->n_heap++] = i;
		}
	for (size_t k = s->n_heap / 2; k-- > 0;)
		sift_down(s, k);
}

/* The next greedy pick (lazy), or (size_t)-1 when the heap is empty;
 * *@g its gain */
static size_t heap_pick(struct sample *s, int phase, unsigned *g)
{
	while (s->n_heap) {
		size_t top = s->heap[0];

		s->gain[top] = gain_of(s, top, phase);
		if (s->n_heap == 1 || !above(s, s->heap[1], top)) {
			if (s->n_heap < 3 || !above(s, s->heap[2], top)) {
				s->heap[0] = s->heap[--s->n_heap];
				sift_down(s, 0);
				*g = s->gain[top];
				return top;
			}
		}
		sift_down(s, 0);	/* its gain fell: it sinks */
	}
	return (size_t)-1;
}

/* Candidates' digits, the seed's ranks, the slots of values and pairs */
static int sample_init(struct sample *s, const struct sc_matrix *m,
		       const size_t *ks, size_t n, uint64_t seed)
{
	struct ns_rng rng;
	size_t na = m->n_axes, v = 0, p = 0, dd[MX_MAX_AXES];

	memset(s, 0, sizeof(*s));
	s->m = m;
	s->n = n;
	ns_rng_seed(&rng, seed);
	for (size_t a = 0; a < na; a++) {
		s->off[a] = v;
		v += m->axes[a].n;
		for (size_t b = a + 1; b < na; b++) {
			s->poff[a][b] = p;
			if (p <= PAIR_SLOTS_MAX)
				p += m->axes[a].n * m->axes[b].n;
		}
	}
	s->n_pairs = p <= PAIR_SLOTS_MAX ? p : 0;
	s->d = g_new(uint16_t, n * na + 1);
	s->rank = g_new(uint64_t, n + 1);
	s->heap = g_new(size_t, n + 1);
	s->gain = g_new(unsigned, n + 1);
	s->val_seen = g_new0(uint8_t, v + 1);
	s->pair_seen = g_new0(uint8_t, s->n_pairs + 1);
	for (size_t i = 0; i < n; i++) {
		if (ks[i] >= m->n_kept)
			return -ERANGE;
		mx_digits(m, m->kept[ks[i]], dd);
		for (size_t a = 0; a < na; a++)
			s->d[i * na + a] = (uint16_t)dd[a];
		s->rank[i] = ns_rng_next(&rng);
	}
	return 0;
}

static void sample_free(struct sample *s)
{
	g_free(s->d);
	g_free(s->rank);
	g_free(s->heap);
	g_free(s->gain);
	g_free(s->val_seen);
	g_free(s->pair_seen);
}

/* How many values and pairs all candidates have: @info's totals */
static void totals(struct sample *s, struct sc_sample_info *info)
{
	size_t v = s->off[s->m->n_axes - 1] + s->m->axes[s->m->n_axes - 1].n;
	uint8_t *vals = g_new0(uint8_t, v + 1);
	uint8_t *pairs = g_new0(uint8_t, s->n_pairs + 1);

	for (size_t i = 0; i < s->n; i++)
		mark(s, i, vals, s->n_pairs ? pairs : NULL);
	for (size_t i = 0; i < v; i++)
		info->values += vals[i];
	for (size_t i = 0; i < s->n_pairs; i++)
		info->pairs += pairs[i];
	g_free(vals);
	g_free(pairs);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The two greedy phases: @picked, *@n_out; info->need after phase 1 */
static void sample_pick(struct sample *s, size_t want, bool *picked,
			size_t *out, size_t *n_out, struct sc_sample_info *info)
{
	size_t i;
	unsigned g;

	*n_out = 0;
	heap_build(s, picked, 1);
	while ((i = heap_pick(s, 1, &g)) != (size_t)-1 && g) {
		picked[i] = true;
		out[(*n_out)++] = i;
		mark(s, i, s->val_seen, s->n_pairs ? s->pair_seen : NULL);
	}
	info->need = *n_out;
	if (*n_out >= want)
		return;
	heap_build(s, picked, 2);
	while (*n_out < want && (i = heap_pick(s, 2, &g)) != (size_t)-1) {
		picked[i] = true;
		out[(*n_out)++] = i;
		mark(s, i, s->val_seen, s->n_pairs ? s->pair_seen : NULL);
	}
}

/**
 * sc_matrix_sample() - a covering sample of some of a matrix's kept cells
 * @m:		the matrix
 * @ks:		the candidates: kept-cell numbers (0 <= k < sc_matrix_cells())
 * @n_ks:	how many
 * @want:	N, the sample's size
 * @seed:	breaks ties: one seed, one sample
 * @out:	the picked kept-cell numbers, ascending (room for @n_ks)
 * @n_out:	how many: @want, or @n_ks when @want >= @n_ks (all)
 * @info:	what the sample covers (need: the cells covering every value
 *		took; values, pairs: how many all candidates have; pairs_seen:
 *		how many the sample has)
 * @err:	why not, when @want < info->need
 * @errlen:	its size
 *
 * Return: 0; -EINVAL when @want cannot cover every value (@err says the
 * minimum, info->need); -ERANGE for a candidate out of range
 */
int sc_matrix_sample(const struct sc_matrix *m, const size_t *ks, size_t n_ks,
		     size_t want, uint64_t seed, size_t *out, size_t *n_out,
		     struct sc_sample_info *info, char *err, size_t errlen)
{
	struct sample s;
	bool *picked;
	int rc;

	memset(info, 0, sizeof(*info));
	*n_out = 0;
	if (!n_ks)
		return 0;
	rc = sample_init(&s, m, ks, n_ks, seed);
	if (rc) {
		sample_free(&s);
		snprintf(err, errlen, "a cell number out of range");
		return rc;
	}
	totals(&s, info);
	picked = g_new0(bool, n_ks);
	sample_pick(&s, want < n_ks ? want : n_ks, picked, out, n_out, info);
	for (size_t j = 0; j < s.n_pairs; j++)
		info->pairs_seen += s.pair_seen[j];
	if (want < info->need) {
		snprintf(err, errlen, "a sample of %zu cells cannot hold every "
			 "value of every axis: that takes %zu (%zu values)",
			 want, info->need, info->values);
		rc = -EINVAL;
		*n_out = 0;
	}
	for (size_t j = 0; j < *n_out; j++)
		out[j] = ks[out[j]];
	qsort(out, *n_out, sizeof(*out), cmp_size);	/* file order */
	g_free(picked);
	sample_free(&s);
	return rc;
}
