// SPDX-License-Identifier: GPL-2.0-or-later
/* provenance.c - kdh version, date, host, shard, the versions of QEMU,
 * libslirp, dnsmasq and the kernel, and what the KVM probe found, recorded
 * in summary.json (style.md:
 * every result says where it came from, so runs from many machines can be
 * compared and merged).  --shard's "K/N" is parsed here, by the command
 * line and by the summary's reader alike; the KVM part is filled in by
 * accel.c (provenance_accel()), which the runner owns. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <slirp/libslirp.h>

#include "kdh-config.h"
#include "kdh/util/json_out.h"
#include "kdh/util/json_read.h"
#include "kdh/result/provenance.h"
#include "netsim/value.h"

/* The first line of `PROGRAM --version`, from its "version" word on */
static void tool_version(const char *prog, char *out, size_t len)
{
	const char *argv[] = { prog, "--version", NULL };
	gchar *text = NULL, *v;

	out[0] = '\0';
	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL, NULL,
			  NULL) || !text)
		return;
	text[strcspn(text, "\n")] = '\0';
	v = strstr(text, "version ");
	snprintf(out, len, "%s", v ? v + 8 : text);
	out[strcspn(out, " (")] = '\0';
	g_free(text);
}

/**
 * provenance_collect() - this run's provenance
 * @p:		output
 * @shard_k:	--shard K (0 for none)
 * @shard_n:	--shard N (0 for none)
 */
void provenance_collect(struct provenance *p, unsigned shard_k, unsigned shard_n)
{
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	memset(p, 0, sizeof(*p));
	snprintf(p->kdh, sizeof(p->kdh), "%s", KDH_VERSION);
	gmtime_r(&now, &tm);
	strftime(p->date, sizeof(p->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(p->host, sizeof(p->host)))
		p->host[0] = '\0';
	p->host[sizeof(p->host) - 1] = '\0';
	if (!uname(&u))
		snprintf(p->kernel, sizeof(p->kernel), "%s %s", u.sysname, u.release);
	snprintf(p->slirp, sizeof(p->slirp), "%s", slirp_version_string());
	tool_version("qemu-system-x86_64", p->qemu, sizeof(p->qemu));
	tool_version("dnsmasq", p->dnsmasq, sizeof(p->dnsmasq));
	p->shard_k = shard_k;
	p->shard_n = shard_n;
}

static void str_or_null(JsonBuilder *b, const char *key, const char *v)
{
	jb_str(b, key, v[0] ? v : NULL);
}

/**
 * provenance_json() - the "provenance" member of summary.json
 * @b:		builder, inside an object
 * @p:		provenance
 */
void provenance_json(JsonBuilder *b, const struct provenance *p)
{
	json_builder_set_member_name(b, "provenance");
	provenance_object(b, p);
}

/**
 * provenance_object() - a provenance as a JSON object (a merged summary's
 * "shards" lists one per shard)
 * @b:		builder, where a value goes
 * @p:		provenance
 */
void provenance_object(JsonBuilder *b, const struct provenance *p)
{
	json_builder_begin_object(b);
	str_or_null(b, "kdh", p->kdh);
	str_or_null(b, "date", p->date);
	str_or_null(b, "host", p->host);
	str_or_null(b, "kernel", p->kernel);
	str_or_null(b, "qemu", p->qemu);
	str_or_null(b, "libslirp", p->slirp);
	str_or_null(b, "dnsmasq", p->dnsmasq);
	str_or_null(b, "accel", p->accel);
	str_or_null(b, "kvm", p->kvm);
	json_builder_set_member_name(b, "shard");
	if (p->shard_n) {
		char s[24];

		snprintf(s, sizeof(s), "%u/%u", p->shard_k, p->shard_n);
		json_builder_add_string_value(b, s);
	} else {
		json_builder_add_null_value(b);
	}
	str_or_null(b, "shard_from", p->shard_from);
	json_builder_end_object(b);
}

/**
 * suite_shard_parse() - --shard's "K/N"
 * @v:		the text
 * @k:		output: K, 1-based
 * @n:		output: N
 *
 * Both numbers are value_uint()'s plain digits: sscanf("%u") took " 1",
 * "+1" and wrapped 4294967297 to 1.
 *
 * Return: 0, or -1 unless 1 <= K <= N < 2^32
 */
int suite_shard_parse(const char *v, unsigned *k, unsigned *n)
{
	const char *slash = strchr(v, '/');
	char head[16];
	uint64_t kk, nn;

	/* value_uint(), not sscanf("%u"): 4294967297 must not wrap to 1 */
	if (!slash || (size_t)(slash - v) >= sizeof(head))
		return -1;
	memcpy(head, v, (size_t)(slash - v));
	head[slash - v] = '\0';
	if (value_uint(head, 1, SUITE_SHARDS_MAX, &kk) ||
	    value_uint(slash + 1, 1, SUITE_SHARDS_MAX, &nn) || kk > nn)
		return -1;
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}

/* "K/N" as --shard reads it (suite_shard_parse()) */
static void shard_parse(struct jr *jr, const char *s, struct provenance *p)
{
	if (suite_shard_parse(s, &p->shard_k, &p->shard_n))
		jr_fail(jr, "shard", "expected \"K/N\" with 1 <= K <= N <= %d, "
			"found another string", SUITE_SHARDS_MAX);
}

/**
 * provenance_read() - a summary.json's provenance, every member a string
 * or null (all empty when it has none: an older kdh)
 * @jr:		reader, its place at the summary's top
 * @root:	the summary's object
 * @p:		output
 *
 * Return: 0, or -1 with @jr's message set
 */
int provenance_read(struct jr *jr, JsonObject *root, struct provenance *p)
{
	JsonObject *o;
	char shard[24];
	size_t mark;

	memset(p, 0, sizeof(*p));
	if (jr_object(jr, root, "provenance", 0, &o) <= 0)
		return jr->failed ? -1 : 0;
	mark = jr_enter(jr, "provenance", -1);
	jr_strcpy(jr, o, "kdh", 0, p->kdh, sizeof(p->kdh));
	jr_strcpy(jr, o, "date", 0, p->date, sizeof(p->date));
	jr_strcpy(jr, o, "host", 0, p->host, sizeof(p->host));
	jr_strcpy(jr, o, "kernel", 0, p->kernel, sizeof(p->kernel));
	jr_strcpy(jr, o, "qemu", 0, p->qemu, sizeof(p->qemu));
	jr_strcpy(jr, o, "libslirp", 0, p->slirp, sizeof(p->slirp));
	jr_strcpy(jr, o, "dnsmasq", 0, p->dnsmasq, sizeof(p->dnsmasq));
	jr_strcpy(jr, o, "accel", 0, p->accel, sizeof(p->accel));
	jr_strcpy(jr, o, "kvm", 0, p->kvm, sizeof(p->kvm));
	if (jr_strcpy(jr, o, "shard", 0, shard, sizeof(shard)) > 0)
		shard_parse(jr, shard, p);
	jr_strcpy(jr, o, "shard_from", 0, p->shard_from, sizeof(p->shard_from));
	jr_leave(jr, mark);
	return jr->failed ? -1 : 0;
}
