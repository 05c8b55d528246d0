// SPDX-License-Identifier: GPL-2.0-or-later
/* run_worker.c - the processes of `kdh run -j N`: long-lived workers for
 * simulated scenarios, a fresh child for each scenario with a VM
 *
 * A worker is forked once and runs scenario after scenario: the parent
 * writes an index on its socket, the worker gets the scenario itself
 * (run_source.get() on its copy of the suite), runs it and writes back
 * its struct scenario_result (plain data); the end of the socket tells it
 * to exit.  Forking once per scenario cost more than the scenario: every
 * fork copies the page tables of a parent holding thousands of results.
 *
 * A scenario that boots QEMU (target = vm) or builds Linux bridges in a
 * network namespace still gets a fresh child of its own (run_isolated()):
 * its QEMUs and dnsmasq die with that child (PR_SET_PDEATHSIG) and
 * nothing it changed in its process outlives it.  A worker that dies in
 * the middle of a scenario is reported as such a child would be: the
 * scenario is an ERROR, "the process running it died", and the next
 * simulated scenario gets a new worker.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/run/run_worker.h"

/**
 * run_isolated() - whether a scenario needs a process of its own: it
 * boots QEMU or runs on Linux bridges
 * @sc:		the scenario
 * @o:		the run's options (--backend)
 *
 * Return: true for a fresh child, false for a worker
 */
bool run_isolated(const struct scenario *sc, const struct run_opts *o)
{
	for (size_t i = 0; i < sc->n_vms; i++)
		if (sc->vms[i].real)
			return true;
	return run_uses_bridge(sc, o);
}

/**
 * slot_get_failed() - the result of a scenario that could not be had (a
 * cell that parsed at load and not now: never expected)
 * @r:		the result
 * @i:		its index
 * @err:	why
 */
void slot_get_failed(struct scenario_result *r, size_t i, const char *err)
{
	memset(r, 0, sizeof(*r));
	r->index = (unsigned)i;
	snprintf(r->name, sizeof(r->name), "#%zu", i);
	r->verdict = V_ERROR;
	snprintf(r->reason, sizeof(r->reason), "%s", err);
}

/* 0 when all @len bytes were read, -1 on the end or an error */
static int read_all(int fd, void *buf, size_t len)
{
	char *b = buf;

	while (len) {
		ssize_t n = read(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fork() with SIGINT and SIGTERM blocked until the child has its own
 * handlers: one that came between fork() and them would kill it at once
 * (the parent's handler is SA_RESETHAND), and its scenario would leave no
 * result.  The parent's mask is back when this returns in the parent;
 * the child restores it from @old in child_setup() */
static pid_t fork_blocked(sigset_t *old)
{
	sigset_t sigs;
	pid_t pid;
	int err;

	run_signals_set(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, old);
	pid = fork();
	err = errno;
	if (pid != 0)
		sigprocmask(SIG_SETMASK, old, NULL);
	errno = err;
	return pid;
}

/* In a new process: the parent's ends of the other slots closed (a worker
 * must see the end of its socket when the parent closes it), dies with
 * kdh and its QEMUs and dnsmasq with it, its own signal handlers.  False
 * when kdh is already gone */
static bool child_setup(const struct slots *all, const struct run_opts *o,
			const sigset_t *old, pid_t parent)
{
	for (size_t k = 0; k < all->n; k++)
		if (all->s[k].pid > 0 && all->s[k].fd >= 0)
			close(all->s[k].fd);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (o->stop_by_signals)
		run_signals_install(false);	/* every signal: finish */
	sigprocmask(SIG_SETMASK, old, NULL);
	return getppid() == parent;
}

/**
 * slot_fork_child() - a fresh child that runs @sc and exits
 * @c:		an empty slot
 * @all:	every slot
 * @sc:		the scenario (the pool's scratch: the child has its copy)
 * @o:		the run's options
 *
 * Return: 0, or a negative errno (nothing forked)
 */
int slot_fork_child(struct slot *c, const struct slots *all,
		    const struct scenario *sc, const struct run_opts *o)
{
	int p[2], err;
	sigset_t old;
	pid_t parent = getpid();

	if (pipe(p))
		return -errno;
	c->pid = fork_blocked(&old);
	err = errno;
	if (c->pid < 0) {
		close(p[0]);
		close(p[1]);
		c->pid = 0;
		return -err;
	}
	if (c->pid == 0) {
		struct scenario_result r;

		close(p[0]);
		if (!child_setup(all, o, &old, parent))
			_exit(1);
		run_scenario(sc, o, &r);
		_exit(write_all(p[1], &r, sizeof(r)) ? 1 : 0);
	}
	close(p[1]);
	c->fd = p[0];
	c->worker = false;
	return 0;
}

/* A worker's life: an index in, its result out, until the socket ends */
static void worker_loop(int fd, const struct run_source *src,
			struct scenario *sc, const struct run_opts *o)
{
	struct scenario_result r;
	char err[400];
	uint64_t i;

	while (!read_all(fd, &i, sizeof(i))) {
		if (src->get(src->ctx, (size_t)i, sc, err, sizeof(err)))
			slot_get_failed(&r, (size_t)i, err);
		else
			run_scenario(sc, o, &r);
		if (write_all(fd, &r, sizeof(r)))
			_exit(1);
	}
	_exit(0);
}

/**
 * slot_fork_worker() - a worker in an empty slot, idle until slot_send()
 * @w:		the slot
 * @all:	every slot
 * @src:	the scenarios (the worker gets each from its copy)
 * @scratch:	room for one scenario (the worker's copy is its own)
 * @o:		the run's options
 *
 * Return: 0, or a negative errno (nothing forked)
 */
int slot_fork_worker(struct slot *w, const struct slots *all,
		     const struct run_source *src, struct scenario *scratch,
		     const struct run_opts *o)
{
	int sv[2], err;
	sigset_t old;
	pid_t parent = getpid();

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	w->pid = fork_blocked(&old);
	err = errno;
	if (w->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		w->pid = 0;
		return -err;
	}
	if (w->pid == 0) {
		close(sv[0]);
		if (!child_setup(all, o, &old, parent))
			_exit(1);
		worker_loop(sv[1], src, scratch, o);
	}
	close(sv[1]);
	w->fd = sv[0];
	w->worker = true;
	w->busy = false;
	return 0;
}

/**
 * slot_send() - give an idle worker scenario @i
 * @w:		the worker's slot
 * @i:		the scenario's index
 *
 * Return: 0, or -EPIPE when the worker is gone (slot_close() it)
 */
int slot_send(struct slot *w, size_t i)
{
	uint64_t v = i;
	ssize_t n;

	do
		n = send(w->fd, &v, sizeof(v), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(v) ? 0 : -EPIPE;
}

/**
 * slot_close() - end a slot's process: a worker is told by the end of its
 * socket, a child has ended; either is reaped
 * @c:		the slot, empty after
 */
void slot_close(struct slot *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->pid > 0)
		waitpid(c->pid, NULL, 0);
	c->pid = 0;
	c->fd = -1;
	c->busy = false;
	c->worker = false;
}

/**
 * slot_collect() - read a finished slot's result into rs[index]; a
 * process that died gives an error result, and its slot is emptied
 * @c:		a busy slot whose end is readable
 * @rs:		the results, in suite order
 */
void slot_collect(struct slot *c, struct scenario_result *rs)
{
	struct scenario_result *r = &rs[c->index];
	bool whole = !read_all(c->fd, r, sizeof(*r));

	c->busy = false;
	/* a worker told to stop (a signal of its own) would interrupt every
	 * scenario after: it ends, the next one gets a new worker */
	if (whole && c->worker && r->verdict != V_INTERRUPTED)
		return;		/* idle, for the next */
	slot_close(c);
	if (whole)
		return;
	*r = c->head;
	r->verdict = V_ERROR;
	snprintf(r->reason, sizeof(r->reason), "the process running it died");
}
