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
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/* Serve the relay until killed; a byte on @ready once both ends listen */
static void relay_child(char *const path[2], int ready)
{
	static const struct ns_relay_ops ops = { 0 };
	const char *spec[2];
	char s0[160], s1[160], err[256];
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct ns_relay *r;

	snprintf(s0, sizeof(s0), "listen:%s", path[0]);
	snprintf(s1, sizeof(s1), "listen:%s", path[1]);
	spec[0] = s0;
	spec[1] = s1;
	r = l ? ns_relay_new(l, spec, &ops, NULL, err, sizeof(err)) : NULL;
	if (r && write(ready, "", 1) == 1)
		ns_loop_run(l, NS_NEVER);	/* until the parent kills it */
	_exit(1);
}

/**
 * bench_relay() - the relay's throughput and latency against a socketpair
 * @rounds:	repetitions of each side, alternating; the best counts
 *
 * Return: 0, or 2 when the relay could not be set up
 */
int bench_relay(unsigned rounds)
{
	char dir[] = "/tmp/kdh-bench-relay-XXXXXX", pa[64], pb[64];
	char *const path[2] = { pa, pb };
	double rate[2] = { 0 }, rtt[2] = { 1e9, 1e9 };
	int a = -1, b = -1, sv[2], ready[2], rc = 2;
	char c;
	pid_t pid;

	if (!mkdtemp(dir) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 2;
	if (pipe(ready)) {
		close(sv[0]);
		close(sv[1]);
		rmdir(dir);
		return 2;
	}
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	pid = fork();
	if (!pid)
		relay_child(path, ready[1]);
	close(ready[1]);
	if (pid > 0 && read(ready[0], &c, 1) == 1 && (a = connect_to(pa)) >= 0 &&
	    (b = connect_to(pb)) >= 0) {
		for (unsigned k = 0; k < rounds; k++) {
			double r1 = stream_rate(a, b), r0 = stream_rate(sv[0], sv[1]);
			double l1 = round_trip_us(a, b), l0 = round_trip_us(sv[0], sv[1]);

			rate[1] = r1 > rate[1] ? r1 : rate[1];
			rate[0] = r0 > rate[0] ? r0 : rate[0];
			rtt[1] = l1 && l1 < rtt[1] ? l1 : rtt[1];
			rtt[0] = l0 && l0 < rtt[0] ? l0 : rtt[0];
		}
		printf("relay: %u MiB one way, %u round trips, best of %u rounds\n",
		       BYTES >> 20, PINGS, rounds);
		printf("  throughput  relay %8.0f MiB/s   socketpair %8.0f MiB/s   "
		       "ratio %.3f\n", rate[1], rate[0], rate[0] ? rate[1] / rate[0] : 0);
		printf("  round trip  relay %8.1f us      socketpair %8.1f us      "
		       "added per direction %.1f us\n", rtt[1], rtt[0],
		       (rtt[1] - rtt[0]) / 2);
		printf("  (serial at 115200 baud: 0.011 MiB/s, 87 us per byte)\n");
		rc = rate[1] > 0 ? 0 : 2;
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	close(ready[0]);
	close(sv[0]);
	close(sv[1]);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
	return rc;
}
