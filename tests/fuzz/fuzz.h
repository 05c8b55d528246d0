/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - what every libFuzzer harness in tests/fuzz shares: the entry
 * point's prototype and FUZZ_CHECK, which turns a broken invariant into a
 * crash libFuzzer (or the replay driver in the gcc build) reports */
#ifndef KDH_FUZZ_H
#define KDH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed invariant and its explanation */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s: ",	\
			__FILE__, __LINE__, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/**
 * fuzz_str() - the input as a NUL-terminated heap string (exact size, so
 * ASan sees an overread); embedded NULs end the text early
 * @data:	bytes
 * @size:	their count
 *
 * Return: string to free(), never NULL (abort on out of memory)
 */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/**
 * fuzz_dup() - an exact-size heap copy of the input
 * @data:	bytes
 * @size:	their count
 *
 * Return: copy to free(), never NULL
 */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);

	if (!b)
		abort();
	memcpy(b, data, size);
	return b;
}

#endif /* KDH_FUZZ_H */
