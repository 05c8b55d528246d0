// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix_filter.c - a [matrix]'s only/no lines: parsed (AXIS=VALUE words,
 * all of which must hold), applied to a cell, and the typo check: a
 * filter that changes nothing is an error, only and no alike */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/matrix_priv.h"

/**
 * mx_filter_parse() - an only/no line: AXIS=VALUE words, AXIS as written
 * or its short name
 * @m:		the matrix, its axes parsed (the filter is added to it)
 * @it:		the line
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err set
 */
int mx_filter_parse(struct sc_matrix *m, const struct ini_item *it,
		    char *err, size_t errlen)
{
	struct mx_filter *f;
	char **w = g_strsplit_set(it->value, " \t", -1);
	int rc = 0, words = 0;

	m->filters = g_renew(struct mx_filter, m->filters, m->n_filters + 1);
	f = &m->filters[m->n_filters++];
	f->only = !strcmp(it->key, "only");
	f->line = it->line;
	for (size_t a = 0; a < MX_MAX_AXES; a++)
		f->value[a] = -1;
	for (size_t i = 0; w[i] && !rc; i++) {
		char *eq = strchr(w[i], '=');
		size_t a, v;

		if (!w[i][0])
			continue;
		words++;
		if (!eq) {
			rc = mx_fail(m, it->line, err, errlen, "%s: '%s' is not "
				     "AXIS=VALUE", it->key, w[i]);
			break;
		}
		*eq = '\0';
		for (a = 0; a < m->n_axes; a++)
			if (!strcmp(m->axes[a].key, w[i]) ||
			    !strcmp(m->axes[a].name, w[i]))
				break;
		if (a == m->n_axes) {
			rc = mx_fail(m, it->line, err, errlen, "%s: no axis '%s' "
				     "(axes come before filters)", it->key, w[i]);
			break;
		}
		for (v = 0; v < m->axes[a].n; v++)
			if (!strcmp(m->axes[a].v[v].name, eq + 1))
				break;
		if (v == m->axes[a].n)
			rc = mx_fail(m, it->line, err, errlen, "%s: axis %s has no "
				     "value '%s'", it->key, w[i], eq + 1);
		else if (f->value[a] >= 0 && f->value[a] != (int)v)
			rc = mx_fail(m, it->line, err, errlen, "%s: %s=%s and %s=%s "
				     "cannot both hold", it->key, w[i],
				     m->axes[a].v[f->value[a]].name, w[i], eq + 1);
		f->value[a] = (int)v;
	}
	g_strfreev(w);
	if (!rc && !words)
		rc = mx_fail(m, it->line, err, errlen, "%s: no AXIS=VALUE", it->key);
	return rc;
}

static bool filter_holds(const struct mx_filter *f, const size_t *d,
			 size_t n_axes)
{
	for (size_t a = 0; a < n_axes; a++)
		if (f->value[a] >= 0 && (size_t)f->value[a] != d[a])
			return false;
	return true;
}

/**
 * mx_filter_tally() - whether the filters keep cell @d, tallied for the
 * typo check (mx_filter_dead())
 * @m:		the matrix
 * @d:		the cell's value index on each axis (mx_digits())
 * @loose:	[f]++ when filter f holds and the filters of the other kind
 *		leave the cell to it
 * @decides:	[f]++ when, besides, f is the one of its kind to hold
 *		(without f the cell's fate would change)
 *
 * Return: whether the cell is kept
 */
bool mx_filter_tally(const struct sc_matrix *m, const size_t *d, size_t *loose,
		  size_t *decides)
{
	size_t n_only = 0, n_no = 0;
	bool any_only = false;

	for (size_t f = 0; f < m->n_filters; f++) {
		bool h = filter_holds(&m->filters[f], d, m->n_axes);

		any_only |= m->filters[f].only;
		n_only += h && m->filters[f].only;
		n_no += h && !m->filters[f].only;
	}
	for (size_t f = 0; f < m->n_filters; f++) {
		const struct mx_filter *x = &m->filters[f];
		bool left;

		if (!filter_holds(x, d, m->n_axes))
			continue;
		left = x->only ? !n_no : (!any_only || n_only);
		loose[f] += left;
		decides[f] += left && (x->only ? n_only : n_no) == 1;
	}
	return (!any_only || n_only) && !n_no;
}

/**
 * mx_filter_dead() - a filter that changes nothing is an error: one that
 * matches no cell the filters of the other kind leave (a typo), or whose
 * every cell another filter of its kind keeps or drops already (a typo
 * too, or dead weight); the same rule for only and no
 * @m:		the matrix
 * @loose:	mx_filter_tally()'s, over every cell
 * @decides:	likewise
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err set
 */
int mx_filter_dead(const struct sc_matrix *m, const size_t *loose,
		       const size_t *decides, char *err, size_t errlen)
{
	for (size_t f = 0; f < m->n_filters; f++) {
		const struct mx_filter *x = &m->filters[f];
		const char *kind = x->only ? "only" : "no";

		if (!loose[f])
			return mx_fail(m, x->line, err, errlen, "%s matches no cell "
				       "the other filters keep: a typo?", kind);
		if (!decides[f])
			return mx_fail(m, x->line, err, errlen, "%s changes nothing: "
				       "every cell it matches, another %s line %s "
				       "already (a typo? else drop it)", kind, kind,
				       x->only ? "keeps" : "drops");
	}
	return 0;
}

