/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listen_priv.h - `kdh listen`'s parts: listen_cmd.c (the socket, the
 * command line) and listen_kd.c (what each debuggee's KD conversation
 * said).  Not a public header. */
#ifndef KDH_LISTEN_PRIV_H
#define KDH_LISTEN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kdh/debugger/kd_engine.h"

#define LISTEN_MAX_PEERS	16

/* What one debuggee said, for the closing summary */
struct listen_peer_kd {
	uint32_t ip;
	uint16_t port;
	unsigned modules, prints, files, breaks, exceptions;
	bool has_version;
	struct kd_version version;
	bool bugcheck_seen;
	struct kd_bugcheck bugcheck;
};

/**
 * struct listen_kd - reporting state
 * @log:	kd.log's lines so far
 * @verbose:	print module loads and file requests too
 * @port, @key_text: for the WinDbg command line when a break is held
 * @bugchecks:	bugchecks seen (exit status 1)
 * @held:	a break held (exit status 1, kdh listen stops)
 */
struct listen_kd {
	GString *log;
	bool verbose;
	uint16_t port;
	const char *key_text;
	unsigned bugchecks;
	bool held;
	struct listen_peer_kd peers[LISTEN_MAX_PEERS];
	size_t n;
};

/* listen_skip.c: the datagrams it cannot read */
enum listen_skip {
	LISTEN_SKIP_NOT_KDNET,
	LISTEN_SKIP_HEADER,
	LISTEN_SKIP_CUT,
	LISTEN_SKIP_KINDS,
	LISTEN_SKIP_NONE = LISTEN_SKIP_KINDS,
};

/**
 * struct listen_skips - datagrams skipped, per enum listen_skip
 * @shown:	lines -v printed about them
 */
struct listen_skips {
	uint64_t n[LISTEN_SKIP_KINDS];
	unsigned shown;
};

enum listen_skip listen_skip_kind(const uint8_t *d, size_t len, bool cut);
void listen_skip_note(struct listen_skips *s, enum listen_skip kind,
		      uint32_t ip, uint16_t port, size_t len, double t,
		      bool verbose);
void listen_skip_summary(const struct listen_skips *s, uint64_t unverified);

bool listen_kd_said(struct listen_kd *k, uint32_t ip, uint16_t port,
		    const struct kd_engine_out *o, double t);
void listen_kd_summary(const struct listen_kd *k);
int listen_kd_write_log(const struct listen_kd *k, const char *path);

#endif /* KDH_LISTEN_PRIV_H */
