// SPDX-License-Identifier: GPL-2.0-or-later
/* test_target_kd_events.c - the debuggee's timed KD events: int3 breaks
 * and their repeats, an assertion, a bugcheck, .kdfiles, DbgPrint */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "target_kd_bench.h"

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
