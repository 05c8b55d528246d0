// SPDX-License-Identifier: GPL-2.0-or-later
/* test_serial_tcp.c - the relay's TCP listening end and `kdh serial-link
 * --tcp-listen`: addresses as users write them, one client at a time and
 * the next one getting what waited, a simulated debuggee behind a unix
 * socket (QEMU's serialN) reached by a debugger speaking KD over TCP
 * across a reboot, and the command as a user runs it.  Loopback only;
 * real sockets, so the real clock: deadlines are generous and only end a
 * hang, no test measures wall time. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/debugger/debugger_serial.h"
#include "kdh/kdnet/kd_stream.h"
#include "kdh/target/target.h"
#include "netsim/relay.h"

#define DEADLINE_NS	(30 * NS_PER_S)	/* a hang fails, it never passes */

/* A port free a moment ago (bind to port 0, read it, close) */
static uint16_t free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static int tcp_connect(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
		     "connect 127.0.0.1:%u: %s", port, strerror(errno));
	return fd;
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 2), 0);
	return fd;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* A relay whose end 1 is tcp-listen on a free port (retried: another
 * test program may take the port between free_port() and the bind) */
static struct ns_relay *relay_tcp(struct ns_loop *l, const char *end0,
				  const struct ns_relay_ops *ops, void *opaque,
				  uint16_t *port)
{
	char spec1[64], err[256] = "";

	for (int i = 0; i < 10; i++) {
		const char *spec[2] = { end0, spec1 };
		struct ns_relay *r;

		*port = free_port();
		snprintf(spec1, sizeof(spec1), "tcp-listen:127.0.0.1:%u", *port);
		r = ns_relay_new(l, spec, ops, opaque, err, sizeof(err));
		if (r)
			return r;
		cr_assert(strstr(err, "in use"), "%s", err);
	}
	cr_assert_fail("no free port: %s", err);
	return NULL;
}

/* ---- the relay's TCP end, in process ---- */

struct seen {
	unsigned up[2], down[2], refused[2];
	char peer[NS_TCP_ADDR_LEN], refused_peer[NS_TCP_ADDR_LEN];
	struct ns_relay *r;
};

static void seen_event(void *opaque, int end, enum ns_relay_event ev)
{
	struct seen *s = opaque;

	if (ev == NS_RELAY_UP)
		s->up[end]++;
	else if (ev == NS_RELAY_DOWN)
		s->down[end]++;
	else
		s->refused[end]++;
	if (end == 1 && ev == NS_RELAY_REFUSED)
		snprintf(s->refused_peer, sizeof(s->refused_peer), "%s",
			 ns_relay_peer(s->r, 1));
	else if (end == 1)
		snprintf(s->peer, sizeof(s->peer), "%s", ns_relay_peer(s->r, 1));
}

/* Run @l until @want bytes are read from @fd into @buf (or EOF, -1) */
static ssize_t read_while_running(struct ns_loop *l, int fd, uint8_t *buf,
				  size_t want)
{
	uint64_t end = ns_loop_now(l) + DEADLINE_NS;
	size_t got = 0;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (got < want && ns_loop_now(l) < end) {
		ssize_t n = read(fd, buf + got, want - got);

		if (n == 0)
			return got ? (ssize_t)got : -1;
		if (n > 0)
			got += (size_t)n;
		else
			ns_loop_run(l, ns_loop_now(l) + 5 * NS_PER_MS);
	}
	return (ssize_t)got;
}

static void run_until(struct ns_loop *l, const unsigned *count, unsigned want)
{
	uint64_t end = ns_loop_now(l) + DEADLINE_NS;

	while (*count < want && ns_loop_now(l) < end)
		ns_loop_run(l, ns_loop_now(l) + 5 * NS_PER_MS);
	cr_assert_geq(*count, want, "the event never came");
}

Test(serial_tcp, one_client_at_a_time_and_the_next_gets_what_waited)
{
	static const struct ns_relay_ops ops = { .event = seen_event };
	char *dir = g_dir_make_tmp("kdh-tcp-XXXXXX", NULL);
	char *path = g_build_filename(dir, "vm.sock", NULL);
	char *spec0 = g_strdup_printf("listen:%s", path);
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	struct seen s = { 0 };
	uint8_t buf[16];
	uint16_t port;
	int vm, c1, c2, c3;

	s.r = relay_tcp(l, spec0, &ops, &s, &port);
	vm = unix_connect(path);
	c1 = tcp_connect(port);
	run_until(l, &s.up[1], 1);
	cr_assert(g_str_has_prefix(s.peer, "127.0.0.1:"), "%s", s.peer);
	/* both ways */
	cr_assert_eq(write(vm, "abc", 3), 3);
	cr_assert_eq(read_while_running(l, c1, buf, 3), 3);
	cr_assert_eq(memcmp(buf, "abc", 3), 0);
	cr_assert_eq(write(c1, "xyz", 3), 3);
	cr_assert_eq(read_while_running(l, vm, buf, 3), 3);
	cr_assert_eq(memcmp(buf, "xyz", 3), 0);
	/* a second client while the first is there: closed at once */
	c2 = tcp_connect(port);
	run_until(l, &s.refused[1], 1);
	cr_assert_eq(read_while_running(l, c2, buf, 1), -1, "refused: EOF");
	cr_assert(g_str_has_prefix(s.refused_peer, "127.0.0.1:"));
	cr_assert_str_neq(s.refused_peer, s.peer);
	cr_assert_eq(write(vm, "1", 1), 1);	/* the first one still has it */
	cr_assert_eq(read_while_running(l, c1, buf, 1), 1);
	/* the client goes away; what the VM says meanwhile waits for the next */
	close(c1);
	run_until(l, &s.down[1], 1);
	cr_assert_eq(write(vm, "later", 5), 5);
	for (int i = 0; i < 10; i++)
		ns_loop_run(l, ns_loop_now(l) + 5 * NS_PER_MS);
	c3 = tcp_connect(port);
	cr_assert_eq(read_while_running(l, c3, buf, 5), 5);
	cr_assert_eq(memcmp(buf, "later", 5), 0);
	cr_assert_eq(s.up[1], 2);
	cr_assert_eq(s.refused[1], 1);
	cr_assert_eq(s.up[0], 1, "the VM's side never noticed");
	cr_assert_eq(s.down[0], 0);
	close(c2); close(c3); close(vm);
	ns_relay_free(s.r);
	ns_loop_free(l);
	unlink(path);
	rmdir(dir);
	g_free(spec0); g_free(path); g_free(dir);
}

Test(serial_tcp, addresses_as_users_write_them)
{
	static const struct { const char *in, *text; bool loopback; } ok[] = {
		{ "5800", "127.0.0.1:5800", true },
		{ "127.0.0.1:1", "127.0.0.1:1", true },
		{ "127.5.6.7:65535", "127.5.6.7:65535", true },
		{ "0.0.0.0:5800", "0.0.0.0:5800", false },
		{ "192.168.1.5:5800", "192.168.1.5:5800", false },
		{ "[::1]:5800", "[::1]:5800", true },
		{ "[::]:5800", "[::]:5800", false },
		{ "[::ffff:127.0.0.1]:5800", "[::ffff:127.0.0.1]:5800", true },
	};
	static const struct { const char *in, *says; } bad[] = {
		{ "0", "port 0" }, { "127.0.0.1:0", "port 0" },
		{ "65536", "above 65535" }, { "99999999999", "above 65535" },
		{ "", "not a port" }, { "abc", "not a port" }, { "58x", "not a port" },
		{ "-1", "not a port" }, { "127.0.0.1:", "not a port" },
		{ ":5800", "no address" }, { "localhost:5800", "not a numeric IPv4" },
		{ "1.2.3:5800", "not a numeric IPv4" }, { "::1:5800", "brackets" },
		{ "[::1]", "[ADDR]:PORT" }, { "[::1]5800", "[ADDR]:PORT" },
		{ "[1.2.3.4]:5800", "not a numeric IPv6" },
	};
	struct ns_tcp_addr a;
	char err[256];

	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		cr_assert_eq(ns_tcp_addr_parse(ok[i].in, &a, err, sizeof(err)), 0,
			     "%s: %s", ok[i].in, err);
		cr_assert_str_eq(a.text, ok[i].text);
		cr_assert_eq(a.loopback, ok[i].loopback, "%s", ok[i].in);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		cr_assert_eq(ns_tcp_addr_parse(bad[i].in, &a, err, sizeof(err)), -1,
			     "'%s' taken", bad[i].in);
		cr_assert(strstr(err, bad[i].says), "'%s': %s", bad[i].in, err);
		cr_assert(g_str_has_prefix(err, bad[i].in), "names the input: %s", err);
	}
}

Test(serial_tcp, bad_specs_and_a_busy_port_are_refused)
{
	static const struct ns_relay_ops ops = { 0 };
	struct ns_loop *l = ns_loop_new(NS_CLOCK_REAL, 1);
	const char *spec[2] = { "-", "tcp-listen:0" };
	char err[256], busy[64];
	struct ns_relay *r;
	uint16_t port;

	cr_assert_null(ns_relay_new(l, spec, &ops, NULL, err, sizeof(err)));
	cr_assert(strstr(err, "port 0"), "%s", err);
	spec[1] = "tcp-listen:[::1";
	cr_assert_null(ns_relay_new(l, spec, &ops, NULL, err, sizeof(err)));
	r = relay_tcp(l, "-", &ops, NULL, &port);
	snprintf(busy, sizeof(busy), "tcp-listen:%u", port);
	spec[1] = busy;
	cr_assert_null(ns_relay_new(l, spec, &ops, NULL, err, sizeof(err)));
	cr_assert(strstr(err, "in use"), "%s", err);
	ns_relay_free(r);
	ns_loop_free(l);
}

/* ---- KD over TCP to a simulated serial debuggee, across a reboot ---- */

/* The debuggee behind a unix server socket, as QEMU serves serialN; the
 * relay joins it to its TCP end; the debugger is that end's client */
struct kdt {
	struct ns_loop *l;
	struct ns_relay *r;
	struct seen s;
	struct target *t;
	struct dbg_serial *d;
	char *path;
	int qemu, vm, client;		/* listener, its one connection, TCP */
	struct kd_stream ks[2];		/* what the client reads / sends */
	struct kd_conn conn;
	int dir;
};

static void kdt_judge(void *opaque, enum kd_stream_event ev,
		      const struct kd_packet *p)
{
	struct kdt *k = opaque;

	if (ev == KD_EV_PACKET)
		kd_conn_packet(&k->conn, k->dir, p->type, ns_loop_now(k->l));
}

static void vm_io(void *opaque, int fd, short revents)
{
	struct kdt *k = opaque;
	uint8_t buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0) {
		target_serial_input(k->t, 0, buf, (size_t)n);
	} else if (n == 0 || errno != EAGAIN) {
		ns_loop_del_fd(k->l, fd);
		close(fd);
		k->vm = -1;
	}
}

/* The relay connected to the VM's socket: the VM boots */
static void qemu_accept(void *opaque, int fd, short revents)
{
	struct kdt *k = opaque;
	int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);

	if (c < 0 || k->vm >= 0) {
		if (c >= 0)
			close(c);
		return;
	}
	k->vm = c;
	cr_assert_eq(ns_loop_add_fd(k->l, c, POLLIN, vm_io, k, "vm serial0"), 0);
	target_power_on(k->t);
}

static void client_io(void *opaque, int fd, short revents)
{
	struct kdt *k = opaque;
	uint8_t buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	cr_assert(n > 0 || (n < 0 && errno == EAGAIN), "the relay dropped us");
	if (n <= 0)
		return;
	k->dir = 0;
	kd_stream_feed(&k->ks[0], buf, (size_t)n, kdt_judge, k);
	dbg_serial_input(k->d, buf, (size_t)n);
}

static void send_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { fd, POLLOUT, 0 };

			poll(&p, 1, 1000);
			continue;
		}
		cr_assert_gt(n, 0, "write: %s", strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

static void vm_serial(void *o, unsigned port, const uint8_t *buf, size_t len)
{
	struct kdt *k = o;

	if (k->vm >= 0)		/* nobody on the socket: the bytes are lost */
		send_all(k->vm, buf, len);
}

static void dbg_send(void *o, const uint8_t *buf, size_t len)
{
	struct kdt *k = o;

	k->dir = 1;
	kd_stream_feed(&k->ks[1], buf, len, kdt_judge, k);
	send_all(k->client, buf, len);
}

static size_t no_nics(void *o, struct target_nic *n, size_t max)
{
	return 0;
}

static bool no_hv(void *o, char vendor[13])
{
	return false;
}

/* Run until the debuggee is connected and the client saw at least @want
 * reset exchanges (on the real clock a RESET of each side may cross, so
 * one boot may show two) */
static void kdt_run_until_connections(struct kdt *k, unsigned want)
{
	uint64_t end = ns_loop_now(k->l) + DEADLINE_NS;

	while ((k->conn.connections < want || target_phase(k->t) != TP_CONNECTED) &&
	       ns_loop_now(k->l) < end)
		ns_loop_run(k->l, ns_loop_now(k->l) + 10 * NS_PER_MS);
	cr_assert_geq(k->conn.connections, want, "KD connections over TCP: %u",
		      k->conn.connections);
	cr_assert_eq(target_phase(k->t), TP_CONNECTED, "%s",
		     target_phase_name(target_phase(k->t)));
}

Test(serial_tcp, kd_over_tcp_to_a_serial_debuggee_across_a_reboot)
{
	static const struct target_env_ops env = { .cpuid_hypervisor = no_hv,
		.list_nics = no_nics, .serial_send = vm_serial };
	static const struct dbg_serial_ops dops = { .send = dbg_send };
	static const struct ns_relay_ops rops = { .event = seen_event };
	char *dir = g_dir_make_tmp("kdh-tcp-kd-XXXXXX", NULL);
	struct target_config tc;
	struct kdt k = { .vm = -1 };
	unsigned before;
	uint16_t port;

	k.l = ns_loop_new(NS_CLOCK_REAL, 5);
	k.path = g_build_filename(dir, "100.serial0", NULL);
	target_config_default(&tc);
	tc.serial = true;
	tc.debugport = 1;
	tc.baudrate = 115200;
	tc.timing.kdnet_init_ns = 50 * NS_PER_MS;	/* a quick firmware */
	k.t = target_new(k.l, &tc, &env, &k);
	k.d = dbg_serial_new(k.l, &dops, &k);
	cr_assert(k.t && k.d);
	kd_stream_init(&k.ks[0]);
	kd_stream_init(&k.ks[1]);
	k.qemu = unix_listen(k.path);
	cr_assert_eq(ns_loop_add_fd(k.l, k.qemu, POLLIN, qemu_accept, &k, "qemu"), 0);
	k.s.r = k.r = relay_tcp(k.l, k.path, &rops, &k.s, &port);
	/* WinDbg: -k com:ipport=PORT,port=127.0.0.1, waiting to reconnect */
	k.client = tcp_connect(port);
	fcntl(k.client, F_SETFL, O_NONBLOCK);
	cr_assert_eq(ns_loop_add_fd(k.l, k.client, POLLIN, client_io, &k, "windbg"), 0);
	dbg_serial_start(k.d);
	kdt_run_until_connections(&k, 1);
	before = k.conn.connections;

	/* the VM reboots: QEMU goes, its socket with it, and comes back */
	target_power_off(k.t);
	ns_loop_del_fd(k.l, k.vm);
	close(k.vm);
	k.vm = -1;
	ns_loop_del_fd(k.l, k.qemu);
	close(k.qemu);
	unlink(k.path);
	run_until(k.l, &k.s.down[0], 1);
	for (int i = 0; i < 60; i++)		/* a few failed retries */
		ns_loop_run(k.l, ns_loop_now(k.l) + 5 * NS_PER_MS);
	k.qemu = unix_listen(k.path);
	cr_assert_eq(ns_loop_add_fd(k.l, k.qemu, POLLIN, qemu_accept, &k, "qemu"), 0);
	cr_assert_neq(target_phase(k.t), TP_CONNECTED);
	kdt_run_until_connections(&k, before + 1);
	cr_assert_eq(k.s.up[0], 2, "the relay came back to the VM");
	cr_assert_eq(k.s.up[1], 1, "the debugger stayed connected throughout");
	cr_assert_eq(k.s.down[1], 0);
	cr_assert_gt(dbg_serial_stats(k.d)->resets_rx, 1);

	ns_relay_free(k.r);
	target_free(k.t);
	dbg_serial_free(k.d);
	close(k.client);
	close(k.qemu);
	unlink(k.path);
	rmdir(dir);
	ns_loop_free(k.l);
	g_free(k.path); g_free(dir);
}

/* ---- kdh serial-link --tcp-listen, as a user runs it ---- */

/* Read exactly @len bytes from blocking @fd within the deadline */
static void read_exactly(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		cr_assert_eq(poll(&p, 1, (int)(DEADLINE_NS / NS_PER_MS)), 1,
			     "nothing came (%zu of %zu bytes)", got, len);
		n = read(fd, buf + got, len - got);
		cr_assert_gt(n, 0, "closed after %zu of %zu bytes", got, len);
		got += (size_t)n;
	}
}

/* Connect to kdh's port once it listens; -1 if kdh ended first */
static int connect_to_kdh(uint16_t port, pid_t pid)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	for (int i = 0; i < 3000; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	cr_assert_fail("kdh never listened on %u", port);
	return -1;
}

Test(serial_tcp, command_serves_a_vm_serial_port_to_a_tcp_client)
{
	const char *bin = getenv("KDH_BIN");
	char *dir = g_dir_make_tmp("kdh-tcp-cmd-XXXXXX", NULL);
	char *sock = g_build_filename(dir, "100.serial0", NULL);
	char *outp = g_build_filename(dir, "out.txt", NULL), *out = NULL, *want;
	int qemu = unix_listen(sock), vm, client = -1, status;
	uint8_t buf[16];
	uint16_t port = 0;
	pid_t pid = -1;

	cr_assert(bin, "KDH_BIN is not set (run through meson test)");
	for (int tries = 0; client < 0 && tries < 5; tries++) {
		char addr[32];

		port = free_port();
		snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (!pid) {
			int fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 1);
			execl(bin, bin, "serial-link", sock, "--tcp-listen", addr,
			      "--for", "3s", (char *)NULL);
			_exit(127);
		}
		client = connect_to_kdh(port, pid);	/* -1: the port was taken */
		while (client < 0) {	/* the failed kdh's connection to the VM */
			struct pollfd p = { qemu, POLLIN, 0 };

			if (poll(&p, 1, 0) != 1)
				break;
			close(accept(qemu, NULL, NULL));
		}
	}
	cr_assert_geq(client, 0, "kdh could not listen");
	vm = accept(qemu, NULL, NULL);
	cr_assert_geq(vm, 0);
	cr_assert_eq(write(vm, "KD from the VM", 14), 14);
	read_exactly(client, buf, 14);
	cr_assert_eq(memcmp(buf, "KD from the VM", 14), 0);
	cr_assert_eq(write(client, "b", 1), 1);		/* a break-in */
	read_exactly(vm, buf, 1);
	cr_assert_eq(buf[0], 'b');
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	cr_assert(g_file_get_contents(outp, &out, NULL, NULL));
	want = g_strdup_printf("B = TCP 127.0.0.1:%u", port);
	cr_assert(strstr(out, want), "%s", out);
	cr_assert(strstr(out, "B connected (client 127.0.0.1:"), "%s", out);
	cr_assert(strstr(out, "14 bytes A>B, 1 bytes B>A"), "%s", out);
	close(client); close(vm); close(qemu);
	g_free(want); g_free(out);
	test_rmtree(dir);
	g_free(outp); g_free(sock); g_free(dir);
}

Test(serial_tcp, command_rejects_bad_ports_before_running)
{
	static const struct { const char *arg, *says; } bad[] = {
		{ "0", "port 0" }, { "65536", "above 65535" },
		{ "localhost:5800", "not a numeric" }, { "::1:5800", "brackets" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		const char *argv[] = { getenv("KDH_BIN"), "serial-link", "/nonexistent",
			"--tcp-listen", bad[i].arg, "--for", "1s", NULL };
		char *out, *err;

		cr_assert_eq(test_run(argv, &out, &err), 2, "%s: %s%s", bad[i].arg,
			     out, err);
		cr_assert(strstr(err, bad[i].says), "%s", err);
		cr_assert_str_eq(out, "", "nothing ran");
		g_free(out); g_free(err);
	}
	{	/* two ends and --tcp-listen: which would be B? */
		const char *argv[] = { getenv("KDH_BIN"), "serial-link", "/a", "/b",
			"--tcp-listen", "5800", NULL };
		char *out, *err;

		cr_assert_eq(test_run(argv, &out, &err), 2);
		cr_assert(strstr(err, "give one socket A"), "%s", err);
		g_free(out); g_free(err);
	}
}
