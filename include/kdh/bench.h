/* bench.h - benchmark subjects of `kdh bench` */
#ifndef KDH_BENCH_H
#define KDH_BENCH_H

#include <stdint.h>

int bench_switch(unsigned rounds, uint64_t frames);
int bench_sim(unsigned rounds);
int bench_vm(unsigned rounds);
int bench_relay(unsigned rounds);
int bench_topo(unsigned rounds);

#endif /* KDH_BENCH_H */
