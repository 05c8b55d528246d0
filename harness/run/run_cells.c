// SPDX-License-Identifier: GPL-2.0-or-later
/* run_cells.c - a [matrix] file's cells in the suite: references checked
 * up front, parsed again when wanted
 *
 * Theory of operation: a suite item of a cell is (matrix, k), not a
 * parsed struct scenario (~200 KB: 10,000 cells would be 2 GB).  Loading
 * parses every cell once, so that every cell's error is said before
 * anything runs, as a bad file's is, and takes -g's verdict from it, then
 * frees it.  suite_get() parses it again (tens of microseconds) when it is
 * listed or run.  A cell's results go by NAME/cNNNNN: its index in the
 * full expansion, so it does not move when a filter changes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/run/run_suite.h"
#include "kdh/scenario/matrix.h"

_Static_assert(SC_MATRIX_HARD_MAX == 16000000 && SC_MATRIX_DEFAULT_MAX == 10000,
	       "MAX_CELLS_RANGE (run_suite.h) says these numbers");

/* Keep @m in the suite, which frees it */
static int matrix_keep(struct suite *s, struct sc_matrix *m)
{
	struct sc_matrix **p = realloc(s->mats, (s->n_mats + 1) * sizeof(*p));

	if (!p)
		return -1;
	s->mats = p;
	s->mats[s->n_mats++] = m;
	return 0;
}

/* Cell @k of @m checked: parsed into @sc, -g's verdict; 1 kept, 0 not in
 * the group, -1 bad (into @errs, said once all are checked) */
static int cell_check(struct suite *s, const struct sc_matrix *m, size_t k,
		      struct scenario *sc, const struct suite_sel *sel,
		      struct cell_errors *errs)
{
	char err[512];
	struct sc_cell c;

	if (sc_matrix_cell_parse(m, k, sc, err, sizeof(err))) {
		if (!sc_matrix_cell(m, k, &c))
			cell_errors_add(errs, c.label, err);
		else
			fprintf(stderr, "%s\n", err);
		sc_cell_clear(&c);
		s->bad = true;
		return -1;
	}
	return !sel->group || sc_in_group(sc, sel->group);
}

/* Cell @k of @m as a suite item, @sc its parse; -1 when it cannot be */
static int item_add(struct suite *s, const struct sc_matrix *m, size_t k,
		    const struct scenario *sc)
{
	struct suite_item *it = suite_add(s);

	if (!it) {
		fprintf(stderr, "out of memory\n");
		s->bad = true;
		return -1;
	}
	it->m = m;
	it->k = k;
	if ((size_t)snprintf(it->rname, sizeof(it->rname), "%s/c%05zu",
			     sc->name, sc->cell_index) >= sizeof(it->rname)) {
		fprintf(stderr, "%s: cell %zu's name is too long\n", sc->file,
			sc->cell_index);
		s->bad = true;
		return -1;
	}
	snprintf(it->file, sizeof(it->file), "%s", sc->file);
	return 0;
}

/* --sample N of the checked cells @ks (in place); what it covers said on
 * stderr, as is an N too small to cover every value (the suite bad) */
static size_t sample_take(struct suite *s, const struct sc_matrix *m,
			  const char *file, size_t *ks, size_t n_ks,
			  const struct suite_sel *sel)
{
	size_t *out = g_new(size_t, n_ks + 1), n = 0;
	struct sc_sample_info in;
	char err[300];

	if (sc_matrix_sample(m, ks, n_ks, sel->sample, sel->seed, out, &n,
			     &in, err, sizeof(err))) {
		fprintf(stderr, "%s: --sample %zu: %s; give --sample %zu or "
			"more\n", file, sel->sample, err, in.need);
		s->bad = true;
	} else if (n >= n_ks) {
		fprintf(stderr, "%s: --sample %zu: the matrix keeps %zu cells: all "
			"of them\n", file, sel->sample, n_ks);
	} else {
		fprintf(stderr, "%s: a sample of %zu of %zu cells (seed %" PRIu64
			"): all %zu values of the axes (%zu cells hold them), "
			"%zu of %zu value pairs\n", file, n, n_ks, sel->seed,
			in.values, in.need, in.pairs_seen, in.pairs);
	}
	memcpy(ks, out, n * sizeof(*ks));
	g_free(out);
	return n;
}

/**
 * suite_add_cells() - a matrix's cells as suite items, each checked
 * @s:		the suite (takes @m)
 * @m:		the file's matrix (sc_matrix_parse())
 * @sel:	-g keeps the cells in its group; --sample N of those
 *
 * A bad cell is said on stderr ("file:line: ..." naming the cell) and
 * marks the suite bad; every cell is checked, so all errors show at once,
 * each distinct error once with how many cells share it
 * (run_cell_errors.c).
 * With --sample the cells -g keeps are the candidates, and the sampled
 * ones are parsed again to become items (a few: cheap).
 */
void suite_add_cells(struct suite *s, struct sc_matrix *m,
		     const struct suite_sel *sel)
{
	struct scenario *sc = malloc(sizeof(*sc));
	struct cell_errors *errs = cell_errors_new();
	size_t n = sc_matrix_cells(m), *ks = NULL, n_ks = 0;

	if (!sc || matrix_keep(s, m)) {
		fprintf(stderr, "out of memory\n");
		s->bad = true;
		free(sc);
		sc_matrix_free(m);
		cell_errors_free(errs);
		return;
	}
	if (sel->sample)
		ks = g_new(size_t, n + 1);
	for (size_t k = 0; k < n; k++) {
		if (cell_check(s, m, k, sc, sel, errs) != 1)
			continue;
		if (ks)
			ks[n_ks++] = k;
		else if (item_add(s, m, k, sc))
			break;
	}
	cell_errors_print(errs, stderr);
	if (ks && !s->bad && n_ks) {
		/* sc: the last cell checked, its file the matrix's */
		n_ks = sample_take(s, m, sc->file, ks, n_ks, sel);
		for (size_t i = 0; i < n_ks && !s->bad; i++)
			if (cell_check(s, m, ks[i], sc, sel, errs) != 1 ||
			    item_add(s, m, ks[i], sc))
				break;
	}
	cell_errors_free(errs);
	g_free(ks);
	free(sc);
}

/**
 * sample_parse() - --sample N
 * @v:		the option's value: 1 or more cells
 * @n:		out
 *
 * Return: 0, or -1 when @v is not a count from 1
 */
int sample_parse(const char *v, size_t *n)
{
	guint64 u;

	if (!g_ascii_string_to_unsigned(v, 10, 1, 100000000, &u, NULL))
		return -1;
	*n = (size_t)u;
	return 0;
}

/**
 * max_cells_parse() - --max-cells N
 * @v:		the option's value: a count, 0 for the file's own limit
 * @n:		out
 *
 * Return: 0, or -1 when @v is not a count in 0..SC_MATRIX_HARD_MAX
 * (MAX_CELLS_RANGE says the range)
 */
int max_cells_parse(const char *v, size_t *n)
{
	guint64 u;

	if (!g_ascii_string_to_unsigned(v, 10, 0, SC_MATRIX_HARD_MAX, &u, NULL))
		return -1;
	*n = (size_t)u;
	return 0;
}

/**
 * suite_cell_name() - a scenario's full name: NAME, or NAME[label] for a
 * cell
 * @sc:		the scenario
 * @buf:	out
 * @len:	its size
 */
void suite_cell_name(const struct scenario *sc, char *buf, size_t len)
{
	if (sc->is_cell)
		snprintf(buf, len, "%s[%s]", sc->name, sc->cell_label);
	else
		snprintf(buf, len, "%s", sc->name);
}

/**
 * suite_get() - the suite's @i-th scenario, parsed (a cell) or copied
 * @s:		the suite
 * @i:		0 <= @i < s->n
 * @sc:		out (the caller's: ~200 KB)
 * @err:	"file:line: ..." when a cell does not parse
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err set
 */
int suite_get(const struct suite *s, size_t i, struct scenario *sc,
	      char *err, size_t errlen)
{
	const struct suite_item *it = &s->it[i];

	if (it->sc)
		*sc = *it->sc;
	else if (sc_matrix_cell_parse(it->m, it->k, sc, err, errlen))
		return -1;
	sc->index = it->index;
	return 0;
}

/**
 * suite_free() - what suite_load() allocated
 * @s:		the suite
 */
void suite_free(struct suite *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->it[i].sc);
	for (size_t i = 0; i < s->n_mats; i++)
		sc_matrix_free(s->mats[i]);
	free(s->it);
	free(s->mats);
	memset(s, 0, sizeof(*s));
}
