/* SPDX-License-Identifier: GPL-2.0-or-later */
/* matrix_priv.h - a parsed [matrix], shared by matrix.c (the section,
 * the count), matrix_filter.c (only/no) and matrix_cell.c (a cell's
 * items) */
#ifndef KDH_MATRIX_PRIV_H
#define KDH_MATRIX_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/scenario/scenario_ini.h"
#include "kdh/scenario/matrix.h"

#define MX_MAX_AXES	16
#define MX_HARD_MAX	((unsigned)SC_MATRIX_HARD_MAX)	/* matrix.h */

/* where a key lands: the base's section header @sec, the item key;
 * @model: vm.netN.model, only the model of the netN line */
struct mx_target {
	size_t sec;
	char key[48];
	bool model;
	char full[48];
};

struct mx_set {
	struct mx_target t;
	char *value;
};

struct mx_value {
	char *name;		/* the plain value, or the label */
	struct mx_set *sets;
	size_t n_sets;
};

struct mx_axis {
	char name[48];		/* in cell names: last key component */
	char key[48];		/* as written */
	int line;
	struct mx_value *v;
	size_t n;
};

/* a filter line: all its words hold (value[a] of axis a, -1 = any) */
struct mx_filter {
	bool only;
	int line;
	int value[MX_MAX_AXES];
};

struct sc_matrix {
	char *file;
	char *name;		/* the base scenario's */
	struct ini base;	/* the file less [matrix] */
	uint64_t hash;
	struct mx_axis axes[MX_MAX_AXES];
	size_t n_axes;
	struct mx_filter *filters;
	size_t n_filters;
	size_t max;
	bool oracle;
	size_t *kept;		/* indexes in the full expansion */
	size_t n_kept;
};

int mx_axis_check(const struct sc_matrix *m, char *err, size_t errlen);
void mx_digits(const struct sc_matrix *m, size_t index, size_t *d);
int mx_filter_parse(struct sc_matrix *m, const struct ini_item *it,
		    char *err, size_t errlen);
bool mx_filter_tally(const struct sc_matrix *m, const size_t *d,
		     size_t *loose, size_t *decides);
int mx_filter_dead(const struct sc_matrix *m, const size_t *loose,
		   const size_t *decides, char *err, size_t errlen);
int mx_fail(const struct sc_matrix *m, int line, char *err, size_t errlen,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif /* KDH_MATRIX_PRIV_H */
