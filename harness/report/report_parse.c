// SPDX-License-Identifier: GPL-2.0-or-later
/* report_parse.c - results back from JSON: a summary.json (or a --json
 * file) becomes struct scenario_result again, for `kdh report` and its
 * merge.  A member that is missing (a summary from an older kdh) reads
 * as absent: NAN, 0, "" or none, never as a made-up value; a result
 * without KD members had no KD conversation. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "harness/report/report_priv.h"
#include "kdh/util/json_read.h"
#include "kdh/util/jsonfile.h"

/* A string that names none of the values it may take: say which it was
 * (escaped, cut to a readable length) and what it may be */
static int one_of_fail(struct jr *jr, const char *key, const char *s,
		       const char *allowed)
{
	gchar *esc = g_strescape(s, NULL);

	jr_fail(jr, key, "\"%.40s%s\" is not one of %s", esc,
		strlen(esc) > 40 ? "..." : "", allowed);
	g_free(esc);
	return -1;
}

static int outcome_of(const char *name)
{
	for (int o = AN_CONNECTED; o <= AN_OUTCOME_LAST; o++)
		if (name && !strcmp(an_outcome_name((enum an_outcome)o), name))
			return o;
	return -1;
}

static unsigned uint_of(struct jr *jr, JsonObject *o, const char *k)
{
	uint64_t v;

	jr_uint(jr, o, k, 0, UINT_MAX, &v);
	return (unsigned)v;
}

static const char *source_of(struct jr *jr, JsonObject *t)
{
	static const char *const sources[] = { "dhcp", "static", "apipa" };
	const char *src;

	if (jr_str(jr, t, "address_source", 0, &src) <= 0)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
		if (!strcmp(src, sources[i]))
			return sources[i];
	one_of_fail(jr, "address_source", src, "dhcp, static, apipa or null");
	return NULL;
}

/* The measured figures of one target */
static void target_figures(struct jr *jr, JsonObject *t, struct an_vm_result *m)
{
	jr_strcpy(jr, t, "why", 0, m->why, sizeof(m->why));
	jr_num(jr, t, "connect_time_s", JR_NONNEG, &m->connect_s);
	jr_num(jr, t, "serial_connect_time_s", JR_NONNEG, &m->serial_connect_s);
	jr_num(jr, t, "dhcp_phase_s", JR_NONNEG, &m->dhcp_phase_s);
	jr_num(jr, t, "first_kdnet_s", JR_NONNEG, &m->first_kdnet_s);
	jr_num(jr, t, "logo_hang_s", JR_NONNEG, &m->logo_hang_s);
	jr_num(jr, t, "capture_end_s", 0, &m->end_s);
	jr_num(jr, t, "previous_boot_s", 0, &m->prev_boot_s);
	m->discover_count = uint_of(jr, t, "discover_count");
	m->boots = uint_of(jr, t, "boots");
	jr_bool(jr, t, "os_network", 0, &m->os_network);
	jr_strcpy(jr, t, "address", 0, m->address, sizeof(m->address));
	m->address_source = source_of(jr, t);
	jr_strcpy(jr, t, "serial_port", 0, m->serial_port, sizeof(m->serial_port));
	jr_strcpy(jr, t, "reboot", 0, m->reboot, sizeof(m->reboot));
}

/* "bugcheck": { "code": "0x000000D1", "params": [ four hex strings ] } */
static void target_bugcheck(struct jr *jr, JsonObject *bc, struct an_vm_result *m)
{
	size_t mark = jr_enter(jr, "bugcheck", -1);
	JsonArray *params;
	uint64_t code;

	jr_hex(jr, bc, "code", JR_REQUIRED, UINT32_MAX, &code);
	m->kd.bugcheck.code = (uint32_t)code;
	jr_array(jr, bc, "params", 0, 4, &params);
	jr_enter(jr, "params", -1);
	for (guint i = 0; params && i < json_array_get_length(params); i++) {
		const char *p;
		guint64 v = 0;

		if (jr_elem_str(jr, params, i, &p) > 0 &&
		    !g_ascii_string_to_unsigned(p + (!g_ascii_strncasecmp(p, "0x", 2)
				? 2 : 0), 16, 0, UINT64_MAX, &v, NULL))
			jr_fail(jr, NULL, "[%u]: expected a hexadecimal string", i);
		m->kd.bugcheck.param[i] = v;
	}
	jr_leave(jr, mark);
}

static const char *const kinds[] = { "boot debugger", "kernel" };

/* What the guest said over KD: a non-null modules_loaded says the VM had
 * a KD conversation (every KD member is null without one) */
static void target_kd(struct jr *jr, JsonObject *t, struct an_vm_result *m)
{
	JsonObject *bc;
	const char *kind;
	uint64_t build, base;

	m->kd.stalled_s = NAN;
	jr_object(jr, t, "bugcheck", 0, &bc);
	m->kd.seen = jr_uint(jr, t, "modules_loaded", 0, UINT_MAX, &build) > 0;
	if (!m->kd.seen)
		return;
	m->kd.modules_loaded = (unsigned)build;
	m->kd.dbgprint_lines = uint_of(jr, t, "dbgprint_lines");
	m->kd.breaks = uint_of(jr, t, "breaks");
	m->kd.exceptions = uint_of(jr, t, "exceptions");
	m->kd.file_opens = uint_of(jr, t, "files_asked");
	m->kd.has_version = jr_uint(jr, t, "windows_build", 0, UINT_MAX, &build) > 0;
	m->kd.build = (unsigned)build;
	m->kd.has_version |= jr_hex(jr, t, "kernel_base", 0, UINT64_MAX, &base) > 0;
	m->kd.kern_base = base;
	if (jr_str(jr, t, "debugger_kind", 0, &kind) > 0 &&
	    strcmp(kind, kinds[0]) && strcmp(kind, kinds[1]))
		one_of_fail(jr, "debugger_kind", kind, "\"boot debugger\", "
			    "\"kernel\" or null");
	m->kd.boot_debugger = kind && !strcmp(kind, kinds[0]);
	m->kd.bugcheck_seen = bc != NULL;
	if (bc)
		target_bugcheck(jr, bc, m);
	jr_num(jr, t, "stalled_s", JR_NONNEG, &m->kd.stalled_s);
	jr_strcpy(jr, t, "waiting_on", 0, m->kd.waiting_on, sizeof(m->kd.waiting_on));
}

/* One event of the wire timeline: { "t", "event" } */
static void timeline_event(struct jr *jr, JsonObject *e, void *ctx)
{
	struct an_vm_result *m = ctx;

	jr_num(jr, e, "t", JR_REQUIRED, &m->timeline[m->n_timeline].t);
	jr_strcpy(jr, e, "event", JR_REQUIRED, m->timeline[m->n_timeline].text,
		  sizeof(m->timeline[0].text));
	m->n_timeline++;
}

/* One serial RESET: { "t", "from_vm" } */
static void serial_reset(struct jr *jr, JsonObject *e, void *ctx)
{
	struct an_vm_result *m = ctx;

	jr_num(jr, e, "t", JR_REQUIRED, &m->serial_resets[m->n_serial_resets].t);
	jr_bool(jr, e, "from_vm", 0, &m->serial_resets[m->n_serial_resets].from_vm);
	m->n_serial_resets++;
}

static void target_events(struct jr *jr, JsonObject *t, struct an_vm_result *m)
{
	JsonArray *tl, *rs;

	jr_array(jr, t, "timeline", 0, AN_VM_TIMELINE, &tl);
	jr_each_object(jr, "timeline", tl, timeline_event, m);
	m->serial_resets_sent = uint_of(jr, t, "serial_resets_sent");
	m->serial_resets_received = uint_of(jr, t, "serial_resets_received");
	jr_array(jr, t, "serial_resets", 0, AN_VM_RESETS, &rs);
	jr_each_object(jr, "serial_resets", rs, serial_reset, m);
}

static void target_nic(struct jr *jr, JsonObject *nic, struct an_vm_result *m)
{
	size_t mark = jr_enter(jr, "debug_nic", -1);
	struct an_vm_nic *n = &m->debug_nic;
	const char *mac;

	m->has_debug_nic = true;
	jr_strcpy(jr, nic, "name", 0, n->name, sizeof(n->name));
	jr_strcpy(jr, nic, "pci", 0, n->pci, sizeof(n->pci));
	jr_strcpy(jr, nic, "network", 0, n->network, sizeof(n->network));
	if (jr_str(jr, nic, "mac", 0, &mac) > 0 && mac_parse(mac, n->mac))
		jr_fail(jr, "mac", "expected a MAC address like "
			"52:54:00:12:34:56, found another string");
	jr_leave(jr, mark);
}

/* The figures a baseline compares (baseline.c's), the keys of "baseline" */
static bool band_known(const char *key)
{
	static const char *const keys[] = { "connect_time_s", "dhcp_phase_s",
		"first_kdnet_s", "logo_hang_s", "discover_count" };

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* "baseline": { "connect_time_s": { "was", "low", "high", ... }, ... } */
static void target_bands(struct jr *jr, JsonObject *base, struct vm_result *v)
{
	GList *keys = json_object_get_members(base);
	size_t mark = jr_enter(jr, "baseline", -1);

	for (GList *k = keys; k && !jr->failed; k = k->next) {
		struct run_band *b = &v->bands[v->n_bands];
		JsonObject *o;
		size_t at;

		if (!band_known(k->data) || v->n_bands == RUN_MAX_BANDS) {
			one_of_fail(jr, NULL, k->data, "connect_time_s, dhcp_phase_s, "
				    "first_kdnet_s, logo_hang_s, discover_count "
				    "(each once)");
			break;
		}
		v->n_bands++;
		snprintf(b->key, sizeof(b->key), "%s", (const char *)k->data);
		jr_object(jr, base, k->data, JR_REQUIRED, &o);
		at = jr_enter(jr, k->data, -1);
		jr_num(jr, o, "was", JR_REQUIRED, &b->was);
		if (jr_num(jr, o, "low", 0, &b->low) <= 0)
			b->low = -INFINITY;
		if (jr_num(jr, o, "high", 0, &b->high) <= 0)
			b->high = INFINITY;
		jr_strcpy(jr, o, "allowed", 0, b->allowed, sizeof(b->allowed));
		jr_bool(jr, o, "regression", 0, &b->regressed);
		jr_leave(jr, at);
	}
	jr_leave(jr, mark);
	g_list_free(keys);
}

static void target_parse(struct jr *jr, JsonObject *t, struct vm_result *v)
{
	const char *name;
	JsonObject *nic, *base;
	int o = -1;

	jr_strcpy(jr, t, "name", JR_REQUIRED | JR_NAME, v->name, sizeof(v->name));
	if (jr_str(jr, t, "outcome", 0, &name) > 0 && (o = outcome_of(name)) < 0)
		one_of_fail(jr, "outcome", name, "kdh's outcomes (kdh analyze "
			    "--help) or null");
	v->measured = o >= 0;
	v->m.outcome = o >= 0 ? (enum an_outcome)o : AN_NO_KDNET_TRAFFIC;
	jr_strcpy(jr, t, "accel", 0, v->accel, sizeof(v->accel));
	jr_strcpy(jr, t, "accel_reason", 0, v->accel_why, sizeof(v->accel_why));
	target_figures(jr, t, &v->m);
	target_kd(jr, t, &v->m);
	target_events(jr, t, &v->m);
	if (jr_object(jr, t, "debug_nic", 0, &nic) > 0)
		target_nic(jr, nic, &v->m);
	if (jr_object(jr, t, "baseline", 0, &base) > 0)
		target_bands(jr, base, v);
}

/* "failures": each failed expectation and regression */
static void finding_parse(struct jr *jr, JsonObject *o, struct run_finding *f)
{
	const char *kind;
	uint64_t line;

	if (jr_str(jr, o, "kind", JR_REQUIRED, &kind) > 0 &&
	    strcmp(kind, "regression") && strcmp(kind, "expectation"))
		one_of_fail(jr, "kind", kind, "\"expectation\" or \"regression\"");
	f->regression = kind && !strcmp(kind, "regression");
	jr_uint(jr, o, "line", 0, INT_MAX, &line);
	f->line = (int)line;
	jr_strcpy(jr, o, "vm", 0, f->vm, sizeof(f->vm));
	jr_strcpy(jr, o, "metric", 0, f->metric, sizeof(f->metric));
	jr_strcpy(jr, o, "expected", 0, f->expected, sizeof(f->expected));
	jr_strcpy(jr, o, "got", 0, f->got, sizeof(f->got));
	jr_strcpy(jr, o, "was", 0, f->was, sizeof(f->was));
}

static void finding_read(struct jr *jr, JsonObject *o, void *ctx)
{
	finding_parse(jr, o, run_finding_add(ctx));
}

static void target_read(struct jr *jr, JsonObject *o, void *ctx)
{
	struct scenario_result *r = ctx;

	target_parse(jr, o, &r->vms[r->n_vms++]);
}

static void verdict_parse(struct jr *jr, JsonObject *o, struct scenario_result *r)
{
	const char *v;

	r->verdict = V_ERROR;
	if (jr_str(jr, o, "verdict", JR_REQUIRED, &v) <= 0)
		return;
	for (int i = 0; i < V_COUNT; i++)
		if (!strcmp(v, verdict_name((enum verdict)i))) {
			r->verdict = (enum verdict)i;
			return;
		}
	one_of_fail(jr, "verdict", v, "pass, fail, skip, error, interrupted, "
		    "flaky");
}

/* One of "attempts" (kdh run --retries): seed, verdict, reason */
static void attempt_read(struct jr *jr, JsonObject *o, void *ctx)
{
	struct scenario_result *r = ctx;
	struct run_attempt *a = &r->attempts[r->n_attempts++];
	struct scenario_result v;

	jr_seed(jr, o, "seed", JR_REQUIRED, &a->seed);
	verdict_parse(jr, o, &v);
	a->verdict = v.verdict;
	jr_strcpy(jr, o, "reason", 0, a->reason, sizeof(a->reason));
	jr_num(jr, o, "wall_seconds", JR_NONNEG, &a->wall_s);
}

/* "oracle": `check` in [expect], both sides (absent: not asked) */
static void oracle_read(struct jr *jr, JsonObject *o, struct run_oracle *or)
{
	JsonObject *x;

	if (jr_object(jr, o, "oracle", 0, &x) != 1)
		return;
	or->on = true;
	jr_bool(jr, x, "agree", JR_REQUIRED, &or->agree);
	jr_strcpy(jr, x, "predicted", 0, or->predicted, sizeof(or->predicted));
	jr_strcpy(jr, x, "measured", 0, or->measured, sizeof(or->measured));
}

/* "cell" of a matrix cell's result (report.c's cell_json()) */
static void cell_read(struct jr *jr, JsonObject *o, struct scenario_result *r)
{
	JsonObject *c;
	uint64_t index;

	if (jr_object(jr, o, "cell", 0, &c) <= 0)
		return;
	r->is_cell = true;
	jr_uint(jr, c, "index", 0, 16000000, &index);	/* matrix_priv.h MX_HARD_MAX */
	r->cell_index = (unsigned)index;
	jr_strcpy(jr, c, "label", JR_REQUIRED, r->cell_label,
		  sizeof(r->cell_label));
}

/**
 * report_result_read() - a scenario result back from its JSON object,
 * every member checked
 * @jr:		reader, its place at the object ("scenarios[3]")
 * @o:		an element of "scenarios" (report_result_node()'s form)
 * @r:		output
 *
 * Return: 0, or -1 with @jr's message set
 */
int report_result_read(struct jr *jr, JsonObject *o, struct scenario_result *r)
{
	JsonArray *failures, *t;
	uint64_t index;

	memset(r, 0, sizeof(*r));
	jr_strcpy(jr, o, "name", JR_REQUIRED | JR_NAME, r->name, sizeof(r->name));
	verdict_parse(jr, o, r);
	jr_uint(jr, o, "index", 0, UINT_MAX, &index);
	r->index = (unsigned)index;
	jr_strcpy(jr, o, "file", 0, r->file, sizeof(r->file));
	jr_strcpy(jr, o, "description", 0, r->description, sizeof(r->description));
	cell_read(jr, o, r);
	jr_strcpy(jr, o, "reason", 0, r->reason, sizeof(r->reason));
	jr_seed(jr, o, "seed", 0, &r->seed);
	jr_num(jr, o, "sim_seconds", JR_NONNEG, &r->sim_s);
	jr_num(jr, o, "wall_seconds", JR_NONNEG, &r->wall_s);
	jr_uint(jr, o, "frames", 0, INT64_MAX, &r->frames);
	jr_strcpy(jr, o, "capture", 0, r->capture, sizeof(r->capture));
	jr_array(jr, o, "failures", 0, RUN_MAX_FINDINGS, &failures);
	jr_each_object(jr, "failures", failures, finding_read, r);
	r->failed = (unsigned)r->n_findings;
	jr_array(jr, o, "targets", 0, SC_MAX_VMS, &t);
	jr_each_object(jr, "targets", t, target_read, r);
	oracle_read(jr, o, &r->oracle);
	jr_array(jr, o, "attempts", 0, RUN_MAX_ATTEMPTS, &t);
	jr_each_object(jr, "attempts", t, attempt_read, r);
	return jr->failed ? -1 : 0;
}

/**
 * report_result_parse() - report_result_read() without its message
 * @o:		an element of "scenarios"
 * @r:		output
 *
 * Return: 0, or -1 when it is not a whole, well-typed scenario result
 */
int report_result_parse(JsonObject *o, struct scenario_result *r)
{
	struct jr jr;
	char err[8];

	jr_init(&jr, "", err, sizeof(err));
	return report_result_read(&jr, o, r);
}

/* An interrupted input makes the merged run interrupted; the scenario
 * counts add up (a summary without "counts" had as many as it lists) */
static void status_add(struct jr *jr, JsonObject *root, guint listed,
		       struct run_status *st)
{
	JsonObject *c;
	const char *sig, *stopped;
	bool interrupted;
	uint64_t n = listed;

	jr_bool(jr, root, "interrupted", 0, &interrupted);
	jr_str(jr, root, "signal", 0, &sig);
	jr_str(jr, root, "stopped", 0, &stopped);
	jr_object(jr, root, "counts", 0, &c);
	if (jr_uint(jr, c, "scenarios", 0, INT64_MAX, &n) > 0 && n < listed) {
		size_t mark = jr_enter(jr, "counts", -1);

		jr_fail(jr, "scenarios", "%" PRIu64 ", fewer than the %u listed in "
			"\"scenarios\"", n, listed);
		jr_leave(jr, mark);
	}
	if (jr_uint(jr, c, "scenarios", 0, INT64_MAX, &n) <= 0)
		n = listed;
	if (!st)
		return;
	if (interrupted) {
		st->interrupted = true;
		if (!st->signal && sig)	/* static strings only: the JSON goes */
			st->signal = !strcmp(sig, "SIGINT") ? "SIGINT" :
				     !strcmp(sig, "SIGTERM") ? "SIGTERM" : "a signal";
	}
	if (stopped && !st->stopped)	/* the JSON goes: a copy, the caller's */
		st->stopped = g_strdup(stopped);
	st->scenarios += (size_t)n;
}

static int seed_check(const char *path, uint64_t s, uint64_t *seed,
		      bool same_seed, char *err, size_t errlen)
{
	if (same_seed && s != *seed) {
		snprintf(err, errlen, "%s: seed %llu, the others %llu: shards of one "
			 "run share its seed", path, (unsigned long long)s,
			 (unsigned long long)*seed);
		return -1;
	}
	*seed = s;
	return 0;
}

/* One element of "scenarios", kept when it reads */
static void scenario_read(struct jr *jr, JsonObject *o, void *ctx)
{
	struct scenario_result r;

	if (!report_result_read(jr, o, &r))
		g_array_append_val((GArray *)ctx, r);
}

/**
 * report_summary_parse() - a summary.json's document, every member checked:
 * its scenarios appended to @rs only when all of them read right
 * @jr:		reader (its file named in messages)
 * @node:	the document's root, NULL when empty
 * @rs:		struct scenario_result array to append to
 * @s:		its seed (0 when it has none)
 * @st:		interrupted, signal, why it stopped (g_strdup'd: the caller
 *		frees st->stopped) and scenario count added here; may be NULL
 * @pv:		its provenance; may be NULL
 *
 * Return: 0, or -1 with @jr's message set
 */
int report_summary_parse(struct jr *jr, JsonNode *node, GArray *rs,
			 uint64_t *s, struct run_status *st,
			 struct provenance *pv)
{
	GArray *got = g_array_new(FALSE, TRUE, sizeof(struct scenario_result));
	struct provenance unused;
	JsonObject *root;
	JsonArray *sc = NULL;

	if (jr_root(jr, node, &root) > 0 &&
	    !json_object_has_member(root, "scenarios"))
		jr_fail(jr, NULL, "not a kdh run summary (no \"scenarios\")");
	jr_array(jr, root, "scenarios", JR_REQUIRED, 0, &sc);
	jr_seed(jr, root, "seed", 0, s);
	jr_each_object(jr, "scenarios", sc, scenario_read, got);
	if (sc)
		status_add(jr, root, json_array_get_length(sc), jr->failed ? NULL : st);
	if (sc)		/* checked also when not wanted (a baseline) */
		provenance_read(jr, root, pv ? pv : &unused);
	if (!jr->failed)
		g_array_append_vals(rs, got->data, got->len);
	g_array_free(got, TRUE);
	return jr->failed ? -1 : 0;
}

/**
 * report_summary_load() - append every scenario of a run's summary
 * @dir:	a run directory (its summary.json is read) or a summary file
 * @rs:		struct scenario_result array to append to
 * @seed:	in: the seed the others had (0: none yet); out: this one's
 * @err:	the reason on failure ("PATH: what is wrong")
 * @errlen:	its size
 * @same_seed:	fail when the seed differs from *@seed (shards of one run)
 * @st:		interrupted, signal, why it stopped (g_strdup'd: the caller
 *		frees st->stopped) and scenario count added here; may be NULL
 * @pv:		the summary's provenance; may be NULL
 *
 * Return: 0, or -1 with @err set
 */
int report_summary_load(const char *dir, GArray *rs, uint64_t *seed, char *err,
			size_t errlen, bool same_seed, struct run_status *st,
			struct provenance *pv)
{
	gchar *path = g_file_test(dir, G_FILE_TEST_IS_DIR) ?
		      g_build_filename(dir, "summary.json", NULL) : g_strdup(dir);
	JsonParser *p = json_parser_new();
	struct jr jr;
	uint64_t s;
	int rc = -1;

	if (json_file_load(p, path, FILE_SUMMARY, err, errlen))
		goto out;
	jr_init(&jr, path, err, errlen);
	if (report_summary_parse(&jr, json_parser_get_root(p), rs, &s, st, pv) ||
	    seed_check(path, s, seed, same_seed, err, errlen))
		goto out;
	rc = 0;
out:
	g_object_unref(p);
	g_free(path);
	return rc;
}
