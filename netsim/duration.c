// SPDX-License-Identifier: GPL-2.0-or-later
/* duration.c - durations as kdh writes them everywhere: 500ms, 25s, 10m, 1h
 *
 * A duration is one or more number-unit pairs ("1m30s", "1.5s"); units are
 * h, m, s, ms, us, ns, each at most once and from the largest down, as a
 * clock reads ("1h30m", not "30m1h" or "1m1m").  A bare number is refused:
 * "30" could be anything.  The sum is computed in whole nanoseconds, no
 * rounding and no wrap: at most DURATION_MAX_NS (2^63 - 1 ns, about 292
 * years), so that a start time plus a duration never passes NS_NEVER.
 * The same parser reads scenario files, kdh-agent's command line and every
 * duration option of the command line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "netsim/duration.h"

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {	/* largest first: the order a duration must follow */
	{ "h", 3600000000000ull }, { "m", 60000000000ull },
	{ "s", 1000000000ull }, { "ms", 1000000ull }, { "us", 1000ull },
	{ "ns", 1 },
};
#define N_UNITS	(sizeof(units) / sizeof(units[0]))

/* The unit at *p (longest name: "ms" is not "m"), or -1 */
static int unit_at(const char **p)
{
	size_t best = 0;
	int u = -1;

	for (size_t i = 0; i < N_UNITS; i++) {
		size_t n = strlen(units[i].name);

		if (!strncmp(*p, units[i].name, n) && n > best) {
			best = n;
			u = (int)i;
		}
	}
	*p += best;
	return u;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

__attribute__((format(printf, 4, 5)))
static int why(char *buf, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (buf && len)
		vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return rc;
}

/* "1.5" at *p, in units of 10^-18: whole part, fraction digits, scale */
struct number {
	uint64_t whole, frac;	/* frac / 10^digits */
	int digits;
	bool finer;		/* a non-zero digit past the 18th decimal */
};

static int number_at(const char **p, struct number *n)
{
	const char *s = *p;

	*n = (struct number){ 0 };
	if (!digit(*s))
		return -EINVAL;
	for (; digit(*s); s++)
		if (__builtin_mul_overflow(n->whole, 10, &n->whole) ||
		    __builtin_add_overflow(n->whole, (uint64_t)(*s - '0'), &n->whole))
			return -ERANGE;
	if (*s == '.') {
		if (!digit(*++s))
			return -EINVAL;
		for (; digit(*s); s++)
			if (n->digits < 18)
				n->frac = n->frac * 10 + (uint64_t)(*s - '0'), n->digits++;
			else if (*s != '0')
				n->finer = true;
	}
	*p = s;
	return 0;
}

/* @n units of @unit ns, exactly: -ERANGE past DURATION_MAX_NS, -EDOM
 * for a fraction of a nanosecond */
static int term_ns(const struct number *n, uint64_t unit, uint64_t *out)
{
	unsigned __int128 scale = 1, f, whole = (unsigned __int128)n->whole * unit;

	for (int i = 0; i < n->digits; i++)
		scale *= 10;
	f = (unsigned __int128)n->frac * unit;
	if (n->finer || f % scale)
		return -EDOM;
	whole += f / scale;
	if (whole > DURATION_MAX_NS)
		return -ERANGE;
	*out = (uint64_t)whole;
	return 0;
}

/**
 * duration_parse_why() - read "500ms", "25s", "10m", "1h", "1m30s", "1.5s"
 * @s:		text
 * @ns:		output, nanoseconds
 * @buf:	on failure, why (no value quoted: "unit m twice"); may be NULL
 * @len:	its size
 *
 * Numbers are plain decimals: no sign, blank, exponent or hex, so
 * "10s -20s", "1e3s" and "0x1p4s" are refused.  Units come from the
 * largest down, each once ("1m1m", "30s1m" are refused); the sum is exact.
 *
 * Return: 0, -EINVAL (empty, bare number, unknown unit, units twice or out
 * of order, a fraction of a nanosecond, any other character), or -ERANGE
 * (beyond DURATION_MAX_NS, about 292 years)
 */
int duration_parse_why(const char *s, uint64_t *ns, char *buf, size_t len)
{
	static const char units_list[] = "(h, m, s, ms, us, ns)";
	const char *p = s;
	uint64_t total = 0, part;
	int prev = -1;

	if (!s || !*s)
		return why(buf, len, -EINVAL, "empty");
	while (*p) {
		struct number n;
		const char *at = p;
		int u, rc = number_at(&p, &n);

		if (rc == -ERANGE)
			return why(buf, len, -ERANGE, "longer than %s", "292 years");
		if (rc && digit(*at))	/* "5.m" */
			return why(buf, len, -EINVAL, "a decimal point needs a "
				   "digit after it (1.5m)");
		if (rc && at == s)
			return why(buf, len, -EINVAL, "it does not start with a "
				   "number (500ms, 1m30s)");
		if (rc)
			return why(buf, len, -EINVAL, "'%s' is not a number and "
				   "unit", at);
		if ((u = unit_at(&p)) < 0)
			return why(buf, len, -EINVAL, *p ? "'%s' is not a unit %s" :
				   "a number without a unit%s %s", p, units_list);
		if (u == prev)
			return why(buf, len, -EINVAL, "unit %s twice", units[u].name);
		if (u < prev)
			return why(buf, len, -EINVAL, "%s after %s: units go from "
				   "the largest down (1h30m, 1m30s)", units[u].name,
				   units[prev].name);
		prev = u;
		rc = term_ns(&n, units[u].ns, &part);
		if (rc == -EDOM)
			return why(buf, len, -EINVAL, "finer than %s", "1ns");
		if (rc || part > DURATION_MAX_NS - total)
			return why(buf, len, -ERANGE, "longer than %s", "292 years");
		total += part;
	}
	*ns = total;
	return 0;
}

/**
 * duration_parse() - duration_parse_why() without the reason
 * @s:		text
 * @ns:		output, nanoseconds
 *
 * Return: 0, -EINVAL or -ERANGE
 */
int duration_parse(const char *s, uint64_t *ns)
{
	return duration_parse_why(s, ns, NULL, 0);
}

/**
 * duration_key_parse() - duration_parse() with the message kdh prints
 * @key:	what the value is for ("timeout", "--for")
 * @s:		text
 * @ns:		output
 * @err:	on failure: "KEY: 'S' is not a duration: WHY" or "KEY: 'S' is
 *		too long: at most 292 years (2562047h)"
 * @errlen:	its size
 *
 * One wording for every duration a file or the command line gives.
 *
 * Return: 0, -EINVAL or -ERANGE
 */
int duration_key_parse(const char *key, const char *s, uint64_t *ns,
		       char *err, size_t errlen)
{
	char reason[128];
	int rc = duration_parse_why(s, ns, reason, sizeof(reason));

	if (rc == -ERANGE)
		snprintf(err, errlen, "%s: '%s' is too long: at most 292 years "
			 "(2562047h)", key, s);
	else if (rc)
		snprintf(err, errlen, "%s: '%s' is not a duration: %s", key, s,
			 reason);
	return rc;
}

/* "12.345s": seconds rounded to the millisecond, in integers (a double
 * loses the last digits of a large figure), never rounded past the
 * longest duration, so that what is printed parses back */
static void ms_format(uint64_t ns, char *buf, size_t len)
{
	uint64_t ms = ns / 1000000 + (ns % 1000000 >= 500000);

	if (ms > DURATION_MAX_NS / 1000000)
		ms = DURATION_MAX_NS / 1000000;
	snprintf(buf, len, "%llu.%03llus", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000));
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
		ms_format(ns, buf, len);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.3fms", (double)ns / 1e6);
	else if (ns % 1000 == 0)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}
