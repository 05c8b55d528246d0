// SPDX-License-Identifier: GPL-2.0-or-later
/* matrix.c - libFuzzer harness: sc_matrix_parse() and its cells on any
 * text.  Invariants: it returns 0 or -EINVAL; on failure the message is
 * one line starting with "FILE:"; the cells are at most max_cells, each
 * with a label and the name "NAME[label]", indexes rising; every cell
 * (the first 16) parses, or fails with "FILE:LINE: ". */
#include <ctype.h>
#include <errno.h>

#include <glib.h>

#include "fuzz.h"
#include "kdh/scenario/matrix.h"
#include "kdh/scenario/scenario.h"

#define FILE_NAME	"fuzz/input.kdh"
#define MAX_CELLS	64

static void check_error(const char *err)
{
	size_t f = strlen(FILE_NAME) + 1;

	FUZZ_CHECK(!strncmp(err, FILE_NAME ":", f), "message does not name the "
		   "file: '%s'", err);
	FUZZ_CHECK(!strchr(err, '\n'), "message of several lines: '%s'", err);
}

static void check_cells(const struct sc_matrix *m, struct scenario *sc)
{
	size_t n = sc_matrix_cells(m), last = 0;
	char err[512];

	FUZZ_CHECK(n >= 1 && n <= MAX_CELLS, "%zu cells (max %d)", n, MAX_CELLS);
	for (size_t k = 0; k < n; k++) {
		struct sc_cell c;
		int rc;

		FUZZ_CHECK(!sc_matrix_cell(m, k, &c), "cell %zu of %zu", k, n);
		FUZZ_CHECK(!k || c.index > last, "cell %zu: index %zu after %zu",
			   k, c.index, last);
		FUZZ_CHECK(c.label[0] && g_str_has_suffix(c.name, "]") &&
			   strstr(c.name, c.label), "name '%s' label '%s'",
			   c.name, c.label);
		last = c.index;
		sc_cell_clear(&c);
		if (k >= 16)
			continue;
		err[0] = '\0';
		rc = sc_matrix_cell_parse(m, k, sc, err, sizeof(err));
		FUZZ_CHECK(rc == 0 || rc == -EINVAL, "cell %zu: rc %d", k, rc);
		if (rc) {
			check_error(err);
			FUZZ_CHECK(isdigit((unsigned char)err[strlen(FILE_NAME) + 1]),
				   "cell %zu: no line: '%s'", k, err);
		} else {
			FUZZ_CHECK(sc->is_cell && sc->cell_index < SIZE_MAX,
				   "cell %zu not marked a cell", k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct scenario *sc = malloc(sizeof(*sc));
	struct sc_matrix *m = NULL;
	char err[512] = "";
	int rc;

	if (!sc)
		abort();
	rc = sc_matrix_parse(FILE_NAME, text, MAX_CELLS, &m, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	if (rc) {
		FUZZ_CHECK(!m, "a matrix with an error");
		check_error(err);
	} else if (m) {
		check_cells(m, sc);
	}
	sc_matrix_free(m);
	free(sc);
	free(text);
	return 0;
}
