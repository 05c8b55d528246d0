/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_suite.h - the scenarios `kdh run` and `kdh list` take (run_suite.c) */
#ifndef KDH_RUN_SUITE_H
#define KDH_RUN_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <glib.h>

#include "kdh/scenario/scenario.h"

struct sc_matrix;

/* which scenarios: -g GROUP, --all, --shard K/N (0/0: all), --max-cells N
 * (0: each matrix file's max_cells or SC_MATRIX_DEFAULT_MAX), --sample N
 * (0: every cell; else N cells of each matrix, drawn with @seed) */
struct suite_sel {
	const char *group;
	bool all;
	unsigned shard, shards;
	size_t max_cells;
	size_t sample;
	uint64_t seed;
};

/*
 * struct suite_item - one scenario of the suite: a file's, parsed, or a
 * matrix's cell, a reference parsed only when wanted (suite_get())
 * @sc:		the file's scenario (malloc'd), NULL for a cell
 * @m:		the cell's matrix (the suite owns it)
 * @k:		the cell's number among the matrix's kept cells
 * @index:	position in the suite after -g, before --shard
 * @rname:	the name results go by: NAME, or NAME/cNNNNN for a cell
 * @file:	the file it came from
 */
struct suite_item {
	struct scenario *sc;
	const struct sc_matrix *m;
	size_t k;
	unsigned index;
	char rname[SC_CELL_NAME];
	char file[256];
};

struct suite {
	struct suite_item *it;
	size_t n, cap;
	struct sc_matrix **mats;	/* the matrices the cells refer to */
	size_t n_mats;
	bool bad;		/* a file was bad: said on stderr */
};

const struct builtin_scenario *builtin_find(const char *name);
gchar *builtin_matrix(const char *name);
void suite_load(struct suite *s, int argc, char **argv,
		const struct suite_sel *sel);
struct suite_item *suite_add(struct suite *s);
void suite_add_cells(struct suite *s, struct sc_matrix *m,
		     const struct suite_sel *sel);
int max_cells_parse(const char *v, size_t *n);
/* what --max-cells takes, for its error: "... is not " MAX_CELLS_RANGE */
#define MAX_CELLS_RANGE	"a number of cells from 0 to 16000000 (0: the file's " \
			"max_cells, else 10000)"

/* run_cell_errors.c: a matrix's bad cells, each distinct error said once */
struct cell_errors;
struct cell_errors *cell_errors_new(void);
void cell_errors_add(struct cell_errors *c, const char *label, const char *err);
size_t cell_errors_print(const struct cell_errors *c, FILE *f);
void cell_errors_free(struct cell_errors *c);
int sample_parse(const char *v, size_t *n);
void suite_cell_name(const struct scenario *sc, char *buf, size_t len);
int suite_get(const struct suite *s, size_t i, struct scenario *sc,
	      char *err, size_t errlen);
void suite_free(struct suite *s);

#endif /* KDH_RUN_SUITE_H */
