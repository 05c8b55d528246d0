// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet_key.c - bcdedit/WinDbg key strings ("w.x.y.z") to 256-bit keys
 *
 * Each of the four words is a base-36 number below 2^64 that becomes eight
 * bytes, least significant first; the four groups in order form the AES key.
 * Example: "zz" = 35 * 36 + 35 = 0x050f -> 0f 05 00 00 00 00 00 00.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/kdnet/kdnet.h"

#define KEY_WORDS	4

static int digit36(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return -1;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Parse one word of @len characters at @s; on error fill @err. */
static int word_parse(const char *s, size_t len, int n, uint64_t *out,
		      char *err, size_t errlen)
{
	uint64_t v = 0;

	if (!len) {
		snprintf(err, errlen, "word %d is empty", n);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		int d = digit36(s[i]);

		if (d < 0) {
			snprintf(err, errlen,
				 "word %d: '%c' is not a base-36 digit (0-9, a-z)",
				 n, s[i]);
			return -EINVAL;
		}
		if (v > (UINT64_MAX - (uint64_t)d) / 36) {
			snprintf(err, errlen,
				 "word %d: '%.*s' is 2^64 or more (largest is 3w5e11264sgsf)",
				 n, (int)len, s);
			return -ERANGE;
		}
		v = v * 36 + (uint64_t)d;
	}
	*out = v;
	return 0;
}

/**
 * kdnet_key_parse() - turn a key string into the 32-byte AES key
 * @str:	"w.x.y.z", four base-36 words (upper case accepted as lower)
 * @key:	output, 32 bytes
 * @err:	buffer for a one-line reason on failure, may be NULL
 * @errlen:	size of @err
 *
 * Return: 0, or -EINVAL / -ERANGE with @err filled
 */
int kdnet_key_parse(const char *str, uint8_t key[KDNET_KEY_LEN],
		    char *err, size_t errlen)
{
	char dummy[1];
	const char *p = str;
	int words = 1;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!str || !*str) {
		snprintf(err, errlen, "the key is empty (expected w.x.y.z)");
		return -EINVAL;
	}
	for (const char *q = str; *q; q++)
		words += *q == '.';
	if (words != KEY_WORDS) {
		snprintf(err, errlen,
			 "expected 4 dot-separated words (w.x.y.z), found %d",
			 words);
		return -EINVAL;
	}
	for (int n = 1; n <= KEY_WORDS; n++) {
		const char *end = strchr(p, '.');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		uint64_t v;
		int rc = word_parse(p, len, n, &v, err, errlen);

		if (rc)
			return rc;
		put_le64(key + 8 * (n - 1), v);
		p += len + 1;
	}
	return 0;
}

/**
 * kdnet_key_format() - write the canonical key string of a 32-byte key
 * @key:	32 bytes
 * @buf:	output; 4 * 13 digits + 3 dots + NUL = 56 bytes are enough
 * @len:	size of @buf
 *
 * Return: 0, or -ENOSPC when @buf is too small
 */
int kdnet_key_format(const uint8_t key[KDNET_KEY_LEN], char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t pos = 0;

	for (int w = 0; w < KEY_WORDS; w++) {
		char tmp[16];
		int n = 0;
		uint64_t v = 0;

		for (int i = 7; i >= 0; i--)
			v = v << 8 | key[8 * w + i];
		do {
			tmp[n++] = digits[v % 36];
			v /= 36;
		} while (v);
		if (pos + (size_t)n + 2 > len)
			return -ENOSPC;
		if (w)
			buf[pos++] = '.';
		while (n)
			buf[pos++] = tmp[--n];
	}
	buf[pos] = '\0';
	return 0;
}
