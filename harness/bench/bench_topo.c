// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_topo.c - `kdh bench topo`: building a Proxmox-like topology (one
 * bridge, 32 taps enslaved and up) and tearing it down, with libnl in
 * this process against `ip` commands, in one run, in a private network
 * namespace (a child process, so the caller's namespace is untouched)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "netsim/topo.h"

#define TAPS	32

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One round with libnl: bridge, taps (tun fds), enslave + up, then all
 * deleted in one request (as kdh tears a scenario's topology down) */
static int round_libnl(double *secs)
{
	char err[256], name[16];
	int fd[TAPS];
	double t0 = now_s();
	struct ns_topo *t = ns_topo_open(err, sizeof(err));
	int rc = t ? ns_topo_bridge_add(t, "vmbr0", false) : -1;

	for (int i = 0; !rc && i < TAPS; i++) {
		snprintf(name, sizeof(name), "tap%di0", 100 + i);
		rc = ns_topo_tap_open(t, name, &fd[i]);
		if (!rc)
			rc = ns_topo_port_add(t, name, "vmbr0", 0);
		if (rc && fd[i] >= 0)
			close(fd[i]);
		if (rc)
			while (i-- > 0)
				close(fd[i]);
	}
	if (!rc) {
		rc = ns_topo_teardown(t);	/* one batch: bridge and taps */
		for (int i = 0; i < TAPS; i++)
			close(fd[i]);
	}
	*secs = now_s() - t0;
	if (rc)
		fprintf(stderr, "kdh bench topo: %s\n", t ? ns_topo_error(t) : err);
	ns_topo_close(t);
	return rc;
}

static int ip(const char *cmd)
{
	char line[160];

	snprintf(line, sizeof(line), "ip %s", cmd);
	return system(line) ? -1 : 0;
}

/* The same with `ip` (iproute2), one command per step and per link, as
 * scripts (and Proxmox's ifupdown hooks) do */
static int round_ip(double *secs)
{
	char cmd[120];
	double t0 = now_s();
	int rc = ip("link add vmbr0 type bridge") || ip("link set vmbr0 up");

	for (int i = 0; !rc && i < TAPS; i++) {
		snprintf(cmd, sizeof(cmd), "tuntap add dev tap%di0 mode tap", 100 + i);
		rc = ip(cmd);
		snprintf(cmd, sizeof(cmd), "link set tap%di0 master vmbr0 up", 100 + i);
		rc = rc || ip(cmd);
	}
	for (int i = 0; !rc && i < TAPS; i++) {
		snprintf(cmd, sizeof(cmd), "link del tap%di0", 100 + i);
		rc = ip(cmd);
	}
	rc = rc || ip("link del vmbr0");
	*secs = now_s() - t0;
	return rc;
}

static int bench_child(unsigned rounds)
{
	double nl = 1e9, cmd = 1e9, s;
	char err[256];

	if (ns_topo_netns_private(err, sizeof(err))) {
		fprintf(stderr, "kdh bench topo: %s\n", err);
		return 2;
	}
	for (unsigned k = 0; k < rounds; k++) {
		if (round_libnl(&s))
			return 1;
		nl = s < nl ? s : nl;
		if (round_ip(&s)) {
			fprintf(stderr, "kdh bench topo: an ip command failed\n");
			return 1;
		}
		cmd = s < cmd ? s : cmd;
	}
	printf("topo: 1 bridge + %d taps created, enslaved, up, then deleted; "
	       "best of %u rounds, in a private network namespace\n", TAPS, rounds);
	printf("  libnl  %8.2f ms\n  ip     %8.2f ms\n  libnl is %.1fx faster "
	       "(goal >= 10x, <= 50 ms)\n", nl * 1e3, cmd * 1e3, cmd / nl);
	return 0;
}

/**
 * bench_netns_fork() - run a benchmark that builds a network namespace of
 * its own in a child process, so the namespace goes with it
 * @name:	its name after "kdh bench", for the message
 * @what:	what it builds, for the message
 * @child:	the benchmark, called with @rounds in the child
 * @rounds:	passed on
 *
 * Return: the child's status, 1 when it did not exit, 2 without
 * CAP_NET_ADMIN
 */
int bench_netns_fork(const char *name, const char *what,
		     int (*child)(unsigned), unsigned rounds)
{
	pid_t pid;
	int status;

	if (!ns_topo_can_admin()) {
		fprintf(stderr, "kdh bench %s: needs root or CAP_NET_ADMIN (it "
			"builds %s in a network namespace of its own)\n", name, what);
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int rc = child(rounds);

		fflush(stdout);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

/**
 * bench_topo() - libnl against ip(8), side by side
 * @rounds:	best of this many
 *
 * Return: 0, 1 when a step failed, 2 without CAP_NET_ADMIN
 */
int bench_topo(unsigned rounds)
{
	return bench_netns_fork("topo", "bridges", bench_child, rounds);
}
