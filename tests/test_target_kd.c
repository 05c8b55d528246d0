// SPDX-License-Identifier: GPL-2.0-or-later
/* test_target_kd.c - the debuggee's KD after connecting, driven directly:
 * packets fed in as a debugger would send them, what it sends checked
 * byte by byte (load symbols and their waits, resends, RESET, the
 * manipulate requests; breaks, a bugcheck, .kdfiles and DbgPrint are in
 * test_target_kd_events.c) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "target_kd_bench.h"

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

/* A request sent again (our ACK lost) says nothing of our reply, which
 * may be lost too: kdcom ACKs it again and keeps resending the reply.
 * Taking it as the reply's ACK left both sides waiting (lossy-link). */
Test(target_kd, a_request_sent_again_leaves_our_reply_in_flight)
{
	struct bench b;
	size_t n;

	bench_up(&b);
	start(&b, true);
	run(&b, NS_PER_MS);
	ack_last(&b);
	manip(&b, KD_API_GET_VERSION, NULL, 0, false);
	cr_assert_eq(last_data(&b, &n)->id, 4, "the reply (lost)");
	manip(&b, KD_API_GET_VERSION, NULL, 0, true);
	cr_assert_eq(b.s[b.n - 1].leader, KD_LEADER_CONTROL);
	cr_assert_eq(b.s[b.n - 1].type, KD_TYPE_ACKNOWLEDGE, "not KD_RESEND");
	cr_assert_eq(b.s[b.n - 1].id, DBG_ID);
	run(&b, NS_PER_S);
	cr_assert_eq(last_data(&b, &n)->id, 4, "the reply again");
	cr_assert_eq(n, 3);
	cr_assert_eq(last_data(&b, &n)->type, KD_TYPE_STATE_MANIPULATE);
	ack_last(&b);
	cont(&b);
	run(&b, 10 * NS_PER_MS);
	cr_assert_str_eq(last_state(&b).name, "\\SystemRoot\\system32\\hal.dll");
	bench_down(&b);
}

/* Until the debugger moves RIP past the int3, a continue breaks again */
