// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_cmd.c - `kdh watch`: live diagnosis of a VM's kernel-debugging
 * boot, on the host it runs on
 *
 * Theory of operation: everything the user gave is checked first (bad
 * input is exit 2 and nothing is captured), then the interfaces are
 * opened (watch_capture.c), the opening lines printed (watch_setup.c), and
 * the real-clock loop runs.  Each frame, in the order read, is written to
 * --pcap, fed to the analysis -- the streaming analyzer kdh analyze uses
 * -- and then to the story (watch_story.c), which prints what changed; a
 * 1 s timer gives the story the time for silence.  The harness events
 * kdh run records (the debugger's address, the VM's power-on) go first
 * into both, so kdh analyze of the --pcap gives the figures of the
 * summary this command ends with.  Frames of two interfaces can be read a
 * few microseconds out of order; a timestamp is never taken back, so the
 * file stays in order.  --replay FILE feeds a saved capture through
 * the same path, with the timer's ticks between its frames, to test the
 * rules without a VM.
 *
 * Wing harness/watch/ (docs/development.md): kdh watch: live diagnosis on a
 *   Proxmox host.
 * Uses: netsim/, util/, cmd/, analyze/, platform/.
 * Used by: nothing of the others.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "harness/watch/watch_priv.h"
#include "kdh/cmd/cli.h"
#include "kdh/cmd/cli_once.h"
#include "netsim/duration.h"
#include "netsim/pcapng.h"

struct watch_run {
	const struct watch_opts *o;
	const struct watch_vm *vm;
	FILE *out;
	struct analysis *a;
	struct watch_story *story;
	struct ns_loop *loop;
	struct ns_timer *tick;
	struct watch_capture *cap;
	struct ns_pcapng *pcap;
	int pcap_iface[WATCH_MAX_IFACES];
	uint64_t wall_offset_ns;	/* wall clock minus the loop's */
	uint64_t last_ns;
	struct watch_event held[2];	/* recorded with the first frame */
	size_t n_held;
	const char *ended;		/* why the watch stopped */
	int pcap_err;			/* --pcap's first write error (-errno) */
};

static void stop(struct watch_run *r, const char *why)
{
	if (!r->ended)
		r->ended = why;
	if (r->loop)
		ns_loop_stop(r->loop);
}

static void record(struct watch_run *r, struct cap_frame *f, size_t iface,
		   const char *iface_name);

/* After each record and tick: --until met, --pcap or the lines failing
 * (a full disk; a closed pipe or terminal, SIGPIPE being ignored) end the
 * watch, and what was captured is kept */
static void checks(struct watch_run *r)
{
	if (watch_story_done(r->story, r->o->until))
		stop(r, "--until");
	if (r->pcap_err)
		stop(r, "--pcap could not be written");
	if (ferror(r->out))
		stop(r, "the output is gone");
}

/* The events held for the first frame, stamped with its time: t0 of a
 * capture without "power on" stays the VM's first frame */
static void held_record(struct watch_run *r, uint64_t ts_ns)
{
	size_t n = r->n_held;

	r->n_held = 0;
	for (size_t i = 0; i < n; i++) {
		struct cap_frame f = { .ts_ns = ts_ns, .linktype = LINKTYPE_USER0,
				       .comment = r->held[i].text };

		record(r, &f, 0, "kdh-events");
	}
}

/* One record (frame or event), in the order read: file, analysis, story */
static void record(struct watch_run *r, struct cap_frame *f, size_t iface,
		   const char *iface_name)
{
	if (f->caplen && r->n_held)
		held_record(r, f->ts_ns > r->last_ns ? f->ts_ns : r->last_ns);
	if (f->ts_ns < r->last_ns)
		f->ts_ns = r->last_ns;
	r->last_ns = f->ts_ns;
	if (r->pcap && !r->pcap_err)
		r->pcap_err = f->caplen ?
			ns_pcapng_packet(r->pcap, r->pcap_iface[iface], f->ts_ns,
					 f->data, f->caplen, NULL) :
			ns_pcapng_event(r->pcap, f->ts_ns, f->comment);
	analysis_feed(r->a, f);
	watch_story_frame(r->story, f, iface_name);
	checks(r);
}

/* The harness events: a power-on now (it has its own time), the others
 * with the first frame */
static void events_record(struct watch_run *r, uint64_t now_ns)
{
	struct watch_event ev[2];
	size_t n = watch_events(r->vm, now_ns, ev, 2);

	for (size_t i = 0; i < n; i++) {
		struct cap_frame f = { .ts_ns = ev[i].ts_ns,
				       .linktype = LINKTYPE_USER0,
				       .comment = ev[i].text };

		if (strncmp(ev[i].text, AN_POWER_ON, strlen(AN_POWER_ON)))
			r->held[r->n_held++] = ev[i];
		else
			record(r, &f, 0, "kdh-events");
	}
}

static void on_frame(void *opaque, const struct cap_frame *f, size_t iface)
{
	struct watch_run *r = opaque;
	struct cap_frame copy = *f;

	record(r, &copy, iface, r->vm->ifaces[iface]);
}

static void on_gone(void *opaque, size_t iface, const char *why)
{
	struct watch_run *r = opaque;

	watch_story_note(r->story, ns_loop_now(r->loop) + r->wall_offset_ns,
			 "%s went away (%s): the VM stopped?", r->vm->ifaces[iface],
			 why);
	if (!watch_capture_open_count(r->cap))
		stop(r, "no interface left");
}

static void on_tick(void *opaque)
{
	struct watch_run *r = opaque;
	uint64_t now = ns_loop_now(r->loop);

	watch_story_tick(r->story, now + r->wall_offset_ns);
	if (r->pcap && !r->pcap_err)	/* a SIGKILL loses a second at most */
		r->pcap_err = ns_pcapng_flush(r->pcap);
	checks(r);
	ns_timer_mod(r->tick, now + WATCH_TICK_NS);
}

static int pcap_open(struct watch_run *r)
{
	char err[600];

	if (!r->o->pcap)
		return 0;
	r->pcap = ns_pcapng_open(r->o->pcap, err, sizeof(err));
	if (!r->pcap)
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "--pcap: %s", err);
	for (size_t i = 0; i < r->vm->n_ifaces; i++) {
		uint16_t lt = watch_capture_linktype(r->cap, i);

		r->pcap_iface[i] = ns_pcapng_iface(r->pcap, r->vm->ifaces[i], lt);
	}
	return 0;
}

/* The summary (kdh analyze's report) and the verdict: the exit status */
static int watch_end(struct watch_run *r, const char *name, const char *format)
{
	uint64_t dropped = r->cap ? watch_capture_dropped(r->cap) : 0;
	int rc;

	held_record(r, r->last_ns);	/* no frame came: they still go in */
	if (r->o->pcap && strcmp(r->o->pcap, "-"))
		fprintf(r->out, "\nsummary (kdh analyze %s says the same):\n",
			r->o->pcap);
	else
		fprintf(r->out, "\nsummary:\n");
	analyze_report_text(r->out, r->a, name, format, r->vm->key_from != NULL);
	if (dropped)
		fprintf(r->out, "warning: the kernel dropped %llu frames (capture "
			"buffer full): figures may miss some\n",
			(unsigned long long)dropped);
	rc = watch_story_end(r->story, r->ended && !strcmp(r->ended, "--until"));
	if (r->pcap) {
		int err = ns_pcapng_close(r->pcap);

		err = r->pcap_err ? r->pcap_err : err;
		if (err)
			rc = cli_error(&kdh_cmd_watch, KDH_EXIT_FAIL, "%s: %s: the "
				       "capture is incomplete", r->o->pcap,
				       strerror(-err));
	}
	r->pcap = NULL;
	return rc;
}

/* "tap105i0,tap105i1": the summary's name for what was captured */
static void ifaces_name(const struct watch_vm *vm, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < vm->n_ifaces; i++) {
		if (i)
			g_strlcat(buf, ",", len);
		g_strlcat(buf, vm->ifaces[i], len);
	}
}

/* The interfaces, --pcap, the signals and the tick: 0 or the exit status */
static int live_open(struct watch_run *r, const char *filter, int *sfd)
{
	char err[600];
	int rc;

	r->loop = ns_loop_new(NS_CLOCK_REAL, cli_seed_random());
	if (!r->loop)
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "out of memory");
	rc = watch_capture_open(&r->cap, r->loop, r->vm, filter, on_frame, on_gone,
				r, err, sizeof(err));
	if (rc)
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "%s", err);
	if ((rc = pcap_open(r)))
		return rc;
	if ((*sfd = cli_stop_on_signals(r->loop)) < 0 ||
	    !(r->tick = ns_timer_new(r->loop, on_tick, r)))
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "signals or timer: "
				 "%s", strerror(errno));
	return 0;
}

static int live_run(struct watch_run *r, const struct watch_static *st)
{
	char filter[WATCH_FILTER_LEN], name[200];
	int rc, sfd = -1;
	uint64_t t0, now;

	watch_filter_build(r->vm, filter, sizeof(filter));
	if ((rc = live_open(r, filter, &sfd)))
		goto out;
	r->wall_offset_ns = cli_wall_offset_ns();
	t0 = ns_loop_now(r->loop);
	now = t0 + r->wall_offset_ns;
	watch_opening_print(r->out, r->o, st, r->vm, filter, now);
	r->story = watch_story_new(r->vm, r->a, r->out, now);
	events_record(r, now);
	if (r->last_ns < now)
		r->last_ns = now;		/* frames come after */
	ns_timer_mod(r->tick, t0 + WATCH_TICK_NS);
	if (ns_loop_run(r->loop, r->o->for_ns ? t0 + r->o->for_ns : NS_NEVER))
		fprintf(stderr, "kdh watch: %s\n", ns_loop_error(r->loop));
	if (!r->ended)
		r->ended = ns_loop_end(r->loop) == NS_LOOP_UNTIL ? "--for" :
			   "a signal";
	watch_story_note(r->story, ns_loop_now(r->loop) + r->wall_offset_ns,
			 "watch stopped (%s)", r->ended);
	ifaces_name(r->vm, name, sizeof(name));
	rc = watch_end(r, name, "live");
out:
	watch_capture_close(r->cap);
	ns_pcapng_discard(r->pcap);	/* an error before the run: no file */
	ns_timer_free(r->tick);
	if (sfd >= 0)
		close(sfd);
	ns_loop_free(r->loop);
	return rc;
}

/* The timer's ticks of a replay, up to @limit */
static void ticks_to(struct watch_run *r, uint64_t *next, uint64_t limit)
{
	for (; *next <= limit && !r->ended; *next += WATCH_TICK_NS) {
		watch_story_tick(r->story, *next);
		checks(r);
	}
}

/* --replay: a capture's records through the same path, with the timer's
 * ticks in between (and up to --for past its start) */
static int replay_run(struct watch_run *r, const struct watch_static *st)
{
	uint64_t next = NS_NEVER, end = NS_NEVER;
	struct capfile *cf = cli_capture_open(&kdh_cmd_watch, r->o->replay);
	struct cap_frame f;
	int rc;

	if (!cf)
		return KDH_EXIT_USAGE;
	watch_opening_print(r->out, r->o, st, r->vm, "", 0);
	while (!r->ended && capfile_next(cf, &f) == 1) {
		if (!r->story) {
			r->story = watch_story_new(r->vm, r->a, r->out, f.ts_ns);
			next = f.ts_ns + WATCH_TICK_NS;
			end = r->o->for_ns ? f.ts_ns + r->o->for_ns : NS_NEVER;
		}
		ticks_to(r, &next, f.ts_ns < end ? f.ts_ns : end);
		if (f.ts_ns > end || r->ended)
			break;
		record(r, &f, 0, "the capture");
	}
	if (!r->story)
		r->story = watch_story_new(r->vm, r->a, r->out, 0);
	if (end != NS_NEVER)
		ticks_to(r, &next, end);
	if (r->ended)
		watch_story_note(r->story, r->last_ns, "watch stopped (%s)",
				 r->ended);
	cli_capture_warn(&kdh_cmd_watch, r->o->replay, cf);
	rc = watch_end(r, r->o->replay, capfile_format(cf));
	capfile_close(cf);
	return rc;
}

static int until_parse(const char *s, enum watch_until *u)
{
	static const char *const names[] = { "connected", "hang", "any" };
	const char *guess;

	for (size_t i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*u = (enum watch_until)(WATCH_UNTIL_CONNECTED + i);
			return 0;
		}
	guess = cli_suggest(s, names, 3);
	if (guess)
		return cli_usage_error(&kdh_cmd_watch, "--until: '%s' is not "
				       "connected, hang or any (did you mean '%s'?)",
				       s, guess);
	return cli_usage_error(&kdh_cmd_watch, "--until: '%s' is not connected, "
			       "hang or any", s);
}

static int iface_add(struct watch_opts *o, const char *s)
{
	if (!*s || strlen(s) >= IF_NAMESIZE || strpbrk(s, "/ \t\n:"))
		return cli_usage_error(&kdh_cmd_watch, "--iface: '%s' is not an "
				       "interface name", s);
	if (o->n_ifaces == WATCH_MAX_IFACES)
		return cli_usage_error(&kdh_cmd_watch, "--iface: at most %d "
				       "interfaces", WATCH_MAX_IFACES);
	for (size_t i = 0; i < o->n_ifaces; i++)
		if (!strcmp(o->ifaces[i], s))
			return 0;
	o->ifaces[o->n_ifaces++] = s;
	return 0;
}

static int mac_add(struct watch_opts *o, const char *s)
{
	uint8_t mac[ETH_ALEN];

	if (mac_parse(s, mac) || !mac_is_nic(mac))
		return cli_usage_error(&kdh_cmd_watch, "--mac: '%s' is not a NIC's "
				       "MAC address (like bc:24:11:00:01:30)", s);
	if (o->n_macs == WATCH_MAX_MACS)
		return cli_usage_error(&kdh_cmd_watch, "--mac: at most %d",
				       WATCH_MAX_MACS);
	memcpy(o->macs[o->n_macs++], mac, ETH_ALEN);
	return 0;
}

static int network_parse(const char *s, enum check_network *net)
{
	if (!strcmp(s, "static"))
		*net = NET_STATIC;
	else if (!strcmp(s, "dhcp"))
		*net = NET_DHCP;
	else
		return cli_usage_error(&kdh_cmd_watch, "--network: '%s' is not "
				       "static or dhcp", s);
	return 0;
}

/* Return: 0, CLI_HELP_SHOWN, or KDH_EXIT_USAGE after saying why */
static int opts_parse(int argc, char **argv, struct watch_opts *o)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "mac", required_argument, NULL, 'm' },
		{ "bcdedit", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ "network", required_argument, NULL, 'n' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "for", required_argument, NULL, 'f' },
		{ "until", required_argument, NULL, 'u' },
		{ "silence", required_argument, NULL, 's' },
		{ "config-dir", required_argument, NULL, 'd' },
		{ "replay", required_argument, NULL, 'R' },
		{ "windows", required_argument, NULL, 'W' },
		{ "pid-dir", required_argument, NULL, 'P' },	/* hidden: tests */
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_once once = { 0 };
	int opt, rc = 0;

	*o = (struct watch_opts){ .config_dir = WATCH_CONFIG_DIR,
				  .pid_dir = WATCH_PID_DIR,
				  .silence_ns = WATCH_SILENCE_NS };
	optind = 1;
	while (!rc && (opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt != 'i' && opt != 'm' &&	/* lists: --iface, --mac */
		    cli_once(&kdh_cmd_watch, &once, opt, opts, "h"))
			return KDH_EXIT_USAGE;
		switch (opt) {
		case 'i': rc = iface_add(o, optarg); break;
		case 'm': rc = mac_add(o, optarg); break;
		case 'b': o->bcdedit = optarg; break;
		case 'k': o->key = optarg; break;
		case 'n': rc = network_parse(optarg, &o->net); break;
		case 'w': o->pcap = optarg; break;
		case 'f': rc = cli_duration_parse(&kdh_cmd_watch, "--for", optarg,
						  NS_PER_MS, NULL, &o->for_ns); break;
		case 'u': rc = until_parse(optarg, &o->until); break;
		case 's': rc = cli_duration_parse(&kdh_cmd_watch, "--silence",
						  optarg, NS_PER_S, NULL,
						  &o->silence_ns); break;
		case 'd': o->config_dir = optarg; break;
		case 'R': o->replay = optarg; break;
		case 'W': o->windows = optarg; break;
		case 'P': o->pid_dir = optarg; break;
		case 'h': cli_help_print(&kdh_cmd_watch); return CLI_HELP_SHOWN;
		default:  return cli_bad_option(&kdh_cmd_watch, argv);
		}
	}
	if (rc)
		return rc;
	if (optind < argc)
		o->vm = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&kdh_cmd_watch, "unexpected '%s': one VMID or "
				       "VM config", argv[optind]);
	if (o->replay && (o->n_ifaces || o->pcap))
		return cli_usage_error(&kdh_cmd_watch, "--replay reads a capture: "
				       "no --iface or --pcap with it");
	return 0;
}

static int watch_main(int argc, char **argv)
{
	struct watch_static *st = g_new0(struct watch_static, 1);
	struct watch_vm *vm = g_new0(struct watch_vm, 1);
	struct watch_opts o;
	struct watch_run r = { 0 };
	int rc = opts_parse(argc, argv, &o);

	signal(SIGPIPE, SIG_IGN);	/* a closed pipe: write errors, checks() */
	if (!rc)
		rc = watch_setup(&o, st, vm);
	if (!rc && !o.replay)
		rc = watch_ifaces_exist(vm);
	if (!rc) {
		r = (struct watch_run){ .o = &o, .vm = vm, .out = o.pcap &&
			!strcmp(o.pcap, "-") ? stderr : stdout };
		r.a = analysis_new(vm->key, 0);
		if (!r.a)
			rc = cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE,
				       "OpenSSL setup failed");
		else if (!vm->key_from)
			analysis_keyless(r.a);
	}
	if (!rc)
		rc = o.replay ? replay_run(&r, st) : live_run(&r, st);
	watch_story_free(r.story);
	analysis_free(r.a);
	g_free(vm);
	g_free(st);
	return rc == CLI_HELP_SHOWN ? KDH_EXIT_OK : rc;
}

const struct kdh_cmd kdh_cmd_watch = {
	.name = "watch",
	.summary = "live diagnosis of a VM's debugging boot, from its taps",
	.usage = "kdh watch [VMID|VMCONF] [--iface IFACE...] [--mac MAC...] "
		 "[--bcdedit FILE]\n"
		 "       [--key KEY] [--network static|dhcp] [--pcap FILE] "
		 "[--for DURATION]\n"
		 "       [--until connected|hang|any] [--silence DURATION] "
		 "[--config-dir DIR]\n"
		 "       [--windows BUILD] [--replay FILE]",
	.run = watch_main,
	.help =
"Watches a VM's kernel-debugging boot as it happens, on the host it runs\n"
"on: libpcap reads its frames (read-only: no promiscuous mode, no\n"
"interface, route or firewall is changed), the analyzer of kdh analyze\n"
"follows them, and each notable event is one timestamped line with what it\n"
"means and, where one follows, the fix.  It needs root (CAP_NET_RAW).\n"
"\n"
"What it watches: with a VMID, /etc/pve/qemu-server/VMID.conf (see\n"
"--config-dir); net<n> is the tap tap<vmid>i<n> (with firewall=1 too: the\n"
"tap then sits in fwbr<vmid>i<n>), filtered in the kernel to the VM's MACs\n"
"and the DHCP broadcasts to them.  --iface watches other interfaces (a\n"
"plain QEMU or libvirt VM's tap, a bridge) on any Linux host.  A VM's tap\n"
"exists only while it runs: start it first (qm start 105 && kdh watch 105).\n"
"\n"
"It opens with kdh check's findings for the config (and --bcdedit), the\n"
"debug NIC (\"debug NIC: net1 (e1000, guest PCI 0.19.0) on tap105i1\"),\n"
"what is watched and when the VM started (its QEMU pid file).  Then, each\n"
"once, with the time of day and the seconds since the VM's first frame:\n"
"- the VM is up: its first frame\n"
"- DHCPDISCOVERs and no OFFER: no DHCP server, so the boot waits about 10\n"
"  minutes at the logo; fix: bcdedit /set {dbgsettings} dhcp no and a\n"
"  static address on the Kernel Debugger Ethernet adapter\n"
"- RFC 3927 probes: DHCP gave up; 169.254.x.y reaches the debugger only\n"
"  if its host routes 169.254/16\n"
"- ARP for the debugger's address unanswered: its host is not on the link\n"
"- announcements with no reply: WinDbg not listening there, or a firewall\n"
"- wrong key: KDNET packets that do not verify with the key (a control\n"
"  packet failing it is certain: control packets use the base key)\n"
"- connected, and how long after the VM started\n"
"- a reboot: a new boot nonce in the announcements, or a new \"power on\"\n"
"  (a boot of its own: the silence clock starts again)\n"
"- silence: no frame, or no KDNET, from any NIC --silence after the VM\n"
"  started (Hyper-V enlightenments, busparams naming no NIC, debug off)\n"
"- a bugcheck: the guest's \"Fatal System Error\" text with its stop code\n"
"  and 4 parameters (or winload's boot library's \"Fatal Error\")\n"
"- a stall: the guest has waited 3 s for a continue after a state change\n"
"  (or an answer to a prompt or file request) and the debugger sent\n"
"  nothing, only ACKs, or requests of its own; fix: a debugger that\n"
"  continues (WinDbg, kdh listen), or `g` in WinDbg\n"
"It ends on Ctrl-C, SIGTERM or SIGHUP, after --for, at --until, when its\n"
"output is closed (| head), or when no interface is left (the VM stopped),\n"
"with kdh analyze's summary of what was captured and a verdict line: the\n"
"analysis' outcome for the latest boot (bugcheck, break and stalled\n"
"judged at the last tick; and what the boot before came to),\n"
"\"undecided\" naming the problem when --until stopped it on one, or the\n"
"serial link's for serial KD.\n"
"\n"
"Options:\n"
"  --iface IFACE      watch this interface instead of the VM's taps (again\n"
"                     for more)\n"
"  --mac MAC          a MAC of the VM (again for more): the filter, and the\n"
"                     NICs the lines are about; without a config or --mac\n"
"                     every frame is read\n"
"  --bcdedit FILE     the guest's `bcdedit /dbgsettings` output: the\n"
"                     debugger's address and port, the key, dhcp, busparams\n"
"  --key KEY          the key WinDbg is given (default: bcdedit's); without\n"
"                     a key KDNET packets are counted, not verified\n"
"  --network static|dhcp\n"
"                     the debug NIC's network, for kdh check's findings\n"
"  --pcap FILE        write every frame read (pcapng; atomically, also when\n"
"                     stopped; flushed each second; - is standard output,\n"
"                     and the lines go to standard error): kdh analyze FILE\n"
"                     says the summary\n"
"  --for DURATION     stop after that long (default: Ctrl-C)\n"
"  --until connected|hang|any\n"
"                     stop once connected, at the first problem told, or at\n"
"                     either\n"
"  --silence DURATION\n"
"                     no frame (or no KDNET) that long after the VM started\n"
"                     is silence (default 60s)\n"
"  --config-dir DIR   where VMID.conf is (default /etc/pve/qemu-server)\n"
"  --windows BUILD    the guest's Windows build for kdh check's findings\n"
"                     (10.0.19045.5247 as ver prints it, 22H2, 19045);\n"
"                     without it the newest the VM's ostype covers, and\n"
"                     a note says which\n"
"  --replay FILE      read a saved capture (a tcpdump -w of the VM's tap,\n"
"                     pcap or pcapng, .gz too) instead of live taps: the\n"
"                     same lines, fixes and verdict, in the capture's time\n"
"\n"
"Exit status: the same rule for kdh analyze, kdh decode and kdh watch\n"
"--replay: 0 when the debug NIC (or the serial link) is connected at\n"
"the end, 1 when it is not (a problem was told, key-mismatch,\n"
"not-verified, a guest stopped, nothing seen, undecided), 2 for bad\n"
"input: usage, a config or bcdedit file (file:line;\n"
"also a hostip or key it cannot use), a key, an interface that does not\n"
"exist, no CAP_NET_RAW.\n"
"\n"
"Example:\n"
"  qm start 105 && kdh watch 105 --bcdedit dbg.txt --pcap boot.pcapng\n",
};
