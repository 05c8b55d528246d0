/* helpers.c - shared by the criterion tests: data files, frame builders */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "helpers.h"
#include "kdh/pkt.h"

char *test_data_path(const char *name)
{
	const char *dir = getenv("KDH_TEST_DATA");

	cr_assert(dir, "KDH_TEST_DATA is not set (run under meson test)");
	return g_build_filename(dir, name, NULL);
}

uint8_t *test_gunzip_file(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	int n;

	cr_assert(gz && buf, "cannot open %s", path);
	*len = 0;
	while ((n = gzread(gz, buf + *len, (unsigned)(cap - *len))) > 0) {
		*len += (size_t)n;
		if (*len == cap)
			buf = realloc(buf, cap *= 2);
	}
	gzclose(gz);
	return buf;
}

/* Run a command; return its exit status, stdout and stderr in g_malloc'd */
int test_run(const char *const argv[], char **out, char **err)
{
	GError *error = NULL;
	int status = -1;

	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
			       NULL, out, err, &status, &error),
		  "spawn %s: %s", argv[0], error ? error->message : "?");
	cr_assert(WIFEXITED(status), "%s did not exit normally", argv[0]);
	return WEXITSTATUS(status);
}

char *test_tmpfile(const char *suffix)
{
	char *tmpl = g_strdup_printf("kdh-test-XXXXXX%s", suffix);
	char *path = NULL;
	int fd = g_file_open_tmp(tmpl, &path, NULL);

	cr_assert(fd >= 0);
	close(fd);
	g_free(tmpl);
	return path;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t test_udp_frame(uint8_t *buf, const uint8_t src_mac[6],
		      const uint8_t dst_mac[6], uint32_t sip, uint16_t sport,
		      uint32_t dip, uint16_t dport, const uint8_t *payload,
		      size_t len)
{
	uint8_t *ip = buf + ETH_HLEN, *udp = ip + 20;

	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	put16(buf + 12, ETHERTYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(28 + len));
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	put16(ip + 10, inet_csum(ip, 20, 0));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + len));
	put16(udp + 6, 0);
	memcpy(udp + 8, payload, len);
	return ETH_HLEN + 28 + len;
}

size_t test_arp_frame(uint8_t *buf, uint16_t op, const uint8_t sha[6],
		      uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *a = buf + ETH_HLEN;

	memcpy(buf, op == ARP_OP_REQUEST ? bcast : tha, 6);
	memcpy(buf + 6, sha, 6);
	put16(buf + 12, ETHERTYPE_ARP);
	put16(a, 1);
	put16(a + 2, ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	return ETH_HLEN + 28;
}

size_t test_dhcp_msg(uint8_t *buf, uint8_t op, uint8_t type, uint32_t xid,
		     const uint8_t chaddr[6], uint32_t yiaddr,
		     uint32_t server_id)
{
	size_t off = 240;

	memset(buf, 0, 300);
	buf[0] = op;
	buf[1] = 1;
	buf[2] = 6;
	put32(buf + 4, xid);
	put32(buf + 16, yiaddr);
	memcpy(buf + 28, chaddr, 6);
	put32(buf + 236, 0x63825363);
	buf[off++] = 53;
	buf[off++] = 1;
	buf[off++] = type;
	if (server_id) {
		buf[off++] = 54;
		buf[off++] = 4;
		put32(buf + off, server_id);
		off += 4;
	}
	buf[off++] = 255;
	return 300;
}

/* Remove a directory tree the test made (rm -rf, through the real tool) */
void test_rmtree(const char *dir)
{
	const char *argv[] = { "rm", "-rf", "--", dir, NULL };
	char *out, *err;

	test_run(argv, &out, &err);
	g_free(out);
	g_free(err);
}
