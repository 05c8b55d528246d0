// SPDX-License-Identifier: GPL-2.0-or-later
/* test_target_kd_lossy.c - the debuggee's KD (target_kd.c) and the
 * debugger's engine (kd_engine.c) talking to each other over a link that
 * loses what a script says: either side's resend rules alone can look
 * right while the pair still deadlocks, so they are tried together.
 * Virtual time, no network: deterministic for a given loss pattern. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kdh/debugger/kd_engine.h"
#include "target_kd_bench.h"

#define QUEUE_MAX	64
#define STEP_NS		(10 * NS_PER_MS)

/* One packet on the wire, either way */
struct wire {
	bool to_debugger;
	uint32_t leader;
	uint16_t type;
	uint32_t id;
	uint16_t len;
	uint8_t body[KD_ENGINE_BODY_MAX];
};

struct pair {
	struct bench b;		/* the loop, the debuggee and its config */
	struct kd_engine e;
	struct wire q[QUEUE_MAX];
	size_t head, tail;
	/* the loss script: a seeded pattern, or a drop list */
	uint64_t rng;
	unsigned loss_pct;
	bool (*drop)(struct pair *pr, const struct wire *w);
	unsigned manip_from_guest, acks_of_first_request;
};

static bool lost(struct pair *pr, const struct wire *w)
{
	if (pr->drop)
		return pr->drop(pr, w);
	pr->rng = pr->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(pr->rng >> 33) % 100 < pr->loss_pct;
}

static void put(struct pair *pr, bool to_debugger, uint32_t leader,
		uint16_t type, uint32_t id, const uint8_t *body, uint16_t len)
{
	struct wire *w = &pr->q[pr->tail % QUEUE_MAX];

	cr_assert_lt(pr->tail - pr->head, QUEUE_MAX, "the queue overflowed");
	cr_assert_leq(len, sizeof(w->body));
	*w = (struct wire){ to_debugger, leader, type, id, len, { 0 } };
	if (len)
		memcpy(w->body, body, len);
	if (!lost(pr, w))
		pr->tail++;
}

/* target_kd's link: what the debuggee sends goes on the wire */
static void guest_send(void *opaque, uint32_t leader, uint16_t type,
		       uint32_t id, const uint8_t *body, uint16_t len)
{
	put(opaque, true, leader, type, id, body, len);
}

static void engine_sent(struct pair *pr, const struct kd_engine_out *o)
{
	for (size_t i = 0; i < o->n; i++)
		put(pr, false, o->pkt[i].leader, o->pkt[i].type, o->pkt[i].id,
		    o->pkt[i].body, o->pkt[i].len);
}

/* Deliver what is on the wire, and what that brings about, at once */
static void pump(struct pair *pr)
{
	struct kd_engine_out o;

	while (pr->head != pr->tail) {
		struct wire w = pr->q[pr->head++ % QUEUE_MAX];
		struct kd_packet p = { .leader = w.leader, .type = w.type,
			.id = w.id, .count = w.len, .data = w.body,
			.checksum_ok = true };

		if (w.to_debugger) {
			kd_engine_input(&pr->e, &p, ns_loop_now(pr->b.l), &o);
			engine_sent(pr, &o);
		} else {
			target_kd_input(pr->b.kd, &p);
		}
	}
}

static void on_boot_done(void *opaque)
{
	((struct pair *)opaque)->b.boot_done = true;
}

static void pair_up(struct pair *pr, unsigned drivers)
{
	static const struct target_kd_ops ops = { on_boot_done, NULL, NULL };
	static const struct kd_engine_cfg ecfg = { KD_MODE_CONTINUE,
						   KD_BREAK_CONTINUE, false };
	struct target_kd_link link = { guest_send, 0, 2, false };

	memset(pr, 0, sizeof(*pr));
	bench_up(&pr->b);
	pr->b.cfg.kd.n_drivers = drivers;
	kd_engine_init(&pr->e, &ecfg);
	pr->b.kd = target_kd_new(pr->b.l, &pr->b.cfg, &ops, pr);
	cr_assert(pr->b.kd);
	target_kd_start(pr->b.kd, &link, 0, true);
}

/* Both sides' timers in steps; true when the guest played its script out */
static bool run_pair(struct pair *pr, uint64_t limit_ns)
{
	struct kd_engine_out o;

	while (ns_loop_now(pr->b.l) < limit_ns) {
		pump(pr);
		if (target_kd_finished(pr->b.kd))
			return true;
		run(&pr->b, STEP_NS);
		if (kd_engine_deadline(&pr->e) <= ns_loop_now(pr->b.l)) {
			kd_engine_timer(&pr->e, ns_loop_now(pr->b.l), &o);
			engine_sent(pr, &o);
		}
	}
	return false;
}

static void pair_down(struct pair *pr)
{
	bench_down(&pr->b);
}

/* lossy-link seed 26: the guest's ACK of GetVersion and its reply (and,
 * to be sure of the timers' order, the reply's first resend) are lost.
 * The debugger sends GetVersion again; the guest must not take that as
 * the ACK of its reply, or each side waits for the other for good. */
static bool seed26_drop(struct pair *pr, const struct wire *w)
{
	if (!w->to_debugger)
		return false;
	if (w->leader == KD_LEADER_CONTROL && w->type == KD_TYPE_ACKNOWLEDGE &&
	    w->id == DBG_ID)
		return pr->acks_of_first_request++ == 0;
	if (w->leader == KD_LEADER_DATA && w->type == KD_TYPE_STATE_MANIPULATE)
		return pr->manip_from_guest++ < 2;
	return false;
}

Test(target_kd_lossy, a_request_sent_again_does_not_acknowledge_the_reply)
{
	struct pair pr;

	pair_up(&pr, 3);
	pr.drop = seed26_drop;
	cr_assert(run_pair(&pr, 120 * NS_PER_S), "the boot went on");
	cr_assert_eq(pr.manip_from_guest, 3, "the reply went until it got in");
	cr_assert(pr.e.have_version, "the debugger has the reply");
	cr_assert(pr.b.boot_done);
	pair_down(&pr);
}

/* 20 % loss each way, as the lossy-link scenario: every pattern of many
 * must end with the boot played out, the sides never both waiting */
Test(target_kd_lossy, twenty_percent_loss_each_way_never_deadlocks)
{
	for (uint64_t seed = 1; seed <= 300; seed++) {
		struct pair pr;

		pair_up(&pr, 3);
		pr.rng = seed;
		pr.loss_pct = 20;
		cr_assert(run_pair(&pr, 600 * NS_PER_S),
			  "loss pattern %llu: stalled",
			  (unsigned long long)seed);
		pair_down(&pr);
	}
}
