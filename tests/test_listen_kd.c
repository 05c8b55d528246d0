// SPDX-License-Identifier: GPL-2.0-or-later
/* test_listen_kd.c - the real debuggee's requests, replayed against `kdh
 * listen`: it must answer each one as WinDbg did in the capture
 *
 * The bundled capture (winload's boot debugger, key 8.8.8.8) is decrypted;
 * its debuggee's requests - the load symbols of winload.efi, 33 FILE_IO
 * CreateFile requests, the DbgPrint lines, the break at a hard-coded int3
 * and the final unload-all - are re-sealed with another key and sent in
 * their order to kdh listen on 127.0.0.1.  The test plays the debuggee:
 * it acknowledges kdh's packets and answers kdh's manipulate requests with
 * the capture's own replies (GetVersion, GetContext, SetContext).  Each of
 * kdh's answers is compared with WinDbg's in the capture, field by field:
 * GetVersion (frame 10), the continue after load symbols (frame 234), the
 * 64 bytes of each FILE_IO answer, GetContext (384), the CONTEXT written
 * back with RIP + 1 (942), the continue after the break (950) and after
 * the unload-all (954).  WinDbg's stack garbage in unused fields is not
 * compared (kdh sends zeros there).
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
#include "kdh/kdnet/kd.h"
#include "kdh/kdnet/kd_api.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/capfile.h"
#include "netsim/pkt.h"

#define NEW_KEY		"1x2y3z.4a5b6c.7d8e9f.0g1h2i"
#define MAX_FRAMES	960

/* The capture, decrypted: each frame's KDNET payload and direction */
struct real {
	uint8_t payload[MAX_FRAMES + 1][1400];
	size_t len[MAX_FRAMES + 1];
	bool from_debugger[MAX_FRAMES + 1];
	size_t n;
	uint8_t ann[1400];		/* frame 1's plaintext announcement */
	struct kdnet_packet ann_p;
};

static void real_load(struct real *r)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	uint8_t k[KDNET_KEY_LEN], kd[KDNET_KEY_LEN], plain[2048];
	struct kdnet_cipher *c;
	struct cap_frame f;
	struct frame_view v;
	struct kdnet_packet p;

	cr_assert(cf, "%s", err);
	kdnet_key_parse(REAL_KEY, k, NULL, 0);
	c = kdnet_cipher_new(k);
	while (capfile_next(cf, &f) == 1 && r->n < MAX_FRAMES) {
		size_t i = ++r->n;

		cr_assert_eq(frame_parse(f.linktype, f.data, f.caplen, &v), 0);
		cr_assert_eq(kdnet_open(c, v.udp.payload, v.udp.len, plain,
					sizeof(plain), &p), 0, "frame %zu", i);
		cr_assert_leq(p.payload_len, sizeof(r->payload[i]));
		memcpy(r->payload[i], p.payload, p.payload_len);
		r->len[i] = p.payload_len;
		r->from_debugger[i] = p.from_debugger;
		if (i == 1) {
			memcpy(r->ann, p.payload, p.payload_len);
			r->ann_p = p;
			r->ann_p.payload = r->ann;
		}
		if (i == 2) {
			cr_assert_eq(kdnet_data_key(k, p.payload, p.payload_len,
						    kd), 0);
			cr_assert_geq(kdnet_cipher_set_data_key(c, kd), 0);
		}
	}
	capfile_close(cf);
	kdnet_cipher_free(c);
	g_free(path);
}

/* Frame @i's KD packet */
static struct kd_packet real_kd(const struct real *r, size_t i)
{
	struct kd_payload pl;

	cr_assert_eq(kd_payload_parse(r->payload[i], r->len[i], &pl), 0,
		     "frame %zu", i);
	cr_assert_eq(pl.kind, KD_PAYLOAD_PACKET, "frame %zu", i);
	return pl.pkt;
}

/* The debuggee's side of the conversation, toward kdh listen */
struct guest {
	int s;
	struct sockaddr_in to;
	struct kdnet_cipher *c;
	uint8_t version;
	uint32_t counter, id;
	uint8_t buf[2048], plain[2048];
};

static void guest_send(struct guest *g, uint8_t channel, const uint8_t *pl,
		       size_t len)
{
	struct kdnet_packet p = { .version = g->version, .channel = channel,
		.counter = ++g->counter, .payload = pl, .payload_len = len };
	int n = kdnet_seal(g->c, &p, g->buf, sizeof(g->buf));

	cr_assert_gt(n, 0);
	sendto(g->s, g->buf, (size_t)n, 0, (struct sockaddr *)&g->to,
	       sizeof(g->to));
}

/* A KD packet with the guest's next id (ACKs: @id) */
static void guest_kd(struct guest *g, uint32_t leader, uint16_t type,
		     uint32_t id, const uint8_t *body, uint16_t len)
{
	uint8_t pkt[1400];
	int n = kd_packet_build(leader, type, id, body, len, 0, pkt, sizeof(pkt));

	cr_assert_gt(n, 0);
	guest_send(g, KDNET_CH_DATA, pkt, (size_t)n);
}

static void guest_data(struct guest *g, uint16_t type, const uint8_t *body,
		       uint16_t len)
{
	guest_kd(g, KD_LEADER_DATA, type, g->id, body, len);
	g->id += 2;
}

/* kdh's next KD packet (RESEND and ACKs included); false: none in time */
static bool guest_recv(struct guest *g, struct kd_packet *k, uint8_t *keep,
		       int ms)
{
	struct pollfd pfd = { .fd = g->s, .events = POLLIN };
	struct kdnet_packet p;
	struct kd_payload pl;
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1 || (n = recv(g->s, g->buf, sizeof(g->buf),
						 0)) <= 0)
		return false;
	cr_assert_eq(kdnet_open(g->c, g->buf, (size_t)n, g->plain,
				sizeof(g->plain), &p), 0);
	if (p.channel != KDNET_CH_DATA)
		return guest_recv(g, k, keep, ms);	/* a late reply */
	cr_assert_eq(kd_payload_parse(p.payload, p.payload_len, &pl), 0);
	cr_assert_eq(pl.kind, KD_PAYLOAD_PACKET);
	memcpy(keep, pl.pkt.data, pl.pkt.count);
	*k = pl.pkt;
	k->data = keep;
	return true;
}

/* kdh's next data packet, acknowledged; its ACKs of ours skipped */
static struct kd_packet guest_next(struct guest *g, uint8_t *keep)
{
	struct kd_packet k;

	do
		cr_assert(guest_recv(g, &k, keep, 5000), "kdh listen answered");
	while (k.leader != KD_LEADER_DATA);
	guest_kd(g, KD_LEADER_CONTROL, KD_TYPE_ACKNOWLEDGE, k.id, NULL, 0);
	return k;
}

static void same_u32(const struct kd_packet *kdh, const struct kd_packet *wd,
		     size_t off, const char *what)
{
	cr_assert_eq(kd_le32(kdh->data + off), kd_le32(wd->data + off),
		     "%s: kdh 0x%x, WinDbg 0x%x", what, kd_le32(kdh->data + off),
		     kd_le32(wd->data + off));
}

/* A continue compared with WinDbg's: api, statuses, control set */
static void same_continue(const struct kd_packet *kdh, const struct kd_packet *wd)
{
	cr_assert_eq(kdh->type, KD_TYPE_STATE_MANIPULATE);
	same_u32(kdh, wd, 0, "ApiNumber");
	same_u32(kdh, wd, 8, "ReturnStatus");
	same_u32(kdh, wd, 16, "ContinueStatus");
	if (kd_le32(wd->data) == KD_API_CONTINUE2) {
		same_u32(kdh, wd, 20, "TraceFlag");
		cr_assert_eq(kd_le64(kdh->data + 24), kd_le64(wd->data + 24), "Dr7");
		cr_assert_eq(kd_le64(kdh->data + 32), kd_le64(wd->data + 32),
			     "CurrentSymbolStart");
		cr_assert_eq(kd_le64(kdh->data + 40), kd_le64(wd->data + 40),
			     "CurrentSymbolEnd");
	}
}

/* The capture's reply of the debuggee to API @api (for kdh's request) */
static void answer(struct guest *g, const struct real *r, size_t frame,
		   uint32_t api)
{
	struct kd_packet k = real_kd(r, frame);

	cr_assert_eq(kd_le32(k.data), api);
	guest_data(g, KD_TYPE_STATE_MANIPULATE, k.data, k.count);
}

/* Send the debuggee's request of frame @i; kdh's answer compared */
static void request(struct guest *g, const struct real *r, size_t i,
		    size_t *file_answers)
{
	struct kd_packet k = real_kd(r, i), got, wd;
	static uint8_t keep[2048];

	guest_data(g, k.type, k.data, k.count);
	if (k.type == KD_TYPE_FILE_IO) {
		got = guest_next(g, keep);
		cr_assert_eq(got.type, KD_TYPE_FILE_IO, "frame %zu", i);
		wd = real_kd(r, i + 2);		/* WinDbg's answer */
		cr_assert_eq(got.count, wd.count);
		cr_assert_eq(memcmp(got.data, wd.data, wd.count), 0,
			     "FILE_IO answer to frame %zu as WinDbg's", i);
		(*file_answers)++;
	}
}

static void load_symbols_then_continue(struct guest *g, const struct real *r)
{
	static uint8_t keep[2048];
	struct kd_packet k = real_kd(r, 8), got, wd = real_kd(r, 10);

	guest_data(g, k.type, k.data, k.count);
	got = guest_next(g, keep);		/* GetVersion, as frame 10 */
	cr_assert_eq(got.id, wd.id, "WinDbg's first id, 0x80000000");
	same_u32(&got, &wd, 0, "GetVersion ApiNumber");
	same_u32(&got, &wd, 4, "processor level and number");
	same_u32(&got, &wd, 8, "ReturnStatus (STATUS_PENDING)");
	answer(g, r, 12, KD_API_GET_VERSION);
	got = guest_next(g, keep);
	wd = real_kd(r, 234);
	same_continue(&got, &wd);
}

static void break_rip_plus_one(struct guest *g, const struct real *r)
{
	static uint8_t keep[2048];
	struct kd_packet k = real_kd(r, 378), got, wd = real_kd(r, 384);

	guest_data(g, k.type, k.data, k.count);
	got = guest_next(g, keep);		/* GetContext, as frame 384 */
	same_u32(&got, &wd, 0, "GetContext ApiNumber");
	same_u32(&got, &wd, 8, "ReturnStatus");
	same_u32(&got, &wd, 20, "the context's size");
	answer(g, r, 386, KD_API_GET_CONTEXT);
	got = guest_next(g, keep);		/* SetContext, as frame 942 */
	wd = real_kd(r, 942);
	same_u32(&got, &wd, 0, "SetContext ApiNumber");
	cr_assert_eq(got.count, wd.count);
	cr_assert_eq(kd_le64(got.data + KD_MANIP_LEN + KD_CONTEXT_RIP), 0x9cf07f);
	cr_assert_eq(memcmp(got.data + KD_MANIP_LEN, wd.data + KD_MANIP_LEN,
			    KD_CONTEXT_LEN), 0, "the CONTEXT as WinDbg wrote it");
	answer(g, r, 944, KD_API_SET_CONTEXT);
	got = guest_next(g, keep);
	wd = real_kd(r, 950);
	same_continue(&got, &wd);
	k = real_kd(r, 952);			/* unload all, then reboot */
	guest_data(g, k.type, k.data, k.count);
	got = guest_next(g, keep);
	wd = real_kd(r, 954);
	same_continue(&got, &wd);
}

static GPid listen_start(unsigned port, const char *kd_log, const char *out)
{
	char port_s[8], *argv0 = getenv("KDH_BIN");
	const char *argv[] = { "sh", "-c", "exec \"$0\" listen --key " NEW_KEY
		" --bind 127.0.0.1 --port \"$1\" --for 60s --kd-log \"$2\" >\"$3\"",
		argv0, port_s, kd_log, out, NULL };
	GPid pid;

	snprintf(port_s, sizeof(port_s), "%u", port);
	cr_assert(g_spawn_async(NULL, (char **)argv, NULL,
				G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
				NULL, NULL, &pid, NULL));
	return pid;
}

/* Announce until kdh listen replies; take the session key */
static void handshake(struct guest *g, const struct real *r, const uint8_t *k)
{
	uint8_t in[2048], plain[2048], kd[KDNET_KEY_LEN], keep[2048];
	struct kdnet_packet p, a = r->ann_p;
	struct kd_packet got;
	size_t n = 0;

	g->version = a.version;
	for (int tries = 0; tries < 100 && !n; tries++) {
		int m = kdnet_seal(g->c, &a, in, sizeof(in));
		struct pollfd pfd = { .fd = g->s, .events = POLLIN };

		sendto(g->s, in, (size_t)m, 0, (struct sockaddr *)&g->to,
		       sizeof(g->to));
		if (poll(&pfd, 1, 100) == 1)
			n = (size_t)recv(g->s, in, sizeof(in), 0);
	}
	cr_assert_gt(n, 0, "kdh listen replied to the announcement");
	cr_assert_eq(kdnet_open(g->c, in, n, plain, sizeof(plain), &p), 0);
	cr_assert_eq(kdnet_data_key(k, p.payload, p.payload_len, kd), 0);
	cr_assert_geq(kdnet_cipher_set_data_key(g->c, kd), 0);
	guest_send(g, KDNET_CH_DATA, r->payload[3], r->len[3]);
	request(g, r, 4, NULL);		/* "BD: Boot Debugger Initialized" */
	cr_assert(guest_recv(g, &got, keep, 5000));
	cr_assert_eq(got.type, KD_TYPE_RESEND, "WinDbg's frame 5");
	g->id = 0;
	request(g, r, 4, NULL);
}

Test(listen_kd, answers_the_real_debuggee_as_windbg, .timeout = 120)
{
	static struct real r;
	char *log = test_tmpfile(".log"), *out = test_tmpfile(".txt"), *text;
	unsigned port = 41000 + (unsigned)getpid() % 9000;
	uint8_t k[KDNET_KEY_LEN];
	struct guest g = { .to = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) } };
	size_t files = 0;
	GPid pid;
	int status;

	real_load(&r);
	cr_assert_eq(r.n, 955);
	kdnet_key_parse(NEW_KEY, k, NULL, 0);
	g.c = kdnet_cipher_new(k);
	g.s = socket(AF_INET, SOCK_DGRAM, 0);
	pid = listen_start(port, log, out);
	handshake(&g, &r, k);
	load_symbols_then_continue(&g, &r);
	for (size_t i = 235; i < 378; i++) {	/* files and prints */
		struct kd_payload pl;

		if (r.from_debugger[i] ||
		    kd_payload_parse(r.payload[i], r.len[i], &pl) ||
		    pl.kind != KD_PAYLOAD_PACKET ||
		    (pl.pkt.type != KD_TYPE_FILE_IO &&
		     pl.pkt.type != KD_TYPE_DEBUG_IO))
			continue;
		request(&g, &r, i, &files);
	}
	cr_assert_eq(files, 33, "every CreateFile answered as WinDbg did");
	break_rip_plus_one(&g, &r);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 1, "the boot failed: winload's fatal error");
	cr_assert(g_file_get_contents(out, &text, NULL, NULL));
	cr_assert(strstr(text, "BOOT FAILED (winload's boot library gave up "
			 "before the kernel ran): 0x00000001 (0x1, "
			 "0xFFFFF8017BC91A70, 0xFFFFF8017BC94540, "
			 "0xFFFFFFFFC0430007)"), "%s", text);
	cr_assert(strstr(text, "Windows build 10586 (boot debugger, kernel base "
			 "0x96f000), 1 module loaded"), "%s", text);
	g_free(text);
	cr_assert(g_file_get_contents(log, &text, NULL, NULL));
	cr_assert(strstr(text, "load symbols winload.efi at 0x96f000 size "
			 "0x17d000"), "%s", text);
	cr_assert(strstr(text, "CreateFile \\Windows\\system32\\hal.chk"));
	cr_assert(strstr(text, "break: STATUS_BREAKPOINT at 0x9cf07e (int3)"));
	cr_assert(strstr(text, "unload all symbols"));
	g_free(text);
	close(g.s);
	kdnet_cipher_free(g.c);
	unlink(log);
	unlink(out);
	g_free(log);
	g_free(out);
}
