// SPDX-License-Identifier: GPL-2.0-or-later
/* test_man.c - the roff of `kdh --man` and the words of `kdh --complete`
 * for made-up commands: escapes, sections, option tags */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/cli/man.h"

static int no_run(int argc, char **argv)
{
	return 0;
}

static const struct kdh_cmd fake = {
	.name = "fake-cmd",
	.summary = "a command with roff's specials in its help",
	.usage = "kdh fake-cmd FILE [--opt-a N] [--flag] [-x]\n"
		 "       [--mode on|off] (go | stop)",
	.run = no_run,
	.help =
"First line.\n"
".starts with a dot\n"
"'starts with a quote\n"
"a back\\slash and a -dash, \xc2\xb1" "10%\n"
"\n"
"- a bullet\n"
"  its continuation\n"
"\n"
"Options:\n"
"  --opt-a N    the first option\n"
"               continued\n"
"  --mode on|off\n"
"               the mode\n"
"  -x, --flag   a flag\n"
"\n"
"Exit status: 0 fine, 2 bad.\n"
"\n"
"Example:\n"
"  kdh fake-cmd x.pcapng --opt-a 3\n",
};

static char *print(void (*fn)(FILE *, const struct kdh_cmd *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	fn(f, &fake);
	fclose(f);
	return buf;
}

static void man_fake(FILE *f, const struct kdh_cmd *c)
{
	man_cmd_print(f, c, "9.9");
}

Test(man, escapes_roff_specials)
{
	char *s = print(man_fake);

	cr_expect(strstr(s, "\n\\&.starts with a dot\n"), "%s", s);
	cr_expect(strstr(s, "\n\\&'starts with a quote\n"), "%s", s);
	cr_expect(strstr(s, "back\\eslash and a \\-dash, \\[u00B1]10%"), "%s", s);
	cr_expect(strstr(s, ".TH KDH\\-FAKE\\-CMD 1 \"\" \"kdh 9.9\""), "%s", s);
	cr_expect(strstr(s, "\nkdh\\-fake\\-cmd \\- a command"), "%s", s);
	/* no line but the requests starts with '.' */
	for (const char *l = s; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (*l == '.')
			cr_expect(!strncmp(l, ".TH ", 4) || !strncmp(l, ".SH ", 4) ||
				  !strncmp(l, ".PP\n", 4) || !strncmp(l, ".TP\n", 4) ||
				  !strncmp(l, ".IP ", 4) || !strncmp(l, ".RS ", 4) ||
				  !strncmp(l, ".RE\n", 4) || !strncmp(l, ".nf\n", 4) ||
				  !strncmp(l, ".fi\n", 4) || !strncmp(l, ".br\n", 4) ||
				  !strncmp(l, ".nh\n", 4) || !strncmp(l, ".ad ", 4) ||
				  !strncmp(l, ".BR ", 4) || !strncmp(l, ".\\\" ", 4),
				  "unexpected request: %.20s", l);
	free(s);
}

Test(man, sections_in_order)
{
	char *s = print(man_fake);
	const char *name = strstr(s, ".SH NAME"), *syn = strstr(s, ".SH SYNOPSIS"),
		   *desc = strstr(s, ".SH DESCRIPTION"),
		   *opts = strstr(s, ".SH OPTIONS"),
		   *exit = strstr(s, ".SH EXIT STATUS"),
		   *ex = strstr(s, ".SH EXAMPLES"), *see = strstr(s, ".SH SEE ALSO");

	cr_assert(name && syn && desc && opts && exit && ex && see, "%s", s);
	cr_expect(name < syn && syn < desc && desc < opts && opts < exit &&
		  exit < ex && ex < see, "%s", s);
	/* the usage's continuation line joins the first */
	cr_expect(strstr(s, "[\\fB\\-x\\fR] [\\fB\\-\\-mode\\fR \\fBon\\fR|\\fBoff\\fR]"),
		  "%s", s);
	cr_expect(strstr(s, ".TP\n\\fB\\-\\-opt\\-a\\fR \\fIN\\fR\nthe first option\n"
			 "continued\n"), "%s", s);
	cr_expect(strstr(s, ".TP\n\\fB\\-x\\fR, \\fB\\-\\-flag\\fR\na flag\n"), "%s", s);
	cr_expect(strstr(s, ".IP \\(bu 2\na bullet\nits continuation\n"), "%s", s);
	cr_expect(strstr(s, ".SH EXIT STATUS\n.PP\n0 fine, 2 bad.\n"), "%s", s);
	cr_expect(strstr(s, ".RS 4\n.nf\nkdh fake\\-cmd x.pcapng \\-\\-opt\\-a 3\n"
			 ".fi\n.RE\n"), "%s", s);
	free(s);
}

Test(man, completion_words)
{
	char *s = print(complete_cmd_print);

	cr_expect_str_eq(s,
		"--opt-a N\n--flag\n-x\n--mode on|off\n--help\n"
		"go\nstop\nFILES\n");
	free(s);
}
