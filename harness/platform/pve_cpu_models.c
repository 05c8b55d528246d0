// SPDX-License-Identifier: GPL-2.0-or-later
/* pve_cpu_models.c - qemu-server's CPU tables and custom CPU models
 *
 * The QEMU models qemu-server accepts with the vendor it forces
 * (CPUConfig.pm, its built-in list for a QEMU without cpu-models JSON),
 * Proxmox's own x86-64-vN models (qemu64 plus flags), the deprecated
 * models it maps, the flags a VM config may set (CPUFlags.pm), and a pure
 * parser of /etc/pve/virtual-guest/cpu-models.conf ("cpu-model: NAME"
 * sections, used as cputype custom-NAME).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kdh/platform/pve_cpu.h"
#include "kdh/util/textfile.h"

static const char *const intel_models[] = {
	"486", "pentium", "pentium2", "pentium3", "coreduo", "core2duo",
	"Conroe", "Penryn", "Nehalem", "Nehalem-IBRS", "Westmere",
	"Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS", "IvyBridge",
	"IvyBridge-IBRS", "Haswell", "Haswell-IBRS", "Haswell-noTSX",
	"Haswell-noTSX-IBRS", "Broadwell", "Broadwell-IBRS",
	"Broadwell-noTSX", "Broadwell-noTSX-IBRS", "Skylake-Client",
	"Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS",
	"Skylake-Client-v4", "Skylake-Server", "Skylake-Server-IBRS",
	"Skylake-Server-noTSX-IBRS", "Skylake-Server-v4",
	"Skylake-Server-v5", "Cascadelake-Server", "Cascadelake-Server-v2",
	"Cascadelake-Server-noTSX", "Cascadelake-Server-v4",
	"Cascadelake-Server-v5", "Cooperlake", "Cooperlake-v2",
	"KnightsMill", "Icelake-Client", "Icelake-Client-noTSX",
	"Icelake-Server", "Icelake-Server-noTSX", "Icelake-Server-v3",
	"Icelake-Server-v4", "Icelake-Server-v5", "Icelake-Server-v6",
	"Icelake-Server-v7", "SapphireRapids", "SapphireRapids-v2",
	"SapphireRapids-v3", "SapphireRapids-v4", "GraniteRapids",
	"GraniteRapids-v2", "GraniteRapids-v3", "SierraForest",
	"SierraForest-v2", "SierraForest-v3", "ClearwaterForest", NULL
};

static const char *const amd_models[] = {
	"athlon", "phenom", "Opteron_G1", "Opteron_G2", "Opteron_G3",
	"Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB", "EPYC-v3",
	"EPYC-v4", "EPYC-v5", "EPYC-Rome", "EPYC-Rome-v2", "EPYC-Rome-v3",
	"EPYC-Rome-v4", "EPYC-Rome-v5", "EPYC-Milan", "EPYC-Milan-v2",
	"EPYC-Milan-v3", "EPYC-Genoa", "EPYC-Genoa-v2", "EPYC-Turin", NULL
};

/* the host's vendor: no vendor= forced */
static const char *const generic_models[] = {
	"kvm32", "kvm64", "qemu32", "qemu64", "max", "host", NULL
};

/* valid cputypes in a config, but not for an x86_64 VM */
static const char *const arm_models[] = {
	"a64fx", "cortex-a35", "cortex-a53", "cortex-a55", "cortex-a57",
	"cortex-a710", "cortex-a72", "cortex-a76", "neoverse-n1",
	"neoverse-n2", "neoverse-v1", NULL
};

/* Proxmox's models: reported as qemu64 with these flags */
static const struct { const char *name, *flags; } builtin_models[] = {
	{ "x86-64-v2", "+popcnt;+pni;+sse4.1;+sse4.2;+ssse3" },
	{ "x86-64-v2-AES", "+aes;+popcnt;+pni;+sse4.1;+sse4.2;+ssse3" },
	{ "x86-64-v3", "+aes;+popcnt;+pni;+sse4.1;+sse4.2;+ssse3;+avx;+avx2;"
	  "+bmi1;+bmi2;+f16c;+fma;+abm;+movbe;+xsave" },
	{ "x86-64-v4", "+aes;+popcnt;+pni;+sse4.1;+sse4.2;+ssse3;+avx;+avx2;"
	  "+bmi1;+bmi2;+f16c;+fma;+abm;+movbe;+xsave;+avx512f;+avx512bw;"
	  "+avx512cd;+avx512dq;+avx512vl" },
};

/* flags a VM config may set, sorted (CPUFlags.pm) */
static const char *const vm_flags[] = {
	"aes", "amd-no-ssb", "amd-ssbd", "hv-evmcs", "hv-tlbflush", "ibpb",
	"md-clear", "nested-virt", "pcid", "pdpe1gb", "spec-ctrl", "ssbd",
	"virt-ssbd", NULL
};

static bool in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/**
 * pve_cpu_model_vendor() - the vendor qemu-server forces for an x86 model
 * @model:	QEMU model name
 *
 * Return: "GenuineIntel", "AuthenticAMD", "default" (the host's: kvm64,
 * qemu64, max, host, ...), or NULL for a model x86_64 does not have
 */
const char *pve_cpu_model_vendor(const char *model)
{
	if (in(intel_models, model))
		return "GenuineIntel";
	if (in(amd_models, model))
		return "AuthenticAMD";
	if (in(generic_models, model))
		return "default";
	return NULL;
}

/**
 * pve_cpu_model_known() - a cputype a VM config may name (any arch, or a
 * Proxmox model; custom-NAME is checked against cpu-models.conf instead)
 * @model:	cputype
 *
 * Return: true when qemu-server accepts it
 */
bool pve_cpu_model_known(const char *model)
{
	return pve_cpu_model_vendor(model) || in(arm_models, model) ||
	       pve_cpu_builtin_flags(model);
}

/**
 * pve_cpu_builtin_flags() - the flags of Proxmox's own model
 * @model:	"x86-64-v2", "x86-64-v2-AES", "x86-64-v3", "x86-64-v4"
 *
 * Return: "+a;+b" flags (on top of qemu64), NULL for other models
 */
const char *pve_cpu_builtin_flags(const char *model)
{
	for (size_t i = 0; i < G_N_ELEMENTS(builtin_models); i++)
		if (!strcmp(builtin_models[i].name, model))
			return builtin_models[i].flags;
	return NULL;
}

/**
 * pve_cpu_deprecated() - the model qemu-server runs instead of a
 * deprecated one (QEMU 7.1 removed Icelake-Client)
 * @model:	QEMU model
 *
 * Return: the replacement, or NULL
 */
const char *pve_cpu_deprecated(const char *model)
{
	if (!strcmp(model, "Icelake-Client"))
		return "Icelake-Server";
	if (!strcmp(model, "Icelake-Client-noTSX"))
		return "Icelake-Server-noTSX";
	return NULL;
}

/** pve_cpu_flag_vm_allowed() - may a VM config set this flag? */
bool pve_cpu_flag_vm_allowed(const char *name)
{
	return in(vm_flags, name);
}

/** pve_cpu_vm_flag_list() - "aes, amd-no-ssb, ...", for messages */
const char *pve_cpu_vm_flag_list(void)
{
	return "aes, amd-no-ssb, amd-ssbd, hv-evmcs, hv-tlbflush, ibpb, "
	       "md-clear, nested-virt, pcid, pdpe1gb, spec-ctrl, ssbd, virt-ssbd";
}

static bool flag_syntax_ok(const char *f)
{
	if ((*f != '+' && *f != '-') || !f[1])
		return false;
	for (f++; *f; f++)
		if (!g_ascii_isalnum(*f) && !strchr("-_.", *f))
			return false;
	return true;
}

/**
 * pve_cpu_flags_check() - a flags= list as qemu-server checks it
 * @flags:	"+FLAG;-FLAG..."
 * @vm:		a VM config's (only the allowed flags) or a custom model's
 *		(any flag)
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int pve_cpu_flags_check(const char *flags, bool vm, char *err, size_t errlen)
{
	gchar **items = g_strsplit(flags, ";", -1);
	int rc = 0;

	for (gchar **it = items; *it && !rc; it++) {
		if (!flag_syntax_ok(*it)) {
			snprintf(err, errlen, "flags: '%s' is not +FLAG or -FLAG", *it);
			rc = -EINVAL;
		} else if (vm && !pve_cpu_flag_vm_allowed(*it + 1)) {
			snprintf(err, errlen, "flags: '%s': VM-specific CPU flags must "
				 "be a subset of: %s", *it, pve_cpu_vm_flag_list());
			rc = -EINVAL;
		}
	}
	g_strfreev(items);
	return rc;
}

/* "cpu-model: NAME" */
static int section_start(struct pve_cpu_models *out, const char *s,
			 const char *file, int line, char *err, size_t errlen)
{
	struct pve_cpu_model *m;
	const char *name;

	if (strncmp(s, "cpu-model:", 10))
		return text_fail(err, errlen, file, line, "'%s' is not 'cpu-model: NAME'", s);
	name = s + 10;
	while (*name == ' ' || *name == '\t')
		name++;
	if (!g_ascii_isalpha(*name) || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name) || !name[1])
		return text_fail(err, errlen, file, line, "cpu-model: '%s' is not a "
				 "name (a letter, then letters, digits, - or _)", name);
	if (strlen(name) >= sizeof(out->m[0].name))
		return text_fail(err, errlen, file, line, "cpu-model: the name is %zu "
				 "characters, at most %zu", strlen(name),
				 sizeof(out->m[0].name) - 1);
	if (pve_cpu_models_find(out, name))
		return text_fail(err, errlen, file, line, "cpu-model: '%s' twice", name);
	if (out->n == PVE_CPU_MODELS_MAX)
		return text_fail(err, errlen, file, line, "more than %d models",
				 PVE_CPU_MODELS_MAX);
	m = &out->m[out->n++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	pve_cpu_init(&m->cpu);
	return 0;
}

/* "    key value" */
static int property(struct pve_cpu_model *m, char *s, const char *file,
		    int line, char *err, size_t errlen)
{
	char *value = s + strcspn(s, " \t");
	char e[400];

	if (*value) {
		*value++ = '\0';
		value = g_strstrip(value);
	}
	if (!strcmp(s, "cputype"))
		return text_fail(err, errlen, file, line, "cputype: set by the section "
				 "header (custom-%s)", m->name);
	if (pve_cpu_set(&m->cpu, s, value, false, e, sizeof(e)))
		return text_fail(err, errlen, file, line, "cpu-model %s: %s", m->name, e);
	return 0;
}

/**
 * pve_cpu_models_parse() - read a cpu-models.conf
 * @file:	name for messages
 * @text:	contents
 * @out:	output
 * @err:	"file:line: what is wrong"
 * @errlen:	its size
 *
 * A blank line ends a section; its properties are indented "key value"
 * lines (reported-model, flags, hidden, hv-vendor-id, level, phys-bits,
 * guest-phys-bits).  Where qemu-server warns and skips a bad line, this
 * refuses the file.
 *
 * Return: 0, or -EINVAL with @err filled
 */
int pve_cpu_models_parse(const char *file, const char *text,
			 struct pve_cpu_models *out, char *err, size_t errlen)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	struct pve_cpu_model *cur = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; lines[i] && !rc; i++) {
		char *s = lines[i];
		bool indented = *s == ' ' || *s == '\t';

		g_strstrip(s);
		if (*s == '#' && !indented)
			continue;
		if (!*s) {
			cur = NULL;
		} else if (!indented) {
			rc = section_start(out, s, file, i + 1, err, errlen);
			cur = rc ? NULL : &out->m[out->n - 1];
		} else if (!cur) {
			rc = text_fail(err, errlen, file, i + 1, "'%s' outside a "
				       "cpu-model section", s);
		} else {
			rc = property(cur, s, file, i + 1, err, errlen);
		}
	}
	g_strfreev(lines);
	return rc;
}

/**
 * pve_cpu_models_load() - read a cpu-models.conf file
 * @path:	e.g. PVE_CPU_DEFAULT_MODELS
 * @out:	output
 * @err:	reason on failure
 * @errlen:	its size
 *
 * Return: 0, -EIO, or -EINVAL
 */
int pve_cpu_models_load(const char *path, struct pve_cpu_models *out,
			char *err, size_t errlen)
{
	gchar *text = text_read(path, FILE_CPU_MODELS, err, errlen);	/* NUL, UTF-8: file:line */
	int rc;

	if (!text)
		return -EIO;
	rc = pve_cpu_models_parse(path, text, out, err, errlen);
	g_free(text);
	return rc;
}

/**
 * pve_cpu_models_find() - a custom model by name
 * @ms:		models, NULL for none
 * @name:	"NAME" or "custom-NAME"
 *
 * Return: its settings, or NULL
 */
const struct pve_cpu *pve_cpu_models_find(const struct pve_cpu_models *ms,
					  const char *name)
{
	if (!ms)
		return NULL;
	if (!strncmp(name, "custom-", 7))
		name += 7;
	for (size_t i = 0; i < ms->n; i++)
		if (!strcmp(ms->m[i].name, name))
			return &ms->m[i].cpu;
	return NULL;
}
