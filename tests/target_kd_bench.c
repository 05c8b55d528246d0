// SPDX-License-Identifier: GPL-2.0-or-later
/* target_kd_bench.c - the test bench of target_kd_bench.h */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "target_kd_bench.h"

static void rec(void *opaque, uint32_t leader, uint16_t type, uint32_t id,
		const uint8_t *body, uint16_t len)
{
	struct bench *b = opaque;
	struct sent *p;

	cr_assert_lt(b->n, MAX_SENT);
	p = &b->s[b->n++];
	*p = (struct sent){ leader, type, id, len, { 0 }, ns_loop_now(b->l) };
	if (len)
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

void bench_up(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	b->s = calloc(MAX_SENT, sizeof(*b->s));
	b->l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	target_config_default(&b->cfg);
	b->cfg.kd.n_drivers = 0;
	b->cfg.kd.drivers[0] = '\0';
	b->dbg_id = DBG_ID;
}

void start(struct bench *b, bool loads)
{
	static const struct target_kd_ops ops = { on_boot_done, on_halted, NULL };
	struct target_kd_link link = { rec, 0, 2, false };

	b->kd = target_kd_new(b->l, &b->cfg, &ops, b);
	cr_assert(b->kd);
	target_kd_start(b->kd, &link, 0, loads);
}

void run(struct bench *b, uint64_t ns)
{
	ns_loop_run(b->l, ns_loop_now(b->l) + ns);
}

void bench_down(struct bench *b)
{
	target_kd_free(b->kd);
	ns_loop_free(b->l);
	free(b->s);
}

/* The last data packet sent, and how many were */
const struct sent *last_data(const struct bench *b, size_t *count)
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

size_t data_count(const struct bench *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->s[i].leader == KD_LEADER_DATA;
	return n;
}

void feed(struct bench *b, uint32_t leader, uint16_t type, uint32_t id,
	  const uint8_t *body, uint16_t len)
{
	struct kd_packet p = { .leader = leader, .type = type, .id = id,
			       .count = len, .data = body, .checksum_ok = true };

	target_kd_input(b->kd, &p);
}

void ctl(struct bench *b, uint16_t type, uint32_t id)
{
	feed(b, KD_LEADER_CONTROL, type, id, NULL, 0);
}

void ack_last(struct bench *b)
{
	size_t n;

	ctl(b, KD_TYPE_ACKNOWLEDGE, last_data(b, &n)->id);
}

/* A manipulate request with a new id (again: the id of the one before) */
void manip(struct bench *b, uint32_t api, const uint8_t *data,
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

void cont(struct bench *b)
{
	manip(b, KD_API_CONTINUE2, NULL, 0, false);
}

struct kd_state_change state_of(const struct sent *p)
{
	struct kd_state_change sc;

	cr_assert_eq(p->type, KD_TYPE_STATE_CHANGE64);
	cr_assert_eq(kd_state_change_parse(p->body, p->len, &sc), 0);
	return sc;
}

struct kd_state_change last_state(const struct bench *b)
{
	size_t n;

	return state_of(last_data(b, &n));
}

