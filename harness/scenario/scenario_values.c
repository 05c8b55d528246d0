// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_values.c - the value syntaxes of scenario files: fault
 * profiles, bcdedit's dbgsettings (yes/no and addresses are values.c's) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario/scenario_values.h"
#include "netsim/duration.h"
#include "netsim/value.h"

/* A link delays a frame by at most this much (delay, and jitter on top):
 * a frame later than that is a lost one (loss=P%), and the sum stays far
 * from wrapping the loop's clock (netsim/link.c adds them as int64_t) */
#define FAULT_DELAY_MAX	(3600 * 1000000000ull)

/* One item "name=value" of faults; *@seen keeps which were given.
 * Return: 0, -EINVAL (the caller says the syntax), or 1 with @err set */
static int fault_item(const char *item, const char *eq, struct ns_faults *f,
		      unsigned *seen, char *err, size_t errlen)
{
	static const char *const names[] = { "loss", "dup", "reorder", "delay",
					     "jitter" };
	double *pct[] = { &f->loss_pct, &f->dup_pct, &f->reorder_pct };
	uint64_t *ns[] = { &f->delay_ns, &f->jitter_ns };
	char key[16];
	int i = 0;

	while (i < 5 && strcmp(item, names[i]))
		i++;
	if (i == 5)
		return -EINVAL;
	snprintf(key, sizeof(key), "faults %s", item);
	if (*seen & 1u << i) {
		snprintf(err, errlen, "%s: given twice", key);
		return 1;
	}
	*seen |= 1u << i;
	if (i < 3)
		return value_percent(eq, pct[i]) ? -EINVAL : 0;
	if (duration_key_parse(key, eq, ns[i - 3], err, errlen))
		return 1;	/* the duration's own reason */
	if (*ns[i - 3] <= FAULT_DELAY_MAX)
		return 0;
	snprintf(err, errlen, "%s: '%s' is above 1h, the longest a link delays "
		 "a frame (a frame that never comes is loss=100%%)", key, eq);
	return 1;
}

/**
 * sv_faults() - "loss=20%,dup=1%,reorder=1%,delay=5ms,jitter=1ms"
 * @v:		text ("none" clears)
 * @f:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Each item at most once; delay and jitter at most 1h.
 *
 * Return: 0 or -EINVAL
 */
int sv_faults(const char *v, struct ns_faults *f, char *err, size_t errlen)
{
	char *copy = strdup(v), *save = NULL, *item;
	unsigned seen = 0;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (!copy)
		return -ENOMEM;
	if (!strcmp(v, "none"))
		goto out;
	for (item = strtok_r(copy, ", ", &save); item && !rc;
	     item = strtok_r(NULL, ", ", &save)) {
		char *eq = strchr(item, '=');

		if (!eq) {
			rc = -EINVAL;
			break;
		}
		*eq++ = '\0';
		rc = fault_item(item, eq, f, &seen, err, errlen);
	}
out:
	if (rc < 0)
		snprintf(err, errlen, "faults '%s': expected loss=P%%, dup=P%%, "
			 "reorder=P%% (0-100), delay=D, jitter=D", v);
	free(copy);
	return rc ? -EINVAL : 0;
}

/* "port:1 port:2": the second would silently win; refuse it.  @seen holds
 * the names given so far, "|port|key|" */
static int dbg_once(const char *tok, char *seen, size_t size, char *err,
		    size_t errlen)
{
	size_t n = strcspn(tok, ":");
	char name[24];

	snprintf(name, sizeof(name), "|%.*s|", (int)(n < 20 ? n : 20), tok);
	if (strstr(seen, name)) {
		snprintf(err, errlen, "dbgsettings: %.*s given twice", (int)n, tok);
		return -EINVAL;
	}
	if (strlen(seen) + strlen(name) < size)
		strcat(seen, name + (seen[0] != '\0'));
	return 0;
}

static int dbg_token(const char *tok, struct target_config *tc, char *err,
		     size_t errlen)
{
	const char *v = strchr(tok, ':');
	char kerr[128];

	if (!strcmp(tok, "nodhcp")) {
		tc->dhcp = false;
		return 0;
	}
	if (!v) {
		snprintf(err, errlen, "dbgsettings: unknown word '%s'", tok);
		return -EINVAL;
	}
	v++;
	if (!strncmp(tok, "hostip:", 7)) {
		int rc = sv_ipv4(v, &tc->host_ip, NULL);

		if (!rc)
			return 0;
		if (rc == -ERANGE)
			sv_ipv4_error("dbgsettings: hostip", v, rc, false, err, errlen);
		else
			snprintf(err, errlen, "dbgsettings: hostip '%s' is not an "
				 "IPv4 address", v);
	} else if (!strncmp(tok, "port:", 5)) {
		uint64_t p;

		if (!value_uint(v, 1, 65535, &p)) {
			tc->port = (uint16_t)p;
			return 0;
		}
		snprintf(err, errlen, "dbgsettings: port '%s' is not 1-65535", v);
	} else if (!strncmp(tok, "key:", 4)) {
		if (!kdnet_key_parse(v, tc->key, kerr, sizeof(kerr)))
			return 0;
		snprintf(err, errlen, "dbgsettings: key '%s': %s", v, kerr);
	} else {
		snprintf(err, errlen, "dbgsettings: unknown setting '%s'", tok);
	}
	return -EINVAL;
}

/* "serial debugport:N baudrate:B", as bcdedit /dbgsettings serial */
static int dbg_serial(char *save, struct target_config *tc, char *err,
		      size_t errlen)
{
	static const unsigned bauds[] = { 9600, 19200, 38400, 57600, 115200 };
	char *tok, seen[64] = "";

	tc->serial = true;
	tc->debugport = 1;
	tc->baudrate = 115200;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		bool port = !strncmp(tok, "debugport:", 10);
		uint64_t v;
		int bad;

		if (!port && strncmp(tok, "baudrate:", 9)) {
			snprintf(err, errlen, "dbgsettings: unknown setting '%s' for "
				 "serial (debugport:N baudrate:B)", tok);
			return -EINVAL;
		}
		if (dbg_once(tok, seen, sizeof(seen), err, errlen))
			return -EINVAL;
		bad = value_uint(strchr(tok, ':') + 1, 1, port ? 4 : 115200, &v);
		if (port && bad) {
			snprintf(err, errlen, "dbgsettings: '%s': COM ports here are "
				 "1-4 (the VM's serial0-serial3)", tok);
			return -EINVAL;
		}
		if (port) {
			tc->debugport = (unsigned)v;
			continue;
		}
		tc->baudrate = 0;
		for (size_t i = 0; i < sizeof(bauds) / sizeof(*bauds); i++)
			if (!bad && v == bauds[i])
				tc->baudrate = (unsigned)v;
		if (!tc->baudrate) {
			snprintf(err, errlen, "dbgsettings: '%s': bcdedit takes 9600, "
				 "19200, 38400, 57600 or 115200", tok);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * sv_dbgsettings() - "net hostip:H port:P key:K [nodhcp]" or "serial
 * debugport:N baudrate:B", as bcdedit
 * @v:		text
 * @tc:		target configuration to fill (host_ip, port, key, dhcp;
 *		serial, debugport, baudrate)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL; for net, hostip and key are required
 */
int sv_dbgsettings(const char *v, struct target_config *tc, char *err,
		   size_t errlen)
{
	char *copy = strdup(v), *save = NULL, *tok;
	bool has_host = false, has_key = false;
	char seen[64] = "";
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	tok = strtok_r(copy, " \t", &save);
	if (tok && !strcmp(tok, "serial")) {
		rc = dbg_serial(save, tc, err, errlen);
		free(copy);
		return rc;
	}
	if (!tok || strcmp(tok, "net")) {
		snprintf(err, errlen, "dbgsettings: expected 'net hostip:H port:P "
			 "key:K' or 'serial debugport:N baudrate:B'");
		rc = -EINVAL;
	}
	while (!rc && (tok = strtok_r(NULL, " \t", &save))) {
		rc = dbg_token(tok, tc, err, errlen) ||
		     dbg_once(tok, seen, sizeof(seen), err, errlen) ? -EINVAL : 0;
		has_host |= !strncmp(tok, "hostip:", 7);
		has_key |= !strncmp(tok, "key:", 4);
	}
	if (!rc && (!has_host || !has_key)) {
		snprintf(err, errlen, "dbgsettings: %s is required",
			 has_host ? "key:K" : "hostip:H");
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}
