// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_watch.c - `kdh bench watch`: the CPU kdh watch costs on a busy
 * bridge, with its BPF filter for the VM's MACs and, as the reference in
 * the same run, without one
 *
 * In a private network namespace (a child process, so the caller's is
 * untouched): a bridge vmbr0 with the watched VM's tap tap100i0 and a tap
 * tap101i0 whose fd this process writes BENCH_RATE frames a second into,
 * none of them the VM's -- broadcast ARP from 256 other MACs, unicast UDP
 * to MACs the bridge does not know (both flooded to tap100i0), and
 * broadcast DHCP OFFERs to other clients (the filter's chaddr test) --
 * plus one DHCPDISCOVER a second from the VM, so the watch has its VM to
 * follow.  kdh watch (this executable) runs on tap100i0 for a fixed time;
 * its CPU is what wait4() says it used, user and system, against the wall
 * time it ran: per cent of one core.  Alternating rounds, the best counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"
#include "netsim/topo.h"

#define BENCH_RATE	10000		/* frames per second, not the VM's */
#define BENCH_BATCH	10		/* written every BENCH_RATE/BATCH-th s */
#define BENCH_SECONDS	"5s"
#define BENCH_SECS	5
#define VM_MAC		"bc:24:11:00:01:30"

static const uint8_t vm_mac[ETH_ALEN] = { 0xbc, 0x24, 0x11, 0x00, 0x01, 0x30 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t dhcp_frame(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN],
			 uint8_t type, const uint8_t chaddr[ETH_ALEN], uint32_t xid)
{
	struct dhcp_msg m = { .op = type == DHCPOFFER ? 2 : 1, .msg_type = type,
			      .xid = xid };
	bool reply = type == DHCPOFFER;
	uint8_t msg[400];
	size_t n;

	memcpy(m.chaddr, chaddr, ETH_ALEN);
	if (reply)
		m.yiaddr = 0xc0a8020f;
	n = dhcp_build(&m, msg, sizeof(msg));
	if (reply)
		return udp_frame_build(buf, cap, mac_broadcast, src, 0xc0a80202,
				       DHCP_SERVER_PORT, 0xffffffff,
				       DHCP_CLIENT_PORT, msg, n);
	return udp_frame_build(buf, cap, mac_broadcast, src, 0, DHCP_CLIENT_PORT,
			       0xffffffff, DHCP_SERVER_PORT, msg, n);
}

/* Frame @i of the load: none is the VM's */
static size_t load_frame(uint8_t *buf, size_t cap, uint64_t i)
{
	uint8_t other[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, (uint8_t)(i >> 8 & 1),
				    (uint8_t)i };
	uint8_t unknown[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x01, 0x00, (uint8_t)i };
	static const uint8_t payload[64];

	switch (i % 3) {
	case 0:
		return arp_frame_build(buf, cap, ARP_OP_REQUEST, other,
				       0xc0a80300 | (uint32_t)(i & 0xff), other,
				       0xc0a80301);
	case 1:
		return udp_frame_build(buf, cap, unknown, other, 0xc0a80300 |
				       (uint32_t)(i & 0xff), 40000, 0xc0a80301, 40000,
				       payload, sizeof(payload));
	default:
		return dhcp_frame(buf, cap, other, DHCPOFFER, unknown, (uint32_t)i);
	}
}

/* kdh watch, its output to @out_fd (the summary says what it read) */
static pid_t watch_spawn(bool filtered, int out_fd)
{
	const char *argv[] = { "kdh", "watch", "--iface", "tap100i0", "--for",
			       BENCH_SECONDS, filtered ? "--mac" : NULL, VM_MAC,
			       NULL };
	pid_t pid = fork();

	if (pid == 0) {
		if (dup2(out_fd, STDOUT_FILENO) < 0 ||
		    !freopen("/dev/null", "w", stderr))
			_exit(127);
		execv("/proc/self/exe", (char **)argv);
		_exit(127);
	}
	return pid;
}

/* The frames the watch's summary says it read: "tap100i0 (live): N frames" */
static uint64_t frames_read(FILE *f)
{
	char line[256];
	unsigned long long n = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tap100i0 (live): %llu frames", &n) == 1)
			break;
	return n;
}

/* One watch under the load: its CPU per wall second, or -1 */
static double round_run(int fd, bool filtered, uint64_t *sent, uint64_t *read)
{
	FILE *out = tmpfile();
	double t0 = now_s(), next = t0, cpu;
	pid_t pid = out ? watch_spawn(filtered, fileno(out)) : -1;
	struct rusage ru;
	uint8_t buf[600];
	uint64_t i = 0;
	int status;
	pid_t done;

	if (pid < 0)
		return -1;
	while ((done = wait4(pid, &status, WNOHANG, &ru)) == 0) {
		struct timespec ts;

		for (int k = 0; k < BENCH_BATCH; k++, i++)
			if (write(fd, buf, load_frame(buf, sizeof(buf), i)) < 0 &&
			    errno != EAGAIN)
				break;
		if (i % BENCH_RATE == 0 &&
		    write(fd, buf, dhcp_frame(buf, sizeof(buf), vm_mac, DHCPDISCOVER,
					      vm_mac, (uint32_t)i)) < 0)
			break;
		next += (double)BENCH_BATCH / BENCH_RATE;
		ts.tv_sec = (time_t)next;
		ts.tv_nsec = (long)((next - (double)ts.tv_sec) * 1e9);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	if (done != pid)
		done = wait4(pid, &status, 0, &ru);	/* the load failed */
	*read = out ? frames_read(out) : 0;
	if (out)
		fclose(out);
	if (done != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -1;			/* 0 or 1: it watched */
	*sent = i;
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return cpu / (now_s() - t0);
}

static int topo_build(struct ns_topo **t, int *vm_fd, int *load_fd)
{
	char err[256];

	*t = NULL;
	if (ns_topo_netns_private(err, sizeof(err)) ||
	    !(*t = ns_topo_open(err, sizeof(err)))) {
		fprintf(stderr, "kdh bench watch: %s\n", err);
		return -1;
	}
	if (ns_topo_bridge_add(*t, "vmbr0", false) ||
	    ns_topo_tap_open(*t, "tap100i0", vm_fd) ||
	    ns_topo_port_add(*t, "tap100i0", "vmbr0", 0) ||
	    ns_topo_tap_open(*t, "tap101i0", load_fd) ||
	    ns_topo_port_add(*t, "tap101i0", "vmbr0", 0)) {
		fprintf(stderr, "kdh bench watch: %s\n", ns_topo_error(*t));
		return -1;
	}
	return 0;
}

static int bench_child(unsigned rounds)
{
	double best[2] = { 1e9, 1e9 };
	uint64_t sent = 0, read[2] = { 0, 0 };
	struct ns_topo *t;
	int vm_fd = -1, load_fd = -1, rc = 0;

	if (topo_build(&t, &vm_fd, &load_fd))
		rc = 1;
	for (unsigned k = 0; !rc && k < rounds; k++)
		for (int f = 1; f >= 0 && !rc; f--) {	/* filtered first */
			double cpu = round_run(load_fd, f, &sent, &read[f]);

			if (cpu < 0) {
				fprintf(stderr, "kdh bench watch: kdh watch "
					"failed\n");
				rc = 1;
			} else if (cpu < best[f]) {
				best[f] = cpu;
			}
		}
	if (!rc) {
		printf("watch: %d frames/s that are not the VM's through vmbr0 (and "
		       "1/s from it), kdh watch on tap100i0 for %d s; best of %u "
		       "rounds, CPU (user + system) per wall second\n", BENCH_RATE,
		       BENCH_SECS, rounds);
		printf("  with the VM's MAC filter  %6.2f %% of one core (goal: a "
		       "few per cent), %llu frames read (last round)\n",
		       best[1] * 100, (unsigned long long)read[1]);
		printf("  without a filter          %6.2f %% of one core, %llu "
		       "frames read (last round)\n", best[0] * 100,
		       (unsigned long long)read[0]);
		printf("  last round: %llu frames written in %d s\n",
		       (unsigned long long)sent, BENCH_SECS);
	}
	if (t)
		ns_topo_teardown(t);
	ns_topo_close(t);
	if (vm_fd >= 0)
		close(vm_fd);
	if (load_fd >= 0)
		close(load_fd);
	return rc;
}

/**
 * bench_watch() - kdh watch's CPU on a busy bridge, filtered and not
 * @rounds:	best of this many, alternating
 *
 * Return: 0, 1 when a step failed, 2 without CAP_NET_ADMIN
 */
int bench_watch(unsigned rounds)
{
	return bench_netns_fork("watch", "a bridge", bench_child, rounds);
}
