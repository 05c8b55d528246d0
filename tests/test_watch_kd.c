// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_kd.c - kdh watch on a guest's KD conversation: an ACK-only
 * debugger that never continues, a bugcheck, and the bundled WinDbg
 * capture (a break held 21 minutes), each a capture written here and fed
 * through the hidden --replay */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kd_synth.h"
#include "kdh/kdnet/kd_api.h"
#include "netsim/pcapng.h"
#include "watch_helpers.h"

struct cap {
	struct ns_pcapng *w;
	int iface;
};

static void emit(void *opaque, uint64_t t, const uint8_t *f, size_t len)
{
	struct cap *c = opaque;

	/* a wall-clock time of day: 2026-01-01 10:00:00 UTC */
	cr_assert_eq(ns_pcapng_packet(c->w, c->iface, 1767261600000000000ull + t,
				      f, len, NULL), 0);
}

static void cap_open(struct cap *c, struct kd_synth *k, const char *path)
{
	char err[256];

	c->w = ns_pcapng_open(path, err, sizeof(err));
	cr_assert(c->w, "%s", err);
	c->iface = ns_pcapng_iface(c->w, "tap100i0", LINKTYPE_ETHERNET);
	ks_init(k, emit, c);
}

static void cap_close(struct cap *c, struct kd_synth *k)
{
	cr_assert_eq(ns_pcapng_close(c->w), 0);
	ks_fini(k);
}

/* kdh watch --replay @path: its exit status must be @status */
static char *replay(const char *path, int status)
{
	const char *args[] = { "--replay", path, "--key", KS_KEY, NULL };
	char *out, *err;

	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &err), status, "%s%s", out, err);
	tw_same_as_analyze(out, path, KS_KEY);
	g_free(err);
	return out;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static void want_all(const char *out, const char *const *want)
{
	for (; *want; want++)
		cr_assert(strstr(out, *want), "no '%s' in:\n%s", *want, out);
}

Test(watch_kd, ack_only_debugger_stalls_the_guest)
{
	char *dir = tw_tmpdir(), *path = g_build_filename(dir, "c.pcapng", NULL);
	const char *want[] = {
		"+4.000s  the guest waits for the debugger to continue after load "
		"symbols ntoskrnl.exe since 3.0 s: the debugger at 192.168.2.1 "
		"acknowledges but never continues\n"
		"                    fix: use a debugger that continues (WinDbg, kdh "
		"listen) or `g` in WinDbg\n",
		"verdict: stalled on bc:24:11:00:00:10: the guest waits for the "
		"debugger to continue after load symbols ntoskrnl.exe since 12.4 s: "
		"the debugger at 192.168.2.1 acknowledges but never continues; "
		"1 problem told", NULL };
	struct kd_synth k;
	struct cap c;
	char *out;

	cap_open(&c, &k, path);
	ks_load_symbols(&k, KS_S(1), 2, "ntoskrnl.exe");
	ks_ack(&k, KS_S(1.001), true, 2);
	ks_frozen_until(&k, 1, 13.4);
	cap_close(&c, &k);
	out = replay(path, 1);
	want_all(out, want);
	cr_assert_eq(count(out, "fix: use a debugger that continues"), 1,
		     "told once:\n%s", out);
	test_rmtree(dir);
	g_free(out); g_free(path); g_free(dir);
}

Test(watch_kd, continued_is_no_stall)
{
	char *dir = tw_tmpdir(), *path = g_build_filename(dir, "c.pcapng", NULL);
	struct kd_synth k;
	struct cap c;
	char *out;

	cap_open(&c, &k, path);
	ks_load_symbols(&k, KS_S(1), 2, "ntoskrnl.exe");
	ks_ack(&k, KS_S(1.001), true, 2);
	ks_manip(&k, KS_S(1.002), KD_API_CONTINUE2, KD_DBG_CONTINUE);
	ks_frozen_until(&k, 1, 13.4);
	cap_close(&c, &k);
	out = replay(path, 0);
	cr_assert(!strstr(out, "waits for the debugger"), "%s", out);
	cr_assert(strstr(out, "verdict: connected on bc:24:11:00:00:10"), "%s", out);
	test_rmtree(dir);
	g_free(out); g_free(path); g_free(dir);
}

Test(watch_kd, bugcheck_told_with_its_numbers)
{
	char *dir = tw_tmpdir(), *path = g_build_filename(dir, "c.pcapng", NULL);
	const char *want[] = {
		"+2.000s  the guest bugchecked: 0x000000D1 (0x0, 0x2, 0x0, "
		"0xFFFFF80012345678)\n                    fix: the stop code and its "
		"parameters name the cause",
		"verdict: bugcheck on bc:24:11:00:00:10: bugcheck 0x000000D1 (0x0, "
		"0x2, 0x0, 0xFFFFF80012345678)", NULL };
	struct kd_synth k;
	struct cap c;
	char *out;

	cap_open(&c, &k, path);
	ks_load_symbols(&k, KS_S(1), 2, "ntoskrnl.exe");
	ks_manip(&k, KS_S(1.001), KD_API_CONTINUE2, KD_DBG_CONTINUE);
	ks_dbgprint(&k, KS_S(2), 4, "\n*** Fatal System Error: 0x000000d1\n"
		    "                       (0x0000000000000000,0x0000000000000002,"
		    "0x0000000000000000,0xFFFFF80012345678)\n\n");
	ks_exception(&k, KS_S(2.001), 6, KD_STATUS_BREAKPOINT,
		     0xfffff80012000000ull);
	ks_ack(&k, KS_S(2.002), true, 6);
	ks_frozen_until(&k, 2, 8);
	cap_close(&c, &k);
	out = replay(path, 1);
	want_all(out, want);
	test_rmtree(dir);
	g_free(out); g_free(path); g_free(dir);
}

/* WinDbg held winload's break 21 minutes: told as a stall while it lasted,
 * the boot library's fatal error too; the verdict is of the end:
 * connected, WinDbg continued */
Test(watch_kd, real_windbg_capture_break_and_boot_library_error)
{
	char *cap = test_data_path(REAL_CAPTURE), *out, *err;
	const char *args[] = { "--replay", cap, "--key", REAL_KEY, NULL };
	const char *want[] = {
		"+1.112s  winload's boot library gave up before the kernel ran: Fatal "
		"Error 0x00000001 (0x1, 0xFFFFF8017BC91A70, 0xFFFFF8017BC94540, "
		"0xFFFFFFFFC0430007)\n",
		"the guest waits for the debugger to continue after a breakpoint "
		"(0x80000003 at 0x9cf07e) since 3.0 s: the debugger at 192.168.2.1 "
		"answers but never continues\n",
		"verdict: connected on 80:fa:5b:23:29:23: debugger replied", NULL };

	tw_tz_utc();
	cr_assert_eq(tw_watch(args, &out, &err), 0, "%s%s", out, err);
	want_all(out, want);
	g_free(out); g_free(err); g_free(cap);
}
