// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix_cell.c - one cell of a [matrix]: its label and name, and its
 * scenario: the base's INI items with the cell's values set (a value
 * replaces the key's item and keeps its line, a missing key is added with
 * its axis's line, "absent" removes the key, vm.netN.model changes only
 * the model of the netN line), parsed as any scenario file is */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/matrix_priv.h"
#include "harness/scenario/scenario_priv.h"
#include "kdh/scenario/matrix.h"

/* the sets of one cell, each with its axis's line */
struct cell_set {
	const struct mx_set *s;
	int line;
	bool done;
};

/**
 * sc_matrix_cell() - the @k-th kept cell's index, label and name
 * @m:		the matrix
 * @k:		0 <= @k < sc_matrix_cells()
 * @c:		output (sc_cell_clear())
 *
 * Return: 0, or -ERANGE for a @k out of range
 */
int sc_matrix_cell(const struct sc_matrix *m, size_t k, struct sc_cell *c)
{
	size_t d[MX_MAX_AXES];
	GString *s;

	memset(c, 0, sizeof(*c));
	if (k >= m->n_kept)
		return -ERANGE;
	c->index = m->kept[k];
	mx_digits(m, c->index, d);
	s = g_string_new(NULL);
	for (size_t a = 0; a < m->n_axes; a++)
		g_string_append_printf(s, "%s%s=%s", a ? "," : "", m->axes[a].name,
				       m->axes[a].v[d[a]].name);
	c->label = g_string_free(s, FALSE);
	c->name = g_strdup_printf("%s[%s]", m->name, c->label);
	return 0;
}

/** sc_cell_clear() - release a cell's strings */
void sc_cell_clear(struct sc_cell *c)
{
	g_free(c->label);
	g_free(c->name);
	memset(c, 0, sizeof(*c));
}

/* netN's line with its model (before the first '=' or ',') replaced */
static char *model_set(const char *line, const char *model)
{
	size_t n = strcspn(line, "=,");

	return g_strdup_printf("%s%s", model, line + n);
}

/* @it's value after the sets on it; NULL when one says absent */
static char *item_value(const struct ini_item *it, size_t sec,
			struct cell_set *cs, size_t n)
{
	char *v = strdup(it->value);

	for (size_t i = 0; i < n && v; i++) {
		const struct mx_set *s = cs[i].s;
		char *nv;

		if (s->t.sec != sec || strcmp(s->t.key, it->key))
			continue;
		cs[i].done = true;
		if (!strcmp(s->value, "absent") && !s->t.model) {
			free(v);
			v = NULL;
			continue;
		}
		nv = s->t.model ? model_set(v, s->value) : g_strdup(s->value);
		free(v);
		v = strdup(nv);
		g_free(nv);
	}
	return v;
}

/* The sets of section @sec not on any of its items: added at its end */
static int section_end(const struct sc_matrix *m, size_t sec,
		       struct cell_set *cs, size_t n, struct ini *out,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct mx_set *s = cs[i].s;
		struct ini_item *it;

		if (cs[i].done || s->t.sec != sec || !strcmp(s->value, "absent"))
			continue;
		cs[i].done = true;
		if (s->t.model)
			return mx_fail(m, cs[i].line, err, errlen, "%s: [vm %s] has "
				       "no %s line to change the model of",
				       s->t.full, m->base.items[sec].name, s->t.key);
		it = &out->items[out->n++];
		it->kind = INI_ITEM;
		it->line = cs[i].line;
		it->sep = '=';
		snprintf(it->key, sizeof(it->key), "%s", s->t.key);
		it->value = strdup(s->value);
	}
	return 0;
}

/* The base's items with cell @index's values set */
static int cell_items(const struct sc_matrix *m, size_t index,
		      struct ini *out, char *err, size_t errlen)
{
	size_t d[MX_MAX_AXES], n = 0, sec = 0, all = 0;
	struct cell_set *cs;
	int rc = 0;

	mx_digits(m, index, d);
	for (size_t a = 0; a < m->n_axes; a++)	/* every set: none is dropped */
		all += m->axes[a].v[d[a]].n_sets;
	cs = g_new0(struct cell_set, all + 1);
	for (size_t a = 0; a < m->n_axes; a++) {
		const struct mx_value *v = &m->axes[a].v[d[a]];

		for (size_t s = 0; s < v->n_sets; s++)
			cs[n++] = (struct cell_set){ &v->sets[s], m->axes[a].line,
						     false };
	}
	out->n = 0;
	out->items = calloc(m->base.n + n + 1, sizeof(*out->items));
	for (size_t i = 0; i < m->base.n && !rc; i++) {
		const struct ini_item *it = &m->base.items[i];
		char *v;

		if (it->kind == INI_SECTION) {
			if (i)
				rc = section_end(m, sec, cs, n, out, err, errlen);
			sec = i;
			out->items[out->n] = *it;
			out->items[out->n++].value = strdup(it->value ? it->value : "");
			continue;
		}
		v = item_value(it, sec, cs, n);
		if (!v)
			continue;
		out->items[out->n] = *it;
		out->items[out->n++].value = v;
	}
	if (!rc && m->base.n)
		rc = section_end(m, sec, cs, n, out, err, errlen);
	g_free(cs);
	return rc;
}

/* "file:line: msg" to "file:line: cell [label]: msg" */
static void cell_error(const struct sc_matrix *m, const char *label,
		       char *err, size_t errlen)
{
	size_t f = strlen(m->file) + 1, o = f;
	char *rest;

	if (strncmp(err, m->file, f - 1) || err[f - 1] != ':')
		return;
	o += strspn(err + o, "0123456789");
	o += strspn(err + o, ": ");
	rest = g_strdup(err + o);
	snprintf(err + o, errlen - o, "cell [%s]: %s", label, rest);
	g_free(rest);
}

/**
 * sc_matrix_cell_parse() - the @k-th kept cell as a scenario (matrix.h)
 * @m:		the matrix
 * @k:		the cell
 * @sc:		output, with is_cell, cell_index, cell_label and oracle set
 * @err:	"file:line: cell [label]: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, -ERANGE, or -EINVAL with @err set
 */
int sc_matrix_cell_parse(const struct sc_matrix *m, size_t k,
			 struct scenario *sc, char *err, size_t errlen)
{
	struct sc_cell c;
	struct ini items;
	int rc;

	if (sc_matrix_cell(m, k, &c))
		return -ERANGE;
	rc = cell_items(m, c.index, &items, err, errlen);
	if (!rc)
		rc = sc_parse_items(m->file, &items, m->hash ^ ((c.index + 1) *
				    0x9E3779B97F4A7C15ull), sc, err, errlen);
	ini_free(&items);
	if (rc) {
		cell_error(m, c.label, err, errlen);
		sc_cell_clear(&c);
		return -EINVAL;
	}
	sc->is_cell = true;
	sc->cell_index = c.index;
	snprintf(sc->cell_label, sizeof(sc->cell_label), "%s", c.label);
	sc->oracle = m->oracle;
	sc_cell_clear(&c);
	return 0;
}
