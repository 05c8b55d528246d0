// SPDX-License-Identifier: GPL-2.0-or-later
/* decode_cmd.c - `kdh decode`: one line per KDNET packet of a capture */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "netsim/capfile.h"
#include "kdh/cmd/cli.h"
#include "kdh/analyze/decrypted.h"
#include "kdh/util/json_out.h"
#include "kdh/kdnet/kd_api.h"
#include "kdh/analyze/analyze.h"
#include "kdh/kdnet/kdnet_decoder.h"
#include "netsim/pkt.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_decode;

#define NO_KD_NAME	"NO_KD_PACKET"

struct decode_stats {
	uint64_t frames, bad_frames, packets;
	uint64_t by_status[KDNET_BAD_HEADER + 1];
	uint64_t control, data, announces, replies;
	uint64_t from_debuggee, from_debugger;
	uint64_t by_type[KD_TYPE_COUNT + 1];	/* last: unknown types */
	uint64_t no_kd, breakins, kd_unparsed, kd_bad_checksum;
	uint64_t leaders[3];			/* data, control, breakin */
};

struct decode_ctx {
	uint16_t port;
	bool json;
	const char *out_path;		/* --write-decrypted */
	struct decrypted_writer *out;
	bool write_failed;
	bool connected;			/* the exit status rule (analyze's) */
	uint64_t t0_ns;
	struct decode_stats st;
	JsonArray *records;
};

static const char *direction(const struct kdnet_record *r)
{
	if (r->status != KDNET_VERIFIED)
		return "?";
	return r->from_debugger ? "debugger->debuggee" : "debuggee->debugger";
}

/* What a verified KD packet says (KD_NOTE_NONE for control packets and
 * anything else that is no KD data packet) */
static void record_note(const struct kdnet_record *r, struct kd_note *n)
{
	memset(n, 0, sizeof(*n));
	if (r->status == KDNET_VERIFIED && r->channel == KDNET_CH_DATA &&
	    !r->kd_rc && r->kd.kind == KD_PAYLOAD_PACKET)
		kd_note_of(&r->kd.pkt, r->from_debugger, n);
}

/* What the packet carries, in a few words, and what its KD body says:
 * "KD_STATE_CHANGE64 id 0x00000002 len 252 data: load symbols ..." */
static void record_what(const struct kdnet_record *r, const struct kd_note *n,
			char *buf, size_t len)
{
	const struct kd_packet *k = &r->kd.pkt;
	char ip[IP_STRLEN], note[KD_TEXT_MAX + KD_NAME_MAX] = "";

	if (r->status != KDNET_VERIFIED) {
		snprintf(buf, len, "%s", "-");
	} else if (r->channel == KDNET_CH_CONTROL) {
		if (r->ctl_kind == KDNET_CTL_ANNOUNCE)
			snprintf(buf, len, "announce #%u",
				 r->announce.nonce[0] | r->announce.nonce[1] << 8);
		else if (r->ctl_kind == KDNET_CTL_REPLY)
			snprintf(buf, len, "reply%s",
				 r->new_key ? " (new session key)" : "");
		else
			snprintf(buf, len, "control kind %d", r->ctl_kind);
	} else if (r->kd_rc) {
		snprintf(buf, len, "unparsed payload (%zu bytes)", r->payload_len);
	} else if (r->kd.kind == KD_PAYLOAD_CONNECT) {
		snprintf(buf, len, "no KD packet (first data packet, debugger %s)",
			 ip_str(r->kd.debugger_ip, ip));
	} else if (r->kd.kind == KD_PAYLOAD_BREAKIN) {
		snprintf(buf, len, "break-in");
	} else {
		if (n->kind != KD_NOTE_NONE) {
			note[0] = ':';
			note[1] = ' ';
			kd_note_str(n, note + 2, sizeof(note) - 2);
		}
		snprintf(buf, len, "%s id 0x%08x len %u %s%s%s",
			 kd_type_name(k->type), k->id, k->count,
			 kd_leader_name(k->leader),
			 k->checksum_ok ? "" : " checksum-BAD", note);
	}
}

/* "GetVersion", "LoadSymbolsStateChange", ...; NULL when it has none */
static const char *note_api(const struct kd_note *n, char *buf, size_t len)
{
	static const char *const states[] = { "ExceptionStateChange",
		"LoadSymbolsStateChange", "CommandStringStateChange" };

	switch (n->kind) {
	case KD_NOTE_NONE:
	case KD_NOTE_MALFORMED:
		return NULL;
	case KD_NOTE_LOAD:
	case KD_NOTE_UNLOAD:
	case KD_NOTE_EXCEPTION:
	case KD_NOTE_COMMAND:
		return states[n->sc.new_state - KD_STATE_EXCEPTION];
	default:
		if (kd_api_name(n->api))
			return kd_api_name(n->api);
		snprintf(buf, len, "API 0x%04x", n->api);
		return buf;
	}
}

/* kd_api, kd_what and, where they mean something, kd_state, kd_name,
 * kd_text and kd_status */
static void note_json(JsonObject *o, const struct kd_note *n)
{
	char api[16], line[KD_TEXT_MAX + KD_NAME_MAX], status[16];
	bool state = n->kind == KD_NOTE_LOAD || n->kind == KD_NOTE_UNLOAD ||
		     n->kind == KD_NOTE_EXCEPTION || n->kind == KD_NOTE_COMMAND;

	if (n->kind == KD_NOTE_NONE)
		return;
	if (note_api(n, api, sizeof(api)))
		json_object_set_string_member(o, "kd_api",
					      note_api(n, api, sizeof(api)));
	kd_note_str(n, line, sizeof(line));
	json_object_set_string_member(o, "kd_what", line);
	if (state)
		json_object_set_string_member(o, "kd_state",
					      kd_state_name(n->sc.new_state));
	if (n->name[0])
		json_object_set_string_member(o, "kd_name", n->name);
	if (n->kind == KD_NOTE_PRINT || n->kind == KD_NOTE_PROMPT ||
	    n->kind == KD_NOTE_PROMPT_REPLY)
		json_object_set_string_member(o, "kd_text", n->text);
	if (n->kind == KD_NOTE_EXCEPTION || n->kind == KD_NOTE_CONTINUE ||
	    n->kind == KD_NOTE_FILE_REPLY ||
	    (n->kind == KD_NOTE_MANIP && !n->from_debugger)) {
		snprintf(status, sizeof(status), "0x%08x", n->status);
		json_object_set_string_member(o, "kd_status", status);
	}
}

static const char *kd_name_of(const struct kdnet_record *r)
{
	if (r->kd.kind == KD_PAYLOAD_CONNECT)
		return NO_KD_NAME;
	if (r->kd.kind == KD_PAYLOAD_BREAKIN)
		return "BREAKIN";
	return kd_type_name(r->kd.pkt.type);
}

static void stats_add(struct decode_stats *st, const struct kdnet_record *r)
{
	const struct kd_packet *k = &r->kd.pkt;

	st->packets++;
	st->by_status[r->status]++;
	if (r->status == KDNET_MALFORMED)
		return;
	if (r->channel == KDNET_CH_CONTROL)
		st->control++;
	else
		st->data++;
	if (r->status != KDNET_VERIFIED)
		return;
	if (r->from_debugger)
		st->from_debugger++;
	else
		st->from_debuggee++;
	st->announces += r->ctl_kind == KDNET_CTL_ANNOUNCE;
	st->replies += r->ctl_kind == KDNET_CTL_REPLY;
	if (r->channel != KDNET_CH_DATA)
		return;
	if (r->kd_rc) {
		st->kd_unparsed++;
	} else if (r->kd.kind == KD_PAYLOAD_CONNECT) {
		st->no_kd++;
	} else if (r->kd.kind == KD_PAYLOAD_BREAKIN) {
		st->breakins++;
	} else {
		st->by_type[k->type < KD_TYPE_COUNT ? k->type : KD_TYPE_COUNT]++;
		st->leaders[k->leader == KD_LEADER_DATA ? 0 :
			    k->leader == KD_LEADER_CONTROL ? 1 : 2]++;
		st->kd_bad_checksum += !k->checksum_ok;
	}
}

static void record_json(struct decode_ctx *c, uint64_t frame, double t,
			const char *src, const char *dst,
			const struct kdnet_record *r, const struct kd_note *n,
			const char *what)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "frame", (gint64)frame);
	json_object_set_double_member(o, "t", t);
	json_object_set_string_member(o, "src", src);
	json_object_set_string_member(o, "dst", dst);
	json_object_set_string_member(o, "direction", direction(r));
	json_object_set_string_member(o, "channel",
		r->channel == KDNET_CH_CONTROL ? "control" : "data");
	json_object_set_int_member(o, "version", r->version);
	json_object_set_int_member(o, "seq", r->counter);
	json_object_set_string_member(o, "status", kdnet_status_name(r->status));
	if (r->status == KDNET_VERIFIED && r->channel == KDNET_CH_DATA &&
	    !r->kd_rc) {
		json_object_set_string_member(o, "kd_type", kd_name_of(r));
		if (r->kd.kind == KD_PAYLOAD_PACKET) {
			json_object_set_int_member(o, "kd_id", r->kd.pkt.id);
			json_object_set_int_member(o, "kd_len", r->kd.pkt.count);
			json_object_set_string_member(o, "kd_leader",
				kd_leader_name(r->kd.pkt.leader));
		}
		note_json(o, n);
	}
	json_object_set_string_member(o, "what", what);
	json_array_add_object_element(c->records, o);
}

static void frame_take(struct decode_ctx *c, struct kdnet_decoder *dec,
		       const struct cap_frame *f, uint64_t frame_no)
{
	struct kdnet_endpoint src, dst;
	struct kdnet_record r;
	struct frame_view v;
	char sip[IP_STRLEN], dip[IP_STRLEN], s[32], d[32];
	char what[KD_TEXT_MAX + KD_NAME_MAX + 64];
	struct kd_note n;
	double t = ((double)f->ts_ns - (double)c->t0_ns) / 1e9;	/* may be < 0 */

	if (frame_parse(f->linktype, f->data, f->caplen, &v)) {
		c->st.bad_frames++;
		goto copy;
	}
	if (v.kind != FRAME_UDP || !kdnet_looks_like(v.udp.payload, v.udp.len))
		goto copy;
	if (c->port && v.udp.sport != c->port && v.udp.dport != c->port)
		goto copy;
	src = (struct kdnet_endpoint){ v.ip.src, v.udp.sport };
	dst = (struct kdnet_endpoint){ v.ip.dst, v.udp.dport };
	kdnet_decoder_feed(dec, &src, &dst, v.udp.payload, v.udp.len, &r);
	if (c->out && decrypted_frame(c->out, f, &v, &r))
		c->write_failed = true;
	stats_add(&c->st, &r);
	record_note(&r, &n);
	record_what(&r, &n, what, sizeof(what));
	snprintf(s, sizeof(s), "%s:%u", ip_str(src.ip, sip), src.port);
	snprintf(d, sizeof(d), "%s:%u", ip_str(dst.ip, dip), dst.port);
	if (c->json) {
		record_json(c, frame_no, t, s, d, &r, &n, what);
		return;
	}
	printf("%6" PRIu64 " %12.6f  %-18s  %21s > %-21s  %-4s v%u #%-5u %-14s %s\n",
	       frame_no, t, direction(&r), s, d,
	       r.channel == KDNET_CH_CONTROL ? "ctl" : "data", r.version,
	       r.counter, kdnet_status_name(r.status), what);
	return;
copy:
	if (c->out && decrypted_frame(c->out, f, NULL, NULL))
		c->write_failed = true;
}

static void summary_text(const struct decode_stats *st)
{
	printf("\n%" PRIu64 " KDNET packets in %" PRIu64 " frames: %" PRIu64
	       " verified, %" PRIu64 " failed authentication, %" PRIu64
	       " without session key, %" PRIu64 " malformed\n",
	       st->packets, st->frames, st->by_status[KDNET_VERIFIED],
	       st->by_status[KDNET_AUTH_FAILED], st->by_status[KDNET_NO_SESSION_KEY],
	       st->by_status[KDNET_MALFORMED] + st->by_status[KDNET_BAD_HEADER]);
	printf("  channels: control %" PRIu64 " (announcements %" PRIu64
	       ", replies %" PRIu64 "), data %" PRIu64 "\n", st->control,
	       st->announces, st->replies, st->data);
	printf("  verified by direction: debuggee->debugger %" PRIu64
	       ", debugger->debuggee %" PRIu64 "\n", st->from_debuggee,
	       st->from_debugger);
	printf("  KD packets by type:");
	for (int i = 0; i <= KD_TYPE_COUNT; i++)
		if (st->by_type[i])
			printf(" %s %" PRIu64, i < KD_TYPE_COUNT ?
			       kd_type_name((uint16_t)i) : "UNKNOWN", st->by_type[i]);
	if (st->no_kd)
		printf(" %s %" PRIu64, NO_KD_NAME, st->no_kd);
	if (st->breakins)
		printf(" BREAKIN %" PRIu64, st->breakins);
	printf("\n  KD leaders: data %" PRIu64 ", control %" PRIu64
	       ", breakin %" PRIu64 "; bad checksums %" PRIu64
	       "; unparsed payloads %" PRIu64 "\n", st->leaders[0],
	       st->leaders[1], st->leaders[2], st->kd_bad_checksum,
	       st->kd_unparsed);
}

static void summary_json(struct decode_ctx *c, const char *file,
			 const char *format, const char *warning)
{
	const struct decode_stats *st = &c->st;
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	jb_str(b, "file", file);
	jb_str(b, "format", format);
	jb_int(b, "frames", (int64_t)st->frames);
	jb_int(b, "packets", (int64_t)st->packets);
	jb_int(b, "verified", (int64_t)st->by_status[KDNET_VERIFIED]);
	jb_int(b, "failed", (int64_t)st->by_status[KDNET_AUTH_FAILED]);
	jb_int(b, "no_session_key", (int64_t)st->by_status[KDNET_NO_SESSION_KEY]);
	jb_int(b, "malformed", (int64_t)(st->by_status[KDNET_MALFORMED] +
					 st->by_status[KDNET_BAD_HEADER]));
	jb_int(b, "control", (int64_t)st->control);
	jb_int(b, "data", (int64_t)st->data);
	jb_int(b, "announcements", (int64_t)st->announces);
	jb_int(b, "replies", (int64_t)st->replies);
	jb_int(b, "from_debuggee", (int64_t)st->from_debuggee);
	jb_int(b, "from_debugger", (int64_t)st->from_debugger);
	json_builder_set_member_name(b, "by_type");
	json_builder_begin_object(b);
	for (int i = 0; i <= KD_TYPE_COUNT; i++)
		if (st->by_type[i])
			jb_int(b, i < KD_TYPE_COUNT ? kd_type_name((uint16_t)i)
			       : "UNKNOWN", (int64_t)st->by_type[i]);
	if (st->no_kd)
		jb_int(b, NO_KD_NAME, (int64_t)st->no_kd);
	if (st->breakins)
		jb_int(b, "BREAKIN", (int64_t)st->breakins);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "by_leader");
	json_builder_begin_object(b);
	jb_int(b, "data", (int64_t)st->leaders[0]);
	jb_int(b, "control", (int64_t)st->leaders[1]);
	jb_int(b, "breakin", (int64_t)st->leaders[2]);
	json_builder_end_object(b);
	jb_int(b, "bad_checksums", (int64_t)st->kd_bad_checksum);
	jb_str(b, "warning", warning);
	json_builder_set_member_name(b, "records");
	json_builder_add_value(b, json_node_init_array(json_node_alloc(),
						       c->records));
	json_builder_end_object(b);
	json_print(b, stdout);
	g_object_unref(b);
}

static int decode_file(const char *file, const uint8_t key[KDNET_KEY_LEN],
		       struct decode_ctx *c)
{
	struct kdnet_decoder *dec;
	struct analysis *a;
	struct capfile *cf;
	struct cap_frame f;
	int rc;

	cf = cli_capture_open(&kdh_cmd_decode, file);
	if (!cf)
		return KDH_EXIT_USAGE;
	dec = kdnet_decoder_new(key);
	a = dec ? analysis_new(key, c->port) : NULL;
	if (!a) {
		kdnet_decoder_free(dec);
		capfile_close(cf);
		return cli_error(&kdh_cmd_decode, KDH_EXIT_USAGE, "OpenSSL setup failed");
	}
	c->records = json_array_new();
	if (c->out_path) {
		char err[256];

		c->out = decrypted_open(c->out_path, err, sizeof(err));
		if (!c->out) {
			json_array_unref(c->records);
			kdnet_decoder_free(dec);
			analysis_free(a);
			capfile_close(cf);
			return cli_error(&kdh_cmd_decode, KDH_EXIT_USAGE, "%s", err);
		}
	}
	while ((rc = capfile_next(cf, &f)) == 1) {
		if (capfile_frames(cf) == 1)
			c->t0_ns = f.ts_ns;
		c->st.frames++;
		frame_take(c, dec, &f, capfile_frames(cf));
		analysis_feed(a, &f);
	}
	c->connected = analysis_connected(a);
	analysis_free(a);
	cli_capture_warn(&kdh_cmd_decode, file, cf);
	if (c->json)
		summary_json(c, file, capfile_format(cf), capfile_warning(cf));
	else
		summary_text(&c->st);
	json_array_unref(c->records);
	kdnet_decoder_free(dec);
	capfile_close(cf);
	if (c->out && (decrypted_close(c->out) || c->write_failed))
		return cli_error(&kdh_cmd_decode, KDH_EXIT_USAGE, "%s: could not "
				 "write it", c->out_path);
	if (rc < 0)
		return cli_error(&kdh_cmd_decode, KDH_EXIT_USAGE, "%s: out of memory", file);
	if (!c->st.packets)
		return cli_error(&kdh_cmd_decode, KDH_EXIT_FAIL,
				 "no KDNET packet in %s%s", file,
				 c->port ? " on that port" : "");
	if (!c->st.by_status[KDNET_VERIFIED])
		return cli_error(&kdh_cmd_decode, KDH_EXIT_FAIL,
				 "no KDNET packet verified with this key");
	if (!c->connected)
		return cli_error(&kdh_cmd_decode, KDH_EXIT_FAIL, "no debuggee "
				 "connected in %s (kdh analyze says why)", file);
	return KDH_EXIT_OK;
}

static int decode_main(int argc, char **argv)
{
	struct cli_capture_args args = { .can_write = true };
	struct decode_ctx c = { 0 };
	int rc = cli_capture_args_parse(&kdh_cmd_decode, argc, argv, &args);

	if (rc)
		return rc == CLI_HELP_SHOWN ? KDH_EXIT_OK : rc;
	c.port = args.port;
	c.json = args.json;
	c.out_path = args.write_decrypted;
	return decode_file(args.file, args.key, &c);
}

const struct kdh_cmd kdh_cmd_decode = {
	.name = "decode",
	.summary = "decrypt, authenticate and list every KDNET packet of a capture",
	.usage = "kdh decode FILE --key KEY [--port N] [--json] "
		 "[--write-decrypted OUT.pcapng]",
	.run = decode_main,
	.help =
"FILE is a pcap or pcapng capture, optionally gzip-compressed (.gz), of\n"
"Ethernet, Linux cooked (tcpdump -i any) or raw IPv4 frames.  Every UDP\n"
"datagram that starts with the KDNET magic \"MDBG\" is decrypted with KEY and\n"
"its HMAC checked; data packets use the session key derived from the\n"
"debugger's reply, so a capture that starts after the handshake shows them\n"
"as no-session-key.\n"
"\n"
"Options:\n"
"  --key KEY    the key of `bcdedit /dbgsettings net ... key:KEY` (w.x.y.z,\n"
"               four base-36 words); required\n"
"  --port N     only datagrams from or to UDP port N (default: any port)\n"
"  --json       one JSON object: counts (packets, verified, failed,\n"
"               no_session_key, malformed, by_type, by_leader, ...) and\n"
"               \"records\", one object per packet\n"
"  --write-decrypted OUT.pcapng\n"
"               the capture again, every frame in its place and time, each\n"
"               verified KDNET datagram replaced by its plaintext (magic\n"
"               \"MDBD\", lengths and checksums fixed; unverified ones kept\n"
"               with a comment): Wireshark shows it with\n"
"               scripts/wireshark/kdnet-plain.lua, no keys needed\n"
"\n"
"Output: one line per KDNET packet:\n"
"  FRAME  TIME(s from first frame)  DIRECTION  SRC > DST  CHANNEL VERSION\n"
"  #SEQ  STATUS  WHAT\n"
"STATUS is verified, auth-failed (wrong key or damage), no-session-key,\n"
"malformed or bad-header.  WHAT names the control message (announce,\n"
"reply) or the KD packet inside a data packet (type, id, length, leader)\n"
"and, after a colon, what its body says: the API and its meaning\n"
"(\"load symbols winload.efi at 0x96f000 size 0x17d000\", \"GetVersion\",\n"
"\"Continue2 DBG_EXCEPTION_HANDLED\", \"DbgPrint \"...\"\", \"CreateFile\n"
"NAME\", \"CreateFile answer STATUS_NO_SUCH_FILE\").  --json gives it as\n"
"kd_what, with kd_api and, where they apply, kd_state, kd_name, kd_text\n"
"and kd_status.  A summary follows.\n"
"\n"
"Exit status: the same rule for kdh analyze, kdh decode and kdh watch\n"
"--replay: 0 when a debuggee is connected at the capture's end (what kdh\n"
"analyze calls connected); 1 when none is: no KDNET packet verified with\n"
"KEY (key-mismatch), a debuggee that never connected or stopped, no KDNET\n"
"packet at all; 2 for bad usage (KEY is required: without it, 2) or an\n"
"unreadable file.  A truncated file is decoded up to the damage, with a\n"
"warning.\n"
"\n"
"Example:\n"
"  kdh decode tests/data/windbg-uncut.pcapng.gz --key 8.8.8.8 --port 51111\n",
};
