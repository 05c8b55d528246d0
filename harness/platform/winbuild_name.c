// SPDX-License-Identifier: GPL-2.0-or-later
/* winbuild_name.c - a Windows build from what a user has at hand, or from
 * the VM's ostype when nothing is given
 *
 * Users know their Windows from `ver` ("Microsoft Windows [Version
 * 10.0.19045.5247]": major.minor.build.UBR), from winver ("Version
 * 22H2"), as a bare build (19045) or by kdh's names (win10-22h2, ws2022).
 * Release names are documented by Microsoft's release-information pages:
 * Windows 10 1507 10240 ... 22H2 19045, Windows 11 21H2 22000, 22H2 22621,
 * 23H2 22631, 24H2 26100, 25H2 26200.  21H2 and 22H2 exist for both;
 * the ostype decides (Proxmox's list, qemu-server QemuServer.pm: win10 =
 * Windows 10/2016/2019, win11 = Windows 11/2022/2025, win8 =
 * 8/2012/2012r2), else Windows 11's is taken and said so.
 * Without a build the ostype's newest release is assumed (win10: 22H2,
 * 19045; win11: 24H2, 26100; win8: 8.1, 9600; anything else 26100), with
 * the range of builds that ostype covers, so a finding that depends on
 * the build within it can say so.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/winbuild.h"

/* Builds by the names kdh gives them */
static const struct { const char *name; unsigned build; } names[] = {
	{ "win8", 9200 }, { "win81", 9600 }, { "win10-1507", 10240 },
	{ "win10-1607", 14393 }, { "win10-1809", 17763 }, { "win10-2004", 19041 },
	{ "win10-22h2", 19045 }, { "win11-21h2", 22000 }, { "win11-22h2", 22621 },
	{ "win11-23h2", 22631 }, { "win11-24h2", 26100 }, { "ws2012", 9200 },
	{ "ws2012r2", 9600 }, { "ws2016", 14393 }, { "ws2019", 17763 },
	{ "ws2022", 20348 }, { "ws2025", 26100 },
};

/* winver's release names: the Windows 10 and Windows 11 build, 0 none */
static const struct { const char *ver; unsigned w10, w11; } releases[] = {
	{ "1507", 10240, 0 }, { "1511", 10586, 0 }, { "1607", 14393, 0 },
	{ "1703", 15063, 0 }, { "1709", 16299, 0 }, { "1803", 17134, 0 },
	{ "1809", 17763, 0 }, { "1903", 18362, 0 }, { "1909", 18363, 0 },
	{ "2004", 19041, 0 }, { "20h2", 19042, 0 }, { "21h1", 19043, 0 },
	{ "21h2", 19044, 22000 }, { "22h2", 19045, 22621 }, { "23h2", 0, 22631 },
	{ "24h2", 0, 26100 }, { "25h2", 0, 26200 },
};

/* What an ostype covers (Proxmox's list) and the build assumed for it */
static const struct {
	const char *ostype, *covers;
	unsigned assumed, lo, hi;
} ostypes[] = {
	{ "win11", "Windows 11/2022/2025", 26100, 20348, 26200 },
	{ "win10", "Windows 10/2016/2019", 19045, 10240, 19045 },
	{ "win8", "Windows 8/2012/2012r2", 9600, 9200, 9600 },
};

/**
 * win_build_name() - "Windows 10 22H2", "Windows Server 2022", "Windows
 * build 23000"
 * @build:	build number
 * @buf:	output
 * @len:	its size
 *
 * Return: @buf
 */
const char *win_build_name(unsigned build, char *buf, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(releases); i++)
		if (releases[i].w10 == build || releases[i].w11 == build) {
			char *up = g_ascii_strup(releases[i].ver, -1);

			snprintf(buf, len, "Windows %s %s",
				 releases[i].w10 == build ? "10" : "11", up);
			g_free(up);
			return buf;
		}
	if (build == 20348)
		snprintf(buf, len, "Windows Server 2022");
	else if (build == 9200 || build == 9600)
		snprintf(buf, len, "Windows 8%s", build == 9600 ? ".1" : "");
	else
		snprintf(buf, len, "Windows build %u", build);
	return buf;
}

/* "Microsoft Windows [Version 10.0.19045.5247]" -> "10.0.19045.5247" */
static char *bare(const char *s)
{
	char *t = g_ascii_strdown(s, -1), *p = t;

	g_strdelimit(t, "[]", ' ');
	g_strstrip(t);
	if (g_str_has_prefix(p, "microsoft windows"))
		p = g_strchug(p + 17);
	if (g_str_has_prefix(p, "version"))
		p = g_strchug(p + 7);
	p = g_strdup(p);
	g_free(t);
	return p;
}

/* "10.0.19045" or "10.0.19045.5247": the build, 0 when not that form */
static unsigned long dotted(const char *s)
{
	gchar **part = g_strsplit(s, ".", -1);
	guint n = g_strv_length(part);
	unsigned long b = 0;
	bool digits = n == 3 || n == 4;

	for (guint i = 0; digits && i < n; i++)	/* at most 6 digits: no wrap */
		digits = *part[i] && strlen(part[i]) <= 6 &&
			 strspn(part[i], "0123456789") == strlen(part[i]);
	if (digits && (!strcmp(part[0], "10") || !strcmp(part[0], "6")))
		b = strtoul(part[2], NULL, 10);
	g_strfreev(part);
	return b;
}

/* winver's "22H2": resolved by the ostype; 1 when it could not be */
static int by_release(size_t i, const char *given, const char *ostype,
		      unsigned *build, char *note, size_t notelen, char *err,
		      size_t errlen)
{
	bool w10 = ostype && !strcmp(ostype, "win10");
	char *rel = g_ascii_strup(releases[i].ver, -1);
	int rc = 0;

	if (!releases[i].w10 || !releases[i].w11) {
		*build = releases[i].w10 ? releases[i].w10 : releases[i].w11;
	} else if (w10 || (ostype && !strcmp(ostype, "win11"))) {
		*build = w10 ? releases[i].w10 : releases[i].w11;
		snprintf(note, notelen, "'%s' is Windows 10 or 11: took Windows %s "
			 "%s (build %u) from ostype %s", given, w10 ? "10" : "11",
			 rel, *build, ostype);
	} else {
		*build = releases[i].w11;
		snprintf(note, notelen, "'%s' is Windows 10 %s (build %u) or "
			 "Windows 11 %s (build %u): took Windows 11's, as ostype %s "
			 "does not say which", given, rel, releases[i].w10, rel,
			 releases[i].w11, ostype && *ostype ? ostype : "(none)");
		rc = 1;
	}
	if (rc && errlen)
		snprintf(err, errlen, "'%s' is Windows 10 %s (build %u) or Windows "
			 "11 %s (build %u)", given, rel, releases[i].w10, rel,
			 releases[i].w11);
	g_free(rel);
	return rc;
}

/**
 * win_build_pick() - a Windows build from what the user gave
 * @s:		"26100", "10.0.19045.5247", "Microsoft Windows [Version
 *		10.0.19045.5247]", "22H2", "Version 22H2", "win10-22h2", ...
 * @ostype:	the VM's ostype to resolve "22H2" with, may be NULL
 * @build:	output
 * @note:	output, "" or how an ambiguous name was resolved
 * @notelen:	its size
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0; 1 when @s names a Windows 10 and a Windows 11 release and
 * @ostype does not say which (@build is Windows 11's, @note says so,
 * @err names both); or -EINVAL with @err filled
 */
int win_build_pick(const char *s, const char *ostype, unsigned *build,
		   char *note, size_t notelen, char *err, size_t errlen)
{
	char *b = bare(s);
	unsigned long n = 0;
	size_t len = strlen(b);
	int rc = 0;

	note[0] = '\0';
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (!strcmp(b, names[i].name))
			n = names[i].build;
	for (size_t i = 0; !n && i < G_N_ELEMENTS(releases); i++)
		if (!strcmp(b, releases[i].ver)) {
			unsigned r;

			rc = by_release(i, s, ostype, &r, note, notelen, err,
					errlen);
			n = r;
		}
	if (!n && strchr(b, '.'))
		n = dotted(b);
	else if (!n && len && len <= 6 && strspn(b, "0123456789") == len && *b != '0')
		n = strtoul(b, NULL, 10);
	g_free(b);
	if (n < 6000 || n > 999999) {
		snprintf(err, errlen, "'%s' is not a Windows build (a build like "
			 "19045, 10.0.19045.5247 as ver prints it, 22H2 as winver "
			 "shows it, or win10-22h2, win11-24h2, ws2022, ...)", s);
		return -EINVAL;
	}
	*build = (unsigned)n;
	return rc;
}

/**
 * win_build_parse() - win_build_pick() without an ostype or note
 * @s:		text
 * @build:	output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled (also for "22H2", which names a
 * Windows 10 and a Windows 11 release)
 */
int win_build_parse(const char *s, unsigned *build, char *err, size_t errlen)
{
	char note[256];
	int rc = win_build_pick(s, NULL, build, note, sizeof(note), err, errlen);

	if (rc == 1) {
		size_t len = strlen(err);

		snprintf(err + len, errlen - len, ": give the build");
		return -EINVAL;
	}
	return rc;
}

/**
 * win_build_assume() - the build assumed for a VM nobody said the build of
 * @ostype:	the VM's ostype ("" or NULL: none)
 * @build:	output: the newest release the ostype covers
 * @lo, @hi:	output: the builds the ostype covers
 * @why:	output: "from ostype win10 (Windows 10/2016/2019)", or why the
 *		ostype does not narrow it
 * @whylen:	its size
 */
void win_build_assume(const char *ostype, unsigned *build, unsigned *lo,
		      unsigned *hi, char *why, size_t whylen)
{
	for (size_t i = 0; ostype && i < G_N_ELEMENTS(ostypes); i++)
		if (!strcmp(ostype, ostypes[i].ostype)) {
			*build = ostypes[i].assumed;
			*lo = ostypes[i].lo;
			*hi = ostypes[i].hi;
			snprintf(why, whylen, "from ostype %s (%s)", ostype,
				 ostypes[i].covers);
			return;
		}
	*build = WIN_BUILD_DEFAULT;
	*lo = 9200;
	*hi = UINT_MAX;
	snprintf(why, whylen, "as ostype %s does not say which Windows",
		 ostype && *ostype ? ostype : "(none)");
}
