// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix.c - a scenario file's [matrix] section: its axes (KEY = V | V,
 * a value plain or LABEL{KEY=VALUE; ...}), only/no filters, max_cells,
 * expect = check; the count of the cells the filters keep, checked before
 * any cell is built (docs/matrix-plan.md).  The filters are
 * matrix_filter.c's, the cells matrix_cell.c's.  Read with scenario_ini.c's reader, as any scenario. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/matrix_priv.h"
#include "harness/scenario/scenario_priv.h"
#include "kdh/scenario/matrix.h"
#include "kdh/util/textfile.h"
#include "netsim/value.h"

/** mx_fail() - "file:line: message" of the matrix's file (text_fail());
 * Return: -EINVAL */
int mx_fail(const struct sc_matrix *m, int line, char *err, size_t errlen,
	    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = text_vfail(err, errlen, m->file, line, fmt, ap);
	va_end(ap);
	return rc;
}

/* The base's section [@kind @name] ("" for any of its kind), its index in
 * m->base; *@count how many of that kind there are */
static long section_find(const struct sc_matrix *m, const char *kind,
			 const char *name, size_t *count)
{
	long found = -1;

	*count = 0;
	for (size_t i = 0; i < m->base.n; i++) {
		const struct ini_item *it = &m->base.items[i];

		if (it->kind != INI_SECTION || strcmp(it->key, kind))
			continue;
		(*count)++;
		if (!name[0] || !strcmp(it->name, name))
			found = (long)i;
	}
	return found;
}

/* Whether section @sec of the base has an item @key */
static bool item_in(const struct sc_matrix *m, size_t sec, const char *key)
{
	for (size_t i = sec + 1; i < m->base.n &&
	     m->base.items[i].kind == INI_ITEM; i++)
		if (!strcmp(m->base.items[i].key, key))
			return true;
	return false;
}

/* vm.KEY / vm.NAME.KEY: which [vm], the rest the key */
static long vm_section(const struct sc_matrix *m, const char *rest,
		       const char **key, int line, char *err, size_t errlen)
{
	const char *dot = strchr(rest, '.');
	size_t n;
	long s;

	if (dot) {
		char name[48];

		snprintf(name, sizeof(name), "%.*s", (int)(dot - rest), rest);
		s = section_find(m, "vm", name, &n);
		if (s >= 0) {
			*key = dot + 1;
			return s;
		}
	}
	s = section_find(m, "vm", "", &n);
	*key = rest;
	if (n == 1)
		return s;
	if (!n)
		return mx_fail(m, line, err, errlen, "vm.%s: the file has no [vm "
			       "NAME] section", rest);
	return mx_fail(m, line, err, errlen, "vm.%s: the file has %zu [vm] "
		       "sections: say which, vm.NAME.%s", rest, n, rest);
}

/* @key (vm.KEY, vm.NAME.KEY, vm.netN.model, network.NAME.KEY,
 * debugger.KEY, scenario.KEY) to the base's section and item key */
static int target_resolve(const struct sc_matrix *m, const char *key,
			  int line, struct mx_target *t, char *err, size_t errlen)
{
	const char *dot = strchr(key, '.'), *k = NULL;
	size_t n;
	long s = -1;

	memset(t, 0, sizeof(*t));
	snprintf(t->full, sizeof(t->full), "%s", key);
	if (dot && !strncmp(key, "vm.", 3)) {
		s = vm_section(m, key + 3, &k, line, err, errlen);
		if (s < 0)
			return -EINVAL;
	} else if (dot && !strncmp(key, "network.", 8) && strchr(dot + 1, '.')) {
		char name[48];
		const char *d2 = strchr(dot + 1, '.');

		snprintf(name, sizeof(name), "%.*s", (int)(d2 - dot - 1), dot + 1);
		s = section_find(m, "network", name, &n);
		if (s < 0)
			return mx_fail(m, line, err, errlen, "%s: the file has no "
				       "[network %s]", key, name);
		k = d2 + 1;
	} else if (dot && (!strncmp(key, "debugger.", 9) ||
			   !strncmp(key, "scenario.", 9))) {
		char kind[16];

		snprintf(kind, sizeof(kind), "%.*s", (int)(dot - key), key);
		s = section_find(m, kind, "", &n);
		if (s < 0)
			return mx_fail(m, line, err, errlen, "%s: the file has no "
				       "[%s] section (add one)", key, kind);
		k = dot + 1;
	} else {
		return mx_fail(m, line, err, errlen, "'%s' is no scenario key: "
			       "vm.KEY, vm.NAME.KEY, network.NAME.KEY, "
			       "debugger.KEY or scenario.KEY", key);
	}
	t->sec = (size_t)s;
	snprintf(t->key, sizeof(t->key), "%s", k);
	if (!strncmp(k, "net", 3) && g_ascii_isdigit(k[3]) &&
	    g_str_has_suffix(k, ".model") && !strcmp(m->base.items[s].key, "vm")) {
		t->model = true;
		t->key[strlen(k) - 6] = '\0';
		if (!item_in(m, t->sec, t->key))
			return mx_fail(m, line, err, errlen, "%s: [vm %s] has no "
				       "%s line (the model is set in one)", key,
				       m->base.items[s].name, t->key);
	}
	if (!*k || (strchr(t->key, '.') && strncmp(t->key, "timing.", 7) &&
		    strncmp(t->key, "hypothesis.", 11)))
		return mx_fail(m, line, err, errlen, "%s: '%s' is no key of "
			       "[%s]", key, k, m->base.items[s].key);
	if (!sc_key_known(m->base.items[s].key, t->key))
		return mx_fail(m, line, err, errlen, "%s: '%s' is not a key of "
			       "[%s] (docs/scenarios.md lists them)", key, t->key,
			       m->base.items[s].key);
	return 0;
}

/* LABEL{KEY=VALUE; KEY=VALUE} */
static int label_parse(struct sc_matrix *m, struct mx_axis *a,
		       struct mx_value *v, char *s, char *err, size_t errlen)
{
	char *brace = strchr(s, '{'), **parts;
	size_t n;
	int rc = 0;

	if (s[strlen(s) - 1] != '}')
		return mx_fail(m, a->line, err, errlen, "%s: '%s' lacks its closing "
			       "'}': LABEL{KEY=VALUE; KEY=VALUE}", a->key, s);
	s[strlen(s) - 1] = '\0';
	*brace = '\0';
	v->name = g_strdup(g_strstrip(s));
	if (!v->name[0])
		return mx_fail(m, a->line, err, errlen, "%s: a value with keys "
			       "needs a label: LABEL{KEY=VALUE}", a->key);
	parts = g_strsplit(brace + 1, ";", -1);
	n = g_strv_length(parts);
	v->sets = g_new0(struct mx_set, n);
	for (size_t i = 0; i < n && !rc; i++) {
		char *kv = g_strstrip(parts[i]), *eq = strchr(kv, '=');

		if (!eq || eq == kv || !g_strstrip(eq + 1)[0]) {
			rc = mx_fail(m, a->line, err, errlen, "%s: '%s' in %s{...} "
				     "is not KEY=VALUE", a->key, kv, v->name);
			break;
		}
		*eq = '\0';
		rc = target_resolve(m, g_strstrip(kv), a->line,
				    &v->sets[v->n_sets].t, err, errlen);
		if (!rc)
			v->sets[v->n_sets++].value = g_strdup(g_strstrip(eq + 1));
	}
	g_strfreev(parts);
	return rc;
}

/* vm.netN.model = absent would make "absent" the model (a NIC has one):
 * leaving the NIC out is vm.netN = absent */
static int model_absent(const struct sc_matrix *m, const struct mx_axis *a,
			const struct mx_value *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < v->n_sets; i++)
		if (v->sets[i].t.model && !strcmp(v->sets[i].value, "absent"))
			return mx_fail(m, a->line, err, errlen, "%s = absent: a NIC "
				       "cannot lose its model; to leave the NIC "
				       "out, %.*s = absent", v->sets[i].t.full,
				       (int)strlen(v->sets[i].t.full) - 6,
				       v->sets[i].t.full);
	return 0;
}

/* AXIS = V | V | ... */
static int axis_parse(struct sc_matrix *m, const struct ini_item *it,
		      char *err, size_t errlen)
{
	struct mx_axis *a = &m->axes[m->n_axes];
	struct mx_target t;
	const char *last = strrchr(it->key, '.');
	char **vals;
	int rc = 0;

	if (m->n_axes == MX_MAX_AXES)
		return mx_fail(m, it->line, err, errlen, "more than %d axes",
			       MX_MAX_AXES);
	a->line = it->line;
	snprintf(a->key, sizeof(a->key), "%s", it->key);
	snprintf(a->name, sizeof(a->name), "%s", last ? last + 1 : it->key);
	for (size_t i = 0; i < m->n_axes; i++)
		if (!strcmp(m->axes[i].name, a->name))
			return mx_fail(m, it->line, err, errlen, "two axes named "
				       "'%s' (the other at line %d): cell names "
				       "could not tell them apart", a->name,
				       m->axes[i].line);
	if (last && target_resolve(m, it->key, it->line, &t, err, errlen))
		return -EINVAL;
	if (!it->value[0])
		return mx_fail(m, it->line, err, errlen, "%s: no values (V | V | "
			       "...)", it->key);
	m->n_axes++;
	vals = g_strsplit(it->value, "|", -1);
	a->v = g_new0(struct mx_value, g_strv_length(vals));
	for (size_t i = 0; vals[i] && !rc; i++) {
		struct mx_value *v = &a->v[a->n];
		char *s = g_strstrip(vals[i]);

		if (!s[0])
			rc = mx_fail(m, it->line, err, errlen, "%s: an empty value "
				     "(two '|' with nothing between)", it->key);
		else if (strchr(s, '{'))
			rc = label_parse(m, a, v, s, err, errlen);
		else if (!last)
			rc = mx_fail(m, it->line, err, errlen, "%s: '%s': an axis "
				     "with a bare name takes LABEL{KEY=VALUE} "
				     "values", it->key, s);
		else {
			v->name = g_strdup(s);
			v->sets = g_new0(struct mx_set, 1);
			v->sets[0].t = t;
			v->sets[0].value = g_strdup(s);
			v->n_sets = 1;
		}
		if (v->name)
			a->n++;
		if (!rc)
			rc = model_absent(m, a, v, err, errlen);
		for (size_t j = 0; !rc && j + 1 < a->n; j++)
			if (!strcmp(a->v[j].name, v->name))
				rc = mx_fail(m, it->line, err, errlen, "%s: '%s' "
					     "twice", it->key, v->name);
	}
	g_strfreev(vals);
	return rc ? rc : mx_axis_check(m, err, errlen);
}

/** mx_digits() - each axis's value index of cell @index (first axis the
 * slowest, as nested loops in the file's order) */
void mx_digits(const struct sc_matrix *m, size_t index, size_t *d)
{
	for (size_t a = m->n_axes; a-- > 0;) {
		d[a] = index % m->axes[a].n;
		index /= m->axes[a].n;
	}
}

/* "machine 2 × bios 2 × ..." for the count's message */
static void product_text(const struct sc_matrix *m, char *s, size_t size)
{
	size_t o = 0;

	s[0] = '\0';
	for (size_t a = 0; a < m->n_axes && o < size; a++)
		o += (size_t)snprintf(s + o, size - o, "%s%s %zu", a ? " × " : "",
				      m->axes[a].name, m->axes[a].n);
}

/* Which cells the filters keep; a filter that changes nothing is a typo;
 * more cells than max is an error */
static int count(struct sc_matrix *m, int line, char *err, size_t errlen)
{
	size_t total = 1, d[MX_MAX_AXES], *loose, *decides;
	char prod[400];
	int rc;

	product_text(m, prod, sizeof(prod));
	for (size_t a = 0; a < m->n_axes; a++)
		if (total > MX_HARD_MAX / m->axes[a].n)
			return mx_fail(m, line, err, errlen, "more than %u cells "
				       "before filters (%s): more than kdh expands",
				       MX_HARD_MAX, prod);
		else
			total *= m->axes[a].n;
	loose = g_new0(size_t, m->n_filters + 1);
	decides = g_new0(size_t, m->n_filters + 1);
	m->kept = g_new0(size_t, MIN(total, m->max) + 1);
	for (size_t i = 0; i < total; i++) {
		mx_digits(m, i, d);
		if (!mx_filter_tally(m, d, loose, decides))
			continue;
		if (m->n_kept < m->max)
			m->kept[m->n_kept] = i;
		m->n_kept++;
	}
	rc = mx_filter_dead(m, loose, decides, err, errlen);
	g_free(loose);
	g_free(decides);
	if (rc)
		return rc;
	if (m->n_kept > m->max)
		return mx_fail(m, line, err, errlen, "%zu cells (%s = %zu before "
			       "filters): more than max_cells = %zu; add only/no "
			       "filters or raise max_cells", m->n_kept, prod, total,
			       m->max);
	if (!m->n_kept)
		return mx_fail(m, line, err, errlen, "the filters keep no cell");
	return 0;
}

/* A [matrix] key: an axis, a filter, max_cells, expect */
static int matrix_item(struct sc_matrix *m, const struct ini_item *it,
		       bool *max_given, char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(it->key, "only") || !strcmp(it->key, "no"))
		return mx_filter_parse(m, it, err, errlen);
	if (!strcmp(it->key, "max_cells")) {
		if (value_uint(it->value, 1, MX_HARD_MAX, &v))
			return mx_fail(m, it->line, err, errlen, "max_cells: '%s' is "
				       "not 1-%u", it->value, MX_HARD_MAX);
		if (!*max_given)
			m->max = v;
		return 0;
	}
	if (!strcmp(it->key, "expect")) {
		if (strcmp(it->value, "check"))
			return mx_fail(m, it->line, err, errlen, "expect: '%s': the "
				       "one value is check (kdh check's prediction "
				       "is each cell's expectation)", it->value);
		m->oracle = true;
		return 0;
	}
	if (!it->key[0])
		return mx_fail(m, it->line, err, errlen, "'%s' is not KEY = V | V",
			       it->value);
	if (m->n_filters)
		return mx_fail(m, it->line, err, errlen, "%s: axes come before the "
			       "only/no filters", it->key);
	return axis_parse(m, it, err, errlen);
}

/* The scenario's name: [scenario] name, else the file's base name */
static char *base_name(const struct sc_matrix *m)
{
	const char *b = !strncmp(m->file, "built-in:", 9) ? m->file + 8 :
			strrchr(m->file, '/');
	char *s = g_strdup(b ? b + 1 : m->file), *dot = strrchr(s, '.');
	bool in_sc = false;

	if (dot)
		*dot = '\0';
	for (size_t i = 0; i < m->base.n; i++) {
		const struct ini_item *it = &m->base.items[i];

		if (it->kind == INI_SECTION)
			in_sc = !strcmp(it->key, "scenario");
		else if (in_sc && !strcmp(it->key, "name")) {
			g_free(s);
			s = g_strdup(it->value);
		}
	}
	return s;
}

/* Split @ini: [matrix]'s items (returned, *n of them) and the base */
static struct ini_item *split(struct sc_matrix *m, struct ini *ini, size_t *n,
			      int *line)
{
	struct ini_item *mx = g_new0(struct ini_item, ini->n + 1);
	bool in = false;

	*n = 0;
	m->base.items = calloc(ini->n + 1, sizeof(*m->base.items));
	for (size_t i = 0; i < ini->n; i++) {
		struct ini_item *it = &ini->items[i];

		if (it->kind == INI_SECTION)
			in = !strcmp(it->key, "matrix");
		if (in && it->kind == INI_SECTION)
			line[*line ? 1 : 0] = it->line;
		if (in && it->kind == INI_ITEM)
			mx[(*n)++] = *it;
		else if (!in)
			m->base.items[m->base.n++] = *it;
		else
			free(it->value);	/* the [matrix] header */
		it->value = NULL;
	}
	for (size_t i = 0; i < *n; i++) {	/* g_free'd as the base's are */
		char *v = g_strdup(mx[i].value);

		free(mx[i].value);
		mx[i].value = v;
	}
	return mx;
}

/**
 * sc_matrix_free() - release a matrix (NULL is fine)
 * @m:		the matrix
 */
void sc_matrix_free(struct sc_matrix *m)
{
	if (!m)
		return;
	for (size_t a = 0; a < m->n_axes; a++) {
		for (size_t v = 0; v < m->axes[a].n; v++) {
			for (size_t s = 0; s < m->axes[a].v[v].n_sets; s++)
				g_free(m->axes[a].v[v].sets[s].value);
			g_free(m->axes[a].v[v].sets);
			g_free(m->axes[a].v[v].name);
		}
		g_free(m->axes[a].v);
	}
	ini_free(&m->base);
	g_free(m->filters);
	g_free(m->kept);
	g_free(m->name);
	g_free(m->file);
	g_free(m);
}

/**
 * sc_matrix_parse() - a scenario file's [matrix], checked (matrix.h)
 * @file:	name for messages
 * @text:	the whole file
 * @max_cells:	overrides the section's max_cells when nonzero
 * @m:		output; NULL when the file has no [matrix]
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err set
 */
int sc_matrix_parse(const char *file, const char *text, size_t max_cells,
		    struct sc_matrix **m, char *err, size_t errlen)
{
	struct sc_matrix *x;
	struct ini ini;
	struct ini_item *mx;
	char ierr[256];
	int line[2] = { 0, 0 }, rc = 0;
	bool max_given = max_cells > 0;
	size_t n;

	*m = NULL;
	if (ini_parse(text, &ini, ierr, sizeof(ierr))) {
		snprintf(err, errlen, "%s:%s", file, ierr);
		return -EINVAL;
	}
	x = g_new0(struct sc_matrix, 1);
	x->file = g_strdup(file);
	x->max = max_given ? max_cells : SC_MATRIX_DEFAULT_MAX;
	x->hash = g_str_hash(text) ^ ((uint64_t)strlen(text) << 32);
	mx = split(x, &ini, &n, line);
	ini_free(&ini);
	x->name = base_name(x);
	if (line[1])
		rc = mx_fail(x, line[1], err, errlen, "a second [matrix] (the "
			     "first at line %d): one a file", line[0]);
	for (size_t i = 0; i < n && !rc; i++)
		rc = matrix_item(x, &mx[i], &max_given, err, errlen);
	if (!rc && line[0] && !x->n_axes)
		rc = mx_fail(x, line[0], err, errlen, "[matrix] has no axes "
			     "(KEY = V | V | ...)");
	if (!rc && line[0])
		rc = count(x, line[0], err, errlen);
	for (size_t i = 0; i < n; i++)
		g_free(mx[i].value);
	g_free(mx);
	if (rc || !line[0]) {
		sc_matrix_free(x);
		return rc;
	}
	*m = x;
	return 0;
}

/** sc_matrix_cells() - how many cells the filters keep */
size_t sc_matrix_cells(const struct sc_matrix *m)
{
	return m->n_kept;
}

/** sc_matrix_oracle() - the section says expect = check */
bool sc_matrix_oracle(const struct sc_matrix *m)
{
	return m->oracle;
}
