// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_machine.c - qemu-server's machine types: i440fx and q35, their
 * versions, and the default it picks (PVE/QemuServer/Machine.pm)
 *
 * Theory of operation: a config's `machine:` is a property string
 * ("q35", "pc-i440fx-8.1", "type=q35,viommu=intel").  qemu-server turns an
 * unversioned type into a versioned one: Windows guests are pinned (5.1, or
 * the meta creation-qemu version from 9.1 on, or the installed QEMU's when
 * it cannot run that), others get the installed QEMU's with the highest
 * +pveN Proxmox has for it; a type without +pveN gets +pve0.  Those +pveN
 * (and .pxe) types exist only in Proxmox's patched QEMU: `upstream` is the
 * base type, and pve_machine_pick() maps it onto what the installed QEMU
 * has (a pc-q35-8.1 on QEMU 7.2 runs as pc-q35-7.2, with a note).
 *
 * Example: "q35" for ostype l26 on QEMU 7.2 -> type "q35+pve0", upstream
 * "q35", version 7.2; for ostype win10 -> "pc-q35-5.1+pve0", "pc-q35-5.1".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

/* one number of a version at *@s, advancing *@s: 1-4 digits, so
 * "99999999999.1" is refused rather than wrapped (QEMU and Proxmox
 * versions have at most 2 digits per part; 4 leaves room) */
static int version_part(const char **s, unsigned *out)
{
	size_t n = strspn(*s, "0123456789");

	if (!n || n > 4)
		return -EINVAL;
	*out = (unsigned)strtoul(*s, NULL, 10);
	*s += n;
	return 0;
}

/**
 * pve_version_parse() - "8.1", "8.1.2", "8.1+pve2"
 * @s:		text
 * @v:		output
 *
 * Return: 0, or -EINVAL
 */
int pve_version_parse(const char *s, struct pve_version *v)
{
	unsigned a, b, c = 0, z;

	if (version_part(&s, &a) || *s++ != '.' || version_part(&s, &b))
		return -EINVAL;
	if (*s == '.' && (++s, version_part(&s, &z)))
		return -EINVAL;
	if (!strncmp(s, "+pve", 4) && (s += 4, version_part(&s, &c)))
		return -EINVAL;
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
 * pve_version_cmp() - order of two versions, +pveN included
 * @a:		one
 * @b:		other
 *
 * Return: <0, 0, >0
 */
int pve_version_cmp(const struct pve_version *a, const struct pve_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->pve != b->pve)
		return a->pve < b->pve ? -1 : 1;
	return 0;
}

/**
 * pve_machine_pve_highest() - the highest +pveN qemu-server has for a
 * machine version ($PVE_MACHINE_VERSION in Machine.pm)
 * @major:	machine major
 * @minor:	machine minor
 *
 * Return: N, 0 for versions without Proxmox revisions
 */
unsigned pve_machine_pve_highest(unsigned major, unsigned minor)
{
	static const struct { unsigned major, minor, highest; } revs[] = {
		{ 4, 1, 2 }, { 9, 2, 1 }, { 10, 0, 1 }, { 11, 0, 2 },
	};

	for (size_t i = 0; i < sizeof(revs) / sizeof(*revs); i++)
		if (revs[i].major == major && revs[i].minor == minor)
			return revs[i].highest;
	return 0;
}

/**
 * pve_version_guard() - qemu-server's $version_guard: whether a feature of
 * machine major.minor+pveN is on, and the +pve the -machine type then needs
 * @machine:	the VM's machine version
 * @major, @minor, @pve: the feature's
 * @required:	raised to @pve when the machine is exactly at that version
 *
 * Return: true when the feature is on
 */
bool pve_version_guard(const struct pve_version *machine, unsigned major,
		       unsigned minor, unsigned pve, unsigned *required)
{
	struct pve_version at = { major, minor, pve };
	struct pve_version past = { major, minor,
				    pve_machine_pve_highest(major, minor) + 1 };

	if (pve_version_cmp(machine, &at) < 0)
		return false;
	if (pve_version_cmp(machine, &past) >= 0)
		return true;
	if (pve && pve > *required)
		*required = pve;
	return true;
}

/* "\d+(\.\d+)+(\+pve\d+)?(\.pxe)?" at @s: the version, its +pve, .pxe */
static int versioned_tail(const char *s, struct pve_version *v, bool *has_pve,
			  bool *pxe)
{
	unsigned dots = 0, n;

	*v = (struct pve_version){ 0 };
	if (version_part(&s, &v->major))
		return -EINVAL;
	while (s[0] == '.' && s[1] >= '0' && s[1] <= '9') {
		s++;
		if (version_part(&s, &n))
			return -EINVAL;
		if (!dots++)
			v->minor = n;
	}
	if (!dots)
		return -EINVAL;
	*has_pve = !strncmp(s, "+pve", 4) && s[4] >= '0' && s[4] <= '9';
	if (*has_pve) {
		s += 4;
		if (version_part(&s, &v->pve))
			return -EINVAL;
	}
	*pxe = !strcmp(s, ".pxe");
	return *pxe || !*s ? 0 : -EINVAL;
}

/* Machine.pm's schema pattern: chipset, version when there is one */
static int type_check(const char *type, struct pve_machine *m, bool *has_pve,
		      char *err, size_t errlen)
{
	const char *tail = NULL;

	*has_pve = false;
	if (!strncmp(type, "pc-q35-", 7)) {
		m->chipset = PVE_Q35;
		tail = type + 7;
	} else if (!strncmp(type, "pc-i440fx-", 10)) {
		tail = type + 10;
	} else if (!strncmp(type, "pc-", 3)) {
		tail = type + 3;
	} else if (!strcmp(type, "q35") || !strcmp(type, "pc")) {
		m->chipset = !strcmp(type, "q35") ? PVE_Q35 : PVE_I440FX;
		return 0;
	} else if (!strncmp(type, "virt", 4)) {
		snprintf(err, errlen, "machine type '%s' is for aarch64 VMs; kdh runs "
			 "x86_64 (pc, q35, pc-i440fx-X.Y, pc-q35-X.Y)", type);
		return -EINVAL;
	}
	if (!tail || versioned_tail(tail, &m->version, has_pve, &m->pxe)) {
		snprintf(err, errlen, "unknown machine type '%s' (qemu-server takes "
			 "pc, q35, pc-i440fx-X.Y, pc-q35-X.Y, optionally with +pveN "
			 "and .pxe)", type);
		return -EINVAL;
	}
	m->versioned = true;
	return 0;
}

/* The property string: "TYPE" or "type=TYPE", viommu, aw-bits, enable-s3/4 */
static int props(const char *value, char *type, size_t tlen, struct pve_machine *m,
		 char *err, size_t errlen)
{
	char buf[160], *save = NULL;
	int first = 1;

	snprintf(buf, sizeof(buf), "%s", value);
	for (char *kv = strtok_r(buf, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save), first = 0) {
		char *eq = strchr(kv, '=');
		const char *k = eq ? kv : "type", *v = eq ? eq + 1 : kv;

		if (eq)
			*eq = '\0';
		if (!eq && !first) {
			snprintf(err, errlen, "machine: '%s' is not KEY=VALUE", kv);
			return -EINVAL;
		}
		if (!strcmp(k, "type")) {
			snprintf(type, tlen, "%s", v);
		} else if (!strcmp(k, "viommu")) {
			if (strcmp(v, "intel") && strcmp(v, "virtio")) {
				snprintf(err, errlen, "machine: viommu '%s' is not intel "
					 "or virtio", v);
				return -EINVAL;
			}
			snprintf(m->viommu, sizeof(m->viommu), "%s", v);
		} else if (strcmp(k, "aw-bits") && strcmp(k, "enable-s3") &&
			   strcmp(k, "enable-s4")) {
			snprintf(err, errlen, "machine: unknown option '%s'", k);
			return -EINVAL;
		}
	}
	return 0;
}

static int machine_parse(const char *value, const char *ostype,
			 const char *creation_qemu, const struct pve_version *qemu,
			 struct pve_machine *m, char *err, size_t errlen)
{
	char type[64] = "", base[64];
	bool has_pve;
	int winver = pve_windows_version(ostype ? ostype : "other");

	memset(m, 0, sizeof(*m));
	if (value && *value && props(value, type, sizeof(type), m, err, errlen))
		return -EINVAL;
	if (!type[0])
		snprintf(type, sizeof(type), "pc");
	if (type_check(type, m, &has_pve, err, errlen))
		return -EINVAL;
	if (!strcmp(m->viommu, "intel") && m->chipset != PVE_Q35) {
		snprintf(err, errlen, "machine: to use Intel vIOMMU please set the "
			 "machine type to q35");
		return -EINVAL;
	}
	if (!m->versioned && winver) {
		/* pinned: 5.1 (ACPI changes in 5.2 confuse Windows), or the
		 * creation QEMU from 9.1 on; what the QEMU runs at most */
		struct pve_version pin = { 5, 1, 0 }, meta;

		if (creation_qemu && !pve_version_parse(creation_qemu, &meta) &&
		    pve_version_at_least(&meta, 9, 1))
			pin = (struct pve_version){ meta.major, meta.minor, 0 };
		if (!pve_version_at_least(qemu, pin.major, pin.minor))
			pin = (struct pve_version){ qemu->major, qemu->minor,
				pve_machine_pve_highest(qemu->major, qemu->minor) };
		snprintf(type, sizeof(type), "%s-%u.%u", m->chipset == PVE_Q35 ?
			 "pc-q35" : "pc-i440fx", pin.major, pin.minor);
		if (pin.pve)
			snprintf(type + strlen(type), sizeof(type) - strlen(type),
				 "+pve%u", pin.pve);
		has_pve = pin.pve > 0;
		m->versioned = true;
		m->version = pin;
	} else if (!m->versioned) {
		m->version = (struct pve_version){ qemu->major, qemu->minor,
			pve_machine_pve_highest(qemu->major, qemu->minor) };
		snprintf(type + strlen(type), sizeof(type) - strlen(type), "+pve%u",
			 m->version.pve);
		has_pve = true;
	}
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(type, "+"), type);
	if (m->pxe && !strchr(type, '+'))
		base[strlen(base) - 4] = '\0';		/* ".pxe" */
	snprintf(m->upstream, sizeof(m->upstream), "%s", base);
	if (has_pve)
		snprintf(m->type, sizeof(m->type), "%s", type);
	else
		snprintf(m->type, sizeof(m->type), "%s+pve0%s", base,
			 m->pxe ? ".pxe" : "");
	return 0;
}

/**
 * pve_machine_parse() - a config's machine line, as get_vm_machine()
 * @value:	"pc-q35-8.1", "q35", "type=q35,viommu=intel", "" for none
 * @ostype:	the config's ostype (Windows pins a version)
 * @qemu:	the QEMU version qemu-server sees (unversioned types take it)
 * @m:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Same as pve_machine_of() for a config without meta creation-qemu.
 *
 * Return: 0, or -EINVAL with @err filled (unknown type or option)
 */
int pve_machine_parse(const char *value, const char *ostype,
		      const struct pve_version *qemu, struct pve_machine *m,
		      char *err, size_t errlen)
{
	return machine_parse(value, ostype, NULL, qemu, m, err, errlen);
}

/**
 * pve_machine_of() - the machine qemu-server runs a VM config with
 * @c:		config (machine, ostype, meta creation-qemu)
 * @qemu:	the QEMU version qemu-server sees
 * @m:		output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_machine_of(const struct vmconf *c, const struct pve_version *qemu,
		   struct pve_machine *m, char *err, size_t errlen)
{
	return machine_parse(c->machine, c->ostype, c->creation_qemu, qemu, m,
			     err, errlen);
}

/* "pc-q35-7.2" of the chipset: its version */
static bool chipset_version(const char *name, enum pve_chipset cs,
			    struct pve_version *v)
{
	const char *prefix = cs == PVE_Q35 ? "pc-q35-" : "pc-i440fx-";
	bool has_pve, pxe;

	return !strncmp(name, prefix, strlen(prefix)) &&
	       !versioned_tail(name + strlen(prefix), v, &has_pve, &pxe) &&
	       !has_pve && !pxe;
}

/**
 * pve_machine_pick() - the type the installed QEMU runs for @m: its
 * upstream type when QEMU has it, else the nearest version of the same
 * chipset (the newest one below, or the oldest above)
 * @m:		the machine
 * @have:	the types the installed QEMU lists (-machine help)
 * @n:		how many
 * @out:	the type to run
 * @len:	its size
 * @note:	set ("" when @out is @m->upstream) to what was changed
 * @notelen:	its size
 *
 * Return: 0, or -ENOENT when QEMU has no machine of that chipset
 */
int pve_machine_pick(const struct pve_machine *m, const char *const *have,
		     size_t n, char *out, size_t len, char *note, size_t notelen)
{
	const char *below = NULL, *above = NULL;
	struct pve_version vb = { 0 }, va = { 0 }, v;

	note[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!strcmp(have[i], m->upstream)) {
			snprintf(out, len, "%s", m->upstream);
			return 0;
		}
	for (size_t i = 0; i < n; i++) {
		if (!chipset_version(have[i], m->chipset, &v))
			continue;
		v.pve = 0;
		if (pve_version_cmp(&v, &m->version) <= 0) {
			if (!below || pve_version_cmp(&v, &vb) > 0)
				below = have[i], vb = v;
		} else if (!above || pve_version_cmp(&v, &va) < 0) {
			above = have[i], va = v;
		}
	}
	if (!below && !above)
		return -ENOENT;
	snprintf(out, len, "%s", below ? below : above);
	snprintf(note, notelen, "the installed QEMU has no machine type %s: "
		 "running %s, its %s %s version", m->upstream, out,
		 below ? "newest" : "oldest", m->chipset == PVE_Q35 ? "q35" : "i440fx");
	return 0;
}
