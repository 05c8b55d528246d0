// SPDX-License-Identifier: GPL-2.0-or-later
/* man.c - roff for kdh(1) and kdh-COMMAND(1), from the command table
 *
 * A command's page is its `kdh help` text laid out as roff, so the help and
 * the page cannot drift: .summary is NAME, .usage the SYNOPSIS, the help's
 * "Options:" block OPTIONS (a .TP per option line), its "Exit status:"
 * paragraph EXIT STATUS and its "Example:" blocks EXAMPLES; every other
 * paragraph is DESCRIPTION, in the help's order, indented lines kept as
 * they are (.nf) and "- " lines as bullets.  Text is escaped: '\' and '-',
 * a '.' or '\'' starting a line, and non-ASCII as \[uXXXX].
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "kdh/cli/man.h"

struct roff {
	FILE *out;
	bool bol;	/* at the start of an output line */
};

enum block_kind { BLOCK_DESC, BLOCK_OPTIONS, BLOCK_EXIT, BLOCK_EXAMPLE };

/* a paragraph of the help: lines [from, to), the first @skip bytes of
 * line @from (a heading) left out */
struct block {
	enum block_kind kind;
	size_t from, to, skip;
};

#define MAX_BLOCKS	64

static void roff_text(struct roff *r, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		unsigned char c = (unsigned char)*s;
		gunichar u;

		if (r->bol && (c == '.' || c == '\''))
			fputs("\\&", r->out);
		r->bol = false;
		if (c >= 0x80) {
			u = g_utf8_get_char_validated(s, end - s);
			if (u == (gunichar)-1 || u == (gunichar)-2) {
				fputc('?', r->out);
				s++;
			} else {
				fprintf(r->out, "\\[u%04X]", (unsigned)u);
				s = g_utf8_next_char(s);
			}
			continue;
		}
		if (c == '\\')
			fputs("\\e", r->out);
		else if (c == '-')
			fputs("\\-", r->out);
		else
			fputc(c, r->out);
		if (c == '\n')
			r->bol = true;
		s++;
	}
}

static void roff_str(struct roff *r, const char *s)
{
	roff_text(r, s, strlen(s));
}

static void roff_nl(struct roff *r)
{
	if (!r->bol)
		fputc('\n', r->out);
	r->bol = true;
}

/* a request or macro line, on a line of its own */
static void __attribute__((format(printf, 2, 3)))
roff_req(struct roff *r, const char *fmt, ...)
{
	va_list ap;

	roff_nl(r);
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	r->bol = false;
	roff_nl(r);
}

static void roff_font(struct roff *r, char f, const char *s, size_t len)
{
	fprintf(r->out, "\\f%c", f);
	r->bol = false;
	roff_text(r, s, len);
	fputs("\\fR", r->out);
}

static bool is_sep(char c)
{
	return c == ' ' || c == ',' || c == '|' || c == '[' || c == ']' ||
	       c == '(' || c == ')' || c == '\0';
}

/*
 * roff_words() - a synopsis or an option tag: options and literal words
 * bold, placeholders (FILE, K/N) italic, brackets and bars plain
 */
static void roff_words(struct roff *r, const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		bool start = i == 0 || is_sep(s[i - 1]);
		char c = s[i];

		if (start && (c == '-' || islower((unsigned char)c))) {
			for (n = i; n < len && (isalnum((unsigned char)s[n]) ||
					      s[n] == '-'); n++)
				;
			roff_font(r, 'B', s + i, n - i);
		} else if (start && isupper((unsigned char)c)) {
			for (n = i; n < len && !is_sep(s[n]); n++)
				;
			roff_font(r, 'I', s + i, n - i);
		} else {
			n = i + 1;
			roff_text(r, s + i, 1);
		}
		i = n;
	}
}

static size_t indent_of(const char *l)
{
	return strspn(l, " ");
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* what an unindented line opens, and how much of it is heading */
static enum block_kind heading_kind(const char *l, size_t *skip)
{
	size_t len = strlen(l);

	*skip = 0;
	if (!strcmp(l, "Options:")) {
		*skip = len;
		return BLOCK_OPTIONS;
	}
	if (starts(l, "Example") && len && l[len - 1] == ':') {
		if (!strcmp(l, "Example:") || !strcmp(l, "Examples:"))
			*skip = len;
		return BLOCK_EXAMPLE;
	}
	if (starts(l, "Exit status:")) {
		*skip = strlen("Exit status:");
		*skip += strspn(l + *skip, " ");
		return BLOCK_EXIT;
	}
	return BLOCK_DESC;
}

static size_t blocks_split(char **lines, struct block *b, size_t max)
{
	size_t nb = 0;
	bool open = false, prev_indented = false;

	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		size_t ind = indent_of(l), skip;
		enum block_kind k;

		if (!l[ind]) {
			open = prev_indented = false;
			continue;
		}
		k = ind ? BLOCK_DESC : heading_kind(l, &skip);
		if (ind)
			skip = 0;
		if (!open || k != BLOCK_DESC ||
		    (!ind && prev_indented && b[nb - 1].kind != BLOCK_DESC)) {
			if (nb == max)
				break;
			b[nb++] = (struct block){ k, i, i + 1, skip };
			open = true;
		} else {
			b[nb - 1].to = i + 1;
		}
		prev_indented = ind > 0;
	}
	return nb;
}

/* a DESCRIPTION, EXIT STATUS or EXAMPLES paragraph */
static void block_text(struct roff *r, char **lines, const struct block *b)
{
	bool verb = false, bullet = false;

	roff_req(r, ".PP");
	for (size_t i = b->from; i < b->to; i++) {
		const char *l = lines[i] + (i == b->from ? b->skip : 0);
		size_t ind = indent_of(l);

		if (!l[ind])
			continue;
		if (!ind) {
			if (verb)
				roff_req(r, ".fi\n.RE");
			verb = false;
			if (starts(l, "- ")) {
				roff_req(r, ".IP \\(bu 2");
				l += 2;
				bullet = true;
			} else if (bullet) {
				roff_req(r, ".PP");
				bullet = false;
			}
			roff_str(r, l);
		} else if (bullet && !verb) {
			roff_str(r, l + ind);
		} else {
			if (!verb)
				roff_req(r, ".RS 4\n.nf");
			verb = true;
			roff_str(r, l + (ind < 2 ? ind : 2));
		}
		roff_nl(r);
	}
	if (verb)
		roff_req(r, ".fi\n.RE");
}

/* an "Options:" block: a .TP per line starting with '-', the lines
 * indented deeper its description */
static void block_options(struct roff *r, char **lines, const struct block *b)
{
	bool entry = false;
	size_t entry_ind = 0;

	for (size_t i = b->from; i < b->to; i++) {
		const char *l = lines[i] + (i == b->from ? b->skip : 0);
		size_t ind = indent_of(l), tag;
		const char *s = l + ind, *gap;

		if (!*s)
			continue;
		if (*s == '-' && (!entry || ind <= entry_ind)) {
			gap = strstr(s, "  ");
			tag = gap ? (size_t)(gap - s) : strlen(s);
			roff_req(r, ".TP");
			roff_words(r, s, tag);
			roff_nl(r);
			s += tag;
			s += strspn(s, " ");
			entry = true;
			entry_ind = ind;
		} else if (!entry || ind <= entry_ind) {
			roff_req(r, ".PP");
			entry = false;
		}
		if (*s) {
			roff_str(r, s);
			roff_nl(r);
		}
	}
}

/* the blocks of kind @k under the heading @title; false when none */
static bool blocks_print(struct roff *r, char **lines, const struct block *b,
			 size_t nb, enum block_kind k, const char *title)
{
	bool any = false;

	for (size_t i = 0; i < nb; i++) {
		if (b[i].kind != k)
			continue;
		if (!any && title)
			roff_req(r, ".SH %s", title);
		any = true;
		if (k == BLOCK_OPTIONS)
			block_options(r, lines, &b[i]);
		else
			block_text(r, lines, &b[i]);
	}
	return any;
}

static void synopsis_print(struct roff *r, const char *usage)
{
	const char *s = usage;

	roff_req(r, ".SH SYNOPSIS");
	while (*s) {
		size_t len = strcspn(s, "\n");

		roff_words(r, s, len);
		s += len;
		if (*s == '\n')
			s++;
		if (*s == ' ') {	/* a continuation line */
			s += strspn(s, " ");
			roff_text(r, " ", 1);
		} else if (*s) {
			roff_req(r, ".br");
		}
	}
}

static void title_print(struct roff *r, const char *name, const char *version)
{
	char *up = g_ascii_strup(name, -1);

	roff_req(r, ".\\\" generated by kdh --man from the text of kdh help; "
		 "do not edit");
	fputs(".TH ", r->out);
	r->bol = false;
	roff_str(r, up);
	fprintf(r->out, " 1 \"\" \"kdh %s\" \"kdh manual\"\n", version);
	r->bol = true;
	roff_req(r, ".nh\n.ad l");	/* no hyphens in option names */
	g_free(up);
}

/**
 * man_cmd_print() - the page kdh-NAME(1) of one command, as roff
 * @out:	where to write it
 * @cmd:	the command: its summary, usage and help are the page
 * @version:	kdh's version, for the page's footer
 */
void man_cmd_print(FILE *out, const struct kdh_cmd *cmd, const char *version)
{
	struct roff r = { out, true };
	char **lines = g_strsplit(cmd->help, "\n", -1);
	struct block b[MAX_BLOCKS];
	size_t nb = blocks_split(lines, b, MAX_BLOCKS);
	char page[64];

	snprintf(page, sizeof(page), "kdh-%s", cmd->name);
	title_print(&r, page, version);
	roff_req(&r, ".SH NAME");
	roff_str(&r, page);
	roff_str(&r, " - ");
	roff_str(&r, cmd->summary);
	synopsis_print(&r, cmd->usage);
	roff_req(&r, ".SH DESCRIPTION");
	blocks_print(&r, lines, b, nb, BLOCK_DESC, NULL);
	if (!blocks_print(&r, lines, b, nb, BLOCK_OPTIONS, "OPTIONS"))
		roff_req(&r, ".SH OPTIONS");
	roff_req(&r, ".TP\n\\fB\\-\\-help\\fR\nthis text (the same as "
		 "\\fBkdh help %s\\fR)", cmd->name);
	blocks_print(&r, lines, b, nb, BLOCK_EXIT, "EXIT STATUS");
	blocks_print(&r, lines, b, nb, BLOCK_EXAMPLE, "EXAMPLES");
	roff_req(&r, ".SH SEE ALSO\n.BR kdh (1),\n.BR kdh\\-scenario (5)");
	roff_nl(&r);
	g_strfreev(lines);
}

/**
 * man_index_print() - the page kdh(1): every command, exit status,
 * environment and files, as roff
 * @out:	where to write it
 * @cmds:	the commands, in `kdh --help` order
 * @n:		how many
 * @about:	what kdh is, the paragraph `kdh --help` prints
 * @version:	kdh's version, for the page's footer
 */
void man_index_print(FILE *out, const struct kdh_cmd *const *cmds, size_t n,
		     const char *about, const char *version)
{
	struct roff r = { out, true };

	title_print(&r, "kdh", version);
	roff_req(&r, ".SH NAME\nkdh \\- reproduce and measure Windows network "
		 "kernel debugging (KDNET) on virtual networks");
	roff_req(&r, ".SH SYNOPSIS");
	roff_words(&r, "kdh COMMAND [ARGS...]", 21);
	roff_req(&r, ".br");
	roff_words(&r, "kdh help COMMAND | kdh --help | kdh --version", 45);
	roff_req(&r, ".SH DESCRIPTION");
	roff_str(&r, about);
	roff_req(&r, ".PP\nEach command has its page, kdh\\-\\fICOMMAND\\fR(1), "
		 "with the same text as \\fBkdh help\\fR \\fICOMMAND\\fR; "
		 "kdh\\-scenario(5) describes scenario files.");
	roff_req(&r, ".SH COMMANDS");
	for (size_t i = 0; i < n; i++) {
		roff_req(&r, ".TP");
		roff_font(&r, 'B', cmds[i]->name, strlen(cmds[i]->name));
		roff_nl(&r);
		roff_str(&r, cmds[i]->summary);
		roff_str(&r, "; see kdh-");
		roff_str(&r, cmds[i]->name);
		roff_str(&r, "(1).");
	}
	roff_req(&r, ".SH EXIT STATUS\n.TP\n0\nsuccess: every check passed\n"
		 ".TP\n1\nwhat was measured failed (a scenario failed, no packet "
		 "verified with the key, something blocks KDNET)\n.TP\n2\nbad "
		 "input: usage, an unreadable file, a bad key, a bad scenario "
		 "file (\\fIfile\\fR:\\fIline\\fR: what is wrong)\n.PP\n"
		 "\\fBkdh run\\fR also exits 77 when every scenario was skipped "
		 "and 130 when SIGINT or SIGTERM stopped it.");
	roff_req(&r, ".SH ENVIRONMENT\n.TP\n.B KDH_AGENT_DIR\nwhere the agent "
		 "image for VM scenarios (\\fBtarget = vm\\fR) is, as built by "
		 "scripts/build\\-agent\\-image.sh; default: \\fIagent/\\fR next "
		 "to the kdh binary.\n.TP\n.B KDH_ACCEL\nthe accelerator of VM "
		 "scenarios: \\fBauto\\fR (default: KVM when a short probe shows "
		 "QEMU starts the VM's machine and CPU under KVM, else TCG), "
		 "\\fBkvm\\fR (no probe, no fallback) or \\fBtcg\\fR.");
	roff_req(&r, ".SH FILES\n.TP\n.I results/run\\-DATE\\-SEED/\nwhat "
		 "\\fBkdh run\\fR writes (\\-2, \\-3, ... when that one is taken): "
		 "plan.json, a directory per scenario (capture."
		 "pcapng, result.json, target.log), summary.json, junit.xml and "
		 "report.html (\\fBkdh report\\fR's page of the run)"
		 "\n.TP\n.I /etc/pve/qemu\\-server/VMID.conf\nthe Proxmox VE VM "
		 "configs \\fBkdh check\\fR and \\fBkdh qemu\\-cmd\\fR read\n"
		 ".TP\n.I /etc/pve/virtual\\-guest/cpu\\-models.conf\ncustom CPU "
		 "models (cputype custom\\-NAME)\n.TP\n"
		 ".I /var/run/qemu\\-server/VMID.serialN\na VM's serial socket, "
		 "for \\fBkdh serial\\-link\\fR");
	roff_req(&r, ".SH SEE ALSO");
	for (size_t i = 0; i < n; i++) {
		fputs(".BR kdh\\-", out);
		r.bol = false;
		roff_str(&r, cmds[i]->name);
		fputs(" (1),\n", out);
		r.bol = true;
	}
	roff_req(&r, ".BR kdh\\-scenario (5),\n.BR qm (1),\n.BR qemu (1),\n"
		 ".BR tshark (1)");
}
