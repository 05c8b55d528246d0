// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix_check.c - what matrix.c refuses in a [matrix]'s values once an
 * axis is read: two sets of one key (a cell's label would lie about what
 * it runs), a scenario.name axis, plain values that cell names and filters
 * could not hold, and a cell label longer than a result keeps. */
#include <string.h>

#include <glib.h>

#include "harness/scenario/matrix_priv.h"

#define MX_LABEL_MAX	255	/* struct scenario's cell_label less its NUL */

/* Whether @a and @b write the same item (vm.net0 and vm.net0.model do) */
static bool same_target(const struct mx_target *a, const struct mx_target *b)
{
	return a->sec == b->sec && !strcmp(a->key, b->key);
}

/* One value: no key set twice, no scenario.name, a plain value fit for a
 * cell's name */
static int value_check(const struct sc_matrix *m, const struct mx_axis *a,
		       const struct mx_value *v, char *err, size_t errlen)
{
	const struct mx_set *s = v->sets;

	for (size_t i = 0; i < v->n_sets; i++) {
		if (!strcmp(s[i].t.full, "scenario.name"))
			return mx_fail(m, a->line, err, errlen, "%s: scenario.name "
				       "cannot vary: cells are named NAME/cNNNNN "
				       "after the one name", a->key);
		for (size_t j = 0; j < i; j++)
			if (same_target(&s[i].t, &s[j].t))
				return mx_fail(m, a->line, err, errlen, "%s: %s{...} "
					       "sets %s and %s: one key, one set",
					       a->key, v->name, s[j].t.full,
					       s[i].t.full);
	}
	if (!strpbrk(v->name, ",=[] \t{}"))
		return 0;
	if (v->n_sets != 1 || strcmp(v->name, v->sets[0].value))
		return mx_fail(m, a->line, err, errlen, "%s: the label '%s' has a "
			       "',', '=', '[', ']' or a blank, which a cell's name "
			       "cannot hold: pick a plain word", a->key, v->name);
	return mx_fail(m, a->line, err, errlen, "%s: '%s' has a ',', '=', "
			       "'[', ']' or a blank, which a cell's name cannot "
			       "hold: write it with a label, as v1{%s=%s}", a->key, v->name,
			       a->key, v->name);
}

/* Whether any value of @a sets what any value of @b sets; *@ta, *@tb the
 * first such pair */
static bool axes_overlap(const struct mx_axis *a, const struct mx_axis *b,
			 const char **ta, const char **tb)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t s = 0; s < a->v[i].n_sets; s++)
			for (size_t j = 0; j < b->n; j++)
				for (size_t t = 0; t < b->v[j].n_sets; t++)
					if (same_target(&a->v[i].sets[s].t,
							&b->v[j].sets[t].t)) {
						*ta = a->v[i].sets[s].t.full;
						*tb = b->v[j].sets[t].t.full;
						return true;
					}
	return false;
}

/**
 * mx_axis_check() - the last axis read, against itself and the axes before
 * @m:		the matrix, its last axis just read
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err set
 */
int mx_axis_check(const struct sc_matrix *m, char *err, size_t errlen)
{
	const struct mx_axis *a = &m->axes[m->n_axes - 1];
	size_t label = 0;
	const char *ta, *tb;
	int rc;

	for (size_t i = 0; i < a->n; i++) {
		rc = value_check(m, a, &a->v[i], err, errlen);
		if (rc)
			return rc;
	}
	for (size_t b = 0; b + 1 < m->n_axes; b++)
		if (axes_overlap(a, &m->axes[b], &ta, &tb))
			return mx_fail(m, a->line, err, errlen, "%s sets %s, as axis "
				       "%s at line %d sets %s: a cell would run the "
				       "last and be named after both; set each key "
				       "in one axis", a->key, ta, m->axes[b].key,
				       m->axes[b].line, tb);
	for (size_t b = 0; b < m->n_axes; b++) {
		size_t longest = 0;

		for (size_t i = 0; i < m->axes[b].n; i++)
			longest = MAX(longest, strlen(m->axes[b].v[i].name));
		label += (b ? 1 : 0) + strlen(m->axes[b].name) + 1 + longest;
	}
	if (label > MX_LABEL_MAX)
		return mx_fail(m, a->line, err, errlen, "%s: a cell's label "
			       "(axis=value,...) could reach %zu characters, more "
			       "than %d: shorten the values or their labels",
			       a->key, label, MX_LABEL_MAX);
	return 0;
}
