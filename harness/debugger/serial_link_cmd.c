// SPDX-License-Identifier: GPL-2.0-or-later
/* serial_link_cmd.c - `kdh serial-link A B`: link two VMs' serial ports
 * (Proxmox's serialN: socket), or with --tcp-listen a VM's serial port and
 * a WinDbg elsewhere that connects over TCP, surviving reboots, and see
 * the KD protocol that crosses it: packets, break-ins, and when a debugger
 * and a debuggee first completed a KD reset exchange (serial_connect_time) */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <unistd.h>

#include "kdh/analyze/analyze.h"
#include "netsim/capfile.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "netsim/duration.h"
#include "kdh/kdnet/kd_stream.h"
#include "netsim/pcapng.h"
#include "netsim/relay.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_serial_link;

#define SHOWN_LEN	128	/* an end as the first line names it */

struct link {
	struct ns_loop *loop;
	struct ns_relay *relay;
	uint64_t t0;
	FILE *log;
	struct ns_pcapng *cap;		/* --capture: kdh-serial records */
	int cap_iface;
	bool decode;
	const char *name[2];
	struct kd_stream ks[2];
	int dir;			/* direction being decoded */
	struct kd_conn conn;
	uint64_t packets;		/* kept across a side's reboots */
};

static double now_s(const struct link *k)
{
	return (double)(ns_loop_now(k->loop) - k->t0) / 1e9;
}

static void on_kd(void *opaque, enum kd_stream_event ev, const struct kd_packet *p)
{
	struct link *k = opaque;
	int d = k->dir;

	if (k->decode && ev == KD_EV_BREAKIN)
		printf("[%9.3fs] %s>%s break-in\n", now_s(k), k->name[d], k->name[!d]);
	if (ev != KD_EV_PACKET)
		return;
	k->packets++;
	if (k->decode)
		printf("[%9.3fs] %s>%s %s id 0x%08x len %u %s%s\n", now_s(k), k->name[d],
		       k->name[!d], kd_type_name(p->type), p->id, p->count,
		       kd_leader_name(p->leader), p->checksum_ok ? "" : " checksum-BAD");
	if (kd_conn_packet(&k->conn, d, p->type, ns_loop_now(k->loop)))
		printf("[%9.3fs] KD connected: reset from %s answered by %s "
		       "(serial_connect_time %.3f s)\n", now_s(k),
		       k->name[k->conn.reset_from], k->name[d], now_s(k));
	fflush(stdout);
}

static int capture_open(struct link *k, const char *path, const char *a,
			const char *b)
{
	char err[256], text[700];

	k->cap = ns_pcapng_open(path, err, sizeof(err));
	if (!k->cap)
		return cli_error(&kdh_cmd_serial_link, KDH_EXIT_USAGE, "%s", err);
	ns_pcapng_set_time_base(k->cap, cli_wall_offset_ns());
	k->cap_iface = ns_pcapng_iface(k->cap, AN_SERIAL_IFACE, LINKTYPE_USER1);
	snprintf(text, sizeof(text), "serial-link A=%s B=%s", a, b);
	ns_pcapng_event(k->cap, k->t0, text);
	ns_pcapng_event(k->cap, k->t0, AN_SERIAL_LINK " 0 A B");
	return 0;
}

static void on_data(void *opaque, int from, const uint8_t *buf, size_t len)
{
	struct link *k = opaque;

	if (k->log) {
		fprintf(k->log, "%.6f %s>%s %zu", now_s(k), k->name[from],
			k->name[!from], len);
		for (size_t i = 0; i < len; i++)
			fprintf(k->log, " %02x", buf[i]);
		fputc('\n', k->log);
	}
	if (k->cap)	/* kdh run's format (analyze.h): link 0, end A or B */
		ns_pcapng_stream(k->cap, k->cap_iface, ns_loop_now(k->loop),
				 (uint8_t)from, buf, len);
	k->dir = from;
	kd_stream_feed(&k->ks[from], buf, len, on_kd, k);
}

static void on_event(void *opaque, int end, enum ns_relay_event ev)
{
	struct link *k = opaque;
	const char *peer = k->relay ? ns_relay_peer(k->relay, end) : "";

	if (ev == NS_RELAY_REFUSED)
		printf("[%9.3fs] %s refused %s: a client is already connected "
		       "(one at a time; close the other debugger first)\n",
		       now_s(k), k->name[end], peer);
	else if (ev == NS_RELAY_UP && *peer)
		printf("[%9.3fs] %s connected (client %s)\n", now_s(k),
		       k->name[end], peer);
	else if (ev == NS_RELAY_DOWN && *peer)
		printf("[%9.3fs] %s went away (client %s; waiting for the next "
		       "one)\n", now_s(k), k->name[end], peer);
	else
		printf("[%9.3fs] %s %s\n", now_s(k), k->name[end],
		       ev == NS_RELAY_UP ? "connected" : "went away (waiting for it)");
	if (ev == NS_RELAY_DOWN)	/* a reboot: its half-packet is void */
		kd_stream_init(&k->ks[end]);
	fflush(stdout);
}

/* Check the TCP ends before anything runs, naming them in @shown ("TCP
 * 127.0.0.1:5800"); warn when one is reachable from elsewhere.
 * Return: 0, or -1 after saying what is wrong */
static int tcp_ends_check(const char *const spec[2],
			  char shown[2][SHOWN_LEN])
{
	struct ns_tcp_addr a;
	char err[256];

	for (int i = 0; i < 2; i++) {
		snprintf(shown[i], SHOWN_LEN, "%s", spec[i]);
		if (strncmp(spec[i], NS_RELAY_TCP, strlen(NS_RELAY_TCP)))
			continue;
		if (ns_tcp_addr_parse(spec[i] + strlen(NS_RELAY_TCP), &a, err,
				      sizeof(err))) {
			cli_error(&kdh_cmd_serial_link, KDH_EXIT_USAGE,
				  "--tcp-listen %s", err);
			return -1;
		}
		snprintf(shown[i], SHOWN_LEN, "TCP %s", a.text);
		if (!a.loopback)
			fprintf(stderr, "kdh serial-link: warning: %s is not loopback: "
				"anyone who can reach it controls the debuggee (KD over "
				"serial has no key); listen on 127.0.0.1 and reach it "
				"through an SSH tunnel (ssh -N -L %u:127.0.0.1:%u "
				"root@THIS-HOST)\n", a.text, a.port, a.port);
	}
	return 0;
}

/* The ends from the arguments: A B, or A and --tcp-listen's @tcp (as
 * "tcp-listen:..." in @tcp_spec).  Return: 0, or the usage exit status
 * after saying what is wrong */
static int ends_get(int n, char **args, const char *tcp, const char *spec[2],
		    char tcp_spec[SHOWN_LEN], char shown[2][SHOWN_LEN])
{
	if (tcp && n != 1)
		return cli_usage_error(&kdh_cmd_serial_link, "with --tcp-listen, "
				       "give one socket A (the VM's serialN), not %d",
				       n);
	if (!tcp && n != 2)
		return cli_usage_error(&kdh_cmd_serial_link, "expected two sockets A B");
	spec[0] = args[0];
	snprintf(tcp_spec, SHOWN_LEN, "%s%s", NS_RELAY_TCP, tcp ? tcp : "");
	spec[1] = tcp ? tcp_spec : args[1];
	return tcp_ends_check(spec, shown) ? KDH_EXIT_USAGE : 0;
}

static int serial_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "decode", no_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "for", required_argument, NULL, 'f' },
		{ "capture", required_argument, NULL, 'c' },
		{ "tcp-listen", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct ns_relay_ops ops = { on_data, on_event };
	static struct link k;
	uint64_t for_ns = 0;
	const char *logp = NULL, *capp = NULL, *tcp = NULL, *spec[2];
	struct ns_relay *r;
	char err[256], tcp_spec[SHOWN_LEN], shown[2][SHOWN_LEN];
	struct cli_once once = { 0 };
	int opt, sfd, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "dl:f:c:t:h", opts, NULL)) != -1) {
		if (cli_once(&kdh_cmd_serial_link, &once, opt, opts, "dl:f:c:t:h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'd': k.decode = true; break;
		case 'c': capp = optarg; break;
		case 'l': logp = optarg; break;
		case 't': tcp = optarg; break;
		case 'f':
			if (cli_duration_parse(&kdh_cmd_serial_link, "--for", optarg,
					       1, NULL, &for_ns))
				return KDH_EXIT_USAGE;
			break;
		case 'h': cli_help_print(&kdh_cmd_serial_link); return KDH_EXIT_OK;
		default:  return cli_bad_option(&kdh_cmd_serial_link, argv);
		}
	}
	if ((rc = ends_get(argc - optind, argv + optind, tcp, spec, tcp_spec,
			   shown)))
		return rc;
	if (logp && !(k.log = fopen(logp, "w")))
		return cli_error(&kdh_cmd_serial_link, KDH_EXIT_USAGE, "%s: cannot "
				 "write it", logp);
	k.name[0] = "A";
	k.name[1] = "B";
	kd_stream_init(&k.ks[0]);
	kd_stream_init(&k.ks[1]);
	printf("kdh serial-link: A = %s, B = %s (Ctrl-C to stop)\n", shown[0],
	       shown[1]);
	for (int i = 0; i < 2; i++) {	/* a VM not started yet, or a typo */
		const char *end = spec[i];

		if (strncmp(end, "listen:", 7) && strcmp(end, "-") &&
		    strncmp(end, NS_RELAY_TCP, strlen(NS_RELAY_TCP)) &&
		    !g_file_test(end, G_FILE_TEST_EXISTS))
			printf("[%9.3fs] %s: %s does not exist yet (VM not started? "
			       "Proxmox: serialN: socket in its config; VMware: "
			       "serialN.fileType = \"pipe\" and this end the "
			       "server); trying every 250 ms\n", 0.0, k.name[i], end);
	}
	fflush(stdout);
	k.loop = ns_loop_new(NS_CLOCK_REAL, 1);
	k.t0 = ns_loop_now(k.loop);
	if (capp && (rc = capture_open(&k, capp, spec[0], spec[1]))) {
		ns_loop_free(k.loop);
		if (k.log)
			fclose(k.log);
		return rc;
	}
	sfd = cli_stop_on_signals(k.loop);	/* before a listen: socket exists */
	r = ns_relay_new(k.loop, spec, &ops, &k, err, sizeof(err));
	k.relay = r;
	if (!r) {
		if (sfd >= 0)
			close(sfd);
		if (k.cap)
			ns_pcapng_close(k.cap);
		ns_loop_free(k.loop);
		if (k.log)
			fclose(k.log);
		return cli_error(&kdh_cmd_serial_link, KDH_EXIT_USAGE, "%s", err);
	}
	rc = ns_loop_run(k.loop, for_ns ? k.t0 + for_ns : NS_NEVER);
	printf("kdh serial-link: %llu bytes A>B, %llu bytes B>A, %llu KD packets, "
	       "%u KD connections\n", (unsigned long long)ns_relay_bytes(r, 0),
	       (unsigned long long)ns_relay_bytes(r, 1),
	       (unsigned long long)k.packets, k.conn.connections);
	ns_relay_free(r);
	k.relay = NULL;
	if (sfd >= 0)
		close(sfd);
	if (k.cap && ns_pcapng_close(k.cap) && !rc) {
		fprintf(stderr, "kdh serial-link: %s: could not complete the "
			"capture\n", capp);
		rc = -1;
	}
	ns_loop_free(k.loop);
	if (k.log)
		fclose(k.log);
	return rc ? KDH_EXIT_FAIL : KDH_EXIT_OK;
}

const struct kdh_cmd kdh_cmd_serial_link = {
	.name = "serial-link",
	.summary = "link two VMs' serial sockets (KD over serial), surviving reboots",
	.usage = "kdh serial-link A (B | --tcp-listen [ADDR:]PORT) [--decode] [--log FILE]\n"
		 "    [--capture FILE] [--for DURATION]",
	.run = serial_main,
	.help =
"A and B are unix sockets: PATH connects to a server socket, as QEMU's\n"
"serialN (Proxmox: /var/run/qemu-server/VMID.serialN), retrying every\n"
"250 ms while it is away (a VM rebooting); listen:PATH makes kdh the\n"
"server.  Bytes go both ways as `socat UNIX-CLIENT:A UNIX-CLIENT:B` would,\n"
"but a slow side never stalls the other direction, and bytes for a side\n"
"that is away wait for it (up to 1 MiB, then the sender is paused).\n"
"\n"
"With --tcp-listen, B is a TCP port instead, for a WinDbg on another host\n"
"(WinDbg's `-k com:ipport=PORT,port=HOST` is a TCP client).  One client\n"
"at a time: a second one is refused while the first is connected; when\n"
"the client goes away (WinDbg closed or restarted) bytes for it wait and\n"
"the next client gets them.  KD over serial has no key: whoever reaches\n"
"the port controls the debuggee, so kdh listens on 127.0.0.1 unless an\n"
"address is given (and warns when it is not loopback); reach it from\n"
"elsewhere through an SSH tunnel.\n"
"\n"
"Options:\n"
"  --decode         one line per KD packet crossing the link (type, id,\n"
"                   length, leader) and per break-in byte\n"
"  --log FILE       every chunk with its time, direction and bytes (hex)\n"
"  --capture FILE   the same chunks as pcapng (a kdh-serial interface, as\n"
"                   `kdh run` records serial links): `kdh analyze FILE`\n"
"                   measures serial_connect_time_s from it\n"
"  --for DURATION   stop after that long\n"
"  --tcp-listen [ADDR:]PORT\n"
"                   B is a TCP listener on PORT (1-65535) of 127.0.0.1, or\n"
"                   of a numeric ADDR: 0.0.0.0:5800, [::1]:5800\n"
"\n"
"Always printed: ends connecting and going away, and each completed KD\n"
"reset exchange (a RESET from one side answered within 1 s by a RESET or\n"
"ACK from the other) with serial_connect_time, seconds since the link\n"
"started.\n"
"\n"
"Example (WinDbg in VM 101 debugging VM 100 on COM1):\n"
"  kdh serial-link /var/run/qemu-server/100.serial0 \\\n"
"      /var/run/qemu-server/101.serial0 --decode\n"
"\n"
"Example (WinDbg on a Windows machine debugging VM 100 on COM1):\n"
"  on the Proxmox host:\n"
"    kdh serial-link /var/run/qemu-server/100.serial0 --tcp-listen 5800\n"
"  on the Windows machine, a tunnel, then WinDbg through it:\n"
"    ssh -N -L 5800:127.0.0.1:5800 root@pve\n"
"    windbg -k com:ipport=5800,port=127.0.0.1\n"
"  (com:ipport is observed usage, e.g. in firmware projects' docs; it is\n"
"  not found in Microsoft's debugger reference)\n"
"\n"
"Example (VMware Workstation on a Linux host, serial0 a named pipe: a\n"
"unix socket, and WinDbg on a Windows machine as above):\n"
"    kdh serial-link /tmp/com_1 --tcp-listen 5800\n"
"  when the .vmx says serial0.pipe.endPoint = \"server\", or\n"
"    kdh serial-link listen:/tmp/com_1 --tcp-listen 5800\n"
"  when it says \"client\" (start kdh first: the VM connects to it)\n"
"\n"
"Exit status: 0 after --for or a signal stopped it, 1 when the link\n"
"failed or the capture could not be completed, 2 bad usage, a bad\n"
"socket name, a bad or busy TCP port, or a file that cannot be written.\n",
};
