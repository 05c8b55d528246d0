// SPDX-License-Identifier: GPL-2.0-or-later
/* test_target_kd.c - the debuggee's KD after connecting, driven directly:
 * packets fed in as a debugger would send them, what it sends checked
 * byte by byte (load symbols and their waits, resends, RESET, the
 * manipulate requests, int3 repeats, a bugcheck, .kdfiles, DbgPrint) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness/target_priv.h"
#include "kdh/kd_api.h"

#define MAX_SENT	512
#define KEEP		512	/* body bytes kept per packet */
#define DBG_ID		0x80000000u

struct sent {
	uint32_t leader;
	uint16_t type;
	uint32_t id;
	uint16_t len;
	uint8_t body[KEEP];
	uint64_t at;
};

struct bench {
	struct ns_loop *l;
	struct target_config cfg;
	struct target_kd *kd;
	struct sent *s;
	size_t n;
	bool boot_done, halted;
	bool sync_ack;			/* ACK each data packet inside send() */
	uint32_t dbg_id;		/* the debugger's next: 0x80000000 + 2n */
};

static void ctl(struct bench *b, uint16_t type, uint32_t id);

static void rec(void *opaque, uint32_t leader, uint16_t type, uint32_t id,
		const uint8_t *body, uint16_t len)
{
	struct bench *b = opaque;
	struct sent *p;

	cr_assert_lt(b->n, MAX_SENT);
	p = &b->s[b->n++];
	*p = (struct sent){ leader, type, id, len, { 0 }, ns_loop_now(b->l) };
	memcpy(p->body, body, len < KEEP ? len : KEEP);
	if (b->sync_ack && leader == KD_LEADER_DATA)
		ctl(b, KD_TYPE_ACKNOWLEDGE, id);	/* as an in-process net */
}

static void on_boot_done(void *opaque)
{
	((struct bench *)opaque)->boot_done = true;
}

static void on_halted(void *opaque)
{
	((struct bench *)opaque)->halted = true;
}

static void bench_up(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	b->s = calloc(MAX_SENT, sizeof(*b->s));
	b->l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	target_config_default(&b->cfg);
	b->cfg.kd.n_drivers = 0;
	b->cfg.kd.drivers[0] = '\0';
	b->dbg_id = DBG_ID;
}

static void start(struct bench *b, bool loads)
{
	static const struct target_kd_ops ops = { on_boot_done, on_halted, NULL };
	struct target_kd_link link = { rec, 0, 2, false };

	b->kd = target_kd_new(b->l, &b->cfg, &ops, b);
	cr_assert(b->kd);
	target_kd_start(b->kd, &link, 0, loads);
}

static void run(struct bench *b, uint64_t ns)
{
	ns_loop_run(b->l, ns_loop_now(b->l) + ns);
}

static void bench_down(struct bench *b)
{
	target_kd_free(b->kd);
	ns_loop_free(b->l);
	free(b->s);
}

/* The last data packet sent, and how many were */
static const struct sent *last_data(const struct bench *b, size_t *count)
{
	const struct sent *last = NULL;

	*count = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->s[i].leader == KD_LEADER_DATA) {
			last = &b->s[i];
			++*count;
		}
	cr_assert(last, "a data packet was sent");
	return last;
}

static size_t data_count(const struct bench *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->s[i].leader == KD_LEADER_DATA;
	return n;
}

static void feed(struct bench *b, uint32_t leader, uint16_t type, uint32_t id,
		 const uint8_t *body, uint16_t len)
{
	struct kd_packet p = { .leader = leader, .type = type, .id = id,
			       .count = len, .data = body, .checksum_ok = true };

	target_kd_input(b->kd, &p);
}

static void ctl(struct bench *b, uint16_t type, uint32_t id)
{
	feed(b, KD_LEADER_CONTROL, type, id, NULL, 0);
}

static void ack_last(struct bench *b)
{
	size_t n;

	ctl(b, KD_TYPE_ACKNOWLEDGE, last_data(b, &n)->id);
}

/* A manipulate request with a new id (again: the id of the one before) */
static void manip(struct bench *b, uint32_t api, const uint8_t *data,
		  size_t data_len, bool again)
{
	struct kd_manip m = { .api = api, .status = 0x103 };
	uint8_t body[KD_MANIP_LEN + KD_CONTEXT_LEN];
	int n = kd_manip_build(&m, data, data_len, body, sizeof(body));

	cr_assert_gt(n, 0);
	if (!again)
		b->dbg_id += 2;
	feed(b, KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE, b->dbg_id - 2, body,
	     (uint16_t)n);
}

static void cont(struct bench *b)
{
	manip(b, KD_API_CONTINUE2, NULL, 0, false);
}

static struct kd_state_change state_of(const struct sent *p)
{
	struct kd_state_change sc;

	cr_assert_eq(p->type, KD_TYPE_STATE_CHANGE64);
	cr_assert_eq(kd_state_change_parse(p->body, p->len, &sc), 0);
	return sc;
}

static struct kd_state_change last_state(const struct bench *b)
{
	size_t n;

	return state_of(last_data(b, &n));
}

Test(target_kd, loads_nt_hal_and_each_driver_waiting_for_a_continue)
{
	static const char *const names[] = {
		"\\SystemRoot\\system32\\ntoskrnl.exe",
		"\\SystemRoot\\system32\\hal.dll",
		"\\SystemRoot\\system32\\drivers\\drv001.sys",
		"\\SystemRoot\\system32\\drivers\\drv002.sys",
		"\\SystemRoot\\system32\\drivers\\drv003.sys" };
	struct kd_state_change sc;
	struct bench b;

	bench_up(&b);
	b.cfg.kd.n_drivers = 3;
	start(&b, true);
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = ns_loop_now(b.l);

		run(&b, 10 * NS_PER_MS);
		cr_assert_eq(data_count(&b), (size_t)i + 1, "image %d", i);
		sc = last_state(&b);
		cr_assert_eq(sc.new_state, KD_STATE_LOAD_SYMBOLS);
		cr_assert_str_eq(sc.name, names[i]);
		cr_assert_not(sc.unload);
		cr_assert_neq(sc.base, 0);
		cr_assert_neq(sc.size, 0);
		cr_assert_neq(sc.checksum, 0);
		cr_assert_geq(sc.pc, 0xfffff80000000000ull, "in the kernel");
		cr_assert_geq(sc.thread, 0xfffff80000000000ull);
		cr_assert_eq(b.s[b.n - 1].len, KD_STATE_LEN + strlen(names[i]) + 1);
		cr_assert_eq(b.s[b.n - 1].id, 2u + 2u * (unsigned)i, "ids 2, 4, ...");
		cr_assert_eq(b.s[b.n - 1].at, i ? t0 + 2 * NS_PER_MS : t0,
			     "timing.driver_load after the continue");
		ack_last(&b);
		run(&b, 60 * NS_PER_S);
		cr_assert_eq(data_count(&b), (size_t)i + 1, "it waits, silent");
		cr_assert_eq(b.boot_done, false);
		cr_assert_not(target_kd_finished(b.kd));
		cont(&b);
		cr_assert_eq(b.s[b.n - 1].type, KD_TYPE_ACKNOWLEDGE);
		cr_assert_eq(b.s[b.n - 1].id, b.dbg_id - 2, "the continue ACKed");
	}
	cr_assert(b.boot_done, "the OS may start after the last driver");
	run(&b, NS_PER_S);
	cr_assert(target_kd_finished(b.kd));
	cr_assert_eq(data_count(&b), 5);
	bench_down(&b);
}

Test(target_kd, ack_only_debugger_leaves_it_waiting_for_good)
{
	struct bench b;

	bench_up(&b);
	start(&b, true);
	run(&b, NS_PER_MS);
	ack_last(&b);
	run(&b, 3600 * NS_PER_S);
	cr_assert_eq(data_count(&b), 1, "nt's load symbols, once");
	cr_assert_not(b.boot_done);
	cr_assert_not(target_kd_finished(b.kd));
	bench_down(&b);
}

/* In the simulator the debugger's ACK comes back while send() runs */
Test(target_kd, an_ack_within_send_stops_the_resends_too)
{
	struct bench b;

	bench_up(&b);
	b.sync_ack = true;
	b.cfg.kd.has_break = true;
	start(&b, false);
	run(&b, 3600 * NS_PER_S);
	cr_assert_eq(data_count(&b), 1, "one break, acknowledged, held");
	cr_assert_not(target_kd_finished(b.kd));
	bench_down(&b);
}

Test(target_kd, resent_each_second_and_at_once_on_resend)
{
	struct bench b;
	size_t n;

	bench_up(&b);
	start(&b, true);
	run(&b, 3500 * NS_PER_MS);
	cr_assert_eq(data_count(&b), 4, "at 0, 1, 2, 3 s");
	for (size_t i = 0; i < b.n; i++)
		cr_assert_eq(b.s[i].id, 2, "a retransmission keeps its id");
	ctl(&b, KD_TYPE_RESEND, 0);
	cr_assert_eq(data_count(&b), 5, "KD_RESEND: at once");
	cr_assert_eq(last_data(&b, &n)->id, 2);
	ack_last(&b);
	run(&b, 10 * NS_PER_S);
	cr_assert_eq(data_count(&b), 5, "acknowledged: no more");
	/* KdpSendWaitContinue: a RESEND while it waits sends the state
	 * change again, as a new packet */
	ctl(&b, KD_TYPE_RESEND, 0);
	cr_assert_eq(data_count(&b), 6);
	cr_assert_eq(last_data(&b, &n)->id, 4);
	cr_assert_eq(last_state(&b).new_state, KD_STATE_LOAD_SYMBOLS);
	bench_down(&b);
}

Test(target_kd, reset_restarts_the_ids_answers_and_resends)
{
	struct bench b;
	size_t n;

	bench_up(&b);
	start(&b, true);
	run(&b, NS_PER_MS);
	cr_assert_eq(last_data(&b, &n)->id, 2);
	ctl(&b, KD_TYPE_RESET, 0);
	cr_assert_eq(b.s[b.n - 2].leader, KD_LEADER_CONTROL);
	cr_assert_eq(b.s[b.n - 2].type, KD_TYPE_RESET, "answered with a RESET");
	cr_assert_eq(b.s[b.n - 1].id, 0, "the pending packet, first id");
	cr_assert_eq(last_state(&b).new_state, KD_STATE_LOAD_SYMBOLS);
	n = b.n;
	ctl(&b, KD_TYPE_RESET, 0);	/* the debugger answering ours */
	cr_assert_eq(b.s[n].leader, KD_LEADER_DATA, "no RESET ping-pong");
	ack_last(&b);
	cont(&b);
	run(&b, 10 * NS_PER_MS);
	cr_assert_eq(last_data(&b, &n)->id, 2, "then 2 again");
	cr_assert_str_eq(last_state(&b).name, "\\SystemRoot\\system32\\hal.dll");
	bench_down(&b);
}

Test(target_kd, serves_get_version_get_and_set_context_while_waiting)
{
	uint8_t ctx[KD_CONTEXT_LEN] = { 0 };
	struct kd_state_change sc;
	const struct sent *p;
	struct kd_version v;
	struct kd_manip m;
	struct bench b;
	size_t n;

	bench_up(&b);
	b.cfg.windows_build = 22631;
	start(&b, true);
	run(&b, NS_PER_MS);
	sc = last_state(&b);
	ack_last(&b);
	manip(&b, KD_API_GET_VERSION, NULL, 0, false);
	p = last_data(&b, &n);
	cr_assert_eq(p->type, KD_TYPE_STATE_MANIPULATE);
	cr_assert_eq(kd_manip_parse(p->body, p->len, &m), 0);
	cr_assert_eq(m.status, KD_STATUS_SUCCESS);
	cr_assert_eq(kd_version_parse(&m, &v), 0);
	cr_assert_eq(v.major, 0x000f, "a kernel, not the boot debugger");
	cr_assert_eq(v.build, 22631);
	cr_assert_eq(v.protocol, 6);
	cr_assert_eq(v.machine, 0x8664);
	cr_assert_eq(v.kern_base, sc.base, "nt's base");
	cr_assert_gt(v.ps_loaded_module_list, v.kern_base);
	cr_assert_eq(v.debugger_data_list, 0);
	/* the same request again (its ACK lost): ACKed, not answered twice */
	ack_last(&b);
	manip(&b, KD_API_GET_VERSION, NULL, 0, true);
	cr_assert_eq(b.s[b.n - 1].type, KD_TYPE_ACKNOWLEDGE);
	cr_assert_eq(data_count(&b), 2);
	manip(&b, KD_API_GET_CONTEXT, NULL, 0, false);
	p = last_data(&b, &n);
	cr_assert_eq(p->len, KD_MANIP_LEN + KD_CONTEXT_LEN);
	cr_assert_eq(kd_le64(p->body + KD_MANIP_LEN + KD_CONTEXT_RIP), sc.pc);
	cr_assert_eq(kd_le64(p->body + KD_MANIP_LEN + KD_CONTEXT_RCX), 0);
	ack_last(&b);
	kd_put_le64(ctx + KD_CONTEXT_RIP, 0x1234);
	manip(&b, KD_API_SET_CONTEXT, ctx, sizeof(ctx), false);
	cr_assert_eq(kd_manip_parse(last_data(&b, &n)->body, KD_MANIP_LEN, &m), 0);
	cr_assert_eq(m.api, KD_API_SET_CONTEXT);
	cr_assert_eq(m.status, KD_STATUS_SUCCESS);
	ack_last(&b);
	manip(&b, KD_API_GET_CONTEXT, NULL, 0, false);
	cr_assert_eq(kd_le64(last_data(&b, &n)->body + KD_MANIP_LEN +
			     KD_CONTEXT_RIP), 0x1234, "SetContext took the RIP");
	ack_last(&b);
	manip(&b, KD_API_READ_VIRTUAL, NULL, 0, false);
	cr_assert_eq(kd_manip_parse(last_data(&b, &n)->body, KD_MANIP_LEN, &m), 0);
	cr_assert_eq(m.api, KD_API_READ_VIRTUAL);
	cr_assert_eq(m.status, KD_STATUS_UNSUCCESSFUL, "anything else fails");
	bench_down(&b);
}

Test(target_kd, a_request_while_ours_waits_for_its_ack_gets_resend)
{
	struct bench b;
	size_t n;

	bench_up(&b);
	start(&b, true);
	run(&b, NS_PER_MS);
	cont(&b);			/* the ACK of nt's state change was lost */
	cr_assert_eq(b.s[b.n - 1].leader, KD_LEADER_CONTROL);
	cr_assert_eq(b.s[b.n - 1].type, KD_TYPE_RESEND, "kddll: send it again");
	run(&b, 5 * NS_PER_S);
	cr_assert_eq(data_count(&b), 1, "ours counts as acknowledged");
	manip(&b, KD_API_CONTINUE2, NULL, 0, true);
	cr_assert_eq(b.s[b.n - 1].type, KD_TYPE_ACKNOWLEDGE);
	run(&b, 10 * NS_PER_MS);
	cr_assert_str_eq(last_state(&b).name, "\\SystemRoot\\system32\\hal.dll");
	cr_assert_eq(last_data(&b, &n)->id, 4);
	bench_down(&b);
}

/* Until the debugger moves RIP past the int3, a continue breaks again */
Test(target_kd, int3_breaks_again_until_rip_moves)
{
	uint8_t ctx[KD_CONTEXT_LEN];
	struct kd_state_change sc;
	struct bench b;

	bench_up(&b);
	b.cfg.kd.has_break = true;
	b.cfg.kd.break_ns = 10 * NS_PER_S;
	start(&b, false);
	run(&b, 9 * NS_PER_S);
	cr_assert_eq(b.n, 0, "nothing before its time");
	run(&b, 1500 * NS_PER_MS);
	sc = last_state(&b);
	cr_assert_eq(sc.new_state, KD_STATE_EXCEPTION);
	cr_assert_eq(sc.code, KD_STATUS_BREAKPOINT);
	cr_assert_eq(sc.istream[0], KD_INT3);
	cr_assert_eq(sc.address, sc.pc);
	cr_assert_eq(sc.first_chance, 1);
	for (int i = 0; i < 3; i++) {
		ack_last(&b);
		cont(&b);
		run(&b, NS_PER_MS);
		cr_assert_eq(data_count(&b), (size_t)i + 2, "again at once");
		cr_assert_eq(last_state(&b).pc, sc.pc);
	}
	ack_last(&b);
	manip(&b, KD_API_GET_CONTEXT, NULL, 0, false);
	ack_last(&b);
	memset(ctx, 0, sizeof(ctx));
	kd_put_le64(ctx + KD_CONTEXT_RIP, sc.pc + 1);
	manip(&b, KD_API_SET_CONTEXT, ctx, sizeof(ctx), false);
	ack_last(&b);
	cont(&b);
	run(&b, 60 * NS_PER_S);
	cr_assert_eq(data_count(&b), 6, "4 breaks, 2 replies: no more breaks");
	cr_assert(target_kd_finished(b.kd));
	bench_down(&b);
}

Test(target_kd, int3_repeats_are_capped)
{
	struct bench b;
	size_t n;

	bench_up(&b);
	b.cfg.kd.has_break = true;
	start(&b, false);
	run(&b, NS_PER_MS);
	for (int i = 0; i < 200 && !target_kd_finished(b.kd); i++) {
		ack_last(&b);
		cont(&b);
		run(&b, NS_PER_MS);
	}
	last_data(&b, &n);
	cr_assert_eq(n, 1 + 100, "the break and 100 repeats");
	cr_assert(target_kd_finished(b.kd));
	bench_down(&b);
}

Test(target_kd, assertion_is_int_2c_and_does_not_repeat)
{
	struct kd_state_change sc;
	struct bench b;

	bench_up(&b);
	b.cfg.kd.has_assert = true;
	start(&b, false);
	run(&b, NS_PER_MS);
	sc = last_state(&b);
	cr_assert_eq(sc.code, KD_STATUS_ASSERTION);
	cr_assert_eq(sc.istream[0], 0xcd);
	cr_assert_eq(sc.istream[1], 0x2c);
	ack_last(&b);
	cont(&b);
	run(&b, NS_PER_S);
	cr_assert_eq(data_count(&b), 1);
	cr_assert(target_kd_finished(b.kd));
	bench_down(&b);
}

Test(target_kd, bugcheck_prints_breaks_unloads_all_then_ends_the_boot)
{
	static const char text[] = "\n*** Fatal System Error: 0x000000d1\n"
		"                       (0xFFFFF80312345678,0x0000000000000002,"
		"0x0000000000000000,0xFFFFF8031234ABCD)\n\n";
	uint8_t ctx[KD_CONTEXT_LEN] = { 0 };
	struct kd_state_change sc;
	struct kd_debug_io io;
	struct kd_bugcheck bc;
	const struct sent *p;
	struct bench b;
	size_t n;

	bench_up(&b);
	b.cfg.kd.has_bugcheck = true;
	b.cfg.kd.bugcheck_ns = 30 * NS_PER_S;
	b.cfg.kd.bugcheck_code = 0xd1;
	b.cfg.kd.bugcheck_param[0] = 0xfffff80312345678ull;
	b.cfg.kd.bugcheck_param[1] = 2;
	b.cfg.kd.bugcheck_param[3] = 0xfffff8031234abcdull;
	start(&b, false);
	run(&b, 31 * NS_PER_S);
	p = last_data(&b, &n);
	cr_assert_eq(p->type, KD_TYPE_DEBUG_IO);
	cr_assert_eq(kd_debug_io_parse(p->body, p->len, &io), 0);
	cr_assert_eq(io.api, KD_API_PRINT_STRING);
	cr_assert_eq(io.text_len, strlen(text));
	cr_assert_eq(memcmp(io.text, text, io.text_len), 0, "the kernel's format");
	cr_assert(kd_bugcheck_parse(io.text, io.text_len, &bc));
	cr_assert_eq(bc.code, 0xd1);
	cr_assert_eq(bc.param[3], 0xfffff8031234abcdull);
	ack_last(&b);
	run(&b, NS_PER_MS);
	sc = last_state(&b);
	cr_assert_eq(sc.code, KD_STATUS_BREAKPOINT);
	cr_assert_eq(sc.n_params, 1);
	cr_assert_eq(sc.info[0], 0);
	cr_assert_eq(sc.first_chance, 1);
	cr_assert_eq(sc.istream[0], KD_INT3);
	ack_last(&b);
	manip(&b, KD_API_GET_CONTEXT, NULL, 0, false);
	cr_assert_eq(kd_le64(b.s[b.n - 1].body + KD_MANIP_LEN + KD_CONTEXT_RCX), 3,
		     "DBG_STATUS_BUGCHECK_FIRST");
	ack_last(&b);
	kd_put_le64(ctx + KD_CONTEXT_RIP, sc.pc + 1);
	manip(&b, KD_API_SET_CONTEXT, ctx, sizeof(ctx), false);
	ack_last(&b);
	cont(&b);
	run(&b, NS_PER_MS);
	p = last_data(&b, &n);
	sc = state_of(p);
	cr_assert_eq(p->len, KD_STATE_LEN, "no name");
	cr_assert_eq(sc.new_state, KD_STATE_LOAD_SYMBOLS);
	cr_assert(sc.unload);
	cr_assert_eq(sc.base, UINT64_MAX, "unload all");
	cr_assert_not(b.halted);
	ack_last(&b);
	manip(&b, KD_API_CONTINUE, NULL, 0, false);
	cr_assert(b.halted, "dump written, reboot: the boot ends");
	cr_assert(target_kd_halted(b.kd));
	cr_assert(target_kd_finished(b.kd));
	n = b.n;
	run(&b, 60 * NS_PER_S);
	cr_assert_eq(b.n, n, "silent");
	bench_down(&b);
}

Test(target_kd, kdfiles_asks_for_each_driver_and_waits_for_the_answer)
{
	struct kd_file_io f;
	const struct sent *p;
	struct bench b;
	size_t n;

	bench_up(&b);
	b.cfg.kd.kdfiles = true;
	b.cfg.kd.n_drivers = 1;
	snprintf(b.cfg.kd.drivers, sizeof(b.cfg.kd.drivers), "ACPI.sys");
	start(&b, true);
	for (int i = 0; i < 2; i++) {		/* nt and hal: no file asked */
		run(&b, 10 * NS_PER_MS);
		cr_assert_eq(last_state(&b).new_state, KD_STATE_LOAD_SYMBOLS);
		ack_last(&b);
		cont(&b);
	}
	run(&b, 10 * NS_PER_MS);
	p = last_data(&b, &n);
	cr_assert_eq(p->type, KD_TYPE_FILE_IO);
	cr_assert_eq(kd_file_io_parse(p->body, p->len, &f), 0);
	cr_assert_eq(f.api, KD_API_CREATE_FILE);
	cr_assert_str_eq(f.name, "\\SystemRoot\\system32\\drivers\\ACPI.sys");
	cr_assert_eq(p->len, KD_FILE_IO_LEN + 2 * (strlen(f.name) + 1),
		     "UTF-16, NUL-terminated");
	ack_last(&b);
	run(&b, 3500 * NS_PER_MS);
	last_data(&b, &n);
	cr_assert_eq(n, 3 + 3, "asked again each second, unanswered");
	cr_assert_not(b.boot_done);
	ack_last(&b);
	memcpy(f.raw, p->body, KD_FILE_IO_LEN);
	f.status = KD_STATUS_NO_SUCH_FILE;
	{
		uint8_t body[KD_FILE_IO_LEN];

		kd_file_io_build(&f, NULL, body, sizeof(body));
		feed(&b, KD_LEADER_DATA, KD_TYPE_FILE_IO, b.dbg_id, body,
		     sizeof(body));
	}
	run(&b, NS_PER_MS);
	cr_assert_str_eq(last_state(&b).name,
			 "\\SystemRoot\\system32\\drivers\\ACPI.sys");
	bench_down(&b);
}

Test(target_kd, dbgprint_at_its_time_but_never_while_stopped)
{
	struct kd_debug_io io;
	const struct sent *p;
	struct bench b;
	size_t n;

	bench_up(&b);
	b.cfg.kd.n_dbgprint = 1;
	b.cfg.kd.dbgprint[0].at_ns = 2 * NS_PER_S;
	snprintf(b.cfg.kd.dbgprint[0].text, TARGET_DBGPRINT_LEN, "hello kd");
	start(&b, true);
	run(&b, NS_PER_MS);
	ack_last(&b);			/* nt's load: stopped at it */
	run(&b, 10 * NS_PER_S);
	cr_assert_eq(data_count(&b), 1, "the print waits for the guest");
	cont(&b);
	run(&b, NS_PER_MS);
	p = last_data(&b, &n);
	cr_assert_eq(p->type, KD_TYPE_DEBUG_IO, "overdue: before hal");
	cr_assert_eq(kd_debug_io_parse(p->body, p->len, &io), 0);
	cr_assert_eq(io.text_len, 9);
	cr_assert_eq(memcmp(io.text, "hello kd\n", 9), 0);
	run(&b, 3500 * NS_PER_MS);
	last_data(&b, &n);
	cr_assert_eq(n, 1 + 4, "a print is sent until acknowledged");
	cr_assert_eq(b.s[b.n - 1].id, p->id, "with its id");
	ack_last(&b);
	run(&b, 10 * NS_PER_MS);
	cr_assert_str_eq(last_state(&b).name, "\\SystemRoot\\system32\\hal.dll");
	bench_down(&b);
}
