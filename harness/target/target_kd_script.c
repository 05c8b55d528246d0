// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kd_script.c - what the debuggee's kernel reports to a connected
 * debugger, and when: load symbols, DbgPrint, breaks, a bugcheck
 *
 * Theory of operation (kd-debugger.md section 1): the guest is one CPU
 * that either runs or waits (target_kd.c).  While it runs, the next
 * report is the earliest due of
 *   load symbols  nt (at once), hal, then each boot driver, each
 *                 timing.driver_load after the continue of the one
 *                 before; with kdfiles, a FILE_IO CreateFile for the
 *                 driver's file first, its load right after the answer
 *   dbgprint      at TIME after power-on, or once connected if later
 *   break         DbgBreakPoint's int3, exception 0x80000003
 *   assert        an int 2c, exception 0xC0000420
 *   bugcheck      the "*** Fatal System Error" print, then the break of
 *                 DbgBreakPointWithStatus(DBG_STATUS_BUGCHECK_FIRST)
 * (a tie goes to the load).  Nothing happens while the guest waits: a
 * print due then comes after the continue.  The last driver's continue
 * lets the OS start (boot_done).  An int3 continued without the debugger
 * moving RIP past it (SetContext) runs again at once: the same break,
 * up to TKD_INT3_REPEATS times, after which the model goes on as if it
 * had moved.  A bugcheck continued reports "unload all" (base ~0) and,
 * once that is continued, writes its dump and reboots: the model ends
 * the boot there (halted).
 */
#include <stdio.h>
#include <string.h>

#include "harness/target/target_kd_priv.h"

#define HAL_BASE	0xfffff8056f8f0000ull
#define HAL_SIZE	0x00006000u
#define DRIVER_BASE	0xfffff80574000000ull	/* then 1 MiB apart */
#define DRIVER_STRIDE	0x00100000ull
#define INITIAL_THREAD	(TKD_KERN_BASE + 0x00f49a40)	/* KiInitialThread */
#define PC_LOAD		(TKD_KERN_BASE + 0x0040c2f1)	/* after int 2d */
#define PC_BREAK	(TKD_KERN_BASE + 0x00417a40)	/* DbgBreakPoint */
#define PC_BREAK_STATUS	(TKD_KERN_BASE + 0x00417a50)	/* ...WithStatus */
#define PC_ASSERT	(TKD_KERN_BASE + 0x0052b1c7)	/* an NT_ASSERT */
#define CPU_FAMILY	6
#define DBG_STATUS_BUGCHECK_FIRST 3

static const char sysroot[] = "\\SystemRoot\\system32\\";

/* FNV-1a: image sizes and checksums that differ by name, reproducibly */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static struct kd_state_change state_of(uint32_t new_state, uint64_t pc)
{
	return (struct kd_state_change){ .new_state = new_state,
		.processor_level = CPU_FAMILY, .n_processors = 1,
		.thread = INITIAL_THREAD, .pc = pc };
}

static void state_report(struct target_kd *kd, const struct kd_state_change *sc)
{
	uint8_t body[KD_STATE_LEN + KD_NAME_MAX];

	kd->rip = sc->pc;
	tkd_report(kd, TKD_WAIT_CONTINUE, KD_TYPE_STATE_CHANGE64, body,
		   kd_state_change_build(sc, body, sizeof(body)));
}

/* Load symbols of image @i: 0 nt, 1 hal, 2... the boot drivers */
static void load_report(struct target_kd *kd, unsigned i)
{
	struct kd_state_change sc = state_of(KD_STATE_LOAD_SYMBOLS, PC_LOAD);
	char name[TARGET_DRIVER_NAME] = "";

	if (i == 0) {
		sc.base = TKD_KERN_BASE;
		sc.size = TKD_KERN_SIZE;
		snprintf(sc.name, sizeof(sc.name), "%sntoskrnl.exe", sysroot);
	} else if (i == 1) {
		sc.base = HAL_BASE;
		sc.size = HAL_SIZE;
		snprintf(sc.name, sizeof(sc.name), "%shal.dll", sysroot);
	} else {
		target_driver_name(&kd->cfg->kd, i - 2, name, sizeof(name));
		sc.base = DRIVER_BASE + (i - 2) * DRIVER_STRIDE;
		sc.size = 0x10000 + (name_hash(name) % 0x70) * 0x1000;
		snprintf(sc.name, sizeof(sc.name), "%sdrivers\\%s", sysroot, name);
	}
	sc.checksum = name_hash(sc.name) & 0x00ffffff;
	kd->rcx = 0;
	kd->int3_pc = 0;
	state_report(kd, &sc);
}

/* .kdfiles: CreateFile for boot driver @i's file (GENERIC_READ, normal
 * attributes, share read, FILE_OPEN, non-directory synchronous) */
static void file_report(struct target_kd *kd, unsigned i)
{
	struct kd_file_io f = { .api = KD_API_CREATE_FILE };
	uint8_t body[KD_FILE_IO_LEN + 2 * KD_NAME_MAX];
	char name[TARGET_DRIVER_NAME] = "", path[KD_NAME_MAX];

	target_driver_name(&kd->cfg->kd, i - 2, name, sizeof(name));
	snprintf(path, sizeof(path), "%sdrivers\\%s", sysroot, name);
	kd_put_le32(f.raw + 8, 0x80000000u);
	kd_put_le32(f.raw + 12, 0x80);
	kd_put_le32(f.raw + 16, 1);
	kd_put_le32(f.raw + 20, 1);
	kd_put_le32(f.raw + 24, 0x60);
	tkd_report(kd, TKD_WAIT_FILE, KD_TYPE_FILE_IO, body,
		   kd_file_io_build(&f, path, body, sizeof(body)));
}

static void print_report(struct target_kd *kd, const char *text)
{
	uint8_t body[KD_DEBUG_IO_LEN + 256];

	tkd_report(kd, TKD_WAIT_ACK, KD_TYPE_DEBUG_IO, body,
		   kd_debug_io_build(KD_API_PRINT_STRING, text, 0, body,
				     sizeof(body)));
}

/* An exception at @pc whose instruction stream starts with @op; a break
 * (0x80000003) has one parameter, BREAKPOINT_BREAK (0); RCX holds @rcx */
static void exception_report(struct target_kd *kd, uint32_t code, uint64_t pc,
			     const uint8_t op[16], uint64_t rcx)
{
	struct kd_state_change sc = state_of(KD_STATE_EXCEPTION, pc);

	sc.code = code;
	sc.address = pc;
	sc.n_params = code == KD_STATUS_BREAKPOINT;
	sc.first_chance = 1;
	sc.istream_len = 16;
	memcpy(sc.istream, op, 16);
	kd->rcx = rcx;
	kd->int3_pc = op[0] == KD_INT3 ? pc : 0;
	state_report(kd, &sc);
}

static void bugcheck_text(struct target_kd *kd)
{
	const struct target_kd_script *s = &kd->cfg->kd;
	char text[200];

	snprintf(text, sizeof(text), "\n*** Fatal System Error: 0x%08x\n"
		 "                       (0x%016llX,0x%016llX,0x%016llX,"
		 "0x%016llX)\n\n", s->bugcheck_code,
		 (unsigned long long)s->bugcheck_param[0],
		 (unsigned long long)s->bugcheck_param[1],
		 (unsigned long long)s->bugcheck_param[2],
		 (unsigned long long)s->bugcheck_param[3]);
	kd->bugcheck_started = true;
	tkd_log(kd, "bugcheck 0x%08x", s->bugcheck_code);
	print_report(kd, text);
}

static void unload_all(struct target_kd *kd)
{
	struct kd_state_change sc = state_of(KD_STATE_LOAD_SYMBOLS, PC_LOAD);

	sc.base = UINT64_MAX;
	sc.unload = true;
	kd->rcx = 0;
	kd->int3_pc = 0;
	state_report(kd, &sc);
}

static void perform(struct target_kd *kd, enum tkd_item item, unsigned idx)
{
	static const uint8_t int3[16] = { 0xcc, 0xc3, 0xcc, 0xcc, 0xcc, 0xcc,
		0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	static const uint8_t int2c[16] = { 0xcd, 0x2c, 0x48, 0x83, 0xc4, 0x28,
		0xc3, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	char line[TARGET_DBGPRINT_LEN + 1];

	kd->cur = item;
	kd->forced = TKD_NONE;
	switch (item) {
	case TKD_LOAD:	load_report(kd, kd->next_load); break;
	case TKD_FILE:	file_report(kd, kd->next_load); break;
	case TKD_PRINT:
		kd->cur_print = idx;
		snprintf(line, sizeof(line), "%s\n", kd->cfg->kd.dbgprint[idx].text);
		print_report(kd, line);
		break;
	case TKD_BREAK:
		exception_report(kd, KD_STATUS_BREAKPOINT, PC_BREAK, int3, 0);
		break;
	case TKD_ASSERT:
		exception_report(kd, KD_STATUS_ASSERTION, PC_ASSERT, int2c, 0);
		break;
	case TKD_BUG_TEXT:	bugcheck_text(kd); break;
	case TKD_BUG_BREAK:
		exception_report(kd, KD_STATUS_BREAKPOINT, PC_BREAK_STATUS, int3,
				 DBG_STATUS_BUGCHECK_FIRST);
		break;
	case TKD_UNLOAD_ALL:	unload_all(kd); break;
	case TKD_NONE:		break;
	}
}

struct next {
	enum tkd_item item;
	unsigned idx;
	uint64_t at;
};

/* A timed event at @at_ns after power-on: due then, or once connected */
static void consider(const struct target_kd *kd, struct next *n,
		     enum tkd_item item, unsigned idx, uint64_t at_ns)
{
	uint64_t at = kd->power_on_ns + at_ns;

	if (at < kd->started_ns)
		at = kd->started_ns;
	if (n->item == TKD_NONE || at < n->at)
		*n = (struct next){ item, idx, at };
}

/* The next report and when it is due; false when the script is over */
static bool next_of(const struct target_kd *kd, struct next *n)
{
	const struct target_kd_script *s = &kd->cfg->kd;

	*n = (struct next){ TKD_NONE, 0, 0 };
	if (kd->forced != TKD_NONE) {
		*n = (struct next){ kd->forced, 0, ns_loop_now(kd->loop) };
		return true;
	}
	if (kd->bugcheck_started)
		return false;		/* dying: nothing else happens */
	if (kd->next_load < kd->n_loads) {
		n->item = kd->next_load >= 2 && s->kdfiles ? TKD_FILE : TKD_LOAD;
		n->at = kd->next_load ? kd->resumed_ns +
			kd->cfg->timing.driver_load_ns : kd->started_ns;
	}
	for (unsigned i = 0; i < s->n_dbgprint; i++)
		if (!(kd->printed & (1u << i)))
			consider(kd, n, TKD_PRINT, i, s->dbgprint[i].at_ns);
	if (s->has_break && !kd->break_done)
		consider(kd, n, TKD_BREAK, 0, s->break_ns);
	if (s->has_assert && !kd->assert_done)
		consider(kd, n, TKD_ASSERT, 0, s->assert_ns);
	if (s->has_bugcheck)
		consider(kd, n, TKD_BUG_TEXT, 0, s->bugcheck_ns);
	return n->item != TKD_NONE;
}

static void schedule(struct target_kd *kd)
{
	uint64_t now = ns_loop_now(kd->loop);
	struct next n;

	if (next_of(kd, &n))
		ns_timer_mod(kd->step_timer, n.at > now ? n.at : now);
	else
		ns_timer_del(kd->step_timer);
}

/**
 * tkd_script_step() - timer: the guest runs and makes its next report
 * @opaque:	struct target_kd
 */
void tkd_script_step(void *opaque)
{
	struct target_kd *kd = opaque;
	struct next n;

	if (!kd->started || kd->halted || kd->wait != TKD_RUNNING ||
	    kd->pending || !next_of(kd, &n))
		return;
	if (n.at > ns_loop_now(kd->loop)) {
		ns_timer_mod(kd->step_timer, n.at);
		return;
	}
	perform(kd, n.item, n.idx);
}

/**
 * tkd_script_reset() - a debugger connected: the script from its start
 * @kd:		KD state (started_ns, power_on_ns set)
 * @loads:	report nt, hal and the boot drivers
 */
void tkd_script_reset(struct target_kd *kd, bool loads)
{
	kd->cur = kd->forced = TKD_NONE;
	kd->n_loads = loads ? 2 + kd->cfg->kd.n_drivers : 0;
	kd->next_load = 0;
	kd->printed = 0;
	kd->break_done = kd->assert_done = kd->bugcheck_started = false;
	kd->int3_pc = 0;
	kd->int3_repeats = 0;
	if (!loads)
		tkd_log(kd, "KD: the boot went on before the debugger came: no "
			"load symbols");
	schedule(kd);
}

/* Continued at an int3: again unless RIP moved past it (or the cap) */
static bool int3_again(struct target_kd *kd)
{
	if (!kd->int3_pc || kd->rip != kd->int3_pc) {
		kd->int3_repeats = 0;
		return false;
	}
	if (++kd->int3_repeats > TKD_INT3_REPEATS) {
		tkd_log(kd, "KD: continued %u times at the int3 without moving "
			"RIP; the model goes on", TKD_INT3_REPEATS + 1);
		kd->int3_repeats = 0;
		return false;
	}
	return true;
}

static void halt(struct target_kd *kd)
{
	kd->halted = true;
	ns_timer_del(kd->step_timer);
	ns_timer_del(kd->resend_timer);
	tkd_log(kd, "KD: bugcheck continued: the guest writes its dump and "
		"reboots; the model ends this boot here");
	if (kd->ops.halted)
		kd->ops.halted(kd->opaque);
}

/**
 * tkd_script_resumed() - the wait for the current report ended (continue,
 * acknowledgement, file answer): account for it, schedule the next
 * @kd:		KD state, running
 */
void tkd_script_resumed(struct target_kd *kd)
{
	switch (kd->cur) {
	case TKD_LOAD:
		if (++kd->next_load == kd->n_loads && kd->ops.boot_done)
			kd->ops.boot_done(kd->opaque);
		break;
	case TKD_FILE:		kd->forced = TKD_LOAD; break;
	case TKD_PRINT:		kd->printed |= 1u << kd->cur_print; break;
	case TKD_BREAK:
		if (int3_again(kd))
			kd->forced = TKD_BREAK;
		else
			kd->break_done = true;
		break;
	case TKD_ASSERT:	kd->assert_done = true; break;
	case TKD_BUG_TEXT:	kd->forced = TKD_BUG_BREAK; break;
	case TKD_BUG_BREAK:
		kd->forced = int3_again(kd) ? TKD_BUG_BREAK : TKD_UNLOAD_ALL;
		break;
	case TKD_UNLOAD_ALL:
		kd->cur = TKD_NONE;
		halt(kd);
		return;
	case TKD_NONE:		break;
	}
	kd->cur = TKD_NONE;
	schedule(kd);
}

/**
 * tkd_script_finished() - nothing left to report
 * @kd:		KD state
 *
 * Return: true when every load, print and break is done (a bugcheck is
 * done only once halted)
 */
bool tkd_script_finished(const struct target_kd *kd)
{
	struct next n;

	return kd->cur == TKD_NONE && !next_of(kd, &n) && !kd->bugcheck_started;
}
