// SPDX-License-Identifier: GPL-2.0-or-later
/* run_cell_errors.c - a matrix's bad cells said once per distinct error:
 * a matrix whose 900 cells share one mistake (a label that forgot a key)
 * says it once, with how many cells share it and two of them, not 900
 * times.
 *
 * Theory of operation: a cell's error is "file:line: cell [LABEL]: msg";
 * without its "cell [LABEL]: " it is the same for every cell that shares
 * the mistake, so that is the key.  Errors are said in the order first
 * met, each as
 *
 *	f.kdh:18: cell [machine=pc,...]: msg		(one cell)
 *
 *	f.kdh:18: 900 cells: msg			(more)
 *	f.kdh:18:   cell [machine=pc,...]
 *	f.kdh:18:   cell [machine=q35,...]
 *	f.kdh:18:   ... and 898 more cells with this error
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/run/run_suite.h"

/* one distinct error: where (file:line: ), what, how many cells, two */
struct cell_err {
	char *where;
	char *what;
	char *ex[2];
	size_t n;
};

struct cell_errors {
	GPtrArray *order;	/* struct cell_err, as first met */
	GHashTable *by_key;	/* "where what" -> struct cell_err */
};

static void cell_err_free(void *p)
{
	struct cell_err *e = p;

	g_free(e->where);
	g_free(e->what);
	g_free(e->ex[0]);
	g_free(e->ex[1]);
	g_free(e);
}

/**
 * cell_errors_new() - an empty collection
 *
 * Return: the collection (cell_errors_free())
 */
struct cell_errors *cell_errors_new(void)
{
	struct cell_errors *c = g_new0(struct cell_errors, 1);

	c->order = g_ptr_array_new_with_free_func(cell_err_free);
	c->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return c;
}

/**
 * cell_errors_add() - one bad cell's error
 * @c:		the collection
 * @label:	the cell's label ("machine=pc,...")
 * @err:	its error, "file:line: cell [@label]: msg" (any other text
 *		is kept whole, as its own error)
 */
void cell_errors_add(struct cell_errors *c, const char *label, const char *err)
{
	char *needle = g_strdup_printf("cell [%s]: ", label);
	const char *at = strstr(err, needle);
	struct cell_err *e;
	char *key;

	if (at)
		key = g_strdup_printf("%.*s%s", (int)(at - err), err,
				      at + strlen(needle));
	else
		key = g_strdup(err);
	e = g_hash_table_lookup(c->by_key, key);
	if (!e) {
		e = g_new0(struct cell_err, 1);
		e->where = at ? g_strndup(err, (size_t)(at - err)) : g_strdup("");
		e->what = g_strdup(at ? at + strlen(needle) : err);
		g_ptr_array_add(c->order, e);
		g_hash_table_insert(c->by_key, key, e);
	} else {
		g_free(key);
	}
	if (e->n < 2)
		e->ex[e->n] = g_strdup(label);
	e->n++;
	g_free(needle);
}

/* One distinct error on @f */
static void cell_err_print(const struct cell_err *e, FILE *f)
{
	if (!e->where[0]) {	/* not a "cell [LABEL]: " error: as it came */
		fprintf(f, "%s\n", e->what);
		if (e->n > 1)
			fprintf(f, "... and %zu more cells with this error\n",
				e->n - 1);
		return;
	}
	if (e->n == 1) {
		fprintf(f, "%scell [%s]: %s\n", e->where, e->ex[0], e->what);
		return;
	}
	fprintf(f, "%s%zu cells: %s\n", e->where, e->n, e->what);
	fprintf(f, "%s  cell [%s]\n%s  cell [%s]\n", e->where, e->ex[0],
		e->where, e->ex[1]);
	if (e->n > 2)
		fprintf(f, "%s  ... and %zu more cells with this error\n",
			e->where, e->n - 2);
}

/**
 * cell_errors_print() - each distinct error once, in the order first met
 * @c:		the collection
 * @f:		where (stderr)
 *
 * Return: how many cells were bad
 */
size_t cell_errors_print(const struct cell_errors *c, FILE *f)
{
	size_t n = 0;

	for (size_t i = 0; i < c->order->len; i++) {
		const struct cell_err *e = g_ptr_array_index(c->order, i);

		cell_err_print(e, f);
		n += e->n;
	}
	return n;
}

/**
 * cell_errors_free() - release a collection (NULL is fine)
 * @c:		the collection
 */
void cell_errors_free(struct cell_errors *c)
{
	if (!c)
		return;
	g_hash_table_destroy(c->by_key);
	g_ptr_array_free(c->order, TRUE);
	g_free(c);
}
