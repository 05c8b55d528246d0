// SPDX-License-Identifier: GPL-2.0-or-later
/* vmx_vm.c - what a .vmx says that KDNET depends on: NICs (model, network,
 * PCI slot), serial ports (pipe ends), firmware, guestOS, nested
 * virtualization (pure: struct vmx in, struct vmx_vm out)
 *
 * Defaults are VMware's (libvirt's src/vmx/vmx.c documents them): a device
 * is off without `.present = "TRUE"`; connectionType bridged; startConnected
 * TRUE; fileType device; tryNoRxLoss and yieldOnMsrRead FALSE.  Where
 * virtualDev is missing the model is the guestOS's default (e1000e for
 * Windows 10 and later, a guess; e1000 before, documented for Vista and 7:
 * said in the finding).  The PCI address the guest sees comes from
 * vmx_slot.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "harness/platform/vmx_priv.h"
#include "kdh/platform/vmx.h"
#include "netsim/pkt.h"
#include "netsim/value.h"
#include "kdh/util/textfile.h"

/* A boolean key: TRUE/FALSE (any case), also 1/0; @dflt when absent */
static int flag(const struct vmx *x, const char *key, bool dflt, bool *out,
		int *line, char *err, size_t errlen)
{
	const struct vmx_entry *e = vmx_find(x, key);

	*out = dflt;
	if (line)
		*line = e ? e->line : 0;
	if (!e)
		return 0;
	if (!g_ascii_strcasecmp(e->value, "TRUE") || !strcmp(e->value, "1"))
		*out = true;
	else if (!g_ascii_strcasecmp(e->value, "FALSE") || !strcmp(e->value, "0"))
		*out = false;
	else
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not TRUE or FALSE",
				 e->key, e->value);
	return 0;
}

/* "ethernet0" + ".virtualDev" */
static const struct vmx_entry *dev_key(const struct vmx *x, const char *dev,
				       const char *sub)
{
	char k[64];

	snprintf(k, sizeof(k), "%s.%s", dev, sub);
	return vmx_find(x, k);
}

/**
 * vmx_conn_name() - a connectionType as the VM Settings dialog names it
 * @conn:	the type
 *
 * Return: "bridged", "NAT", "host-only" or "custom"
 */
const char *vmx_conn_name(enum vmx_conn conn)
{
	static const char *const n[] = { "bridged", "NAT", "host-only", "custom" };

	return n[conn];
}

/* guestOS to the Proxmox ostype with the same Windows builds (winbuild) */
static void ostype_of(struct vmx_vm *vm)
{
	static const struct { const char *prefix, *ostype; } map[] = {
		{ "windows11", "win11" }, { "windows2022srv", "win11" },
		{ "windows2025srv", "win11" }, { "windows2019srv", "win10" },
		{ "windows9", "win10" }, { "windows8", "win8" },
		{ "windows7", "win7" }, { "winvista", "w2k8" },
		{ "longhorn", "w2k8" }, { "winxp", "wxp" },
	};

	snprintf(vm->ostype, sizeof(vm->ostype), "other");
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (g_str_has_prefix(vm->guest_os, map[i].prefix)) {
			snprintf(vm->ostype, sizeof(vm->ostype), "%s", map[i].ostype);
			return;
		}
}

static int conn_read(const struct vmx *x, const char *dev, struct vmx_nic *n,
		     char *err, size_t errlen)
{
	static const char *const types[] = { "bridged", "nat", "hostonly", "custom" };
	static const char *const vnets[] = { "VMnet0", "VMnet8", "VMnet1" };
	const struct vmx_entry *e = dev_key(x, dev, "connectionType"),
			       *v = dev_key(x, dev, "vnet");
	const char *base;

	n->conn = VMX_BRIDGED;
	n->conn_line = e ? e->line : 0;
	for (size_t i = 0; e && i < G_N_ELEMENTS(types); i++)
		if (!g_ascii_strcasecmp(e->value, types[i]))
			n->conn = (enum vmx_conn)i, e = NULL;
	if (e)
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not bridged, nat, "
				 "hostonly or custom", e->key, e->value);
	if (n->conn != VMX_CUSTOM) {
		snprintf(n->vnet, sizeof(n->vnet), "%s", vnets[n->conn]);
	} else if (!v || !*v->value) {
		e = dev_key(x, dev, "connectionType");
		return text_fail(err, errlen, x->file, e ? e->line : 0,
				 "%s.connectionType = \"custom\" "
				 "needs %s.vnet (e.g. \"VMnet2\")", dev, dev);
	} else {		/* "VMnet2", or "/dev/vmnet2" on Linux hosts */
		base = strrchr(v->value, '/');
		snprintf(n->vnet, sizeof(n->vnet), "%s", base ? base + 1 : v->value);
	}
	for (size_t i = 0; n->vnet[i] && i < sizeof(n->network) - 1; i++)
		n->network[i] = g_ascii_tolower(n->vnet[i]);
	n->dhcp_known = !strcmp(n->network, "vmnet8") ||
			!strcmp(n->network, "vmnet1");
	n->dhcp = n->dhcp_known;
	return 0;
}

static int mac_read(const struct vmx *x, const char *dev, struct vmx_nic *n,
		    char *err, size_t errlen)
{
	const struct vmx_entry *t = dev_key(x, dev, "addressType");
	const struct vmx_entry *e = t && !g_ascii_strcasecmp(t->value, "static") ?
		dev_key(x, dev, "address") : dev_key(x, dev, "generatedAddress");

	if (!e)
		return 0;
	if (mac_parse(e->value, n->mac))
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not a MAC address",
				 e->key, e->value);
	n->has_mac = true;
	return 0;
}

/* pciSlotNumber: a number, or -1 (VMware's "none yet") */
static int slot_read(const struct vmx *x, const char *dev, struct vmx_nic *n,
		     char *err, size_t errlen)
{
	const struct vmx_entry *e = dev_key(x, dev, "pciSlotNumber");
	uint64_t v;

	n->slot_line = e ? e->line : 0;
	if (!e || !strcmp(e->value, "-1"))
		return 0;
	if (value_uint(e->value, 0, 8191, &v))
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not a PCI slot "
				 "number (0-8191, or -1)", e->key, e->value);
	n->slot = (unsigned)v;
	n->has_slot = true;
	return 0;
}

/* The model without virtualDev: the guestOS's default (a guess) */
static void model_default(const struct vmx_vm *vm, struct vmx_nic *n)
{
	bool new = !strcmp(vm->ostype, "win10") || !strcmp(vm->ostype, "win11");

	snprintf(n->model, sizeof(n->model), "%s", new ? "e1000e" : "e1000");
	n->model_assumed = true;
}

static int nic_read(const struct vmx *x, struct vmx_vm *vm, unsigned i,
		    char *err, size_t errlen)
{
	struct vmx_nic *n = &vm->nic[i];
	const struct vmx_entry *e;
	char dev[16], k[48];
	int rc;

	snprintf(dev, sizeof(dev), "ethernet%u", i);
	snprintf(k, sizeof(k), "%s.present", dev);
	if ((rc = flag(x, k, false, &n->present, &n->line, err, errlen)) ||
	    !n->present)
		return rc;
	e = dev_key(x, dev, "virtualDev");
	if (e && *e->value) {
		if (strlen(e->value) >= sizeof(n->model) || strchr(e->value, ' '))
			return text_fail(err, errlen, x->file, e->line,
					 "%s: '%s' is not a NIC "
					 "model", e->key, e->value);
		for (size_t j = 0; e->value[j]; j++)
			n->model[j] = g_ascii_tolower(e->value[j]);
		n->model_line = e->line;
	} else {
		model_default(vm, n);
	}
	snprintf(k, sizeof(k), "%s.startConnected", dev);
	if ((rc = flag(x, k, true, &n->start_connected, NULL, err, errlen)) || (rc = conn_read(x, dev, n, err, errlen)) ||
	    (rc = mac_read(x, dev, n, err, errlen)) ||
	    (rc = slot_read(x, dev, n, err, errlen)))
		return rc;
	return vmx_nic_pci(x, i, n);
}

static int serial_read(const struct vmx *x, struct vmx_vm *vm, unsigned i,
		       char *err, size_t errlen)
{
	static const char *const types[] = { "device", "file", "pipe", "network" };
	struct vmx_serial *s = &vm->serial[i];
	const struct vmx_entry *e;
	char dev[16], k[48];
	int rc;

	snprintf(dev, sizeof(dev), "serial%u", i);
#define KEY(sub) (snprintf(k, sizeof(k), "%s." sub, dev), k)
	if ((rc = flag(x, KEY("present"), false, &s->present, &s->line, err,
		       errlen)) || !s->present)
		return rc;
	e = vmx_find(x, KEY("fileType"));
	s->type_line = e ? e->line : 0;
	s->type = e ? (enum vmx_serial_type)-1 : VMX_SER_DEVICE;
	for (size_t t = 0; e && t < G_N_ELEMENTS(types); t++)
		if (!g_ascii_strcasecmp(e->value, types[t]))
			s->type = (enum vmx_serial_type)t;
	/* Workstation also writes fileType "thinprint" for the printer */
	s->thinprint = e && !g_ascii_strcasecmp(e->value, "thinprint");
	if (s->thinprint)
		s->type = VMX_SER_DEVICE;
	if ((int)s->type < 0)
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not device, file, "
				 "pipe, network or thinprint", e->key, e->value);
	e = vmx_find(x, KEY("fileName"));
	if (e && strlen(e->value) >= sizeof(s->file_name))
		return text_fail(err, errlen, x->file, e->line,
				 "%s: longer than %zu characters",
				 e->key, sizeof(s->file_name) - 1);
	snprintf(s->file_name, sizeof(s->file_name), "%s", e ? e->value : "");
	s->file_name_line = e ? e->line : 0;
	s->thinprint = s->thinprint || (s->type == VMX_SER_DEVICE &&
		       !g_ascii_strcasecmp(s->file_name, "thinprint"));
	e = s->type == VMX_SER_NETWORK ? vmx_find(x, KEY("network.endPoint")) :
					 vmx_find(x, KEY("pipe.endPoint"));
	s->has_endpoint = e != NULL;
	s->endpoint_line = e ? e->line : 0;
	s->server = !e || !g_ascii_strcasecmp(e->value, "server");
	if (e && !s->server && g_ascii_strcasecmp(e->value, "client"))
		return text_fail(err, errlen, x->file, e->line,
				 "%s: '%s' is not server or "
				 "client", e->key, e->value);
	if ((rc = flag(x, KEY("tryNoRxLoss"), false, &s->try_no_rx_loss,
		       &s->try_no_rx_loss_line, err, errlen)) ||
	    (rc = flag(x, KEY("yieldOnMsrRead"), false, &s->yield_on_msr_read,
		       &s->yield_line, err, errlen)))
		return rc;
	return flag(x, KEY("startConnected"), true, &s->start_connected, NULL,
		    err, errlen);
#undef KEY
}

/* firmware, Secure Boot, nested virtualization and VBS */
static int platform_read(const struct vmx *x, struct vmx_vm *vm, char *err,
			 size_t errlen)
{
	const struct vmx_entry *e = vmx_find(x, "firmware");
	int rc;

	vm->firmware_line = e ? e->line : 0;
	vm->efi = e && !g_ascii_strcasecmp(e->value, "efi");
	if (e && !vm->efi && g_ascii_strcasecmp(e->value, "bios"))
		return text_fail(err, errlen, x->file, e->line,
				 "firmware: '%s' is not bios or "
				 "efi", e->value);
	if ((rc = flag(x, "uefi.secureBoot.enabled", false, &vm->secure_boot,
		       &vm->secure_boot_line, err, errlen)) ||
	    (rc = flag(x, "vhv.enable", false, &vm->vhv, &vm->vhv_line, err,
		       errlen)) ||
	    (rc = flag(x, "vvtd.enable", false, &vm->vvtd, &vm->vvtd_line, err,
		       errlen)))
		return rc;
	return flag(x, "windows.vbs.enabled", false, &vm->vbs, &vm->vbs_line,
		    err, errlen);
}

/**
 * vmx_vm_read() - the KDNET-relevant settings of a .vmx
 * @x:		its entries (vmx_parse())
 * @vm:		output
 * @err:	"file:line: ..." for a value kdh must read and cannot
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int vmx_vm_read(const struct vmx *x, struct vmx_vm *vm, char *err,
		size_t errlen)
{
	const struct vmx_entry *e;
	uint64_t hw;
	int rc = 0;

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->file, sizeof(vm->file), "%s", x->file);
	if ((e = vmx_find(x, "displayName")))
		snprintf(vm->display_name, sizeof(vm->display_name), "%s", e->value);
	if ((e = vmx_find(x, "guestOS"))) {
		for (size_t i = 0; e->value[i] && i < sizeof(vm->guest_os) - 1; i++)
			vm->guest_os[i] = g_ascii_tolower(e->value[i]);
		vm->guest_os_line = e->line;
	}
	ostype_of(vm);
	if ((e = vmx_find(x, "virtualHW.version"))) {
		if (value_uint(e->value, 1, 999, &hw))
			return text_fail(err, errlen, x->file, e->line,
					 "virtualHW.version: '%s' "
					 "is not a number", e->value);
		vm->hw_version = (unsigned)hw;
	}
	rc = platform_read(x, vm, err, errlen);
	for (unsigned i = 0; !rc && i < VMX_MAX_NICS; i++)
		rc = nic_read(x, vm, i, err, errlen);
	for (unsigned i = 0; !rc && i < VMX_MAX_SERIALS; i++)
		rc = serial_read(x, vm, i, err, errlen);
	return rc;
}

/**
 * vmx_com_port() - which serialN the guest calls COM@com: the ports are
 * numbered in order of the present ones (serial0 is COM1 when present)
 * @vm:		the VM
 * @com:	1 for COM1
 *
 * Return: N, or -1 when the VM has fewer ports
 */
int vmx_com_port(const struct vmx_vm *vm, unsigned com)
{
	unsigned seen = 0;

	for (int i = 0; i < VMX_MAX_SERIALS; i++)
		if (vm->serial[i].present && ++seen == com)
			return i;
	return -1;
}
