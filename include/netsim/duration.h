/* SPDX-License-Identifier: GPL-2.0-or-later */
/* duration.h - durations as kdh writes them everywhere: 500ms, 25s, 10m, 1h */
#ifndef NETSIM_DURATION_H
#define NETSIM_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* The longest duration: 2^63 - 1 ns (about 292 years), so that a start
 * time plus a duration stays below NS_NEVER */
#define DURATION_MAX_NS	((uint64_t)INT64_MAX)

int duration_parse(const char *s, uint64_t *ns);
int duration_parse_why(const char *s, uint64_t *ns, char *buf, size_t len);
int duration_key_parse(const char *key, const char *s, uint64_t *ns,
		       char *err, size_t errlen);
const char *duration_format(uint64_t ns, char *buf, size_t len);

#endif /* NETSIM_DURATION_H */
