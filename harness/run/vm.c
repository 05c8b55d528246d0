// SPDX-License-Identifier: GPL-2.0-or-later
/* vm.c - QEMU process supervision
 *
 * A QEMU child runs in its own process group with a parent-death signal,
 * so it dies with kdh whatever way kdh dies; its stdout and stderr go to
 * vm.log.  The guest console is a file (an extra ISA serial port) that the
 * boot watchdog reads for the image's first marker.  Stopping is SIGTERM to
 * the group, then SIGKILL after a short grace, then reaping.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kdh/platform/qemu_argv.h"
#include "kdh/run/vm.h"

/**
 * vm_spawn() - start QEMU
 * @argv:	argv (argv[0] found in PATH)
 * @log_path:	where its stdout and stderr go
 * @vm:		output; @vm->console must already be set by the caller
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -errno with @err filled
 */
int vm_spawn(GPtrArray *argv, const char *log_path, struct vm_proc *vm,
	     char *err, size_t errlen)
{
	return vm_spawn_keep(argv, log_path, NULL, 0, vm, err, errlen);
}

/**
 * vm_spawn_keep() - vm_spawn(), handing the child some of kdh's fds (a
 * tap's, which QEMU takes as -netdev tap,fd=N)
 * @argv:	command
 * @log_path:	stdout and stderr go here (appended)
 * @keep:	fds (close-on-exec in kdh) the child inherits, may be NULL
 * @n_keep:	how many
 * @vm:		process record
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or a negative errno
 */
int vm_spawn_keep(GPtrArray *argv, const char *log_path, const int *keep,
		  size_t n_keep, struct vm_proc *vm, char *err, size_t errlen)
{
	char **args = g_new0(char *, argv->len + 1);
	pid_t parent = getpid(), pid;
	int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (log < 0) {
		snprintf(err, errlen, "%s: %s", log_path, strerror(errno));
		g_free(args);
		return -errno;
	}
	for (guint i = 0; i < argv->len; i++)
		args[i] = g_ptr_array_index(argv, i);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)	/* kdh died before prctl */
			_exit(127);
		dup2(log, 1);
		dup2(log, 2);
		for (size_t i = 0; i < n_keep; i++)
			fcntl(keep[i], F_SETFD, 0);
		execvp(args[0], args);
		fprintf(stderr, "kdh: exec %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	close(log);
	g_free(args);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -errno;
	}
	setpgid(pid, pid);		/* both sides, no race */
	vm->pid = pid;
	vm->exited = false;
	return 0;
}

/**
 * vm_alive() - reap without blocking
 * @vm:		process
 *
 * Return: true while QEMU runs (@vm->status set once it exited)
 */
bool vm_alive(struct vm_proc *vm)
{
	if (vm->pid <= 0 || vm->exited)
		return false;
	if (waitpid(vm->pid, &vm->status, WNOHANG) == vm->pid)
		vm->exited = true;
	return !vm->exited;
}

/**
 * vm_stop() - SIGTERM the process group, SIGKILL after 2 s, reap
 * @vm:		process (no effect when not running)
 */
void vm_stop(struct vm_proc *vm)
{
	struct pollfd p = { .events = POLLIN };

	if (!vm_alive(vm))
		return;
	p.fd = (int)syscall(SYS_pidfd_open, vm->pid, 0);
	kill(-vm->pid, SIGTERM);
	if (p.fd >= 0) {		/* readable when it exits */
		poll(&p, 1, 2000);
		close(p.fd);
	}
	if (vm_alive(vm)) {
		kill(-vm->pid, SIGKILL);
		waitpid(vm->pid, &vm->status, 0);
		vm->exited = true;
	}
}

/**
 * vm_console_has() - whether the guest printed @marker on its console
 * @vm:		process with @vm->console set
 * @marker:	text
 *
 * Return: true when the console file contains it
 */
bool vm_console_has(const struct vm_proc *vm, const char *marker)
{
	gchar *text = NULL;
	bool found;

	if (!g_file_get_contents(vm->console, &text, NULL, NULL))
		return false;
	found = strstr(text, marker) != NULL;
	g_free(text);
	return found;
}

/**
 * vm_ovmf_vars_copy() - a VM's own UEFI variable store, copied from
 * Debian's template (QEMU writes to it)
 * @dest:	the copy
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT (package ovmf missing), -EIO
 */
int vm_ovmf_vars_copy(const char *dest, char *err, size_t errlen)
{
	gchar *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(QEMU_OVMF_VARS, &data, &len, NULL)) {
		snprintf(err, errlen, "%s: missing (apt-get install ovmf)",
			 QEMU_OVMF_VARS);
		return -ENOENT;
	}
	if (!g_file_set_contents(dest, data, (gssize)len, NULL)) {
		snprintf(err, errlen, "%s: cannot write the OVMF variables", dest);
		g_free(data);
		return -EIO;
	}
	g_free(data);
	return 0;
}
