// SPDX-License-Identifier: GPL-2.0-or-later
/* listen_cmd.c - `kdh listen`: the debugger endpoint on a real UDP socket,
 * for a real Windows VM
 *
 * The same endpoint as in simulations (debugger.c), fed by recvfrom() on
 * the real clock.  It answers the debuggee's announcements, keeps the
 * guest running with the KD engine (continues after load symbols and
 * breaks, answers file requests and prompts), says when and from which
 * address and MAC (the kernel's neighbour table) a debuggee connected,
 * and what it said (listen_kd.c).
 * With --pcap the datagrams it saw and sent are written as Ethernet/IPv4/
 * UDP frames, so `kdh analyze` reads that file too.  Datagrams that are
 * not KDNET are counted and skipped (listen_skip.c), never handed on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netsim/capfile.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "kdh/debugger/debugger.h"
#include "harness/debugger/listen_priv.h"
#include "netsim/duration.h"
#include "netsim/pcapng.h"
#include "netsim/pkt.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_listen;

struct listen_ctx {
	struct ns_loop *loop;
	struct debugger *dbg;
	struct ns_pcapng *cap;
	int iface;
	int fd;
	uint32_t bind_ip;
	uint16_t port;
	uint64_t t0, first_seen[DBG_MAX_SESSIONS];
	uint32_t first_ip[DBG_MAX_SESSIONS];
	size_t n_first;
	struct { uint32_t ip, local; uint16_t port; } peer[DBG_MAX_SESSIONS];
	size_t n_peers;
	struct listen_kd kd;
	struct listen_skips skips;
	uint8_t buf[KDNET_MAX_DGRAM], frame[KDNET_MAX_DGRAM + 64];
};

/* The kernel's neighbour entry for @ip ("" when it has none) */
static void neigh_mac(uint32_t ip, uint8_t mac[6], bool *found)
{
	char line[256], want[IP_STRLEN], addr[64], hw[64];
	FILE *f = fopen("/proc/net/arp", "r");

	*found = false;
	memset(mac, 0, 6);
	ip_str(ip, want);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*s %*s %63s", addr, hw) == 2 &&
		    !strcmp(addr, want) && !mac_parse(hw, mac))
			*found = true;
	if (f)
		fclose(f);
}

static void capture(struct listen_ctx *c, uint32_t sip, uint16_t sport,
		    uint32_t dip, uint16_t dport, const uint8_t *d, size_t len,
		    bool inbound)
{
	static const uint8_t local[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t peer[6];
	bool found;
	size_t n;

	if (!c->cap)
		return;
	neigh_mac(inbound ? sip : dip, peer, &found);
	n = udp_frame_build(c->frame, sizeof(c->frame), inbound ? local : peer,
			    inbound ? peer : local, sip, sport, dip, dport, d, len);
	if (n)
		ns_pcapng_packet(c->cap, c->iface, ns_loop_now(c->loop), c->frame,
				 n, NULL);
}

/* The local address a debuggee's datagrams arrived at (IP_PKTINFO): the
 * one to answer from and to record, also when bound to any address */
static uint32_t local_of(struct listen_ctx *c, uint32_t ip, uint16_t port,
			 uint32_t seen)
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (c->peer[i].ip == ip && c->peer[i].port == port) {
			if (seen)
				c->peer[i].local = seen;
			return c->peer[i].local;
		}
	if (seen && c->n_peers < DBG_MAX_SESSIONS) {
		c->peer[c->n_peers].ip = ip;
		c->peer[c->n_peers].port = port;
		c->peer[c->n_peers++].local = seen;
	}
	return seen ? seen : c->bind_ip;
}

static void dbg_send(void *opaque, uint32_t ip, uint16_t port,
		     const uint8_t *d, size_t len)
{
	struct listen_ctx *c = opaque;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(ip) };
	uint32_t local = local_of(c, ip, port, 0);
	union { char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align; } u = { 0 };
	struct iovec iov = { (void *)d, len };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to),
			    .msg_iov = &iov, .msg_iovlen = 1 };

	if (local && !c->bind_ip) {	/* answer from where it arrived */
		struct cmsghdr *cm;
		struct in_pktinfo pi = { .ipi_spec_dst.s_addr = htonl(local) };

		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(c->fd, &m, 0) < 0)
		fprintf(stderr, "kdh listen: send: %s\n", strerror(errno));
	capture(c, local, c->port, ip, port, d, len, false);
}

static void dbg_event(void *opaque, const struct dbg_event *ev)
{
	struct listen_ctx *c = opaque;
	double t = (double)(ev->at_ns - c->t0) / 1e9;
	char ip[IP_STRLEN], macs[MAC_STRLEN] = "MAC unknown";
	uint8_t mac[6];
	bool found;

	ip_str(ev->ip, ip);
	neigh_mac(ev->ip, mac, &found);
	if (found)
		mac_str(mac, macs);
	if (ev->kind == DBG_EV_ANNOUNCE) {
		if (c->n_first < DBG_MAX_SESSIONS) {
			c->first_ip[c->n_first] = ev->ip;
			c->first_seen[c->n_first++] = ev->at_ns;
		}
		printf("[%9.3fs] debuggee %s:%u (%s) announced itself; replying\n",
		       t, ip, ev->port, macs);
	} else if (ev->kind == DBG_EV_CONNECTED) {
		uint64_t since = ev->at_ns;

		for (size_t i = 0; i < c->n_first; i++)
			if (c->first_ip[i] == ev->ip)
				since = c->first_seen[i];
		printf("[%9.3fs] connected: %s:%u (%s), %.3f s after its first "
		       "announcement\n", t, ip, ev->port, macs,
		       (double)(ev->at_ns - since) / 1e9);
	} else {
		printf("[%9.3fs] packets from %s:%u (%s) do not verify with this "
		       "key (a different key in bcdedit?)\n", t, ip, ev->port, macs);
	}
	fflush(stdout);
}

static void dbg_kd(void *opaque, uint32_t ip, uint16_t port,
		   const struct kd_engine_out *o, uint64_t now)
{
	struct listen_ctx *c = opaque;

	if (listen_kd_said(&c->kd, ip, port, o, (double)(now - c->t0) / 1e9))
		ns_loop_stop(c->loop);
}

static void udp_io(void *opaque, int fd, short revents)
{
	struct listen_ctx *c = opaque;
	struct sockaddr_in from;
	union { char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align; } u;
	struct iovec iov = { c->buf, sizeof(c->buf) };
	struct msghdr m;
	ssize_t n;

	for (;;) {
		uint32_t ip, local = c->bind_ip;
		enum listen_skip skip;
		uint16_t port;

		m = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			.msg_controllen = sizeof(u.buf) };
		if ((n = recvmsg(fd, &m, MSG_DONTWAIT)) < 0)
			break;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm;
		     cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				local = ntohl(pi.ipi_addr.s_addr);
			}
		ip = ntohl(from.sin_addr.s_addr);
		port = ntohs(from.sin_port);
		local_of(c, ip, port, local);
		capture(c, ip, port, local, c->port, c->buf, (size_t)n, true);
		skip = listen_skip_kind(c->buf, (size_t)n, m.msg_flags & MSG_TRUNC);
		if (skip != LISTEN_SKIP_NONE)
			listen_skip_note(&c->skips, skip, ip, port, (size_t)n,
					 (double)(ns_loop_now(c->loop) - c->t0) / 1e9,
					 c->kd.verbose);
		else
			debugger_input(c->dbg, ip, port, c->buf, (size_t)n,
				       ns_loop_now(c->loop));
	}
}

static int socket_open(struct listen_ctx *c, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(c->port), .sin_addr.s_addr = htonl(c->bind_ip) };

	int on = 1;

	c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0 || setsockopt(c->fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    bind(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "UDP %s:%u: %s", c->bind_ip ? "address" :
			 "port", c->port, strerror(errno));
		return -1;
	}
	return 0;
}

struct listen_opts {
	uint8_t key[KDNET_KEY_LEN];
	const char *pcap, *kd_log;
	uint64_t for_ns;
	struct kd_engine_cfg kd;
};

/* The exit status once the loop ended: who connected, what they said */
static int listen_end(struct listen_ctx *c, const struct listen_opts *o)
{
	const struct debugger_stats *st = debugger_stats(c->dbg);
	int rc = KDH_EXIT_OK, e;

	listen_kd_summary(&c->kd);
	listen_skip_summary(&c->skips, st->rejected);
	if (!st->connected) {
		printf("kdh listen: no debuggee connected (%llu announcement%s "
		       "heard%s)\n", (unsigned long long)st->announces,
		       st->announces == 1 ? "" : "s", st->announces ? "" :
		       ": is the VM's hostip this machine, its port this one?");
		rc = KDH_EXIT_FAIL;	/* nobody connected */
	}
	if (c->kd.bugchecks || c->kd.held)
		rc = KDH_EXIT_FAIL;
	if ((e = listen_kd_write_log(&c->kd, o->kd_log)))
		rc = cli_error(&kdh_cmd_listen, KDH_EXIT_FAIL, "%s: %s",
			       o->kd_log, strerror(-e));
	return rc;
}

static int listen_run(struct listen_ctx *c, const struct listen_opts *o)
{
	static const struct debugger_ops ops = { dbg_send, dbg_event, dbg_kd };
	char err[256], ip[IP_STRLEN];
	int rc = KDH_EXIT_USAGE, sfd = -1;

	c->loop = ns_loop_new(NS_CLOCK_REAL, cli_seed_random());
	c->fd = -1;
	c->kd.log = g_string_new(NULL);
	if (!c->loop || !(c->dbg = debugger_new(o->key, ns_loop_rng(c->loop),
						&ops, c)) ||
	    debugger_set_kd(c->dbg, &o->kd, c->loop))
		goto out;
	sfd = cli_stop_on_signals(c->loop);	/* before the port is bound */
	if (sfd < 0)
		goto out;
	if (socket_open(c, err, sizeof(err))) {
		cli_error(&kdh_cmd_listen, KDH_EXIT_USAGE, "%s", err);
		goto out;
	}
	if (o->pcap && !(c->cap = ns_pcapng_open(o->pcap, err, sizeof(err)))) {
		cli_error(&kdh_cmd_listen, KDH_EXIT_USAGE, "%s", err);
		goto out;
	}
	if (c->cap) {
		ns_pcapng_set_time_base(c->cap, cli_wall_offset_ns());
		c->iface = ns_pcapng_iface(c->cap, "kdh-listen", LINKTYPE_ETHERNET);
	}
	if (ns_loop_add_fd(c->loop, c->fd, POLLIN, udp_io, c, "UDP"))
		goto out;
	c->t0 = ns_loop_now(c->loop);
	printf("kdh listen: waiting for a debuggee on UDP %s:%u (Ctrl-C to stop)\n",
	       c->bind_ip ? ip_str(c->bind_ip, ip) : "*", c->port);
	fflush(stdout);
	rc = ns_loop_run(c->loop, o->for_ns ? c->t0 + o->for_ns : NS_NEVER) ?
	     KDH_EXIT_FAIL : listen_end(c, o);
out:
	if (c->cap && ns_pcapng_close(c->cap))
		rc = cli_error(&kdh_cmd_listen, KDH_EXIT_FAIL, "%s: could not "
			       "complete the capture", o->pcap);
	debugger_free(c->dbg);
	if (c->kd.log)
		g_string_free(c->kd.log, TRUE);
	if (c->fd >= 0)
		close(c->fd);
	if (sfd >= 0)
		close(sfd);
	ns_loop_free(c->loop);
	return rc;
}

static int listen_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "for", required_argument, NULL, 'f' },
		{ "on-break", required_argument, NULL, 'B' },
		{ "kd", required_argument, NULL, 'K' },
		{ "kd-log", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct listen_ctx *c = calloc(1, sizeof(*c));
	struct listen_opts o = { 0 };
	const char *key = NULL;
	struct cli_once once = { 0 };
	int opt, rc;

	if (!c)
		return KDH_EXIT_USAGE;
	c->port = KDNET_DEFAULT_PORT;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:p:b:w:f:vh", opts, NULL)) != -1) {
		rc = 0;
		if (cli_once(&kdh_cmd_listen, &once, opt, opts, "k:p:b:w:f:vh")) {
			free(c);
			return KDH_EXIT_USAGE;
		}
		switch (opt) {
		case 'k': key = optarg; break;
		case 'w': o.pcap = optarg; break;
		case 'L': o.kd_log = optarg; break;
		case 'v': c->kd.verbose = true; break;
		case 'B':
			if (!strcmp(optarg, "hold") || !strcmp(optarg, "continue"))
				o.kd.on_break = *optarg == 'h' ? KD_BREAK_HOLD :
						KD_BREAK_CONTINUE;
			else
				rc = cli_usage_error(&kdh_cmd_listen, "--on-break: "
						     "'%s' is not continue or hold",
						     optarg);
			break;
		case 'K':
			if (!strcmp(optarg, "ack-only") || !strcmp(optarg, "continue"))
				o.kd.mode = *optarg == 'a' ? KD_MODE_ACK_ONLY :
					    KD_MODE_CONTINUE;
			else
				rc = cli_usage_error(&kdh_cmd_listen, "--kd: '%s' is "
						     "not continue or ack-only", optarg);
			break;
		case 'h': cli_help_print(&kdh_cmd_listen); free(c); return 0;
		case 'p':
			if (cli_port_parse(optarg, &c->port))
				rc = cli_usage_error(&kdh_cmd_listen, "--port: '%s' "
						     "is not a port", optarg);
			break;
		case 'b':
			if (inet_pton(AF_INET, optarg, &c->bind_ip) != 1)
				rc = cli_usage_error(&kdh_cmd_listen, "--bind: '%s' "
						     "is not an IPv4 address", optarg);
			c->bind_ip = ntohl(c->bind_ip);
			break;
		case 'f':
			rc = cli_duration_parse(&kdh_cmd_listen, "--for", optarg, 1,
						NULL, &o.for_ns);
			break;
		default:
			rc = cli_bad_option(&kdh_cmd_listen, argv);
		}
		if (rc) {
			free(c);
			return rc;
		}
	}
	rc = optind != argc ? cli_usage_error(&kdh_cmd_listen, "unexpected '%s'",
					      argv[optind])
			    : cli_key_parse(&kdh_cmd_listen, key, o.key);
	c->kd.port = c->port;
	c->kd.key_text = key;
	if (!rc)
		rc = listen_run(c, &o);
	free(c);
	return rc;
}

const struct kdh_cmd kdh_cmd_listen = {
	.name = "listen",
	.summary = "the debugger's side of KDNET on a UDP port, for a real VM",
	.usage = "kdh listen --key KEY [--port N] [--bind IP] [--pcap FILE] "
		 "[--kd-log FILE] [--on-break continue|hold] [--kd continue|ack-only] "
		 "[-v] [--for DURATION]",
	.run = listen_main,
	.help =
"Waits for a Windows debuggee set up with `bcdedit /dbgsettings net\n"
"hostip:THIS-HOST port:N key:KEY`, answers its announcements like WinDbg\n"
"does, and keeps the guest running: after the handshake Windows reports\n"
"each module it loads, each breakpoint, assertion and bugcheck, and then\n"
"waits until the debugger continues; kdh's KD engine answers as WinDbg\n"
"does (continue; past a hard-coded int3 by moving RIP; \"no such file\" to\n"
".kdfiles requests; an empty answer to a prompt) and writes down what the\n"
"guest said.  Prints when a debuggee announced itself, when it connected\n"
"(from which address and MAC, and how long after its first announcement),\n"
"packets that do not verify with KEY, the Windows build and kernel base,\n"
"DbgPrint lines, breaks, exceptions and a bugcheck with its code and four\n"
"parameters; at the end one summary line per debuggee.  Datagrams it cannot\n"
"read (not KDNET, a KDNET header of a wrong length, packets that do not\n"
"verify with KEY) are skipped: the first of each kind is said, -v says\n"
"each, and the end says how many of each kind were skipped.\n"
"\n"
"It is not a debugger for people: it reads no memory, loads no symbols and\n"
"takes no commands.  To look inside the guest, stop it and start WinDbg.\n"
"\n"
"Options:\n"
"  --key KEY        the key from bcdedit (w.x.y.z); required\n"
"  --port N         UDP port (default 50000)\n"
"  --bind IP        listen on this address only (default: all)\n"
"  --pcap FILE      write what it received and sent (pcapng, readable by\n"
"                   kdh analyze and Wireshark)\n"
"  --kd-log FILE    write everything the guests said, one line per KD\n"
"                   packet (time, debuggee, what), when kdh listen ends\n"
"  --on-break continue|hold\n"
"                   at a breakpoint, assertion or bugcheck: continue (the\n"
"                   default; on a bugcheck Windows writes its dump and\n"
"                   reboots) or hold: leave the guest stopped, print the\n"
"                   WinDbg command line to attach instead, and end\n"
"  --kd continue|ack-only\n"
"                   ack-only acknowledges and never continues, as kdh did\n"
"                   before its KD engine: the guest stalls at its first\n"
"                   load symbols (to reproduce that, not to use)\n"
"  -v, --verbose    print module loads, file requests and each skipped\n"
"                   datagram too\n"
"  --for DURATION   stop after that long (default: Ctrl-C)\n"
"\n"
"Exit status: 0 when a debuggee connected and none bugchecked; 1 when none\n"
"connected, one bugchecked (or winload's boot library gave up), or a break\n"
"was held; 2 for bad usage or a port that cannot be bound.\n"
"\n"
"Examples:\n"
"  kdh listen --key 1x2y3z.4a5b6c.7d8e9f.0g1h2i --port 50000 --pcap dbg.pcapng\n"
"  kdh listen --key 1.2.3.4 --kd-log kd.log --on-break hold --for 30m\n",
};
