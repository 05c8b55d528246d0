// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu_probe.c - what the installed QEMU is: its version and machine
 * types, asked with `--version` and `-machine help`
 *
 * Two short synchronous commands, no process supervision (that is vm.c's,
 * in run/).  May use: glib, pve_machine.h.  Used by: qemu_argv.c (the
 * machine a config resolves to), accel.c (the probe's QEMU).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/qemu_argv.h"

static int run_out(const char *binary, const char *a1, const char *a2,
		   gchar **out, char *err, size_t errlen)
{
	const char *argv[] = { binary, a1, a2, NULL };
	GError *e = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out, NULL,
			  &status, &e) || !g_spawn_check_wait_status(status, NULL)) {
		snprintf(err, errlen, "%s %s: %s", binary, a1,
			 e ? e->message : "failed");
		g_clear_error(&e);
		g_free(*out);
		*out = NULL;
		return -ENOENT;
	}
	return 0;
}

/**
 * vm_qemu_probe() - ask the installed QEMU its version and machine types
 * (`--version`, `-machine help`)
 * @binary:	QEMU (NULL: qemu-system-x86_64)
 * @version:	output, "7.2.22" -> 7.2
 * @machines:	output, NULL to skip: a new array of g_malloc'd names
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT (QEMU missing or failing), -EINVAL (unreadable)
 */
int vm_qemu_probe(const char *binary, struct pve_version *version,
		  GPtrArray **machines, char *err, size_t errlen)
{
	const char *bin = binary ? binary : "qemu-system-x86_64";
	gchar *out = NULL, **lines;
	const char *v;

	if (run_out(bin, "--version", NULL, &out, err, errlen))
		return -ENOENT;
	v = strstr(out, "version ");
	if (!v || sscanf(v + 8, "%u.%u", &version->major, &version->minor) != 2) {
		snprintf(err, errlen, "%s --version: no version in its output", bin);
		g_free(out);
		return -EINVAL;
	}
	version->pve = 0;
	g_free(out);
	if (!machines)
		return 0;
	if (run_out(bin, "-machine", "help", &out, err, errlen))
		return -ENOENT;
	*machines = g_ptr_array_new_with_free_func(g_free);
	lines = g_strsplit(out, "\n", -1);
	for (gchar **l = lines; *l; l++) {
		size_t n = strcspn(*l, " \t");

		if (n && strncmp(*l, "Supported", 9))
			g_ptr_array_add(*machines, g_strndup(*l, n));
	}
	g_strfreev(lines);
	g_free(out);
	return 0;
}
