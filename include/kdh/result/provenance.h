/* SPDX-License-Identifier: GPL-2.0-or-later */
/* provenance.h - where and with what a run ran, for summary.json: runs
 * from many machines can be told apart and merged safely */
#ifndef KDH_PROVENANCE_H
#define KDH_PROVENANCE_H

#include <json-glib/json-glib.h>

/**
 * struct provenance - "" where a part is not installed or not known
 * @shard_k, @shard_n: --shard K/N, 0/0 for a whole run
 * @shard_from:	what decided the shard: "--shard K/N", or the CI engine's
 *		variables for --shard auto ("CI_NODE_INDEX=2 CI_NODE_TOTAL=3")
 * @accel:	KDH_ACCEL's mode ("auto", "kvm", "tcg")
 * @kvm:	what the KVM device probe found, "" when no VM needed it (each
 *		VM's own answer is its result's accel_reason)
 */
struct provenance {
	char kdh[32];
	char date[32];			/* ISO 8601, UTC */
	char host[64];
	char kernel[96];
	char qemu[48];
	char slirp[32];
	char dnsmasq[48];
	unsigned shard_k, shard_n;
	char shard_from[256];
	char accel[8];
	char kvm[200];
};

#define SUITE_SHARDS_MAX 100000	/* --shard K/N: N beyond any CI farm */
int suite_shard_parse(const char *v, unsigned *k, unsigned *n);

void provenance_collect(struct provenance *p, unsigned shard_k,
			unsigned shard_n);
void provenance_json(JsonBuilder *b, const struct provenance *p);
void provenance_object(JsonBuilder *b, const struct provenance *p);
struct jr;
int provenance_read(struct jr *jr, JsonObject *root, struct provenance *p);

#endif /* KDH_PROVENANCE_H */
