// SPDX-License-Identifier: GPL-2.0-or-later
/* values.c - value syntaxes shared by scenario files, kdh-agent's command
 * line and `kdh check`: yes/no, an IPv4 address with an optional prefix
 *
 * May use: netsim's value parsers.  Used by: the scenario parser
 * (scenario_values.c and its callers), kdh-agent (agent_cfg.c), kdh check.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/util/values.h"
#include "netsim/value.h"

/** sv_bool() - yes/no, true/false, on/off, 1/0 */
int sv_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (int i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i]))
			return *out = true, 0;
		if (!strcmp(v, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

/**
 * sv_ipv4() - dotted quad, optionally with "/prefix"
 * @v:		text
 * @ip:		output, host order
 * @mask:	output when a prefix was given (else untouched); may be NULL
 *		to refuse a prefix
 *
 * Return: 0, -EINVAL, or -ERANGE for 0.0.0.0 (which no host has, and
 * which every caller reads as "not given")
 */
int sv_ipv4(const char *v, uint32_t *ip, uint32_t *mask)
{
	unsigned prefix;
	uint32_t a;

	if (!strchr(v, '/')) {
		if (value_ipv4(v, &a))
			return -EINVAL;
	} else if (!mask || value_cidr(v, &a, &prefix) || prefix < 8 ||
		   prefix > 30) {
		return -EINVAL;
	}
	if (!a)			/* 0 means "not given" to every caller */
		return -ERANGE;
	if (strchr(v, '/'))
		*mask = ~0u << (32 - prefix);
	*ip = a;
	return 0;
}

/**
 * sv_ipv4_error() - the message for sv_ipv4()'s failure
 * @key:	the key, for the message
 * @v:		the value
 * @rc:		what sv_ipv4() returned
 * @prefix:	whether a /prefix is allowed
 * @err:	"ip: '...' is not an IPv4 address (with /prefix)"
 * @errlen:	its size
 */
void sv_ipv4_error(const char *key, const char *v, int rc, bool prefix,
		   char *err, size_t errlen)
{
	if (rc == -ERANGE)
		snprintf(err, errlen, "%s: %s is no host's address (0.0.0.0/8 is "
			 "\"this network\")", key, v);
	else
		snprintf(err, errlen, "%s: '%s' is not an IPv4 address%s", key, v,
			 prefix ? " (with /prefix)" : "");
}
