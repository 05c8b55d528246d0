// SPDX-License-Identifier: GPL-2.0-or-later
/* value.c - strict value parsers: no sign tricks, no wrap, no half reads
 *
 * C's strtoul() accepts leading blanks and a minus sign (and wraps it:
 * "-1" is ULONG_MAX), sscanf("%u") wraps 4294967296 to 0, strtod() takes
 * "nan", "inf", "1e10" and "0x1p4".  Every parser here reads exactly one
 * value that fills the whole string, in plain decimal, or refuses it:
 * -EINVAL for the wrong shape, -ERANGE for a number outside its range.
 */
#include <errno.h>
#include <string.h>

#include "netsim/value.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/**
 * value_uint() - a decimal number in [@lo, @hi]
 * @s:		text: digits only (no sign, blank, base prefix)
 * @lo:		smallest allowed
 * @hi:		largest allowed
 * @out:	output
 *
 * Return: 0, -EINVAL (not a number), or -ERANGE (outside @lo..@hi, or
 * past 2^64 - 1)
 */
int value_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!digit(*p))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

/* One octet: 1-3 digits, no leading zero (inet_aton reads "010" as 8) */
static int octet(const char **p, uint32_t *out)
{
	const char *s = *p;
	unsigned v = 0, n = 0;

	while (digit(*s) && n < 4)
		v = v * 10 + (unsigned)(*s++ - '0'), n++;
	if (!n || n > 3 || v > 255 || (n > 1 && **p == '0'))
		return -EINVAL;
	*out = v;
	*p = s;
	return 0;
}

static int quad(const char **p, uint32_t *ip)
{
	uint32_t v = 0, o;

	for (int i = 0; i < 4; i++) {
		if (i && *(*p)++ != '.')
			return -EINVAL;
		if (octet(p, &o))
			return -EINVAL;
		v = v << 8 | o;
	}
	*ip = v;
	return 0;
}

/**
 * value_ipv4() - a dotted quad, "192.168.2.1"
 * @s:		text
 * @ip:		output, host order
 *
 * Return: 0 or -EINVAL
 */
int value_ipv4(const char *s, uint32_t *ip)
{
	if (!s || quad(&s, ip) || *s)
		return -EINVAL;
	return 0;
}

/**
 * value_cidr() - "192.168.2.0/24"
 * @s:		text
 * @ip:		output, host order
 * @prefix:	output, 0-32
 *
 * Return: 0, -EINVAL, or -ERANGE for a prefix above 32
 */
int value_cidr(const char *s, uint32_t *ip, unsigned *prefix)
{
	uint64_t n;
	int rc;

	if (!s || quad(&s, ip) || *s++ != '/')
		return -EINVAL;
	if (strlen(s) > 1 && *s == '0')
		return -EINVAL;
	if ((rc = value_uint(s, 0, 32, &n)))
		return rc;
	*prefix = (unsigned)n;
	return 0;
}

/**
 * value_decimal() - a plain decimal number at *@p, "12" or "1.5"
 * @p:		text; advanced past the number
 * @out:	output
 *
 * No sign, exponent, hex, "nan" or "inf"; at most 15 significant digits
 * so the double holds it exactly enough.
 *
 * Return: 0 or -EINVAL
 */
int value_decimal(const char **p, double *out)
{
	const char *s = *p;
	double v = 0, scale = 1;
	int n = 0;

	while (digit(*s))
		v = v * 10 + (*s++ - '0'), n++;
	if (*s == '.') {
		s++;
		if (!digit(*s))
			return -EINVAL;
		while (digit(*s))
			v += (*s++ - '0') * (scale /= 10), n++;
	}
	if (!n || n > 15)
		return -EINVAL;
	*out = v;
	*p = s;
	return 0;
}

/**
 * value_percent() - "20%", "0.5%": 0 to 100
 * @s:		text
 * @out:	output
 *
 * Return: 0, -EINVAL, or -ERANGE above 100
 */
int value_percent(const char *s, double *out)
{
	double v;

	if (!s || value_decimal(&s, &v) || strcmp(s, "%"))
		return -EINVAL;
	if (v > 100)
		return -ERANGE;
	*out = v;
	return 0;
}

/* IANA's special-purpose IPv4 blocks (RFC 6890) a host on a link cannot
 * use, with what they are for the messages */
static const struct { uint32_t net; unsigned prefix; const char *what; }
special[] = {
	{ 0x00000000, 8, "0.0.0.0/8, \"this network\" (no host has it)" },
	{ 0x7f000000, 8, "loopback (127.0.0.0/8, a host's own)" },
	{ 0xa9fe0000, 16, "link-local (169.254.0.0/16: the address Windows "
	  "gives itself when DHCP fails, which kdh reports as apipa)" },
	{ 0xe0000000, 4, "multicast (224.0.0.0/4)" },
	{ 0xf0000000, 4, "reserved (240.0.0.0/4, and the broadcast "
	  "255.255.255.255)" },
};

/**
 * ipv4_overlap() - whether two subnets share an address
 * @a:		first network, host order
 * @mask_a:	its netmask
 * @b:		second network
 * @mask_b:	its netmask
 *
 * Return: true when one holds the other (or they are the same)
 */
bool ipv4_overlap(uint32_t a, uint32_t mask_a, uint32_t b, uint32_t mask_b)
{
	return !((a ^ b) & mask_a & mask_b);
}

/**
 * ipv4_special() - whether a subnet (or one address, with netmask ~0)
 * touches a special-purpose block no host on a link can use
 * @network:	the address or network, host order
 * @netmask:	its netmask
 *
 * Return: what the block is ("loopback (127.0.0.0/8, ...)"), or NULL for
 * an address a host may have
 */
const char *ipv4_special(uint32_t network, uint32_t netmask)
{
	for (size_t i = 0; i < sizeof(special) / sizeof(*special); i++)
		if (ipv4_overlap(network, netmask, special[i].net,
				 ~0u << (32 - special[i].prefix)))
			return special[i].what;
	return NULL;
}
