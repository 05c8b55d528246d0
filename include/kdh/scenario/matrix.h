/* SPDX-License-Identifier: GPL-2.0-or-later */
/* matrix.h - a scenario file's [matrix] section: axes of values, only/no
 * filters, and the cells they expand to, each an ordinary scenario text
 * (pure: text in, cells out; docs/matrix-plan.md, issue 27) */
#ifndef KDH_MATRIX_H
#define KDH_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_MATRIX_DEFAULT_MAX	10000	/* max_cells when not given */
#define SC_MATRIX_HARD_MAX	16000000 /* cells iterated at most */

struct sc_matrix;			/* opaque: matrix.c */

/**
 * struct sc_cell - one kept cell of a matrix
 * @index:	its number in the full expansion, before filters (stable
 *		when filters change: the results directory is cNNNNN)
 * @label:	"machine=q35,bios=ovmf,...": axis=value in the file's axis
 *		order (g_malloc'd; sc_cell_clear())
 * @name:	"NAME[label]", NAME the scenario's (g_malloc'd)
 */
struct sc_cell {
	size_t index;
	char *label;
	char *name;
};

/*
 * sc_matrix_parse(): @text's [matrix] section, checked (unknown axis key,
 *	empty axis or value, a value or label twice, vm.netN.model = absent,
 *	a filter naming an unknown axis or value or changing nothing (only
 *	and no alike: matrix_filter.c), more cells than max_cells
 *	or @max_cells when nonzero: "file:line: what is wrong").  Return 0
 *	with *@m the matrix, 0 with *@m NULL when the text has no [matrix],
 *	-EINVAL with @err set.
 * sc_matrix_cells(): how many cells the filters keep.
 * sc_matrix_cell(): the @k-th kept cell (0 <= @k < sc_matrix_cells()).
 * sc_matrix_cell_parse(): the @k-th kept cell as a scenario: the base's
 *	INI items with the cell's values set (a value replaces the key's item
 *	and keeps its line; a key the base lacks is added with the line of
 *	its axis in [matrix]; "absent" removes it), [matrix] left out, then
 *	parsed as any scenario file is, so an error points at the file's own
 *	line; @sc gets the cell's identity (struct scenario's cell fields).
 * sc_matrix_oracle(): the section says expect = check.
 * sc_matrix_sample(): --sample N over the kept cells @ks (matrix_sample.c:
 *	every value of every axis first, then unseen value pairs; seeded).
 */
int sc_matrix_parse(const char *file, const char *text, size_t max_cells,
		    struct sc_matrix **m, char *err, size_t errlen);
size_t sc_matrix_cells(const struct sc_matrix *m);
int sc_matrix_cell(const struct sc_matrix *m, size_t k, struct sc_cell *c);
/**
 * struct sc_sample_info - what a covering sample covers (sc_matrix_sample())
 * @need:	cells the greedy cover of every value took: the least N
 * @values:	axis values the candidate cells have
 * @pairs:	(axis, value, axis, value) pairs they have
 * @pairs_seen:	pairs the sample has
 */
struct sc_sample_info {
	size_t need, values, pairs, pairs_seen;
};

struct scenario;
int sc_matrix_cell_parse(const struct sc_matrix *m, size_t k,
			 struct scenario *sc, char *err, size_t errlen);
bool sc_matrix_oracle(const struct sc_matrix *m);
int sc_matrix_sample(const struct sc_matrix *m, const size_t *ks, size_t n_ks,
		     size_t want, uint64_t seed, size_t *out, size_t *n_out,
		     struct sc_sample_info *info, char *err, size_t errlen);
void sc_cell_clear(struct sc_cell *c);
void sc_matrix_free(struct sc_matrix *m);

#endif /* KDH_MATRIX_H */
