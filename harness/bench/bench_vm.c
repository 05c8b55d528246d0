// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_vm.c - `kdh bench vm`: the agent image's boot under bare QEMU and
 * the same boot with its NIC on a kdh network (switch, slirp, capture), in
 * one run, alternating; the best of each and the overhead */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdh/target/agent.h"
#include "kdh/bench/bench.h"
#include "kdh/util/datadir.h"
#include "kdh/util/fileio.h"
#include "netsim/pcapng.h"
#include "netsim/ports.h"
#include "kdh/platform/qemu_argv.h"
#include "kdh/run/run.h"
#include "netsim/slirp_node.h"
#include "kdh/run/vm.h"

#define BOOT_LIMIT	(180 * NS_PER_S)

struct boot {
	struct ns_loop *loop;
	struct vm_proc proc;
	struct ns_timer *tick;
	uint64_t start, done;
};

static void tick_cb(void *opaque)
{
	struct boot *b = opaque;
	uint64_t now = ns_loop_now(b->loop);

	if (vm_console_has(&b->proc, AGENT_MARKER)) {
		b->done = now;
		ns_loop_stop(b->loop);
		return;
	}
	if (!vm_alive(&b->proc) || now > b->start + BOOT_LIMIT) {
		ns_loop_stop(b->loop);
		return;
	}
	ns_timer_mod(b->tick, now + 20 * NS_PER_MS);
}

/* Boot once, the NIC on kdh's network or on QEMU's own; seconds, or -1 */
static double boot_once(const char *dir, bool with_kdh)
{
	struct vmconf c = { .memory = 256, .cores = 1, .sockets = 1 };
	struct qemu_opts o = { .vmid = 900, .net = QEMU_NET_STREAM,
		.sock_dir = dir, .serial_dir = dir };
	char agent[4096], kernel[4200], initrd[4200], err[256], path[700];
	struct ns_slirp_config sc = { .dhcp = true };
	struct boot b = { 0 };
	struct ns_switch *sw = NULL;
	struct ns_slirp *slirp = NULL;
	struct ns_stream_listener *ls = NULL;
	struct ns_pcapng *cap = NULL;
	GPtrArray *argv;
	double secs = -1;

	snprintf(c.ostype, sizeof(c.ostype), "other");
	c.kvm = true;
	c.has_net[0] = true;
	snprintf(c.nets[0].model, sizeof(c.nets[0].model), "e1000");
	memcpy(c.nets[0].mac, (uint8_t[6]){ 0xbc, 0x24, 0x11, 0, 9, 9 }, 6);
	if (!with_kdh)
		o.net = QEMU_NET_USER;	/* the same NIC on QEMU's own slirp */
	kdh_agent_dir(agent, sizeof(agent));	/* bench_vm checked it */
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", agent);
	snprintf(initrd, sizeof(initrd), "%s/initrd.img", agent);
	snprintf(b.proc.console, sizeof(b.proc.console), "%s/console", dir);
	o.kernel = kernel;
	o.initrd = initrd;
	o.append = "console=ttyS0 quiet ipv6.disable=1 kdh.hostip=192.168.2.1 "
		   "kdh.key=1.2.3.4";
	o.console = b.proc.console;
	b.loop = ns_loop_new(NS_CLOCK_REAL, 1);
	if (with_kdh) {
		ns_subnet_parse("192.168.2.0/24", &sc.network, &sc.netmask);
		sw = ns_switch_new(b.loop, "bench");
		slirp = ns_slirp_new(sw, &sc, err, sizeof(err));
		snprintf(path, sizeof(path), "%s/net0.sock", dir);
		ls = ns_stream_listen(sw, path, "vm", NULL, NULL, err, sizeof(err));
		snprintf(path, sizeof(path), "%s/c.pcapng", dir);
		cap = ns_pcapng_open(path, err, sizeof(err));
		if (cap)
			ns_pcapng_attach(cap, sw);
	}
	unlink(b.proc.console);
	argv = qemu_argv_new(&c, &o, NULL, err, sizeof(err));
	if (!argv) {
		fprintf(stderr, "kdh bench: %s\n", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/vm.log", dir);
	b.tick = ns_timer_new(b.loop, tick_cb, &b);
	if (!vm_spawn(argv, path, &b.proc, err, sizeof(err))) {
		b.start = ns_loop_now(b.loop);
		ns_timer_mod(b.tick, b.start);
		ns_loop_run(b.loop, NS_NEVER);
		if (b.done)
			secs = (double)(b.done - b.start) / 1e9;
		vm_stop(&b.proc);
	}
	g_ptr_array_unref(argv);
out:
	ns_timer_free(b.tick);
	ns_stream_listener_free(ls);
	ns_pcapng_close(cap);
	ns_slirp_free(slirp);
	ns_switch_free(sw);
	ns_loop_free(b.loop);
	return secs;
}

/**
 * bench_vm() - bare QEMU vs QEMU on a kdh network, boot to the agent's
 * marker
 * @rounds:	boots of each kind, alternating
 *
 * Return: 0, 1 when a boot failed, 2 when QEMU or the image is missing
 */
int bench_vm(unsigned rounds)
{
	char dir[] = "/tmp/kdh-bench-vm-XXXXXX", path[4096], why[600];
	double best[2] = { 1e9, 1e9 }, t;

	if (kdh_agent_dir(path, sizeof(path))) {
		kdh_agent_missing(why, sizeof(why));
		fprintf(stderr, "kdh bench vm: requires %s\n", why);
		return 2;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "kdh bench vm: %s: cannot create\n", dir);
		return 2;
	}
	for (unsigned r = 0; r < rounds; r++)
		for (int k = 0; k < 2; k++) {
			t = boot_once(dir, k);
			if (t < 0) {
				fprintf(stderr, "kdh bench vm: a boot failed (QEMU's "
					"log: %s/vm.log)\n", dir);
				return 1;
			}
			best[k] = t < best[k] ? t : best[k];
		}
	printf("kdh bench vm: boot of the agent image to \"%s\" under TCG, best "
	       "of %u, alternating\n", AGENT_MARKER, rounds);
	printf("  %-36s %7.3f s\n", "bare QEMU (e1000 on -netdev user)", best[0]);
	printf("  %-36s %7.3f s\n", "QEMU + e1000 on kdh (slirp, capture)", best[1]);
	printf("  overhead %+.1f %% (goal <= 2 %%; TCG boots vary by a few %%)\n",
	       (best[1] - best[0]) / best[0] * 100);
	rmtree(dir);
	return 0;
}
