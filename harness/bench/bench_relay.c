// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_relay.c - `kdh bench relay`: what `kdh serial-link` costs, against
 * a direct socket pair measured in the same run
 *
 * The relay runs in a child process with two listen: ends, as in use; the
 * parent writes into one end and reads the other with the same poll loop
 * it uses on a plain socketpair, so the ratio is the relay's cost
 * (including its process hop).  Throughput: 64 MiB one way.  Latency: a
 * byte there and back, 2000 times.  Serial at 115200 baud moves 11.25
 * KiB/s and a byte takes 87 us, the scale these figures are for.
 *
 * --tcp: the relay as `kdh serial-link --tcp` serves WinDbg, a unix end
 * (QEMU's serial socket) and a tcp-listen: end on 127.0.0.1 (a free port),
 * against a loopback TCP connection, both TCP sockets with TCP_NODELAY as
 * the relay sets on the client it accepts.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "netsim/relay.h"

#define BYTES		(64u << 20)
#define PINGS		2000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MiB/s of BYTES written to @w and read from @r by one poll loop */
static double stream_rate(int w, int r)
{
	static uint8_t buf[65536];
	size_t out = 0, in = 0;
	double t0 = now_s();

	fcntl(w, F_SETFL, O_NONBLOCK);
	while (in < BYTES) {
		struct pollfd p[2] = { { w, out < BYTES ? POLLOUT : 0, 0 },
				       { r, POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, 10000) <= 0)
			return 0;
		if (p[0].revents & POLLOUT) {
			n = write(w, buf, BYTES - out < sizeof(buf) ? BYTES - out : sizeof(buf));
			out += n > 0 ? (size_t)n : 0;
		}
		if (p[1].revents & POLLIN) {
			n = read(r, buf, sizeof(buf));
			if (n <= 0)
				return 0;
			in += (size_t)n;
		}
	}
	fcntl(w, F_SETFL, 0);
	return BYTES / (now_s() - t0) / (1 << 20);
}

/* Microseconds for a byte from @a to @b and back */
static double round_trip_us(int a, int b)
{
	double t0 = now_s();
	uint8_t c = 'b';

	for (int i = 0; i < PINGS; i++)
		if (write(a, &c, 1) != 1 || read(b, &c, 1) != 1 ||
		    write(b, &c, 1) != 1 || read(a, &c, 1) != 1)
			return 0;
	return (now_s() - t0) / PINGS * 1e6;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP socket to 127.0.0.1:@port, without Nagle's delay */
static int tcp_connect(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* A listener on 127.0.0.1, a free port; its port in *@port */
static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* The reference of --tcp: a loopback TCP connection, @sv[0] to @sv[1] */
static int tcp_pair(int sv[2])
{
	uint16_t port;
	int l = tcp_listener(&port), one = 1;

	sv[0] = l >= 0 ? tcp_connect(port) : -1;
	sv[1] = sv[0] >= 0 ? accept4(l, NULL, NULL, SOCK_CLOEXEC) : -1;
	if (l >= 0)
		close(l);
	if (sv[1] < 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		return -1;
	}
	setsockopt(sv[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* Serve the relay between ends @spec until killed; a byte on @ready once
 * both listen */
static void relay_child(const char *const spec[2], int ready)
{
	static const struct ns_relay_ops ops = { 0 };
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_relay *r;
	char err[256];

	r = l ? ns_relay_new(l, spec, &ops, NULL, err, sizeof(err)) : NULL;
	if (r && write(ready, "", 1) == 1)
		ns_loop_run(l, NS_NEVER);	/* until the parent kills it */
	if (!r)
		fprintf(stderr, "kdh bench relay: %s\n", err);
	_exit(1);
}

/* the relay's two ends: where it listens, and where the bench connects */
struct ends {
	char dir[32], pa[64], pb[64];
	char spec_a[96], spec_b[96];
	uint16_t port;		/* --tcp: end b's */
	bool tcp;
};

/* A free port for end b (--tcp): taken from a listener closed at once */
static int ends_make(struct ends *e, bool tcp)
{
	int l;

	snprintf(e->dir, sizeof(e->dir), "/tmp/kdh-bench-relay-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	e->tcp = tcp;
	snprintf(e->pa, sizeof(e->pa), "%s/a", e->dir);
	snprintf(e->pb, sizeof(e->pb), "%s/b", e->dir);
	snprintf(e->spec_a, sizeof(e->spec_a), "listen:%s", e->pa);
	snprintf(e->spec_b, sizeof(e->spec_b), "listen:%s", e->pb);
	if (!tcp)
		return 0;
	l = tcp_listener(&e->port);
	if (l < 0)
		return -1;
	close(l);
	snprintf(e->spec_b, sizeof(e->spec_b), NS_RELAY_TCP "127.0.0.1:%u",
		 e->port);
	return 0;
}

/* The best of @rounds on the relay (@a, @b) and the reference (@sv) */
static int measure(int a, int b, const int sv[2], unsigned rounds, bool tcp)
{
	double rate[2] = { 0 }, rtt[2] = { 1e9, 1e9 };
	const char *ref = tcp ? "tcp pair  " : "socketpair";

	for (unsigned k = 0; k < rounds; k++) {
		double r1 = stream_rate(a, b), r0 = stream_rate(sv[0], sv[1]);
		double l1 = round_trip_us(a, b), l0 = round_trip_us(sv[0], sv[1]);

		rate[1] = r1 > rate[1] ? r1 : rate[1];
		rate[0] = r0 > rate[0] ? r0 : rate[0];
		rtt[1] = l1 && l1 < rtt[1] ? l1 : rtt[1];
		rtt[0] = l0 && l0 < rtt[0] ? l0 : rtt[0];
	}
	printf("relay%s: %u MiB one way, %u round trips, best of %u rounds\n",
	       tcp ? " --tcp (unix end to a tcp-listen: end on 127.0.0.1)" : "",
	       BYTES >> 20, PINGS, rounds);
	printf("  throughput  relay %8.0f MiB/s   %s %8.0f MiB/s   "
	       "ratio %.3f\n", rate[1], ref, rate[0],
	       rate[0] ? rate[1] / rate[0] : 0);
	printf("  round trip  relay %8.1f us      %s %8.1f us      "
	       "added per direction %.1f us\n", rtt[1], ref, rtt[0],
	       (rtt[1] - rtt[0]) / 2);
	printf("  (serial at 115200 baud: 0.011 MiB/s, 87 us per byte)\n");
	return rate[1] > 0 ? 0 : 2;
}

/**
 * bench_relay() - the relay's throughput and latency against a direct
 * connection of the same kind
 * @rounds:	repetitions of each side, alternating; the best counts
 * @tcp:	end b a tcp-listen: end on 127.0.0.1 (kdh serial-link --tcp),
 *		the reference a loopback TCP connection; else two unix ends
 *		against a socketpair
 *
 * Return: 0, or 2 when the relay could not be set up
 */
int bench_relay(unsigned rounds, bool tcp)
{
	const char *spec[2];
	struct ends e;
	int a = -1, b = -1, sv[2] = { -1, -1 }, ready[2], rc = 2;
	pid_t pid = -1;
	char c;

	if (ends_make(&e, tcp))
		return 2;
	spec[0] = e.spec_a;
	spec[1] = e.spec_b;
	if ((tcp ? tcp_pair(sv) : socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) ||
	    pipe(ready))
		goto out;
	pid = fork();
	if (!pid)
		relay_child(spec, ready[1]);
	close(ready[1]);
	if (pid > 0 && read(ready[0], &c, 1) == 1 && (a = connect_to(e.pa)) >= 0 &&
	    (b = tcp ? tcp_connect(e.port) : connect_to(e.pb)) >= 0)
		rc = measure(a, b, sv, rounds, tcp);
	close(ready[0]);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	unlink(e.pa);
	unlink(e.pb);
	rmdir(e.dir);
	if (rc)
		fprintf(stderr, "kdh bench relay: the relay could not be set up\n");
	return rc;
}
