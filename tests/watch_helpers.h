/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch_helpers.h - shared by the kdh watch tests (watch_helpers.c) */
#ifndef KDH_TEST_WATCH_HELPERS_H
#define KDH_TEST_WATCH_HELPERS_H

#include <sys/types.h>

#define TW_KEY		"1x2y3z.4a5b6c.7d8e9f.0g1h2i"	/* the scenarios' bcdedit */
#define TW_DBG_KEY	"9z8y7x.6w5v4u.3t2s1r.0q9p8o"	/* key-mismatch's WinDbg */

void tw_tz_utc(void);
int tw_watch(const char *const *args, char **out, char **err);
char *tw_nic_blocks(const char *report);
void tw_same_as_analyze(const char *watch_out, const char *file,
			const char *key);
char *tw_tmpdir(void);
char *tw_bcdedit_file(const char *dir, const char *hostip, const char *key);
pid_t tw_qemu_stand_in(unsigned vmid);
void tw_qemu_stop(pid_t pid);
char *tw_sim_capture(const char *scenario, const char *dir);
char *tw_replay(const char *scenario, const char *key, int status,
		const char *const *args, const char *const *want);

#endif
