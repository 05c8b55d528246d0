// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_engine.c - libFuzzer harness: the debugger's KD engine fed any
 * conversation.  The input's first byte picks the configuration (KDNET or
 * serial, continue or ack-only, continue or hold); the rest is a sequence
 * of records, u16 little-endian length then that many bytes, each parsed
 * as a KD packet (a record that does not parse is a data packet whose
 * type is its first byte and whose body is the rest; an empty record a
 * KD_RESEND) and given to kd_engine_input()
 * 10 ms after the one before, with kd_engine_timer() in between.
 * Invariants: at most KD_ENGINE_MAX_OUT packets out, each within its
 * body buffer; ack-only never sends a data packet; every data packet
 * sent parses as the body its type says; a note always prints; the
 * resend deadline is the pending packet's. */
#include "fuzz.h"
#include "kdh/debugger/kd_engine.h"

static void out_check(const struct kd_engine *e, const struct kd_engine_out *o)
{
	char line[KD_TEXT_MAX + 256];

	FUZZ_CHECK(o->n <= KD_ENGINE_MAX_OUT, "%u packets", o->n);
	for (unsigned i = 0; i < o->n; i++) {
		const struct kd_out_packet *p = &o->pkt[i];
		struct kd_manip m;
		struct kd_file_io f;
		struct kd_debug_io io;

		FUZZ_CHECK(p->len <= KD_ENGINE_BODY_MAX, "len %u", p->len);
		if (p->leader != KD_LEADER_DATA) {
			FUZZ_CHECK(p->len == 0, "control packet with a body");
			continue;
		}
		FUZZ_CHECK(e->cfg.mode != KD_MODE_ACK_ONLY, "ack-only answered");
		if (p->type == KD_TYPE_STATE_MANIPULATE)
			FUZZ_CHECK(!kd_manip_parse(p->body, p->len, &m), "manip");
		else if (p->type == KD_TYPE_FILE_IO)
			FUZZ_CHECK(!kd_file_io_parse(p->body, p->len, &f), "file");
		else
			FUZZ_CHECK(p->type == KD_TYPE_DEBUG_IO &&
				   !kd_debug_io_parse(p->body, p->len, &io),
				   "type %u", p->type);
	}
	FUZZ_CHECK(kd_note_str(&o->note, line, sizeof(line)) >= 0, "note");
	FUZZ_CHECK(!e->out_pending || kd_engine_deadline(e) ==
		   e->out_at + KD_ENGINE_RESEND_NS, "deadline");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kd_engine e;
	static struct kd_engine_out o;
	struct kd_engine_cfg cfg;
	uint64_t now = 1000000000ull;
	uint8_t *b = fuzz_dup(data, size);
	size_t at = 1;

	if (!size) {
		free(b);
		return 0;
	}
	cfg = (struct kd_engine_cfg){ .serial = b[0] & 1,
		.mode = b[0] & 2 ? KD_MODE_ACK_ONLY : KD_MODE_CONTINUE,
		.on_break = b[0] & 4 ? KD_BREAK_HOLD : KD_BREAK_CONTINUE };
	kd_engine_init(&e, &cfg);
	while (at + 2 <= size) {
		size_t len = (size_t)(b[at] | b[at + 1] << 8);
		struct kd_packet p;

		at += 2;
		len = len < size - at ? len : size - at;
		if (len && kd_packet_parse(b + at, len, 0, &p))
			p = (struct kd_packet){ .leader = KD_LEADER_DATA,
				.type = b[at] % KD_TYPE_COUNT, .id = b[at],
				.checksum_ok = true, .data = b + at + 1,
				.count = (uint16_t)(len - 1) };
		else if (!len)
			p = (struct kd_packet){ .leader = KD_LEADER_CONTROL,
				.type = KD_TYPE_RESEND };
		now += 10000000;
		kd_engine_input(&e, &p, now, &o);
		out_check(&e, &o);
		kd_engine_timer(&e, now + KD_ENGINE_RESEND_NS, &o);
		out_check(&e, &o);
		at += len;
	}
	free(b);
	return 0;
}
