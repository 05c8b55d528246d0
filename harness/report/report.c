// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c - what a run tells: a console line per scenario and a summary,
 * TAP 13, JSON (result.json, summary.json); JUnit XML is report_junit.c
 *
 * Every file is written atomically (write_file_atomic()).  Figures that do
 * not exist are null in JSON and "-" on the console, never 0: a VM without
 * a KD conversation has null KD counts, not zeros.
 *
 * Wing harness/report/ (docs/development.md): what a run tells: console,
 *   TAP, JSON, JUnit, HTML, text, merge, baselines.
 * Uses: util/, cmd/, result/.
 * Used by: run/.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/util/fileio.h"
#include "kdh/util/json_out.h"
#include "kdh/report/report.h"

/** report_totals() - count verdicts and add up times */
void report_totals(const struct scenario_result *rs, size_t n,
		   struct run_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		size_t *c[V_COUNT] = { &t->pass, &t->fail, &t->skip, &t->error,
				       &t->interrupted, &t->flaky };

		(*c[rs[i].verdict])++;
		t->sim_s += rs[i].sim_s;
		t->wall_s += rs[i].wall_s;
	}
}

static void secs(GString *s, const char *label, double v)
{
	if (!isnan(v))
		g_string_append_printf(s, ", %s %.2fs", label, v);
}

/**
 * report_figures() - the key figures of every VM, one line
 * @r:		result
 *
 * Return: g_malloc'd "win: connected, connect 4.01s, ..., 52 modules, 3
 * DbgPrint" (g_free it)
 */
char *report_figures(const struct scenario_result *r)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < r->n_vms; i++) {
		const struct vm_result *v = &r->vms[i];
		const struct an_vm_result *m = &v->m;

		g_string_append_printf(s, "%s%s: ", i ? "; " : "", v->name);
		if (!v->measured) {
			g_string_append(s, "not in the capture");
			continue;
		}
		g_string_append(s, an_outcome_name(m->outcome));
		if (m->has_debug_nic)
			g_string_append_printf(s, " on %s", m->debug_nic.name);
		if (m->serial_port[0])
			g_string_append_printf(s, " over %s", m->serial_port);
		secs(s, "connect", m->connect_s);
		secs(s, "serial connect", m->serial_connect_s);
		secs(s, "dhcp", m->dhcp_phase_s);
		if (m->discover_count)
			g_string_append_printf(s, " (%u DISCOVER%s)", m->discover_count,
					       m->discover_count == 1 ? "" : "s");
		if (m->address_source)
			g_string_append_printf(s, ", %s %s", m->address_source,
					       m->address);
		report_kd_figures(s, m);
	}
	return g_string_free(s, FALSE);
}

/**
 * report_wall() - a real duration as people read it: "45 s", or "12 ms"
 * below a second (a simulated scenario takes milliseconds, a VM seconds)
 * @secs:	seconds
 * @buf:	output
 * @len:	its size (16 is enough)
 *
 * Return: @buf
 */
const char *report_wall(double secs, char *buf, size_t len)
{
	if (secs < 1)
		snprintf(buf, len, "%.0f ms", secs * 1e3);
	else
		snprintf(buf, len, "%.0f s", secs);
	return buf;
}

/**
 * report_line() - "PASS  name  figures  [sim, wall]" (+ why, when not PASS)
 * @out:	stream
 * @r:		result
 */
void report_line(FILE *out, const struct scenario_result *r)
{
	static const char *const tag[V_COUNT] = { "PASS", "FAIL", "SKIP", "ERROR",
						  "INTR", "FLAKY" };
	char *fig = report_figures(r), *name = report_name(r);
	char wall[24], attempts[160];

	fprintf(out, "%-5s %-28s %s  [sim %.0fs, wall %s]%s%s%s\n",
		tag[r->verdict], name, r->verdict == V_SKIP ? "" : fig,
		r->sim_s, report_wall(r->wall_s, wall, sizeof(wall)),
		r->verdict == V_PASS && r->reason[0] ? "  (" : "",
		r->verdict == V_PASS ? r->reason : "",
		r->verdict == V_PASS && r->reason[0] ? ")" : "");
	if (r->verdict != V_PASS)
		fprintf(out, "      %s%s\n", r->reason,
			r->failed > 1 ? " (and more)" : "");
	if (r->n_attempts > 1)
		fprintf(out, "      %s\n", report_attempts(r, attempts,
							 sizeof(attempts)));
	fflush(out);
	g_free(fig);
	g_free(name);
}

/**
 * report_attempts() - a retried scenario's attempts in words: "failed,
 * then passed on attempt 3 (seed N, results in NAME/attempt-3)"
 * or "failed all 3 attempts (...)"
 * @r:		result with n_attempts > 1
 * @buf:	output
 * @len:	its size (160 is enough)
 *
 * Return: @buf
 */
const char *report_attempts(const struct scenario_result *r, char *buf,
			    size_t len)
{
	const struct run_attempt *last = &r->attempts[r->n_attempts - 1];

	if (r->verdict == V_FLAKY)
		snprintf(buf, len, "failed, then passed on attempt %zu "
			 "(seed %" PRIu64 ", results in %s/attempt-%zu)",
			 r->n_attempts, last->seed, r->name, r->n_attempts);
	else
		snprintf(buf, len, "failed all %zu attempts (the retries' results "
			 "in %s/attempt-2 to attempt-%zu)", r->n_attempts, r->name,
			 r->n_attempts);
	return buf;
}

/** report_summary() - the closing line of a run */
void report_summary(FILE *out, const struct run_totals *t, uint64_t seed)
{
	size_t n = t->pass + t->fail + t->skip + t->error + t->interrupted +
		   t->flaky;

	fprintf(out, "%zu scenario%s: %zu passed, %zu failed, ", n,
		n == 1 ? "" : "s", t->pass, t->fail);
	if (t->flaky)
		fprintf(out, "%zu flaky, ", t->flaky);
	fprintf(out, "%zu skipped, %zu error%s", t->skip, t->error,
		t->error == 1 ? "" : "s");
	if (t->interrupted)
		fprintf(out, ", %zu interrupted", t->interrupted);
	fprintf(out, "; seed %llu; %.0f s simulated in %s\n",
		(unsigned long long)seed, t->sim_s,
		report_wall(t->wall_s, (char[24]){ 0 }, 24));
}

/**
 * report_interrupted() - "kdh run: interrupted by SIGTERM after 3 of 8
 * scenarios; results in DIR"
 * @out:	stream
 * @st:	how the run ended
 * @rs:	the results of the scenarios that ran
 * @n:	their count
 * @dir:	the run's results directory
 */
void report_interrupted(FILE *out, const struct run_status *st,
			const struct scenario_result *rs, size_t n,
			const char *dir)
{
	size_t finished = 0;

	for (size_t i = 0; i < n; i++)
		finished += rs[i].verdict != V_INTERRUPTED;
	fprintf(out, "kdh run: interrupted by %s after %zu of %zu scenarios; "
		"results in %s\n", st->signal ? st->signal : "a signal", finished,
		st->scenarios ? st->scenarios : n, dir);
	fflush(out);
}

/** report_tap_plan() - "TAP version 13" and "1..N" */
void report_tap_plan(FILE *out, size_t n)
{
	fprintf(out, "TAP version 13\n1..%zu\n", n);
}

/** report_tap_line() - "ok N - name", with a YAML block on failure */
void report_tap_line(FILE *out, size_t i, const struct scenario_result *r)
{
	char *fig = report_figures(r);

	if (r->verdict == V_SKIP)
		fprintf(out, "ok %zu - %s # SKIP %s\n", i, r->name, r->reason);
	else
		fprintf(out, "%sok %zu - %s\n", r->verdict == V_PASS ? "" : "not ",
			i, r->name);
	if (r->verdict != V_PASS && r->verdict != V_SKIP)
		fprintf(out, "  ---\n  message: \"%s\"\n  figures: \"%s\"\n  ...\n",
			r->reason, fig);
	if (r->verdict == V_PASS && r->reason[0])	/* "no [expect]: ..." */
		fprintf(out, "# %s: %s\n", r->name, r->reason);
	fflush(out);
	g_free(fig);
}

static void jb_secs(JsonBuilder *b, const char *key, double v)
{
	if (isnan(v))
		jb_null(b, key);
	else
		jb_double(b, key, v);
}

/* "serial_resets": this boot's first KD RESETs on its COM port */
static void resets_json(JsonBuilder *b, const struct an_vm_result *m)
{
	jb_int(b, "serial_resets_sent", m->serial_resets_sent);
	jb_int(b, "serial_resets_received", m->serial_resets_received);
	json_builder_set_member_name(b, "serial_resets");
	json_builder_begin_array(b);
	for (unsigned i = 0; i < m->n_serial_resets; i++) {
		json_builder_begin_object(b);
		jb_double(b, "t", m->serial_resets[i].t);
		jb_bool(b, "from_vm", m->serial_resets[i].from_vm);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* "baseline": each figure compared, its old value and allowed range
 * (null bounds: unbounded); null when the run had no baseline */
static void bands_json(JsonBuilder *b, const struct vm_result *v)
{
	json_builder_set_member_name(b, "baseline");
	if (!v->n_bands) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	for (size_t i = 0; i < v->n_bands; i++) {
		const struct run_band *k = &v->bands[i];

		json_builder_set_member_name(b, k->key);
		json_builder_begin_object(b);
		jb_double(b, "was", k->was);
		jb_secs(b, "low", isinf(k->low) ? NAN : k->low);
		jb_secs(b, "high", isinf(k->high) ? NAN : k->high);
		jb_str(b, "allowed", k->allowed);
		jb_bool(b, "regression", k->regressed);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static void jb_hex(JsonBuilder *b, const char *key, uint64_t v, int digits)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%0*" PRIX64, digits, v);
	jb_str(b, key, hex);
}

static void jb_count(JsonBuilder *b, const char *key, bool seen, unsigned n)
{
	if (seen)
		jb_int(b, key, n);
	else
		jb_null(b, key);
}

/* What the guest said over KD: every member null without a KD
 * conversation; "bugcheck" { "code", "params" } or null */
static void kd_json(JsonBuilder *b, const struct an_vm_result *m)
{
	bool seen = m->kd.seen, ver = seen && m->kd.has_version;

	jb_count(b, "windows_build", ver, m->kd.build);
	if (ver)
		jb_hex(b, "kernel_base", m->kd.kern_base, 16);
	else
		jb_null(b, "kernel_base");
	jb_str(b, "debugger_kind", !ver ? NULL : m->kd.boot_debugger ?
	       "boot debugger" : "kernel");
	jb_count(b, "modules_loaded", seen, m->kd.modules_loaded);
	jb_count(b, "dbgprint_lines", seen, m->kd.dbgprint_lines);
	jb_count(b, "breaks", seen, m->kd.breaks);
	jb_count(b, "exceptions", seen, m->kd.exceptions);
	jb_count(b, "files_asked", seen, m->kd.file_opens);
	json_builder_set_member_name(b, "bugcheck");
	if (seen && m->kd.bugcheck_seen) {
		json_builder_begin_object(b);
		jb_hex(b, "code", m->kd.bugcheck.code, 8);
		json_builder_set_member_name(b, "params");
		json_builder_begin_array(b);
		for (int i = 0; i < 4; i++) {
			char hex[24];

			snprintf(hex, sizeof(hex), "0x%016" PRIX64,
				 m->kd.bugcheck.param[i]);
			json_builder_add_string_value(b, hex);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	jb_secs(b, "stalled_s", seen ? m->kd.stalled_s : NAN);
	jb_str(b, "waiting_on", seen && m->kd.waiting_on[0] ? m->kd.waiting_on :
	       NULL);
}

static void vm_json(JsonBuilder *b, const struct vm_result *v)
{
	const struct an_vm_result *m = &v->m;
	char mac[MAC_STRLEN];

	json_builder_begin_object(b);
	jb_str(b, "name", v->name);
	jb_str(b, "outcome", v->measured ? an_outcome_name(m->outcome) : NULL);
	jb_str(b, "why", v->measured ? m->why : "not in the capture");
	jb_secs(b, "connect_time_s", v->measured ? m->connect_s : NAN);
	jb_secs(b, "serial_connect_time_s", v->measured ? m->serial_connect_s : NAN);
	jb_str(b, "serial_port", m->serial_port[0] ? m->serial_port : NULL);
	jb_secs(b, "dhcp_phase_s", v->measured ? m->dhcp_phase_s : NAN);
	jb_int(b, "discover_count", m->discover_count);
	jb_str(b, "address", m->address[0] ? m->address : NULL);
	jb_str(b, "address_source", m->address_source);
	jb_secs(b, "first_kdnet_s", v->measured ? m->first_kdnet_s : NAN);
	jb_secs(b, "logo_hang_s", v->measured ? m->logo_hang_s : NAN);
	jb_bool(b, "os_network", m->os_network);
	jb_int(b, "boots", m->boots);
	jb_str(b, "reboot", m->reboot[0] ? m->reboot : NULL);
	jb_secs(b, "previous_boot_s", v->measured ? m->prev_boot_s : NAN);
	jb_secs(b, "capture_end_s", v->measured ? m->end_s : NAN);
	kd_json(b, m);
	resets_json(b, m);
	json_builder_set_member_name(b, "timeline");
	json_builder_begin_array(b);
	for (unsigned i = 0; i < m->n_timeline; i++) {
		json_builder_begin_object(b);
		jb_double(b, "t", m->timeline[i].t);
		jb_str(b, "event", m->timeline[i].text);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	jb_str(b, "target", v->accel[0] ? "vm" : "sim");
	jb_str(b, "accel", v->accel[0] ? v->accel : NULL);
	jb_str(b, "accel_reason", v->accel_why[0] ? v->accel_why : NULL);
	json_builder_set_member_name(b, "debug_nic");
	if (m->has_debug_nic) {
		json_builder_begin_object(b);
		jb_str(b, "name", m->debug_nic.name);
		jb_str(b, "mac", mac_str(m->debug_nic.mac, mac));
		jb_str(b, "pci", m->debug_nic.pci);
		jb_str(b, "network", m->debug_nic.network);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	bands_json(b, v);
	json_builder_end_object(b);
}

/* "failures": every expectation that failed and every regression (up to
 * RUN_MAX_FINDINGS; "reason" keeps the first) */
static void findings_json(JsonBuilder *b, const struct scenario_result *r)
{
	json_builder_set_member_name(b, "failures");
	json_builder_begin_array(b);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct run_finding *f = &r->findings[i];

		json_builder_begin_object(b);
		jb_str(b, "kind", f->regression ? "regression" : "expectation");
		if (f->line)
			jb_int(b, "line", f->line);
		else
			jb_null(b, "line");
		jb_str(b, "vm", f->vm);
		jb_str(b, "metric", f->metric);
		jb_str(b, "expected", f->expected);
		jb_str(b, "got", f->got);
		jb_str(b, "was", f->regression ? f->was : NULL);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/* "attempts" (kdh run --retries; absent when not retried): each one's
 * seed, verdict, reason and results directory, relative to the run's */
static void attempts_json(JsonBuilder *b, const struct scenario_result *r)
{
	json_builder_set_member_name(b, "attempts");
	json_builder_begin_array(b);
	for (size_t i = 0; i < r->n_attempts; i++) {
		const struct run_attempt *a = &r->attempts[i];
		char dir[SC_CELL_NAME + 24];

		if (i)
			snprintf(dir, sizeof(dir), "%s/attempt-%zu", r->name, i + 1);
		else
			snprintf(dir, sizeof(dir), "%s", r->name);
		json_builder_begin_object(b);
		jb_int(b, "attempt", (int64_t)i + 1);
		jb_uint(b, "seed", a->seed);
		jb_str(b, "verdict", verdict_name(a->verdict));
		jb_str(b, "reason", a->reason[0] ? a->reason : NULL);
		jb_double(b, "wall_seconds", a->wall_s);
		jb_str(b, "results", dir);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

/**
 * report_name() - the name a person reads: NAME, or for a matrix cell
 * (whose r->name is NAME/cNNNNN, its results directory) NAME[label]
 * @r:		result
 *
 * Return: the name (g_free())
 */
char *report_name(const struct scenario_result *r)
{
	const char *slash = strrchr(r->name, '/');
	int base = slash ? (int)(slash - r->name) : (int)strlen(r->name);

	if (!r->is_cell)
		return g_strdup(r->name);
	return g_strdup_printf("%.*s[%s]", base, r->name, r->cell_label);
}

/* "cell": { "index", "label", "name": "NAME[label]" } of a matrix cell,
 * whose "name" is NAME/cNNNNN */
static void cell_json(JsonBuilder *b, const struct scenario_result *r)
{
	char *full = report_name(r);

	json_builder_set_member_name(b, "cell");
	json_builder_begin_object(b);
	jb_int(b, "index", r->cell_index);
	jb_str(b, "label", r->cell_label);
	jb_str(b, "name", full);
	json_builder_end_object(b);
	g_free(full);
}

/**
 * report_result_node() - one scenario as JSON
 * @r:		result
 *
 * Return: new node (json_node_unref it)
 */
JsonNode *report_result_node(const struct scenario_result *r)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *n;

	json_builder_begin_object(b);
	jb_int(b, "index", r->index);
	jb_str(b, "name", r->name);
	jb_str(b, "file", r->file);
	jb_str(b, "description", r->description[0] ? r->description : NULL);
	if (r->is_cell)
		cell_json(b, r);
	jb_str(b, "verdict", verdict_name(r->verdict));
	jb_str(b, "reason", r->reason[0] ? r->reason : NULL);
	jb_uint(b, "seed", r->seed);
	jb_double(b, "sim_seconds", r->sim_s);
	jb_double(b, "wall_seconds", r->wall_s);
	jb_int(b, "frames", (int64_t)r->frames);
	jb_str(b, "capture", r->capture[0] ? r->capture : NULL);
	findings_json(b, r);
	if (r->n_attempts)
		attempts_json(b, r);
	if (r->oracle.on) {	/* `check` in [expect]: both sides */
		json_builder_set_member_name(b, "oracle");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "agree");
		json_builder_add_boolean_value(b, r->oracle.agree);
		jb_str(b, "predicted", r->oracle.predicted);
		jb_str(b, "measured", r->oracle.measured);
		json_builder_end_object(b);
	}
	json_builder_set_member_name(b, "targets");
	json_builder_begin_array(b);
	for (size_t i = 0; i < r->n_vms; i++)
		vm_json(b, &r->vms[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	n = json_builder_get_root(b);
	g_object_unref(b);
	return n;
}


/** report_result_file() - result.json of one scenario */
int report_result_file(const char *path, const struct scenario_result *r)
{
	return json_write_file(path, report_result_node(r));
}

static size_t scenarios_of(const struct run_status *st, size_t n)
{
	return st && st->scenarios > n ? st->scenarios : n;
}

/* "interrupted", "signal" and "counts" of summary.json */
static void status_json(JsonBuilder *b, const struct scenario_result *rs,
			size_t n, const struct run_status *st)
{
	struct run_totals t;

	report_totals(rs, n, &t);
	jb_bool(b, "interrupted", st && st->interrupted);
	jb_str(b, "signal", st && st->interrupted ? st->signal : NULL);
	jb_str(b, "stopped", st ? st->stopped : NULL);
	json_builder_set_member_name(b, "counts");
	json_builder_begin_object(b);
	jb_int(b, "scenarios", (int64_t)scenarios_of(st, n));
	jb_int(b, "run", (int64_t)n);
	jb_int(b, "not_run", (int64_t)(scenarios_of(st, n) - n));
	jb_int(b, "pass", (int64_t)t.pass);
	jb_int(b, "fail", (int64_t)t.fail);
	jb_int(b, "skip", (int64_t)t.skip);
	jb_int(b, "error", (int64_t)t.error);
	jb_int(b, "interrupted", (int64_t)t.interrupted);
	jb_int(b, "flaky", (int64_t)t.flaky);
	json_builder_end_object(b);
}

/**
 * report_json_file() - { "seed": N, "interrupted": B, "counts": {...},
 * "scenarios": [...] }
 * @path:	file (written atomically)
 * @rs:		results
 * @n:		their count
 * @seed:	the run's seed
 * @st:		how the run ended; NULL: every scenario ran to its end
 *
 * Return: 0 or a negative errno
 */
int report_json_file(const char *path, const struct scenario_result *rs,
		     size_t n, uint64_t seed, const struct run_status *st)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *root;

	json_builder_begin_object(b);
	jb_uint(b, "seed", seed);
	if (st && st->prov)
		provenance_json(b, st->prov);
	if (st && st->n_shards) {	/* merged: where each shard ran */
		json_builder_set_member_name(b, "shards");
		json_builder_begin_array(b);
		for (size_t i = 0; i < st->n_shards; i++)
			provenance_object(b, &st->shards[i]);
		json_builder_end_array(b);
	}
	status_json(b, rs, n, st);
	json_builder_set_member_name(b, "scenarios");
	json_builder_begin_array(b);
	for (size_t i = 0; i < n; i++)
		json_builder_add_value(b, report_result_node(&rs[i]));
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	return json_write_file(path, root);
}
