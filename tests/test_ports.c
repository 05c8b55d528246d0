// SPDX-License-Identifier: GPL-2.0-or-later
/* test_ports.c - QEMU stream sockets and tap fds as switch ports (real
 * clock, socketpairs standing in for QEMU and the kernel) */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/ports.h"

struct sink {
	struct ns_loop *l;
	unsigned frames, want;
	size_t last_len;
	uint8_t last[128];
};

static void sink_deliver(void *opaque, const uint8_t *frame, size_t len)
{
	struct sink *s = opaque;

	s->frames++;
	s->last_len = len;
	memcpy(s->last, frame, len < 128 ? len : 128);
	if (s->frames >= s->want)
		ns_loop_stop(s->l);
}

static const struct ns_port_ops sink_ops = { .deliver = sink_deliver };

struct events {
	struct ns_loop *l;
	int connected, closed;
	char why[128];
};

static void on_event(void *opaque, const char *name, enum ns_port_event ev,
		     const char *why)
{
	struct events *e = opaque;

	if (ev == NS_PORT_CONNECTED) {
		e->connected++;
	} else {
		e->closed++;
		snprintf(e->why, sizeof(e->why), "%s", why);
		ns_loop_stop(e->l);
	}
}

static void run(struct ns_loop *l)
{
	cr_assert_eq(ns_loop_run(l, ns_loop_now(l) + 5 * NS_PER_S), 0);
}

static void bcast(uint8_t *f, size_t len, uint8_t tag)
{
	memset(f, 0, len);
	memset(f, 0xff, 6);
	f[6] = 2;
	f[11] = 9;
	f[12] = 0x08;
	f[14] = tag;
}

Test(stream, frames_in_pieces_both_ways)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct sink s = { .l = l, .want = 2 };
	struct events ev = { .l = l };
	struct ns_port *node = ns_port_new(sw, "node", &sink_ops, &s);
	struct ns_stream_port *sp;
	uint8_t wire[2 * 64], f[60], back[64];
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sp = ns_stream_port_new(sw, sv[0], "vm", on_event, &ev);
	cr_assert(sp);
	cr_assert_eq(ev.connected, 1);
	for (int i = 0; i < 2; i++) {	/* 000000 3c + frame, twice */
		bcast(f, 60, (uint8_t)(i + 1));
		wire[64 * i] = 0; wire[64 * i + 1] = 0; wire[64 * i + 2] = 0;
		wire[64 * i + 3] = 60;
		memcpy(wire + 64 * i + 4, f, 60);
	}
	for (size_t i = 0; i < sizeof(wire); i += 7)	/* dribble */
		cr_assert_gt(write(sv[1], wire + i, sizeof(wire) - i < 7 ?
				   sizeof(wire) - i : 7), 0);
	run(l);
	cr_assert_eq(s.frames, 2);
	cr_assert_eq(s.last_len, 60);
	cr_assert_eq(s.last[14], 2);

	bcast(f, 60, 0x55);		/* node -> QEMU side */
	ns_port_input(node, f, 60);
	cr_assert_eq(read(sv[1], back, sizeof(back)), 64);
	cr_assert_eq(back[3], 60);
	cr_assert_eq(back[4 + 14], 0x55);
	cr_assert_eq(ns_stream_port_stats(sp)->tx_frames, 1);
	close(sv[1]);
	ns_stream_port_free(sp);
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(stream, disconnect_mid_frame_closes_only_that_port)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct sink s = { .l = l, .want = 1 };
	struct events ev = { .l = l };
	struct ns_port *node = ns_port_new(sw, "node", &sink_ops, &s);
	struct ns_port *other = ns_port_new(sw, "other", &sink_ops,
					    &(struct sink){ .l = l, .want = 99 });
	struct ns_stream_port *sp;
	uint8_t part[14] = { 0, 0, 0, 60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60];
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sp = ns_stream_port_new(sw, sv[0], "vm", on_event, &ev);
	cr_assert_eq(write(sv[1], part, sizeof(part)), (ssize_t)sizeof(part));
	close(sv[1]);
	run(l);
	cr_assert_eq(ev.closed, 1);
	cr_assert_str_eq(ev.why, "peer closed mid-frame (10 of 60 bytes)");
	cr_assert(ns_stream_port_closed(sp));
	cr_assert_eq(ns_switch_n_ports(sw), 2, "the closed port left the switch");
	bcast(f, 60, 1);		/* the rest of the network goes on */
	ns_port_input(other, f, 60);
	cr_assert_eq(s.frames, 1);
	ns_stream_port_free(sp);
	(void)node;
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(stream, malformed_length_closes_the_port)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct events ev = { .l = l };
	struct ns_stream_port *sp;
	uint8_t bad[8] = { 0x7f, 0xff, 0xff, 0xff };
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sp = ns_stream_port_new(sw, sv[0], "vm", on_event, &ev);
	cr_assert_eq(write(sv[1], bad, sizeof(bad)), 8);
	run(l);
	cr_assert_str_eq(ev.why, "malformed frame length 2147483647");
	close(sv[1]);
	ns_stream_port_free(sp);
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(stream, listener_accepts_qemu_like_clients)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct events ev = { .l = l };
	char *path = test_tmpfile(".sock"), err[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ns_stream_listener *ls;
	int c;

	unlink(path);
	ls = ns_stream_listen(sw, path, "vm", on_event, &ev, err, sizeof(err));
	cr_assert(ls, "%s", err);
	strcpy(sa.sun_path, path);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ns_loop_run(l, ns_loop_now(l) + 200 * NS_PER_MS);
	cr_assert_eq(ev.connected, 1);
	cr_assert_eq(ns_switch_n_ports(sw), 1);
	close(c);
	run(l);
	cr_assert_eq(ev.closed, 1);
	cr_assert_str_eq(ev.why, "peer closed");
	ns_stream_listener_free(ls);
	cr_assert_neq(access(path, F_OK), 0, "the socket file is removed");
	g_free(path);
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(stream, listener_refuses_a_regular_file)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	char *path = test_tmpfile(".notasock"), err[256];

	cr_assert_null(ns_stream_listen(sw, path, "vm", NULL, NULL, err, sizeof(err)));
	cr_assert(strstr(err, "exists and is not a socket"), "%s", err);
	unlink(path);
	g_free(path);
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(tap, datagram_fd_port)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct sink s = { .l = l, .want = 1 };
	struct ns_port *node = ns_port_new(sw, "node", &sink_ops, &s);
	struct ns_tap_port *tp;
	uint8_t f[60], back[100];
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	tp = ns_tap_port_new(sw, sv[0], "tap100i0");
	bcast(f, 60, 3);
	cr_assert_eq(write(sv[1], f, 60), 60);
	run(l);
	cr_assert_eq(s.frames, 1);
	cr_assert_eq(s.last[14], 3);
	bcast(f, 60, 4);
	ns_port_input(node, f, 60);
	cr_assert_eq(read(sv[1], back, sizeof(back)), 60, "one frame per read");
	cr_assert_eq(back[14], 4);
	cr_assert_eq(ns_tap_port_stats(tp)->tx_frames, 1);
	ns_tap_port_free(tp);
	close(sv[1]);
	ns_switch_free(sw);
	ns_loop_free(l);
}

Test(stream, refused_on_the_virtual_clock)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_null(ns_stream_port_new(sw, sv[0], "vm", NULL, NULL));
	cr_assert(strstr(ns_loop_error(l), "virtual clock"));
	close(sv[0]);
	close(sv[1]);
	ns_switch_free(sw);
	ns_loop_free(l);
}

/* link_down=1 on a `target = vm` NIC: the listener's ports pass no frame
 * either way (QEMU's frames do not reach the switch, none go back) */
Test(stream, listener_set_down_passes_nothing)
{
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "sw");
	struct sink s = { .l = l, .want = 1 };
	struct ns_port *p = ns_port_new(sw, "sink", &sink_ops, &s);
	char *path = test_tmpfile(".sock"), err[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ns_stream_listener *ls;
	uint8_t msg[4 + 60] = { 0, 0, 0, 60 }, f[60], back[128];
	int c;

	unlink(path);
	ls = ns_stream_listen(sw, path, "vm", NULL, NULL, err, sizeof(err));
	cr_assert(ls, "%s", err);
	ns_stream_listener_set_down(ls, true);
	strcpy(sa.sun_path, path);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	bcast(msg + 4, 60, 1);
	cr_assert_eq(write(c, msg, sizeof(msg)), (ssize_t)sizeof(msg));
	ns_loop_run(l, ns_loop_now(l) + 200 * NS_PER_MS);
	cr_assert_eq(ns_switch_n_ports(sw), 2, "QEMU is connected");
	cr_assert_eq(s.frames, 0, "nothing from a NIC with its link down");
	bcast(f, sizeof(f), 2);
	ns_port_input(p, f, sizeof(f));
	ns_loop_run(l, ns_loop_now(l) + 100 * NS_PER_MS);
	cr_assert_lt(recv(c, back, sizeof(back), MSG_DONTWAIT), 0,
		     "nothing to a NIC with its link down");
	close(c);
	ns_stream_listener_free(ls);
	ns_port_free(p);
	g_free(path);
	ns_switch_free(sw);
	ns_loop_free(l);
}
