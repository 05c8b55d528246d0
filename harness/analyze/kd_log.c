// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_log.c - kd-VM.log: what one debuggee said over KD, a line per
 * packet, and the DbgPrint lines a `dbgprint ~ REGEX` expectation matches
 *
 * Theory of operation: the wire analysis keeps each debuggee's KD log
 * (struct an_kd: kd_note_str() of every KD data packet, a DbgPrint's text
 * apart) while it reads a capture.  These functions only turn that log
 * into text, so they are tested with a log filled by hand:
 *
 *   # kd.log of win in kd-boot: Windows build 26100, kernel base 0xFFFFF80312000000
 *       0.512345  load symbols \SystemRoot\system32\ntoskrnl.exe at ...
 *       4.002000  DbgPrint "driver ready"
 *   # ... 12 more lines not kept (kdh keeps the first 20000)
 *   # bugcheck 0x000000D1 (0x0000000000000000, 0x0000000000000002, ...)
 *   # waiting since 9.100000 for an answer to load symbols ... (ACKed)
 *   # 52 modules loaded, 3 DbgPrint lines, 1 break, 0 exceptions, ...
 *
 * Times are seconds from the VM's latest power-on, as in result.json.
 * Text from the guest is printable already (kd_text_clean()); a line
 * break left in it becomes a blank, so one packet stays one line.  The
 * counts are the analysis's, over every packet, kept in the log or not.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kdh/analyze/kd_log.h"
#include "kdh/util/fileio.h"

static double secs_of(uint64_t t_ns, uint64_t power_on_ns)
{
	uint64_t t0 = power_on_ns == AN_NONE ? 0 : power_on_ns;

	return ((double)t_ns - (double)t0) / 1e9;
}

/* @text on one line: control characters become blanks */
static void one_line(GString *s, const char *text)
{
	for (const char *c = text ? text : ""; *c; c++)
		g_string_append_c(s, (unsigned char)*c < 0x20 ? ' ' : *c);
}

static void header(GString *s, const struct an_kd *kd,
		   const struct kd_log_whose *w)
{
	g_string_append_printf(s, "# kd.log of %s in %s: ", w->vm, w->scenario);
	if (!kd->has_version) {
		g_string_append(s, "no GetVersion reply\n");
		return;
	}
	g_string_append_printf(s, "Windows build %u, kernel base 0x%016" PRIX64
			       "%s\n", kd->version.build, kd->version.kern_base,
			       kd->version.major >> 8 == 4 ? " (boot debugger)" : "");
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The closing lines: what was not kept, the bugcheck, the wait, the
 * counts */
static void footer(GString *s, const struct an_kd *kd, uint64_t power_on_ns)
{
	const struct kd_bugcheck *b = &kd->bugcheck;

	if (kd->log_dropped)
		g_string_append_printf(s, "# ... %u more line%s not kept (kdh keeps "
				       "the first %u)\n", kd->log_dropped,
				       plural(kd->log_dropped, "", "s"), AN_KD_LOG_MAX);
	if (kd->bugcheck_seen)
		g_string_append_printf(s, "# bugcheck 0x%08" PRIX32 " (0x%016" PRIX64
				       ", 0x%016" PRIX64 ", 0x%016" PRIX64 ", 0x%016"
				       PRIX64 ")\n", b->code, b->param[0],
				       b->param[1], b->param[2], b->param[3]);
	if (kd->waiting) {
		g_string_append_printf(s, "# waiting since %.6f for an answer to ",
				       secs_of(kd->wait_since_ns, power_on_ns));
		one_line(s, kd->wait_what);
		g_string_append(s, kd->wait_answered_ack ? " (ACKed, never "
				"continued)\n" : "\n");
	}
	g_string_append_printf(s, "# %u module%s loaded, %u DbgPrint line%s, "
		"%u break%s, %u exception%s, %u file%s asked, %u continue%s; %u KD "
		"packet%s, %u malformed\n", kd->modules_loaded,
		plural(kd->modules_loaded, "", "s"), kd->dbgprint_lines,
		plural(kd->dbgprint_lines, "", "s"), kd->breaks,
		plural(kd->breaks, "", "s"), kd->exceptions,
		plural(kd->exceptions, "", "s"), kd->file_opens,
		plural(kd->file_opens, "", "s"), kd->continues,
		plural(kd->continues, "", "s"), kd->packets,
		plural(kd->packets, "", "s"), kd->malformed);
}

/**
 * kd_log_text() - kd-VM.log's text
 * @kd:		the debuggee's KD conversation (analysis_vm_kd())
 * @w:		whose it is
 *
 * Return: g_malloc'd text, a header line, "%12.6f  text" per log line,
 * then the closing lines (g_free it)
 */
char *kd_log_text(const struct an_kd *kd, const struct kd_log_whose *w)
{
	GString *s = g_string_new(NULL);

	header(s, kd, w);
	for (guint i = 0; kd->log && i < kd->log->len; i++) {
		const struct an_kd_line *l = &g_array_index(kd->log,
							    struct an_kd_line, i);

		g_string_append_printf(s, "%12.6f  ", secs_of(l->t_ns,
							      w->power_on_ns));
		one_line(s, l->text);
		g_string_append_c(s, '\n');
	}
	footer(s, kd, w->power_on_ns);
	return g_string_free(s, FALSE);
}

/**
 * kd_log_write() - write kd-VM.log atomically
 * @path:	the file
 * @kd:		the debuggee's KD conversation
 * @w:		whose it is
 *
 * Return: 0 or a negative errno
 */
int kd_log_write(const char *path, const struct an_kd *kd,
		 const struct kd_log_whose *w)
{
	char *text = kd_log_text(kd, w);
	int rc = write_file_atomic(path, text, strlen(text));

	g_free(text);
	return rc;
}

/**
 * kd_log_match() - the DbgPrint lines of a KD log that @re matches
 * @kd:		the debuggee's KD conversation
 * @re:		the pattern (a `dbgprint ~` expectation's)
 * @looked:	output: the DbgPrint lines looked at (those the log kept)
 * @first:	output: the first line matched, cut to @len ("" if none)
 * @len:	its size
 *
 * Return: how many matched
 */
unsigned kd_log_match(const struct an_kd *kd, const GRegex *re,
		      unsigned *looked, char *first, size_t len)
{
	unsigned n = 0;

	*looked = 0;
	if (len)
		first[0] = '\0';
	for (guint i = 0; kd->log && i < kd->log->len; i++) {
		const struct an_kd_line *l = &g_array_index(kd->log,
							    struct an_kd_line, i);

		if (l->kind != KD_NOTE_PRINT || !l->print)
			continue;
		(*looked)++;
		if (!g_regex_match(re, l->print, 0, NULL))
			continue;
		if (!n++ && len) {	/* "ready\n" reads as "ready" */
			char *t = g_strstrip(g_strdup(l->print));

			snprintf(first, len, "%s", t);
			g_strdelimit(first, "\t\r\n", ' ');
			g_free(t);
		}
	}
	return n;
}
