// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario.c - libFuzzer harness: scenario_parse() on any text.
 * Invariants: it returns 0 or a negative errno; on failure the message is
 * non-empty, one line, and starts with "FILE:" (the name it was given); on
 * success the name (the results directory's) is a plain file name and a
 * second parse agrees. */
#include "fuzz.h"
#include "kdh/scenario/scenario.h"

#define FILE_NAME	"fuzz/input.kdh"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct scenario *sc = malloc(sizeof(*sc)), *again = malloc(sizeof(*sc));
	char err[512] = "", err2[512] = "";
	int rc, rc2;

	if (!sc || !again)
		abort();
	rc = scenario_parse(FILE_NAME, text, sc, err, sizeof(err));
	FUZZ_CHECK(rc <= 0, "rc %d", rc);
	if (rc) {
		FUZZ_CHECK(err[0], "failure (%d) without a message", rc);
		FUZZ_CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1),
			   "message does not name the file: '%s'", err);
		FUZZ_CHECK(!strchr(err, '\n'), "message of several lines: '%s'", err);
	} else {
		FUZZ_CHECK(sc->name[0] && sc->name[0] != '.' &&
			   strspn(sc->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
				  "KLMNOPQRSTUVWXYZ0123456789-_.") == strlen(sc->name),
			   "name '%s' is no plain file name (it names the "
			   "results directory)", sc->name);
		FUZZ_CHECK(!strcmp(sc->file, FILE_NAME), "file '%s'", sc->file);
	}
	rc2 = scenario_parse(FILE_NAME, text, again, err2, sizeof(err2));
	FUZZ_CHECK(rc2 == rc && !strcmp(err, err2), "second parse differs: %d "
		   "'%s' then %d '%s'", rc, err, rc2, err2);
	FUZZ_CHECK(rc || (again->n_vms == sc->n_vms &&
			  again->n_expects == sc->n_expects &&
			  again->hash == sc->hash), "second parse differs");
	free(again);
	free(sc);
	free(text);
	return 0;
}
