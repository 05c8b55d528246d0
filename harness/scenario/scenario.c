// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario.c - scenario files: sections, keys, defaults, cross-checks
 *
 * Theory of operation: scenario_ini.c splits the text into sections and
 * items with line numbers; each section kind has a handler that takes its
 * keys one by one (unknown key, bad value, duplicate: "file:line: ...");
 * then cross-checks tie the parts together (bridges name networks, MACs
 * are unique, expectations name VMs) and defaults are filled in: the
 * debugger sits on the network of the first VM's first NIC at that VM's
 * hostip, with its key.  A [vm] given as a VMware .vmx is read as its
 * section opens, before its other keys (scenario_vmx.c).
 *
 * Wing harness/scenario/ (docs/development.md): scenario files: INI,
 *   sections, values, VM lines, expectations.
 * Uses: netsim/, util/, cmd/, platform/, target/, debugger/.
 * Used by: result/, run/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/scenario_ini.h"
#include "harness/scenario/scenario_priv.h"
#include "harness/scenario/scenario_values.h"
#include "netsim/duration.h"
#include "kdh/util/textfile.h"
#include "netsim/value.h"
#include "netsim/pkt.h"
#include "kdh/scenario/scenario.h"
#include "kdh/cmd/cli.h"
#include "netsim/slirp_node.h"

/**
 * sc_fail() - set "file:line: message" (or "file: message" for line 0)
 * @p:		parse state
 * @line:	line, 0 for the file as a whole
 * @fmt:	message
 *
 * Return: -EINVAL, for `return sc_fail(...)`
 */
int sc_fail(struct parse *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->file, msg);
	return -EINVAL;
}

/**
 * sc_copy() - a text value into a field, or an error with its length:
 * nothing is cut
 * @p:		parse state
 * @it:		the item
 * @dst:	the field
 * @size:	its size
 *
 * Return: 0, or -EINVAL
 */
int sc_copy(struct parse *p, const struct ini_item *it, char *dst, size_t size)
{
	size_t n = strlen(it->value);

	if (n >= size)
		return sc_fail(p, it->line, "%s: %zu characters, at most %zu",
			       it->key[0] ? it->key : "line", n, size - 1);
	memcpy(dst, it->value, n + 1);
	return 0;
}

/** sc_duration_key() - a key whose value is a duration */
int sc_duration_key(struct parse *p, const struct ini_item *it, uint64_t *out)
{
	if (duration_key_parse(it->key, it->value, out, p->kv_err,
			       sizeof(p->kv_err)))
		return sc_fail(p, it->line, "%s", p->kv_err);
	return 0;
}

/** sc_list_key() - a comma- or space-separated list of words */
int sc_list_key(struct parse *p, const struct ini_item *it, char (*out)[24],
		size_t max, size_t *n)
{
	char *copy = g_strdup(it->value), *save = NULL, *w;

	*n = 0;
	for (w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		if (*n == max) {
			g_free(copy);
			return sc_fail(p, it->line, "%s: more than %zu entries",
				    it->key, max);
		}
		if (strlen(w) >= 24) {
			sc_fail(p, it->line, "%s: '%s' is longer than 23 characters",
				it->key, w);
			g_free(copy);
			return -EINVAL;
		}
		snprintf(out[(*n)++], 24, "%s", w);
	}
	g_free(copy);
	return 0;
}

/* The name names the results directory: a plain file name, no path */
static int name_key(struct parse *p, const struct ini_item *it)
{
	const char *v = it->value;

	if (!*v || *v == '.' || strlen(v) >= sizeof(p->sc->name) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789-_.") != strlen(v))
		return sc_fail(p, it->line, "name: '%s' is not a plain file name "
			       "(letters, digits, '-', '_', '.'; at most %zu)", v,
			       sizeof(p->sc->name) - 1);
	snprintf(p->sc->name, sizeof(p->sc->name), "%s", v);
	return 0;
}

static int scenario_key(struct parse *p, const struct ini_item *it)
{
	struct scenario *sc = p->sc;
	size_t n;

	if (!strcmp(it->key, "name"))
		return name_key(p, it);
	else if (!strcmp(it->key, "description"))
		return sc_copy(p, it, sc->description, sizeof(sc->description));
	else if (!strcmp(it->key, "groups"))
		return sc_list_key(p, it, sc->groups, SC_MAX_GROUPS, &sc->n_groups);
	else if (!strcmp(it->key, "timeout")) {
		sc->timeout_line = it->line;
		return sc_duration_key(p, it, &sc->timeout_ns);
	}
	else if (!strcmp(it->key, "seed")) {
		/* as --seed reads it: 0 is a seed like any other */
		if (cli_seed_parse(it->value, &sc->seed))
			return sc_fail(p, it->line, "seed: '%s' is not a number from 0 "
				       "to 18446744073709551615 (or 0x-hex)", it->value);
		sc->has_seed = true;
	} else if (!strcmp(it->key, "requires")) {
		char tmp[4][24];

		if (sc_list_key(p, it, tmp, 4, &n))
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(tmp[i], "root") && strcmp(tmp[i], "kvm") &&
			    strcmp(tmp[i], "qemu"))
				return sc_fail(p, it->line, "requires: unknown '%s' "
					    "(root, kvm, qemu)", tmp[i]);
			snprintf(sc->requires[i], sizeof(sc->requires[i]), "%s", tmp[i]);
		}
		sc->n_requires = n;
	} else if (!strcmp(it->key, "serial")) {
		return sc_serial_key(p, it);
	} else if (!strcmp(it->key, "backend")) {
		if (strcmp(it->value, "user") && strcmp(it->value, "bridge"))
			return sc_fail(p, it->line, "backend: '%s' is not user or bridge",
				       it->value);
		snprintf(sc->backend, sizeof(sc->backend), "%s", it->value);
	} else {
		sc_fail(p, it->line, "unknown key '%s' in [scenario]", it->key);
		return -ENOENT;
	}
	return 0;
}

static int network_key(struct parse *p, struct sc_network *net,
		       const struct ini_item *it)
{
	if (!strcmp(it->key, "type")) {
		if (strcmp(it->value, "static") && strcmp(it->value, "dhcp"))
			return sc_fail(p, it->line, "type: '%s' is not static or dhcp",
				    it->value);
		net->dhcp = !strcmp(it->value, "dhcp");
	} else if (!strcmp(it->key, "subnet")) {
		net->subnet_line = it->line;
		if (ns_subnet_parse(it->value, &net->network, &net->netmask))
			return sc_fail(p, it->line, "subnet: '%s' is not like "
				    "192.168.2.0/24 (prefix 8-30)", it->value);
		return sc_subnet_exact(p, it, net);
	} else if (!strcmp(it->key, "gateway")) {
		int rc = sv_ipv4(it->value, &net->gateway, NULL);

		net->gateway_line = it->line;
		if (rc) {
			sv_ipv4_error("gateway", it->value, rc, false, p->kv_err,
				      sizeof(p->kv_err));
			return sc_fail(p, it->line, "%s", p->kv_err);
		}
	} else {
		sc_fail(p, it->line, "unknown key '%s' in [network %s]", it->key,
			net->name);
		return -ENOENT;
	}
	return 0;
}

static int debugger_key(struct parse *p, const struct ini_item *it)
{
	struct sc_debugger *d = &p->sc->dbg;
	char kerr[128];

	if (!strcmp(it->key, "network")) {
		d->line = it->line;	/* checked once every network is known */
		return sc_copy(p, it, d->network, sizeof(d->network));
	} else if (!strcmp(it->key, "ip")) {
		int rc = sv_ipv4(it->value, &d->ip, NULL);

		d->ip_line = it->line;
		if (rc) {
			sv_ipv4_error("ip", it->value, rc, false, p->kv_err,
				      sizeof(p->kv_err));
			return sc_fail(p, it->line, "%s", p->kv_err);
		}
	} else if (!strcmp(it->key, "port")) {
		uint64_t v;

		if (value_uint(it->value, 1, 65535, &v))
			return sc_fail(p, it->line, "port: '%s' is not 1-65535", it->value);
		d->port = (uint16_t)v;
	} else if (!strcmp(it->key, "key")) {
		if (kdnet_key_parse(it->value, d->key, kerr, sizeof(kerr)))
			return sc_fail(p, it->line, "key '%s': %s", it->value, kerr);
		d->has_key = true;
	} else if (!strcmp(it->key, "mac")) {
		if (mac_parse(it->value, d->mac))
			return sc_fail(p, it->line, "mac: '%s' is not a MAC address "
				       "(six hex pairs, aa:bb:cc:dd:ee:ff)", it->value);
		if (!mac_is_nic(d->mac))
			return sc_fail(p, it->line, "mac: %s is not a station address "
				       "(zero, multicast or broadcast)", it->value);
		d->has_mac = true;
	} else if (!strcmp(it->key, "apipa_route")) {
		if (sv_bool(it->value, &d->apipa_route))
			return sc_fail(p, it->line, "apipa_route: '%s' is not yes or no",
				    it->value);
	} else if (!strcmp(it->key, "faults")) {
		if (sv_faults(it->value, &d->faults, p->kv_err, sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
	} else if (!strcmp(it->key, "vmx") || sc_vmx_line(it)) {
		return sc_debugger_vmx(p, it);	/* the debugger VM */
	} else if (!strcmp(it->key, "start")) {
		d->start_line = it->line;	/* sc_debugger_time_check() */
		if (!strcmp(it->value, "never")) {	/* no timer fires then */
			d->start_ns = DURATION_MAX_NS;
			return 0;
		}
		return sc_duration_key(p, it, &d->start_ns);
	} else {
		int rc = sc_debugger_kd_key(p, it);

		if (rc <= 0)
			return rc;
		sc_fail(p, it->line, "unknown key '%s' in [debugger]", it->key);
		return -ENOENT;
	}
	return 0;
}

static struct sc_network *network_new(struct parse *p, const char *name,
				      int line)
{
	struct sc_network *n = &p->sc->nets[p->sc->n_nets++];

	n->line = line;
	snprintf(n->name, sizeof(n->name), "%s", name);
	ns_subnet_parse("192.168.2.0/24", &n->network, &n->netmask);
	return n;
}

/* Section header: kind known, name given when needed, not seen before */
static int section_open(struct parse *p, const struct ini_item *it,
			const struct ini *ini, size_t idx)
{
	static const char *const named[] = { "network", "vm" };
	static const char *const plain[] = { "scenario", "debugger", "expect",
					     "thresholds" };
	bool is_named = !strcmp(it->key, named[0]) || !strcmp(it->key, named[1]);
	bool is_plain = false;

	for (int i = 0; i < 4; i++)
		is_plain |= !strcmp(it->key, plain[i]);
	if (!is_named && !is_plain)
		return sc_fail(p, it->line, "unknown section [%s] (scenario, network "
			    "NAME, debugger, vm NAME, expect, thresholds)", it->key);
	if (is_named && !it->name[0])
		return sc_fail(p, it->line, "[%s] needs a name: [%s NAME]", it->key,
			    it->key);
	if (is_plain && it->name[0])
		return sc_fail(p, it->line, "[%s] takes no name", it->key);
	if (strlen(it->name) >= SC_NAME || strchr(it->name, ' ') ||
	    strchr(it->name, '.'))
		return sc_fail(p, it->line, "[%s %s]: a name is one word of at most "
			       "%d characters, without dots", it->key, it->name,
			       SC_NAME - 1);
	for (size_t i = 0; i < idx; i++)
		if (ini->items[i].kind == INI_SECTION &&
		    !strcmp(ini->items[i].key, it->key) &&
		    !strcmp(ini->items[i].name, it->name))
			return sc_fail(p, it->line, "duplicate section [%s%s%s] (first "
				    "at line %d)", it->key, it->name[0] ? " " : "",
				    it->name, ini->items[i].line);
	if (!strcmp(it->key, "network") && p->sc->n_nets == SC_MAX_NETWORKS)
		return sc_fail(p, it->line, "more than %d networks", SC_MAX_NETWORKS);
	if (!strcmp(it->key, "vm") && p->sc->n_vms == SC_MAX_VMS)
		return sc_fail(p, it->line, "more than %d VMs", SC_MAX_VMS);
	return 0;
}

/* Which section takes @it's key (of kind @kind only, unless NULL): each
 * section's own handler tries it on a scratch scenario (a bad value still
 * says the key is known there) */
static const char *key_home_in(const struct parse *p, const struct ini_item *it,
			       const char *kind)
{
	static const struct ini_item vm_sec = { .kind = INI_SECTION,
						.key = "vm", .name = "x" };
	struct parse q = { .sc = g_new0(struct scenario, 1), .file = p->file };
	char err[512];
	const char *home = NULL;

#define TRY(k) (!kind || !strcmp(kind, k))
	q.err = err;
	q.errlen = sizeof(err);
	network_new(&q, "x", 0);
	sc_vm_new(&q, &vm_sec);
	if (TRY("vm") && sc_vm_key(&q, &q.sc->vms[0], it) != -ENOENT)
		home = "[vm NAME]";
	else if (TRY("network") && network_key(&q, &q.sc->nets[0], it) != -ENOENT)
		home = "[network NAME]";
	else if (TRY("debugger") && debugger_key(&q, it) != -ENOENT)
		home = "[debugger]";
	else if (TRY("scenario") && scenario_key(&q, it) != -ENOENT)
		home = "[scenario]";
#undef TRY
	g_free(q.sc);
	return home;
}

static const char *key_home(const struct parse *p, const struct ini_item *it)
{
	return key_home_in(p, it, NULL);
}

/**
 * sc_key_known() - whether a section of kind @kind takes @key, for a
 * matrix's axes
 * @kind:	"vm", "network", "debugger", "scenario"
 * @key:	the key (a Proxmox one: "net0", "machine")
 */
bool sc_key_known(const char *kind, const char *key)
{
	struct parse p = { .file = "" };
	struct ini_item it = { .kind = INI_ITEM, .line = 1, .sep = '=',
			       .value = (char *)"" };

	snprintf(it.key, sizeof(it.key), "%s", key);
	return key_home_in(&p, &it, kind) != NULL;
}

/* A key before any header, or unknown where it stands: if another section
 * takes it, its header is likely missing, so say that */
static int key_homeless(struct parse *p, const struct ini_item *it)
{
	const char *home = key_home(p, it);

	if (home)
		return sc_fail(p, it->line, "%s: belongs in a %s section; is its "
			       "header missing?", it->key, home);
	return sc_fail(p, it->line, "'%s' is outside any section", it->key);
}

static int item_take(struct parse *p, const struct ini_item *sec,
		     const struct ini_item *it)
{
	struct scenario *sc = p->sc;

	if (!sec->key[0])		/* before any section header */
		return key_homeless(p, it);
	if (!strcmp(sec->key, "scenario"))
		return scenario_key(p, it);
	if (!strcmp(sec->key, "network"))
		return network_key(p, &sc->nets[sc->n_nets - 1], it);
	if (!strcmp(sec->key, "debugger"))
		return debugger_key(p, it);
	if (!strcmp(sec->key, "vm"))
		return sc_vm_key(p, &sc->vms[sc->n_vms - 1], it);
	if (!strcmp(sec->key, "thresholds")) {
		struct sc_threshold *t = &sc->thresholds[sc->n_thresholds];

		if (sc->n_thresholds == SC_MAX_THRESHOLDS)
			return sc_fail(p, it->line, "more than %d thresholds",
				       SC_MAX_THRESHOLDS);
		if (sc_threshold_parse(it->key, it->value, t, p->kv_err,
				       sizeof(p->kv_err)))
			return sc_fail(p, it->line, "%s", p->kv_err);
		t->line = it->line;
		sc->n_thresholds++;
		return 0;
	}
	if (!strcmp(it->value, "check")) {	/* the oracle: what kdh check says */
		if (sc->oracle)
			return sc_fail(p, it->line, "check is given twice");
		sc->oracle = true;
		return 0;
	}
	if (sc->n_expects == SC_MAX_EXPECT)
		return sc_fail(p, it->line, "more than %d expectations", SC_MAX_EXPECT);
	sc->expects[sc->n_expects].line = it->line;
	if (sc_copy(p, it, sc->expects[sc->n_expects].text,
		    sizeof(sc->expects[0].text)))
		return -EINVAL;
	sc->n_expects++;
	return 0;
}

/* The same key twice in one section is a mistake, not an override
 * (but for "serial": each line is one more link; "dbgprint": one more
 * message; a pasted .vmx line's key is cut at its colon, and vmx.c judges
 * its duplicates) */
static int duplicate_key(struct parse *p, const struct ini *ini, size_t sec,
			 size_t idx)
{
	const struct ini_item *it = &ini->items[idx];

	if (!it->key[0] || !strcmp(it->key, "serial") ||
	    !strcmp(it->key, "dbgprint") || sc_vmx_line(it))
		return 0;
	for (size_t i = sec + 1; i < idx; i++)
		if (!strcmp(ini->items[i].key, it->key))
			return sc_fail(p, it->line, "duplicate key '%s' (first at line "
				    "%d)", it->key, ini->items[i].line);
	return 0;
}

static int walk(struct parse *p, const struct ini *ini)
{
	size_t sec = 0;
	int rc;

	for (size_t i = 0; i < ini->n; i++) {
		const struct ini_item *it = &ini->items[i];

		if (it->kind == INI_SECTION && !it->key[0]) {
			sec = i;	/* items before the first header */
			continue;
		}
		if (it->kind == INI_SECTION) {
			if (section_open(p, it, ini, i))
				return -EINVAL;
			sec = i;
			if (!strcmp(it->key, "network"))
				network_new(p, it->name, it->line);
			else if (!strcmp(it->key, "vm"))
				sc_vm_new(p, it);
			if (!strcmp(it->key, "vm") &&	/* a .vmx first */
			    sc_vm_vmx(p, &p->sc->vms[p->sc->n_vms - 1], ini, i))
				return -EINVAL;
			continue;
		}
		if (duplicate_key(p, ini, sec, i))
			return -EINVAL;
		rc = item_take(p, &ini->items[sec], it);
		if (rc == -ENOENT && ini->items[sec].key[0] &&
		    key_home(p, it))
			return key_homeless(p, it);
		if (rc)
			return -EINVAL;
	}
	return 0;
}

/**
 * sc_parse_items() - a scenario from INI items (a file's, or a matrix
 * cell's); scenario_parse() says the rest; a [matrix] is refused
 * @file:	name for messages
 * @ini:	the items
 * @hash:	the scenario's hash (of its text, or of the cell's)
 * @sc:		output
 * @err:	"file:line: what is wrong" on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled (nothing of @sc is usable)
 */
int sc_parse_items(const char *file, const struct ini *ini, uint64_t hash,
		   struct scenario *sc, char *err, size_t errlen)
{
	struct parse p = { sc, file, err, errlen, "" };
	const char *base = !strncmp(file, "built-in:", 9) ? file + 8 :
			   strrchr(file, '/');

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->file, sizeof(sc->file), "%s", file);
	snprintf(sc->name, sizeof(sc->name), "%s", base ? base + 1 : file);
	if (strchr(sc->name, '.'))
		*strrchr(sc->name, '.') = '\0';
	sc->timeout_ns = 2 * 60 * NS_PER_S;
	sc->hash = hash;
	for (size_t i = 0; i < ini->n; i++)
		if (ini->items[i].kind == INI_SECTION &&
		    !strcmp(ini->items[i].key, "matrix"))
			return sc_fail(&p, ini->items[i].line, "a [matrix] expands "
				       "to cells: load it with sc_matrix_parse()");
	if (walk(&p, ini))
		return -EINVAL;
	return scenario_check(&p);
}

/**
 * scenario_parse() - read a scenario from text
 * @file:	name for messages ("scenarios/seed-dhcp-hang.kdh", or for a
 *		compiled-in one "built-in:seed-dhcp-hang.kdh"); its base name
 *		less the extension is the scenario's name
 * @text:	contents
 * @sc:		output
 * @err:	"file:line: what is wrong" on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled (nothing of @sc is usable)
 */
int scenario_parse(const char *file, const char *text, struct scenario *sc,
		   char *err, size_t errlen)
{
	struct ini ini;
	char ierr[256];
	int rc;

	if (ini_parse(text, &ini, ierr, sizeof(ierr))) {
		memset(sc, 0, sizeof(*sc));
		snprintf(err, errlen, "%s:%s", file, ierr);
		return -EINVAL;
	}
	rc = sc_parse_items(file, &ini, g_str_hash(text) ^
			    ((uint64_t)strlen(text) << 32), sc, err, errlen);
	ini_free(&ini);
	return rc;
}

/**
 * scenario_load() - read and parse a scenario file
 * @path:	file
 * @sc:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL / -errno with @err filled
 */
int scenario_load(const char *path, struct scenario *sc, char *err,
		  size_t errlen)
{
	gchar *text = text_read(path, FILE_SCENARIO, err, errlen);
	int rc;

	if (!text)
		return -EINVAL;
	rc = scenario_parse(path, text, sc, err, errlen);
	g_free(text);
	return rc;
}

/** sc_network_find() - a network by name, or NULL */
const struct sc_network *sc_network_find(const struct scenario *sc,
					 const char *name)
{
	for (size_t i = 0; i < sc->n_nets; i++)
		if (!strcmp(sc->nets[i].name, name))
			return &sc->nets[i];
	return NULL;
}

/**
 * sc_net_index() - a network's index in the scenario
 * @sc:		scenario
 * @name:	the [network NAME]
 *
 * Return: its index in @sc->nets, 0 when none has that name (the checks
 * made sure each name a VM or the debugger uses is there)
 */
size_t sc_net_index(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->n_nets; i++)
		if (!strcmp(sc->nets[i].name, name))
			return i;
	return 0;
}
