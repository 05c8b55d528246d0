// SPDX-License-Identifier: GPL-2.0-or-later
/* port_tap.c - a switch port on a tap file descriptor (or anything that
 * reads and writes one whole frame per call, like a SOCK_DGRAM socketpair)
 *
 * A frame the kernel will not take right now (EAGAIN) is dropped and
 * counted, as a full tap queue drops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "netsim/ports.h"

struct ns_tap_port {
	struct ns_loop *loop;
	struct ns_port *port;
	int fd;
	uint8_t buf[NS_FRAME_MAX];
	struct ns_fdport_stats st;
};

static void tap_io(void *opaque, int fd, short revents)
{
	struct ns_tap_port *tp = opaque;

	for (int i = 0; i < 64; i++) {	/* bounded: let others run */
		ssize_t n = read(fd, tp->buf, sizeof(tp->buf));

		if (n <= 0)
			return;
		tp->st.rx_frames++;
		ns_port_input(tp->port, tp->buf, (size_t)n);
	}
}

static void tap_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_tap_port *tp = opaque;

	if (write(tp->fd, frame, len) == (ssize_t)len)
		tp->st.tx_frames++;
	else
		tp->st.tx_dropped++;
}

/**
 * ns_tap_port_new() - a port on a tap fd
 * @sw:		switch
 * @fd:		tap (IFF_TAP | IFF_NO_PI) or datagram socket; owned by the port
 * @name:	port name (e.g. "tap100i0")
 *
 * Return: port, or NULL (the loop's error says why on a virtual loop)
 */
struct ns_tap_port *ns_tap_port_new(struct ns_switch *sw, int fd,
				    const char *name)
{
	static const struct ns_port_ops ops = { .deliver = tap_deliver };
	struct ns_tap_port *tp = calloc(1, sizeof(*tp));

	if (!tp)
		return NULL;
	tp->loop = ns_switch_loop(sw);
	tp->fd = fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (ns_loop_add_fd(tp->loop, fd, POLLIN, tap_io, tp, "tap device")) {
		free(tp);
		return NULL;
	}
	tp->port = ns_port_new(sw, name, &ops, tp);
	if (!tp->port) {
		ns_loop_del_fd(tp->loop, fd);
		free(tp);
		return NULL;
	}
	return tp;
}

/**
 * ns_tap_port_free() - detach, close the fd and free
 * @tp:		port, may be NULL
 */
void ns_tap_port_free(struct ns_tap_port *tp)
{
	if (!tp)
		return;
	ns_loop_del_fd(tp->loop, tp->fd);
	ns_port_free(tp->port);
	close(tp->fd);
	free(tp);
}

/** ns_tap_port_stats() - counters */
const struct ns_fdport_stats *ns_tap_port_stats(const struct ns_tap_port *tp)
{
	return &tp->st;
}
