// SPDX-License-Identifier: GPL-2.0-or-later
/* test_relay.c - `kdh serial-link` as a user runs it: two "VM serial
 * ports" (a QEMU-like server socket and a client), a megabyte each way
 * with one side not reading, a reboot on one side, KD decoding; and a
 * relay whose other end cannot open never touches the VM's socket */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/kdnet/kd.h"
#include "netsim/loop.h"
#include "netsim/relay.h"

#define MIB		(1u << 20)
#define DEADLINE_MS	60000		/* a hang fails, it never passes */

struct link {
	char *dir, *a, *b, *out;
	bool analyze;			/* link_stop() runs `kdh analyze` */
	char *analysis;			/* on its --capture (g_free it) */
	int qemu_b;			/* listening socket standing in for QEMU */
	pid_t pid;
};

static int unix_socket(const char *path, bool listen_on)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (listen_on) {
		cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		cr_assert_eq(listen(fd, 2), 0);
		return fd;
	}
	for (int i = 0; i < DEADLINE_MS / 10; i++) {	/* kdh starting up */
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		usleep(10000);
	}
	cr_assert_fail("cannot connect to %s: %s", path, strerror(errno));
	return -1;
}

/* B is "VM 100's serial0": a server kdh connects to; A is kdh's listener */
static void link_start(struct link *k)
{
	const char *bin = getenv("KDH_BIN");
	char *tmpl = g_build_filename(g_get_tmp_dir(), "kdh-relay-XXXXXX", NULL);

	cr_assert(bin, "KDH_BIN is not set (run through meson test)");
	k->dir = g_mkdtemp(tmpl);
	cr_assert(k->dir);
	k->a = g_build_filename(k->dir, "a.sock", NULL);
	k->b = g_build_filename(k->dir, "b.sock", NULL);
	k->out = g_build_filename(k->dir, "out.txt", NULL);
	k->analysis = NULL;
	k->analyze = false;
	k->qemu_b = unix_socket(k->b, true);
	k->pid = fork();
	cr_assert_geq(k->pid, 0);
	if (!k->pid) {
		char *la = g_strconcat("listen:", k->a, NULL);
		int fd = open(k->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char *cap = g_build_filename(k->dir, "serial.pcapng", NULL);

		dup2(fd, 1);
		execl(bin, bin, "serial-link", la, k->b, "--decode", "--for", "2m",
		      "--capture", cap, (char *)NULL);
		_exit(127);
	}
}

static char *link_stop(struct link *k)
{
	int status;
	char *out = NULL;

	kill(k->pid, SIGTERM);
	cr_assert_eq(waitpid(k->pid, &status, 0), k->pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "kdh serial-link status %d", status);
	cr_assert(g_file_get_contents(k->out, &out, NULL, NULL));
	close(k->qemu_b);
	if (k->analyze) {	/* the wire, read back as any capture is */
		char *cap = g_build_filename(k->dir, "serial.pcapng", NULL), *err;
		const char *argv[] = { getenv("KDH_BIN"), "analyze", cap, NULL };

		test_run(argv, &k->analysis, &err);
		g_free(err);
		g_free(cap);
	}
	test_rmtree(k->dir);
	return out;
}

/* Wait until serial-link has printed @line (it acts on its own time) */
static void await_output(const struct link *k, const char *line)
{
	for (int i = 0; i < DEADLINE_MS / 10; i++) {
		char *out = NULL;
		bool seen = g_file_get_contents(k->out, &out, NULL, NULL) &&
			    strstr(out, line);

		g_free(out);
		if (seen)
			return;
		usleep(10000);
	}
	cr_assert_fail("serial-link never printed '%s'", line);
}

static int accept_b(struct link *k)
{
	struct pollfd p = { k->qemu_b, POLLIN, 0 };

	cr_assert_eq(poll(&p, 1, DEADLINE_MS), 1, "kdh never connected to B");
	return accept(k->qemu_b, NULL, NULL);
}

/* Start the link with A's client @a connected and B's QEMU side @b accepted */
static void link_connect(struct link *k, int *a, int *b)
{
	link_start(k);
	*a = unix_socket(k->a, false);
	*b = accept_b(k);
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

/* Write all of @out to @wfd while reading @want bytes from @rfd */
static void pump(int wfd, const uint8_t *out, size_t olen, int rfd,
		 uint8_t *in, size_t want)
{
	size_t done_w = 0, done_r = 0;

	fcntl(wfd, F_SETFL, O_NONBLOCK);
	fcntl(rfd, F_SETFL, O_NONBLOCK);
	while (done_w < olen || done_r < want) {
		struct pollfd p[2] = {
			{ wfd, (short)(done_w < olen ? POLLOUT : 0), 0 },
			{ rfd, (short)(done_r < want ? POLLIN : 0), 0 },
		};
		ssize_t n;

		cr_assert_gt(poll(p, 2, DEADLINE_MS), 0, "stalled at %zu written, "
			     "%zu read", done_w, done_r);
		if (p[0].revents & POLLOUT) {
			n = write(wfd, out + done_w, olen - done_w);
			cr_assert(n > 0 || errno == EAGAIN);
			done_w += n > 0 ? (size_t)n : 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(rfd, in + done_r, want - done_r);
			cr_assert(n > 0 || errno == EAGAIN, "read end closed");
			done_r += n > 0 ? (size_t)n : 0;
		}
	}
}

Test(relay, a_megabyte_each_way_while_one_side_does_not_read)
{
	struct link k;
	static uint8_t ab[MIB], ba[MIB], got[MIB];
	int a, b;
	char *out;

	link_connect(&k, &a, &b);
	fill(ab, MIB, 1);
	fill(ba, MIB, 2);
	/* A sends its megabyte and nobody reads B; B's megabyte still
	 * reaches A whole: a slow side does not stall the other direction */
	pump(a, ab, MIB, -1, NULL, 0);
	pump(b, ba, MIB, a, got, MIB);
	cr_assert_eq(memcmp(got, ba, MIB), 0);
	pump(-1, NULL, 0, b, got, MIB);	/* now B reads what waited */
	cr_assert_eq(memcmp(got, ab, MIB), 0);
	close(a);
	close(b);
	out = link_stop(&k);
	cr_assert(strstr(out, "1048576 bytes A>B, 1048576 bytes B>A"), "%s", out);
	g_free(out);
}

/* Write to @a until the relay stops taking bytes (B does not read) */
static size_t write_until_paused(int a, const uint8_t *src, size_t len)
{
	size_t sent = 0;

	fcntl(a, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p = { a, POLLOUT, 0 };
		ssize_t n;

		if (poll(&p, 1, 300) == 0)
			return sent;	/* paused: the relay stopped reading A */
		n = write(a, src + sent, len - sent);
		cr_assert(n > 0 || errno == EAGAIN);
		sent += n > 0 ? (size_t)n : 0;
		cr_assert_lt(sent, len, "all went in: no back-pressure");
	}
}

Test(relay, a_full_queue_pauses_the_sender_then_resumes)
{
	struct link k;
	static uint8_t src[4 * MIB], got[4 * MIB];
	size_t sent;
	int a, b;
	char *out;

	link_connect(&k, &a, &b);
	fill(src, sizeof(src), 3);
	sent = write_until_paused(a, src, sizeof(src));	/* B reads nothing */
	cr_assert_geq(sent, MIB, "paused before its 1 MiB queue was full");
	/* B drains: the relay must resume reading A, and nothing is lost */
	pump(a, src + sent, sizeof(src) - sent, b, got, sizeof(got));
	cr_assert_eq(memcmp(got, src, sizeof(src)), 0);
	close(a);
	close(b);
	out = link_stop(&k);
	g_free(out);
}

Test(relay, a_sender_that_hangs_up_while_paused_loses_nothing)
{
	struct link k;
	static uint8_t src[4 * MIB], got[4 * MIB];
	size_t sent;
	int a, b;
	char *out;

	link_connect(&k, &a, &b);
	fill(src, sizeof(src), 4);
	sent = write_until_paused(a, src, sizeof(src));
	close(a);			/* part of it still in A's socket */
	pump(-1, NULL, 0, b, got, sent);
	cr_assert_eq(memcmp(got, src, sent), 0);
	/* its last bytes reached B before the relay read A's end-of-file */
	await_output(&k, "A went away");
	close(b);
	out = link_stop(&k);
	g_free(out);
}

Test(relay, bytes_for_a_rebooting_side_wait_for_it)
{
	struct link k;
	static const char before[] = "before", during[] = "while B reboots";
	char got[64] = { 0 };
	int a, b;
	char *out;

	link_connect(&k, &a, &b);
	pump(a, (const uint8_t *)before, 6, b, (uint8_t *)got, 6);
	cr_assert_str_eq(got, "before");
	close(b);			/* VM B powers off... */
	usleep(100000);
	cr_assert_eq(write(a, during, sizeof(during)), (ssize_t)sizeof(during));
	b = accept_b(&k);		/* ...and its QEMU listens again */
	memset(got, 0, sizeof(got));
	pump(-1, NULL, 0, b, (uint8_t *)got, sizeof(during));
	cr_assert_str_eq(got, during);
	close(a);
	close(b);
	out = link_stop(&k);
	cr_assert(strstr(out, "B went away"), "%s", out);
	g_free(out);
}

Test(relay, decodes_kd_and_reports_the_connection)
{
	struct link k;
	uint8_t reset[64], answer[64], sink[128];
	int nr = kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_RESET, 0x80800000u,
				 NULL, 0, KD_SERIAL, reset, sizeof(reset));
	int na = kd_packet_build(KD_LEADER_CONTROL, KD_TYPE_RESET, 0x80800000u,
				 NULL, 0, KD_SERIAL, answer, sizeof(answer));
	int a, b;
	char *out;

	link_connect(&k, &a, &b);	/* A: WinDbg's COM port, B: the debuggee */
	pump(a, (const uint8_t *)"\x62", 1, b, sink, 1);	/* break-in */
	pump(b, (const uint8_t *)"boot noise\r\n", 12, a, sink, 12);
	pump(a, reset, (size_t)nr, b, sink, (size_t)nr);
	pump(b, answer, (size_t)na, a, sink, (size_t)na);
	close(a);
	close(b);
	k.analyze = true;
	out = link_stop(&k);
	cr_assert(strstr(out, "A>B break-in"), "%s", out);
	cr_assert(strstr(out, "A>B KD_RESET id 0x80800000"), "%s", out);
	cr_assert(strstr(out, "KD connected: reset from A answered by B"), "%s", out);
	cr_assert(strstr(out, "2 KD packets, 1 KD connections"), "%s", out);
	cr_assert_null(strstr(out, "B>A break-in"), "'b' of \"boot\": %s", out);
	cr_assert(strstr(k.analysis, "serial link 0: A <-> B"), "%s", k.analysis);
	cr_assert(strstr(k.analysis, "A>B  18 bytes, 1 KD packets (1 RESET), 1 "
			 "break-ins, 0 bytes of other text"), "%s", k.analysis);
	cr_assert(strstr(k.analysis, "B>A  29 bytes, 1 KD packets (1 RESET), 0 "
			 "break-ins, 12 bytes of other text"), "%s", k.analysis);
	cr_assert(strstr(k.analysis, "(reset from A answered by B; 1 connections)"),
		  "%s", k.analysis);
	g_free(k.analysis);
	g_free(out);
}

/* An end that cannot open (a TCP port in use) fails the relay before the
 * other end touches the VM's socket: the VM never sees a connect and EOF */
Test(relay, a_busy_tcp_port_leaves_the_vm_socket_untouched)
{
	static const struct ns_relay_ops ops = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	char *dir = g_dir_make_tmp("kdh-relay-busy-XXXXXX", NULL), *vm;
	char err[256], tcp[48];
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	int busy = socket(AF_INET, SOCK_STREAM, 0), vfd;

	cr_assert_geq(busy, 0);
	cr_assert_eq(bind(busy, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(busy, 1), 0);
	cr_assert_eq(getsockname(busy, (struct sockaddr *)&sin, &sl), 0);
	snprintf(tcp, sizeof(tcp), "tcp-listen:127.0.0.1:%u", ntohs(sin.sin_port));
	vm = g_build_filename(dir, "vm.serial0", NULL);
	vfd = unix_socket(vm, true);
	cr_assert_eq(fcntl(vfd, F_SETFL, O_NONBLOCK), 0);
	cr_assert_null(ns_relay_new(l, (const char *const[]){ vm, tcp }, &ops,
				    NULL, err, sizeof(err)));
	cr_assert(strstr(err, "in use"), "%s", err);
	cr_assert_eq(accept(vfd, NULL, NULL), -1, "the VM's socket was connected");
	cr_assert_eq(errno, EAGAIN);
	close(vfd);
	close(busy);
	ns_loop_free(l);
	unlink(vm);
	test_rmtree(dir);
	g_free(vm);
	g_free(dir);
}
