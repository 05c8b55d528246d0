// SPDX-License-Identifier: GPL-2.0-or-later
/* test_decode_real.c - the real WinDbg capture, decoded as its README says,
 * and what kdh decode says each KD packet is */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kdh/kdnet/kdnet_decoder.h"
#include "netsim/pkt.h"

struct tally {
	unsigned frames, packets, status[KDNET_BAD_HEADER + 1];
	unsigned control, data, from_debuggee, from_debugger, announces, replies;
	unsigned by_type[KD_TYPE_COUNT], no_kd, leader_data, leader_control;
	unsigned bad_checksum;
	struct kdnet_record rec[4];	/* frames 1..4 */
	uint32_t reset_id[2];		/* frames 202, 203 */
};

static void tally_capture(const char *key_str, struct tally *t)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	uint8_t key[32];
	struct kdnet_decoder *d;
	struct cap_frame f;

	cr_assert(cf, "%s", err);
	cr_assert_eq(kdnet_key_parse(key_str, key, NULL, 0), 0);
	d = kdnet_decoder_new(key);
	memset(t, 0, sizeof(*t));
	while (capfile_next(cf, &f) == 1) {
		struct frame_view v;
		struct kdnet_record r;
		struct kdnet_endpoint src, dst;

		t->frames++;
		cr_assert_eq(frame_parse(f.linktype, f.data, f.caplen, &v), 0);
		cr_assert_eq(v.kind, FRAME_UDP);
		src = (struct kdnet_endpoint){ v.ip.src, v.udp.sport };
		dst = (struct kdnet_endpoint){ v.ip.dst, v.udp.dport };
		kdnet_decoder_feed(d, &src, &dst, v.udp.payload, v.udp.len, &r);
		if (t->frames <= 4)
			t->rec[t->frames - 1] = r;
		t->packets++;
		t->status[r.status]++;
		r.channel ? t->control++ : t->data++;
		if (r.status != KDNET_VERIFIED)
			continue;
		r.from_debugger ? t->from_debugger++ : t->from_debuggee++;
		t->announces += r.ctl_kind == KDNET_CTL_ANNOUNCE;
		t->replies += r.ctl_kind == KDNET_CTL_REPLY;
		if (r.channel != KDNET_CH_DATA)
			continue;
		cr_assert_eq(r.kd_rc, 0, "frame %u", t->frames);
		if (r.kd.kind == KD_PAYLOAD_CONNECT) {
			t->no_kd++;
			continue;
		}
		cr_assert_lt(r.kd.pkt.type, KD_TYPE_COUNT);
		t->by_type[r.kd.pkt.type]++;
		t->leader_data += r.kd.pkt.leader == KD_LEADER_DATA;
		t->leader_control += r.kd.pkt.leader == KD_LEADER_CONTROL;
		t->bad_checksum += !r.kd.pkt.checksum_ok;
		if (t->frames == 202 || t->frames == 203) {
			cr_assert_eq(r.kd.pkt.type, KD_TYPE_RESET);
			t->reset_id[t->frames - 202] = r.kd.pkt.id;
		}
	}
	kdnet_decoder_free(d);
	capfile_close(cf);
	g_free(path);
}

/* The counts of tests/data/README.md */
Test(real, every_packet_verifies_with_its_readme_counts)
{
	struct tally t;

	tally_capture(REAL_KEY, &t);
	cr_assert_eq(t.frames, 955);
	cr_assert_eq(t.status[KDNET_VERIFIED], 955);
	cr_assert_eq(t.control, 428);
	cr_assert_eq(t.data, 527);
	cr_assert_eq(t.announces, 427);
	cr_assert_eq(t.replies, 1);
	cr_assert_eq(t.from_debuggee, 692);
	cr_assert_eq(t.from_debugger, 263);
	cr_assert_eq(t.by_type[KD_TYPE_STATE_MANIPULATE], 187);
	cr_assert_eq(t.by_type[KD_TYPE_DEBUG_IO], 7);
	cr_assert_eq(t.by_type[KD_TYPE_ACKNOWLEDGE], 259);
	cr_assert_eq(t.by_type[KD_TYPE_RESEND], 2);
	cr_assert_eq(t.by_type[KD_TYPE_RESET], 2);
	cr_assert_eq(t.by_type[KD_TYPE_STATE_CHANGE64], 3);
	cr_assert_eq(t.by_type[KD_TYPE_FILE_IO], 66);
	cr_assert_eq(t.no_kd, 1);
	cr_assert_eq(t.leader_data, 263);
	cr_assert_eq(t.leader_control, 263);
	cr_assert_eq(t.bad_checksum, 0);
	cr_assert_eq(t.reset_id[0], 0x80000060u);
	cr_assert_eq(t.reset_id[1], 0x62u);
}

Test(real, handshake_frames)
{
	struct tally t;
	const struct kdnet_announce *a = &t.rec[0].announce;

	tally_capture(REAL_KEY, &t);
	cr_assert_eq(t.rec[0].ctl_kind, KDNET_CTL_ANNOUNCE);
	cr_assert_eq(t.rec[0].version, 4);
	cr_assert_eq(t.rec[0].counter, 3);
	cr_assert(a->mapped);
	cr_assert_eq(a->debuggee_ip, 0xc0a80248);
	cr_assert_eq(a->debuggee_port, REAL_PORT);
	cr_assert_eq(a->debugger_ip, 0xc0a80201);
	cr_assert_eq(a->debugger_port, REAL_PORT);
	cr_assert_eq(a->third_ip, 0);
	cr_assert_eq(t.rec[1].ctl_kind, KDNET_CTL_REPLY);
	cr_assert(t.rec[1].from_debugger);
	cr_assert(t.rec[1].new_key);
	cr_assert_eq(t.rec[2].kd.kind, KD_PAYLOAD_CONNECT);
	cr_assert_eq(t.rec[3].kd.pkt.type, KD_TYPE_DEBUG_IO);
}

/* Kd = SHA-256(K | reply body), the value kdnet-protocol.md states */
Test(real, data_key_of_the_reply)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	static const uint8_t want[32] = {
		0x6b, 0xd9, 0x1c, 0x57, 0xbd, 0x6a, 0x55, 0x1a, 0xd3, 0x0b, 0x50,
		0x9c, 0x05, 0xc0, 0xc9, 0x5b, 0x32, 0xcc, 0x5e, 0x47, 0xa0, 0x86,
		0x69, 0x07, 0xea, 0xf0, 0xb1, 0x58, 0x33, 0x84, 0xf6, 0x60 };
	uint8_t key[32], kd[32], plain[512];
	struct kdnet_cipher *c;
	struct kdnet_packet p;
	struct frame_view v;
	struct cap_frame f;

	cr_assert(cf);
	kdnet_key_parse(REAL_KEY, key, NULL, 0);
	c = kdnet_cipher_new(key);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_eq(capfile_next(cf, &f), 1);	/* frame 2: the reply */
	frame_parse(f.linktype, f.data, f.caplen, &v);
	cr_assert_eq(v.udp.len, 358);
	cr_assert_eq(kdnet_open(c, v.udp.payload, v.udp.len, plain, sizeof(plain),
				&p), 0);
	cr_assert_eq(p.payload_len, KDNET_REPLY_LEN);
	cr_assert_eq(p.pad, 6);
	cr_assert_eq(kdnet_data_key(key, p.payload, p.payload_len, kd), 0);
	cr_assert_arr_eq(kd, want, 32);
	kdnet_cipher_free(c);
	capfile_close(cf);
	g_free(path);
}

Test(real, wrong_key_verifies_nothing)
{
	struct tally t;

	tally_capture("1.2.3.4", &t);
	cr_assert_eq(t.status[KDNET_VERIFIED], 0);
	cr_assert_eq(t.status[KDNET_AUTH_FAILED], 428);
	cr_assert_eq(t.status[KDNET_NO_SESSION_KEY], 527);
}

/* A capture that starts after the handshake: control packets still verify,
 * data packets are "no session key", not failures. */
Test(real, capture_starting_mid_session)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	uint8_t key[32];
	struct kdnet_decoder *d;
	struct cap_frame f;
	unsigned n = 0, verified = 0, nokey = 0, failed = 0;

	kdnet_key_parse(REAL_KEY, key, NULL, 0);
	d = kdnet_decoder_new(key);
	while (capfile_next(cf, &f) == 1) {
		struct frame_view v;
		struct kdnet_record r;
		struct kdnet_endpoint s, t;

		if (++n <= 2)
			continue;	/* drop the announcement and the reply */
		frame_parse(f.linktype, f.data, f.caplen, &v);
		s = (struct kdnet_endpoint){ v.ip.src, v.udp.sport };
		t = (struct kdnet_endpoint){ v.ip.dst, v.udp.dport };
		kdnet_decoder_feed(d, &s, &t, v.udp.payload, v.udp.len, &r);
		verified += r.status == KDNET_VERIFIED;
		nokey += r.status == KDNET_NO_SESSION_KEY;
		failed += r.status == KDNET_AUTH_FAILED;
	}
	cr_assert_eq(verified, 426);
	cr_assert_eq(nokey, 527);
	cr_assert_eq(failed, 0);
	kdnet_decoder_free(d);
	capfile_close(cf);
	g_free(path);
}

/* The line of frame @frame in kdh decode's text output */
static const char *line_of(char **lines, unsigned frame)
{
	char head[16];

	snprintf(head, sizeof(head), "%6u ", frame);
	for (; *lines; lines++)
		if (!strncmp(*lines, head, strlen(head)))
			return *lines;
	return "";
}

/* kdh decode names each KD packet's API and meaning (kd_note_str()) */
Test(real, decode_says_what_each_kd_packet_says)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err, **lines;
	const char *argv[] = { getenv("KDH_BIN"), "decode", path, "--key",
			       REAL_KEY, NULL };
	static const struct { unsigned frame; const char *what; } want[] = {
		{ 4, "KD_DEBUG_IO id 0x00000000 len 46 data: DbgPrint \"BD: Boot "
		  "Debugger Initialized\"" },
		{ 8, "KD_STATE_CHANGE64 id 0x00000002 len 252 data: load symbols "
		  "winload.efi at 0x96f000 size 0x17d000" },
		{ 10, "KD_STATE_MANIPULATE id 0x80000000 len 56 data: GetVersion" },
		{ 12, "data: GetVersion reply: build 10586, boot debugger, kernel "
		  "base 0x96f000" },
		{ 236, "KD_FILE_IO id 0x00000072 len 144 data: CreateFile "
		  "\\Windows\\system32\\en-GB\\winload.efi.MUI" },
		{ 238, "KD_FILE_IO id 0x80000070 len 64 data: CreateFile answer "
		  "STATUS_NO_SUCH_FILE" },
		{ 378, "data: break: STATUS_BREAKPOINT at 0x9cf07e (int3)" },
		{ 950, "KD_STATE_MANIPULATE id 0x800000fa len 56 data: Continue2 "
		  "DBG_EXCEPTION_HANDLED" },
		{ 9, "KD_ACKNOWLEDGE id 0x00000002 len 0 control" },
	};

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	lines = g_strsplit(out, "\n", -1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *l = line_of(lines, want[i].frame);

		cr_assert(g_str_has_suffix(l, want[i].what), "frame %u: '%s', not "
			  "'%s'", want[i].frame, l, want[i].what);
	}
	g_strfreev(lines);
	g_free(out); g_free(err); g_free(path);
}

static JsonObject *record(JsonArray *recs, unsigned frame)
{
	JsonObject *o = json_array_get_object_element(recs, frame - 1);

	cr_assert_eq(json_object_get_int_member(o, "frame"), frame);
	return o;
}

static const char *str_of(JsonObject *o, const char *key)
{
	return json_object_has_member(o, key) ?
	       json_object_get_string_member(o, key) : "(none)";
}

/* --json: kd_api, kd_what, and kd_state, kd_name, kd_text, kd_status */
Test(real, decode_json_kd_fields)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "decode", path, "--key",
			       REAL_KEY, "--json", NULL };
	JsonParser *p = json_parser_new();
	JsonArray *recs;
	JsonObject *o;

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert(json_parser_load_from_data(p, out, -1, NULL));
	recs = json_object_get_array_member(json_node_get_object(
		json_parser_get_root(p)), "records");
	o = record(recs, 8);
	cr_assert_str_eq(str_of(o, "kd_type"), "KD_STATE_CHANGE64");
	cr_assert_str_eq(str_of(o, "kd_api"), "LoadSymbolsStateChange");
	cr_assert_str_eq(str_of(o, "kd_state"), "load symbols");
	cr_assert_str_eq(str_of(o, "kd_name"), "winload.efi");
	cr_assert_str_eq(str_of(o, "kd_what"), "load symbols winload.efi at "
			 "0x96f000 size 0x17d000");
	cr_assert(g_str_has_suffix(str_of(o, "what"), str_of(o, "kd_what")));
	o = record(recs, 10);
	cr_assert_str_eq(str_of(o, "kd_api"), "GetVersion");
	cr_assert_str_eq(str_of(o, "kd_what"), "GetVersion");
	o = record(recs, 4);
	cr_assert_str_eq(str_of(o, "kd_api"), "DbgPrint");
	cr_assert_str_eq(str_of(o, "kd_text"), "BD: Boot Debugger Initialized");
	o = record(recs, 236);
	cr_assert_str_eq(str_of(o, "kd_api"), "CreateFile");
	cr_assert_str_eq(str_of(o, "kd_name"),
			 "\\Windows\\system32\\en-GB\\winload.efi.MUI");
	o = record(recs, 238);
	cr_assert_str_eq(str_of(o, "kd_status"), "0xc000000f");
	cr_assert_str_eq(str_of(o, "kd_what"), "CreateFile answer "
			 "STATUS_NO_SUCH_FILE");
	o = record(recs, 950);
	cr_assert_str_eq(str_of(o, "kd_api"), "Continue2");
	cr_assert_str_eq(str_of(o, "kd_status"), "0x00010001");
	o = record(recs, 9);
	cr_assert_str_eq(str_of(o, "kd_type"), "KD_ACKNOWLEDGE");
	cr_assert_not(json_object_has_member(o, "kd_api"), "an ACK says nothing");
	g_object_unref(p);
	g_free(out); g_free(err); g_free(path);
}

/* kdh analyze's timeline lists firsts; while it waited at the breakpoint
 * the debuggee went on announcing for 21 minutes (frames 516-941) until
 * the debugger answered: the timeline says so, in its place */
Test(real, analyze_tells_the_announcements_between_timeline_lines)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "analyze", path, "--key",
			       REAL_KEY, NULL };

	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "(0x80000003 at 0x9cf07e)\n        4.147369  then "
			 "426 announcements, one every 3.0 s, until 1286.3 s\n"
			 "     1289.043073  the debugger answered"), "%s", out);
	g_free(out); g_free(err); g_free(path);
}
