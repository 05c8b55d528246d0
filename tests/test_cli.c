// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cli.c - the kdh command line as a user runs it: outputs, JSON,
 * messages and exit statuses */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static const char *kdh(void)
{
	const char *bin = getenv("KDH_BIN");

	cr_assert(bin, "KDH_BIN is not set (run under meson test)");
	return bin;
}

static int run(char **out, char **err, const char *a1, const char *a2,
	       const char *a3, const char *a4, const char *a5, const char *a6)
{
	const char *argv[] = { kdh(), a1, a2, a3, a4, a5, a6, NULL };

	return test_run(argv, out, err);
}

static JsonObject *parse_json(const char *text, JsonParser **p)
{
	GError *e = NULL;

	*p = json_parser_new();
	cr_assert(json_parser_load_from_data(*p, text, -1, &e), "bad JSON: %s",
		  e ? e->message : "");
	return json_node_get_object(json_parser_get_root(*p));
}

Test(cli, help_and_version)
{
	char *out, *err;

	cr_assert_eq(run(&out, &err, "--help", NULL, NULL, NULL, NULL, NULL), 0);
	cr_assert(strstr(out, "decode") && strstr(out, "analyze") && strstr(out, "bench"));
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "--version", NULL, NULL, NULL, NULL, NULL), 0);
	cr_assert(g_str_has_prefix(out, "kdh "));
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "help", "decode", NULL, NULL, NULL, NULL), 0);
	cr_assert(strstr(out, "usage: kdh decode FILE --key KEY"));
	cr_assert(strstr(out, "Exit status"));
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "help", "nosuch", NULL, NULL, NULL, NULL), 2);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "frobnicate", NULL, NULL, NULL, NULL, NULL), 2);
	cr_assert(strstr(err, "no command 'frobnicate'"));
	g_free(out); g_free(err);
}

Test(cli, decode_real_capture_json)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;
	JsonParser *p;
	JsonObject *o, *bt;

	cr_assert_eq(run(&out, &err, "decode", path, "--key", REAL_KEY, "--json",
			 NULL), 0, "%s", err);
	o = parse_json(out, &p);
	cr_assert_eq(json_object_get_int_member(o, "packets"), 955);
	cr_assert_eq(json_object_get_int_member(o, "verified"), 955);
	cr_assert_eq(json_object_get_int_member(o, "failed"), 0);
	cr_assert_eq(json_object_get_int_member(o, "control"), 428);
	cr_assert_eq(json_object_get_int_member(o, "data"), 527);
	bt = json_object_get_object_member(o, "by_type");
	cr_assert_eq(json_object_get_int_member(bt, "KD_STATE_MANIPULATE"), 187);
	cr_assert_eq(json_object_get_int_member(bt, "KD_DEBUG_IO"), 7);
	cr_assert_eq(json_object_get_int_member(bt, "KD_ACKNOWLEDGE"), 259);
	cr_assert_eq(json_object_get_int_member(bt, "KD_RESEND"), 2);
	cr_assert_eq(json_object_get_int_member(bt, "KD_RESET"), 2);
	cr_assert_eq(json_object_get_int_member(bt, "KD_STATE_CHANGE64"), 3);
	cr_assert_eq(json_object_get_int_member(bt, "KD_FILE_IO"), 66);
	cr_assert_eq(json_object_get_int_member(bt, "NO_KD_PACKET"), 1);
	cr_assert_eq(json_array_get_length(json_object_get_array_member(o, "records")),
		     955);
	g_object_unref(p);
	g_free(out); g_free(err); g_free(path);
}

Test(cli, decode_text_lines_and_port_filter)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;

	cr_assert_eq(run(&out, &err, "decode", path, "--key", REAL_KEY, "--port",
			 "51111"), 0);
	cr_assert(strstr(out, "debuggee->debugger"));
	cr_assert(strstr(out, "reply (new session key)"));
	cr_assert(strstr(out, "955 KDNET packets in 955 frames: 955 verified"));
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "decode", path, "--key", REAL_KEY, "--port",
			 "50000"), 1);
	cr_assert(strstr(err, "no KDNET packet in"));
	g_free(out); g_free(err); g_free(path);
}

Test(cli, decode_wrong_key_exit_1)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;

	cr_assert_eq(run(&out, &err, "decode", path, "--key", "1.2.3.4", NULL,
			 NULL), 1);
	cr_assert(strstr(err, "no KDNET packet verified with this key"), "%s", err);
	g_free(out); g_free(err); g_free(path);
}

Test(cli, bad_input_exit_2)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;

	cr_assert_eq(run(&out, &err, "decode", "/nonexistent.pcap", "--key",
			 REAL_KEY, NULL, NULL), 2);
	cr_assert(strstr(err, "/nonexistent.pcap: No such file or directory"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "decode", path, "--key", "1.2..4", NULL, NULL), 2);
	cr_assert(strstr(err, "bad key '1.2..4': word 3 is empty"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "decode", path, NULL, NULL, NULL, NULL), 2);
	cr_assert(strstr(err, "--key KEY is required"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "analyze", path, "--key", REAL_KEY, "--port",
			 "99999"), 2);
	cr_assert(strstr(err, "is not a port"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "decode", "/etc/hostname", "--key", REAL_KEY,
			 NULL, NULL), 2);
	g_free(out); g_free(err); g_free(path);
}

Test(cli, decode_truncated_file_warns)
{
	char *path = test_data_path(REAL_CAPTURE), *tmp = test_tmpfile(".pcapng");
	char *out, *err;
	size_t len;
	uint8_t *buf = test_gunzip_file(path, &len);

	cr_assert(g_file_set_contents(tmp, (const char *)buf, (gssize)(len * 2 / 3), NULL));
	/* cut while the guest waits at its break: no debuggee connected, 1 */
	cr_assert_eq(run(&out, &err, "decode", tmp, "--key", REAL_KEY, NULL, NULL), 1);
	cr_assert(strstr(err, "warning:") && strstr(err, "truncated"), "%s", err);
	g_free(out); g_free(err);
	remove(tmp);
	free(buf);
	g_free(tmp); g_free(path);
}

Test(cli, analyze_real_capture)
{
	char *path = test_data_path(REAL_CAPTURE), *out, *err;
	JsonParser *p;
	JsonObject *o, *t;

	cr_assert_eq(run(&out, &err, "analyze", path, "--key", REAL_KEY, NULL,
			 NULL), 0, "%s", err);
	cr_assert(strstr(out, "connect_time_s   0.002481"), "%s", out);
	cr_assert(strstr(out, "outcome          connected"));
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "analyze", path, "--key", REAL_KEY, "--json",
			 NULL), 0);
	o = parse_json(out, &p);
	cr_assert_str_eq(json_object_get_string_member(o, "t0"), "first-frame");
	t = json_array_get_object_element(json_object_get_array_member(o, "targets"), 0);
	cr_assert_str_eq(json_object_get_string_member(t, "outcome"), "connected");
	cr_assert_str_eq(json_object_get_string_member(t, "address_source"), "static");
	cr_assert_str_eq(json_object_get_string_member(
		json_object_get_object_member(t, "debug_nic"), "mac"), "80:fa:5b:23:29:23");
	cr_assert_float_eq(json_object_get_double_member(t, "connect_time_s"), 0.002481, 1e-6);
	cr_assert(json_object_get_null_member(t, "dhcp_phase_s"));
	g_object_unref(p);
	g_free(out); g_free(err); g_free(path);
}

Test(cli, bench_runs)
{
	char *out, *err;

	cr_assert_eq(run(&out, &err, "bench", "decode", "--rounds", "1",
			 "--passes", "10"), 0, "%s", err);
	cr_assert(strstr(out, "ratio kdh/openssl throughput"));
	g_free(out); g_free(err);
}

/* kdh serial-link --tcp's relay: a unix end to a tcp-listen: end on
 * 127.0.0.1, against a loopback TCP connection (the figures are not
 * judged: a loaded machine may be slow) */
Test(cli, bench_relay_tcp_runs, .timeout = 120)
{
	char *out, *err;

	cr_assert_eq(run(&out, &err, "bench", "relay", "--tcp", "--rounds", "1",
			 NULL), 0, "%s", err);
	cr_assert(strstr(out, "relay --tcp (unix end to a tcp-listen: end on "
			 "127.0.0.1)"), "%s", out);
	cr_assert(strstr(out, "tcp pair") && strstr(out, "added per direction"),
		  "%s", out);
	g_free(out); g_free(err);
}

Test(cli, net_usage_errors)
{
	char *out, *err;

	cr_assert_eq(run(&out, &err, "net", "--dhcp", "--static", "--socket",
			 "/tmp/x.sock", NULL), 2);
	cr_assert(strstr(err, "give one of --dhcp and --static"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "net", "--dhcp", NULL, NULL, NULL, NULL), 2);
	cr_assert(strstr(err, "--socket PATH is required"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "net", "--static", "--socket", "/tmp/x.sock",
			 "--subnet", "10.0.0.0"), 2);
	cr_assert(strstr(err, "is not a subnet"), "%s", err);
	g_free(out); g_free(err);
	cr_assert_eq(run(&out, &err, "net", "--static", "--socket", "/tmp/x.sock",
			 "--for", "10"), 2);
	cr_assert(strstr(err, "not a duration"), "%s", err);
	g_free(out); g_free(err);
}

/* SIGTERM: kdh net stops, completes the capture and removes its socket */
Test(cli, net_stops_cleanly_on_sigterm)
{
	char *dir = g_dir_make_tmp("kdh-net-XXXXXX", NULL);
	char *sock = g_build_filename(dir, "s.sock", NULL);
	char *pcap = g_build_filename(dir, "c.pcapng", NULL);
	char *partial = g_strconcat(pcap, ".partial", NULL);
	const char *argv[] = { kdh(), "net", "--static", "--socket", sock,
		"--pcap", pcap, "--seed", "5", NULL };
	GPid pid;
	int status, out_fd;
	char buf[4096] = "";

	cr_assert(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
		G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, &out_fd, NULL,
		NULL));
	for (int i = 0; i < 500 && access(sock, F_OK); i++)
		g_usleep(10000);
	cr_assert_eq(access(sock, F_OK), 0);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	cr_assert_gt(read(out_fd, buf, sizeof(buf) - 1), 0);
	cr_assert(strstr(buf, "seed 5"), "%s", buf);
	cr_assert(strstr(buf, "-netdev stream,id=net0,server=off,addr.type=unix"));
	cr_assert_eq(access(pcap, F_OK), 0, "capture in place");
	cr_assert_neq(access(partial, F_OK), 0, "no .partial left");
	cr_assert_neq(access(sock, F_OK), 0, "socket removed");
	close(out_fd);
	unlink(pcap);
	rmdir(dir);
	g_free(partial); g_free(pcap); g_free(sock); g_free(dir);
}

/* Command-line values are read as strictly as files: exit 2, one line
 * that says what is wrong, nothing run */
static const struct { const char *argv[8]; const char *says; } bad_values[] = {
	{ { "listen", "--key", "1.2.3.4", "--for", "0s" },
	  "kdh listen: --for: '0s' is not a duration longer than 0s" },
	{ { "listen", "--key", "1.2.3.4", "--port", " 5" },
	  "kdh listen: --port: ' 5' is not a port" },
	{ { "listen", "--key", "1.2.3.4", "--port", "-50000" },
	  "kdh listen: --port: '-50000' is not a port" },
	{ { "serial-link", "a", "b", "--for", "0s" },
	  "kdh serial-link: --for: '0s' is not a duration longer than 0s" },
	{ { "run", "--seed", "-1" }, "kdh run: --seed: '-1' is not a number" },
	{ { "run", "--seed", "0x" }, "kdh run: --seed: '0x' is not a number" },
	{ { "run", "--seed", "18446744073709551616" },
	  "kdh run: --seed: '18446744073709551616' is not a number" },
	{ { "run", "-j", "0" }, "kdh run: -j: '0' is not 1-64" },
	{ { "run", "-j", " 5" }, "kdh run: -j: ' 5' is not 1-64" },
	/* sscanf("%u") wrapped 4294967297 to 1; strtoul() took blanks, '+' */
	{ { "run", "--shard", "1/4294967297" }, "kdh run: --shard: '1/4294967297' "
	  "is not K/N" },
	{ { "list", "--shard", " 1/2" }, "kdh list: --shard: ' 1/2' is not K/N" },
	{ { "bench", "--rounds", "+5" }, "kdh bench: '+5' is not a count" },
	{ { "bench", "sim", "--tcp" }, "kdh bench: --tcp is relay's: kdh bench "
	  "relay --tcp" },
	/* durations: duration.c's grammar, ceiling and words, as in files */
	{ { "run", "--max-wall", "1e9s" }, "kdh run: --max-wall: '1e9s' is not a "
	  "duration: 'e9s' is not a unit (h, m, s, ms, us, ns)\n" },
	{ { "run", "--max-wall", "2562048h" }, "kdh run: --max-wall: '2562048h' is "
	  "too long: at most 292 years (2562047h)\n" },
	{ { "run", "--max-wall", "1m1m" }, "kdh run: --max-wall: '1m1m' is not a "
	  "duration: unit m twice\n" },
	{ { "listen", "--key", "1.2.3.4", "--for", "99999999999999999999s" },
	  "kdh listen: --for: '99999999999999999999s' is too long: at most 292 "
	  "years (2562047h)\n" },
	{ { "listen", "--key", "1.2.3.4", "--for", "1e9s" }, "kdh listen: --for: "
	  "'1e9s' is not a duration: 'e9s' is not a unit" },
	{ { "net", "--for", "30s1m" }, "kdh net: --for: '30s1m' is not a duration: "
	  "m after s: units go from the largest down (1h30m, 1m30s)\n" },
	{ { "serial-link", "a", "b", "--for", "2562047h60m" }, "kdh serial-link: "
	  "--for: '2562047h60m' is too long: at most 292 years" },
	{ { "qemu-cmd", "--vmid", "-5", "x.conf" },
	  "kdh qemu-cmd: --vmid: '-5' is not a VM id (1-999999999)" },
	{ { "qemu-cmd", "--vmid", "4294967296", "x.conf" },
	  "kdh qemu-cmd: --vmid: '4294967296' is not a VM id (1-999999999)" },
	{ { "check", "x.conf", "--windows", "11" },
	  "kdh check: --windows: '11' is not a Windows build (a build like 19045, "
	  "10.0.19045.5247 as ver prints it, 22H2 as winver shows it, or "
	  "win10-22h2, win11-24h2, ws2022, ...)" },
	{ { "check", "x.conf", "--windows", "10.0.19045.5247.1" },
	  "kdh check: --windows: '10.0.19045.5247.1' is not a Windows build" },
	{ { "check", "x.conf", "--windows", "22H3" },
	  "kdh check: --windows: '22H3' is not a Windows build" },
	{ { "check", "x.conf", "--network", "nat" },
	  "kdh check: --network: 'nat' is not static or dhcp" },
	{ { "check", "/dev/null" }, "kdh check: /dev/null: no 'key: value' line: "
	  "not a Proxmox VM config (/etc/pve/qemu-server/VMID.conf)" },
};

Test(cli, bad_values_exit_2_with_one_line)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(*bad_values); i++) {
		const char *argv[10] = { kdh() };
		char *out, *err;

		for (int j = 0; bad_values[i].argv[j]; j++)
			argv[j + 1] = bad_values[i].argv[j];
		cr_assert_eq(test_run(argv, &out, &err), 2, "%s: %s", bad_values[i].says,
			     err);
		cr_assert(g_str_has_prefix(err, bad_values[i].says), "%s", err);
		g_free(out);
		g_free(err);
	}
}

/* A typo gets a suggestion, and one message */
Test(cli, typos_get_did_you_mean)
{
	static const struct { const char *argv[4]; const char *says; } cases[] = {
		{ { "rnu" }, "kdh: no command 'rnu' (did you mean 'run'?); see 'kdh --help'\n" },
		{ { "analyse", "x" }, "kdh: no command 'analyse' (did you mean 'analyze'?)" },
		{ { "help", "chek" }, "kdh help: no command 'chek' (did you mean 'check'?)" },
		{ { "run", "--jsno", "x" }, "kdh run: unknown option '--jsno' (did you mean '--json'?)\n" },
		{ { "decode", "x", "--kye" }, "kdh decode: unknown option '--kye' (did you mean '--key'?)" },
		{ { "run", "--seed" }, "kdh run: option '--seed' needs a value" },
		{ { "run", "--frobnicate" }, "kdh run: unknown option '--frobnicate'\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *argv[6] = { kdh() };
		char *out, *err;

		for (int j = 0; cases[i].argv[j]; j++)
			argv[j + 1] = cases[i].argv[j];
		cr_assert_eq(test_run(argv, &out, &err), 2, "%s", cases[i].says);
		cr_assert(g_str_has_prefix(err, cases[i].says), "%s", err);
		cr_assert_null(strstr(err, "unrecognized"), "getopt's own message: %s", err);
		g_free(out);
		g_free(err);
	}
}

Test(cli, help_help)
{
	char *out, *err;

	cr_assert_eq(run(&out, &err, "help", "help", NULL, NULL, NULL, NULL), 0);
	cr_assert(strstr(out, "usage: kdh help COMMAND"), "%s", out);
	g_free(out); g_free(err);
}

/* Habits: singular where it is one, a run directory for baseline update,
 * serial-link saying a socket is not there yet */
Test(cli, one_scenario_baseline_from_a_run_dir_serial_link_waits, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-habits-XXXXXX", NULL), *out, *err, *run;
	char *sc = test_data_path("../../scenarios/seed-dhcp-off.kdh");
	char *base = g_build_filename(dir, "base.json", NULL);
	char *sock = g_build_filename(dir, "100.serial0", NULL);
	char *lsn = g_strdup_printf("listen:%s/l.sock", dir);
	const char *r[] = { kdh(), "run", sc, "--results", dir, "--seed", "1", NULL };
	const char *bl[] = { kdh(), "baseline", "update", NULL, base, NULL };
	const char *sl[] = { kdh(), "serial-link", sock, lsn, "--for", "300ms", NULL };
	GDir *d;
	const char *name;

	cr_assert_eq(test_run(r, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "kdh run: 1 scenario, seed 1,"), "%s", out);
	cr_assert(strstr(out, "\n1 scenario: 1 passed, 0 failed, 0 skipped, 0 errors;"),
		  "%s", out);
	g_free(out); g_free(err);
	d = g_dir_open(dir, 0, NULL);
	while ((name = g_dir_read_name(d)) && strncmp(name, "run-", 4))
		;
	run = g_build_filename(dir, name, NULL);
	g_dir_close(d);
	bl[3] = run;
	cr_assert_eq(test_run(bl, &out, &err), 0, "%s", err);
	cr_assert(g_file_test(base, G_FILE_TEST_EXISTS));
	g_free(out); g_free(err);
	cr_assert_eq(test_run(sl, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "A: ") && strstr(out, "does not exist yet"), "%s", out);
	g_free(out); g_free(err);
	test_rmtree(dir);
	g_free(dir); g_free(sc); g_free(base); g_free(sock); g_free(lsn); g_free(run);
}

/* json-glib writes gint64: a seed above 2^63 came out negative.  Every
 * seed is printed unsigned (console, summary.json, result.json, --json)
 * and read back as written (kdh report); 0 and 0x-hex are seeds in a
 * scenario file as on the command line. */
Test(cli, seeds_are_unsigned_everywhere, .timeout = 60)
{
	char *dir = g_dir_make_tmp("kdh-seed-XXXXXX", NULL);
	char *sc = g_build_filename(dir, "big.kdh", NULL);
	char *zero = g_build_filename(dir, "zero.kdh", NULL);
	char *res = g_build_filename(dir, "R", NULL), *out, *err, *rundir;
	static const char body[] =
		"[network lan]\ntype = static\n[vm w]\n"
		"net0: e1000=BC:24:11:00:00:01,bridge=lan\n";
	const char *argv[] = { kdh(), "run", sc, zero, "--seed",
		"0xffffffffffffffff", "--results", res, "--json", "-", NULL };
	const char *rep[] = { kdh(), "report", NULL, NULL };
	GDir *d;
	char *text = g_strconcat("[scenario]\nseed = 18446744073709551615\n"
				 "timeout = 30s\n", body, NULL);

	cr_assert(g_file_set_contents(sc, text, -1, NULL));
	g_free(text);
	text = g_strconcat("[scenario]\nseed = 0\ntimeout = 30s\n", body, NULL);
	cr_assert(g_file_set_contents(zero, text, -1, NULL));
	g_free(text);
	test_run(argv, &out, &err);
	cr_assert(strstr(out, "\"seed\" : 18446744073709551615,"), "%s", out);
	cr_assert(strstr(out, "\"seed\" : 0,"), "the file's seed 0: %s", out);
	cr_assert_null(strstr(out, "\"seed\" : -"), "%s", out);
	g_free(out); g_free(err);
	d = g_dir_open(res, 0, NULL);
	cr_assert(d);
	rundir = g_build_filename(res, g_dir_read_name(d), NULL);
	g_dir_close(d);
	rep[2] = rundir;
	test_run(rep, &out, &err);
	cr_assert(strstr(out, "seed 18446744073709551615"), "%s%s", out, err);
	g_free(out); g_free(err);
	text = g_build_filename(rundir, "big", "result.json", NULL);
	cr_assert(g_file_get_contents(text, &out, NULL, NULL));
	g_free(text);
	cr_assert(strstr(out, "\"seed\" : 18446744073709551615,"), "%s", out);
	g_free(out);
	test_rmtree(dir);
	g_free(rundir); g_free(res); g_free(zero); g_free(sc); g_free(dir);
}
