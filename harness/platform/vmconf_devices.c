// SPDX-License-Identifier: GPL-2.0-or-later
/* vmconf_devices.c - the VM config lines that change which devices and
 * firmware qemu-server gives a VM: efidisk0, vga, balloon (and amd-sev,
 * kept only to say that kdh leaves it out)
 *
 * Each value is checked against qemu-server's schema (Drive.pm's efidisk
 * format: efitype 2m|4m, pre-enrolled-keys boolean; QemuServer.pm's
 * $vga_fmt: the type enum, memory 4-512; balloon: an integer >= 0) and kept
 * for qemu_argv.c: efidisk0 picks the OVMF images (OVMF.pm
 * get_ovmf_files), vga: none or serialN takes the display adapter away,
 * balloon: 0 the virtio-balloon device.  A malformed value is
 * "file:line: what is wrong", as Proxmox refuses it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "netsim/value.h"
#include "kdh/platform/pve.h"
#include "kdh/platform/vmconf.h"

static int __attribute__((format(printf, 5, 6)))
bad(char *err, size_t len, const struct vmconf *c, int line, const char *fmt, ...)
{
	char m[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(err, len, "%s:%d: %s", c->file, line, m);
	return -EINVAL;
}

/* efidisk0: [file=]VOLUME[,efitype=2m|4m][,pre-enrolled-keys=0|1][,...] */
static int efidisk(struct vmconf *c, const char *v, int line, char *err,
		   size_t len)
{
	gchar **items = g_strsplit(v, ",", -1);
	struct vmconf_efidisk *e = &c->efidisk;
	int rc = 0;

	memset(e, 0, sizeof(*e));
	e->present = true;
	e->line = line;
	for (gchar **it = items; *it && !rc; it++) {
		const char *eq = strchr(*it, '=');

		if (!eq || !strncmp(*it, "file=", 5))
			snprintf(e->volume, sizeof(e->volume), "%s", eq ? eq + 1 : *it);
		else if (!strncmp(*it, "efitype=", 8) && strcmp(eq + 1, "2m") &&
			 strcmp(eq + 1, "4m"))
			rc = bad(err, len, c, line, "efidisk0: efitype '%s' is not 2m or "
				 "4m", eq + 1);
		else if (!strncmp(*it, "efitype=", 8))
			e->efitype_4m = !strcmp(eq + 1, "4m");
		else if (!strncmp(*it, "pre-enrolled-keys=", 18) &&
			 pve_boolean(eq + 1, &e->pre_enrolled_keys))
			rc = bad(err, len, c, line, "efidisk0: pre-enrolled-keys takes 0 "
				 "or 1, not '%s'", eq + 1);
	}
	g_strfreev(items);
	return rc;
}

/* vga: [type=]TYPE[,memory=4-512][,clipboard=vnc] */
static int vga(struct vmconf *c, const char *v, int line, char *err, size_t len)
{
	static const char *const types[] = { "cirrus", "qxl", "qxl2", "qxl3",
		"qxl4", "none", "serial0", "serial1", "serial2", "serial3", "std",
		"virtio", "virtio-gl", "vmware" };
	gchar **items = g_strsplit(v, ",", -1);
	uint64_t mb;
	int rc = 0;

	c->vga[0] = '\0';
	c->vga_memory = 0;
	for (gchar **it = items; *it && !rc; it++) {
		const char *eq = strchr(*it, '=');
		const char *type = !eq ? *it : !strncmp(*it, "type=", 5) ? eq + 1 : NULL;

		if (type) {
			rc = -EINVAL;
			for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
				if (!strcmp(type, types[i]))
					rc = 0;
			if (rc)
				rc = bad(err, len, c, line, "vga: unknown type '%s' (std, "
					 "none, serial0, cirrus, qxl, virtio, vmware, ...)", type);
			else
				snprintf(c->vga, sizeof(c->vga), "%s", type);
		} else if (!strncmp(*it, "memory=", 7)) {
			if (value_uint(eq + 1, 4, 512, &mb))
				rc = bad(err, len, c, line, "vga: memory '%s' is not 4-512 "
					 "MiB", eq + 1);
			c->vga_memory = (unsigned)mb;
		}
	}
	g_strfreev(items);
	return rc;
}

/**
 * vmconf_take_device() - an efidisk0, vga, balloon or amd-sev line
 * @c:		the config
 * @k:		key
 * @v:		value
 * @line:	its line
 * @err:	"file:line: what is wrong"
 * @len:	its size
 *
 * Return: 0 when taken, 1 when @k is none of these keys, -EINVAL with
 * @err filled for a value Proxmox refuses
 */
int vmconf_take_device(struct vmconf *c, const char *k, const char *v,
		       int line, char *err, size_t len)
{
	uint64_t mb;

	if (!strcmp(k, "efidisk0"))
		return efidisk(c, v, line, err, len);
	if (!strcmp(k, "vga"))
		return vga(c, v, line, err, len);
	if (!strcmp(k, "amd-sev")) {
		snprintf(c->amd_sev, sizeof(c->amd_sev), "%s", v);
		return 0;
	}
	if (strcmp(k, "balloon"))
		return 1;
	if (value_uint(v, 0, UINT32_MAX, &mb))
		return bad(err, len, c, line, "balloon: '%s' is not MiB (0 turns the "
			   "balloon device off)", v);
	c->balloon_off = mb == 0;
	return 0;
}
