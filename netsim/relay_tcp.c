// SPDX-License-Identifier: GPL-2.0-or-later
/* relay_tcp.c - the relay's TCP listening end ("tcp-listen:[ADDR:]PORT"),
 * for a debugger that reaches a serial port over TCP (WinDbg's
 * `-k com:ipport=PORT,port=HOST` is a TCP client)
 *
 * Theory of operation: the end listens (SO_REUSEADDR, so a restarted kdh
 * gets its port back at once) and serves one client at a time, as a COM
 * port has one user: a client that comes while another is connected is
 * accepted only to be closed at once, and the owner hears
 * NS_RELAY_REFUSED.  When the client goes away the end is down, bytes for
 * it wait in its queue (relay.c's rule), and the next client gets them.
 * The address parser is pure (text in, struct out); it takes numeric
 * addresses only, so what kdh binds is exactly what the user wrote.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netsim/relay_priv.h"

#define DEFAULT_HOST	"127.0.0.1"

/* "5800" to 5800; 0 with @err filled when it is not a port 1-65535 */
static uint16_t port_parse(const char *s, const char *all, char *err,
			   size_t errlen)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && v <= 65535; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (!i || (s[i] && v <= 65535)) {
		snprintf(err, errlen, "%s: '%s' is not a port: give a number from "
			 "1 to 65535, e.g. 5800 or 127.0.0.1:5800", all, s);
		return 0;
	}
	if (!v) {
		snprintf(err, errlen, "%s: port 0 is not a fixed port (WinDbg's "
			 "com:ipport= needs one): give a port from 1 to 65535", all);
		return 0;
	}
	if (v > 65535) {
		snprintf(err, errlen, "%s: port %s is above 65535: give a port from "
			 "1 to 65535", all, s);
		return 0;
	}
	return (uint16_t)v;
}

static int host_parse(const char *host, bool v6_only, struct ns_tcp_addr *a)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

	memset(&a->ss, 0, sizeof(a->ss));
	if (!v6_only && inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		a->len = sizeof(*in);
		a->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		snprintf(a->text, sizeof(a->text), "%s:%u", host, a->port);
		return 0;
	}
	if (!v6_only || inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
		return -1;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(a->port);
	a->len = sizeof(*in6);
	a->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		      (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
		       in6->sin6_addr.s6_addr[12] == 127);
	snprintf(a->text, sizeof(a->text), "[%s]:%u", host, a->port);
	return 0;
}

/**
 * ns_tcp_addr_parse() - read "[ADDR:]PORT" as tcp-listen takes it
 * @s:		"5800" (127.0.0.1), "127.0.0.1:5800", "0.0.0.0:5800",
 *		"[::1]:5800", "[::]:5800"; numeric addresses only
 * @a:		the address
 * @err:	on failure "@s: what is wrong, and what to write instead"
 * @errlen:	its size
 *
 * Return: 0, or -1 with @err filled
 */
int ns_tcp_addr_parse(const char *s, struct ns_tcp_addr *a, char *err,
		      size_t errlen)
{
	char host[64];
	const char *port, *colon = strrchr(s, ':');
	bool v6 = s[0] == '[';
	size_t hlen;

	memset(a, 0, sizeof(*a));
	if (v6) {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			snprintf(err, errlen, "%s: an IPv6 address is written "
				 "[ADDR]:PORT, e.g. [::1]:5800", s);
			return -1;
		}
		hlen = (size_t)(close - s - 1);
		memcpy(host, s + 1, hlen < sizeof(host) ? hlen : 0);
		port = close + 2;
	} else if (colon && strchr(s, ':') != colon) {
		snprintf(err, errlen, "%s: put an IPv6 address in brackets: "
			 "[ADDR]:PORT, e.g. [::1]:5800", s);
		return -1;
	} else {
		hlen = colon ? (size_t)(colon - s) : strlen(DEFAULT_HOST);
		memcpy(host, colon ? s : DEFAULT_HOST, hlen < sizeof(host) ? hlen : 0);
		port = colon ? colon + 1 : s;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "%s: the address is too long", s);
		return -1;
	}
	if (!hlen) {
		snprintf(err, errlen, "%s: no address before the port: write "
			 "PORT (127.0.0.1) or ADDR:PORT", s);
		return -1;
	}
	host[hlen] = '\0';
	a->port = port_parse(port, s, err, errlen);
	if (!a->port)
		return -1;
	if (host_parse(host, v6, a)) {
		snprintf(err, errlen, "%s: '%s' is not a numeric %s address (no "
			 "names are looked up): write e.g. %s", s, host,
			 v6 ? "IPv6" : "IPv4", v6 ? "[::1]:5800" : "127.0.0.1:5800");
		return -1;
	}
	return 0;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char h[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, h, sizeof(h));
		snprintf(buf, len, "%s:%u", h, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, h, sizeof(h));
		snprintf(buf, len, "[%s]:%u", h, ntohs(in6->sin6_port));
	}
}

/* A client: the end's, or refused when the end already has one */
static void tcp_accept(void *opaque, int lfd, short revents)
{
	struct end *e = opaque;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = sizeof(ss);
	int one = 1, fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (e->fd >= 0) {		/* one at a time: the first keeps it */
		close(fd);
		addr_text(&ss, e->refused, sizeof(e->refused));
		e->refusing = true;
		if (e->r->ops.event)
			e->r->ops.event(e->r->opaque, e->idx, NS_RELAY_REFUSED);
		e->refusing = false;
		return;
	}
	addr_text(&ss, e->peer, sizeof(e->peer));
	/* KD packets are small and answered one by one: no Nagle delay */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	relay_end_up(e, fd);
}

static void bind_error(const struct ns_tcp_addr *a, int errnum, char *err,
		       size_t errlen)
{
	if (errnum == EADDRINUSE)
		snprintf(err, errlen, "%s: the port is in use (another kdh "
			 "serial-link, or a QEMU -serial tcp: on it?): stop that "
			 "or pick another port", a->text);
	else if (errnum == EADDRNOTAVAIL)
		snprintf(err, errlen, "%s: no interface of this host has that "
			 "address: give one of its own, or 127.0.0.1", a->text);
	else if (errnum == EACCES && a->port < 1024)
		snprintf(err, errlen, "%s: ports below 1024 need root: pick a "
			 "port from 1024 up, e.g. 5800", a->text);
	else
		snprintf(err, errlen, "%s: cannot listen: %s", a->text,
			 strerror(errnum));
}

/* relay_tcp_open() - make @e a TCP listener on @spec (relay_priv.h) */
int relay_tcp_open(struct end *e, const char *spec, char *err, size_t errlen)
{
	struct ns_tcp_addr a;
	int one = 1;

	if (ns_tcp_addr_parse(spec, &a, err, errlen))
		return -1;
	snprintf(e->path, sizeof(e->path), "%s", a.text);
	e->lfd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (e->lfd < 0) {
		snprintf(err, errlen, "%s: cannot make a socket: %s", a.text,
			 strerror(errno));
		return -1;
	}
	setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(e->lfd, (struct sockaddr *)&a.ss, a.len) || listen(e->lfd, 4)) {
		bind_error(&a, errno, err, errlen);
		return -1;
	}
	if (ns_loop_add_fd(e->r->loop, e->lfd, POLLIN, tcp_accept, e,
			   "relay tcp listener")) {
		snprintf(err, errlen, "%s: out of memory", a.text);
		return -1;
	}
	return 0;
}
