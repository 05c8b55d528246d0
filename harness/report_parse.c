// SPDX-License-Identifier: GPL-2.0-or-later
/* report_parse.c - results back from JSON: a summary.json (or a --json
 * file) becomes struct scenario_result again, for `kdh report` and its
 * merge.  A member that is missing (a summary from an older kdh) reads
 * as absent: NAN, 0, "" or none, never as a made-up value; a result
 * without KD members had no KD conversation. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "harness/report_priv.h"
#include "kdh/jsonfile.h"

static double num(JsonObject *o, const char *k)
{
	JsonNode *n = o ? json_object_get_member(o, k) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_double(n) : NAN;
}

static const char *str(JsonObject *o, const char *k)
{
	JsonNode *n = o ? json_object_get_member(o, k) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
}

static void copy(char *dst, size_t len, JsonObject *o, const char *k)
{
	snprintf(dst, len, "%s", str(o, k) ? str(o, k) : "");
}

static JsonObject *object(JsonObject *o, const char *k)
{
	JsonNode *n = json_object_get_member(o, k);

	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static JsonArray *array(JsonObject *o, const char *k)
{
	JsonNode *n = json_object_get_member(o, k);

	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static int outcome_of(const char *name)
{
	for (int o = AN_CONNECTED; o <= AN_OUTCOME_LAST; o++)
		if (name && !strcmp(an_outcome_name((enum an_outcome)o), name))
			return o;
	return -1;
}

/* The measured figures of one target */
static void target_figures(JsonObject *t, struct an_vm_result *m)
{
	const char *src = str(t, "address_source");

	copy(m->why, sizeof(m->why), t, "why");
	m->connect_s = num(t, "connect_time_s");
	m->serial_connect_s = num(t, "serial_connect_time_s");
	m->dhcp_phase_s = num(t, "dhcp_phase_s");
	m->first_kdnet_s = num(t, "first_kdnet_s");
	m->logo_hang_s = num(t, "logo_hang_s");
	m->end_s = num(t, "capture_end_s");
	m->prev_boot_s = num(t, "previous_boot_s");
	m->discover_count = (unsigned)json_object_get_int_member_with_default(t,
		"discover_count", 0);
	m->boots = (unsigned)json_object_get_int_member_with_default(t, "boots", 0);
	m->os_network = json_object_get_boolean_member_with_default(t, "os_network",
								     FALSE);
	copy(m->address, sizeof(m->address), t, "address");
	m->address_source = !g_strcmp0(src, "dhcp") ? "dhcp" :
			    !g_strcmp0(src, "static") ? "static" :
			    !g_strcmp0(src, "apipa") ? "apipa" : NULL;
	copy(m->serial_port, sizeof(m->serial_port), t, "serial_port");
	copy(m->reboot, sizeof(m->reboot), t, "reboot");
}

static uint64_t hex(JsonObject *o, const char *k)
{
	const char *s = str(o, k);

	return s ? g_ascii_strtoull(s, NULL, 16) : 0;
}

static unsigned count(JsonObject *o, const char *k)
{
	double v = num(o, k);

	return isnan(v) || v < 0 ? 0 : (unsigned)v;
}

/* What the guest said over KD: a non-null modules_loaded says the VM had
 * a KD conversation (every KD member is null without one) */
static void target_kd(JsonObject *t, struct an_vm_result *m)
{
	JsonObject *bc = object(t, "bugcheck");
	JsonArray *params = bc ? array(bc, "params") : NULL;

	m->kd.stalled_s = NAN;
	m->kd.seen = !isnan(num(t, "modules_loaded"));
	if (!m->kd.seen)
		return;
	m->kd.modules_loaded = count(t, "modules_loaded");
	m->kd.dbgprint_lines = count(t, "dbgprint_lines");
	m->kd.breaks = count(t, "breaks");
	m->kd.exceptions = count(t, "exceptions");
	m->kd.file_opens = count(t, "files_asked");
	m->kd.has_version = !isnan(num(t, "windows_build")) || str(t, "kernel_base");
	m->kd.build = count(t, "windows_build");
	m->kd.kern_base = hex(t, "kernel_base");
	m->kd.boot_debugger = !g_strcmp0(str(t, "debugger_kind"), "boot debugger");
	m->kd.bugcheck_seen = bc != NULL;
	m->kd.bugcheck.code = bc ? (uint32_t)hex(bc, "code") : 0;
	for (guint i = 0; params && i < json_array_get_length(params) && i < 4; i++) {
		JsonNode *n = json_array_get_element(params, i);
		const char *p = JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) :
				NULL;

		m->kd.bugcheck.param[i] = p ? g_ascii_strtoull(p, NULL, 16) : 0;
	}
	m->kd.stalled_s = num(t, "stalled_s");
	copy(m->kd.waiting_on, sizeof(m->kd.waiting_on), t, "waiting_on");
}

/* The wire timeline and the serial RESETs, as far as they fit */
static void target_events(JsonObject *t, struct an_vm_result *m)
{
	JsonArray *tl = array(t, "timeline"), *rs = array(t, "serial_resets");

	for (guint i = 0; tl && i < json_array_get_length(tl) &&
	     m->n_timeline < AN_VM_TIMELINE; i++) {
		JsonObject *e = json_array_get_object_element(tl, i);

		m->timeline[m->n_timeline].t = num(e, "t");
		copy(m->timeline[m->n_timeline++].text, sizeof(m->timeline[0].text),
		     e, "event");
	}
	m->serial_resets_sent = (unsigned)json_object_get_int_member_with_default(t,
		"serial_resets_sent", 0);
	m->serial_resets_received = (unsigned)json_object_get_int_member_with_default(
		t, "serial_resets_received", 0);
	for (guint i = 0; rs && i < json_array_get_length(rs) &&
	     m->n_serial_resets < AN_VM_RESETS; i++) {
		JsonObject *e = json_array_get_object_element(rs, i);

		m->serial_resets[m->n_serial_resets].t = num(e, "t");
		m->serial_resets[m->n_serial_resets++].from_vm =
			json_object_get_boolean_member_with_default(e, "from_vm", FALSE);
	}
}

static void target_nic(JsonObject *nic, struct an_vm_result *m)
{
	if (!nic)
		return;
	m->has_debug_nic = true;
	copy(m->debug_nic.name, sizeof(m->debug_nic.name), nic, "name");
	copy(m->debug_nic.pci, sizeof(m->debug_nic.pci), nic, "pci");
	copy(m->debug_nic.network, sizeof(m->debug_nic.network), nic, "network");
	if (str(nic, "mac"))
		mac_parse(str(nic, "mac"), m->debug_nic.mac);
}

/* "baseline": { "connect_time_s": { "was", "low", "high", ... }, ... } */
static void target_bands(JsonObject *base, struct vm_result *v)
{
	GList *keys = base ? json_object_get_members(base) : NULL;

	for (GList *k = keys; k && v->n_bands < RUN_MAX_BANDS; k = k->next) {
		JsonObject *o = object(base, k->data);
		struct run_band *b = &v->bands[v->n_bands];

		if (!o)
			continue;
		snprintf(b->key, sizeof(b->key), "%s", (const char *)k->data);
		b->was = num(o, "was");
		b->low = isnan(num(o, "low")) ? -INFINITY : num(o, "low");
		b->high = isnan(num(o, "high")) ? INFINITY : num(o, "high");
		copy(b->allowed, sizeof(b->allowed), o, "allowed");
		b->regressed = json_object_get_boolean_member_with_default(o,
			"regression", FALSE);
		v->n_bands++;
	}
	g_list_free(keys);
}

static void target_parse(JsonObject *t, struct vm_result *v)
{
	int o = outcome_of(str(t, "outcome"));

	copy(v->name, sizeof(v->name), t, "name");
	v->measured = o >= 0;
	v->m.outcome = o >= 0 ? (enum an_outcome)o : AN_NO_KDNET_TRAFFIC;
	copy(v->accel, sizeof(v->accel), t, "accel");
	copy(v->accel_why, sizeof(v->accel_why), t, "accel_reason");
	target_figures(t, &v->m);
	target_kd(t, &v->m);
	target_events(t, &v->m);
	target_nic(object(t, "debug_nic"), &v->m);
	target_bands(object(t, "baseline"), v);
}

/* "failures": each failed expectation and regression */
static void findings_parse(JsonArray *a, struct scenario_result *r)
{
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		struct run_finding *f;

		if (!o || !(f = run_finding_add(r)))
			continue;
		f->regression = !g_strcmp0(str(o, "kind"), "regression");
		f->line = isnan(num(o, "line")) ? 0 : (int)num(o, "line");
		copy(f->vm, sizeof(f->vm), o, "vm");
		copy(f->metric, sizeof(f->metric), o, "metric");
		copy(f->expected, sizeof(f->expected), o, "expected");
		copy(f->got, sizeof(f->got), o, "got");
		copy(f->was, sizeof(f->was), o, "was");
	}
}

/**
 * report_result_parse() - a scenario result back from its JSON object
 * @o:		an element of "scenarios" (report_result_node()'s form)
 * @r:		output
 *
 * Return: 0, or -1 when it is not a scenario result
 */
int report_result_parse(JsonObject *o, struct scenario_result *r)
{
	const char *v = str(o, "verdict");
	JsonArray *t;

	memset(r, 0, sizeof(*r));
	if (!str(o, "name") || !v)
		return -1;
	r->index = (unsigned)json_object_get_int_member_with_default(o, "index", 0);
	copy(r->name, sizeof(r->name), o, "name");
	copy(r->file, sizeof(r->file), o, "file");
	copy(r->description, sizeof(r->description), o, "description");
	r->verdict = V_ERROR;
	for (int i = 0; i < V_COUNT; i++)
		if (!strcmp(v, verdict_name((enum verdict)i)))
			r->verdict = (enum verdict)i;
	copy(r->reason, sizeof(r->reason), o, "reason");
	r->seed = (uint64_t)json_object_get_int_member_with_default(o, "seed", 0);
	r->sim_s = num(o, "sim_seconds");
	r->wall_s = num(o, "wall_seconds");
	r->frames = (uint64_t)json_object_get_int_member_with_default(o, "frames", 0);
	copy(r->capture, sizeof(r->capture), o, "capture");
	findings_parse(array(o, "failures"), r);
	r->failed = (unsigned)r->n_findings;
	t = array(o, "targets");
	for (guint i = 0; t && i < json_array_get_length(t) && i < SC_MAX_VMS; i++)
		target_parse(json_array_get_object_element(t, i), &r->vms[r->n_vms++]);
	return 0;
}

/* An interrupted input makes the merged run interrupted; the scenario
 * counts add up (a summary without "counts" had as many as it lists) */
static void status_add(JsonObject *root, guint listed, struct run_status *st)
{
	JsonObject *c = object(root, "counts");
	const char *sig = str(root, "signal");

	if (json_object_get_boolean_member_with_default(root, "interrupted", FALSE)) {
		st->interrupted = true;
		if (!st->signal && sig)	/* static strings only: the JSON goes */
			st->signal = !strcmp(sig, "SIGINT") ? "SIGINT" :
				     !strcmp(sig, "SIGTERM") ? "SIGTERM" : "a signal";
	}
	st->scenarios += c ? (size_t)json_object_get_int_member_with_default(c,
		"scenarios", listed) : listed;
}

static int seed_check(const char *path, JsonObject *root, uint64_t *seed,
		      bool same_seed, char *err, size_t errlen)
{
	uint64_t s = (uint64_t)json_object_get_int_member_with_default(root,
		"seed", 0);

	if (same_seed && *seed && s != *seed) {
		snprintf(err, errlen, "%s: seed %llu, the others %llu: shards of one "
			 "run share its seed", path, (unsigned long long)s,
			 (unsigned long long)*seed);
		return -1;
	}
	*seed = s;
	return 0;
}

/**
 * report_summary_load() - append every scenario of a run's summary
 * @dir:	a run directory (its summary.json is read) or a summary file
 * @rs:		struct scenario_result array to append to
 * @seed:	in: the seed the others had (0: none yet); out: this one's
 * @err:	the reason on failure ("PATH: what is wrong")
 * @errlen:	its size
 * @same_seed:	fail when the seed differs from *@seed (shards of one run)
 * @st:		interrupted, signal and scenario count added here; may be NULL
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
	JsonObject *root = NULL;
	JsonArray *sc;
	int rc = -1;

	if (json_file_load(p, path, FILE_SUMMARY, err, errlen))
		goto out;
	if (JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
		root = json_node_get_object(json_parser_get_root(p));
	if (!root || !(sc = array(root, "scenarios"))) {
		snprintf(err, errlen, "%s: not a kdh run summary", path);
		goto out;
	}
	if (seed_check(path, root, seed, same_seed, err, errlen))
		goto out;
	for (guint i = 0; i < json_array_get_length(sc); i++) {
		struct scenario_result r;
		JsonObject *o = json_array_get_object_element(sc, i);

		if (o && !report_result_parse(o, &r))
			g_array_append_val(rs, r);
	}
	if (st)
		status_add(root, json_array_get_length(sc), st);
	if (pv)
		provenance_read(root, pv);
	rc = 0;
out:
	g_object_unref(p);
	g_free(path);
	return rc;
}
