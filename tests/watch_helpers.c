// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_helpers.c - shared by the kdh watch tests: running it, replaying
 * captures of simulated runs, and kdh analyze of a capture against kdh
 * watch's summary */
#include <criterion/criterion.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "watch_helpers.h"

/* The lines' time of day, the same everywhere */
void tw_tz_utc(void)
{
	setenv("TZ", "UTC0", 1);	/* the lines' time of day */
}

/* kdh watch ARGS...: exit status, stdout and stderr */
int tw_watch(const char *const *args, char **out, char **err)
{
	const char *argv[32] = { getenv("KDH_BIN"), "watch" };
	size_t n = 2;

	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return test_run(argv, out, err);
}

/* The NIC blocks of a kdh analyze report: from the first "\nNIC " to the
 * verdict line (or the end); "" when there is none */
char *tw_nic_blocks(const char *report)
{
	const char *from = strstr(report, "\nNIC "), *to;

	if (!from)
		return g_strdup("");
	to = strstr(from, "\nverdict: ");
	return g_strchomp(g_strndup(from, to ? (size_t)(to - from) : strlen(from)));
}

/* kdh analyze of @file gives the figures of kdh watch's summary (its exit
 * status follows the outcome: 0 connected, 1 not) */
void tw_same_as_analyze(const char *watch_out, const char *file,
			const char *key)
{
	const char *argv[] = { getenv("KDH_BIN"), "analyze", file,
			       key ? "--key" : NULL, key, NULL };
	char *out, *err, *a, *w;
	int rc = test_run(argv, &out, &err);

	cr_assert(rc == 0 || rc == 1, "exit %d: %s%s", rc, out, err);
	a = tw_nic_blocks(out);
	w = tw_nic_blocks(watch_out);
	cr_assert_str_eq(w, a, "kdh watch's summary and kdh analyze %s differ", file);
	g_free(a); g_free(w); g_free(out); g_free(err);
}

/* A temporary directory (test_rmtree() it) */
char *tw_tmpdir(void)
{
	return g_dir_make_tmp("kdh-watch-XXXXXX", NULL);
}

/* DIR/dbg.txt: what bcdedit /dbgsettings prints, for --bcdedit */
char *tw_bcdedit_file(const char *dir, const char *hostip, const char *key)
{
	char *path = g_build_filename(dir, "dbg.txt", NULL);
	char *text = g_strdup_printf("debugtype               NET\nhostip                  "
				     "%s\nport                    50000\nkey"
				     "                     %s\n", hostip, key);

	cr_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(text);
	return path;
}

/* kdh run of one simulated scenario (virtual time, milliseconds): its
 * capture, in @dir */
char *tw_sim_capture(const char *scenario, const char *dir)
{
	char *file = g_str_has_suffix(scenario, ".kdh") ? g_strdup(scenario) :
		     g_strdup_printf("%s/%s.kdh", getenv("KDH_SCENARIOS"), scenario);
	char *base = g_path_get_basename(file), *name = g_strndup(base, strlen(base) - 4);
	const char *argv[] = { getenv("KDH_BIN"), "run", file, "--seed", "1",
		"--results", dir, NULL };
	char *out, *err, *cap = NULL;
	GDir *d;
	const char *run;
	int rc = test_run(argv, &out, &err);

	cr_assert_eq(rc, 0, "%s%s", out, err);
	d = g_dir_open(dir, 0, NULL);
	while (d && !cap && (run = g_dir_read_name(d))) {
		/* @dir may hold earlier runs: the one with this scenario */
		cap = g_build_filename(dir, run, name, "capture.pcapng", NULL);
		if (!g_str_has_prefix(run, "run-") ||
		    !g_file_test(cap, G_FILE_TEST_EXISTS))
			g_clear_pointer(&cap, g_free);
	}
	g_dir_close(d);
	cr_assert(cap && g_file_test(cap, G_FILE_TEST_EXISTS), "%s", out);
	g_free(out); g_free(err); g_free(file); g_free(base); g_free(name);
	return cap;
}

/* Replay @scenario's capture with @args; the lines must hold @want (NULL
 * ended), the exit status be @status, and kdh analyze agree */
char *tw_replay(const char *scenario, const char *key, int status,
		    const char *const *args, const char *const *want)
{
	char *dir = tw_tmpdir(), *cap = tw_sim_capture(scenario, dir), *out, *err;
	const char *argv[24] = { "--replay", cap, "--key", key };
	bool whole = true;	/* --until, --for: the summary is of a part */
	size_t n = 4;
	int rc;

	for (; args && *args; args++) {
		whole &= strcmp(*args, "--until") && strcmp(*args, "--for");
		argv[n++] = *args;
	}
	argv[n] = NULL;
	tw_tz_utc();
	rc = tw_watch(argv, &out, &err);
	cr_assert_eq(rc, status, "exit %d:\n%s%s", rc, out, err);
	for (; want && *want; want++)
		cr_assert(strstr(out, *want), "no '%s' in:\n%s", *want, out);
	if (whole && strstr(out, "\nNIC "))
		tw_same_as_analyze(out, cap, key);
	test_rmtree(dir);
	g_free(dir); g_free(cap); g_free(err);
	return out;
}

/* A process standing in for VM @vmid's QEMU (its argv has "-id VMID", as
 * qemu-server's), in a process group of its own: tw_qemu_stop() it */
pid_t tw_qemu_stand_in(unsigned vmid)
{
	char id[16];
	pid_t pid;

	snprintf(id, sizeof(id), "%u", vmid);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		setpgid(0, 0);
		execlp("sh", "sh", "-c", "sleep 60; exit 0", "kvm", "-id", id,
		       (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	for (int i = 0; i < 500; i++) {		/* until it has exec'd */
		char path[64], *argv = NULL;
		gsize len = 0;
		bool execd;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		execd = g_file_get_contents(path, &argv, &len, NULL) && len > 3 &&
			!memcmp(argv, "sh", 3);
		g_free(argv);
		if (execd)
			return pid;
		usleep(10000);
	}
	tw_qemu_stop(pid);
	cr_assert_fail("the QEMU stand-in did not start");
	return -1;
}

/* The stand-in and its sleep gone */
void tw_qemu_stop(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
