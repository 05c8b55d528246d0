// SPDX-License-Identifier: GPL-2.0-or-later
/* accel_probe.c - the two questions accel.c asks before a VM gets KVM:
 * does the KVM device make a VM with a vCPU, and does QEMU start this
 * VM's machine and CPU under KVM
 *
 * The QEMU half runs the real binary, paused (-S), with QMP on a pipe that
 * already holds qmp_capabilities and quit (written before the fork, so
 * kdh never writes to a QEMU that is gone: no SIGPIPE).  QEMU reads QMP
 * only once the machine and its vCPUs exist, so status 0 is the answer
 * "it started"; an unusable model or accelerator makes QEMU exit 1 at
 * once with the reason on stderr.  The child is in its own process group
 * with a parent-death signal, like every QEMU of kdh's; past the timeout
 * the group gets SIGKILL and is reaped, so nothing outlives the probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "kdh/run/accel.h"

#define KVM_API_VERSION_EXPECTED	12
#define STDERR_KEPT			4096

static const char qmp_quit[] = "{\"execute\":\"qmp_capabilities\"}\n"
			       "{\"execute\":\"quit\"}\n";

/**
 * accel_device_probe() - /dev/kvm opens read-write, KVM_GET_API_VERSION is
 * 12, KVM_CREATE_VM and KVM_CREATE_VCPU succeed
 * @dev:	the device ("/dev/kvm")
 * @why:	what it found, one sentence
 * @len:	its size
 *
 * Return: true when every step succeeded
 */
bool accel_device_probe(const char *dev, char *why, size_t len)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC), vm = -1, cpu = -1, api;
	bool ok = false;

	if (fd < 0) {
		snprintf(why, len, "%s does not open: %s", dev, strerror(errno));
		return false;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION_EXPECTED)
		snprintf(why, len, "%s: KVM API version %d, not %d", dev, api,
			 KVM_API_VERSION_EXPECTED);
	else if ((vm = ioctl(fd, KVM_CREATE_VM, 0)) < 0)
		snprintf(why, len, "%s: KVM_CREATE_VM: %s", dev, strerror(errno));
	else if ((cpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		snprintf(why, len, "%s: KVM_CREATE_VCPU: %s", dev, strerror(errno));
	else
		ok = snprintf(why, len, "%s: API %d, a VM and a vCPU created",
			      dev, api) > 0;
	if (cpu >= 0)
		close(cpu);
	if (vm >= 0)
		close(vm);
	close(fd);
	return ok;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child: stdin the QMP pipe, stdout nowhere, stderr the pipe */
static void child_exec(const char *const *argv, int in, int err, pid_t parent)
{
	int null = open("/dev/null", O_WRONLY);

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* kdh died before prctl */
		_exit(127);
	dup2(in, 0);
	dup2(null >= 0 ? null : err, 1);
	dup2(err, 2);
	execvp(argv[0], (char **)argv);
	dprintf(2, "cannot run it: %s\n", strerror(errno));
	_exit(127);
}

/* Read its stderr until it exits or the deadline; true when it exited */
static bool wait_exit(pid_t pid, int err_fd, int64_t deadline, GString *text)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p[2] = { { .fd = err_fd, .events = POLLIN },
			       { .fd = pidfd, .events = POLLIN } };
	bool exited = false;
	char buf[512];

	while (!exited) {
		int64_t left = deadline - now_ms();
		int rc;

		if (left <= 0)
			break;
		rc = poll(p, pidfd >= 0 ? 2 : 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			break;
		if (p[0].revents) {
			ssize_t n = read(err_fd, buf, sizeof(buf));

			if (n > 0 && text->len < STDERR_KEPT)
				g_string_append_len(text, buf, n);
			if (n <= 0)	/* closed: it is exiting */
				p[0].fd = -1;
		}
		/* without a pidfd, stderr's end stands for the exit */
		exited = pidfd >= 0 ? p[1].revents != 0 : p[0].fd < 0;
	}
	if (pidfd >= 0)
		close(pidfd);
	return exited;
}

/* What it wrote before it exited, without waiting for more */
static void drain(int fd, GString *text)
{
	char buf[512];
	ssize_t n;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (text->len < STDERR_KEPT && (n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(text, buf, n);
}

/* "qemu-system-x86_64: warning: x\nqemu-system-x86_64: y\n" -> "warning: x; y"
 * (QEMU names itself by its basename; a script by the path it ran as) */
static void summarize(const char *binary, const char *text, char *out,
		      size_t len)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	gchar *base = g_path_get_basename(binary);
	GString *s = g_string_new(NULL);

	for (gchar **l = lines; *l; l++) {
		const char *m = g_strstrip(*l);

		for (const char *p = binary; p; p = p == binary ? base : NULL)
			if (!strncmp(m, p, strlen(p)) && !strncmp(m + strlen(p), ": ", 2))
				m += strlen(p) + 2;
		if (*m)
			g_string_append_printf(s, "%s%s", s->len ? "; " : "", m);
	}
	snprintf(out, len, "%s", s->len ? s->str : "no message");
	g_string_free(s, TRUE);
	g_free(base);
	g_strfreev(lines);
}

/**
 * accel_qemu_probe() - run QEMU briefly: does it start?
 * @argv:	QEMU and its arguments, NULL-terminated; QMP must be on stdio
 *		(-qmp stdio) so the probe's quit ends it
 * @timeout_ms:	SIGKILL to its process group after this long
 * @why:	QEMU's stderr in one line, or why there is no answer
 * @len:	its size
 * @took_ms:	output: how long it took (for logs)
 *
 * Return: 0 when QEMU started and quit (exit status 0), 1 when it exited
 * otherwise or did not exit in time (killed, reaped), a negative errno
 * when it could not be run at all
 */
int accel_qemu_probe(const char *const *argv, int timeout_ms, char *why,
		     size_t len, unsigned *took_ms)
{
	int in[2], err[2], status = 0;
	int64_t start = now_ms(), deadline = start + timeout_ms;
	GString *text = g_string_new(NULL);
	pid_t parent = getpid(), pid;
	bool exited;

	*took_ms = 0;
	if (pipe2(in, O_CLOEXEC)) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		g_string_free(text, TRUE);
		return -errno;
	}
	if (pipe2(err, O_CLOEXEC)) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		g_string_free(text, TRUE);
		return -EIO;
	}
	/* a pipe holds far more than these two lines: this never blocks */
	if (write(in[1], qmp_quit, sizeof(qmp_quit) - 1) < 0)
		snprintf(why, len, "pipe: %s", strerror(errno));
	close(in[1]);
	pid = fork();
	if (pid == 0)
		child_exec(argv, in[0], err[1], parent);
	close(in[0]);
	close(err[1]);
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(err[0]);
		g_string_free(text, TRUE);
		return -EAGAIN;
	}
	setpgid(pid, pid);		/* both sides, no race */
	exited = wait_exit(pid, err[0], deadline, text);
	if (!exited)
		kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	*took_ms = (unsigned)(now_ms() - start);
	drain(err[0], text);
	close(err[0]);
	if (!exited)
		snprintf(why, len, "no answer within %d ms (killed)", timeout_ms);
	else
		summarize(argv[0], text->str, why, len);
	g_string_free(text, TRUE);
	if (exited && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		char said[160];

		snprintf(said, sizeof(said), "%s", why);
		snprintf(why, len, "%s: %s", argv[0], said);
		return -ENOENT;
	}
	return exited && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
