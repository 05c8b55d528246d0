// SPDX-License-Identifier: GPL-2.0-or-later
/* test_listen_replay.c - a real debuggee's first packets, replayed against
 * `kdh listen`: the endpoint must answer as WinDbg does
 *
 * The bundled capture's frames 1, 3 and 4 (announcement, first data
 * packet, KD_DEBUG_IO) are decrypted with its key, re-sealed with another
 * key and the session key kdh listen's reply gives, and sent to kdh listen
 * on 127.0.0.1.  WinDbg's first data packet in that capture is KD_RESEND
 * id 0 (frame 5); kdh's must be too.  Garbage sent among announcements is
 * skipped and counted by kind, and kdh listen goes on answering.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/capfile.h"
#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/pkt.h"

struct plain {
	uint8_t buf[2048];
	struct kdnet_packet p;
};

/* The UDP payloads of the capture's first @n frames */
static size_t udp_payloads(uint8_t (*out)[2048], size_t *len, size_t n)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	struct cap_frame f;
	struct frame_view v;
	size_t i = 0;

	cr_assert(cf, "%s", err);
	while (i < n && capfile_next(cf, &f) == 1) {
		cr_assert_eq(frame_parse(f.linktype, f.data, f.caplen, &v), 0);
		cr_assert_eq(v.kind, FRAME_UDP);
		memcpy(out[i], v.udp.payload, v.udp.len);
		len[i++] = v.udp.len;
	}
	capfile_close(cf);
	g_free(path);
	return i;
}

static void open_with(struct kdnet_cipher *c, const uint8_t *d, size_t len,
		      struct plain *pl)
{
	cr_assert_eq(kdnet_open(c, d, len, pl->buf, sizeof(pl->buf), &pl->p), 0);
}

static size_t recv_one(int s, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	n = recv(s, buf, cap, 0);
	return n > 0 ? (size_t)n : 0;
}

/* Replay against kdh listen (bound to 127.0.0.1, or to any address with
 * a pcap); return its exit status */
static int replay(bool bind_any, const char *pcap)
{
	static uint8_t frames[5][2048];
	size_t len[5];
	uint8_t k_orig[KDNET_KEY_LEN], k_new[KDNET_KEY_LEN], kd[KDNET_KEY_LEN];
	uint8_t out[2048], in[2048];
	struct kdnet_cipher *orig, *neu;
	struct plain ann, reply, d1, d2, got;
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned port = 40000 + (unsigned)getpid() % 9000;
	char port_s[8];
	struct kd_payload kp;
	size_t n = 0;
	GPid pid;
	int s, status;

	cr_assert_eq(udp_payloads(frames, len, 5), 5);
	kdnet_key_parse(REAL_KEY, k_orig, NULL, 0);
	kdnet_key_parse("1x2y3z.4a5b6c.7d8e9f.0g1h2i", k_new, NULL, 0);
	orig = kdnet_cipher_new(k_orig);
	neu = kdnet_cipher_new(k_new);
	open_with(orig, frames[0], len[0], &ann);
	open_with(orig, frames[1], len[1], &reply);
	cr_assert_eq(kdnet_data_key(k_orig, reply.p.payload, reply.p.payload_len, kd), 0);
	cr_assert_geq(kdnet_cipher_set_data_key(orig, kd), 0);
	open_with(orig, frames[2], len[2], &d1);
	open_with(orig, frames[3], len[3], &d2);

	snprintf(port_s, sizeof(port_s), "%u", port);
	{
		const char *argv[] = { getenv("KDH_BIN"), "listen", "--key",
			"1x2y3z.4a5b6c.7d8e9f.0g1h2i", "--port", port_s, "--for",
			"30s", bind_any ? "--pcap" : "--bind",
			bind_any ? pcap : "127.0.0.1", NULL };

		cr_assert(g_spawn_async(NULL, (char **)argv, NULL,
					G_SPAWN_DO_NOT_REAP_CHILD |
					G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid,
					NULL));
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* announce until kdh listen is up and replies (it binds at once) */
	for (int tries = 0; tries < 100 && !n; tries++) {
		int m = kdnet_seal(neu, &ann.p, out, sizeof(out));

		cr_assert_gt(m, 0);
		sendto(s, out, (size_t)m, 0, (struct sockaddr *)&to, sizeof(to));
		n = recv_one(s, in, sizeof(in), 100);
	}
	cr_assert_gt(n, 0, "kdh listen replied to the announcement");
	open_with(neu, in, n, &got);
	cr_assert(got.p.from_debugger && got.p.channel == KDNET_CH_CONTROL);
	cr_assert_eq(kdnet_data_key(k_new, got.p.payload, got.p.payload_len, kd), 0);
	cr_assert_geq(kdnet_cipher_set_data_key(neu, kd), 0);
	for (struct plain *d = &d1; d; d = d == &d1 ? &d2 : NULL) {
		int m = kdnet_seal(neu, &d->p, out, sizeof(out));

		sendto(s, out, (size_t)m, 0, (struct sockaddr *)&to, sizeof(to));
	}
	n = recv_one(s, in, sizeof(in), 5000);
	cr_assert_gt(n, 0, "kdh listen answered the debuggee's KD_DEBUG_IO");
	open_with(neu, in, n, &got);
	cr_assert_eq(got.p.channel, KDNET_CH_DATA);
	cr_assert_eq(kd_payload_parse(got.p.payload, got.p.payload_len, &kp), 0);
	cr_assert_eq(kp.pkt.type, KD_TYPE_RESEND, "WinDbg's frame 5: KD_RESEND");
	cr_assert_eq(kp.pkt.id, 0);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	close(s);
	kdnet_cipher_free(orig);
	kdnet_cipher_free(neu);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

Test(listen_replay, first_data_packet_is_kd_resend, .timeout = 60)
{
	cr_assert_eq(replay(false, NULL), 0, "connected, stopped cleanly");
}

/* Bound to any address, the pcap still names the real local address */
Test(listen_replay, pcap_records_the_local_address, .timeout = 60)
{
	char *pcap = test_tmpfile(".pcapng"), *out, *err;
	const char *argv[] = { getenv("KDH_BIN"), "decode", pcap, "--key",
		"1x2y3z.4a5b6c.7d8e9f.0g1h2i", NULL };

	cr_assert_eq(replay(true, pcap), 0);
	cr_assert_eq(test_run(argv, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "debugger->debuggee") && strstr(out, "127.0.0.1:"),
		  "%s", out);
	cr_assert_null(strstr(out, "0.0.0.0"), "%s", out);
	cr_assert(strstr(out, "KD_RESEND"), "%s", out);
	g_free(out); g_free(err);
	unlink(pcap);
	g_free(pcap);
}

Test(listen_replay, for_ends_without_a_debuggee, .timeout = 30)
{
	const char *argv[] = { getenv("KDH_BIN"), "listen", "--key", "1.2.3.4",
		"--port", "49999", "--bind", "127.0.0.1", "--for", "500ms", NULL };
	char *out, *err;

	cr_assert_eq(test_run(argv, &out, &err), 1, "%s", err);
	cr_assert(strstr(out, "kdh listen: no debuggee connected (0 announcements "
			 "heard: is the VM's hostip this machine, its port this "
			 "one?)"), "%s", out);
	g_free(out); g_free(err);
}

/* Sealed announcements until kdh listen answers one: it has read every
 * datagram sent before (one socket, in order, on loopback) */
static void announce_until_answered(int s, const struct sockaddr_in *to,
				    struct kdnet_cipher *c, const struct plain *ann)
{
	uint8_t out[2048], in[2048];
	size_t n = 0;

	for (int tries = 0; tries < 300 && !n; tries++) {
		int m = kdnet_seal(c, &ann->p, out, sizeof(out));

		cr_assert_gt(m, 0);
		sendto(s, out, (size_t)m, 0, (const struct sockaddr *)to, sizeof(*to));
		n = recv_one(s, in, sizeof(in), 100);
	}
	cr_assert_gt(n, 0, "kdh listen answered the announcement");
}

/* Garbage to a listening kdh: it is skipped and counted, kdh goes on
 * answering; returns what kdh listen printed */
static char *garbage(bool verbose)
{
	static uint8_t frames[1][2048], big[KDNET_MAX_DGRAM];
	static const uint8_t bad_len[] = "MDBG\x01\x01" "1234567";
	static const uint8_t bad_ch[38] = "MDBG\x01\x09";
	static const uint8_t bad_tag[38] = "MDBG\x01\x01";
	const struct { const void *d; size_t len; } g[] = {
		{ "", 0 }, { "hello", 5 }, { big, sizeof(big) },
		{ bad_len, sizeof(bad_len) - 1 }, { bad_ch, sizeof(bad_ch) },
		{ bad_tag, sizeof(bad_tag) },
	};
	unsigned port = 31000 + (unsigned)getpid() % 9000;
	struct sockaddr_in to = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint8_t k[KDNET_KEY_LEN];
	struct kdnet_cipher *orig, *neu;
	struct plain ann;
	char port_s[8], *out;
	size_t len[1];
	int s, fd, status;
	GPid pid;

	cr_assert_eq(udp_payloads(frames, len, 1), 1);
	kdnet_key_parse(REAL_KEY, k, NULL, 0);
	orig = kdnet_cipher_new(k);
	open_with(orig, frames[0], len[0], &ann);
	kdnet_key_parse("1.2.3.4", k, NULL, 0);
	neu = kdnet_cipher_new(k);
	memset(big, 'x', sizeof(big));
	snprintf(port_s, sizeof(port_s), "%u", port);
	{
		const char *argv[] = { getenv("KDH_BIN"), "listen", "--key",
			"1.2.3.4", "--port", port_s, "--bind", "127.0.0.1",
			verbose ? "-v" : NULL, NULL };

		cr_assert(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
			G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, &fd,
			NULL, NULL));
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	announce_until_answered(s, &to, neu, &ann);
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		cr_assert_eq(sendto(s, g[i].d, g[i].len, 0, (struct sockaddr *)&to,
				    sizeof(to)), (ssize_t)g[i].len, "datagram %zu", i);
	announce_until_answered(s, &to, neu, &ann);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status), "kdh listen ended by itself, not by a crash");
	out = g_malloc0(1 << 16);
	cr_assert_geq(read(fd, out, (1 << 16) - 1), 0);
	close(fd);
	close(s);
	kdnet_cipher_free(orig);
	kdnet_cipher_free(neu);
	return out;
}

static unsigned lines_with(const char *out, const char *needle)
{
	unsigned n = 0;

	for (const char *p = out; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Not KDNET (empty, text, 65507 bytes), a KDNET header of a wrong length
 * or channel, one that does not verify: each counted by kind at the end;
 * the first of a kind said once, -v says each */
Test(listen_replay, malformed_datagrams_are_counted, .timeout = 120)
{
	static const char total[] = "kdh listen: skipped 6 datagrams: 3 not KDNET "
		"(no \"MDBG\" magic), 2 a KDNET header with a wrong length or "
		"channel, 1 that did not verify with the key";
	char *out = garbage(false);

	cr_assert(strstr(out, total), "%s", out);
	cr_assert_eq(lines_with(out, "] skipped a datagram from 127.0.0.1:"), 2,
		     "the first of each kind: %s", out);
	cr_assert(strstr(out, "(5 bytes)") == NULL, "only the first: %s", out);
	g_free(out);
	out = garbage(true);
	cr_assert(strstr(out, total), "%s", out);
	cr_assert_eq(lines_with(out, "] skipped a datagram from 127.0.0.1:"), 5,
		     "-v: each: %s", out);
	cr_assert(strstr(out, "(65507 bytes): not KDNET"), "%s", out);
	g_free(out);
}
