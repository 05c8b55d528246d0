/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_read.h - typed getters over json-glib for kdh's JSON inputs: every
 * member is checked for its type and range before it is read, and the
 * first thing wrong is said as "FILE: scenarios[3].frames: what is wrong" */
#ifndef KDH_JSON_READ_H
#define KDH_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-glib/json-glib.h>

/**
 * struct jr - a JSON document being read into structs
 * @file:	its name, first in every message
 * @path:	where the reader is ("scenarios[3].targets[0]"), "" at the root
 * @err:	the first thing found wrong ("FILE: PATH: what is wrong")
 * @errlen:	its size
 * @failed:	something was wrong: the struct read is not to be used
 *
 * Getters return 1 when the member was read, 0 when it is absent or null
 * (the output then holds NAN, 0, false, NULL or ""), -1 when it is wrong.
 * Only the first failure is kept, so a reader may read on and look at
 * @failed once at its end.
 */
struct jr {
	const char *file;
	char path[160];
	char *err;
	size_t errlen;
	bool failed;
};

/* flags of the getters */
#define JR_REQUIRED	1u	/* absent or null is wrong */
#define JR_NONNEG	2u	/* jr_num(): a negative number is wrong */
#define JR_NAME		4u	/* jr_strcpy(): "" or a control character is
				   wrong (a scenario's or a VM's name) */

#define JR_MAX_DEPTH	32	/* arrays and objects inside each other; kdh
				   writes 6 */

int jr_parse(JsonParser *p, const char *file, const char *data, size_t len,
	     char *err, size_t errlen);
void jr_init(struct jr *r, const char *file, char *err, size_t errlen);
int jr_fail(struct jr *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t jr_enter(struct jr *r, const char *key, long index);
void jr_leave(struct jr *r, size_t mark);

int jr_root(struct jr *r, JsonNode *root, JsonObject **out);
int jr_object(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	      JsonObject **out);
int jr_array(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	     size_t max, JsonArray **out);
int jr_elem_object(struct jr *r, JsonArray *a, guint i, JsonObject **out);
int jr_elem_str(struct jr *r, JsonArray *a, guint i, const char **out);
void jr_each_object(struct jr *r, const char *key, JsonArray *a,
		    void (*fn)(struct jr *r, JsonObject *o, void *ctx), void *ctx);

int jr_num(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   double *out);
int jr_uint(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    uint64_t max, uint64_t *out);
int jr_seed(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    uint64_t *out);
int jr_bool(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	    bool *out);
int jr_str(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   const char **out);
int jr_strcpy(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	      char *dst, size_t len);
int jr_hex(struct jr *r, JsonObject *o, const char *key, unsigned flags,
	   uint64_t max, uint64_t *out);

#endif /* KDH_JSON_READ_H */
