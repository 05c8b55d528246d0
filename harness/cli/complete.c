// SPDX-License-Identifier: GPL-2.0-or-later
/* complete.c - the words shell completion offers for a command, read from
 * its usage line and the "Options:" block of its help (`kdh --complete
 * COMMAND`, used by completion/kdh.bash), so completion follows the help
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kdh/cli/man.h"

#define MAX_WORDS	64
#define WORD_LEN	48

/* an option with the placeholder of its argument ("" for none), or a
 * literal word of the usage line (a subcommand like "merge") */
struct word {
	char name[WORD_LEN];
	char arg[WORD_LEN];
};

struct words {
	struct word w[MAX_WORDS];
	size_t n;
	bool files;	/* the usage has a positional placeholder (FILE, ...) */
};

static struct word *word_add(struct words *ws, const char *s, size_t len)
{
	if (len >= WORD_LEN || !len)
		return NULL;
	for (size_t i = 0; i < ws->n; i++)
		if (strlen(ws->w[i].name) == len && !strncmp(ws->w[i].name, s, len))
			return NULL;
	if (ws->n == MAX_WORDS)
		return NULL;
	memcpy(ws->w[ws->n].name, s, len);
	ws->w[ws->n].name[len] = '\0';
	ws->w[ws->n].arg[0] = '\0';
	return &ws->w[ws->n++];
}

static struct word *word_find(struct words *ws, const char *s, size_t len)
{
	for (size_t i = 0; i < ws->n; i++)
		if (strlen(ws->w[i].name) == len && !strncmp(ws->w[i].name, s, len))
			return &ws->w[i];
	return NULL;
}

/* the argument's placeholder, unless the usage line already gave one */
static void arg_set(struct word *w, const char *s, size_t len)
{
	if (w && !w->arg[0] && len < WORD_LEN) {
		memcpy(w->arg, s, len);
		w->arg[len] = '\0';
	}
}

static bool lower_word(const char *s, size_t len)
{
	if (!len || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* "kdh run [PATH...] [-g GROUP] [--tap]": options, their arguments, the
 * literal words and whether positional placeholders exist */
static void usage_scan(const struct kdh_cmd *cmd, struct words *ws)
{
	const char *s = cmd->usage;
	struct word *opt = NULL;	/* an option whose argument may follow */

	while (*s) {
		size_t len, core;
		bool opened, closed;
		const char *c;

		s += strspn(s, " \n");
		len = strcspn(s, " \n");
		if (!len)
			break;
		c = s;
		core = len;
		opened = *c == '[' || *c == '(';
		while (core && (*c == '[' || *c == '(')) {
			c++;
			core--;
		}
		closed = core && (c[core - 1] == ']' || c[core - 1] == ')');
		while (core && (c[core - 1] == ']' || c[core - 1] == ')'))
			core--;
		if (core > 1 && *c == '-') {
			struct word *w = word_add(ws, c, core);

			opt = closed ? NULL : w;
		} else if (core == 1 && *c == '|') {
			opt = NULL;
		} else if (opt && !opened && core) {
			arg_set(opt, c, core);
			opt = NULL;
		} else {
			opt = NULL;
			if (lower_word(c, core)) {
				if (!(core == 3 && !strncmp(c, "kdh", 3)) &&
				    !(core == strlen(cmd->name) &&
				      !strncmp(c, cmd->name, core)))
					word_add(ws, c, core);
			} else if (core && isupper((unsigned char)*c)) {
				ws->files = true;
			}
		}
		s += len;
	}
}

/* one tag of the help's Options block: "-g, --group G", "--dhcp | --static" */
static void tag_scan(struct words *ws, const char *s, size_t len)
{
	while (len) {
		size_t part = len, name;
		const char *comma = memchr(s, ',', len), *bar = memchr(s, '|', len);

		if (comma && (size_t)(comma - s) < part)
			part = (size_t)(comma - s);
		if (bar && (size_t)(bar - s) < part)
			part = (size_t)(bar - s);
		name = strcspn(s, " ,|");
		if (name > part)
			name = part;
		if (name > 1 && *s == '-') {
			/* "--tcp-listen [ADDR:]PORT": the usage line's bracket hid
			 * the argument; the Options block names it */
			struct word *w = word_find(ws, s, name);
			size_t a = name + strspn(s + name, " ");

			if (!w)
				w = word_add(ws, s, name);
			while (part > a && s[part - 1] == ' ')
				part--;
			if (part > a)
				arg_set(w, s + a, part - a);
		}
		if (part == len)
			break;
		s += part + 1;
		len -= part + 1;
		while (len && (*s == ' ' || *s == '|' || *s == ',')) {
			s++;
			len--;
		}
	}
}

static void help_scan(const struct kdh_cmd *cmd, struct words *ws)
{
	const char *s = cmd->help;
	bool in_opts = false;

	while (*s) {
		size_t len = strcspn(s, "\n"), ind = strspn(s, " ");

		if (len == strlen("Options:") && !strncmp(s, "Options:", len)) {
			in_opts = true;
		} else if (ind >= len) {
			in_opts = false;
		} else if (in_opts && ind && ind <= 4 && s[ind] == '-') {
			const char *t = s + ind, *gap = strstr(t, "  ");
			size_t tag = len - ind;

			if (gap && (size_t)(gap - t) < tag)
				tag = (size_t)(gap - t);
			tag_scan(ws, t, tag);
		}
		s += len;
		if (*s)
			s++;
	}
}

/**
 * complete_cmd_print() - what completion offers after `kdh NAME`
 * @out:	where to write the list
 * @cmd:	the command
 *
 * One line each: an option and the placeholder of its argument if it takes
 * one ("--json FILE", "--backend user|bridge", "--tap"), then the literal
 * words of the usage line ("merge"), then "FILES" when the command takes
 * file-like positional arguments.
 */
void complete_cmd_print(FILE *out, const struct kdh_cmd *cmd)
{
	struct words ws = { .n = 0 };

	usage_scan(cmd, &ws);
	help_scan(cmd, &ws);
	word_add(&ws, "--help", 6);
	for (size_t i = 0; i < ws.n; i++)
		if (ws.w[i].name[0] == '-')
			fprintf(out, "%s%s%s\n", ws.w[i].name,
				ws.w[i].arg[0] ? " " : "", ws.w[i].arg);
	for (size_t i = 0; i < ws.n; i++)
		if (ws.w[i].name[0] != '-')
			fprintf(out, "%s\n", ws.w[i].name);
	if (ws.files)
		fputs("FILES\n", out);
}
