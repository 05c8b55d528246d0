// SPDX-License-Identifier: GPL-2.0-or-later
/* analyze_cmd.c - `kdh analyze`: timeline and metrics from a capture alone */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "kdh/analyze/analyze.h"
#include "kdh/cmd/cli.h"
#include "kdh/util/json_out.h"

/* defined at the end of the file; main.c sees it in commands.h */
extern const struct kdh_cmd kdh_cmd_analyze;

static double rel_s(uint64_t t0, uint64_t t)
{
	return ((double)t - (double)t0) / 1e9;
}

static void metric_line(FILE *out, const char *name, double v,
			const char *absent)
{
	if (isnan(v))
		fprintf(out, "  %-16s -  (%s)\n", name, absent);
	else
		fprintf(out, "  %-16s %.6f\n", name, v);
}

/* "build 10586, kernel base 0x96f000, boot debugger (winload)" */
static void kd_version_str(const struct an_kd *kd, char *buf, size_t len)
{
	if (!kd->has_version)
		snprintf(buf, len, "-  (no GetVersion reply)");
	else
		snprintf(buf, len, "build %u, kernel base 0x%" PRIx64 ", %s",
			 kd->version.build, kd->version.kern_base,
			 kd->version.major >> 8 == 4 ? "boot debugger (winload)" :
			 "kernel debugger");
}

/* The KD conversation after connecting: what kdh listen, WinDbg or any
 * debugger and the guest said (analyze_kd.c) */
static void kd_text(FILE *out, const struct analysis *a,
		    const struct an_target *t)
{
	const struct an_kd *kd = &t->kd;
	char text[256], ip[IP_STRLEN], who[48];

	if (!kd->packets && !kd->malformed)
		return;
	fprintf(out, "  %-16s %u (%u sent again, counted once; %u malformed)\n",
		"kd packets", kd->packets, kd->retransmits, kd->malformed);
	kd_version_str(kd, text, sizeof(text));
	fprintf(out, "  %-16s %s\n", "kd version", text);
	fprintf(out, "  %-16s %u (%u unloaded)\n", "modules_loaded",
		kd->modules_loaded, kd->modules_unloaded);
	fprintf(out, "  %-16s %u\n", "dbgprint_lines", kd->dbgprint_lines);
	fprintf(out, "  %-16s %u\n", "breaks", kd->breaks);
	fprintf(out, "  %-16s %u\n", "exceptions", kd->exceptions);
	fprintf(out, "  %-16s %u\n", "file_opens", kd->file_opens);
	fprintf(out, "  %-16s %u\n", "continues", kd->continues);
	if (kd->bugcheck_seen)
		an_kd_bugcheck_str(kd, text, sizeof(text));
	fprintf(out, "  %-16s %s\n", "bugcheck", kd->bugcheck_seen ? text :
		"-  (none)");
	snprintf(who, sizeof(who), "the debugger at %s",
		 ip_str(t->debugger_ip, ip));
	if (kd->waiting)
		an_kd_wait_text(kd, analysis_end_ns(a), who, text, sizeof(text));
	fprintf(out, "  %-16s %s\n", "waiting", kd->waiting ? text :
		"-  (the guest does not wait for the debugger)");
}

/* "then 427 announcements, one every 3.0 s, until 1286.0 s": what the
 * guest kept sending between the timeline line at @after_ns and the next
 * (at @before_ns, AN_NONE after the last) */
static void announce_run_text(FILE *out, uint64_t t0, const struct an_target *t,
			      uint64_t after_ns, uint64_t before_ns)
{
	uint64_t first = 0, last = 0;
	unsigned n = an_announce_between(t, after_ns, before_ns, &first, &last);

	if (!n)
		return;
	fprintf(out, "  %14.6f  then %u announcement%s", rel_s(t0, first), n,
		n == 1 ? "" : "s");
	if (n > 1)
		fprintf(out, ", one every %.1f s, until %.1f s",
			rel_s(first, last) / (n - 1), rel_s(t0, last));
	fprintf(out, "\n");
}

static void target_text(FILE *out, const struct analysis *a,
			const struct an_target *t, bool has_key)
{
	uint64_t t0 = analysis_t0(a);
	struct an_metrics m;

	an_metrics_compute(a, t, &m);
	fprintf(out, "\nNIC %s%s\n", m.mac, t->kdnet_sent ? " (sent KDNET: debug NIC)" : "");
	fprintf(out, "  timeline (s from t0)\n");
	for (guint i = 0; i < t->events->len; i++) {
		const struct an_event *e = &g_array_index(t->events, struct an_event, i);

		fprintf(out, "  %14.6f  %s\n", rel_s(t0, e->t_ns), e->text);
		if (i + 1 < t->events->len || !t->events_dropped)
			announce_run_text(out, t0, t, e->t_ns, i + 1 < t->events->len ?
					  e[1].t_ns : AN_NONE);
	}
	if (t->events_dropped)
		fprintf(out, "  %14s  ... %u more events not listed\n", "", t->events_dropped);
	fprintf(out, "  %-16s %s  (%s)\n", "outcome", an_outcome_name(m.outcome), m.why);
	fprintf(out, "  %-16s %s\n", "debug_nic.mac", t->kdnet_sent ? m.mac : "-");
	fprintf(out, "  %-16s %s%s%s%s\n", "address", m.address[0] ? m.address : "-",
		m.address_source ? " (" : "",
		m.address_source ? m.address_source : "",
		m.address_source ? ")" : "");
	metric_line(out, "dhcp_phase_s", m.dhcp_phase_s, "no DHCP exchange ended");
	fprintf(out, "  %-16s %u\n", "discover_count", m.discover_count);
	if (!isnan(m.first_kdnet_s) && !m.first_kdnet_verified)
		fprintf(out, "  %-16s %.6f  (%s)\n", "first_kdnet_s", m.first_kdnet_s,
			has_key ? "not verified: no packet verifies with the key" :
			"not verified: no key");
	else
		metric_line(out, "first_kdnet_s", m.first_kdnet_s, "no KDNET packet");
	metric_line(out, "connect_time_s", m.connect_s, "no connection");
	metric_line(out, "logo_hang_s", m.logo_hang_s, "no KDNET packet");
	fprintf(out, "  %-16s %u sent, %u received, %u verified, %u failed\n",
		"kdnet packets", t->kdnet_sent, t->kdnet_received,
		t->kdnet_verified, t->kdnet_failed);
	kd_text(out, a, t);
	if (!has_key && (t->kdnet_sent || t->kdnet_received))
		fprintf(out, "  note: no --key given: KDNET packets are counted and "
			"timed by their outer header, not verified; the session, "
			"connect_time_s and the KD conversation need the key\n");
}

/* Serial links the harness recorded (kdh run, kdh serial-link --capture) */
static void serial_text(FILE *out, const struct analysis *a)
{
	uint64_t t0 = analysis_t0(a);
	struct an_serial_info l;

	for (size_t i = 0; i < AN_MAX_SERIALS; i++) {
		if (!analysis_serial(a, i, &l))
			continue;
		fprintf(out, "\nserial link %zu: %s <-> %s\n", i, l.end[0], l.end[1]);
		for (int d = 0; d < 2; d++)
			fprintf(out, "  %s>%s  %" PRIu64 " bytes, %u KD packets (%u RESET), "
				"%u break-ins, %" PRIu64 " bytes of other text\n",
				l.end[d], l.end[!d], l.bytes[d], l.packets[d],
				l.resets[d], l.breakins[d], l.noise[d]);
		if (l.connections)
			fprintf(out, "  %-16s %.6f  (reset from %s answered by %s; %u "
				"connections)\n", "serial_connect_time_s",
				rel_s(t0, l.first_connect_ns), l.end[l.first_asker],
				l.end[!l.first_asker], l.connections);
		else
			fprintf(out, "  %-16s -  (no RESET answered by a RESET or ACK from "
				"the other side within 1 s)\n", "serial_connect_time_s");
	}
}

static size_t serial_count(const struct analysis *a)
{
	struct an_serial_info l;
	size_t n = 0;

	for (size_t i = 0; i < AN_MAX_SERIALS; i++)
		n += analysis_serial(a, i, &l);
	return n;
}


static void jb_secs(JsonBuilder *b, const char *key, double v)
{
	if (isnan(v))
		jb_null(b, key);
	else
		jb_double(b, key, v);
}

static void serial_json(JsonBuilder *b, const struct analysis *a)
{
	uint64_t t0 = analysis_t0(a);
	struct an_serial_info l;

	json_builder_set_member_name(b, "serial_links");
	json_builder_begin_array(b);
	for (size_t i = 0; i < AN_MAX_SERIALS; i++) {
		if (!analysis_serial(a, i, &l))
			continue;
		json_builder_begin_object(b);
		jb_int(b, "link", (int64_t)i);
		json_builder_set_member_name(b, "ends");
		json_builder_begin_array(b);
		for (int d = 0; d < 2; d++) {
			json_builder_begin_object(b);
			jb_str(b, "name", l.end[d]);
			jb_int(b, "bytes_sent", (int64_t)l.bytes[d]);
			jb_int(b, "kd_packets", l.packets[d]);
			jb_int(b, "resets", l.resets[d]);
			jb_int(b, "breakins", l.breakins[d]);
			jb_int(b, "other_bytes", (int64_t)l.noise[d]);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		jb_int(b, "connections", l.connections);
		jb_secs(b, "serial_connect_time_s", l.connections ?
			rel_s(t0, l.first_connect_ns) : NAN);
		jb_str(b, "asked_by", l.connections ? l.end[l.first_asker] : NULL);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void kd_json_version(JsonBuilder *b, const struct an_kd *kd)
{
	char hex[24];

	json_builder_set_member_name(b, "version");
	if (!kd->has_version) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	jb_int(b, "build", kd->version.build);
	snprintf(hex, sizeof(hex), "0x%" PRIx64, kd->version.kern_base);
	jb_str(b, "kern_base", hex);
	jb_bool(b, "boot_debugger", kd->version.major >> 8 == 4);
	json_builder_end_object(b);
}

static void kd_json_bugcheck(JsonBuilder *b, const struct an_kd *kd)
{
	char hex[24], text[160];

	json_builder_set_member_name(b, "bugcheck");
	if (!kd->bugcheck_seen) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	snprintf(hex, sizeof(hex), "0x%08" PRIX32, kd->bugcheck.code);
	jb_str(b, "code", hex);
	json_builder_set_member_name(b, "params");
	json_builder_begin_array(b);
	for (int i = 0; i < 4; i++) {
		snprintf(hex, sizeof(hex), "0x%" PRIX64, kd->bugcheck.param[i]);
		json_builder_add_string_value(b, hex);
	}
	json_builder_end_array(b);
	jb_bool(b, "boot_library", kd->bugcheck_boot);
	an_kd_bugcheck_str(kd, text, sizeof(text));
	jb_str(b, "text", text);
	json_builder_end_object(b);
}

/* "kd": the KD conversation's figures, null when there was none */
static void kd_json(JsonBuilder *b, const struct analysis *a,
		    const struct an_kd *kd)
{
	json_builder_set_member_name(b, "kd");
	if (!kd->packets && !kd->malformed) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	jb_int(b, "packets", kd->packets);
	jb_int(b, "retransmits", kd->retransmits);
	jb_int(b, "malformed", kd->malformed);
	jb_int(b, "state_changes", kd->state_changes);
	jb_int(b, "modules_loaded", kd->modules_loaded);
	jb_int(b, "modules_unloaded", kd->modules_unloaded);
	jb_int(b, "dbgprint_lines", kd->dbgprint_lines);
	jb_int(b, "breaks", kd->breaks);
	jb_int(b, "exceptions", kd->exceptions);
	jb_int(b, "file_opens", kd->file_opens);
	jb_int(b, "continues", kd->continues);
	kd_json_version(b, kd);
	kd_json_bugcheck(b, kd);
	jb_str(b, "waiting_on", kd->waiting ? kd->wait_what : NULL);
	jb_secs(b, "stalled_s", an_kd_waited_s(kd, analysis_end_ns(a)));
	json_builder_end_object(b);
}

static void target_json(JsonBuilder *b, const struct analysis *a,
			const struct an_target *t)
{
	uint64_t t0 = analysis_t0(a);
	struct an_metrics m;
	char ip[IP_STRLEN];

	an_metrics_compute(a, t, &m);
	json_builder_begin_object(b);
	jb_str(b, "mac", m.mac);
	json_builder_set_member_name(b, "debug_nic");
	json_builder_begin_object(b);
	jb_str(b, "mac", t->kdnet_sent ? m.mac : NULL);
	json_builder_end_object(b);
	jb_str(b, "outcome", an_outcome_name(m.outcome));
	jb_str(b, "why", m.why);
	jb_str(b, "address", m.address[0] ? m.address : NULL);
	jb_str(b, "address_source", m.address_source);
	jb_secs(b, "dhcp_phase_s", m.dhcp_phase_s);
	jb_int(b, "discover_count", m.discover_count);
	jb_secs(b, "first_kdnet_s", m.first_kdnet_s);
	json_builder_set_member_name(b, "first_kdnet_verified");
	json_builder_add_boolean_value(b, m.first_kdnet_verified);
	jb_secs(b, "connect_time_s", m.connect_s);
	jb_secs(b, "logo_hang_s", m.logo_hang_s);
	json_builder_set_member_name(b, "mid_session");
	json_builder_add_boolean_value(b, m.mid_session);
	jb_int(b, "sessions", t->sessions);
	jb_int(b, "reboots", t->reboots);
	jb_int(b, "acks_not_taken", t->acks_not_taken);
	json_builder_set_member_name(b, "debugger");
	if (t->kdnet_sent) {
		json_builder_begin_object(b);
		jb_str(b, "ip", ip_str(t->debugger_ip, ip));
		jb_int(b, "port", t->debugger_port);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_set_member_name(b, "kdnet");
	json_builder_begin_object(b);
	jb_int(b, "sent", t->kdnet_sent);
	jb_int(b, "received", t->kdnet_received);
	jb_int(b, "verified", t->kdnet_verified);
	jb_int(b, "failed", t->kdnet_failed);
	json_builder_end_object(b);
	kd_json(b, a, &t->kd);
	json_builder_set_member_name(b, "timeline");
	json_builder_begin_array(b);
	for (guint i = 0; i < t->events->len; i++) {
		const struct an_event *e = &g_array_index(t->events, struct an_event, i);

		json_builder_begin_object(b);
		jb_double(b, "t", rel_s(t0, e->t_ns));
		jb_str(b, "event", e->text);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	jb_int(b, "events_not_listed", t->events_dropped);
	json_builder_end_object(b);
}

static void report_json(const struct analysis *a, const char *file,
			const char *format, const char *warning)
{
	JsonBuilder *b = json_builder_new();
	uint64_t bad, dur, frames = analysis_frames(a, &bad, &dur);

	json_builder_begin_object(b);
	jb_str(b, "file", file);
	jb_str(b, "format", format);
	jb_int(b, "frames", (int64_t)frames);
	jb_int(b, "bad_frames", (int64_t)bad);
	jb_double(b, "duration_s", (double)dur / 1e9);
	jb_str(b, "t0", analysis_has_power_on(a) ? "power-on" : "first-frame");
	jb_int(b, "duplicates", (int64_t)analysis_duplicates(a));
	jb_str(b, "warning", warning);
	json_builder_set_member_name(b, "targets");
	json_builder_begin_array(b);
	for (size_t i = 0; i < analysis_n_targets(a); i++)
		target_json(b, a, analysis_target(a, i));
	json_builder_end_array(b);
	serial_json(b, a);
	json_builder_end_object(b);
	json_print(b, stdout);
	g_object_unref(b);
}

/**
 * analyze_report_text() - kdh analyze's text report: the capture, t0, then
 * each NIC's timeline and metrics and each serial link (kdh watch ends
 * with it too, so its summary is what kdh analyze says of its --pcap)
 * @out:	where
 * @a:		analysis fed a capture
 * @file:	its name, for the first line
 * @format:	"pcapng", "pcap", "live", ...
 * @has_key:	a key was given (else a note says what it cannot verify)
 */
void analyze_report_text(FILE *out, const struct analysis *a, const char *file,
			 const char *format, bool has_key)
{
	uint64_t bad, dur, frames = analysis_frames(a, &bad, &dur);

	fprintf(out, "%s (%s): %" PRIu64 " frame%s over %.3f s, %" PRIu64
		" with damaged headers\n", file, format, frames, frames == 1 ? "" :
		"s", (double)dur / 1e9, bad);
	fprintf(out, "t0 = %s\n", analysis_has_power_on(a) ? "the \"power on\" event"
		: "the first frame (no \"power on\" event in the capture)");
	if (analysis_duplicates(a))
		fprintf(out, "%" PRIu64 " of %" PRIu64 " frames are duplicates (the same "
			"bytes within 10 ms) -- captured twice, e.g. tcpdump -i any? "
			"Each is counted once (--keep-duplicates counts them all)\n",
			analysis_duplicates(a), frames);
	for (size_t i = 0; i < analysis_n_targets(a); i++)
		target_text(out, a, analysis_target(a, i), has_key);
	serial_text(out, a);
}

static int analyze_file(const struct cli_capture_args *args)
{
	const char *file = args->file;
	struct analysis *a;
	struct capfile *cf;
	struct cap_frame f;
	int rc;

	cf = cli_capture_open(&kdh_cmd_analyze, file);
	if (!cf)
		return KDH_EXIT_USAGE;
	a = analysis_new(args->key, args->port);
	if (!a) {
		capfile_close(cf);
		return cli_error(&kdh_cmd_analyze, KDH_EXIT_USAGE, "OpenSSL setup failed");
	}
	analysis_keep_duplicates(a, args->keep_duplicates);
	if (!args->has_key)
		analysis_keyless(a);
	while ((rc = capfile_next(cf, &f)) == 1)
		analysis_feed(a, &f);
	cli_capture_warn(&kdh_cmd_analyze, file, cf);
	if (args->json)
		report_json(a, file, capfile_format(cf), capfile_warning(cf));
	else
		analyze_report_text(stdout, a, file, capfile_format(cf),
				    args->has_key);
	if (rc < 0)
		rc = cli_error(&kdh_cmd_analyze, KDH_EXIT_USAGE, "%s: out of memory", file);
	else if (!analysis_n_targets(a) && !serial_count(a))
		rc = cli_error(&kdh_cmd_analyze, KDH_EXIT_FAIL, "no debuggee found in %s "
			       "(no DHCP client, RFC 3927 probe, KDNET packet or "
			       "serial link)", file);
	else if (!analysis_connected(a))
		rc = cli_error(&kdh_cmd_analyze, KDH_EXIT_FAIL, "no debuggee "
			       "connected in %s (the outcome says why)", file);
	else
		rc = KDH_EXIT_OK;
	analysis_free(a);
	capfile_close(cf);
	return rc;
}

static int analyze_main(int argc, char **argv)
{
	struct cli_capture_args args = { .key_optional = true, .can_keep = true };
	int rc = cli_capture_args_parse(&kdh_cmd_analyze, argc, argv, &args);

	if (rc)
		return rc == CLI_HELP_SHOWN ? KDH_EXIT_OK : rc;
	return analyze_file(&args);
}

const struct kdh_cmd kdh_cmd_analyze = {
	.name = "analyze",
	.summary = "timeline, KDNET metrics and KD conversation of each debuggee, "
		   "from a capture alone",
	.usage = "kdh analyze FILE [--key KEY] [--port N] [--json] [--keep-duplicates]",
	.run = analyze_main,
	.help =
"Reads a capture (pcap or pcapng, optionally .gz) and rebuilds, for every\n"
"NIC that acted as a client (DHCP, RFC 3927 169.254 probing, KDNET\n"
"announcements), what happened on the wire: DHCP DISCOVER/OFFER/REQUEST/ACK,\n"
"ARP, 169.254 probes and announcements, the first KDNET packet that\n"
"verifies with KEY, the debugger's reply and the connection; the KDNET\n"
"announcements the NIC kept sending between two timeline lines are one\n"
"line (\"then 426 announcements, one every 3.0 s, until 1286.3 s\").\n"
"Only frames and the harness events stored in the capture as packet\n"
"comments are used, so a tcpdump capture taken next to a real Windows VM\n"
"gives the same figures.\n"
"\n"
"Metrics (seconds; t0 is the first \"power on\" comment, else the first frame):\n"
"  dhcp_phase_s    first DHCPDISCOVER of the NIC until the DHCPACK whose\n"
"                  address it took (it sends from it, or DISCOVERs no more;\n"
"                  an ACK followed by DISCOVERs is \"not taken\"), or until\n"
"                  its first ARP probe for 169.254/16\n"
"  discover_count  DHCPDISCOVERs the NIC sent\n"
"  address         its address, and address_source where it came from:\n"
"                  dhcp, static, apipa\n"
"  first_kdnet_s   first KDNET packet from the NIC that verifies with KEY;\n"
"                  without KEY, or when none verifies, the first it sent,\n"
"                  said \"not verified\" (its outer header needs no key)\n"
"  connect_time_s  first data packet that verifies with the session key\n"
"  logo_hang_s     first frame of the NIC until its first KDNET packet\n"
"  outcome         connected, apipa-after-hang, key-mismatch (KEY fails\n"
"                  every KDNET packet), timeout, not-verified (no KEY given,\n"
"                  and only the key would tell connected, key-mismatch and\n"
"                  timeout apart) or no-kdnet-traffic, with one line of\n"
"                  explanation; the DHCP hang and APIPA need no key; a capture\n"
"                  started mid-session (no handshake; data both ways, or\n"
"                  announcements naming a bound debugger) is connected with\n"
"                  connect_time_s unknown; not when a control packet fails KEY\n"
"                  (control packets use it always): that is key-mismatch.\n"
"                  Once connected, the KD conversation decides: bugcheck\n"
"                  (the kernel's \"Fatal System Error\" text), break (at\n"
"                  the capture's end the guest has waited 3 s or more at a\n"
"                  breakpoint or assertion), stalled (it has waited as long\n"
"                  for a continue after a state change, or an answer to a\n"
"                  prompt or FILE_IO request; the why says whether the\n"
"                  debugger sent nothing, only ACKs, or requests)\n"
"The KD conversation (verified data packets after connecting; a packet\n"
"sent again counts once, a body that does not parse is counted apart):\n"
"  kd version      the first GetVersion reply: build, kernel base, and\n"
"                  whether winload's boot debugger or the kernel answers\n"
"  modules_loaded  load-symbols state changes (unloads apart)\n"
"  dbgprint_lines  DbgPrint packets\n"
"  breaks          breakpoint and assertion exceptions (a bugcheck's too)\n"
"  exceptions      other exceptions reported\n"
"  file_opens      FILE_IO CreateFile requests (.kdfiles)\n"
"  continues       continues the debugger sent\n"
"  bugcheck        the stop code and its 4 parameters, from the kernel's\n"
"                  text, or winload's boot library's \"Fatal Error\" (said,\n"
"                  not an outcome: the kernel never ran)\n"
"  waiting         at the capture's end: what the guest waits on, since\n"
"                  when, and what the debugger did meanwhile\n"
"Frames with the same bytes within 10 ms (tcpdump -i any sees a bridged\n"
"frame on the tap and on the bridge) are counted once, and said so.\n"
"\n"
"Serial links recorded by kdh (kdh run, kdh serial-link --capture): bytes,\n"
"KD packets, RESETs and break-ins each way, other text, and\n"
"serial_connect_time_s, the first RESET answered by a RESET or ACK from the\n"
"other side within 1 s.\n"
"\n"
"Options:\n"
"  --key KEY    the key of `bcdedit /dbgsettings` (w.x.y.z); without it no\n"
"               KDNET packet is verified (serial links need none)\n"
"  --port N     KDNET UDP port (default: any datagram starting with MDBG)\n"
"  --json       one JSON object with \"targets\": metrics and timeline per NIC,\n"
"               and \"kd\" (null without a KD conversation)\n"
"  --keep-duplicates  count every copy of a frame captured twice\n"
"\n"
"Exit status: the same rule for kdh analyze, kdh decode and kdh watch\n"
"--replay: 0 when a debuggee is connected at the capture's end (a NIC's\n"
"outcome is connected, or a serial link had a reset exchange); 1 when\n"
"none is: key-mismatch (KEY fails), not-verified (no KEY), a boot that\n"
"never connected, a guest stopped (bugcheck, break, stalled), or no\n"
"debuggee found; 2 for bad usage or an unreadable file.\n"
"\n"
"Example:\n"
"  kdh analyze tests/data/windbg-uncut.pcapng.gz --key 8.8.8.8\n",
};
