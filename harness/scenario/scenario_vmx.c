// SPDX-License-Identifier: GPL-2.0-or-later
/* scenario_vmx.c - a VMware VM in a scenario: `vmx = FILE` or pasted .vmx
 * lines in [vm NAME], and `vmx = FILE` in [debugger] (the debugger VM of
 * a VM<->VM serial pair)
 *
 * Theory of operation: when walk() opens a [vm] section, sc_vm_vmx() looks
 * ahead through its items.  `vmx = FILE` is read relative to the
 * scenario's folder (a built-in scenario's from builtin_files); pasted
 * lines (a value in double quotes: `ethernet0.virtualDev = "e1000e"`) are
 * put back at their own line numbers in an otherwise blank text, so
 * vmx_parse()'s "file:line" is the scenario's.  vmx_vm_read() and
 * vmx_to_vmconf() then give the VM its conf, NICs (ethernetN on the
 * network named after its switch: "vmnet8"), ostype and serial pipes;
 * the scenario's keys (dbgsettings, windows, timing.*, ...) apply on top,
 * and a Proxmox line is refused.  Once every section is read,
 * sc_vmx_check() ties them to the scenario (scenario_vmx_check.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/scenario/scenario_priv.h"
#include "kdh/platform/vmx.h"
#include "kdh/util/textfile.h"

/**
 * sc_vmx_line() - whether an item of a [vm] is a pasted .vmx line: `key =
 * "value"` (`serial0.fileType = "pipe"`; Proxmox's `description: "x"` is
 * not one), or a key with a colon the INI reader split at
 * (`sata0:1.present = "TRUE"` reads as key "sata0", value `1.present =
 * "TRUE"`)
 * @it:		the item
 */
bool sc_vmx_line(const struct ini_item *it)
{
	const char *v = it->value;

	if (!v || it->kind != INI_ITEM)
		return false;
	if (*v == '"')
		return it->sep == '=';
	if (it->sep != ':' || !g_ascii_isdigit(*v))
		return false;
	v += strspn(v, "0123456789");
	if (*v != '.')
		return false;
	v += strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.:");
	v += strspn(v, " \t");
	if (*v++ != '=')
		return false;
	v += strspn(v, " \t");
	return *v == '"';
}

/* The pasted lines of items (sec, end) as a .vmx text whose line k is the
 * scenario's line k */
static char *pasted_text(const struct ini *ini, size_t sec, size_t end)
{
	GString *t = g_string_new(NULL);
	int line = 1;

	for (size_t i = sec + 1; i < end; i++) {
		const struct ini_item *it = &ini->items[i];

		if (!sc_vmx_line(it))
			continue;
		for (; line < it->line; line++)
			g_string_append_c(t, '\n');
		g_string_append_printf(t, it->value[0] == '"' ? "%s = %s" : "%s:%s",
				       it->key, it->value);
	}
	g_string_append_c(t, '\n');
	return g_string_free(t, FALSE);
}

/* `vmx = FILE`: its text, and in @path its name as opened ("built-in:
 * vmware/x.vmx" for a built-in scenario's) */
static char *file_text(struct parse *p, const struct ini_item *it, char *path,
		       size_t pathlen)
{
	char err[400];
	gchar *dir, *full, *text;

	if (!it->value[0]) {
		sc_fail(p, it->line, "vmx: give the .vmx file (vmx = FILE, "
			"relative to the scenario's folder)");
		return NULL;
	}
	if (!strncmp(p->file, "built-in:", 9)) {
		for (size_t i = 0; i < n_builtin_files; i++)
			if (!strcmp(builtin_files[i].name, it->value)) {
				snprintf(path, pathlen, "built-in:%s", it->value);
				return g_strdup(builtin_files[i].text);
			}
		sc_fail(p, it->line, "vmx: no built-in file %s", it->value);
		return NULL;
	}
	dir = g_path_get_dirname(p->file);
	full = g_path_is_absolute(it->value) || !strcmp(dir, ".") ?
	       g_strdup(it->value) : g_build_filename(dir, it->value, NULL);
	snprintf(path, pathlen, "%s", full);
	text = text_read(full, FILE_VMCONF, err, sizeof(err));
	if (!text)
		sc_fail(p, it->line, "vmx: %s", err);
	g_free(dir);
	g_free(full);
	return text;
}

/* An error of vmx.c ("FILE:line: ..."): for pasted lines FILE is the
 * scenario; for a .vmx file the `vmx =` line that named it comes first
 * ("s.kdh:5: win10.vmx:12: ..."), as every scenario error starts with the
 * scenario's file:line */
static int vmx_fail(struct parse *p, const struct ini_item *it, bool pasted,
		    const char *msg)
{
	if (pasted)
		snprintf(p->err, p->errlen, "%s", msg);
	else
		snprintf(p->err, p->errlen, "%s:%d: %s", p->file, it->line, msg);
	return -EINVAL;
}

/**
 * sc_vmx_read() - a .vmx given to a section: read, parsed, what matters
 * to KDNET
 * @p:		parse state
 * @it:		`vmx = FILE`, or the first pasted line
 * @text:	the pasted lines as pasted_text() made them, or NULL for FILE
 * @vv:		output
 * @path:	the file as opened (the scenario's for pasted lines)
 * @pathlen:	its size
 *
 * Return: 0, or -EINVAL with the error set
 */
static int sc_vmx_read(struct parse *p, const struct ini_item *it,
		       const char *text, struct vmx_vm *vv,
		       char *path, size_t pathlen)
{
	char *owned = NULL;
	struct vmx *x;
	int rc;

	if (!text) {
		owned = file_text(p, it, path, pathlen);
		if (!owned)
			return -EINVAL;
		p->sc->hash ^= g_str_hash(owned);	/* the run's provenance */
	} else {
		snprintf(path, pathlen, "%s", p->file);
	}
	x = vmx_parse(path, text ? text : owned, p->kv_err, sizeof(p->kv_err));
	g_free(owned);
	if (!x)
		return vmx_fail(p, it, text, p->kv_err);
	rc = vmx_vm_read(x, vv, p->kv_err, sizeof(p->kv_err));
	vmx_free(x);
	return rc ? vmx_fail(p, it, text, p->kv_err) : 0;
}

/* The VM's serial ports: pipes can be linked, COMn is the n-th present */
static void serials_take(struct sc_vm *vm, const struct vmx_vm *vv, int line)
{
	for (unsigned s = 0; s < SC_MAX_SERIALS && s < VMX_MAX_SERIALS; s++) {
		const struct vmx_serial *vs = &vv->serial[s];
		struct sc_pipe *pp = &vm->pipe[s];

		vm->vmx_com[s] = vmx_com_port(vv, s + 1);
		if (!vs->present)
			continue;
		pp->printer = vs->thinprint;
		if (vs->type != VMX_SER_PIPE)
			continue;
		pp->present = true;
		pp->server = vs->server;
		pp->line = vs->file_name_line ? vs->file_name_line : vs->line;
		snprintf(pp->name, sizeof(pp->name), "%s", vs->file_name);
		vm->serial[s] = true;
		vm->serial_line[s] = vm->vmx_pasted ? vs->line : line;
	}
}

/* vmx_vm into the [vm]: conf, NICs, ostype, pipes */
static int vm_fill(struct parse *p, struct sc_vm *vm, const struct vmx_vm *vv,
		   int line)
{
	char err[300];

	if (vmx_to_vmconf(vv, &vm->conf, err, sizeof(err)))
		return vm->vmx_pasted ? sc_fail(p, line, "%s", err) :
		       sc_fail(p, line, "vmx = %s: %s", vm->vmx_file, err);
	snprintf(vm->conf.name, sizeof(vm->conf.name), "%s", vm->name);
	snprintf(vm->ostype, sizeof(vm->ostype), "%s", vm->conf.ostype);
	vm->n_nets = 0;
	for (unsigned i = 0; i < PVE_MAX_NETS && vm->n_nets < SC_MAX_NETS; i++) {
		if (!vm->conf.has_net[i])
			continue;
		vm->nets[vm->n_nets] = vm->conf.nets[i];
		vm->net_line[vm->n_nets++] = vm->vmx_pasted && i < VMX_MAX_NICS &&
					      vv->nic[i].line ? vv->nic[i].line : line;
	}
	serials_take(vm, vv, line);
	return 0;
}

/**
 * sc_vm_vmx() - a [vm NAME] section just opened: its `vmx = FILE` or its
 * pasted .vmx lines, read before its other keys
 * @p:		parse state
 * @vm:		the VM, with its defaults
 * @ini:	the scenario's items
 * @sec:	the section's header in @ini
 *
 * Return: 0 (also for a Proxmox VM: nothing to do), or -EINVAL with the
 * error set
 */
int sc_vm_vmx(struct parse *p, struct sc_vm *vm, const struct ini *ini,
	      size_t sec)
{
	const struct ini_item *file = NULL, *pasted = NULL;
	struct vmx_vm *vv;
	char *text = NULL;
	size_t end;
	int rc;

	for (end = sec + 1; end < ini->n && ini->items[end].kind != INI_SECTION;
	     end++) {
		const struct ini_item *it = &ini->items[end];

		if (!strcmp(it->key, "vmx") && !file)
			file = it;
		else if (sc_vmx_line(it) && !pasted)
			pasted = it;
	}
	for (size_t i = 0; i < SC_MAX_SERIALS; i++)
		vm->vmx_com[i] = -1;
	if (!file && !pasted)
		return 0;
	if (file && pasted)
		return sc_fail(p, pasted->line, "a .vmx line in [vm %s], which reads "
			       "vmx = %s (line %d): give the .vmx as a file or paste "
			       "its lines, not both", vm->name, file->value,
			       file->line);
	vm->vmx_pasted = pasted;
	vm->vmx_line = pasted ? pasted->line : file->line;
	if (pasted)
		text = pasted_text(ini, sec, end);
	vv = g_new0(struct vmx_vm, 1);
	rc = sc_vmx_read(p, pasted ? pasted : file, text, vv, vm->vmx_file,
			 sizeof(vm->vmx_file));
	if (!rc)
		rc = vm_fill(p, vm, vv, vm->vmx_line);
	g_free(vv);
	g_free(text);
	return rc;
}

/**
 * sc_vmx_not_pve() - a key of a VMware [vm] that is no scenario key: a
 * Proxmox line (refused: the hardware is the .vmx's) or an unknown key
 * @p:		parse state
 * @vm:		the VM (vmx_line set)
 * @it:		the item
 *
 * Return: -EINVAL, or -ENOENT for an unknown key; the error set
 */
int sc_vmx_not_pve(struct parse *p, const struct sc_vm *vm,
		   const struct ini_item *it)
{
	struct vmconf *c = g_new0(struct vmconf, 1);
	char err[300];
	int rc;

	vmconf_init(c, p->file);
	rc = vmconf_take(c, it->key, it->value, it->line, err, sizeof(err));
	g_free(c);
	if (rc == 1) {
		sc_fail(p, it->line, "unknown key '%s' in [vm %s]: neither a "
			"scenario key nor a .vmx line (a .vmx value is in double "
			"quotes: key = \"value\")", it->key, vm->name);
		return -ENOENT;
	}
	return sc_fail(p, it->line, "%s: a Proxmox line in [vm %s], a VMware VM "
		       "(%s line %d): a [vm] is one or the other; set it in "
		       "the .vmx instead", it->key, vm->name, vm->vmx_pasted ?
		       "its .vmx lines from" : "vmx = on", vm->vmx_line);
}

/**
 * sc_debugger_vmx() - `vmx = FILE` in [debugger]: the debugger VM, whose
 * WinDbg is on a COM port that is a named pipe; its pipes are linked to
 * the debuggee's by name in sc_vmx_check()
 * @p:		parse state
 * @it:		the item (a pasted .vmx line is refused: a file only)
 *
 * Return: 0, or -EINVAL with the error set
 */
int sc_debugger_vmx(struct parse *p, const struct ini_item *it)
{
	struct sc_debugger *d = &p->sc->dbg;
	struct vmx_vm *vv;
	int rc;

	if (strcmp(it->key, "vmx"))
		return sc_fail(p, it->line, "a .vmx line in [debugger]: give the "
			       "debugger VM's .vmx as a file (vmx = FILE)");
	vv = g_new0(struct vmx_vm, 1);
	rc = sc_vmx_read(p, it, NULL, vv, d->vmx_file,
			 sizeof(d->vmx_file));

	d->vmx_line = it->line;
	for (unsigned s = 0; !rc && s < SC_MAX_SERIALS; s++) {
		const struct vmx_serial *vs = &vv->serial[s];
		struct sc_pipe *pp = &d->pipe[s];

		if (!vs->present || vs->type != VMX_SER_PIPE)
			continue;
		pp->present = true;
		pp->server = vs->server;
		pp->line = vs->file_name_line ? vs->file_name_line : vs->line;
		snprintf(pp->name, sizeof(pp->name), "%s", vs->file_name);
	}
	g_free(vv);
	return rc;
}
