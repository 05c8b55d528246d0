/* SPDX-License-Identifier: GPL-2.0-or-later */
/* value.h - strict parsers for the values kdh reads everywhere (scenario
 * files, VM configs, bcdedit output, the command line): numbers, IPv4
 * addresses and prefixes, percentages.  Durations are in duration.h, MACs
 * in pkt.h, b.d.f in pve.h; all follow the same rules. */
#ifndef NETSIM_VALUE_H
#define NETSIM_VALUE_H

#include <stdbool.h>
#include <stdint.h>

int value_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
int value_ipv4(const char *s, uint32_t *ip);
int value_cidr(const char *s, uint32_t *ip, unsigned *prefix);
int value_percent(const char *s, double *out);
int value_decimal(const char **p, double *out);
const char *ipv4_special(uint32_t network, uint32_t netmask);
bool ipv4_overlap(uint32_t a, uint32_t mask_a, uint32_t b, uint32_t mask_b);

#endif /* NETSIM_VALUE_H */
