// SPDX-License-Identifier: GPL-2.0-or-later
/* size.c - byte sizes as kdh's options take them: a number with an
 * optional binary unit, K/KiB, M/MiB, G/GiB (powers of 1024; "B" alone
 * means bytes), so "256M" and "256MiB" are both 268435456 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "kdh/util/size.h"

/**
 * size_parse() - read "4096", "64K", "256MiB", "1G"
 * @s:		text
 * @bytes:	output
 *
 * Return: 0, or -EINVAL (empty, negative, unknown unit, overflow)
 */
int size_parse(const char *s, uint64_t *bytes)
{
	static const struct { const char *unit; unsigned shift; } units[] = {
		{ "", 0 }, { "B", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 },
		{ "MiB", 20 }, { "G", 30 }, { "GiB", 30 },
	};
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(end, units[i].unit)) {
			if (v > (UINT64_MAX >> units[i].shift))
				return -EINVAL;
			*bytes = (uint64_t)v << units[i].shift;
			return 0;
		}
	return -EINVAL;
}

/**
 * size_format() - the largest unit that is exact: "256MiB", "64KiB", "1000B"
 * @bytes:	size
 * @buf:	output
 * @len:	its size (24 is enough)
 *
 * Return: @buf
 */
const char *size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	unsigned u = 0;

	while (u < 3 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)bytes, units[u]);
	return buf;
}
