// SPDX-License-Identifier: GPL-2.0-or-later
/* test_analyze_kd.c - the KD conversation from the wire alone: synthetic
 * captures of sealed KDNET packets (a guest stalled by an ACK-only
 * debugger, continued, bugchecked, held at a break; retransmissions and
 * malformed bodies), a serial link, and the bundled WinDbg capture */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/analyze/analyze.h"
#include "kd_synth.h"
#include "kdh/kdnet/kd_api.h"
#include "netsim/capfile.h"

#define S(x)	KS_S(x)

struct synth {
	struct analysis *a;
	struct kd_synth k;
};

static void emit(void *opaque, uint64_t t, const uint8_t *f, size_t len)
{
	struct cap_frame fr = { .ts_ns = t, .linktype = LINKTYPE_ETHERNET,
		.data = f, .caplen = (uint32_t)len, .origlen = (uint32_t)len };

	analysis_feed(opaque, &fr);
}

static void event(struct synth *s, uint64_t t, const char *comment)
{
	struct cap_frame fr = { .ts_ns = t, .comment = comment };

	analysis_feed(s->a, &fr);
}

/* An analysis with the key, fed a "power on" event (@power_on, or none)
 * and a session connected at 0.011 s */
static void synth_boot(struct synth *s, const char *power_on)
{
	uint8_t k[32];

	cr_assert_eq(kdnet_key_parse(KS_KEY, k, NULL, 0), 0);
	s->a = analysis_new(k, 50000);
	cr_assert(s->a);
	if (power_on)
		event(s, 0, power_on);
	ks_init(&s->k, emit, s->a);
}

static void synth_init(struct synth *s)
{
	synth_boot(s, NULL);
}

static void synth_fini(struct synth *s)
{
	analysis_free(s->a);
	ks_fini(&s->k);
}

static void only_metrics(struct synth *s, struct an_metrics *m)
{
	cr_assert_eq(analysis_n_targets(s->a), 1);
	an_metrics_compute(s->a, analysis_target(s->a, 0), m);
}

static const struct an_kd *kd_of(struct synth *s)
{
	return &analysis_target(s->a, 0)->kd;
}

static bool timeline_has(struct synth *s, const char *text)
{
	const struct an_target *t = analysis_target(s->a, 0);

	for (guint i = 0; i < t->events->len; i++)
		if (strstr(g_array_index(t->events, struct an_event, i).text, text))
			return true;
	return false;
}

/* The ACK-only debugger: the guest's first load symbols is acknowledged,
 * never continued, and the guest only announces from then on */
Test(analyze_kd, stalled_after_load_symbols_acked_never_continued)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_ack(&s.k, S(1.001), true, 2);
	ks_frozen_until(&s.k, 1, 13.4);
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_STALLED, "%s: %s", an_outcome_name(m.outcome),
		     m.why);
	cr_assert_str_eq(an_outcome_name(m.outcome), "stalled");
	cr_assert_str_eq(m.why, "the guest waits for the debugger to continue "
			 "after load symbols ntoskrnl.exe since 12.4 s: the "
			 "debugger at 192.168.2.1 acknowledges but never continues");
	cr_assert(kd_of(&s)->waiting);
	cr_assert(kd_of(&s)->wait_answered_ack);
	cr_assert_eq(kd_of(&s)->modules_loaded, 1);
	cr_assert_eq(kd_of(&s)->stalls, 1);
	cr_assert(timeline_has(&s, "first KD state change: load symbols "
			       "ntoskrnl.exe at 0xfffff80312000000"));
	cr_assert(timeline_has(&s, "the guest waits for the debugger to continue "
			       "after load symbols ntoskrnl.exe"));
	synth_fini(&s);
}

/* What the debugger did since the request: nothing, or requests of its own */
Test(analyze_kd, stalled_says_what_the_debugger_did)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "hal.dll");
	ks_frozen_until(&s.k, 1, 5);
	only_metrics(&s, &m);
	cr_assert_str_eq(m.why, "the guest waits for the debugger to continue "
			 "after load symbols hal.dll since 4.0 s: the debugger at "
			 "192.168.2.1 sends nothing");
	synth_fini(&s);

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "hal.dll");
	ks_ack(&s.k, S(1.001), true, 2);
	ks_manip(&s.k, S(1.002), KD_API_GET_VERSION, 0);
	ks_frozen_until(&s.k, 1, 5);
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_STALLED);
	cr_assert(strstr(m.why, "answers but never continues"), "%s", m.why);
	synth_fini(&s);
}

Test(analyze_kd, not_stalled_when_continued)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_ack(&s.k, S(1.001), true, 2);
	ks_manip(&s.k, S(1.002), KD_API_CONTINUE2, KD_DBG_CONTINUE);
	ks_ack(&s.k, S(1.003), false, 0x80000000u);
	ks_frozen_until(&s.k, 1, 13.4);
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_CONNECTED, "%s", m.why);
	cr_assert_str_eq(m.why, "debugger replied; data packets verify with the "
			 "session key");
	cr_assert_not(kd_of(&s)->waiting);
	cr_assert_eq(kd_of(&s)->continues, 1);
	cr_assert_eq(kd_of(&s)->stalls, 0);
	cr_assert_not(timeline_has(&s, "waits"));
	synth_fini(&s);
}

/* A wait shorter than AN_KD_STALL_NS at the capture's end is no stall */
Test(analyze_kd, a_short_wait_is_not_a_stall)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_ack(&s.k, S(1.001), true, 2);
	ks_announce(&s.k, S(3.9));
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_CONNECTED, "%s", m.why);
	cr_assert(kd_of(&s)->waiting);
	synth_fini(&s);
}

/* The kernel's bugcheck text, then its break (DbgBreakPointWithStatus) */
Test(analyze_kd, bugcheck_d1_with_four_parameters)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_manip(&s.k, S(1.001), KD_API_CONTINUE2, KD_DBG_CONTINUE);
	ks_dbgprint(&s.k, S(2), 4, "\n*** Fatal System Error: 0x000000d1\n"
		 "                       (0x0000000000000000,0x0000000000000002,"
		 "0x0000000000000000,0xFFFFF80012345678)\n\n");
	ks_exception(&s.k, S(2.001), 6, KD_STATUS_BREAKPOINT, 0xfffff80012000000ull);
	ks_ack(&s.k, S(2.002), true, 6);
	ks_frozen_until(&s.k, 2, 8);
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_BUGCHECK, "%s", m.why);
	cr_assert_str_eq(an_outcome_name(m.outcome), "bugcheck");
	cr_assert_str_eq(m.why, "bugcheck 0x000000D1 (0x0, 0x2, 0x0, "
			 "0xFFFFF80012345678)");
	cr_assert(kd_of(&s)->bugcheck_seen);
	cr_assert_not(kd_of(&s)->bugcheck_boot);
	cr_assert_eq(kd_of(&s)->bugcheck.code, 0xd1);
	cr_assert_eq(kd_of(&s)->bugcheck.param[3], 0xfffff80012345678ull);
	cr_assert_eq(kd_of(&s)->breaks, 1, "the bugcheck's break counts");
	cr_assert_eq(kd_of(&s)->dbgprint_lines, 1);
	cr_assert(timeline_has(&s, "bugcheck 0x000000D1 (0x0, 0x2, 0x0, "
			       "0xFFFFF80012345678)"));
	synth_fini(&s);
}

/* A break nobody continued before the capture ended */
Test(analyze_kd, break_held_at_the_end)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_exception(&s.k, S(1), 2, KD_STATUS_BREAKPOINT, 0xfffff80312345678ull);
	ks_ack(&s.k, S(1.001), true, 2);
	ks_manip(&s.k, S(1.002), KD_API_GET_CONTEXT, 0);
	ks_frozen_until(&s.k, 1, 13.4);
	only_metrics(&s, &m);
	cr_assert_eq(m.outcome, AN_BREAK, "%s", m.why);
	cr_assert_str_eq(an_outcome_name(m.outcome), "break");
	cr_assert_str_eq(m.why, "the guest stopped at a breakpoint (0x80000003 at "
			 "0xfffff80312345678) 12.4 s before the capture ended "
			 "and waits for the debugger to continue");
	cr_assert_eq(kd_of(&s)->breaks, 1);
	cr_assert(timeline_has(&s, "break: STATUS_BREAKPOINT at 0xfffff80312345678"));
	synth_fini(&s);
}

/* A state change sent again (no ACK came) counts once, and the wait
 * begins at its first copy */
Test(analyze_kd, retransmitted_state_change_counts_once)
{
	struct synth s;
	struct an_metrics m;

	synth_init(&s);
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_load_symbols(&s.k, S(1.5), 2, "ntoskrnl.exe");
	ks_ack(&s.k, S(1.501), true, 2);
	ks_load_symbols(&s.k, S(1.6), 2, "ntoskrnl.exe");
	ks_frozen_until(&s.k, 1, 13.4);
	only_metrics(&s, &m);
	cr_assert_eq(kd_of(&s)->modules_loaded, 1);
	cr_assert_eq(kd_of(&s)->retransmits, 2);
	cr_assert_eq(kd_of(&s)->packets, 1);
	cr_assert_eq(kd_of(&s)->wait_since_ns, S(1));
	cr_assert(strstr(m.why, "since 12.4 s"), "%s", m.why);
	cr_assert_eq(kd_of(&s)->log->len, 1, "one kd.log line");
	synth_fini(&s);
}

/* Bodies too short for their type, a bad checksum: counted, skipped */
Test(analyze_kd, malformed_bodies_counted_and_skipped)
{
	struct synth s;
	struct an_metrics m;
	uint8_t body[64] = { 0x31, 0x30 }, pkt[80];
	int n;

	synth_init(&s);
	ks_kd(&s.k, S(1), false, KD_LEADER_DATA, KD_TYPE_STATE_CHANGE64, 2, body, 10);
	ks_kd(&s.k, S(1.1), true, KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE,
	   0x80000000u, body, 3);
	ks_kd(&s.k, S(1.2), false, KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 4, body, 5);
	ks_kd(&s.k, S(1.3), false, KD_LEADER_DATA, KD_TYPE_FILE_IO, 6, body, 63);
	n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 8, body, 20, 0, pkt,
			    sizeof(pkt));
	pkt[12] ^= 1;				/* the checksum */
	ks_kdnet(&s.k, S(1.4), false, KDNET_CH_DATA, pkt, (size_t)n);
	ks_kdnet(&s.k, S(1.5), false, KDNET_CH_DATA, pkt, 9);	/* no KD packet */
	ks_frozen_until(&s.k, 1.5, 9);
	only_metrics(&s, &m);
	cr_assert_eq(kd_of(&s)->malformed, 6);
	cr_assert_eq(kd_of(&s)->modules_loaded + kd_of(&s)->dbgprint_lines +
		     kd_of(&s)->file_opens + kd_of(&s)->breaks, 0);
	cr_assert_not(kd_of(&s)->waiting);
	cr_assert_eq(m.outcome, AN_CONNECTED, "%s", m.why);
	synth_fini(&s);
}

/* A VM's result: the kd block, and its conversation by name */
Test(analyze_kd, vm_result_kd_block)
{
	struct synth s;
	struct an_vm_result r;
	const struct an_kd *k;

	synth_boot(&s, "power on win boot=1 "
		   "nic=net0,bc:24:11:00:00:10,00:12.0,vmbr0");
	ks_dbgprint(&s.k, S(0.5), 0, "hello from the guest\n");
	ks_load_symbols(&s.k, S(1), 2, "ntoskrnl.exe");
	ks_ack(&s.k, S(1.001), true, 2);
	ks_frozen_until(&s.k, 1, 13.4);
	cr_assert_eq(analysis_vm_result(s.a, "win", &r), 0);
	cr_assert_eq(r.outcome, AN_STALLED, "%s", r.why);
	cr_assert(r.kd.seen);
	cr_assert_eq(r.kd.modules_loaded, 1);
	cr_assert_eq(r.kd.dbgprint_lines, 1);
	cr_assert_float_eq(r.kd.stalled_s, 12.4, 1e-6);
	cr_assert_str_eq(r.kd.waiting_on, "load symbols ntoskrnl.exe");
	k = analysis_vm_kd(s.a, "win");
	cr_assert(k && k->log && k->log->len == 2);
	cr_assert_str_eq(g_array_index(k->log, struct an_kd_line, 0).print,
			 "hello from the guest");
	cr_assert_null(analysis_vm_kd(s.a, "nope"));
	synth_fini(&s);
}

/* A kdh-serial record: link 0, from end @end */
static void serial(struct analysis *a, uint64_t t, int end, const uint8_t *b,
		   size_t len)
{
	uint8_t rec[1200] = { (uint8_t)end };
	struct cap_frame fr = { .ts_ns = t, .linktype = LINKTYPE_USER1,
		.data = rec, .caplen = (uint32_t)len + 1,
		.origlen = (uint32_t)len + 1 };

	memcpy(rec + 1, b, len);
	analysis_feed(a, &fr);
}

static void serial_kd(struct analysis *a, uint64_t t, int end, uint32_t leader,
		      uint16_t type, uint32_t id, const uint8_t *body, size_t len)
{
	uint8_t pkt[1200];
	int n = kd_packet_build(leader, type, id, body, (uint16_t)len, KD_SERIAL,
				pkt, sizeof(pkt));

	cr_assert_gt(n, 0);
	serial(a, t, end, pkt, (size_t)n);
}

/* KD over a COM port: the VM's figures and outcome (a port has no NIC) */
Test(analyze_kd, serial_guest_stalled_by_an_ack_only_debugger)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
		.base = 0xfffff80312000000ull, .size = 0x1000, .name = "ntkrnlpa.exe" };
	uint8_t key[32] = { 0 }, body[400];
	struct analysis *a = analysis_new(key, 50000);
	struct cap_frame ev = { .ts_ns = 0, .comment = "serial link 0 win:serial0 "
				"debugger" };
	struct an_vm_result r;
	int n = kd_state_change_build(&sc, body, sizeof(body));

	analysis_feed(a, &ev);
	ev.comment = "power on win boot=1";
	analysis_feed(a, &ev);
	serial_kd(a, S(1), 1, KD_LEADER_CONTROL, KD_TYPE_RESET, 0, NULL, 0);
	serial_kd(a, S(1.01), 0, KD_LEADER_CONTROL, KD_TYPE_RESET, 0, NULL, 0);
	serial_kd(a, S(2), 0, KD_LEADER_DATA, KD_TYPE_STATE_CHANGE64, 0x80800000u,
		  body, (size_t)n);
	serial_kd(a, S(2.01), 1, KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE,
		  0x80800000u, NULL, 0);
	serial(a, S(9.5), 0, (const uint8_t *)"x", 1);	/* time goes on */
	cr_assert_eq(analysis_vm_result(a, "win", &r), 0);
	cr_assert_eq(r.outcome, AN_STALLED, "%s: %s", an_outcome_name(r.outcome),
		     r.why);
	cr_assert_str_eq(r.why, "the guest waits for the debugger to continue "
			 "after load symbols ntkrnlpa.exe since 7.5 s: the "
			 "debugger on serial0 (debugger) acknowledges but never "
			 "continues");
	cr_assert_eq(r.kd.modules_loaded, 1);
	cr_assert_str_eq(r.kd.waiting_on, "load symbols ntkrnlpa.exe");
	cr_assert(analysis_vm_kd(a, "win") && analysis_vm_kd(a, "win")->packets == 1);
	analysis_free(a);
}

/* The bundled capture: winload's boot debugger; WinDbg held its break for
 * 21 minutes, then continued, so the session ends connected */
Test(analyze_kd, real_capture_figures)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	struct analysis *a;
	const struct an_kd *k;
	struct an_metrics m;
	struct cap_frame f;
	uint8_t key[32];

	cr_assert(cf, "%s", err);
	kdnet_key_parse(REAL_KEY, key, NULL, 0);
	a = analysis_new(key, 0);
	while (capfile_next(cf, &f) == 1)
		analysis_feed(a, &f);
	an_metrics_compute(a, analysis_target(a, 0), &m);
	k = &analysis_target(a, 0)->kd;
	cr_assert_eq(m.outcome, AN_CONNECTED, "%s", m.why);
	cr_assert(strstr(m.why, "; the boot library's Fatal Error 0x00000001 (0x1, "
			 "0xFFFFF8017BC91A70, 0xFFFFF8017BC94540, "
			 "0xFFFFFFFFC0430007)"), "%s", m.why);
	cr_assert_eq(k->state_changes, 3);
	cr_assert_eq(k->modules_loaded, 1);
	cr_assert_eq(k->modules_unloaded, 1);
	cr_assert_eq(k->breaks, 1);
	cr_assert_eq(k->exceptions, 0);
	cr_assert_eq(k->file_opens, 33);
	cr_assert_eq(k->dbgprint_lines, 6);
	cr_assert_eq(k->continues, 3);
	cr_assert_eq(k->retransmits, 3);
	cr_assert_eq(k->malformed, 0);
	cr_assert(k->has_version);
	cr_assert_eq(k->version.build, 10586);
	cr_assert_eq(k->version.major >> 8, 4, "winload's boot debugger");
	cr_assert_eq(k->version.kern_base, 0x96f000);
	cr_assert(k->bugcheck_seen && k->bugcheck_boot);
	cr_assert_eq(k->bugcheck.code, 1);
	cr_assert_eq(k->bugcheck.param[0], 1);
	cr_assert_eq(k->bugcheck.param[1], 0xFFFFF8017BC91A70ull);
	cr_assert_eq(k->bugcheck.param[2], 0xFFFFF8017BC94540ull);
	cr_assert_eq(k->bugcheck.param[3], 0xFFFFFFFFC0430007ull);
	cr_assert_not(k->waiting, "WinDbg continued in the end");
	cr_assert_eq(k->stalls, 1, "the break held 21 minutes");
	cr_assert_eq(k->log->len, k->packets);
	analysis_free(a);
	capfile_close(cf);
	g_free(path);
}

/* kdh analyze's text and --json say the KD figures of the real capture */
Test(analyze_kd, analyze_command_prints_the_kd_figures)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "analyze", path, "--key",
			       REAL_KEY, NULL, NULL };
	const char *want[] = {
		"  kd packets       260 (3 sent again, counted once; 0 malformed)\n",
		"  kd version       build 10586, kernel base 0x96f000, boot debugger "
		"(winload)\n",
		"  modules_loaded   1 (1 unloaded)\n", "  breaks           1\n",
		"  file_opens       33\n", "  bugcheck         the boot library's "
		"Fatal Error 0x00000001 (0x1, 0xFFFFF8017BC91A70, "
		"0xFFFFF8017BC94540, 0xFFFFFFFFC0430007)\n",
		"  waiting          -  (the guest does not wait for the debugger)\n",
		"  0.004777  first KD state change: load symbols winload.efi at "
		"0x96f000 size 0x17d000\n",
		"  1.112450  the guest waits for the debugger to continue after a "
		"breakpoint (0x80000003 at 0x9cf07e)\n",
		"  1289.043073  the debugger answered after 1287.9 s: Continue2 ", NULL };
	JsonParser *p = json_parser_new();
	JsonObject *kd;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	for (const char *const *w = want; *w; w++)
		cr_assert(strstr(out, *w), "no '%s' in:\n%s", *w, out);
	g_free(out); g_free(err);
	argv[5] = "--json";
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert(json_parser_load_from_data(p, out, -1, NULL));
	kd = json_object_get_object_member(json_array_get_object_element(
		json_object_get_array_member(json_node_get_object(
			json_parser_get_root(p)), "targets"), 0), "kd");
	cr_assert_eq(json_object_get_int_member(kd, "file_opens"), 33);
	cr_assert_eq(json_object_get_int_member(json_object_get_object_member(kd,
		     "version"), "build"), 10586);
	cr_assert(json_object_get_boolean_member(json_object_get_object_member(kd,
		  "version"), "boot_debugger"));
	cr_assert_str_eq(json_object_get_string_member(json_object_get_object_member(
		kd, "bugcheck"), "code"), "0x00000001");
	cr_assert(json_object_get_null_member(kd, "waiting_on"));
	g_object_unref(p);
	g_free(out); g_free(err); g_free(path);
}
