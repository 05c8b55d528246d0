// SPDX-License-Identifier: GPL-2.0-or-later
/* helpers.c - shared by the criterion tests: data files, frame builders */
#include <criterion/criterion.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <zlib.h>

#include "helpers.h"
#include "netsim/dhcp.h"
#include "netsim/pkt.h"

char *test_data_path(const char *name)
{
	const char *dir = getenv("KDH_TEST_DATA");

	cr_assert(dir, "KDH_TEST_DATA is not set (run under meson test)");
	return g_build_filename(dir, name, NULL);
}

uint8_t *test_gunzip_file(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	int n;

	cr_assert(gz && buf, "cannot open %s", path);
	*len = 0;
	while ((n = gzread(gz, buf + *len, (unsigned)(cap - *len))) > 0) {
		*len += (size_t)n;
		if (*len == cap)
			buf = realloc(buf, cap *= 2);
	}
	gzclose(gz);
	return buf;
}

/* Run a command; return its exit status, stdout and stderr in g_malloc'd */
int test_run(const char *const argv[], char **out, char **err)
{
	GError *error = NULL;
	int status = -1;

	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
			       NULL, out, err, &status, &error),
		  "spawn %s: %s", argv[0], error ? error->message : "?");
	cr_assert(WIFEXITED(status), "%s did not exit normally", argv[0]);
	return WEXITSTATUS(status);
}

/* kdh speaks for itself: no GLib or json-glib message ("Json-CRITICAL
 * **: ... assertion failed", "GLib-WARNING") reached stderr */
void test_assert_no_glib_message(const char *err, const char *what)
{
	static const char *const marks[] = { "CRITICAL", "Json-", "GLib-",
					     "GLib:", "WARNING **", "(process:" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		cr_assert(!strstr(err ? err : "", marks[i]),
			  "%s: a GLib message (%s) on stderr:\n%s", what, marks[i],
			  err);
}

char *test_tmpfile(const char *suffix)
{
	char *tmpl = g_strdup_printf("kdh-test-XXXXXX%s", suffix);
	char *path = NULL;
	int fd = g_file_open_tmp(tmpl, &path, NULL);

	cr_assert(fd >= 0);
	close(fd);
	g_free(tmpl);
	return path;
}

/* Frame builders for synthetic captures: thin wrappers over netsim's */
size_t test_udp_frame(uint8_t *buf, const uint8_t src_mac[6],
		      const uint8_t dst_mac[6], uint32_t sip, uint16_t sport,
		      uint32_t dip, uint16_t dport, const uint8_t *payload,
		      size_t len)
{
	return udp_frame_build(buf, ETH_HLEN + 28 + len, dst_mac, src_mac, sip,
			       sport, dip, dport, payload, len);
}

size_t test_arp_frame(uint8_t *buf, uint16_t op, const uint8_t sha[6],
		      uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	return arp_frame_build(buf, ETH_HLEN + 28, op, sha, spa, tha, tpa);
}

size_t test_dhcp_msg(uint8_t *buf, uint8_t op, uint8_t type, uint32_t xid,
		     const uint8_t chaddr[6], uint32_t yiaddr,
		     uint32_t server_id)
{
	struct dhcp_msg m = { .op = op, .msg_type = type, .xid = xid,
		.yiaddr = yiaddr, .server_id = server_id };

	memcpy(m.chaddr, chaddr, 6);
	return dhcp_build(&m, buf, 300);
}

/* Remove a directory tree the test made (rm -rf, through the real tool) */
void test_rmtree(const char *dir)
{
	const char *argv[] = { "rm", "-rf", "--", dir, NULL };
	char *out, *err;

	test_run(argv, &out, &err);
	g_free(out);
	g_free(err);
}

/**
 * test_vm_suite_passed() - `kdh run scenarios/vm`'s output shows every VM
 * scenario that runs wherever QEMU does as passed, and nothing failed
 * (vm-ostype-win10 needs KVM, vm-bridge-vlan root and a kernel with bridge
 * VLAN filtering: they may skip)
 * @out:	kdh run's standard output
 */
void test_vm_suite_passed(const char *out)
{
	static const char *const must_pass[] = {
		"PASS  vm-busparams ", "PASS  vm-busparams-wrong ",
		"PASS  vm-dhcp-hang-short ", "PASS  vm-dhcp-network ",
		"PASS  vm-dhcp-off ", "PASS  vm-serial ", "PASS  vm-q35 ",
		"PASS  vm-q35-ovmf ", "PASS  vm-q35-busparams ",
		"PASS  vm-kd-drivers ", "PASS  vm-kd-ack-only ",
	};

	cr_assert(strstr(out, "13 scenarios: ") && strstr(out, " 0 failed, ") &&
		  strstr(out, " 0 errors"), "%s", out);
	for (size_t i = 0; i < sizeof(must_pass) / sizeof(*must_pass); i++)
		cr_assert(strstr(out, must_pass[i]), "%s: %s", must_pass[i], out);
}

/**
 * test_procs_matching() - processes (other than this one) whose command
 * line holds every one of @needles
 * @needles:	NULL-terminated strings
 * @first:	output, may be NULL: the first such process' pid, 0 for none
 *
 * Return: how many there are
 */
unsigned test_procs_matching(const char *const needles[], pid_t *first)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	unsigned n = 0;

	if (first)
		*first = 0;
	while (d && (de = readdir(d))) {
		char path[300], buf[8192];
		bool all = true;
		FILE *f;
		size_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			buf[i] = buf[i] ? buf[i] : ' ';
		buf[len] = '\0';
		for (size_t i = 0; needles[i] && all; i++)
			all = strstr(buf, needles[i]) != NULL;
		if (all && !n++ && first)
			*first = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* Processes whose command line mentions @needle (QEMU and dnsmasq name
 * files in the run's results directory) */
unsigned test_procs_with(const char *needle)
{
	const char *needles[] = { needle, NULL };

	return test_procs_matching(needles, NULL);
}

/**
 * test_run_pty() - run a command with its standard error on a
 * pseudo-terminal (so isatty(2) holds, as for a person at a terminal),
 * standard output to /dev/null
 * @argv:	the command (argv[0] a path)
 * @env:	"NAME=VALUE" set in the child, NULL for none
 * @tty:	output: everything it wrote to the terminal (g_free it)
 *
 * Return: its exit status
 */
int test_run_pty(const char *const argv[], const char *env, char **tty)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), status = -1;
	GString *got = g_string_new(NULL);
	char buf[4096];
	const char *slave;
	ssize_t n;
	pid_t pid;

	cr_assert(m >= 0 && !grantpt(m) && !unlockpt(m) && (slave = ptsname(m)),
		  "no pseudo-terminal");
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int s = open(slave, O_RDWR | O_NOCTTY), null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlives the test */
		if (s < 0 || null < 0)
			_exit(126);
		dup2(null, 1);
		dup2(s, 2);
		close(m);
		if (env)
			putenv((char *)env);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	/* read until the last writer is gone: EIO from a Linux pty master */
	while ((n = read(m, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			g_string_append_len(got, buf, n);
	close(m);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "%s did not exit normally", argv[0]);
	*tty = g_string_free(got, FALSE);
	return WEXITSTATUS(status);
}
