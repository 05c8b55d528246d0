// SPDX-License-Identifier: GPL-2.0-or-later
/* summary.c - libFuzzer harness: report_summary_parse() (what `kdh
 * report`, `report merge` and `run --baseline` read a summary.json with)
 * on any bytes (jr_parse() first: what json-glib cannot take safely).
 * Invariants: no GLib or json-glib message at all (a handler aborts on
 * any: a CRITICAL is a getter called on the wrong type); it returns 0 or
 * -1; on failure the message is one line and starts with "FILE: "; on
 * success every count is within its array, every string ends inside its
 * buffer, and each result written back as kdh writes it (report.c) reads
 * back to the same figures. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "fuzz.h"
#include "kdh/util/json_out.h"
#include "kdh/util/json_read.h"
#include "kdh/report/report.h"

#define FILE_NAME	"fuzz/summary.json"

/* Any GLib message is a finding: kdh must speak before json-glib does */
static void glib_message(const gchar *domain, GLogLevelFlags level,
			 const gchar *message, gpointer data)
{
	(void)data;
	fprintf(stderr, "GLib message (%s, level %d): %s\n", domain ? domain : "",
		(int)level, message);
	abort();
}

static bool ends_in(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static void result_check(const struct scenario_result *r)
{
	FUZZ_CHECK(r->name[0] && ends_in(r->name, sizeof(r->name)), "name");
	FUZZ_CHECK(r->verdict < V_COUNT, "verdict %d", (int)r->verdict);
	FUZZ_CHECK(r->n_vms <= sizeof(r->vms) / sizeof(r->vms[0]), "%zu vms",
		   r->n_vms);
	FUZZ_CHECK(r->n_findings <= sizeof(r->findings) / sizeof(r->findings[0]),
		   "%zu findings", r->n_findings);
	FUZZ_CHECK(isnan(r->sim_s) || r->sim_s >= 0, "sim_s %g", r->sim_s);
	for (size_t i = 0; i < r->n_vms; i++) {
		const struct vm_result *v = &r->vms[i];

		FUZZ_CHECK(ends_in(v->name, sizeof(v->name)), "vm name");
		FUZZ_CHECK(v->m.n_timeline <= sizeof(v->m.timeline) /
			   sizeof(v->m.timeline[0]), "timeline %u", v->m.n_timeline);
		FUZZ_CHECK(v->m.n_serial_resets <= sizeof(v->m.serial_resets) /
			   sizeof(v->m.serial_resets[0]), "resets");
		FUZZ_CHECK(v->n_bands <= sizeof(v->bands) / sizeof(v->bands[0]),
			   "bands");
	}
}

/* Written as kdh writes it, then read again: the same figures */
static void round_trip(const struct scenario_result *r)
{
	JsonGenerator *gen = json_generator_new();
	JsonParser *p = json_parser_new();
	JsonNode *n = report_result_node(r);
	struct scenario_result *again = malloc(sizeof(*again));
	char err[400];
	struct jr jr;
	gchar *text;

	if (!again)
		abort();
	json_generator_set_root(gen, n);
	text = json_generator_to_data(gen, NULL);
	json_unsigned_fix(text, NULL);	/* seeds above 2^63, as kdh writes them */
	FUZZ_CHECK(json_parser_load_from_data(p, text, -1, NULL), "kdh wrote "
		   "JSON it cannot parse: %s", text);
	jr_init(&jr, "again", err, sizeof(err));
	FUZZ_CHECK(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)) &&
		   !report_result_read(&jr, json_node_get_object(
			   json_parser_get_root(p)), again),
		   "what kdh wrote does not read back: %s\n%s", err, text);
	FUZZ_CHECK(!strcmp(again->name, r->name) && again->verdict == r->verdict &&
		   again->frames == r->frames && again->seed == r->seed &&
		   again->n_vms == r->n_vms && again->n_findings == r->n_findings,
		   "read back differs: %s", text);
	for (size_t i = 0; i < r->n_vms; i++)
		FUZZ_CHECK(again->vms[i].measured == r->vms[i].measured &&
			   again->vms[i].m.outcome == r->vms[i].m.outcome &&
			   again->vms[i].m.boots == r->vms[i].m.boots,
			   "target %zu read back differs", i);
	free(again);
	g_free(text);
	json_node_unref(n);
	g_object_unref(p);
	g_object_unref(gen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool handler;
	GArray *rs = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	JsonParser *p = json_parser_new();
	struct run_status st = { 0 };
	struct provenance pv;
	char err[400] = "";
	uint64_t seed = 0;
	struct jr jr;
	int rc;

	if (!handler) {
		g_log_set_default_handler(glib_message, NULL);
		g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
		handler = true;
	}
	if (jr_parse(p, FILE_NAME, (const char *)data, size, err, sizeof(err))) {
		FUZZ_CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1),
			   "parse error does not name the file: '%s'", err);
		goto out;
	}
	jr_init(&jr, FILE_NAME, err, sizeof(err));
	rc = report_summary_parse(&jr, json_parser_get_root(p), rs, &seed, &st, &pv);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc) {
		FUZZ_CHECK(!strncmp(err, FILE_NAME ": ", strlen(FILE_NAME) + 2),
			   "message does not name the file: '%s'", err);
		FUZZ_CHECK(!strchr(err, '\n'), "message of several lines: '%s'", err);
		FUZZ_CHECK(rs->len == 0, "%u results kept from a refused summary",
			   rs->len);
		goto out;
	}
	FUZZ_CHECK(!err[0], "success with a message: '%s'", err);
	FUZZ_CHECK(st.scenarios >= rs->len, "%zu scenarios, %u listed",
		   st.scenarios, rs->len);
	for (guint i = 0; i < rs->len; i++) {
		result_check(&g_array_index(rs, struct scenario_result, i));
		round_trip(&g_array_index(rs, struct scenario_result, i));
	}
out:
	g_object_unref(p);
	g_array_free(rs, TRUE);
	return 0;
}
