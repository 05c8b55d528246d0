// SPDX-License-Identifier: GPL-2.0-or-later
/* port_stream.c - QEMU `-netdev stream` ports: unix stream sockets carrying
 * frames as a 4-byte big-endian length followed by the Ethernet frame
 *
 * Theory of operation: kdh listens on a unix socket and QEMU connects to it
 * (`-netdev stream,id=n0,server=off,addr.type=unix,addr.path=SOCK`; checked
 * against QEMU 7.2: a 442-byte DHCPDISCOVER arrives as 000001ba + frame).
 * Each accepted connection becomes a switch port.  Bytes are gathered until
 * a whole frame is there; a zero or oversized length, or the peer closing,
 * closes just that port (said through the event callback, with how much of
 * a frame was pending), the rest of the network goes on.  Frames toward QEMU
 * are written at once; what the socket does not take waits in a bounded
 * queue, beyond which frames are dropped and counted, as a NIC would.  A
 * listener set down gives its ports a pulled plug (the switch passes no
 * frame through them): the NIC's link_down=1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "netsim/ports.h"

#define RX_CAP	(4 + NS_FRAME_MAX)

struct ns_stream_port {
	struct ns_switch *sw;
	struct ns_loop *loop;
	struct ns_port *port;
	int fd;
	char name[32];
	ns_port_event_cb cb;
	void *opaque;
	bool closed;
	uint8_t rx[RX_CAP];
	size_t rx_len;
	uint8_t *tx;
	size_t tx_len, tx_cap;
	struct ns_fdport_stats st;
};

struct ns_stream_listener {
	struct ns_switch *sw;
	struct ns_loop *loop;
	int fd;
	char *path;
	char name[32];
	unsigned accepted;
	ns_port_event_cb cb;
	void *opaque;
	struct ns_stream_port **conns;
	size_t n_conns;
	bool down;			/* accepted ports start down */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void port_close(struct ns_stream_port *sp, const char *why)
{
	if (sp->closed)
		return;
	sp->closed = true;
	ns_loop_del_fd(sp->loop, sp->fd);
	ns_port_free(sp->port);
	sp->port = NULL;
	close(sp->fd);
	sp->fd = -1;
	if (sp->cb)
		sp->cb(sp->opaque, sp->name, NS_PORT_CLOSED, why);
}

/* Hand every whole frame in the buffer to the switch */
static bool frames_take(struct ns_stream_port *sp)
{
	size_t off = 0;
	char why[96];

	while (sp->rx_len - off >= 4) {
		uint32_t len = be32(sp->rx + off);

		if (!len || len > NS_FRAME_MAX) {
			snprintf(why, sizeof(why), "malformed frame length %u", len);
			port_close(sp, why);
			return false;
		}
		if (sp->rx_len - off < 4 + (size_t)len)
			break;
		sp->st.rx_frames++;
		ns_port_input(sp->port, sp->rx + off + 4, len);
		off += 4 + (size_t)len;
	}
	memmove(sp->rx, sp->rx + off, sp->rx_len - off);
	sp->rx_len -= off;
	return true;
}

static void tx_flush(struct ns_stream_port *sp)
{
	ssize_t n = write(sp->fd, sp->tx, sp->tx_len);

	if (n > 0) {
		memmove(sp->tx, sp->tx + n, sp->tx_len - (size_t)n);
		sp->tx_len -= (size_t)n;
	}
	ns_loop_mod_fd(sp->loop, sp->fd, sp->tx_len ? POLLIN | POLLOUT : POLLIN);
}

static void stream_io(void *opaque, int fd, short revents)
{
	struct ns_stream_port *sp = opaque;
	char why[96];
	ssize_t n;

	if (revents & POLLOUT)
		tx_flush(sp);
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(fd, sp->rx + sp->rx_len, sizeof(sp->rx) - sp->rx_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (sp->rx_len >= 4)
			snprintf(why, sizeof(why), "peer closed mid-frame (%zu "
				 "of %u bytes)", sp->rx_len - 4, be32(sp->rx));
		else if (sp->rx_len)
			snprintf(why, sizeof(why), "peer closed mid-frame (%zu "
				 "bytes of a length)", sp->rx_len);
		else
			snprintf(why, sizeof(why), "%s", n ? strerror(errno)
							   : "peer closed");
		port_close(sp, why);
		return;
	}
	sp->rx_len += (size_t)n;
	frames_take(sp);
}

static void tx_queue(struct ns_stream_port *sp, const uint8_t *p, size_t len)
{
	if (sp->tx_len + len > NS_STREAM_TXQ_MAX) {
		sp->st.tx_dropped++;
		return;
	}
	if (sp->tx_len + len > sp->tx_cap) {
		size_t cap = (sp->tx_len + len) * 2;
		uint8_t *t = realloc(sp->tx, cap);

		if (!t) {
			sp->st.tx_dropped++;
			return;
		}
		sp->tx = t;
		sp->tx_cap = cap;
	}
	memcpy(sp->tx + sp->tx_len, p, len);
	sp->tx_len += len;
	ns_loop_mod_fd(sp->loop, sp->fd, POLLIN | POLLOUT);
}

static void stream_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct ns_stream_port *sp = opaque;
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
			   (uint8_t)(len >> 8), (uint8_t)len };
	struct iovec iov[2] = { { hdr, 4 }, { (void *)frame, len } };
	ssize_t n = 0;

	if (sp->closed)
		return;
	if (!sp->tx_len)	/* keep order: nothing may overtake the queue */
		n = writev(sp->fd, iov, 2);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		sp->st.tx_dropped++;	/* the read side will see the close */
		return;
	}
	sp->st.tx_frames++;
	if (n < 0)
		n = 0;
	if ((size_t)n < 4) {
		tx_queue(sp, hdr + n, 4 - (size_t)n);
		tx_queue(sp, frame, len);
	} else if ((size_t)n < 4 + len) {
		tx_queue(sp, frame + (n - 4), len - (size_t)(n - 4));
	}
}

/**
 * ns_stream_port_new() - a port on an already connected stream socket
 * @sw:		switch
 * @fd:		connected unix (or any stream) socket; owned by the port
 * @name:	port name
 * @cb:		told when the port closes (may be NULL)
 * @opaque:	passed to @cb
 *
 * Return: port, or NULL (the loop's error says why on a virtual loop)
 */
struct ns_stream_port *ns_stream_port_new(struct ns_switch *sw, int fd,
					  const char *name,
					  ns_port_event_cb cb, void *opaque)
{
	static const struct ns_port_ops ops = { .deliver = stream_deliver };
	struct ns_stream_port *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	sp->sw = sw;
	sp->loop = ns_switch_loop(sw);
	sp->fd = fd;
	sp->cb = cb;
	sp->opaque = opaque;
	snprintf(sp->name, sizeof(sp->name), "%s", name);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (ns_loop_add_fd(sp->loop, fd, POLLIN, stream_io, sp, "QEMU stream socket")) {
		free(sp);
		return NULL;
	}
	sp->port = ns_port_new(sw, name, &ops, sp);
	if (!sp->port) {
		ns_loop_del_fd(sp->loop, fd);
		free(sp);
		return NULL;
	}
	if (cb)
		cb(opaque, sp->name, NS_PORT_CONNECTED, NULL);
	return sp;
}

/**
 * ns_stream_port_free() - close (if still open) and free
 * @sp:		port, may be NULL
 */
void ns_stream_port_free(struct ns_stream_port *sp)
{
	if (!sp)
		return;
	sp->cb = NULL;
	port_close(sp, "shut down");
	free(sp->tx);
	free(sp);
}

/** ns_stream_port_closed() - whether the peer or an error closed it */
bool ns_stream_port_closed(const struct ns_stream_port *sp)
{
	return sp->closed;
}

/** ns_stream_port_stats() - counters */
const struct ns_fdport_stats *ns_stream_port_stats(const struct ns_stream_port *sp)
{
	return &sp->st;
}

static void listener_accept(void *opaque, int fd, short revents)
{
	struct ns_stream_listener *ls = opaque;
	struct ns_stream_port **conns, *sp;
	char name[48];
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return;
	conns = realloc(ls->conns, (ls->n_conns + 1) * sizeof(*conns));
	if (!conns) {
		close(c);
		return;
	}
	ls->conns = conns;
	if (ls->accepted++)
		snprintf(name, sizeof(name), "%s.%u", ls->name, ls->accepted);
	else
		snprintf(name, sizeof(name), "%s", ls->name);
	sp = ns_stream_port_new(ls->sw, c, name, ls->cb, ls->opaque);
	if (!sp) {
		close(c);
		return;
	}
	ns_port_set_down(sp->port, ls->down);
	ls->conns[ls->n_conns++] = sp;
}

/**
 * ns_stream_listener_set_down() - the plug of every port it accepts from now
 * @ls:		listener
 * @down:	true: its ports pass no frame (Proxmox's link_down=1)
 */
void ns_stream_listener_set_down(struct ns_stream_listener *ls, bool down)
{
	ls->down = down;
}

/**
 * ns_stream_listen() - listen on a unix socket for QEMU stream netdevs
 * @sw:		switch the connections join
 * @path:	socket path (a stale socket there is replaced; any other
 *		file is an error)
 * @name:	port name of the first connection ("net0"); later ones get
 *		".2", ".3" (a VM that reconnects after a reboot)
 * @cb:		told of connects and closes (may be NULL)
 * @opaque:	passed to @cb
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: listener, or NULL with @err filled
 */
struct ns_stream_listener *ns_stream_listen(struct ns_switch *sw,
					    const char *path, const char *name,
					    ns_port_event_cb cb, void *opaque,
					    char *err, size_t errlen)
{
	struct ns_stream_listener *ls = calloc(1, sizeof(*ls));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	if (!ls) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ls->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long for a unix socket", path);
		goto fail;
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			goto fail;
		}
		unlink(path);
	}
	strcpy(sa.sun_path, path);
	ls->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ls->fd < 0 || bind(ls->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(ls->fd, 4)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	ls->sw = sw;
	ls->loop = ns_switch_loop(sw);
	ls->path = strdup(path);
	ls->cb = cb;
	ls->opaque = opaque;
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	if (ns_loop_add_fd(ls->loop, ls->fd, POLLIN, listener_accept, ls,
			   "QEMU stream listener")) {
		snprintf(err, errlen, "%s", ns_loop_error(ls->loop));
		unlink(path);
		goto fail;
	}
	return ls;
fail:
	if (ls->fd >= 0)
		close(ls->fd);
	free(ls->path);
	free(ls);
	return NULL;
}

/**
 * ns_stream_listener_free() - close the listener, its connections, and
 * remove the socket file
 * @ls:		listener, may be NULL
 */
void ns_stream_listener_free(struct ns_stream_listener *ls)
{
	if (!ls)
		return;
	for (size_t i = 0; i < ls->n_conns; i++)
		ns_stream_port_free(ls->conns[i]);
	free(ls->conns);
	ns_loop_del_fd(ls->loop, ls->fd);
	close(ls->fd);
	unlink(ls->path);
	free(ls->path);
	free(ls);
}
