// SPDX-License-Identifier: GPL-2.0-or-later
/* test_serial_kd.c - KD over a serial line in virtual time: the line's
 * 8N1 pacing, the reset-exchange rule, the simulated debuggee and WinDbg
 * meeting on a line (debugger first, debugger late, reboot, noise), and
 * the relay's in-process end used for a real VM's serial socket */
#include <criterion/criterion.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/debugger/debugger_serial.h"
#include "kdh/kdnet/kd_stream.h"
#include "netsim/relay.h"
#include "netsim/serial_line.h"
#include "kdh/target/target.h"

#define BYTE_NS_115200	86805ull	/* 10 bits at 115200 baud */

struct got {
	uint64_t at[16];
	int from[16];
	size_t len[16];
	size_t n;
};

static struct ns_loop *loop;

static void got_deliver(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct got *g = opaque;

	cr_assert_lt(g->n, 16);
	g->at[g->n] = ns_loop_now(loop);
	g->from[g->n] = from;
	g->len[g->n++] = len;
}

Test(serial_kd, line_paces_bytes_and_keeps_order)
{
	static const struct ns_serial_ops ops = { .deliver = got_deliver };
	uint8_t buf[32] = { 0 };
	struct got g = { 0 };
	struct ns_serial *s;
	uint64_t t0;

	loop = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	s = ns_serial_new(loop, 115200, &ops, &g);
	t0 = ns_loop_now(loop);
	cr_assert_eq(ns_serial_byte_ns(115200), BYTE_NS_115200);
	cr_assert_eq(ns_serial_send(s, 0, buf, 17), 0);
	cr_assert_eq(ns_serial_send(s, 0, buf, 10), 0);	/* waits its turn */
	cr_assert_eq(ns_serial_send(s, 1, buf, 1), 0);	/* the other way: free */
	ns_loop_run(loop, t0 + NS_PER_S);
	cr_assert_eq(g.n, 3);
	cr_assert_eq(g.from[0], 1);
	cr_assert_eq(g.at[0], t0 + BYTE_NS_115200);
	cr_assert_eq(g.from[1], 0);
	cr_assert_eq(g.len[1], 17);
	cr_assert_eq(g.at[1], t0 + 17 * BYTE_NS_115200);
	cr_assert_eq(g.len[2], 10);
	cr_assert_eq(g.at[2], t0 + 27 * BYTE_NS_115200);
	ns_serial_free(s);
	ns_loop_free(loop);
}

Test(serial_kd, reset_exchange_rule)
{
	struct kd_conn c = { 0 };

	/* a RESET nobody answers in time is superseded */
	cr_assert_not(kd_conn_packet(&c, 0, KD_TYPE_RESET, 4 * NS_PER_S));
	cr_assert_not(kd_conn_packet(&c, 1, KD_TYPE_RESET, 90 * NS_PER_S));
	/* the same side again does not answer itself */
	cr_assert_not(kd_conn_packet(&c, 1, KD_TYPE_ACKNOWLEDGE, 90 * NS_PER_S + 1));
	cr_assert(kd_conn_packet(&c, 0, KD_TYPE_RESET, 90 * NS_PER_S + 2000000));
	cr_assert_eq(c.reset_from, 1);
	cr_assert_eq(c.connections, 1);
	/* an ACK answers too; data packets never do */
	cr_assert_not(kd_conn_packet(&c, 0, KD_TYPE_RESET, 100 * NS_PER_S));
	cr_assert_not(kd_conn_packet(&c, 1, KD_TYPE_DEBUG_IO, 100 * NS_PER_S + 1));
	cr_assert(kd_conn_packet(&c, 1, KD_TYPE_ACKNOWLEDGE, 100 * NS_PER_S + 2));
	cr_assert_eq(c.connections, 2);
}

/* A debuggee (end 0) and WinDbg (end 1) on one line; what crosses it is
 * judged by kd_conn as the analyzer would */
struct bench {
	struct ns_serial *line;
	struct target *t;
	struct dbg_serial *d;
	struct kd_stream ks[2];
	struct kd_conn conn;
	int dir;
	uint64_t connect_at[4];
	unsigned resets[2];
};

static struct bench *cur;

static void on_kd(void *opaque, enum kd_stream_event ev, const struct kd_packet *p)
{
	struct bench *b = opaque;

	if (ev != KD_EV_PACKET)
		return;
	b->resets[b->dir] += p->type == KD_TYPE_RESET;
	if (kd_conn_packet(&b->conn, b->dir, p->type, ns_loop_now(loop)) &&
	    b->conn.connections <= 4)
		b->connect_at[b->conn.connections - 1] = ns_loop_now(loop);
}

static void bench_deliver(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct bench *b = opaque;

	b->dir = from;
	kd_stream_feed(&b->ks[from], buf, len, on_kd, b);
	if (from == 0)
		dbg_serial_input(b->d, buf, len);
	else
		target_serial_input(b->t, 0, buf, len);
}

static void t_serial(void *o, unsigned port, const uint8_t *buf, size_t len)
{
	cr_assert_eq(port, 0, "COM1 is serial0");
	ns_serial_send(cur->line, 0, buf, len);
}

static void d_send(void *o, const uint8_t *buf, size_t len)
{
	ns_serial_send(cur->line, 1, buf, len);
}

static size_t no_nics(void *o, struct target_nic *n, size_t max)
{
	return 0;
}

static bool no_hv(void *o, char vendor[13])
{
	return false;
}

static void bench_init(struct bench *b)
{
	static const struct ns_serial_ops lops = { .deliver = bench_deliver };
	static const struct target_env_ops env = { .cpuid_hypervisor = no_hv,
		.list_nics = no_nics, .serial_send = t_serial };
	static const struct dbg_serial_ops dops = { .send = d_send };
	struct target_config tc;

	memset(b, 0, sizeof(*b));
	cur = b;
	loop = ns_loop_new(NS_CLOCK_VIRTUAL, 7);
	target_config_default(&tc);
	tc.serial = true;
	tc.debugport = 1;
	tc.baudrate = 115200;
	b->line = ns_serial_new(loop, 115200, &lops, b);
	b->t = target_new(loop, &tc, &env, b);
	b->d = dbg_serial_new(loop, &dops, b);
	kd_stream_init(&b->ks[0]);
	kd_stream_init(&b->ks[1]);
	cr_assert(b->line && b->t && b->d);
}

static void bench_free(struct bench *b)
{
	target_free(b->t);
	dbg_serial_free(b->d);
	ns_serial_free(b->line);
	ns_loop_free(loop);
}

Test(serial_kd, debugger_waiting_connects_at_kd_init)
{
	struct bench b;
	uint64_t t0;

	bench_init(&b);
	t0 = ns_loop_now(loop);
	dbg_serial_start(b.d);
	target_power_on(b.t);
	ns_loop_run(loop, t0 + 30 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	cr_assert_eq(b.conn.connections, 1);
	/* RESET (16 bytes + trailer) sent at 4 s, answered at once */
	cr_assert_eq(b.connect_at[0] - t0, 4 * NS_PER_S + 2 * 17 * BYTE_NS_115200);
	/* the print, then the kernel's reports: nt, the GetVersion reply,
	 * hal and the 8 default boot drivers, each continued */
	cr_assert_eq(dbg_serial_stats(b.d)->acks_tx, 12);
	cr_assert(target_settled(b.t), "every boot driver continued, OS up");
	bench_free(&b);
}

Test(serial_kd, late_debugger_still_connects)
{
	struct bench b;
	uint64_t t0;

	bench_init(&b);
	t0 = ns_loop_now(loop);
	target_power_on(b.t);
	ns_loop_run(loop, t0 + 90 * NS_PER_S);
	cr_assert_eq(b.resets[0], 3, "3 RESETs, then the boot goes on");
	cr_assert_eq(b.conn.connections, 0);
	cr_assert_neq(target_phase(b.t), TP_CONNECTED);
	dbg_serial_start(b.d);		/* "Waiting to reconnect..." */
	ns_loop_run(loop, t0 + 100 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	cr_assert_eq(b.conn.connections, 1);
	cr_assert_eq(b.conn.reset_from, 1, "the debugger asked");
	cr_assert_lt(b.connect_at[0] - t0, 90 * NS_PER_S + 10 * NS_PER_MS);
	bench_free(&b);
}

Test(serial_kd, debuggee_reboot_reconnects_and_noise_is_skipped)
{
	static const uint8_t noise[] = "boot text 0000 iiii\xaa bb b";
	struct bench b;
	uint64_t t0;

	bench_init(&b);
	t0 = ns_loop_now(loop);
	dbg_serial_start(b.d);
	target_power_on(b.t);
	ns_loop_run(loop, t0 + 20 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	target_power_off(b.t);
	ns_serial_send(b.line, 0, noise, sizeof(noise) - 1);	/* firmware text */
	ns_serial_send(b.line, 1, noise, sizeof(noise) - 1);
	target_power_on(b.t);
	ns_loop_run(loop, t0 + 40 * NS_PER_S);
	cr_assert_eq(target_phase(b.t), TP_CONNECTED);
	cr_assert_eq(b.conn.connections, 2);
	cr_assert_gt(dbg_serial_stats(b.d)->garbage, 0);
	bench_free(&b);
}

/* The relay's "-" end: the owner (a simulated WinDbg) on one side, a real
 * socket (a QEMU serial socket's client here) on the other */
struct owner {
	size_t from_sock;
	uint8_t last;
};

static void owner_data(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct owner *o = opaque;

	if (from == 0) {
		o->from_sock += len;
		o->last = buf[len - 1];
	}
}

Test(serial_kd, relay_owner_end)
{
	static const struct ns_relay_ops ops = { .data = owner_data };
	char *dir = g_dir_make_tmp("kdh-owner-XXXXXX", NULL);
	char *path = g_build_filename(dir, "100.serial0", NULL);
	char *spec_listen = g_strdup_printf("listen:%s", path), err[200];
	const char *spec[2] = { spec_listen, "-" };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct owner o = { 0 };
	struct ns_relay *r;
	uint8_t buf[8];
	int fd;

	loop = ns_loop_new(NS_CLOCK_REAL, 1);
	r = ns_relay_new(loop, spec, &ops, &o, err, sizeof(err));
	cr_assert(r, "%s", err);
	cr_assert_eq(ns_relay_write(r, 0, (const uint8_t *)"x", 1), -EINVAL);
	/* written before anyone connected: waits in the queue */
	cr_assert_eq(ns_relay_write(r, 1, (const uint8_t *)"hi", 2), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(write(fd, "abc", 3), 3);
	for (int i = 0; i < 100 && o.from_sock < 3; i++)
		ns_loop_run(loop, ns_loop_now(loop) + 10 * NS_PER_MS);
	cr_assert_eq(o.from_sock, 3);
	cr_assert_eq(o.last, 'c');
	cr_assert_eq(read(fd, buf, sizeof(buf)), 2);
	cr_assert_eq(memcmp(buf, "hi", 2), 0);
	close(fd);
	ns_relay_free(r);
	ns_loop_free(loop);
	cr_assert_eq(access(path, F_OK), -1, "the listening socket is removed");
	rmdir(dir);
	g_free(spec_listen); g_free(path); g_free(dir);
}

Test(serial_kd, relay_refuses_two_owner_ends)
{
	const char *spec[2] = { "-", "-" };
	static const struct ns_relay_ops ops = { 0 };
	char err[200];

	loop = ns_loop_new(NS_CLOCK_REAL, 1);
	cr_assert_null(ns_relay_new(loop, spec, &ops, NULL, err, sizeof(err)));
	cr_assert(strstr(err, "socket end"), "%s", err);
	ns_loop_free(loop);
}

/* A whole run: nobody opens the COM port in time.  The analyzer, reading
 * the capture's kdh-serial records, says what the wire showed. */
Test(serial_kd, run_without_debugger_reports_unanswered_resets)
{
	char *dir = g_dir_make_tmp("kdh-serial-run-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "nodbg.kdh", NULL);
	char *res = g_build_filename(dir, "results", NULL);
	char *json = g_build_filename(dir, "s.json", NULL), *out, *err, *j;
	const char *text =
		"[scenario]\ntimeout = 1m\nserial = link win:serial0 debugger\n"
		"[network lan]\n[debugger]\nstart = never\n"
		"[vm win]\nnet0: e1000=BC:24:11:00:00:50,bridge=lan\n"
		"serial0: socket\ndbgsettings = serial debugport:1\n"
		"ip = 192.168.2.72/24\n"
		"[expect]\noutcome = timeout\nserial_connect_time = none\n";
	const char *argv[] = { getenv("KDH_BIN"), "run", sc, "--results", res,
		"--json", json, "--seed", "3", NULL };

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s%s", out, err);
	cr_assert(strstr(out, "PASS  nodbg"), "%s", out);
	cr_assert(g_file_get_contents(json, &j, NULL, NULL));
	cr_assert(strstr(j, "3 KD packets (3 RESETs) on serial0, no reset exchange "
			 "with debugger"), "%s", j);
	{	/* kdh analyze reads the same from the capture, without a key */
		GDir *d = g_dir_open(res, 0, NULL);
		const char *run = d ? g_dir_read_name(d) : NULL;
		char *cap = g_build_filename(res, run ? run : "?", "nodbg",
					     "capture.pcapng", NULL), *a, *e;
		const char *an[] = { getenv("KDH_BIN"), "analyze", cap, NULL };

		/* no reset exchange: no debuggee connected, exit 1 */
		cr_assert_eq(test_run(an, &a, &e), 1, "%s%s", a, e);
		cr_assert(strstr(a, "win:serial0>debugger  51 bytes, 3 KD packets "
				 "(3 RESET)"), "%s", a);
		cr_assert(strstr(a, "serial_connect_time_s -"), "%s", a);
		g_free(a); g_free(e); g_free(cap);
		g_dir_close(d);
	}
	g_free(j); g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(json); g_free(res); g_free(sc); g_free(dir);
}
