// SPDX-License-Identifier: GPL-2.0-or-later
/* test_debugger.c - the debugger endpoint against the codec, and
 * `kdh listen` on a real loopback UDP socket */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "kdh/debugger/debugger.h"
#include "kdh/kdnet/kd.h"

#define KEY	"1x2y3z.4a5b6c.7d8e9f.0g1h2i"

struct peer {			/* plays the debuggee with the codec */
	struct kdnet_cipher *c;
	uint8_t key[32], nonce[32];
	uint8_t sent[2048], got[2048];
	size_t got_len;
	unsigned got_n;
	struct dbg_event ev[8];
	unsigned n_ev;
};

static void on_send(void *opaque, uint32_t ip, uint16_t port,
		    const uint8_t *d, size_t len)
{
	struct peer *p = opaque;

	memcpy(p->got, d, len);
	p->got_len = len;
	p->got_n++;
}

static void on_event(void *opaque, const struct dbg_event *ev)
{
	struct peer *p = opaque;

	p->ev[p->n_ev++] = *ev;
}

static const struct debugger_ops ops = { .send = on_send, .event = on_event };

static size_t seal(struct peer *p, uint8_t ch, uint32_t ctr, const uint8_t *pl,
		   size_t len)
{
	struct kdnet_packet k = { .version = 5, .channel = ch, .counter = ctr,
		.payload = pl, .payload_len = len };

	return (size_t)kdnet_seal(p->c, &k, p->sent, sizeof(p->sent));
}

static size_t announce(struct peer *p, uint8_t seq)
{
	struct kdnet_announce a = { .debuggee_ip = 0xc0a80248,
		.debuggee_port = 50000, .debugger_ip = 0xc0a80201,
		.debugger_port = 50000 };
	uint8_t body[KDNET_ANNOUNCE_LEN];

	p->nonce[0] = seq;
	memcpy(a.nonce, p->nonce, 32);
	kdnet_announce_build(&a, body);
	return seal(p, KDNET_CH_CONTROL, 3u * seq, body, sizeof(body));
}

/* Open the debugger's reply with K, check the echo, install Kd */
static void take_reply(struct peer *p)
{
	uint8_t plain[2048], kd[32];
	struct kdnet_packet k;
	struct kdnet_reply r;

	cr_assert_eq(kdnet_open(p->c, p->got, p->got_len, plain, sizeof(plain), &k), 0);
	cr_assert(k.from_debugger);
	cr_assert_eq(k.channel, KDNET_CH_CONTROL);
	cr_assert_eq(k.version, 5, "the reply copies the version byte");
	cr_assert_eq(k.pad, 6);
	cr_assert_eq(kdnet_reply_parse(k.payload, k.payload_len, &r), 0);
	cr_assert_arr_eq(r.debuggee_nonce, p->nonce, 32);
	cr_assert_eq(kdnet_data_key(p->key, k.payload, k.payload_len, kd), 0);
	kdnet_cipher_set_data_key(p->c, kd);
}

static struct debugger *setup(struct peer *p, struct ns_rng *rng, const char *dbg_key)
{
	uint8_t k[32];

	memset(p, 0, sizeof(*p));
	kdnet_key_parse(KEY, p->key, NULL, 0);
	p->c = kdnet_cipher_new(p->key);
	for (int i = 0; i < 32; i++)
		p->nonce[i] = (uint8_t)(i * 7);
	ns_rng_seed(rng, 9);
	kdnet_key_parse(dbg_key, k, NULL, 0);
	return debugger_new(k, rng, &ops, p);
}

Test(debugger, handshake_then_resend_then_ack)
{
	struct ns_rng rng;
	struct peer p;
	struct debugger *d = setup(&p, &rng, KEY);
	uint8_t first[12] = { 0 }, kd[64], plain[256];
	struct kdnet_packet k;
	struct kd_payload pl;
	uint64_t at;
	int n;

	debugger_input(d, 0xc0a80248, 50000, p.sent, announce(&p, 1), 100);
	cr_assert_eq(p.got_n, 1, "one reply");
	cr_assert_eq(p.ev[0].kind, DBG_EV_ANNOUNCE);
	take_reply(&p);
	debugger_input(d, 0xc0a80248, 50000, p.sent,
		       seal(&p, KDNET_CH_DATA, 1, first, 12), 200);
	cr_assert(debugger_connected(d, 0xc0a80248, 50000, &at));
	cr_assert_eq(at, 200);
	cr_assert_eq(p.ev[1].kind, DBG_EV_CONNECTED);
	cr_assert_eq(p.got_n, 1, "the first data packet gets no answer");
	n = kd_packet_build(KD_LEADER_DATA, KD_TYPE_DEBUG_IO, 0, (const uint8_t *)"hi",
			    2, 0, kd, sizeof(kd));
	debugger_input(d, 0xc0a80248, 50000, p.sent,
		       seal(&p, KDNET_CH_DATA, 2, kd, (size_t)n), 300);
	cr_assert_eq(p.got_n, 2);
	cr_assert_eq(kdnet_open(p.c, p.got, p.got_len, plain, sizeof(plain), &k), 0);
	cr_assert_eq(kd_payload_parse(k.payload, k.payload_len, &pl), 0);
	cr_assert_eq(pl.pkt.type, KD_TYPE_RESEND, "WinDbg's first data packet");
	cr_assert_eq(pl.pkt.leader, KD_LEADER_CONTROL);
	cr_assert_eq(pl.pkt.id, 0);
	/* the debuggee sends its print again: now it is acknowledged */
	debugger_input(d, 0xc0a80248, 50000, p.sent,
		       seal(&p, KDNET_CH_DATA, 3, kd, (size_t)n), 350);
	cr_assert_eq(p.got_n, 3);
	cr_assert_eq(kdnet_open(p.c, p.got, p.got_len, plain, sizeof(plain), &k), 0);
	cr_assert_eq(kd_payload_parse(k.payload, k.payload_len, &pl), 0);
	cr_assert_eq(pl.pkt.type, KD_TYPE_ACKNOWLEDGE);
	cr_assert_eq(pl.pkt.leader, KD_LEADER_CONTROL);
	cr_assert_eq(pl.pkt.id, 0);
	/* announcements go on during the session: no more replies */
	debugger_input(d, 0xc0a80248, 50000, p.sent, announce(&p, 2), 400);
	cr_assert_eq(p.got_n, 3);
	cr_assert_eq(debugger_stats(d)->connected, 1);
	debugger_free(d);
	kdnet_cipher_free(p.c);
}

Test(debugger, lost_reply_and_reboot_get_new_replies)
{
	struct ns_rng rng;
	struct peer p;
	struct debugger *d = setup(&p, &rng, KEY);
	uint8_t first[12] = { 0 };

	debugger_input(d, 1, 50000, p.sent, announce(&p, 1), 0);
	debugger_input(d, 1, 50000, p.sent, announce(&p, 2), 3);	/* lost */
	cr_assert_eq(p.got_n, 2, "not connected yet: answered again");
	take_reply(&p);
	debugger_input(d, 1, 50000, p.sent, seal(&p, KDNET_CH_DATA, 1, first, 12), 4);
	cr_assert(debugger_connected(d, 1, 50000, NULL));
	p.nonce[5] ^= 0xff;		/* a new boot: the fixed part changes */
	debugger_input(d, 1, 50000, p.sent, announce(&p, 1), 60);
	cr_assert_eq(p.got_n, 3, "rebooted debuggee gets a reply");
	cr_assert_not(debugger_connected(d, 1, 50000, NULL));
	debugger_free(d);
	kdnet_cipher_free(p.c);
}

Test(debugger, wrong_key_is_never_answered)
{
	struct ns_rng rng;
	struct peer p;
	struct debugger *d = setup(&p, &rng, "9.9.9.9");

	for (uint8_t i = 1; i <= 3; i++)
		debugger_input(d, 1, 50000, p.sent, announce(&p, i), i);
	cr_assert_eq(p.got_n, 0);
	cr_assert_eq(debugger_stats(d)->rejected, 3);
	cr_assert_eq(p.n_ev, 1, "one 'rejected' event per source");
	cr_assert_eq(p.ev[0].kind, DBG_EV_REJECTED);
	debugger_input(d, 1, 50000, (const uint8_t *)"garbage", 7, 9);
	cr_assert_eq(debugger_stats(d)->rejected, 4);
	debugger_free(d);
	kdnet_cipher_free(p.c);
}

/* kdh listen on 127.0.0.1: this test is the debuggee */
Test(debugger, kdh_listen_on_loopback, .timeout = 30)
{
	int port = 40000 + (getpid() % 20000);
	char port_s[8], *dir = g_dir_make_tmp("kdh-listen-XXXXXX", NULL);
	char *pcap = g_build_filename(dir, "l.pcapng", NULL);
	const char *argv[] = { getenv("KDH_BIN"), "listen", "--key", KEY, "--port",
		port_s, "--bind", "127.0.0.1", "--pcap", pcap, "--for", "3s", NULL };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct ns_rng rng;
	struct peer p;
	struct debugger *unused = setup(&p, &rng, KEY);
	uint8_t first[12] = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), out_fd, status;
	char buf[4096] = "";
	GPid pid;
	ssize_t n;

	snprintf(port_s, sizeof(port_s), "%d", port);
	cr_assert(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
		G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, &out_fd, NULL, NULL));
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(0x7f000001);
	for (int i = 0; i < 100; i++) {	/* until kdh listen is up */
		struct timeval tv = { 0, 50000 };

		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		sendto(s, p.sent, announce(&p, (uint8_t)(i + 1)), 0,
		       (struct sockaddr *)&to, sizeof(to));
		n = recv(s, p.got, sizeof(p.got), 0);
		if (n > 0) {
			p.got_len = (size_t)n;
			break;
		}
	}
	cr_assert_gt(p.got_len, 0, "kdh listen never replied");
	take_reply(&p);
	sendto(s, p.sent, seal(&p, KDNET_CH_DATA, 1, first, 12), 0,
	       (struct sockaddr *)&to, sizeof(to));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "exit %d: a debuggee connected", WEXITSTATUS(status));
	n = read(out_fd, buf, sizeof(buf) - 1);
	cr_assert(n > 0 && strstr(buf, "connected: 127.0.0.1:"), "%s", buf);
	cr_assert_eq(access(pcap, F_OK), 0, "capture written");
	close(out_fd);
	close(s);
	unlink(pcap);
	rmdir(dir);
	g_free(pcap);
	g_free(dir);
	debugger_free(unused);
	kdnet_cipher_free(p.c);
}
