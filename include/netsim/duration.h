/* SPDX-License-Identifier: GPL-2.0-or-later */
/* duration.h - durations as kdh writes them everywhere: 500ms, 25s, 10m, 1h */
#ifndef NETSIM_DURATION_H
#define NETSIM_DURATION_H

#include <stddef.h>
#include <stdint.h>

int duration_parse(const char *s, uint64_t *ns);
const char *duration_format(uint64_t ns, char *buf, size_t len);

#endif /* NETSIM_DURATION_H */
