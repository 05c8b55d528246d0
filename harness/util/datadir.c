// SPDX-License-Identifier: GPL-2.0-or-later
/* datadir.c - where kdh's data is
 *
 * An installed kdh is BINDIR/kdh with its data in DATADIR/kdh: agent/
 * (vmlinuz, initrd.img), scenarios/vm/ and scenarios/matrix/.  The path from BINDIR to
 * DATADIR/kdh is relative (meson computes it at configure time,
 * KDH_DATADIR_REL), so a DESTDIR install or a moved prefix still finds
 * it.  In the build tree kdh is BUILD/kdh with the image in BUILD/agent
 * and the VM scenarios and matrices in the source tree.  $KDH_AGENT_DIR overrides the
 * image's directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdh-config.h"
#include "kdh/util/datadir.h"

static int fmt(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, b);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/**
 * kdh_exe_dir() - the directory of the running kdh executable
 * @out:	filled with the absolute directory (no trailing '/')
 * @len:	size of @out
 *
 * Return: 0, or a negative errno (no /proc/self/exe, or too long)
 */
int kdh_exe_dir(char *out, size_t len)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return fmt(out, len, exe, "");
}

/**
 * kdh_data_dir() - the installed data directory, BINDIR/../share/kdh as
 * meson laid it out, relative to the running executable
 * @out:	filled with the directory (it exists)
 * @len:	size of @out
 *
 * Return: 0, -ENOENT when kdh is not installed (the build tree), or a
 * negative errno
 */
int kdh_data_dir(char *out, size_t len)
{
	char exe[4096], dir[4200], real[PATH_MAX];
	int rc = kdh_exe_dir(exe, sizeof(exe));

	if (rc)
		return rc;
	if ((rc = fmt(dir, sizeof(dir), exe, "/" KDH_DATADIR_REL)))
		return rc;
	if (!is_dir(dir) || !realpath(dir, real))	/* BINDIR/..: plainer */
		return -ENOENT;
	return fmt(out, len, real, "");
}

static int image_in(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/initrd.img", dir);
	return !access(path, R_OK);
}

/**
 * kdh_agent_dir() - where the agent image (vmlinuz, initrd.img) is:
 * $KDH_AGENT_DIR if set, else DATADIR/kdh/agent when it holds an image,
 * else agent/ next to the executable (the build tree)
 * @out:	filled with the directory
 * @len:	size of @out
 *
 * Return: 0 if that directory holds initrd.img, -ENOENT if not (@out is
 * still the directory kdh would use), or another negative errno
 */
int kdh_agent_dir(char *out, size_t len)
{
	const char *env = getenv("KDH_AGENT_DIR");
	char dir[4096];
	int rc;

	if (env && *env) {
		if ((rc = fmt(out, len, env, "")))
			return rc;
		return image_in(out) ? 0 : -ENOENT;
	}
	if (!kdh_data_dir(dir, sizeof(dir))) {
		if ((rc = fmt(out, len, dir, "/agent")))
			return rc;
		if (image_in(out))
			return 0;
	}
	if ((rc = kdh_exe_dir(dir, sizeof(dir))) ||
	    (rc = fmt(out, len, dir, "/agent")))
		return rc;
	return image_in(out) ? 0 : -ENOENT;
}

/**
 * kdh_agent_missing() - why there is no agent image: where kdh looked and
 * how to make one, for a SKIP line or an error
 * @out:	filled with the sentence (no trailing newline)
 * @len:	size of @out
 */
void kdh_agent_missing(char *out, size_t len)
{
	const char *env = getenv("KDH_AGENT_DIR");
	char data[4096] = "", exe[4096] = "?";

	if (env && *env) {
		snprintf(out, len, "the agent image: no initrd.img in "
			 "KDH_AGENT_DIR=%s (build one: scripts/build-agent-image.sh "
			 "--out %s BUILD_DIR)", env, env);
		return;
	}
	if (kdh_data_dir(data, sizeof(data)))
		data[0] = '\0';
	kdh_exe_dir(exe, sizeof(exe));
	snprintf(out, len, "the agent image: no initrd.img in %s%s%s/agent "
		 "(build it: scripts/build-agent-image.sh BUILD_DIR, or set "
		 "KDH_AGENT_DIR)", data, data[0] ? "/agent nor " : "", exe);
}

/**
 * kdh_scenario_subdir() - a folder of scenarios kdh ships: DATADIR/kdh/
 * scenarios/@sub when installed, else the source tree's scenarios/@sub
 * when this kdh is the one of the build tree
 * @sub:	"vm", "matrix"
 * @out:	filled with the directory (it exists)
 * @len:	size of @out
 *
 * Return: 0, -ENOENT when there is none, or a negative errno
 */
int kdh_scenario_subdir(const char *sub, char *out, size_t len)
{
	char dir[4096], build[PATH_MAX], rel[64];
	int rc;

	snprintf(rel, sizeof(rel), "/scenarios/%s", sub);
	if (!kdh_data_dir(dir, sizeof(dir))) {
		if ((rc = fmt(out, len, dir, rel)))
			return rc;
		if (is_dir(out))
			return 0;
	}
	if ((rc = kdh_exe_dir(dir, sizeof(dir))))
		return rc;
	if (!realpath(KDH_BUILD_ROOT, build) || strcmp(dir, build))
		return -ENOENT;		/* never a stale source tree */
	if ((rc = fmt(out, len, KDH_SOURCE_ROOT, rel)))
		return rc;
	return is_dir(out) ? 0 : -ENOENT;
}

/**
 * kdh_vm_scenario_dir() - the VM scenarios' directory (kdh run --all):
 * kdh_scenario_subdir("vm")
 * @out:	filled with the directory (it exists)
 * @len:	size of @out
 *
 * Return: 0, -ENOENT when there is none, or a negative errno
 */
int kdh_vm_scenario_dir(char *out, size_t len)
{
	return kdh_scenario_subdir("vm", out, len);
}
