// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kd_engine.c - the debugger's KD engine, one packet at a time: what
 * it answers to each kind of request a Windows debuggee makes */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kdh/debugger/kd_engine.h"

struct guest {
	struct kd_engine e;
	struct kd_engine_out o;
	uint32_t id;			/* the guest's next id: 0, 2, 4 */
	uint8_t body[KD_ENGINE_BODY_MAX];
	uint64_t now;
};

static void start(struct guest *g, enum kd_engine_mode mode,
		  enum kd_on_break on_break, bool serial)
{
	struct kd_engine_cfg cfg = { mode, on_break, serial };

	memset(g, 0, sizeof(*g));
	kd_engine_init(&g->e, &cfg);
	g->now = 1000000000ull;
}

static void send_data(struct guest *g, uint16_t type, int len, bool again)
{
	struct kd_packet p = { .leader = KD_LEADER_DATA, .type = type,
			       .count = (uint16_t)len, .checksum_ok = true,
			       .data = g->body };

	cr_assert_gt(len, 0);
	p.id = again ? g->id - 2 : g->id;
	if (!again)
		g->id += 2;
	g->now += 1000000;
	kd_engine_input(&g->e, &p, g->now, &g->o);
}

static void send_control(struct guest *g, uint16_t type, uint32_t id)
{
	struct kd_packet p = { .leader = KD_LEADER_CONTROL, .type = type,
			       .id = id, .checksum_ok = true };

	kd_engine_input(&g->e, &p, g->now, &g->o);
}

static void print(struct guest *g, const char *text)
{
	send_data(g, KD_TYPE_DEBUG_IO, kd_debug_io_build(KD_API_PRINT_STRING,
		  text, 0, g->body, sizeof(g->body)), false);
}

static void state(struct guest *g, const struct kd_state_change *sc)
{
	send_data(g, KD_TYPE_STATE_CHANGE64,
		  kd_state_change_build(sc, g->body, sizeof(g->body)), false);
}

static void load(struct guest *g, const char *name)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
				      .base = 0xfffff80312000000ull,
				      .size = 0x100000 };

	snprintf(sc.name, sizeof(sc.name), "%s", name);
	state(g, &sc);
}

static void exception(struct guest *g, uint32_t code, uint8_t op)
{
	struct kd_state_change sc = { .new_state = KD_STATE_EXCEPTION,
				      .code = code, .pc = 0x9cf07e,
				      .first_chance = 1, .istream_len = 16 };

	sc.istream[0] = op;
	state(g, &sc);
}

static void reply(struct guest *g, uint32_t api, const uint8_t *data,
		  size_t len)
{
	struct kd_manip m = { .api = api };

	if (api == KD_API_GET_VERSION) {
		struct kd_version v = { .major = 0xf, .build = 26100,
					.protocol = 6, .machine = 0x8664 };

		kd_version_build(&v, &m);
	}
	send_data(g, KD_TYPE_STATE_MANIPULATE,
		  kd_manip_build(&m, data, len, g->body, sizeof(g->body)), false);
}

/* The engine's packet @i: its type, and for manipulates its API */
static const struct kd_out_packet *out(struct guest *g, unsigned i,
				       uint16_t type)
{
	cr_assert_gt(g->o.n, i, "only %u packets out", g->o.n);
	cr_assert_eq(g->o.pkt[i].type, type, "packet %u is type %u", i,
		     g->o.pkt[i].type);
	return &g->o.pkt[i];
}

static uint32_t api_of(const struct kd_out_packet *p)
{
	return kd_le32(p->body);
}

/* Connected past WinDbg's first RESEND, GetVersion answered */
static void connected(struct guest *g)
{
	print(g, "BD: Boot Debugger Initialized\n");
	cr_assert_eq(out(g, 0, KD_TYPE_RESEND)->id, 0);
	send_data(g, KD_TYPE_DEBUG_IO, kd_debug_io_build(KD_API_PRINT_STRING,
		  "BD: Boot Debugger Initialized\n", 0, g->body, sizeof(g->body)),
		  true);
	cr_assert_eq(out(g, 0, KD_TYPE_ACKNOWLEDGE)->id, 0);
	cr_assert_eq(g->o.n, 1);
}

Test(kd_engine, load_symbols_get_version_then_windbg_continue)
{
	struct guest g;
	const struct kd_out_packet *p;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	load(&g, "ntoskrnl.exe");
	cr_assert_eq(g.o.note.kind, KD_NOTE_LOAD);
	cr_assert_eq(out(&g, 0, KD_TYPE_ACKNOWLEDGE)->id, 2);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(p->id, 0x80000000u);
	cr_assert_eq(api_of(p), KD_API_GET_VERSION);
	cr_assert_eq(kd_le32(p->body + 8), 0x103, "STATUS_PENDING as WinDbg");
	send_control(&g, KD_TYPE_ACKNOWLEDGE, 0x80000000u);
	reply(&g, KD_API_GET_VERSION, NULL, 0);
	cr_assert_eq(g.o.note.kind, KD_NOTE_VERSION);
	cr_assert(g.e.have_version);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(p->id, 0x80000002u);
	cr_assert_eq(api_of(p), KD_API_CONTINUE2);
	cr_assert_eq(kd_le32(p->body + 8), KD_DBG_CONTINUE);
	cr_assert_eq(kd_le32(p->body + 16), KD_DBG_CONTINUE);
	cr_assert_eq(kd_le32(p->body + 20), 0, "TraceFlag");
	cr_assert_eq(kd_le64(p->body + 24), 0x400, "Dr7");
	cr_assert_eq(kd_le64(p->body + 32), 1, "CurrentSymbolStart");
	send_control(&g, KD_TYPE_ACKNOWLEDGE, 0x80000002u);
	load(&g, "hal.dll");		/* version known: continue at once */
	cr_assert_eq(api_of(out(&g, 1, KD_TYPE_STATE_MANIPULATE)),
		     KD_API_CONTINUE2);
}

Test(kd_engine, a_retransmission_is_acknowledged_not_answered_twice)
{
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	g.e.have_version = true;
	load(&g, "pci.sys");
	cr_assert_eq(g.o.n, 2);
	send_data(&g, KD_TYPE_STATE_CHANGE64, KD_STATE_LEN + 8, true);
	cr_assert_eq(g.o.n, 1);
	cr_assert_eq(out(&g, 0, KD_TYPE_ACKNOWLEDGE)->id, 2);
	cr_assert_eq(g.o.note.kind, KD_NOTE_NONE);
}

Test(kd_engine, int3_break_moves_rip_past_it_then_continues_handled)
{
	uint8_t ctx[KD_CONTEXT_LEN] = { 0 };
	const struct kd_out_packet *p;
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	g.e.have_version = true;
	exception(&g, KD_STATUS_BREAKPOINT, KD_INT3);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(api_of(p), KD_API_GET_CONTEXT);
	cr_assert_eq(kd_le32(p->body + 20), KD_CONTEXT_LEN, "as frame 384");
	kd_put_le64(ctx + KD_CONTEXT_RIP, 0x9cf07e);
	reply(&g, KD_API_GET_CONTEXT, ctx, sizeof(ctx));
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(api_of(p), KD_API_SET_CONTEXT);
	cr_assert_eq(p->len, KD_MANIP_LEN + KD_CONTEXT_LEN);
	cr_assert_eq(kd_le64(p->body + KD_MANIP_LEN + KD_CONTEXT_RIP), 0x9cf07f,
		     "RIP + 1, as WinDbg in frame 942");
	reply(&g, KD_API_SET_CONTEXT, NULL, 0);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(api_of(p), KD_API_CONTINUE2);
	cr_assert_eq(kd_le32(p->body + 16), KD_DBG_EXCEPTION_HANDLED);
}

Test(kd_engine, hold_leaves_the_guest_stopped)
{
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_HOLD, false);
	connected(&g);
	g.e.have_version = true;
	exception(&g, KD_STATUS_ASSERTION, 0xcd);
	cr_assert_eq(g.o.event, KD_ENG_HELD);
	cr_assert_eq(g.o.n, 1, "only the acknowledgement");
	load(&g, "late.sys");		/* nothing more is answered */
	cr_assert_eq(g.o.n, 1);
}

Test(kd_engine, bugcheck_text_makes_the_break_a_bugcheck)
{
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	g.e.have_version = true;
	print(&g, "\n*** Fatal System Error: 0x000000d1\n                       "
	      "(0x0000000000000000,0x0000000000000002,0x0000000000000000,"
	      "0xFFFFF80312345678)\n\n");
	cr_assert_eq(g.o.n, 1);
	exception(&g, KD_STATUS_BREAKPOINT, KD_INT3);
	cr_assert_eq(g.o.event, KD_ENG_BUGCHECK);
	cr_assert(g.o.bugcheck_seen);
	cr_assert_eq(g.o.bugcheck.code, 0xd1);
	cr_assert_eq(g.o.bugcheck.param[3], 0xfffff80312345678ull);
	cr_assert_eq(api_of(out(&g, 1, KD_TYPE_STATE_MANIPULATE)),
		     KD_API_GET_CONTEXT);
}

Test(kd_engine, other_exceptions_are_not_handled_unload_all_gets_continue)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
				      .unload = true, .base = UINT64_MAX };
	struct guest g;
	const struct kd_out_packet *p;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	g.e.have_version = true;
	exception(&g, 0xc0000005, 0x48);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(kd_le32(p->body + 16), KD_DBG_NOT_HANDLED);
	state(&g, &sc);
	p = out(&g, 1, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(api_of(p), KD_API_CONTINUE, "0x3136, as frame 954");
	cr_assert_eq(kd_le32(p->body + 16), KD_DBG_CONTINUE);
}

Test(kd_engine, file_io_and_prompt_are_answered)
{
	struct kd_file_io f = { .api = KD_API_CREATE_FILE };
	const struct kd_out_packet *p;
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	send_data(&g, KD_TYPE_FILE_IO, kd_file_io_build(&f, "\\x.sys", g.body,
		  sizeof(g.body)), false);
	p = out(&g, 1, KD_TYPE_FILE_IO);
	cr_assert_eq(p->len, KD_FILE_IO_LEN);
	cr_assert_eq(kd_le32(p->body), KD_API_CREATE_FILE);
	cr_assert_eq(kd_le32(p->body + 4), KD_STATUS_NO_SUCH_FILE);
	send_data(&g, KD_TYPE_DEBUG_IO, kd_debug_io_build(KD_API_GET_STRING,
		  "Break, Ignore? ", 64, g.body, sizeof(g.body)), false);
	p = out(&g, 1, KD_TYPE_DEBUG_IO);
	cr_assert_eq(kd_le32(p->body), KD_API_GET_STRING);
	cr_assert_eq(p->len, KD_DEBUG_IO_LEN, "an empty answer");
}

Test(kd_engine, resend_timer_and_reset)
{
	struct guest g;
	uint64_t due;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, false);
	connected(&g);
	load(&g, "ntoskrnl.exe");	/* GetVersion 0x80000000 pending */
	due = kd_engine_deadline(&g.e);
	cr_assert_eq(due, g.now + KD_ENGINE_RESEND_NS);
	cr_assert_eq(kd_engine_timer(&g.e, due - 1, &g.o), due);
	cr_assert_eq(g.o.n, 0);
	kd_engine_timer(&g.e, due, &g.o);
	cr_assert_eq(out(&g, 0, KD_TYPE_STATE_MANIPULATE)->id, 0x80000000u);
	send_control(&g, KD_TYPE_RESEND, 0);
	cr_assert_eq(out(&g, 0, KD_TYPE_STATE_MANIPULATE)->id, 0x80000000u);
	send_control(&g, KD_TYPE_RESET, 0);
	out(&g, 0, KD_TYPE_RESET);
	cr_assert_eq(out(&g, 1, KD_TYPE_STATE_MANIPULATE)->id, 0x80000000u);
	send_control(&g, KD_TYPE_ACKNOWLEDGE, 0x80000000u);
	cr_assert_eq(kd_engine_deadline(&g.e), UINT64_MAX);
}

Test(kd_engine, ack_only_never_continues)
{
	struct guest g;

	start(&g, KD_MODE_ACK_ONLY, KD_BREAK_CONTINUE, false);
	connected(&g);
	load(&g, "ntoskrnl.exe");
	cr_assert_eq(g.o.n, 1);
	out(&g, 0, KD_TYPE_ACKNOWLEDGE);
	cr_assert_eq(g.o.note.kind, KD_NOTE_LOAD, "still says what it heard");
}

Test(kd_engine, serial_ids_toggle_and_no_first_resend)
{
	struct guest g;

	start(&g, KD_MODE_CONTINUE, KD_BREAK_CONTINUE, true);
	load(&g, "ntoskrnl.exe");
	out(&g, 0, KD_TYPE_ACKNOWLEDGE);
	cr_assert_eq(out(&g, 1, KD_TYPE_STATE_MANIPULATE)->id, 0x80800000u);
	reply(&g, KD_API_GET_VERSION, NULL, 0);
	cr_assert_eq(out(&g, 1, KD_TYPE_STATE_MANIPULATE)->id, 0x80800001u);
	send_control(&g, KD_TYPE_RESET, 0);
	cr_assert_eq(out(&g, 0, KD_TYPE_STATE_MANIPULATE)->id, 0x80800000u,
		     "no RESET of ours on serial: the transport answers");
}
