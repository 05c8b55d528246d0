// SPDX-License-Identifier: GPL-2.0-or-later
/* vmconf.c - read a Proxmox VE <vmid>.conf (/etc/pve/qemu-server/)
 *
 * "key: value" lines; '#' lines are the VM's description; the first
 * "[section]" starts the snapshots, which are not the running config.
 * Keys KDNET depends on are checked (a malformed one is "file:line: ..."),
 * every other key is kept as a note and ignored: a real config has disks,
 * boot order, agents, all harmless here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve_cpu.h"
#include "kdh/util/textfile.h"
#include "netsim/value.h"
#include "kdh/platform/vmconf.h"

static int number(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	uint64_t n;

	if (value_uint(v, lo, hi, &n))
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

/* A numbered key "net3", "serial1": the number, or -1.  Only the
 * canonical spelling counts ("net00" and "net+1" are not net0/net1): qemu-
 * server's schema has exactly net0 ... net31. */
static int key_index(const char *key, const char *prefix, unsigned max)
{
	size_t n = strlen(prefix);
	const char *d = key + n;
	unsigned idx;

	if (strncmp(key, prefix, n) || !g_ascii_isdigit(*d) ||
	    (d[0] == '0' && d[1]) || number(d, 0, max - 1, &idx))
		return -1;
	for (const char *q = d; *q; q++)
		if (!g_ascii_isdigit(*q))
			return -1;
	return (int)idx;
}

/* Keys of qemu-server's VM config schema (9.x $confdesc) that KDNET does
 * not depend on: kept and ignored. */
static const char *const ignored_keys[] = {
	"acpi", "affinity", "agent", "allow-ksm", "arch", "audio0",
	"autostart", "boot", "bootdisk", "cdrom", "cicustom",
	"cipassword", "citype", "ciupgrade", "ciuser", "cpulimit", "cpuunits",
	"description", "digest", "freeze", "hookscript", "hotplug",
	"hugepages", "intel-tdx", "ivshmem", "keephugepages", "keyboard",
	"localtime", "lock", "migrate_downtime", "migrate_speed", "nameserver",
	"numa", "onboot", "parent", "protection", "reboot", "rng0",
	"running-nets-host-mtu", "runningcpu", "runningmachine", "searchdomain",
	"shares", "smbios1", "smp", "snaptime", "spice_enhancements", "sshkeys",
	"startdate", "startup", "tablet", "tags", "tdf",
	"vcpus", "vmgenid", "vmstate", "vmstatestorage", "watchdog",
};

/* Numbered families of the same schema, with how many there are */
static const struct { const char *prefix; unsigned max; } ignored_families[] = {
	{ "ide", 4 }, { "sata", 6 }, { "scsi", 31 }, { "virtio", 16 },
	{ "unused", 256 }, { "numa", 8 }, { "virtiofs", 10 },
	{ "parallel", 3 }, { "usb", 14 }, { "ipconfig", 32 },
};

/**
 * vmconf_key_ignored() - whether @key is a qemu-server config key that
 * KDNET does not depend on (disks, boot order, agent, cloud-init, ...)
 * @key:	the key
 *
 * Return: true for such a key
 */
bool vmconf_key_ignored(const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ignored_keys); i++)
		if (!strcmp(key, ignored_keys[i]))
			return true;
	for (size_t i = 0; i < G_N_ELEMENTS(ignored_families); i++)
		if (key_index(key, ignored_families[i].prefix,
			      ignored_families[i].max) >= 0)
			return true;
	return false;
}

/* Copy a value into a field, or refuse it with its length: never cut */
#define COPY(field) copy_value(c, line, k, v, (field), sizeof(field), err, len)

static int copy_value(const struct vmconf *c, int line, const char *k,
		      const char *v, char *field, size_t size, char *err,
		      size_t len)
{
	size_t n = strlen(v);

	if (n >= size)
		return text_fail(err, len, c->file, line, "%s: the value is %zu "
				 "characters long; kdh takes at most %zu", k, n, size - 1);
	memcpy(field, v, n + 1);
	return 0;
}

/* "opt=1" among the comma-separated options of a value */
static bool option_on(const char *value, const char *opt)
{
	gchar **items = g_strsplit(value, ",", -1);
	size_t n = strlen(opt);
	bool on = false;

	for (gchar **it = items; *it; it++)
		if (!strncmp(*it, opt, n) && (*it)[n] == '=')
			on = !strcmp(*it + n + 1, "1") || !strcmp(*it + n + 1, "on") ||
			     !strcmp(*it + n + 1, "yes") || !strcmp(*it + n + 1, "true");
	g_strfreev(items);
	return on;
}

/* meta: creation-qemu=9.2.0,ctime=... */
static void meta_take(struct vmconf *c, const char *value)
{
	gchar **items = g_strsplit(value, ",", -1);

	for (gchar **it = items; *it; it++)
		if (!strncmp(*it, "creation-qemu=", 14))
			snprintf(c->creation_qemu, sizeof(c->creation_qemu), "%s",
				 *it + 14);
	g_strfreev(items);
}

/* The property-string keys kdh reads, with their format's default key (a
 * bare part's key): qemu-server's net, cpu, hostpci, efidisk, machine */
static const struct { const char *prefix; unsigned max; const char *dflt; }
propstr_keys[] = {
	{ "net", PVE_MAX_NETS, "model" }, { "hostpci", VMCONF_HOSTPCI, "host" },
	{ "cpu", 0, "cputype" }, { "efidisk0", 0, "file" },
	{ "machine", 0, "type" }, { "meta", 0, NULL },
};

/* A key given twice in a property string, refused as Proxmox refuses it */
static int propstr_check(const struct vmconf *c, const char *k, const char *v,
			 int line, char *err, size_t len)
{
	char e[160];

	for (size_t i = 0; i < G_N_ELEMENTS(propstr_keys); i++) {
		if (propstr_keys[i].max ?
		    key_index(k, propstr_keys[i].prefix, propstr_keys[i].max) < 0 :
		    strcmp(k, propstr_keys[i].prefix))
			continue;
		if (pve_propstr_dupkey(v, propstr_keys[i].dflt, e, sizeof(e)))
			return text_fail(err, len, c->file, line, "%s: %s", k, e);
	}
	return 0;
}

/**
 * vmconf_take() - one "key: value" line of a VM config
 * @c:		the config (from vmconf_init())
 * @k:		key
 * @v:		value
 * @line:	its line, for messages
 * @err:	"file:line: what is wrong"
 * @len:	its size
 *
 * Keys KDNET depends on are checked and stored; other qemu-server keys are
 * kept as a note.
 *
 * Return: 0, 1 when @k is not a qemu-server key at all (nothing stored),
 * or -EINVAL with @err filled
 */
int vmconf_take(struct vmconf *c, const char *k, const char *v, int line,
		char *err, size_t len)
{
	char e[160];
	int i;

	if (propstr_check(c, k, v, line, err, len))
		return -EINVAL;
	if (key_index(k, "net", 1u << 20) >= PVE_MAX_NETS)
		/* qemu-server's QemuServer.pm: "my $MAX_NETS = 32;" */
		return text_fail(err, len, c->file, line, "%s: Proxmox has net0 ... "
				 "net%d, no more NICs", k, PVE_MAX_NETS - 1);
	if ((i = key_index(k, "net", PVE_MAX_NETS)) >= 0) {
		if (pve_net_parse(v, &c->nets[i], e, sizeof(e)))
			return text_fail(err, len, c->file, line, "%s: %s", k, e);
		c->nets[i].index = (unsigned)i;
		c->has_net[i] = true;
		c->net_line[i] = line;
	} else if ((i = key_index(k, "serial", VMCONF_SERIALS)) >= 0) {
		if (strcmp(v, "socket") && strncmp(v, "/dev/", 5))
			return text_fail(err, len, c->file, line, "%s: '%s' is not socket "
					 "or /dev/... (all Proxmox accepts)", k, v);
		return COPY(c->serial[i]);
	} else if (!strcmp(k, "ostype")) {
		if (!pve_ostype_known(v))
			return text_fail(err, len, c->file, line, "ostype: unknown '%s' (other, "
					 "win10, win11, l26, ...)", v);
		snprintf(c->ostype, sizeof(c->ostype), "%s", v);
	} else if (!strcmp(k, "memory")) {
		if (number(v, 16, 4u << 20, &c->memory))
			return text_fail(err, len, c->file, line, "memory: '%s' is not MiB", v);
	} else if (!strcmp(k, "cores") || !strcmp(k, "sockets")) {
		if (number(v, 1, 1024, !strcmp(k, "cores") ? &c->cores : &c->sockets))
			return text_fail(err, len, c->file, line, "%s: '%s' is not a count", k, v);
	} else if (!strcmp(k, "kvm")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return text_fail(err, len, c->file, line, "kvm: '%s' is not 0 or 1", v);
		c->kvm = *v == '1';
	} else if (!strcmp(k, "cpu")) {
		struct pve_cpu cpu;
		char ce[512];

		if (COPY(c->cpu))
			return -EINVAL;
		if (pve_cpu_parse(v, &cpu, ce, sizeof(ce)))
			return text_fail(err, len, c->file, line, "%s", ce);
	} else if (!strcmp(k, "machine")) {
		return COPY(c->machine);
	} else if (!strcmp(k, "bios")) {
		if (strcmp(v, "seabios") && strcmp(v, "ovmf"))
			return text_fail(err, len, c->file, line, "bios: '%s' is not seabios "
					 "or ovmf", v);
		snprintf(c->bios, sizeof(c->bios), "%s", v);
	} else if (!strcmp(k, "scsihw")) {
		return COPY(c->scsihw);
	} else if (!strcmp(k, "meta")) {
		meta_take(c, v);
	} else if ((i = key_index(k, "hostpci", VMCONF_HOSTPCI)) >= 0) {
		c->hostpci[i].present = true;
		c->hostpci[i].line = line;
		c->hostpci[i].x_vga = option_on(v, "x-vga");
		c->hostpci[i].pcie = option_on(v, "pcie");
		snprintf(c->hostpci[i].value, sizeof(c->hostpci[i].value), "%s", v);
	} else if (!strcmp(k, "tpmstate0")) {
		c->tpmstate_line = line;
	} else if (!strcmp(k, "name")) {
		return COPY(c->name);
	} else if (!strcmp(k, "args")) {
		return COPY(c->args);
	} else if (!strcmp(k, "template")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return text_fail(err, len, c->file, line, "template: '%s' is not 0 "
					 "or 1", v);
		c->template_ = *v == '1';
	} else if ((i = vmconf_take_device(c, k, v, line, err, len)) != 1) {
		return i;
	} else if (!vmconf_key_ignored(k)) {
		return 1;
	} else if (c->n_notes < VMCONF_NOTES) {
		char *note = c->notes[c->n_notes++];

		snprintf(note, sizeof(c->notes[0]), "%d: '%s' kept and ignored",
			 line, k);
	}
	return 0;
}

/**
 * vmconf_parse() - read a VM config from text
 * @file:	name for messages
 * @text:	contents
 * @c:		output
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int vmconf_parse(const char *file, const char *text, struct vmconf *c,
		 char *err, size_t errlen)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						 NULL);
	int rc = 0;

	vmconf_init(c, file);
	for (int i = 0; lines[i] && !rc; i++) {
		bool indented = g_ascii_isspace(lines[i][0]);
		char *s = g_strstrip(lines[i]), *colon;

		if (!*s || *s == '#')
			continue;
		if (*s == '[')
			break;		/* snapshots follow */
		colon = strchr(s, ':');
		if (!colon || colon == s) {
			rc = text_fail(err, errlen, file, i + 1, "'%s' is not 'key: value'",
				       s);
			break;
		}
		if (indented || g_ascii_isspace(colon[-1])) {
			rc = text_fail(err, errlen, file, i + 1, "'%s': qemu-server "
				       "skips a line whose key does not start it or has a "
				       "blank before its colon (\"unable to parse config\"), "
				       "so the VM does not have it: write 'key: value'", s);
			break;
		}
		*colon = '\0';
		g_strstrip(s);
		if (!g_hash_table_add(seen, g_strdup(s))) {
			rc = text_fail(err, errlen, file, i + 1, "'%s' appears twice", s);
			break;
		}
		rc = vmconf_take(c, s, g_strstrip(colon + 1), i + 1, err, errlen);
		if (rc == 1) {	/* a newer qemu-server may have it: say so */
			rc = 0;
			if (c->n_notes < VMCONF_NOTES)
				snprintf(c->notes[c->n_notes++], sizeof(c->notes[0]),
					 "%d: '%s' is not a qemu-server 9 key; ignored",
					 i + 1, s);
		}
	}
	if (!rc && !g_hash_table_size(seen))
		rc = text_fail(err, errlen, file, 0, "no 'key: value' line: not a Proxmox "
			       "VM config (/etc/pve/qemu-server/VMID.conf)");
	if (c->template_) {	/* qemu-server starts a template with kvm 0, */
		c->kvm = false;	/* vga none, the rest default (config_to_command) */
		snprintf(c->vga, sizeof(c->vga), "none");
		c->vga_memory = 0;
		c->balloon_off = false;
	}
	g_hash_table_destroy(seen);
	g_strfreev(lines);
	return rc;
}

/**
 * vmconf_init() - an empty config with qemu-server's defaults
 * @c:		output
 * @file:	name for messages
 */
void vmconf_init(struct vmconf *c, const char *file)
{
	char name[sizeof(c->file)];

	snprintf(name, sizeof(name), "%s", file);
	memset(c, 0, sizeof(*c));
	memcpy(c->file, name, sizeof(name));
	snprintf(c->ostype, sizeof(c->ostype), "other");
	c->memory = 512;
	c->cores = c->sockets = 1;
	c->kvm = true;
}

/** vmconf_load() - read a VM config file */
int vmconf_load(const char *path, struct vmconf *c, char *err, size_t errlen)
{
	gchar *text = text_read(path, FILE_VMCONF, err, errlen);
	int rc;

	if (!text)
		return -EIO;
	rc = vmconf_parse(path, text, c, err, errlen);
	g_free(text);
	return rc;
}

/** vmconf_n_nets() - how many netN lines */
size_t vmconf_n_nets(const struct vmconf *c)
{
	size_t n = 0;

	for (int i = 0; i < PVE_MAX_NETS; i++)
		n += c->has_net[i];
	return n;
}
