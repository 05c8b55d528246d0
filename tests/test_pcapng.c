// SPDX-License-Identifier: GPL-2.0-or-later
/* test_pcapng.c - the pcapng writer: read back by kdh and opened by tshark */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "netsim/capfile.h"
#include "netsim/pcapng.h"

static void drop(void *opaque, const uint8_t *frame, size_t len) { }

static const struct ns_port_ops drop_ops = { .deliver = drop };

/* Two ports, a frame each way, an event: 3 records, 3 interfaces */
static char *write_sample(void)
{
	char *path = test_tmpfile(".pcapng"), err[128];
	struct ns_loop *l = ns_loop_new(NS_CLOCK_VIRTUAL, 1);
	struct ns_switch *sw = ns_switch_new(l, "vmbr0");
	struct ns_port *a = ns_port_new(sw, "net0", &drop_ops, NULL);
	struct ns_port *b = ns_port_new(sw, "host", &drop_ops, NULL);
	struct ns_pcapng *w = ns_pcapng_open(path, err, sizeof(err));
	uint8_t f[61];

	unlink(path);			/* test_tmpfile() made it */
	cr_assert(w, "%s", err);
	cr_assert_eq(ns_pcapng_attach(w, sw), 0);
	cr_assert_eq(ns_pcapng_event(w, 0, "power on vm100 net0=bc:24:11:00:00:01"), 0);
	memset(f, 0xff, 6);
	memset(f + 6, 0xbc, 6);
	f[12] = 0x88;
	f[13] = 0xb5;			/* local experimental ethertype */
	ns_port_input(a, f, sizeof(f));	/* odd length: padding is tested */
	f[11] = 1;
	ns_port_input(b, f, 60);
	cr_assert_eq(access(path, F_OK), -1, "only .partial until closed");
	cr_assert_eq(ns_pcapng_close(w), 0);
	cr_assert_eq(access(path, F_OK), 0);
	ns_switch_free(sw);
	ns_loop_free(l);
	return path;
}

Test(pcapng, reads_back_with_comment_and_interfaces)
{
	char *path = write_sample(), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	struct cap_frame f;

	cr_assert(cf, "%s", err);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_str_eq(f.comment, "power on vm100 net0=bc:24:11:00:00:01");
	cr_assert_eq(f.caplen, 0);
	cr_assert_eq(f.ts_ns, 0);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_eq(f.caplen, 61);
	cr_assert_eq(f.linktype, LINKTYPE_ETHERNET);
	cr_assert_null(f.comment);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_eq(f.caplen, 60);
	cr_assert_eq(capfile_next(cf, &f), 0);
	cr_assert_null(capfile_warning(cf));
	capfile_close(cf);
	unlink(path);
	g_free(path);
}

Test(pcapng, tshark_opens_it)
{
	char *path = write_sample(), *out = NULL, *err = NULL;
	const char *argv[] = { "tshark", "-r", path, "-T", "fields", "-e",
		"frame.interface_name", "-e", "frame.len", "-e", "frame.comment",
		NULL };
	gchar **lines;

	cr_assert_eq(test_run(argv, &out, &err), 0, "tshark: %s", err);
	lines = g_strsplit(g_strchomp(out), "\n", -1);
	cr_assert_eq(g_strv_length(lines), 3, "%s", out);
	cr_assert_str_eq(lines[0], "kdh-events\t0\tpower on vm100 net0=bc:24:11:00:00:01");
	cr_assert_str_eq(lines[1], "vmbr0/net0\t61\t");
	cr_assert_str_eq(lines[2], "vmbr0/host\t60");	/* g_strchomp ate the tab */
	g_strfreev(lines);
	g_free(out);
	g_free(err);
	unlink(path);
	g_free(path);
}

Test(pcapng, unwritable_path_is_an_error)
{
	char err[256];

	cr_assert_null(ns_pcapng_open("/nonexistent/dir/x.pcapng", err, sizeof(err)));
	cr_assert(strstr(err, "No such file or directory"), "%s", err);
}

static void on_full(void *opaque)
{
	(*(int *)opaque)++;
}

/* Past the limit packets are dropped whole: the file ends on a block */
Test(pcapng, a_size_limit_keeps_a_readable_capture)
{
	char *path = test_tmpfile(".pcapng"), err[128];
	struct ns_pcapng *w = ns_pcapng_open(path, err, sizeof(err));
	uint8_t f[100] = { 0 };
	struct capfile *cf;
	struct cap_frame fr;
	uint64_t frames = 0, dropped;
	int full = 0, iface;
	struct stat st;

	unlink(path);
	cr_assert(w, "%s", err);
	iface = ns_pcapng_iface(w, "lan/x", LINKTYPE_ETHERNET);
	ns_pcapng_set_limit(w, 4096, on_full, &full);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(ns_pcapng_packet(w, iface, (uint64_t)i, f, sizeof(f),
					      NULL), 0);
	cr_assert_eq(full, 1, "told once");
	dropped = ns_pcapng_dropped(w);
	cr_assert_gt(dropped, 900);
	cr_assert_leq(ns_pcapng_bytes(w), 4096);
	cr_assert_eq(ns_pcapng_close(w), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_leq(st.st_size, 4096);
	cf = capfile_open(path, err, sizeof(err));
	cr_assert(cf, "%s", err);
	while (capfile_next(cf, &fr) == 1)
		frames++;
	cr_assert_null(capfile_warning(cf), "%s", capfile_warning(cf));
	cr_assert_eq(frames, 1000 - dropped);
	capfile_close(cf);
	unlink(path);
	g_free(path);
}
