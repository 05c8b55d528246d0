// SPDX-License-Identifier: GPL-2.0-or-later
/* test_matrix_sample.c - --sample N's covering sample (matrix_sample.c):
 * every value of every axis covered, one sample per seed, N at or past
 * the cells gives all, only/no filters and a subset of candidates
 * respected, pair coverage growing with N, too small an N refused with
 * the minimum */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdh/scenario/matrix.h"

#define F "m.kdh"

#define BASE \
	"[scenario]\n" \
	"description = sample base\n" \
	"[network lan]\n" \
	"type = static\n" \
	"subnet = 192.168.2.0/24\n" \
	"[debugger]\n" \
	"network = lan\n" \
	"[vm win]\n" \
	"ostype: other\n" \
	"net0: e1000=BC:24:11:00:00:40,bridge=lan\n" \
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1x2y3z.4a5b6c.7d8e9f.0g1h2i\n" \
	"dhcp = no\n" \
	"ip = 192.168.2.72/24\n" \
	"[matrix]\n" \
	"vm.machine = pc | q35\n" \
	"vm.bios = seabios | ovmf\n" \
	"vm.net0.model = e1000 | e1000e | vmxnet3 | virtio | rtl8139\n" \
	"vm.busparams = absent | right | wrong\n"

/* 2 x 2 x 5 x 3 = 60 cells; 2*2 + 2*5 + 2*3 + 2*5 + 2*3 + 5*3 = 51 pairs */
#define CELLS	60
#define PAIRS	51

static struct sc_matrix *parse(const char *text)
{
	struct sc_matrix *m = NULL;
	char err[512] = "";

	cr_assert_eq(sc_matrix_parse(F, text, 0, &m, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_not_null(m);
	return m;
}

/* Kept cells 0..n-1 as candidates */
static size_t *all_of(const struct sc_matrix *m, size_t *n)
{
	size_t *ks;

	*n = sc_matrix_cells(m);
	ks = g_new(size_t, *n);
	for (size_t k = 0; k < *n; k++)
		ks[k] = k;
	return ks;
}

/* The sample, which must succeed; *@n its size */
static size_t *draw(const struct sc_matrix *m, const size_t *ks, size_t n_ks,
		    size_t want, uint64_t seed, size_t *n,
		    struct sc_sample_info *info)
{
	size_t *out = g_new(size_t, n_ks + 1);
	char err[256] = "";

	cr_assert_eq(sc_matrix_sample(m, ks, n_ks, want, seed, out, n, info,
				      err, sizeof(err)), 0, "%s", err);
	return out;
}

/* Every "axis=value" of the labels of @ks's cells, in one set */
static GHashTable *values_of(const struct sc_matrix *m, const size_t *ks,
			     size_t n)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      NULL);

	for (size_t i = 0; i < n; i++) {
		struct sc_cell c;
		gchar **w;

		cr_assert_eq(sc_matrix_cell(m, ks[i], &c), 0);
		w = g_strsplit(c.label, ",", -1);
		for (gchar **p = w; *p; p++)
			g_hash_table_add(h, g_strdup(*p));
		g_strfreev(w);
		sc_cell_clear(&c);
	}
	return h;
}

/* The sample has every value the candidates have */
static void covers(const struct sc_matrix *m, const size_t *ks, size_t n_ks,
		   const size_t *out, size_t n)
{
	GHashTable *want = values_of(m, ks, n_ks), *got = values_of(m, out, n);
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, want);
	while (g_hash_table_iter_next(&it, &key, NULL))
		cr_expect(g_hash_table_contains(got, key), "%s not in the sample",
			  (char *)key);
	g_hash_table_destroy(want);
	g_hash_table_destroy(got);
}

Test(matrix_sample, every_value_covered_at_the_minimum)
{
	struct sc_matrix *m = parse(BASE);
	struct sc_sample_info info;
	size_t n_ks, n, *ks = all_of(m, &n_ks), *out;

	for (uint64_t seed = 0; seed < 20; seed++) {
		out = draw(m, ks, n_ks, 12, seed, &n, &info);
		cr_assert_eq(n, 12);
		cr_expect_eq(info.need, 5, "the model axis has 5 values, and "
			     "5 cells can hold every value: need %zu", info.need);
		cr_expect_eq(info.values, 2 + 2 + 5 + 3);
		cr_expect_eq(info.pairs, PAIRS);
		covers(m, ks, n_ks, out, n);
		for (size_t i = 1; i < n; i++)
			cr_expect_lt(out[i - 1], out[i], "not in file order");
		g_free(out);
		out = draw(m, ks, n_ks, info.need, seed, &n, &info);
		cr_assert_eq(n, 5);
		covers(m, ks, n_ks, out, n);
		g_free(out);
	}
	g_free(ks);
	sc_matrix_free(m);
}

Test(matrix_sample, one_seed_one_sample)
{
	struct sc_matrix *m = parse(BASE);
	struct sc_sample_info info;
	size_t n_ks, n1, n2, *ks = all_of(m, &n_ks);
	size_t *a = draw(m, ks, n_ks, 12, 42, &n1, &info);
	size_t *b = draw(m, ks, n_ks, 12, 42, &n2, &info);
	bool differs = false;

	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(a, b, n1 * sizeof(*a)), 0, "seed 42 drew twice "
		     "differently");
	for (uint64_t seed = 0; seed < 8 && !differs; seed++) {
		size_t n3, *c = draw(m, ks, n_ks, 12, seed, &n3, &info);

		differs = memcmp(a, c, n1 * sizeof(*a)) != 0;
		g_free(c);
	}
	cr_expect(differs, "eight other seeds all drew seed 42's sample");
	g_free(a);
	g_free(b);
	g_free(ks);
	sc_matrix_free(m);
}

Test(matrix_sample, n_at_or_past_the_cells_gives_all)
{
	struct sc_matrix *m = parse(BASE);
	struct sc_sample_info info;
	size_t n_ks, n, *ks = all_of(m, &n_ks);

	cr_assert_eq(n_ks, CELLS);
	for (size_t want = CELLS; want <= CELLS + 1000; want += 1000) {
		size_t *out = draw(m, ks, n_ks, want, 7, &n, &info);

		cr_assert_eq(n, CELLS);
		for (size_t i = 0; i < n; i++)
			cr_expect_eq(out[i], i);
		cr_expect_eq(info.pairs_seen, PAIRS);
		g_free(out);
	}
	g_free(ks);
	sc_matrix_free(m);
}

Test(matrix_sample, too_small_says_the_minimum)
{
	struct sc_matrix *m = parse(BASE);
	struct sc_sample_info info;
	size_t n_ks, n = 99, *ks = all_of(m, &n_ks), out[CELLS];
	char err[256] = "";

	cr_assert_eq(sc_matrix_sample(m, ks, n_ks, 4, 1, out, &n, &info, err,
				      sizeof(err)), -EINVAL);
	cr_expect_eq(n, 0);
	cr_expect_eq(info.need, 5);
	cr_expect_str_eq(err, "a sample of 4 cells cannot hold every value of "
			 "every axis: that takes 5 (12 values)");
	g_free(ks);
	sc_matrix_free(m);
}

Test(matrix_sample, filters_and_candidates_respected)
{
	struct sc_matrix *m = parse(BASE "no = model=rtl8139\n"
				   "only = machine=q35\n");
	struct sc_sample_info info;
	size_t n_ks, n, *ks = all_of(m, &n_ks), *out, sub[8], n_sub = 0;

	cr_assert_eq(n_ks, 1 * 2 * 4 * 3);
	out = draw(m, ks, n_ks, 6, 3, &n, &info);
	cr_expect_eq(info.values, 1 + 2 + 4 + 3);
	cr_expect_eq(info.need, 4);
	covers(m, ks, n_ks, out, n);
	for (size_t i = 0; i < n; i++) {
		struct sc_cell c;

		cr_assert_eq(sc_matrix_cell(m, out[i], &c), 0);
		cr_expect_null(strstr(c.label, "rtl8139"), "%s", c.label);
		cr_expect_null(strstr(c.label, "machine=pc"), "%s", c.label);
		sc_cell_clear(&c);
	}
	g_free(out);
	for (size_t k = 0; k < n_ks && n_sub < 8; k += 3)	/* as -g leaves */
		sub[n_sub++] = k;
	out = draw(m, sub, n_sub, 4, 3, &n, &info);
	for (size_t i = 0; i < n; i++) {
		bool in = false;

		for (size_t j = 0; j < n_sub; j++)
			in |= out[i] == sub[j];
		cr_expect(in, "cell %zu was no candidate", out[i]);
	}
	covers(m, sub, n_sub, out, n);
	g_free(out);
	g_free(ks);
	sc_matrix_free(m);
}

Test(matrix_sample, pair_coverage_grows_with_n)
{
	struct sc_matrix *m = parse(BASE);
	struct sc_sample_info info;
	size_t n_ks, n, *ks = all_of(m, &n_ks), last = 0, at_need = 0;

	for (size_t want = 5; want <= CELLS; want++) {
		size_t *out = draw(m, ks, n_ks, want, 11, &n, &info);

		cr_expect_geq(info.pairs_seen, last, "N %zu: %zu pairs, fewer "
			      "than N-1's %zu", want, info.pairs_seen, last);
		if (want == 5)
			at_need = info.pairs_seen;
		if (want == 8)
			cr_expect_gt(info.pairs_seen, at_need + 6, "three more "
				     "cells added only %zu pairs",
				     info.pairs_seen - at_need);
		last = info.pairs_seen;
		g_free(out);
	}
	cr_expect_eq(last, PAIRS);
	g_free(ks);
	sc_matrix_free(m);
}
