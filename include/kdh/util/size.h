/* SPDX-License-Identifier: GPL-2.0-or-later */
/* size.h - byte sizes as kdh's options take them: 4096, 64K, 256M, 1GiB */
#ifndef KDH_SIZE_H
#define KDH_SIZE_H

#include <stddef.h>
#include <stdint.h>

int size_parse(const char *s, uint64_t *bytes);
const char *size_format(uint64_t bytes, char *buf, size_t len);

#endif /* KDH_SIZE_H */
