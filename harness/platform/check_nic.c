// SPDX-License-Identifier: GPL-2.0-or-later
/* check_nic.c - `kdh check`: which NIC KDNET will use
 *
 * busparams names the b.d.f the *guest* enumerated (Device Manager's
 * Location), which pve_guest_nic_pci() models per machine and firmware; on
 * q35 Proxmox's NICs sit behind a bridge with its own bus number, so the
 * i440fx habit "0.19.0" names nothing there.  Without busparams KDNET takes
 * the first NIC in PCI order whose model the Windows build drives
 * (winbuild.c); a virtio NIC counts only with the modern interface.
 * A VMware VM (c->vmware, vmx_to_vmconf()) has the same rules with its
 * own words: ethernetN on a VMnet, fixes as .vmx lines.
 */
#include <stdio.h>
#include <string.h>

#include "harness/platform/check_priv.h"
#include "netsim/pkt.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/winbuild.h"

struct nic_view {
	int index;
	struct pci_addr pci;
	const char *model;		/* as KDNET meets it (virtio-legacy) */
};

/* The VM's NICs in PCI enumeration order, as the guest sees them */
static size_t nic_views(const struct vmconf *c, const struct pve_machine *m,
			struct nic_view *v)
{
	size_t n = 0;

	for (int i = 0; i < PVE_MAX_NETS; i++) {
		if (!c->has_net[i] || pve_guest_nic_pci(c, (unsigned)i, &v[n].pci))
			continue;
		v[n].index = i;
		v[n].model = nic_guest_model(c->nets[i].model, m->version.major,
					     m->version.minor);
		for (size_t j = n; j > 0 && pci_addr_cmp(&v[j].pci, &v[j - 1].pci) < 0;
		     j--) {
			struct nic_view t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
		n++;
	}
	return n;
}

static bool driven(const struct check_ctx *x, const char *model)
{
	for (size_t i = 0; i < x->n_models; i++)
		if (!strcmp(x->models[i], model))
			return true;
	return false;
}

/* "net" (Proxmox's netN) or "ethernet" (a .vmx's ethernetN) */
static const char *nic_word(const struct vmconf *c)
{
	return c->vmware ? "ethernet" : "net";
}

/* "NAT VMnet8" for vmx_to_vmconf()'s network "vmnet8" (VMware's default
 * switches: Workstation manual, Table 14-1) */
static void vmnet_text(const char *network, char *buf, size_t len)
{
	static const char *const kind[] = { "bridged", "host-only" };
	unsigned n;

	if (sscanf(network, "vmnet%u", &n) != 1) {
		snprintf(buf, len, "custom %s", network);
		return;
	}
	snprintf(buf, len, "%s VMnet%u", n == 8 ? "NAT" : n < 2 ? kind[n] :
		 "custom", n);
}

static void desc(const struct vmconf *c, const struct nic_view *v, char *buf,
		 size_t len)
{
	char b[16], net[48];

	if (c->vmware) {
		vmnet_text(c->nets[v->index].bridge, net, sizeof(net));
		snprintf(buf, len, "ethernet%d (%s at %s, %s)", v->index,
			 c->nets[v->index].model, pci_addr_str(&v->pci, b,
			 sizeof(b)), net);
		return;
	}
	snprintf(buf, len, "net%d (%s at %s, bridge %s)", v->index,
		 c->nets[v->index].model, pci_addr_str(&v->pci, b, sizeof(b)),
		 c->nets[v->index].bridge);
}

/* the fix that makes NIC @i a model KDNET drives */
static void model_fix(const struct vmconf *c, int i, char *buf, size_t len)
{
	char b[MAC_STRLEN];

	if (c->vmware)
		snprintf(buf, len, "ethernet%d.virtualDev = \"e1000e\" in the .vmx",
			 i);
	else
		snprintf(buf, len, "net%d: e1000=%s,... in the VM config", i,
			 mac_str(c->nets[i].mac, b));
}

/* "net0 is 6.18.0, net1 6.19.0": the map, for a busparams that names none */
static void map_text(const char *word, const struct nic_view *v, size_t n,
		     char *buf, size_t len)
{
	size_t o = 0;
	char b[16];

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s%d %s%s", i ? ", " : "",
				      word, v[i].index, i ? "" : "is ",
				      pci_addr_str(&v[i].pci, b, sizeof(b)));
}

/* Why a model is not driven: never, a later build, or legacy virtio */
static void not_driven_why(const struct check_ctx *x, const char *model,
			   char *buf, size_t len)
{
	unsigned first = win_build_first(model);

	if (!strcmp(model, "virtio-legacy"))
		snprintf(buf, len, "virtio with the legacy interface only (machine "
			 "before 2.7): kd_02_1af4.dll needs the modern one");
	else if (x->models_given)
		snprintf(buf, len, "%s is not in the given KDNET NIC list", model);
	else if (first)
		snprintf(buf, len, "KDNET drives %s from build %u; the %s build is "
			 "%u", model, first, x->build_assumed ? "assumed" : "given",
			 x->windows_build);
	else
		snprintf(buf, len, "no Windows build has a KDNET module for %s",
			 model);
}

/* The ostype covers builds that drive @model and builds that do not:
 * the finding says it holds only from the model's first build, and asks
 * for the build */
static void build_decides(const struct check_ctx *x, const char *model,
			  struct finding *f)
{
	unsigned first = win_build_first(model);
	size_t len = strlen(f->text), flen = strlen(f->fix);

	if (!x->build_assumed || !first || first <= x->build_lo ||
	    first > x->build_hi)
		return;
	f->level = FIND_WARN;
	snprintf(f->text + len, sizeof(f->text) - len, ", if the guest is build "
		 "%u or later: KDNET drives %s from %u on, and %u is only "
		 "assumed", first, model, first, x->windows_build);
	snprintf(f->fix + flen, sizeof(f->fix) - flen, "%sgive the guest's build: "
		 "--windows 10.0.BUILD.UBR as ver prints it", flen ? "; " : "");
}

/* busparams names no NIC: say what it is on i440fx if that is the habit */
static void busparams_names_none(const struct vmconf *c,
				 const struct pve_machine *m,
				 const struct pci_addr *want, const char *text,
				 const struct nic_view *v, size_t n,
				 struct finding *f)
{
	char map[200], b[16];

	map_text(nic_word(c), v, n, map, sizeof(map));
	for (size_t i = 0; m->chipset == PVE_Q35 && i < n; i++) {
		struct pve_slot s;

		if (pve_net_slot((unsigned)v[i].index, &s) || s.bridge ||
		    want->bus || want->dev != s.slot || want->fn)
			continue;
		check_add(f, FIND_BLOCK, "busparams %s names no NIC on this q35 VM: "
			  "%s is net%d on i440fx, but on q35 Proxmox's NICs sit "
			  "behind a PCI bridge (%s): debugging is off", text, text,
			  v[i].index, map);
		check_fix(f, "bcdedit /set {dbgsettings} busparams %s (net%d)",
			  pci_addr_str(&v[i].pci, b, sizeof(b)), v[i].index);
		return;
	}
	check_add(f, FIND_BLOCK, "busparams %s names no NIC of this VM (%s): "
		  "debugging is off", text, map);
	check_fix(f, "bcdedit /set {dbgsettings} busparams b.d.f of the NIC on the "
		  "debugger's network");
}

static int by_busparams(const struct vmconf *c, const struct pve_machine *m,
			const struct dbgsettings *d, const struct check_ctx *x,
			const struct nic_view *v, size_t n, struct finding *f)
{
	struct pci_addr want;
	char dsc[128], why[160], fix[160];

	if (pci_addr_parse(d->busparams, &want)) {
		check_add(f, FIND_BLOCK, "busparams '%s' is not b.d.f", d->busparams);
		check_fix(f, "bcdedit /set {dbgsettings} busparams %s (%s%d's "
			  "address)", n ? pci_addr_str(&v[0].pci, dsc, sizeof(dsc)) :
			  "B.D.F", nic_word(c), n ? v[0].index : 0);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (pci_addr_cmp(&v[i].pci, &want))
			continue;
		desc(c, &v[i], dsc, sizeof(dsc));
		if (!driven(x, v[i].model)) {
			not_driven_why(x, v[i].model, why, sizeof(why));
			check_add(f, FIND_BLOCK, "busparams %s names %s, which KDNET "
				  "does not drive: %s", d->busparams, dsc, why);
			model_fix(c, v[i].index, fix, sizeof(fix));
			check_fix(f, "%s (or point busparams at a driven NIC)", fix);
			return -1;
		}
		check_add(f, FIND_OK, "KDNET will use %s, named by busparams %s", dsc,
			  d->busparams);
		build_decides(x, v[i].model, f);
		return v[i].index;
	}
	busparams_names_none(c, m, &want, d->busparams, v, n, f);
	return -1;
}

/**
 * check_nic() - the finding on which NIC KDNET will use
 * @c:		VM config
 * @d:		{dbgsettings}, NULL for Windows' defaults
 * @x:		network, Windows build and its NIC list
 * @f:		findings (one or two are added)
 * @n:		their count, advanced
 *
 * Return: the netN index KDNET uses, or -1 (with a BLOCK finding)
 */
int check_nic(const struct vmconf *c, const struct dbgsettings *d,
	      const struct check_ctx *x, struct finding *f, size_t *n)
{
	struct nic_view v[PVE_MAX_NETS];
	struct pve_machine m;
	char dsc[128], why[160], b[16];
	size_t nv;

	if (pve_machine_parse(c->machine, c->ostype, &x->qemu, &m, NULL, 0))
		m = (struct pve_machine){ .version = x->qemu };
	nv = nic_views(c, &m, v);
	if (d && d->has_busparams)
		return by_busparams(c, &m, d, x, v, nv, &f[(*n)++]);
	for (size_t i = 0; i < nv; i++) {
		if (!driven(x, v[i].model)) {
			not_driven_why(x, v[i].model, why, sizeof(why));
			check_add(&f[(*n)++], FIND_WARN, "%s%d is not a KDNET NIC: %s",
				  nic_word(c), v[i].index, why);
			continue;
		}
		desc(c, &v[i], dsc, sizeof(dsc));
		check_add(&f[*n], nv > 1 ? FIND_WARN : FIND_OK, "KDNET will use %s: "
			  "no busparams, the first NIC it drives in PCI order", dsc);
		if (nv > 1)
			check_fix(&f[*n], "with %zu NICs, say which: bcdedit /set "
				  "{dbgsettings} busparams %s (%s%d), or another "
				  "NIC's b.d.f", nv, pci_addr_str(&v[i].pci, b, sizeof(b)),
				  nic_word(c), v[i].index);
		build_decides(x, v[i].model, &f[*n]);
		(*n)++;
		return v[i].index;
	}
	check_add(&f[*n], FIND_BLOCK, "no NIC of this VM is a model KDNET drives "
		  "(Windows build %u)", x->windows_build);
	if (c->vmware)
		check_fix(&f[(*n)++], "ethernet0.virtualDev = \"e1000e\" in the "
			  ".vmx");
	else
		check_fix(&f[(*n)++], "use model e1000 for the debug NIC (net0: "
			  "e1000=MAC,bridge=...)");
	return -1;
}
