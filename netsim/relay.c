// SPDX-License-Identifier: GPL-2.0-or-later
/* relay.c - a byte relay between two stream sockets, surviving restarts
 * (what `socat UNIX-CLIENT:a UNIX-CLIENT:b` does, but better)
 *
 * Theory of operation: each end is "PATH" (connect to a server socket, as
 * to QEMU's serialN socket), "listen:PATH" (kdh is the server) or
 * "tcp-listen:[ADDR:]PORT" (kdh serves one TCP client, relay_tcp.c).  Bytes
 * read from one end go to the other end's queue and are written as the
 * socket takes them, so a slow reader on one side never stalls the other
 * direction.  When a queue holds NS_RELAY_QUEUE bytes, reading from its
 * source pauses until it drains: back-pressure, not loss.  A client end
 * that fails or is closed is retried every NS_RELAY_RETRY; a listening end
 * accepts the next client.  Bytes for an end that is down wait in its
 * queue, so a VM rebooting does not lose what the other side sent.
 * An end may also be "-", the owner itself (a simulated debugger on a real
 * VM's serial port): what the socket end reads is only handed to the
 * owner's data callback, and ns_relay_write() feeds the socket end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "netsim/relay_priv.h"

static void watch(struct end *e);
static void io(void *opaque, int fd, short revents);

static void end_down(struct end *e)
{
	if (e->fd < 0)
		return;
	ns_loop_del_fd(e->r->loop, e->fd);
	close(e->fd);
	e->fd = -1;
	e->parked = false;
	if (e->r->ops.event)
		e->r->ops.event(e->r->opaque, e->idx, NS_RELAY_DOWN);
	if (!e->listen)
		ns_timer_mod(e->retry, ns_loop_now(e->r->loop) + NS_RELAY_RETRY);
	watch(&e->r->e[!e->idx]);	/* its source may have paused for us */
}

static void flush(struct end *e)
{
	while (e->fd >= 0 && e->qlen) {
		ssize_t n = write(e->fd, e->q + e->qhead, e->qlen);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			end_down(e);
			return;
		}
		e->qhead += (size_t)n;	/* no memmove per write: O(n) */
		e->qlen -= (size_t)n;
	}
	if (!e->qlen)
		e->qhead = 0;
}

/* Append to @e's queue (the caller checked the room) */
static void enqueue(struct end *e, const uint8_t *buf, size_t len)
{
	if (e->qhead + e->qlen + len > NS_RELAY_QUEUE) {
		memmove(e->q, e->q + e->qhead, e->qlen);
		e->qhead = 0;
	}
	memcpy(e->q + e->qhead + e->qlen, buf, len);
	e->qlen += len;
}

/* Poll what this end can do: read unless the other queue is full, write
 * while its own queue has bytes */
static void watch(struct end *e)
{
	struct end *o = &e->r->e[!e->idx];
	short ev = (short)((o->qlen < NS_RELAY_QUEUE ? POLLIN : 0) |
			   (e->qlen ? POLLOUT : 0));

	if (e->fd < 0)
		return;
	if (e->parked && (ev & POLLIN)) {	/* room again: read the rest */
		e->parked = false;
		if (ns_loop_add_fd(e->r->loop, e->fd, ev, io, e, "relay end"))
			end_down(e);
		return;
	}
	if (!e->parked)
		ns_loop_mod_fd(e->r->loop, e->fd, ev);
}

static void io(void *opaque, int fd, short revents)
{
	struct end *e = opaque, *o = &e->r->e[!e->idx];
	size_t room = NS_RELAY_QUEUE - o->qlen;
	ssize_t n;

	if (revents & POLLOUT)
		flush(e);
	if (!room && (revents & (POLLHUP | POLLERR))) {
		/* poll reports a hang-up whatever is asked: stop polling until
		 * the other queue has room for what the socket still holds */
		ns_loop_del_fd(e->r->loop, fd);
		e->parked = true;
		return;
	}
	if (e->fd < 0 || !(revents & (POLLIN | POLLHUP | POLLERR)) || !room)
		goto out;
	n = read(fd, e->r->buf, room < sizeof(e->r->buf) ? room : sizeof(e->r->buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		goto out;
	if (n <= 0) {
		end_down(e);
		return;
	}
	e->rx += (uint64_t)n;
	if (e->r->ops.data)
		e->r->ops.data(e->r->opaque, e->idx, e->r->buf, (size_t)n);
	if (!o->owner) {
		enqueue(o, e->r->buf, (size_t)n);
		flush(o);
		watch(o);
	}
out:
	watch(e);
	watch(o);	/* flushing our queue may have made room for its reads */
}

/* relay_end_up() - end @e is connected on @fd (relay_priv.h) */
void relay_end_up(struct end *e, int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	e->fd = fd;
	if (ns_loop_add_fd(e->r->loop, fd, POLLIN, io, e, "relay end")) {
		close(fd);
		e->fd = -1;
		return;
	}
	if (e->r->ops.event)
		e->r->ops.event(e->r->opaque, e->idx, NS_RELAY_UP);
	flush(e);			/* what waited while it was down */
	watch(e);
	watch(&e->r->e[!e->idx]);
}

static void connect_try(void *opaque)
{
	struct end *e = opaque;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, e->path);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		relay_end_up(e, fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	ns_timer_mod(e->retry, ns_loop_now(e->r->loop) + NS_RELAY_RETRY);
}

static void accept_one(void *opaque, int lfd, short revents)
{
	struct end *e = opaque;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (e->fd >= 0) {		/* one peer at a time: the newest wins */
		ns_loop_del_fd(e->r->loop, e->fd);
		close(e->fd);
		e->fd = -1;
		e->parked = false;
	}
	relay_end_up(e, fd);
}

static int end_open(struct ns_relay *r, int i, const char *spec, char *err,
		    size_t errlen)
{
	struct end *e = &r->e[i];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = spec;

	e->r = r;
	e->idx = i;
	e->fd = e->lfd = -1;
	if (!strcmp(spec, "-")) {
		e->owner = true;
		return 0;
	}
	e->q = malloc(NS_RELAY_QUEUE);
	e->retry = ns_timer_new(r->loop, connect_try, e);
	if (!e->q || !e->retry) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!strncmp(spec, NS_RELAY_TCP, strlen(NS_RELAY_TCP))) {
		e->tcp = e->listen = true;
		return relay_tcp_open(e, spec + strlen(NS_RELAY_TCP), err, errlen);
	}
	e->listen = !strncmp(spec, "listen:", 7);
	if (e->listen)
		path += 7;
	if (strlen(path) >= sizeof(e->path)) {
		snprintf(err, errlen, "%s: path too long for a unix socket", path);
		return -1;
	}
	strcpy(e->path, path);
	if (!e->listen)
		return 0;	/* ns_relay_new() connects once both ends are open */
	strcpy(sa.sun_path, path);
	unlink(path);
	e->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (e->lfd < 0 || bind(e->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(e->lfd, 2) ||
	    ns_loop_add_fd(r->loop, e->lfd, POLLIN, accept_one, e, "relay listener")) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * ns_relay_new() - relay between two sockets
 * @l:		real-clock loop
 * @spec:	each end: "PATH" (connect, retrying), "listen:PATH",
 *		"tcp-listen:[ADDR:]PORT" (one TCP client at a time, see
 *		ns_tcp_addr_parse()), or "-" (the owner: ns_relay_write();
 *		not both ends)
 * @ops:	callbacks (copied), may have NULL members
 * @opaque:	passed to them
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: relay, or NULL with @err filled
 */
struct ns_relay *ns_relay_new(struct ns_loop *l, const char *const spec[2],
			      const struct ns_relay_ops *ops, void *opaque,
			      char *err, size_t errlen)
{
	struct ns_relay *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->loop = l;
	r->ops = *ops;
	r->opaque = opaque;
	for (int i = 0; i < 2; i++) {	/* end 0 may connect before end 1 opens */
		r->e[i].r = r;
		r->e[i].idx = i;
		r->e[i].fd = r->e[i].lfd = -1;
	}
	if (!strcmp(spec[0], "-") && !strcmp(spec[1], "-")) {
		snprintf(err, errlen, "a relay needs at least one socket end");
		free(r);
		return NULL;
	}
	for (int i = 0; i < 2; i++)
		if (end_open(r, i, spec[i], err, errlen)) {
			ns_relay_free(r);
			return NULL;
		}
	/* Only now connect: a VM's socket is not touched when the other end
	 * (a TCP port in use, a bad path) cannot open */
	for (int i = 0; i < 2; i++)
		if (!r->e[i].owner && !r->e[i].listen)
			connect_try(&r->e[i]);
	return r;
}

/**
 * ns_relay_free() - close both ends (and remove listening sockets)
 * @r:		relay, may be NULL
 */
void ns_relay_free(struct ns_relay *r)
{
	if (!r)
		return;
	for (int i = 0; i < 2; i++) {
		struct end *e = &r->e[i];

		if (e->fd >= 0) {
			ns_loop_del_fd(r->loop, e->fd);
			close(e->fd);
		}
		if (e->lfd >= 0) {
			ns_loop_del_fd(r->loop, e->lfd);
			close(e->lfd);
			if (!e->tcp)
				unlink(e->path);
		}
		ns_timer_free(e->retry);
		free(e->q);
	}
	free(r);
}

/**
 * ns_relay_peer() - the TCP client of a tcp-listen end
 * @r:		relay
 * @end:	0 or 1
 *
 * Return: "ADDR:PORT" of the client being refused during an
 * NS_RELAY_REFUSED event, else of the client that connected last; "" for
 * other ends or before any client
 */
const char *ns_relay_peer(const struct ns_relay *r, int end)
{
	const struct end *e = &r->e[end];

	return e->refusing ? e->refused : e->peer;
}

/** ns_relay_bytes() - bytes read from end @from so far */
uint64_t ns_relay_bytes(const struct ns_relay *r, int from)
{
	return r->e[from].rx;
}

/**
 * ns_relay_write() - bytes from the owner's end ("-") to the other end
 * @r:		relay
 * @from:	the owner's end
 * @buf:	bytes (also passed to the data callback, as read bytes are)
 * @len:	how many
 *
 * Return: 0; -EAGAIN when the other end's queue has no room for them (it
 * waits for a socket that is down or slow); -EINVAL if @from is a socket
 */
int ns_relay_write(struct ns_relay *r, int from, const uint8_t *buf, size_t len)
{
	struct end *o = &r->e[!from];

	if (!r->e[from].owner)
		return -EINVAL;
	if (len > NS_RELAY_QUEUE - o->qlen)
		return -EAGAIN;
	if (r->ops.data)
		r->ops.data(r->opaque, from, buf, len);
	enqueue(o, buf, len);
	flush(o);
	watch(o);
	return 0;
}
