// SPDX-License-Identifier: GPL-2.0-or-later
/* duration.c - durations as kdh writes them everywhere: 500ms, 25s, 10m, 1h
 *
 * A duration is one or more number-unit pairs ("1m30s", "1.5s"); units are
 * ns, us, ms, s, m, h.  A bare number is refused: "30" could be anything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/duration.h"
#include "netsim/value.h"

static const struct {
	const char *name;
	double ns;
} units[] = {	/* longest names first, so "ms" is not read as "m" */
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	{ "m", 60e9 }, { "h", 3600e9 },
};

static int unit_parse(const char **p, double *ns)
{
	size_t best = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);

		if (!strncmp(*p, units[i].name, n) && n > best) {
			best = n;
			*ns = units[i].ns;
		}
	}
	*p += best;
	return best ? 0 : -EINVAL;
}

/**
 * duration_parse() - read "500ms", "25s", "10m", "1h", "1m30s", "1.5s"
 * @s:		text
 * @ns:		output, nanoseconds
 *
 * Numbers are plain decimals (value_decimal()): no sign, blank, exponent
 * or hex, so "10s -20s", "1e3s" and "0x1p4s" are refused.
 *
 * Return: 0, -EINVAL (empty, bare number, unknown unit, any other
 * character), or -ERANGE (beyond 2^64 ns, about 584 years)
 */
int duration_parse(const char *s, uint64_t *ns)
{
	double total = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		double v, unit;

		if (value_decimal(&p, &v) || unit_parse(&p, &unit))
			return -EINVAL;
		total += v * unit;
	}
	if (total >= 1.8e19)
		return -ERANGE;
	*ns = (uint64_t)llround(total);
	return 0;
}

/**
 * duration_format() - the shortest exact spelling, else seconds with a fraction
 * @ns:		duration
 * @buf:	output
 * @len:	its size (24 is enough)
 *
 * Return: @buf ("10m", "1m30s", "25s", "500ms", "2.481ms", "0s")
 */
const char *duration_format(uint64_t ns, char *buf, size_t len)
{
	const uint64_t s = 1000000000ull, m = 60 * s, h = 60 * m;

	if (!ns)
		snprintf(buf, len, "0s");
	else if (ns % h == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(ns / h));
	else if (ns % m == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(ns / m));
	else if (ns % s == 0 && ns > m)
		snprintf(buf, len, "%llum%llus", (unsigned long long)(ns / m),
			 (unsigned long long)(ns % m / s));
	else if (ns % s == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ns / s));
	else if (ns % 1000000 == 0 && ns < s)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000));
	else if (ns >= s)
		snprintf(buf, len, "%.3fs", (double)ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.3fms", (double)ns / 1e6);
	else if (ns % 1000 == 0)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}
