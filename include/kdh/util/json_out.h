/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_out.h - small helpers over json-glib's builder for kdh's outputs */
#ifndef KDH_JSON_OUT_H
#define KDH_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-glib/json-glib.h>

void jb_int(JsonBuilder *b, const char *key, int64_t v);
void jb_uint(JsonBuilder *b, const char *key, uint64_t v);
void json_unsigned_fix(char *text, size_t *len);
int json_write_file(const char *path, JsonNode *n);
void jb_str(JsonBuilder *b, const char *key, const char *v);
void jb_double(JsonBuilder *b, const char *key, double v);
void jb_bool(JsonBuilder *b, const char *key, bool v);
void jb_null(JsonBuilder *b, const char *key);
int json_print(JsonBuilder *b, FILE *out);

#endif /* KDH_JSON_OUT_H */
