// SPDX-License-Identifier: GPL-2.0-or-later
/* test_capfile.c - pcap/pcapng/gzip reading, truncation, resolution */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "netsim/capfile.h"

static unsigned count_frames(struct capfile *cf, uint64_t *first_ts)
{
	struct cap_frame f;
	unsigned n = 0;

	while (capfile_next(cf, &f) == 1) {
		if (!n && first_ts)
			*first_ts = f.ts_ns;
		cr_assert_eq(f.linktype, LINKTYPE_ETHERNET);
		cr_assert_leq(f.caplen, f.origlen);
		n++;
	}
	return n;
}

Test(capfile, real_capture_gz)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	struct capfile *cf = capfile_open(path, err, sizeof(err));
	uint64_t t0 = 0;

	cr_assert(cf, "%s", err);
	cr_assert_eq(count_frames(cf, &t0), 955);
	/* 2016-01-24 10:36:11.474228 UTC */
	cr_assert_eq(t0, 1453631771474228000ull);
	cr_assert_null(capfile_warning(cf));
	cr_assert_str_eq(capfile_format(cf), "pcapng.gz");
	capfile_close(cf);
	g_free(path);
}

Test(capfile, real_capture_uncompressed_from_memory)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	size_t len;
	uint8_t *buf = test_gunzip_file(path, &len);
	struct capfile *cf = capfile_open_mem(buf, len, err, sizeof(err));

	cr_assert(cf, "%s", err);
	cr_assert_eq(count_frames(cf, NULL), 955);
	cr_assert_str_eq(capfile_format(cf), "pcapng");
	capfile_close(cf);
	free(buf);
	g_free(path);
}

/* Cut the file anywhere: the frames before the cut come out, then a warning */
Test(capfile, truncated_pcapng_decodes_what_is_there)
{
	char *path = test_data_path(REAL_CAPTURE), err[128];
	size_t len;
	uint8_t *buf = test_gunzip_file(path, &len);
	unsigned last = 0;

	for (size_t cut = 4; cut < len; cut += 1 + cut / 7) {
		struct capfile *cf = capfile_open_mem(buf, cut, err, sizeof(err));
		unsigned n;

		cr_assert(cf, "cut %zu: %s", cut, err);
		n = count_frames(cf, NULL);
		cr_assert_geq(n, last, "cut %zu", cut);
		cr_assert_lt(n, 955);
		if (capfile_warning(cf))
			cr_assert(strstr(capfile_warning(cf), "truncated"),
				  "cut %zu: %s", cut, capfile_warning(cf));
		last = n;
		capfile_close(cf);
	}
	free(buf);
	g_free(path);
}

Test(capfile, truncated_gzip_file)
{
	char *path = test_data_path(REAL_CAPTURE), *tmp = test_tmpfile(".gz");
	char err[128];
	gchar *data;
	gsize len;
	struct capfile *cf;
	unsigned n;

	cr_assert(g_file_get_contents(path, &data, &len, NULL));
	cr_assert(g_file_set_contents(tmp, data, (gssize)(len / 2), NULL));
	cf = capfile_open(tmp, err, sizeof(err));
	cr_assert(cf, "%s", err);
	n = count_frames(cf, NULL);
	cr_assert_gt(n, 100);
	cr_assert_lt(n, 955);
	cr_assert_not_null(capfile_warning(cf));
	capfile_close(cf);
	remove(tmp);
	g_free(tmp);
	g_free(data);
	g_free(path);
}

Test(capfile, not_a_capture)
{
	char err[128] = "";
	const uint8_t text[] = "hello, this is not a capture file at all";

	cr_assert_null(capfile_open_mem(text, sizeof(text), err, sizeof(err)));
	cr_assert_str_eq(err, "not a pcap or pcapng file");
	cr_assert_null(capfile_open_mem(text, 2, err, sizeof(err)));
	cr_assert_str_eq(err, "empty or too short to be a capture");
	cr_assert_null(capfile_open("/nonexistent/kdh.pcap", err, sizeof(err)));
	cr_assert_str_eq(err, "No such file or directory");
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Classic pcap, both byte orders, micro- and nanosecond magics */
Test(capfile, classic_pcap_variants)
{
	const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d };
	uint8_t file[24 + 2 * (16 + 60)];
	char err[128];

	for (int swapped = 0; swapped <= 1; swapped++)
		for (int m = 0; m <= 1; m++) {
			void (*w)(uint8_t *, uint32_t) = swapped ? be32 : le32;
			struct capfile *cf;
			struct cap_frame f;
			uint8_t *r = file + 24;

			memset(file, 0, sizeof(file));
			w(file, magics[m]);
			w(file + 16, 65535);
			w(file + 20, LINKTYPE_ETHERNET);
			for (int i = 0; i < 2; i++, r += 16 + 60) {
				w(r, 100 + (uint32_t)i);
				w(r + 4, 5);
				w(r + 8, 60);
				w(r + 12, 60);
				r[16] = (uint8_t)i;
			}
			cf = capfile_open_mem(file, sizeof(file), err, sizeof(err));
			cr_assert(cf, "%s", err);
			cr_assert_eq(capfile_next(cf, &f), 1);
			cr_assert_eq(f.ts_ns, 100000000000ull + (m ? 5 : 5000));
			cr_assert_eq(f.caplen, 60);
			cr_assert_eq(capfile_next(cf, &f), 1);
			cr_assert_eq(f.data[0], 1);
			cr_assert_eq(capfile_next(cf, &f), 0);
			cr_assert_null(capfile_warning(cf));
			cr_assert_str_eq(capfile_format(cf), "pcap");
			capfile_close(cf);
		}
}

/* A small pcapng: nanosecond interface, one frame with a comment */
static size_t tiny_pcapng(uint8_t *b, const char *comment)
{
	size_t off = 0, clen = strlen(comment), epb;

	le32(b, PCAPNG_SHB); le32(b + 4, 28); le32(b + 8, PCAPNG_BOM);
	le32(b + 12, 1); le32(b + 16, 0xffffffff); le32(b + 20, 0xffffffff);
	le32(b + 24, 28);
	off = 28;
	le32(b + off, PCAPNG_IDB); le32(b + off + 4, 32);
	le32(b + off + 8, LINKTYPE_ETHERNET); le32(b + off + 12, 0);
	b[off + 16] = 9; b[off + 17] = 0; b[off + 18] = 1; b[off + 19] = 0; /* tsresol */
	le32(b + off + 20, 9);
	le32(b + off + 24, 0);			/* opt_endofopt */
	le32(b + off + 28, 32);
	off += 32;
	epb = 32 + 4 + 4 + ((clen + 3) & ~3u) + 4;	/* + 4-byte packet */
	le32(b + off, PCAPNG_EPB); le32(b + off + 4, (uint32_t)epb);
	le32(b + off + 8, 0); le32(b + off + 12, 0); le32(b + off + 16, 1234567891);
	le32(b + off + 20, 4); le32(b + off + 24, 4);
	memcpy(b + off + 28, "\x01\x02\x03\x04", 4);
	b[off + 32] = 1; b[off + 33] = 0;		/* opt_comment */
	b[off + 34] = (uint8_t)clen; b[off + 35] = 0;
	memset(b + off + 36, 0, (clen + 3) & ~3u);
	memcpy(b + off + 36, comment, clen);
	le32(b + off + epb - 8, 0);
	le32(b + off + epb - 4, (uint32_t)epb);
	return off + epb;
}

Test(capfile, pcapng_comment_and_nanoseconds)
{
	uint8_t b[256];
	size_t n = tiny_pcapng(b, "power on vm1");
	struct capfile *cf;
	struct cap_frame f;
	char err[128];

	cf = capfile_open_mem(b, n, err, sizeof(err));
	cr_assert(cf, "%s", err);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_eq(f.ts_ns, 1234567891ull);
	cr_assert_str_eq(f.comment, "power on vm1");
	cr_assert_eq(f.caplen, 4);
	cr_assert_eq(capfile_next(cf, &f), 0);
	cr_assert_null(capfile_warning(cf));
	capfile_close(cf);

	b[n - 1] = 0x7f;	/* trailing length no longer matches */
	cf = capfile_open_mem(b, n, err, sizeof(err));
	cr_assert_eq(capfile_next(cf, &f), 0);
	cr_assert(strstr(capfile_warning(cf), "trailing length"));
	capfile_close(cf);
}

Test(capfile, timestamp_resolutions)
{
	struct pcapng_idb idb = { .linktype = 1, .tsresol = 6 };

	cr_assert_eq(pcapng_ts_to_ns(&idb, 1500000), 1500000000ull);
	idb.tsresol = 9;
	cr_assert_eq(pcapng_ts_to_ns(&idb, 42), 42);
	idb.tsresol = 3;
	cr_assert_eq(pcapng_ts_to_ns(&idb, 42), 42000000ull);
	idb.tsresol = 0x80 | 10;	/* 1/1024 s */
	cr_assert_eq(pcapng_ts_to_ns(&idb, 1024), 1000000000ull);
	idb.tsresol = 6;
	idb.tsoffset_s = 10;
	cr_assert_eq(pcapng_ts_to_ns(&idb, 0), 10000000000ull);
}

/* A packet naming an interface the section never declared is skipped and
 * counted; the packets after it are still read */
Test(capfile, undeclared_interface_is_skipped)
{
	uint8_t b[512];
	size_t n = tiny_pcapng(b, "first"), epb = 28 + 32;	/* after SHB, IDB */
	size_t len = n - epb;
	struct capfile *cf;
	struct cap_frame f;
	char err[128];

	memcpy(b + n, b + epb, len);		/* a second copy of the packet */
	le32(b + epb + 8, 5);			/* the first names interface 5 */
	cf = capfile_open_mem(b, n + len, err, sizeof(err));
	cr_assert(cf, "%s", err);
	cr_assert_eq(capfile_next(cf, &f), 1);
	cr_assert_str_eq(f.comment, "first");
	cr_assert_eq(capfile_next(cf, &f), 0);
	cr_assert_eq(capfile_skipped(cf), 1);
	cr_assert_null(capfile_warning(cf));
	capfile_close(cf);
}

/* gzip damage shows only at the final CRC: every frame that inflated before
 * it is read, and the warning says what happened */
Test(capfile, damaged_gzip_keeps_what_inflated)
{
	char *path = test_data_path(REAL_CAPTURE), *tmp = test_tmpfile(".gz");
	char err[128];
	gchar *data;
	gsize len;
	struct capfile *cf;

	cr_assert(g_file_get_contents(path, &data, &len, NULL));
	data[len - 6] ^= 0xff;			/* inside the CRC32 trailer */
	cr_assert(g_file_set_contents(tmp, data, (gssize)len, NULL));
	cf = capfile_open(tmp, err, sizeof(err));
	cr_assert(cf, "%s", err);
	cr_assert_eq(count_frames(cf, NULL), 955, "all frames before the damage");
	cr_assert(strstr(capfile_warning(cf), "gzip: incorrect data check"), "%s",
		  capfile_warning(cf));
	capfile_close(cf);
	remove(tmp);
	g_free(tmp);
	g_free(data);
	g_free(path);
}
