/* pve_machine.c - qemu-server's machine types: i440fx and q35, their
 * versions, and the default it picks (PVE/QemuServer/Machine.pm)
 *
 * STUB: parses the type and version; the helper working on q35 fills in
 * qemu-server's defaults and pinning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/pve_machine.h"

/**
 * pve_version_parse() - "8.1", "8.1.2", "8.1+pve2"
 * @s:		text
 * @v:		output
 *
 * Return: 0, or -EINVAL
 */
int pve_version_parse(const char *s, struct pve_version *v)
{
	unsigned a, b, c = 0;
	int n = 0;

	if (sscanf(s, "%u.%u%n", &a, &b, &n) != 2)
		return -EINVAL;
	s += n;
	if (*s == '.') {
		char *end;

		strtoul(s + 1, &end, 10);
		s = end;
	}
	if (!strncmp(s, "+pve", 4)) {
		char *end;

		c = (unsigned)strtoul(s + 4, &end, 10);
		s = end;
	}
	if (*s)
		return -EINVAL;
	*v = (struct pve_version){ a, b, c };
	return 0;
}

/** pve_version_at_least() - @v >= major.minor */
bool pve_version_at_least(const struct pve_version *v, unsigned major,
			  unsigned minor)
{
	return v->major > major || (v->major == major && v->minor >= minor);
}

/**
 * pve_machine_parse() - a config's machine line
 * @value:	"pc-q35-8.1", "q35", "type=q35,viommu=intel", "" for none
 * @ostype:	the config's ostype (Windows pins a version)
 * @qemu:	the QEMU version an unversioned type takes
 * @m:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_machine_parse(const char *value, const char *ostype,
		      const struct pve_version *qemu, struct pve_machine *m,
		      char *err, size_t errlen)
{
	const char *type = value && *value ? value : "pc";

	memset(m, 0, sizeof(*m));
	if (!strncmp(type, "type=", 5))
		type += 5;
	m->chipset = strstr(type, "q35") ? PVE_Q35 : PVE_I440FX;
	snprintf(m->type, sizeof(m->type), "%.*s", (int)strcspn(type, ","), type);
	snprintf(m->upstream, sizeof(m->upstream), "%.*s",
		 (int)strcspn(m->type, "+"), m->type);
	m->version = *qemu;
	(void)ostype;
	(void)err;
	(void)errlen;
	return 0;
}
