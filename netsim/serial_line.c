// SPDX-License-Identifier: GPL-2.0-or-later
/* serial_line.c - a simulated null-modem cable between two serial ports
 *
 * Theory of operation: a UART sends one byte as a start bit, 8 data bits
 * and a stop bit (8N1), so a byte takes 10 / baud seconds.  Each direction
 * is a FIFO of chunks; a chunk sent while the line is busy starts when the
 * previous one ends, and arrives whole when its last bit has gone.  Bytes
 * are never lost or reordered: the line is a cable, faults are elsewhere.
 * Nobody listening at the far end is the owner's business (a powered-off
 * VM or a debugger not started yet ignores what arrives).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "netsim/serial_line.h"

struct chunk {
	uint64_t at_ns;			/* last bit received */
	size_t len;
	uint8_t data[];
};

struct direction {
	struct ns_serial *s;
	int from;
	GQueue q;			/* struct chunk *, in arrival order */
	uint64_t busy_until;
	struct ns_timer *timer;
};

struct ns_serial {
	struct ns_loop *loop;
	uint64_t byte_ns;
	struct ns_serial_ops ops;
	void *opaque;
	struct direction d[2];
};

/**
 * ns_serial_byte_ns() - how long one 8N1 byte takes on the line
 * @baud:	bits per second (0: instantaneous)
 *
 * Return: nanoseconds per byte
 */
uint64_t ns_serial_byte_ns(unsigned baud)
{
	return baud ? 10 * NS_PER_S / baud : 0;
}

static void arrive(void *opaque)
{
	struct direction *d = opaque;
	uint64_t now = ns_loop_now(d->s->loop);
	struct chunk *c;

	while ((c = g_queue_peek_head(&d->q)) && c->at_ns <= now) {
		g_queue_pop_head(&d->q);
		d->s->ops.deliver(d->s->opaque, d->from, c->data, c->len);
		free(c);
	}
	if (c)
		ns_timer_mod(d->timer, c->at_ns);
}

/**
 * ns_serial_new() - a cable between end 0 and end 1
 * @l:		loop (virtual or real clock)
 * @baud:	line speed, 0 for none
 * @ops:	callbacks (copied)
 * @opaque:	passed to them
 *
 * Return: the line, or NULL when out of memory
 */
struct ns_serial *ns_serial_new(struct ns_loop *l, unsigned baud,
				const struct ns_serial_ops *ops, void *opaque)
{
	struct ns_serial *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->loop = l;
	s->byte_ns = ns_serial_byte_ns(baud);
	s->ops = *ops;
	s->opaque = opaque;
	for (int i = 0; i < 2; i++) {
		s->d[i] = (struct direction){ .s = s, .from = i };
		g_queue_init(&s->d[i].q);
		s->d[i].timer = ns_timer_new(l, arrive, &s->d[i]);
		if (!s->d[i].timer) {
			ns_serial_free(s);
			return NULL;
		}
	}
	return s;
}

/**
 * ns_serial_free() - drop bytes still on the line and free it
 * @s:		line, may be NULL
 */
void ns_serial_free(struct ns_serial *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++) {
		g_queue_clear_full(&s->d[i].q, free);
		ns_timer_free(s->d[i].timer);
	}
	free(s);
}

/**
 * ns_serial_send() - put bytes on the line from end @from
 * @s:		line
 * @from:	0 or 1
 * @buf:	bytes
 * @len:	how many
 *
 * Return: 0, or -ENOMEM
 */
int ns_serial_send(struct ns_serial *s, int from, const uint8_t *buf,
		   size_t len)
{
	struct direction *d = &s->d[from];
	uint64_t now = ns_loop_now(s->loop);
	uint64_t start = d->busy_until > now ? d->busy_until : now;
	struct chunk *c;

	if (!len)
		return 0;
	c = malloc(sizeof(*c) + len);
	if (!c)
		return -ENOMEM;
	c->len = len;
	memcpy(c->data, buf, len);
	c->at_ns = start + s->byte_ns * len;
	d->busy_until = c->at_ns;
	g_queue_push_tail(&d->q, c);
	if (!ns_timer_pending(d->timer) || ns_timer_expire(d->timer) > c->at_ns)
		ns_timer_mod(d->timer, ((struct chunk *)g_queue_peek_head(&d->q))->at_ns);
	return 0;
}
