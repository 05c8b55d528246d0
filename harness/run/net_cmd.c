// SPDX-License-Identifier: GPL-2.0-or-later
/* net_cmd.c - `kdh net`: a DHCP or static-IP network for a real QEMU VM,
 * no root needed
 *
 * One switch, one libslirp node (router, DHCP server on a DHCP network), a
 * unix socket QEMU connects to with -netdev stream, an optional pcapng.
 * Runs on the real clock until Ctrl-C, SIGTERM or --for; the capture is
 * completed and renamed into place on every one of those exits.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netsim/capfile.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "netsim/dhcp.h"
#include "netsim/duration.h"
#include "netsim/pcapng.h"
#include "netsim/pkt.h"
#include "netsim/ports.h"
#include "netsim/slirp_node.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_net;

#define MAX_MACS	64

struct net_opts {
	int dhcp;			/* -1 unset */
	uint32_t network, netmask;
	const char *subnet_str, *socket, *pcap, *model;
	uint64_t for_ns, seed;
};

struct mac_set {
	uint8_t mac[MAX_MACS][ETH_ALEN];
	size_t n;
};

struct net_ctx {
	struct ns_loop *loop;
	uint64_t t0;
	struct mac_set arp_seen, dhcp_seen;	/* first-time events */
};

static void event_line(struct net_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void event_line(struct net_ctx *c, const char *fmt, ...)
{
	va_list ap;

	printf("[%9.3fs] ", (double)(ns_loop_now(c->loop) - c->t0) / 1e9);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Add @mac to @set; true the first time (and when the set is full) */
static bool mac_first(struct mac_set *set, const uint8_t mac[ETH_ALEN])
{
	for (size_t i = 0; i < set->n; i++)
		if (!memcmp(set->mac[i], mac, ETH_ALEN))
			return false;
	if (set->n < MAX_MACS)
		memcpy(set->mac[set->n++], mac, ETH_ALEN);
	return true;
}

static void dhcp_event(struct net_ctx *c, const struct udp_view *u)
{
	char mac[MAC_STRLEN], ip[IP_STRLEN];
	struct dhcp_view d;

	if (dhcp_parse(u->payload, u->len, &d))
		return;
	mac_str(d.chaddr, mac);
	if (d.msg_type == DHCPDISCOVER) {
		if (mac_first(&c->dhcp_seen, d.chaddr))
			event_line(c, "DHCPDISCOVER from %s (first; more are not shown)", mac);
	} else if (d.msg_type == DHCPOFFER) {
		event_line(c, "DHCPOFFER %s to %s", ip_str(d.yiaddr, ip), mac);
	} else if (d.msg_type == DHCPACK) {
		event_line(c, "DHCP lease %s given to %s (%u s)",
			   ip_str(d.yiaddr, ip), mac, d.lease_s);
	}
}

static void monitor(void *opaque, const struct ns_port *in,
		    const uint8_t *frame, size_t len, uint64_t now)
{
	struct net_ctx *c = opaque;
	char mac[MAC_STRLEN], sip[IP_STRLEN], tip[IP_STRLEN];
	struct frame_view v;

	if (frame_parse(LINKTYPE_ETHERNET, frame, len, &v))
		return;
	if (v.kind == FRAME_ARP) {
		if (mac_first(&c->arp_seen, v.arp.sha))
			event_line(c, "ARP from new MAC %s on %s: %s asks for %s",
				   mac_str(v.arp.sha, mac), ns_port_name(in),
				   ip_str(v.arp.spa, sip), ip_str(v.arp.tpa, tip));
	} else if (v.kind == FRAME_UDP &&
		   (v.udp.dport == DHCP_SERVER_PORT || v.udp.dport == DHCP_CLIENT_PORT)) {
		dhcp_event(c, &v.udp);
	}
}

static void port_event(void *opaque, const char *name, enum ns_port_event ev,
		       const char *why)
{
	struct net_ctx *c = opaque;

	if (ev == NS_PORT_CONNECTED)
		event_line(c, "port %s connected", name);
	else
		event_line(c, "port %s closed: %s", name, why);
}

static void banner(const struct net_opts *o, const struct ns_slirp *s)
{
	const struct ns_slirp_config *cfg = ns_slirp_config(s);
	char net[IP_STRLEN], gw[IP_STRLEN], pool[IP_STRLEN];

	printf("kdh net: %s network %s/%d, gateway %s (libslirp %s, restricted%s)\n",
	       o->dhcp ? "DHCP" : "static-IP", ip_str(cfg->network, net),
	       __builtin_popcount(cfg->netmask), ip_str(cfg->gateway, gw),
	       ns_slirp_version(), o->dhcp ? "" : ", DHCP off");
	if (o->dhcp)
		printf("kdh net: DHCP pool from %s\n", ip_str(cfg->dhcp_start, pool));
	printf("kdh net: seed %" PRIu64 "\n", o->seed);
	printf("kdh net: start QEMU with\n"
	       "  -netdev stream,id=net0,server=off,addr.type=unix,addr.path=%s "
	       "-device %s,netdev=net0,mac=BC:24:11:00:00:01\n", o->socket, o->model);
	printf("kdh net: waiting for QEMU on %s%s%s (Ctrl-C to stop)\n", o->socket,
	       o->pcap ? ", capturing to " : "", o->pcap ? o->pcap : "");
	fflush(stdout);
}

static int net_run(const struct net_opts *o)
{
	struct ns_slirp_config cfg = { .network = o->network,
		.netmask = o->netmask, .dhcp = o->dhcp };
	struct net_ctx c = { 0 };
	struct ns_switch *sw = NULL;
	struct ns_slirp *slirp = NULL;
	struct ns_stream_listener *ls = NULL;
	struct ns_pcapng *cap = NULL;
	int rc = KDH_EXIT_USAGE, sfd = -1;
	char err[256];

	c.loop = ns_loop_new(NS_CLOCK_REAL, o->seed);
	sw = c.loop ? ns_switch_new(c.loop, "net") : NULL;
	if (!sw)
		goto out;
	c.t0 = ns_loop_now(c.loop);
	/* before the socket appears: whoever sees it may signal us at once */
	sfd = cli_stop_on_signals(c.loop);
	if (sfd < 0)
		goto out;
	slirp = ns_slirp_new(sw, &cfg, err, sizeof(err));
	if (!slirp) {
		cli_error(&kdh_cmd_net, KDH_EXIT_USAGE, "%s: %s", o->subnet_str, err);
		goto out;
	}
	if (o->pcap) {
		cap = ns_pcapng_open(o->pcap, err, sizeof(err));
		if (!cap) {
			cli_error(&kdh_cmd_net, KDH_EXIT_USAGE, "%s", err);
			goto out;
		}
		ns_pcapng_set_time_base(cap, cli_wall_offset_ns());
		ns_pcapng_attach(cap, sw);
		ns_pcapng_event(cap, c.t0, "network up");
	}
	ls = ns_stream_listen(sw, o->socket, "vm", port_event, &c, err, sizeof(err));
	if (!ls) {
		cli_error(&kdh_cmd_net, KDH_EXIT_USAGE, "%s", err);
		goto out;
	}
	ns_switch_add_monitor(sw, monitor, &c);
	banner(o, slirp);
	if (ns_loop_run(c.loop, o->for_ns ? c.t0 + o->for_ns : NS_NEVER)) {
		cli_error(&kdh_cmd_net, KDH_EXIT_FAIL, "%s", ns_loop_error(c.loop));
		rc = KDH_EXIT_FAIL;
	} else {
		rc = KDH_EXIT_OK;
	}
out:
	ns_stream_listener_free(ls);
	if (cap) {
		uint64_t n = ns_pcapng_packets(cap);

		ns_pcapng_event(cap, ns_loop_now(c.loop), "network down");
		if (ns_pcapng_close(cap) && rc == KDH_EXIT_OK)
			rc = cli_error(&kdh_cmd_net, KDH_EXIT_FAIL,
				       "%s: could not complete the capture", o->pcap);
		else
			printf("kdh net: %" PRIu64 " records (frames and events) "
			       "written to %s\n", n + 1, o->pcap);
	}
	ns_slirp_free(slirp);
	ns_switch_free(sw);
	ns_loop_free(c.loop);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

static int net_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dhcp", no_argument, NULL, 'd' },
		{ "static", no_argument, NULL, 's' },
		{ "subnet", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "for", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct net_opts o = { .dhcp = -1, .subnet_str = "192.168.2.0/24",
			      .model = "e1000" };
	bool seeded = false;
	struct cli_once once = { 0 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "dsn:S:w:f:r:m:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_net, &once, opt, opts, "dsn:S:w:f:r:m:h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'd': case 's':
			if (o.dhcp >= 0)
				return cli_usage_error(&kdh_cmd_net,
					"give one of --dhcp and --static");
			o.dhcp = opt == 'd';
			break;
		case 'n': o.subnet_str = optarg; break;
		case 'S': o.socket = optarg; break;
		case 'w': o.pcap = optarg; break;
		case 'm': o.model = optarg; break;
		case 'f':
			if (cli_duration_parse(&kdh_cmd_net, "--for", optarg, 1,
					       NULL, &o.for_ns))
				return KDH_EXIT_USAGE;
			break;
		case 'r':
			if (cli_seed_parse(optarg, &o.seed))
				return cli_usage_error(&kdh_cmd_net,
					"--seed: '%s' is not a number from 0 to "
					"18446744073709551615 (or 0x-hex)", optarg);
			seeded = true;
			break;
		case 'h': cli_help_print(&kdh_cmd_net); return KDH_EXIT_OK;
		default:  return cli_bad_option(&kdh_cmd_net, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(&kdh_cmd_net, "unexpected '%s'", argv[optind]);
	if (o.dhcp < 0)
		return cli_usage_error(&kdh_cmd_net, "give --dhcp or --static");
	if (!o.socket)
		return cli_usage_error(&kdh_cmd_net, "--socket PATH is required");
	if (ns_subnet_parse(o.subnet_str, &o.network, &o.netmask))
		return cli_usage_error(&kdh_cmd_net, "--subnet: '%s' is not "
			"a subnet like 192.168.2.0/24 (prefix 8-30)", o.subnet_str);
	if (!seeded)
		o.seed = cli_seed_random();
	return net_run(&o);
}

const struct kdh_cmd kdh_cmd_net = {
	.name = "net",
	.summary = "a DHCP or static-IP network for a real QEMU VM (no root needed)",
	.usage = "kdh net (--dhcp | --static) --socket PATH [--subnet CIDR] "
		 "[--pcap FILE] [--for DURATION] [--seed N] [--model NIC]",
	.run = net_main,
	.help =
"Starts one virtual network: a learning switch, libslirp as its router\n"
"(restricted: nothing leaves this machine; DNS off), and a unix socket that\n"
"QEMU joins with -netdev stream.  --dhcp makes it a DHCP network (slirp's\n"
"DHCP server hands out addresses, like VMware's NAT); --static makes it a\n"
"static-IP network like a usual Proxmox bridge (no DHCP server: a Windows\n"
"debug NIC left on dhcp waits there for about 10 minutes).\n"
"\n"
"It prints the QEMU arguments to use, then one line per notable event (a\n"
"port connecting or closing, the first DHCPDISCOVER of each MAC, offers,\n"
"leases, ARP from a new MAC) until Ctrl-C, SIGTERM or --for elapses.\n"
"\n"
"Options:\n"
"  --dhcp | --static   the kind of network (one is required)\n"
"  --socket PATH       unix socket QEMU connects to (required); a stale\n"
"                      socket there is replaced\n"
"  --subnet CIDR       default 192.168.2.0/24; slirp takes .2, the DHCP\n"
"                      pool starts at .15\n"
"  --pcap FILE         capture every frame (pcapng, one interface per port,\n"
"                      events as packet comments); written as FILE.partial\n"
"                      and renamed when kdh net ends\n"
"  --for DURATION      stop after 500ms, 25s, 10m, 1h, ...\n"
"  --seed N            seed of the run's random numbers (printed)\n"
"  --model NIC         NIC model in the printed -device (default e1000)\n"
"\n"
"Example:\n"
"  kdh net --static --socket /tmp/kdh.sock --pcap boot.pcapng\n"
"  qemu-system-x86_64 ... -netdev stream,id=net0,server=off,addr.type=unix,\\\n"
"      addr.path=/tmp/kdh.sock -device e1000,netdev=net0\n"
"\n"
"Exit status: 0 after a normal stop, 1 when the network failed, 2 for bad\n"
"usage.\n",
};
