/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench.h - benchmark subjects of `kdh bench` */
#ifndef KDH_BENCH_H
#define KDH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "kdh/analyze/analyze.h"

int bench_switch(unsigned rounds, uint64_t frames);
int bench_sim(unsigned rounds);
int bench_matrix(unsigned cells);
int bench_vm(unsigned rounds);
int bench_relay(unsigned rounds, bool tcp);
int bench_netns_fork(const char *name, const char *what,
		     int (*child)(unsigned), unsigned rounds);
int bench_topo(unsigned rounds);
int bench_watch(unsigned rounds);
int bench_analyze(unsigned rounds, uint64_t largest);
int bench_kd(unsigned rounds);
int bench_kd_boot(unsigned rounds);
int bench_analyze_feed(struct analysis *a, uint64_t n, uint64_t *feed_ns);
const uint8_t *bench_analyze_key(void);

#endif /* KDH_BENCH_H */
