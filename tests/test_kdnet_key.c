// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kdnet_key.c - key strings to 256-bit keys (kdnet-protocol.md sec. 2) */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/kdnet/kdnet.h"

static void hex_to(const char *hex, uint8_t *out)
{
	for (size_t i = 0; *hex; hex++) {
		unsigned v;

		if (*hex == ' ')
			continue;
		sscanf(hex, "%2x", &v);
		out[i++] = (uint8_t)v;
		hex++;
	}
}

static void expect_key(const char *str, const char *hex)
{
	uint8_t want[32], got[32];
	char err[128] = "";

	hex_to(hex, want);
	cr_assert_eq(kdnet_key_parse(str, got, err, sizeof(err)), 0,
		     "%s: %s", str, err);
	cr_assert_arr_eq(got, want, 32, "key bytes of %s", str);
}

Test(key, worked_examples)
{
	expect_key("8.8.8.8", "0800000000000000 0800000000000000 "
		   "0800000000000000 0800000000000000");
	expect_key("1.1.1.1", "0100000000000000 0100000000000000 "
		   "0100000000000000 0100000000000000");
	expect_key("zz.1.10.3w5e11264sgsf", "0f05000000000000 0100000000000000 "
		   "2400000000000000 ffffffffffffffff");
	expect_key("1m770ts6ru0p.3671pemyie4i.2b8djy3wt5et.1p99ir125v4q",
		   "b9569fcc7cf9f302 02b242b33852cb05 a5ac940b08223904 "
		   "da42f63667b01b03");
}

Test(key, upper_case_is_lower_case)
{
	uint8_t a[32], b[32];

	cr_assert_eq(kdnet_key_parse("ZZ.1.10.3W5E11264SGSF", a, NULL, 0), 0);
	cr_assert_eq(kdnet_key_parse("zz.1.10.3w5e11264sgsf", b, NULL, 0), 0);
	cr_assert_arr_eq(a, b, 32);
}

static void expect_error(const char *str, int code, const char *msg)
{
	uint8_t k[32];
	char err[160] = "";

	cr_assert_eq(kdnet_key_parse(str, k, err, sizeof(err)), code,
		     "'%s' should fail", str ? str : "(null)");
	cr_assert_str_eq(err, msg, "'%s': got '%s'", str ? str : "(null)", err);
}

Test(key, errors_say_what_is_wrong)
{
	expect_error("", -EINVAL, "the key is empty (expected w.x.y.z)");
	expect_error(NULL, -EINVAL, "the key is empty (expected w.x.y.z)");
	expect_error("1.2.3", -EINVAL,
		     "expected 4 dot-separated words (w.x.y.z), found 3");
	expect_error("1.2.3.4.5", -EINVAL,
		     "expected 4 dot-separated words (w.x.y.z), found 5");
	expect_error("1..3.4", -EINVAL, "word 2 is empty");
	expect_error("1.2.3.", -EINVAL, "word 4 is empty");
	expect_error("1.2.x-y.4", -EINVAL,
		     "word 3: '-' is not a base-36 digit (0-9, a-z)");
	expect_error("1.2.3. 4", -EINVAL,
		     "word 4: ' ' is not a base-36 digit (0-9, a-z)");
	expect_error("3w5e11264sgsg.1.1.1", -ERANGE,
		     "word 1: '3w5e11264sgsg' is 2^64 or more (largest is 3w5e11264sgsf)");
	expect_error("1.1.1.zzzzzzzzzzzzzzzzz", -ERANGE,
		     "word 4: 'zzzzzzzzzzzzzzzzz' is 2^64 or more (largest is 3w5e11264sgsf)");
}

Test(key, format_round_trips)
{
	const char *keys[] = { "8.8.8.8", "0.0.0.0", "zz.1.10.3w5e11264sgsf",
		"1m770ts6ru0p.3671pemyie4i.2b8djy3wt5et.1p99ir125v4q" };
	char buf[64];
	uint8_t k[32];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cr_assert_eq(kdnet_key_parse(keys[i], k, NULL, 0), 0);
		cr_assert_eq(kdnet_key_format(k, buf, sizeof(buf)), 0);
		cr_assert_str_eq(buf, keys[i]);
	}
	cr_assert_eq(kdnet_key_format(k, buf, 10), -ENOSPC);
}
