/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helpers.h - shared by the criterion tests: data files, frame builders */
#ifndef KDH_TEST_HELPERS_H
#define KDH_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netsim/capfile.h"

#define REAL_CAPTURE	"windbg-uncut.pcapng.gz"
#define REAL_KEY	"8.8.8.8"
#define REAL_PORT	51111

char *test_data_path(const char *name);
uint8_t *test_gunzip_file(const char *path, size_t *len);
int test_run(const char *const argv[], char **out, char **err);
int test_run_pty(const char *const argv[], const char *env, char **tty);
void test_assert_no_glib_message(const char *err, const char *what);
char *test_tmpfile(const char *suffix);
void test_rmtree(const char *dir);
void test_vm_suite_passed(const char *out);
unsigned test_procs_matching(const char *const needles[], pid_t *first);
unsigned test_procs_with(const char *needle);

/* Frame builders for synthetic captures (Ethernet II, IPv4, UDP, ARP) */
size_t test_udp_frame(uint8_t *buf, const uint8_t src_mac[6],
		      const uint8_t dst_mac[6], uint32_t sip, uint16_t sport,
		      uint32_t dip, uint16_t dport, const uint8_t *payload,
		      size_t len);
size_t test_arp_frame(uint8_t *buf, uint16_t op, const uint8_t sha[6],
		      uint32_t spa, const uint8_t tha[6], uint32_t tpa);
size_t test_dhcp_msg(uint8_t *buf, uint8_t op, uint8_t type, uint32_t xid,
		     const uint8_t chaddr[6], uint32_t yiaddr,
		     uint32_t server_id);

#endif
