// SPDX-License-Identifier: GPL-2.0-or-later
/* expect.c - expectations: "[vm.]metric op value", parsed and checked
 *
 * Metrics are the analyzer's (design.md section 6).  Durations take units
 * (30s, 10m), counts are plain numbers, the rest are words.  "none" means
 * the figure must not exist (connect_time = none: never connected).
 *   outcome = connected          connect_time < 30s
 *   dhcp_phase within 9m..11m    win1.debug_nic = net1
 * What the guest said over KD: counts (modules_loaded, dbgprint_lines,
 * breaks, exceptions), a stop code (bugcheck = 0xD1, bugcheck = none) and
 * its DbgPrint lines: "dbgprint ~ REGEX" holds when at least one line
 * matches, "!~" when none does.  The pattern compiles when the line is
 * parsed, so a bad one is an error before anything runs; it is matched
 * later, while the capture's analysis is alive (verdict.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "netsim/duration.h"
#include "netsim/value.h"
#include "kdh/scenario/scenario.h"

/* K_CODE: a stop code, kept as "0x000000D1"; K_REGEX: only ~ and !~ */
enum mkind { K_DURATION, K_COUNT, K_WORD, K_CHOICE, K_CODE, K_REGEX };

static const char *const outcomes[] = { "connected", "apipa-after-hang",
	"no-kdnet-traffic", "wrong-nic", "key-mismatch", "timeout", "vm-failed",
	"bugcheck", "break", "stalled", NULL };
static const char *const sources[] = { "dhcp", "static", "apipa", NULL };
static const char *const okay[] = { "ok", "none", NULL };

static const struct {
	const char *name;
	enum mkind kind;
	const char *const *choices;
} metrics[M_N_METRICS] = {
	[M_OUTCOME] = { "outcome", K_CHOICE, outcomes },
	[M_CONNECT_TIME] = { "connect_time", K_DURATION, NULL },
	[M_DHCP_PHASE] = { "dhcp_phase", K_DURATION, NULL },
	[M_DISCOVER_COUNT] = { "discover_count", K_COUNT, NULL },
	[M_ADDRESS] = { "address", K_WORD, NULL },
	[M_ADDRESS_SOURCE] = { "address_source", K_CHOICE, sources },
	[M_DEBUG_NIC] = { "debug_nic", K_WORD, NULL },
	[M_FIRST_KDNET] = { "first_kdnet", K_DURATION, NULL },
	[M_LOGO_HANG] = { "logo_hang", K_DURATION, NULL },
	[M_OS_NETWORK] = { "os_network", K_CHOICE, okay },
	[M_BOOTS] = { "boots", K_COUNT, NULL },
	[M_SERIAL_CONNECT_TIME] = { "serial_connect_time", K_DURATION, NULL },
	[M_MODULES_LOADED] = { "modules_loaded", K_COUNT, NULL },
	[M_DBGPRINT_LINES] = { "dbgprint_lines", K_COUNT, NULL },
	[M_BREAKS] = { "breaks", K_COUNT, NULL },
	[M_EXCEPTIONS] = { "exceptions", K_COUNT, NULL },
	[M_BUGCHECK] = { "bugcheck", K_CODE, NULL },
	[M_DBGPRINT] = { "dbgprint", K_REGEX, NULL },
};

static const char *const op_names[] = { "=", "!=", "<", "<=", ">", ">=",
	"within", "~", "!~" };

/** sc_metric_name() - "connect_time", ... */
const char *sc_metric_name(enum sc_metric m)
{
	return metrics[m].name;
}

static int number(enum mkind kind, const char *s, double *out)
{
	uint64_t ns;

	if (kind == K_DURATION) {
		if (duration_parse(s, &ns))
			return -EINVAL;
		*out = (double)ns / 1e9;
		return 0;
	}
	/* counts: plain decimals, no nan/inf/exponent (value_decimal) */
	return value_decimal(&s, out) || *s ? -EINVAL : 0;
}

static int choice_parse(struct sc_expect *e, const char *v, char *err,
			size_t errlen)
{
	const char *const *c = metrics[e->metric].choices;
	gchar *list;

	for (size_t i = 0; c[i]; i++)
		if (!strcmp(c[i], v)) {
			snprintf(e->str, sizeof(e->str), "%s", v);
			return 0;
		}
	list = g_strjoinv(", ", (gchar **)c);
	snprintf(err, errlen, "%s: '%s' is not one of %s", metrics[e->metric].name,
		 v, list);
	g_free(list);
	return -EINVAL;
}

/* "0xD1", "0xd1", "0x000000d1": the same stop code, kept as "0x000000D1" */
static int code_parse(struct sc_expect *e, const char *v, char *err,
		      size_t errlen)
{
	size_t n = strspn(v + 2, "0123456789abcdefABCDEF");

	if ((v[0] != '0' || (v[1] != 'x' && v[1] != 'X')) || !n || n > 8 ||
	    v[2 + n]) {
		snprintf(err, errlen, "%s: '%s' is not a stop code (0xD1, "
			 "0x000000D1) or none", metrics[e->metric].name, v);
		return -EINVAL;
	}
	snprintf(e->str, sizeof(e->str), "0x%08lX", strtoul(v + 2, NULL, 16));
	return 0;
}

/* "REGEX" or "/REGEX/"; it must compile (GRegex, PCRE syntax) */
static int regex_parse(struct sc_expect *e, const char *v, char *err,
		       size_t errlen)
{
	size_t n = strlen(v);
	GError *ge = NULL;
	GRegex *re;

	if (n >= 2 && v[0] == '/' && v[n - 1] == '/')
		snprintf(e->re, sizeof(e->re), "%.*s", (int)n - 2, v + 1);
	else
		snprintf(e->re, sizeof(e->re), "%s", v);
	re = g_regex_new(e->re, 0, 0, &ge);
	if (!re) {
		/* GLib: "Error while compiling regular expression ‘(’ at char 1:
		 * missing terminating )"; the pattern is said already */
		const char *at = strstr(ge->message, " at char ");

		snprintf(err, errlen, "%s: '%s' is not a regular expression%s%s",
			 metrics[e->metric].name, e->re, at ? "," : ": ",
			 at ? at : ge->message);
		g_error_free(ge);
		return -EINVAL;
	}
	g_regex_unref(re);
	return 0;
}

static int value_parse(struct sc_expect *e, const char *v, char *err,
		       size_t errlen)
{
	enum mkind kind = metrics[e->metric].kind;
	const char *name = metrics[e->metric].name;
	char lo[32], hi[32];

	if (!strcmp(v, "none") && kind != K_CHOICE && e->op <= OP_NE) {
		e->none = true;
		return 0;
	}
	if (e->op == OP_WITHIN) {
		const char *dots = strstr(v, "..");

		if (!dots || dots - v >= (int)sizeof(lo) || strlen(dots + 2) >= sizeof(hi))
			goto bad_range;
		snprintf(lo, sizeof(lo), "%.*s", (int)(dots - v), v);
		snprintf(hi, sizeof(hi), "%s", dots + 2);
		if (number(kind, lo, &e->num) || number(kind, hi, &e->num2) ||
		    e->num > e->num2)
			goto bad_range;
		return 0;
	}
	if (kind == K_DURATION || kind == K_COUNT) {
		if (!number(kind, v, &e->num))
			return 0;
		snprintf(err, errlen, "%s: '%s' is not a %s", name, v,
			 kind == K_DURATION ? "duration (30s, 10m)" : "number");
		return -EINVAL;
	}
	if (kind == K_CHOICE)
		return choice_parse(e, v, err, errlen);
	if (kind == K_CODE)
		return code_parse(e, v, err, errlen);
	if (kind == K_REGEX)
		return regex_parse(e, v, err, errlen);
	snprintf(e->str, sizeof(e->str), "%s", v);
	return 0;
bad_range:
	snprintf(err, errlen, "%s within: expected A..B with A <= B, not '%s'",
		 name, v);
	return -EINVAL;
}

static int op_parse(const char **p, enum sc_op *op)
{
	for (int i = OP_NOMATCH; i >= OP_EQ; i--) {	/* "<=" before "<" */
		size_t n = strlen(op_names[i]);

		if (!strncmp(*p, op_names[i], n)) {
			*op = (enum sc_op)i;
			*p += n;
			return 0;
		}
	}
	return -EINVAL;
}

/* "unknown metric 'x' (outcome, connect_time, ...)": every name of the
 * table, so a metric added there is listed here too; "check = yes" and
 * "expect = check" meant the oracle, which is "check" alone */
static void metric_unknown(const char *metric, char *err, size_t errlen)
{
	GString *g = g_string_new(NULL);

	if (!strcmp(metric, "check") || !strcmp(metric, "expect")) {
		snprintf(err, errlen, "%s is no metric: the oracle is the word "
			 "check alone on its line, with no value (kdh check's "
			 "prediction is the expectation; expect = check is "
			 "[matrix]'s spelling)", metric);
		g_string_free(g, TRUE);
		return;
	}

	for (int m = 0; m < M_N_METRICS; m++)
		g_string_append_printf(g, "%s%s", m ? ", " : "", metrics[m].name);
	snprintf(err, errlen, "unknown metric '%s' (%s)", metric, g->str);
	g_string_free(g, TRUE);
}

static int subject_parse(const struct scenario *sc, const char *subj,
			 struct sc_expect *e, char *err, size_t errlen)
{
	const char *dot = strchr(subj, '.'), *metric = dot ? dot + 1 : subj;
	bool found = false;

	e->vm[0] = '\0';
	if (dot) {
		snprintf(e->vm, sizeof(e->vm), "%.*s", (int)(dot - subj), subj);
		for (size_t i = 0; i < sc->n_vms; i++)
			found |= !strcmp(sc->vms[i].name, e->vm);
		if (!found) {
			snprintf(err, errlen, "no [vm %s] for '%s'", e->vm, subj);
			return -EINVAL;
		}
	} else if (sc->n_vms > 1) {
		snprintf(err, errlen, "'%s': say which VM (VM.%s) when there are "
			 "several", subj, subj);
		return -EINVAL;
	}
	for (int m = 0; m < M_N_METRICS; m++)
		if (!strcmp(metrics[m].name, metric)) {
			e->metric = (enum sc_metric)m;
			return 0;
		}
	metric_unknown(metric, err, errlen);
	return -EINVAL;
}

/* Which operators a metric takes: ~ and !~ only dbgprint, which takes
 * nothing else; words and codes only = and != */
static int op_check(const struct sc_expect *e, const char *subj, char *err,
		    size_t errlen)
{
	bool match = e->op == OP_MATCH || e->op == OP_NOMATCH;
	enum mkind kind = metrics[e->metric].kind;

	if (kind == K_REGEX && !match) {
		snprintf(err, errlen, "%s matches only with ~ or !~ (%s ~ REGEX)",
			 subj, subj);
		return -EINVAL;
	}
	if (kind != K_REGEX && match) {
		snprintf(err, errlen, "%s: ~ and !~ match DbgPrint lines: "
			 "dbgprint ~ REGEX", subj);
		return -EINVAL;
	}
	if (kind != K_REGEX && e->op > OP_NE && kind >= K_WORD) {
		snprintf(err, errlen, "%s compares only with = or !=", subj);
		return -EINVAL;
	}
	return 0;
}

/**
 * sc_expect_parse() - read one line of [expect]
 * @sc:		scenario (for VM names)
 * @line:	"[vm.]metric op value"
 * @e:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL
 */
int sc_expect_parse(const struct scenario *sc, const char *line,
		    struct sc_expect *e, char *err, size_t errlen)
{
	char subj[80];
	const char *p = line;
	size_t n = strcspn(p, " \t=!<>~");

	memset(e, 0, sizeof(*e));
	snprintf(e->text, sizeof(e->text), "%s", line);
	if (!n || n >= sizeof(subj)) {
		snprintf(err, errlen, "'%s' is not 'metric op value'", line);
		return -EINVAL;
	}
	snprintf(subj, sizeof(subj), "%.*s", (int)n, p);
	if (subject_parse(sc, subj, e, err, errlen))
		return -EINVAL;
	for (p += n; *p == ' ' || *p == '\t'; p++)
		;
	if (op_parse(&p, &e->op)) {
		snprintf(err, errlen, "'%s': expected =, !=, <, <=, >, >=, "
			 "within, ~ or !~ after %s", line, subj);
		return -EINVAL;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		snprintf(err, errlen, "'%s': a value is missing", line);
		return -EINVAL;
	}
	if (op_check(e, subj, err, errlen))
		return -EINVAL;
	return value_parse(e, p, err, errlen);
}

/** sc_metric_is_number() - durations and counts (else words) */
bool sc_metric_is_number(enum sc_metric m)
{
	return metrics[m].kind <= K_COUNT;
}

/** sc_metric_is_count() - a count (a whole number), not a duration */
bool sc_metric_is_count(enum sc_metric m)
{
	return metrics[m].kind == K_COUNT;
}

/* dbgprint: "no DbgPrint line matching (3 lines)", "2 DbgPrint lines
 * matching (of 40)", "no KD conversation" */
static void matches_str(const struct sc_value *v, char *buf, size_t len)
{
	if (!v->present)
		snprintf(buf, len, "no KD conversation");
	else if (v->num < 1)
		snprintf(buf, len, "no DbgPrint line matching (%u line%s)", v->lines,
			 v->lines == 1 ? "" : "s");
	else
		snprintf(buf, len, "%.0f DbgPrint line%s matching (of %u)", v->num,
			 v->num == 1 ? "" : "s", v->lines);
}

/**
 * sc_value_str() - a measured figure as an expectation's message shows it
 * @e:		the expectation (its metric's kind)
 * @v:		the figure
 * @buf:	output: "4.000s", "13", "key-mismatch", "0x000000D1", "none",
 *		or for dbgprint "no DbgPrint line matching (3 lines)"
 * @len:	its size
 */
void sc_value_str(const struct sc_expect *e, const struct sc_value *v,
		  char *buf, size_t len)
{
	if (metrics[e->metric].kind == K_REGEX)
		matches_str(v, buf, len);
	else if (!v->present)
		snprintf(buf, len, "none");
	else if (metrics[e->metric].kind == K_DURATION)
		snprintf(buf, len, "%.3fs", v->num);
	else if (metrics[e->metric].kind == K_COUNT)
		snprintf(buf, len, "%.0f", v->num);
	else
		snprintf(buf, len, "%s", v->str);
}

static bool compare(const struct sc_expect *e, const struct sc_value *v)
{
	if (!sc_metric_is_number(e->metric)) {
		bool eq = !strcmp(v->str, e->str);

		return e->op == OP_EQ ? eq : !eq;
	}
	switch (e->op) {
	case OP_EQ:	return v->num == e->num;
	case OP_NE:	return v->num != e->num;
	case OP_LT:	return v->num < e->num;
	case OP_LE:	return v->num <= e->num;
	case OP_GT:	return v->num > e->num;
	case OP_GE:	return v->num >= e->num;
	case OP_WITHIN:	return v->num >= e->num && v->num <= e->num2;
	case OP_MATCH:
	case OP_NOMATCH:
		break;		/* dbgprint: sc_expect_eval() */
	}
	return false;
}

/**
 * sc_expect_eval() - check a measured figure against an expectation
 * @e:		expectation
 * @v:		the figure
 * @why:	on failure: "outcome = connected, got key-mismatch", "dbgprint
 *		~ /ready/, got no DbgPrint line matching (3 lines)"
 * @len:	its size
 *
 * dbgprint ~ holds when at least one DbgPrint line matched (@v->num), !~
 * when none did (a VM without a KD conversation printed nothing).
 *
 * Return: true when the expectation holds
 */
bool sc_expect_eval(const struct sc_expect *e, const struct sc_value *v,
		    char *why, size_t len)
{
	char got[64];
	bool ok;

	if (e->op == OP_MATCH || e->op == OP_NOMATCH)
		ok = (e->op == OP_MATCH) == (v->present && v->num >= 1);
	else if (e->none)
		ok = e->op == OP_EQ ? !v->present : v->present;
	else if (!v->present)
		ok = e->op == OP_NE && !sc_metric_is_number(e->metric);
	else
		ok = compare(e, v);
	if (!ok) {
		sc_value_str(e, v, got, sizeof(got));
		if (e->op == OP_NOMATCH)	/* which line, to find it in kd.log */
			snprintf(why, len, "%s, got %s, the first \"%s\"", e->text,
				 got, v->str);
		else
			snprintf(why, len, "%s, got %s", e->text, got);
	}
	return ok;
}

/** sc_metric_from_name() - enum sc_metric of a name, or -1 */
int sc_metric_from_name(const char *name)
{
	for (int m = 0; m < M_N_METRICS; m++)
		if (!strcmp(metrics[m].name, name))
			return m;
	return -1;
}

/* One term: "+20%", "-5s", "±10%", "+-2"; *@seen: which of up/down x
 * percent/absolute were given (twice the same is refused: one would be
 * silently dropped) */
static int threshold_term(struct sc_threshold *t, const char *term,
			  unsigned *seen)
{
	bool up = false, down = false, pct;
	double v;

	if (!strncmp(term, "±", strlen("±"))) {
		up = down = true;
		term += strlen("±");
	} else if (!strncmp(term, "+-", 2)) {
		up = down = true;
		term += 2;
	} else if (*term == '+' || *term == '-') {
		up = *term == '+';
		down = !up;
		term++;
	} else {
		return -EINVAL;
	}
	pct = term[0] && term[strlen(term) - 1] == '%';
	if (pct) {
		const char *q = term;

		if (value_decimal(&q, &v) || strcmp(q, "%"))
			return -EINVAL;
	} else if (number(metrics[t->metric].kind, term, &v) || v < 0) {
		return -EINVAL;
	}
	if ((up && *seen & (pct ? 1u : 2u)) || (down && *seen & (pct ? 4u : 8u)))
		return -EEXIST;
	*seen |= (up ? (pct ? 1u : 2u) : 0) | (down ? (pct ? 4u : 8u) : 0);
	if (up) {
		t->up = true;
		*(pct ? &t->up_pct : &t->up_abs) = v;
	}
	if (down) {
		t->down = true;
		*(pct ? &t->down_pct : &t->down_abs) = v;
	}
	return 0;
}

/**
 * sc_threshold_parse() - "+20% or +2s", "±10%", "+-10%", "+2"
 * @metric:	a duration or count metric name
 * @text:	the allowance
 * @t:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0 or -EINVAL
 */
int sc_threshold_parse(const char *metric, const char *text,
		       struct sc_threshold *t, char *err, size_t errlen)
{
	gchar **terms;
	int m = sc_metric_from_name(metric), rc = 0;
	unsigned seen = 0;

	memset(t, 0, sizeof(*t));
	if (m < 0 || !sc_metric_is_number((enum sc_metric)m)) {
		snprintf(err, errlen, "thresholds: '%s' is not a duration or count "
			 "metric (connect_time, dhcp_phase, first_kdnet, logo_hang, "
			 "discover_count)", metric);
		return -EINVAL;
	}
	t->metric = (enum sc_metric)m;
	snprintf(t->text, sizeof(t->text), "%s", text);
	terms = g_strsplit(text, " or ", -1);
	for (gchar **p = terms; *p && !rc; p++)
		rc = threshold_term(t, g_strstrip(*p), &seen);
	g_strfreev(terms);
	if (rc)
		snprintf(err, errlen, rc == -EEXIST ? "%s: '%s' allows one way "
			 "twice (each way at most one %% and one amount)" :
			 "%s: '%s' is not like '+20%% or +2s' or '±10%%'", metric,
			 text);
	return rc;
}
