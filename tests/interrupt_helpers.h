/* SPDX-License-Identifier: GPL-2.0-or-later */
/* interrupt_helpers.h - kdh run in the background, signalled part way,
 * and what an interrupted run must leave */
#ifndef KDH_TEST_INTERRUPT_HELPERS_H
#define KDH_TEST_INTERRUPT_HELPERS_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sys/types.h>

pid_t ti_spawn(const char *const argv[], const char *pause, const char *log,
	       int *pty_master);
void ti_nap(void);
char *ti_run_dir(const char *results);
unsigned ti_count(const char *results, const char *file);
void ti_wait_for(const char *results, const char *file, unsigned want,
		 pid_t pid, int master, GString *out);
int ti_reap_status(pid_t pid, int master, GString *out);
int ti_reap(pid_t pid, int master, GString *out);
JsonObject *ti_json_load(JsonParser *p, const char *path);
void ti_run_tool(const char *const argv[], int want_lo, int want_hi,
		 const char *what);
unsigned ti_check_run(const char *results, const char *sig, unsigned total,
		      const char *out);
char *ti_slurp(const char *path);

#endif
