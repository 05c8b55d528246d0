// SPDX-License-Identifier: GPL-2.0-or-later
/* bench_kd_boot.c - `kdh bench kd`, second half: what a boot that loads
 * 200 drivers costs with kdh's debugger attached
 *
 * Theory of operation: the same debuggee boots as a scenario twice, once
 * simulated (virtual time: every wait for a continue is exactly the
 * model's, 2 ms of driver loading per module and nothing for the
 * debugger) and once as the agent in QEMU over a real NIC (real time:
 * each load symbols crosses QEMU's e1000, kdh's switch and the debugger
 * before its continue comes back).  From each capture, as `kdh analyze`
 * reads it, the KD phase is the time from the first load symbols to the
 * last continue: how long the boot was held at the kernel's module loads.
 * Without a debugger Windows does not wait at all (KdDebuggerNotPresent):
 * the loads alone take 200 x 2 ms in the model, the reference the ratio
 * is taken against.  The VM half needs QEMU and the agent image and is
 * skipped, with the reason, where they are missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kdh/bench/bench.h"
#include "kdh/util/datadir.h"
#include "kdh/util/fileio.h"
#include "kdh/kdnet/kd_api.h"
#include "kdh/run/run.h"

#define DRIVERS		200
#define DRIVER_LOAD_S	0.002

static const char boot_text[] =
	"[scenario]\n"
	"timeout = 3m\n"
	"[network lan]\n"
	"type = static\n"
	"subnet = 192.168.2.0/24\n"
	"[vm agent]\n"
	"target = %s\n"
	"ostype: other\n"
	"net0: e1000=BC:24:11:00:02:00,bridge=lan\n"
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1.2.3.4\n"
	"dhcp = no\n"
	"ip = 192.168.2.72/24\n"
	"drivers = %u\n"
	"timing.driver_load = 2ms\n";

/* The KD phase of the capture @path: first load symbols to last continue */
static double kd_phase_s(const char *path)
{
	uint8_t k[KDNET_KEY_LEN];
	struct analysis *a;
	const struct an_kd *kd;
	struct capfile *cf;
	struct cap_frame f;
	char err[200];
	uint64_t first = AN_NONE, last = AN_NONE;
	double s = -1;

	if (kdnet_key_parse("1.2.3.4", k, NULL, 0) ||
	    !(cf = capfile_open(path, err, sizeof(err))))
		return -1;
	a = analysis_new(k, 0);
	while (a && capfile_next(cf, &f) == 1)
		analysis_feed(a, &f);
	kd = a ? analysis_vm_kd(a, "agent") : NULL;
	for (size_t i = 0; kd && kd->log && i < kd->log->len; i++) {
		const struct an_kd_line *l = &g_array_index(kd->log,
							    struct an_kd_line, i);

		if (l->kind == KD_NOTE_LOAD && first == AN_NONE)
			first = l->t_ns;
		if (l->kind == KD_NOTE_CONTINUE)
			last = l->t_ns;
	}
	if (first != AN_NONE && last != AN_NONE && last > first)
		s = (double)(last - first) / 1e9;
	analysis_free(a);
	capfile_close(cf);
	return s;
}

/* Run the boot as @target ("sim" or "vm"); its KD phase in s, or -1 */
static double boot_kd_phase(const char *target, const char *dir,
			    char *why, size_t len)
{
	struct run_opts o = { .seed = 1, .results_dir = dir };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct scenario_result *r = calloc(1, sizeof(*r));
	char text[sizeof(boot_text) + 64], err[512];
	double s = -1;

	snprintf(text, sizeof(text), boot_text, target, DRIVERS);
	if (!sc || !r || scenario_parse("bench-kd-boot", text, sc, err,
					sizeof(err))) {
		snprintf(why, len, "%s", sc && r ? err : "out of memory");
	} else {
		snprintf(sc->name, sizeof(sc->name), "kd-boot-%s", target);
		run_scenario(sc, &o, r);
		if (r->verdict == V_SKIP || r->verdict == V_ERROR)
			snprintf(why, len, "%s", r->reason);
		else if ((s = kd_phase_s(r->capture)) < 0)
			snprintf(why, len, "no KD phase in %s", r->capture);
	}
	free(sc);
	free(r);
	return s;
}

/**
 * bench_kd_boot() - the KD phase of a 200-driver boot, simulated and in
 * QEMU, against the loads alone
 * @rounds:	repetitions of the VM boot; the best counts
 *
 * Return: 0, or 2 when the simulated boot failed
 */
int bench_kd_boot(unsigned rounds)
{
	char dir[] = "/tmp/kdh-bench-kd-XXXXXX", why[600] = "", agent[600];
	double loads = DRIVERS * DRIVER_LOAD_S, sim, vm = 1e9;

	if (!mkdtemp(dir))
		return 2;
	sim = boot_kd_phase("sim", dir, why, sizeof(why));
	if (sim < 0) {
		fprintf(stderr, "kdh bench kd: %s\n", why);
		rmtree(dir);
		return 2;
	}
	printf("a boot that loads nt, hal and %u drivers (%.0f ms of loading in "
	       "the model), first load symbols to last continue, from the "
	       "capture:\n", DRIVERS, loads * 1e3);
	printf("  %-44s %8.1f ms   ratio to the loads alone %.3f\n",
	       "simulated (virtual time)", sim * 1e3, sim / loads);
	if (kdh_agent_dir(agent, sizeof(agent))) {
		printf("  in QEMU: skipped, no agent image (%s)\n", agent);
		rmtree(dir);
		return 0;
	}
	for (unsigned k = 0; k < rounds; k++) {
		double s = boot_kd_phase("vm", dir, why, sizeof(why));

		if (s < 0) {
			printf("  in QEMU: skipped: %s\n", why);
			rmtree(dir);
			return 0;
		}
		vm = s < vm ? s : vm;
	}
	printf("  %-44s %8.1f ms   ratio to the loads alone %.3f\n",
	       "agent in QEMU, real NIC (best of rounds)", vm * 1e3, vm / loads);
	printf("  kdh's debugger added %.1f ms to the boot in QEMU, %.2f ms per "
	       "module (a boot without a debugger does not wait)\n",
	       (vm - loads) * 1e3, (vm - loads) * 1e3 / (DRIVERS + 2));
	rmtree(dir);
	return 0;
}
