// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_keyless.c - no key is not a wrong key: what analyze and watch
 * --replay say of one capture without a key, with a wrong one and with
 * the right one
 *
 * The seed-dhcp-hang scenario's capture: 13 DISCOVERs, a 169.254 address
 * after ten minutes, then announcements nobody answers.  The hang, the
 * address, the first KDNET packet (an announcement by its size) and the
 * logo hang need no key; only whether the key matches does.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "watch_helpers.h"

#define WRONG_KEY	"1.2.3.4"

/* kdh CMD FILE [--key KEY] (watch: --replay FILE): exit status, stdout */
static int kdh(const char *cmd, const char *file, const char *key, char **out)
{
	bool watch = !strcmp(cmd, "watch");
	const char *argv[8] = { getenv("KDH_BIN"), cmd };
	size_t n = 2;
	char *err;
	int rc;

	if (watch)
		argv[n++] = "--replay";
	argv[n++] = file;
	if (key) {
		argv[n++] = "--key";
		argv[n++] = key;
	}
	argv[n] = NULL;
	rc = test_run(argv, out, &err);
	g_free(err);
	return rc;
}

/* Without a key the hang is told: apipa-after-hang, the first KDNET packet
 * by its outer header, the logo hang; with a wrong key, key-mismatch and
 * the same figures; neither hides the ten minutes */
Test(watch_keyless, the_hang_needs_no_key)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("seed-dhcp-hang", dir), *out;

	kdh("analyze", cap, NULL, &out);
	cr_assert(strstr(out, "outcome          apipa-after-hang  (no DHCP answer "
			 "to 13 DISCOVERs; took 169.254."), "%s", out);
	cr_assert(strstr(out, "not verified (no key))"), "%s", out);
	cr_assert(strstr(out, "first KDNET packet: an announcement (by its size) "
			 "to 192.168.2.1:50000, not verified (no key)"), "%s", out);
	cr_assert(strstr(out, "(not verified: no key)\n"), "%s", out);
	cr_assert(!strstr(out, "logo_hang_s      -"), "%s", out);
	cr_assert(!strstr(out, "key-mismatch"), "no key is no wrong key:\n%s", out);
	g_free(out);
	kdh("analyze", cap, WRONG_KEY, &out);
	cr_assert(strstr(out, "outcome          key-mismatch  (37 KDNET packets, "
			 "none verifies with the key"), "%s", out);
	cr_assert(strstr(out, "; and no DHCP answer to 13 DISCOVERs"), "%s", out);
	cr_assert(strstr(out, "(not verified: no packet verifies with the key)"),
		  "%s", out);
	cr_assert(!strstr(out, "logo_hang_s      -"), "%s", out);
	g_free(out);
	kdh("watch", cap, NULL, &out);
	cr_assert(strstr(out, "verdict: apipa-after-hang on net0"), "%s", out);
	cr_assert(!strstr(out, "key-mismatch") && !strstr(out, "not verified on"),
		  "%s", out);
	tw_same_as_analyze(out, cap, NULL);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(out);
}

/* Announcements nobody answers, no key: not-verified in analyze and watch,
 * the same word; the wrong key's word is key-mismatch */
Test(watch_keyless, one_word_for_no_key)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture("key-mismatch", dir), *out;

	kdh("analyze", cap, NULL, &out);
	cr_assert(strstr(out, "outcome          not-verified  (no key given: 39 "
			 "KDNET packets sent (39 of an announcement's size), 0 "
			 "received"), "%s", out);
	g_free(out);
	kdh("watch", cap, NULL, &out);
	cr_assert(strstr(out, "verdict: not-verified on net0"), "%s", out);
	g_free(out);
	kdh("watch", cap, TW_DBG_KEY, &out);
	cr_assert(strstr(out, "verdict: key-mismatch on net0"), "%s", out);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(out);
}

/* One exit status rule for the commands that read a capture: 0 when a
 * debuggee is connected at its end, 1 when not (key-mismatch,
 * not-verified, never connected), 2 for bad usage (decode needs the key) */
Test(watch_keyless, one_exit_status_rule)
{
	static const struct {
		const char *scenario, *key;
		int analyze, decode, watch;
	} c[] = {
		{ "seed-dhcp-off", TW_KEY, 0, 0, 0 },		/* connected */
		{ "seed-dhcp-off", WRONG_KEY, 1, 1, 1 },	/* key-mismatch */
		{ "seed-dhcp-off", NULL, 0, 2, 0 },	/* data both ways */
		{ "seed-dhcp-hang", TW_KEY, 1, 1, 1 },	/* apipa-after-hang */
		{ "seed-dhcp-hang", WRONG_KEY, 1, 1, 1 },
		{ "seed-dhcp-hang", NULL, 1, 2, 1 },
		{ "key-mismatch", NULL, 1, 2, 1 },	/* not-verified */
	};
	char *dir = tw_tmpdir(), *cap = NULL, *out;
	const char *made = "";

	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		if (strcmp(made, c[i].scenario)) {
			g_free(cap);
			cap = tw_sim_capture(c[i].scenario, dir);
			made = c[i].scenario;
		}
		cr_assert_eq(kdh("analyze", cap, c[i].key, &out), c[i].analyze,
			     "analyze %s %s:\n%s", made, c[i].key, out);
		g_free(out);
		cr_assert_eq(kdh("decode", cap, c[i].key, &out), c[i].decode,
			     "decode %s %s:\n%s", made, c[i].key, out);
		g_free(out);
		cr_assert_eq(kdh("watch", cap, c[i].key, &out), c[i].watch,
			     "watch %s %s:\n%s", made, c[i].key, out);
		g_free(out);
	}
	test_rmtree(dir);
	g_free(dir); g_free(cap);
}
