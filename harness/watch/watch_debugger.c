// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_debugger.c - what kdh watch knows of the debugger before the first
 * frame: its address and port from the bcdedit file, the key from --key
 * or that file, and the opening line that says which
 *
 * The bcdedit parser (bcdedit.c) keeps hostip and key as the text the
 * guest printed, for kdh check to judge; kdh watch needs them as an
 * address and a key, so one it cannot use is bad input here (file:line,
 * exit 2), never a silent "none".
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "harness/watch/watch_priv.h"
#include "kdh/cmd/cli.h"
#include "kdh/util/textfile.h"

/* The line of @path whose first word is @field (bcdedit's "name  value"),
 * 0 when it cannot be told (standard input, a file gone since) */
static int field_line(const char *path, const char *field)
{
	gchar *text = NULL, **lines;
	char err[400];
	int line = 0;

	/* read as check_bcdedit_load() read it: the same line numbers */
	if (!strcmp(path, "-") ||
	    !(text = text_read(path, FILE_BCDEDIT, err, sizeof(err))))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] && !line; i++) {
		const char *s = lines[i] + strspn(lines[i], " \t");
		size_t n = strcspn(s, " \t\r");

		if (n == strlen(field) && !strncasecmp(s, field, n))
			line = i + 1;
	}
	g_strfreev(lines);
	g_free(text);
	return line;
}

/* "dbg.txt:4: hostip '1.2.3' is not an IPv4 address": exit 2 */
static int __attribute__((format(printf, 3, 4)))
field_bad(const char *path, const char *field, const char *fmt, ...)
{
	int line = field_line(path, field);
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "%s:%d: %s", path,
				 line, msg);
	return cli_error(&kdh_cmd_watch, KDH_EXIT_USAGE, "%s: %s", path, msg);
}

/* bcdedit's hostip and key, when there: usable, or an error */
static int bcd_check(const char *path, const struct dbgsettings *d,
		     uint8_t key[KDNET_KEY_LEN], bool *has_key)
{
	struct in_addr in;
	char err[160];

	*has_key = false;
	if (d->hostip[0] && inet_pton(AF_INET, d->hostip, &in) != 1)
		return field_bad(path, "hostip", "hostip '%s' is not an IPv4 "
				 "address", d->hostip);
	if (d->key[0] && kdnet_key_parse(d->key, key, err, sizeof(err)))
		return field_bad(path, "key", "key '%s' is not a KDNET key: %s",
				 d->key, err);
	*has_key = d->key[0] != '\0';
	return 0;
}

/**
 * watch_debugger_take() - the debugger's address and port, and the key:
 * --key wins over bcdedit's (the opening line says when they differ)
 * @o:		the command line
 * @st:		the bcdedit file, when given
 * @vm:		output: hostip, port, key
 *
 * Return: 0, or KDH_EXIT_USAGE after one line saying what is wrong
 */
int watch_debugger_take(const struct watch_opts *o, const struct watch_static *st,
			struct watch_vm *vm)
{
	uint8_t bcd_key[KDNET_KEY_LEN];
	bool bcd_has_key = false;
	struct in_addr in;

	if (st->has_bcd && bcd_check(o->bcdedit, &st->bcd, bcd_key, &bcd_has_key))
		return KDH_EXIT_USAGE;
	if (o->key) {
		if (cli_key_parse(&kdh_cmd_watch, o->key, vm->key))
			return KDH_EXIT_USAGE;
		vm->key_from = WATCH_KEY_CLI;
		vm->key_differs = bcd_has_key && memcmp(bcd_key, vm->key,
							KDNET_KEY_LEN);
	} else if (bcd_has_key) {
		memcpy(vm->key, bcd_key, KDNET_KEY_LEN);
		vm->key_from = WATCH_KEY_BCDEDIT;
	}
	vm->port = KDNET_DEFAULT_PORT;
	if (!st->has_bcd)
		return 0;
	if (st->bcd.hostip[0] && inet_pton(AF_INET, st->bcd.hostip, &in) == 1)
		vm->hostip = ntohl(in.s_addr);
	if (st->bcd.has_port && st->bcd.port && st->bcd.port <= 65535) {
		vm->port = (uint16_t)st->bcd.port;
		vm->port_known = true;
	}
	return 0;
}

/**
 * watch_debugger_print() - the opening "debugger:" line, and a warning
 * when --key is not bcdedit's
 * @out:	where
 * @o:		the command line
 * @vm:		what watch_debugger_take() found
 */
void watch_debugger_print(FILE *out, const struct watch_opts *o,
			  const struct watch_vm *vm)
{
	char ip[IP_STRLEN], port[64];

	if (vm->port_known)
		snprintf(port, sizeof(port), "port %u (bcdedit)", vm->port);
	else
		snprintf(port, sizeof(port), "port unknown (KDNET's default %u)",
			 vm->port);
	if (vm->hostip && vm->port_known)
		fprintf(out, "debugger: %s:%u (bcdedit)", ip_str(vm->hostip, ip),
			vm->port);
	else if (vm->hostip)
		fprintf(out, "debugger: %s (bcdedit), %s", ip_str(vm->hostip, ip),
			port);
	else
		fprintf(out, "debugger: address unknown (%s), %s", o->bcdedit ?
			"no hostip in the bcdedit file" : "no --bcdedit", port);
	fprintf(out, "; key: %s\n", vm->key_from ? vm->key_from : "none, so KDNET "
		"packets are counted, not verified");
	if (vm->key_differs)
		fprintf(out, "WARN   --key differs from the key in %s: using --key\n",
			o->bcdedit);
}
