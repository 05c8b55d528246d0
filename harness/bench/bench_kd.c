// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_kd.c - `kdh bench kd`: how long the debugger keeps a guest waiting
 *
 * Theory of operation: a child process runs the debugger endpoint with its
 * KD engine (debugger.c, as `kdh listen` does) on a UDP socket on
 * 127.0.0.1; the parent plays the Windows guest: announcement, the session
 * key from the reply, the first data packet, then load-symbols state
 * changes, each sent when the continue for the one before has arrived (the
 * guest waits, as KdpSendWaitContinue does).  The time from a state
 * change's send to its continue's arrival is what the guest waits per
 * module loaded.  Beside it, in the same run and rounds: the same
 * datagrams sent to a child that echoes them unopened (loopback and the
 * process hop alone), and kd_engine_input() alone in this process.  Then
 * WinDbg's own times, read from the bundled capture when the source tree
 * is there (a person's debugger, with symbols and a UI: a reference, not
 * a race).  Then a whole boot's cost: bench_kd_boot.c.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "kdh/debugger/debugger.h"
#include "kdh/debugger/kd_engine.h"
#include "kdh/kdnet/kdnet_decoder.h"
#include "kdh-config.h"
#include "netsim/capfile.h"
#include "netsim/pkt.h"

#define LOADS		2000
#define GUEST_IP	0x7f000001u

struct guest {
	int s;
	struct sockaddr_in to;
	struct kdnet_cipher *c;
	uint32_t counter, id;
	uint8_t buf[2048], plain[2048];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const uint8_t bench_key[KDNET_KEY_LEN] = { 1, 2, 3, 4 };

static void send_sealed(struct guest *g, uint8_t ch, const uint8_t *pl,
			size_t len)
{
	struct kdnet_packet p = { .version = 5, .channel = ch,
		.counter = ++g->counter, .payload = pl, .payload_len = len };
	int n = kdnet_seal(g->c, &p, g->buf, sizeof(g->buf));

	if (n > 0)
		sendto(g->s, g->buf, (size_t)n, 0, (struct sockaddr *)&g->to,
		       sizeof(g->to));
}

/* The next data packet from the debugger (its ACKs skipped), 0: none */
static int recv_kd(struct guest *g, struct kd_packet *k, int ms)
{
	struct pollfd pfd = { .fd = g->s, .events = POLLIN };
	struct kdnet_packet p;
	struct kd_payload pl;
	ssize_t n;

	while (poll(&pfd, 1, ms) == 1) {
		n = recv(g->s, g->buf, sizeof(g->buf), 0);
		if (n <= 0 || kdnet_open(g->c, g->buf, (size_t)n, g->plain,
					 sizeof(g->plain), &p))
			return 0;
		if (p.channel == KDNET_CH_DATA &&
		    !kd_payload_parse(p.payload, p.payload_len, &pl) &&
		    pl.kind == KD_PAYLOAD_PACKET) {
			*k = pl.pkt;
			return 1;
		}
	}
	return 0;
}

static void send_kd(struct guest *g, uint32_t leader, uint16_t type,
		    uint32_t id, const uint8_t *body, uint16_t len)
{
	uint8_t pkt[KD_HDR_LEN + 512];
	int n = kd_packet_build(leader, type, id, body, len, 0, pkt, sizeof(pkt));

	if (n > 0)
		send_sealed(g, KDNET_CH_DATA, pkt, (size_t)n);
}

/* The handshake and the first packet (RESEND, then ACK): 0 when done */
static int guest_connect(struct guest *g, uint16_t port)
{
	struct kdnet_announce a = { .debuggee_ip = GUEST_IP,
		.debuggee_port = port, .debugger_ip = GUEST_IP,
		.debugger_port = port };
	uint8_t body[KDNET_ANNOUNCE_LEN], kd[KDNET_KEY_LEN], first[12] = { 0 };
	uint8_t print[64];
	struct pollfd pfd = { .fd = g->s, .events = POLLIN };
	struct kdnet_packet p;
	struct kd_packet k;
	ssize_t n = 0;
	int len;

	kdnet_announce_build(&a, body);
	for (int i = 0; i < 100 && n <= 0; i++) {
		send_sealed(g, KDNET_CH_CONTROL, body, sizeof(body));
		if (poll(&pfd, 1, 50) == 1)
			n = recv(g->s, g->buf, sizeof(g->buf), 0);
	}
	if (n <= 0 || kdnet_open(g->c, g->buf, (size_t)n, g->plain,
				 sizeof(g->plain), &p) ||
	    kdnet_data_key(bench_key, p.payload, p.payload_len, kd) ||
	    kdnet_cipher_set_data_key(g->c, kd) < 0)
		return -1;
	send_sealed(g, KDNET_CH_DATA, first, sizeof(first));
	len = kd_debug_io_build(KD_API_PRINT_STRING, "bench\n", 0, print,
				sizeof(print));
	for (int i = 0; i < 2; i++)	/* WinDbg's RESEND, then its ACK */
		send_kd(g, KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 0, print,
			(uint16_t)len);
	g->id = 2;
	return recv_kd(g, &k, 1000) && k.type == KD_TYPE_RESEND ? 0 : -1;
}

/* One load symbols until its continue: seconds, 0 on failure */
static double guest_load(struct guest *g)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
		.base = 0xfffff80312000000ull, .size = 0x10000 };
	uint8_t body[KD_STATE_LEN + 32], reply[KD_MANIP_LEN];
	struct kd_version v = { .major = 0xf, .build = 26100, .protocol = 6 };
	struct kd_manip m = { 0 };
	struct kd_packet k;
	double t0 = now_s();
	int len;

	snprintf(sc.name, sizeof(sc.name), "drv%u.sys", g->id);
	len = kd_state_change_build(&sc, body, sizeof(body));
	send_kd(g, KD_LEADER_DATA, KD_TYPE_STATE_CHANGE64, g->id, body,
		(uint16_t)len);
	g->id += 2;
	while (recv_kd(g, &k, 1000)) {
		if (k.leader != KD_LEADER_DATA)
			continue;
		send_kd(g, KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE, k.id, NULL, 0);
		if (k.count >= 4 && kd_le32(k.data) == KD_API_GET_VERSION) {
			kd_version_build(&v, &m);
			kd_manip_build(&m, NULL, 0, reply, sizeof(reply));
			send_kd(g, KD_LEADER_DATA, KD_TYPE_STATE_MANIPULATE, g->id,
				reply, sizeof(reply));
			g->id += 2;
		} else if (k.count >= 4 && kd_le32(k.data) == KD_API_CONTINUE2) {
			return now_s() - t0;
		}
	}
	return 0;
}

struct child_ctx {
	struct ns_loop *loop;
	int fd;
	struct debugger *dbg;
	uint8_t buf[2048];
};

static void child_send(void *opaque, uint32_t ip, uint16_t port,
		       const uint8_t *d, size_t len)
{
	struct child_ctx *c = opaque;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(ip) };

	sendto(c->fd, d, len, 0, (struct sockaddr *)&to, sizeof(to));
}

static void child_readable(void *opaque, int fd, short revents)
{
	struct child_ctx *c = opaque;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(fd, c->buf, sizeof(c->buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) > 0) {
		if (!c->dbg) {		/* the echo: back unopened */
			sendto(fd, c->buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
			continue;
		}
		debugger_input(c->dbg, ntohl(from.sin_addr.s_addr),
			       ntohs(from.sin_port), c->buf, (size_t)n,
			       ns_loop_now(c->loop));
		fl = sizeof(from);
	}
}

/* The debugger (or, @echo, a plain echo) on @fd until killed */
static void child_run(int fd, bool echo)
{
	static const struct debugger_ops ops = { .send = child_send };
	static const struct kd_engine_cfg cfg = { 0 };
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct child_ctx c = { .loop = l, .fd = fd };

	if (!l)
		_exit(1);
	if (!echo && (!(c.dbg = debugger_new(bench_key, ns_loop_rng(l), &ops,
					      &c)) ||
		      debugger_set_kd(c.dbg, &cfg, l)))
		_exit(1);
	if (ns_loop_add_fd(l, fd, POLLIN, child_readable, &c, "bench"))
		_exit(1);
	ns_loop_run(l, NS_NEVER);
	_exit(0);
}

/* A child on a fresh 127.0.0.1 port; the guest socket aimed at it */
static pid_t child_start(bool echo, struct guest *g)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(GUEST_IP) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		return -1;
	g->to = sa;
	g->s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	g->c = kdnet_cipher_new(bench_key);
	g->counter = 0;
	pid = g->s >= 0 && g->c ? fork() : -1;
	if (!pid)
		child_run(fd, echo);
	close(fd);
	return pid;
}

static void child_stop(pid_t pid, struct guest *g)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (g->s >= 0)
		close(g->s);
	kdnet_cipher_free(g->c);
	g->c = NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and 99th percentile of @n waits, in microseconds */
static void spread(double *t, size_t n, double *p50, double *p99)
{
	qsort(t, n, sizeof(*t), cmp_double);
	*p50 = t[n / 2] * 1e6;
	*p99 = t[n * 99 / 100] * 1e6;
}

/* LOADS state changes through the engine: 0 and the waits, or -1 */
static int engine_round(double *t)
{
	struct guest g = { .s = -1 };
	pid_t pid = child_start(false, &g);
	int rc = pid > 0 && !guest_connect(&g, ntohs(g.to.sin_port)) ? 0 : -1;

	for (size_t i = 0; !rc && i <= LOADS; i++) {
		double w = guest_load(&g);

		if (!w)
			rc = -1;
		else if (i)		/* the first one also asks GetVersion */
			t[i - 1] = w;
	}
	child_stop(pid, &g);
	return rc;
}

/* The same-size datagram to the echo child and back, LOADS times */
static int echo_round(double *t)
{
	struct guest g = { .s = -1 };
	pid_t pid = child_start(true, &g);
	uint8_t d[KD_STATE_LEN + 100] = { 0 };
	int rc = pid > 0 ? 0 : -1;

	for (size_t i = 0; !rc && i < LOADS; i++) {
		struct pollfd pfd = { .fd = g.s, .events = POLLIN };
		double t0 = now_s();

		sendto(g.s, d, sizeof(d), 0, (struct sockaddr *)&g.to, sizeof(g.to));
		if (poll(&pfd, 1, 1000) != 1 || recv(g.s, d, sizeof(d), 0) <= 0)
			rc = -1;
		t[i] = now_s() - t0;
	}
	child_stop(pid, &g);
	return rc;
}

/* kd_engine_input() alone on a load symbols: seconds per call */
static double engine_alone(void)
{
	static struct kd_engine_out o;
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS };
	struct kd_engine_cfg cfg = { 0 };
	uint8_t body[KD_STATE_LEN + 16];
	struct kd_packet p = { .leader = KD_LEADER_DATA, .checksum_ok = true,
			       .type = KD_TYPE_STATE_CHANGE64, .data = body };
	struct kd_engine e;
	double t0;

	snprintf(sc.name, sizeof(sc.name), "drv.sys");
	p.count = (uint16_t)kd_state_change_build(&sc, body, sizeof(body));
	kd_engine_init(&e, &cfg);
	e.resend_sent = e.have_version = true;
	t0 = now_s();
	for (uint32_t i = 0; i < LOADS * 10; i++) {
		p.id = 2 * i;
		kd_engine_input(&e, &p, i, &o);
	}
	return (now_s() - t0) / (LOADS * 10);
}

/* WinDbg in the bundled capture: how long its debuggee waited for the
 * continue after load symbols (frame 8 -> 234) and for each FILE_IO
 * answer (median of 33); false when the capture is not there */
static bool windbg_times(double *load_s, double *file_s)
{
	char path[600], err[200];
	double files[64];
	size_t nf = 0;
	uint64_t asked = 0, loaded = 0;
	uint8_t key[KDNET_KEY_LEN];
	struct kdnet_decoder *d;
	struct capfile *cf;
	struct cap_frame f;

	snprintf(path, sizeof(path), "%s/tests/data/windbg-uncut.pcapng.gz",
		 KDH_SOURCE_ROOT);
	*load_s = 0;
	if (kdnet_key_parse("8.8.8.8", key, NULL, 0) ||
	    !(cf = capfile_open(path, err, sizeof(err))))
		return false;
	d = kdnet_decoder_new(key);
	while (d && capfile_next(cf, &f) == 1) {
		struct frame_view v;
		struct kdnet_record r;
		struct kdnet_endpoint src, dst;

		if (frame_parse(f.linktype, f.data, f.caplen, &v) ||
		    v.kind != FRAME_UDP)
			continue;
		src = (struct kdnet_endpoint){ v.ip.src, v.udp.sport };
		dst = (struct kdnet_endpoint){ v.ip.dst, v.udp.dport };
		kdnet_decoder_feed(d, &src, &dst, v.udp.payload, v.udp.len, &r);
		if (r.status != KDNET_VERIFIED || r.channel != KDNET_CH_DATA ||
		    r.kd_rc || r.kd.kind != KD_PAYLOAD_PACKET ||
		    r.kd.pkt.leader != KD_LEADER_DATA)
			continue;
		if (!r.from_debugger && r.kd.pkt.type == KD_TYPE_FILE_IO)
			asked = f.ts_ns;
		if (r.from_debugger && r.kd.pkt.type == KD_TYPE_FILE_IO && asked &&
		    nf < 64)
			files[nf++] = (double)(f.ts_ns - asked) / 1e9;
		if (!r.from_debugger && r.kd.pkt.type == KD_TYPE_STATE_CHANGE64 &&
		    !loaded)
			loaded = f.ts_ns;
		if (r.from_debugger && loaded && !*load_s &&
		    r.kd.pkt.type == KD_TYPE_STATE_MANIPULATE &&
		    r.kd.pkt.count >= 4 && kd_le32(r.kd.pkt.data) == KD_API_CONTINUE2)
			*load_s = (double)(f.ts_ns - loaded) / 1e9;
	}
	kdnet_decoder_free(d);
	capfile_close(cf);
	if (!nf || !*load_s)
		return false;
	qsort(files, nf, sizeof(*files), cmp_double);
	*file_s = files[nf / 2];
	return true;
}

/**
 * bench_kd() - the wait per state change with kdh's debugger, against a
 * plain echo on the same loopback, the engine alone, and WinDbg
 * @rounds:	repetitions, alternating; the best median counts
 *
 * Return: 0, or 2 when a child or the handshake failed
 */
int bench_kd(unsigned rounds)
{
	static double t[LOADS], e[LOADS];
	double best[2][2] = { { 1e9, 1e9 }, { 1e9, 1e9 } }, alone, load_s, file_s;

	for (unsigned k = 0; k < rounds; k++) {
		double p50, p99;

		if (engine_round(t) || echo_round(e))
			return 2;
		spread(t, LOADS, &p50, &p99);
		if (p50 < best[0][0]) {
			best[0][0] = p50;
			best[0][1] = p99;
		}
		spread(e, LOADS, &p50, &p99);
		if (p50 < best[1][0]) {
			best[1][0] = p50;
			best[1][1] = p99;
		}
	}
	alone = engine_alone();
	printf("kdh bench kd: %u load-symbols state changes, each waiting for its "
	       "continue, over UDP on 127.0.0.1; best of %u rounds\n", LOADS,
	       rounds);
	printf("  %-44s median %8.1f us   p99 %8.1f us\n",
	       "state change -> continue (kdh's engine)", best[0][0], best[0][1]);
	printf("  %-44s median %8.1f us   p99 %8.1f us\n",
	       "same-size datagram -> echo (no KDNET, no KD)", best[1][0],
	       best[1][1]);
	printf("  %-44s %8.2f us per packet\n", "kd_engine_input() alone", alone * 1e6);
	printf("  ratio engine / echo: %.2f (the rest: AES + HMAC both ways, the "
	       "engine, the loop)\n", best[0][0] / best[1][0]);
	if (windbg_times(&load_s, &file_s))
		printf("  WinDbg in the bundled capture: load symbols -> continue "
		       "%.1f ms (it read memory first), FILE_IO -> answer median "
		       "%.2f ms\n", load_s * 1e3, file_s * 1e3);
	else
		printf("  WinDbg's times: the bundled capture is not here (%s)\n",
		       KDH_SOURCE_ROOT "/tests/data");
	return bench_kd_boot(rounds);
}
