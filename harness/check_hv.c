// SPDX-License-Identifier: GPL-2.0-or-later
/* check_hv.c - `kdh check`: Hyper-V and what the guest's CPUID shows
 *
 * KDNET takes Hyper-V's synthetic debug transport when CPUID leaf
 * 0x40000000 says "Microsoft Hv" (observed: kvm-guest-drivers-windows
 * #1325, ntoseye citing OSR) -- QEMU's vendor once any hv_* enlightenment
 * is on, unless hv-vendor-id is set (documented: QEMU hyperv.rst).  So the
 * verdict is read from the -cpu QEMU really gets: qemu-server's, with
 * `args: -cpu` winning.  The first fix keeps the enlightenments (Windows
 * stays fast) with another vendor id; ostype other drops them.  Either
 * takes effect only when QEMU restarts: a reboot inside Windows keeps the
 * old CPU flags.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "harness/check_priv.h"
#include "kdh/pve_cpu.h"
#include "kdh/qemu_argv.h"

/* "x86-64-v2-AES,hv-vendor-id=KVMKVMKVM": the cpu line with the vendor set */
static void vendor_fix_cpu(const struct vmconf *c, char *buf, size_t len)
{
	struct pve_cpu cpu;

	if (!c->cpu[0] || pve_cpu_parse(c->cpu, &cpu, NULL, 0))
		snprintf(buf, len, "kvm64,hv-vendor-id=KVMKVMKVM");
	else if (cpu.hv_vendor_id[0])
		snprintf(buf, len, "%s", c->cpu);
	else
		snprintf(buf, len, "%s,hv-vendor-id=KVMKVMKVM", c->cpu);
}

static void syndbg_findings(const struct vmconf *c, const char *cpu,
			    struct finding *f, size_t *n)
{
	if (!qemu_cpu_hv_syndbg(cpu))
		return;
	if (!strstr(c->args, "vmbus-bridge")) {
		check_add(&f[*n], FIND_BLOCK, "hv-syndbg is on but there is no "
			  "vmbus-bridge device: QEMU's synthetic debugger needs it");
		check_fix(&f[(*n)++], "args: ... -device vmbus-bridge (and "
			  "hv-relaxed, hv-time, hv-vapic, hv-vpindex, hv-synic, "
			  "hv-runtime, hv-stimer on the -cpu)");
		return;
	}
	check_add(&f[(*n)++], FIND_WARN, "hv-syndbg: QEMU's Hyper-V synthetic "
		  "debugger carries KDNET from the guest to a UDP port of the host "
		  "(the supported way to debug with enlightenments on); nothing "
		  "of it crosses the VM's NICs, so the NIC findings do not apply");
}

/**
 * check_hv() - the Hyper-V findings
 * @c:		VM config
 * @x:		the QEMU version for the -cpu
 * @vmid:	"105" or "VMID", for fixes
 * @f:		findings
 * @n:		their count, advanced
 */
void check_hv(const struct vmconf *c, const struct check_ctx *x,
	      const char *vmid, struct finding *f, size_t *n)
{
	struct qemu_opts o = { .qemu = x->qemu };
	char vendor[13], fix_cpu[300], *cpu = NULL;
	int rc = pve_guest_hv_vendor(c, c->kvm, &o, &cpu, vendor);

	if (rc < 0) {
		check_add(&f[(*n)++], FIND_WARN, "the cpu line cannot be built as "
			  "qemu-server would: Hyper-V not judged");
		return;
	}
	if (!strcmp(vendor, "Microsoft Hv")) {
		char source[64];

		if (pve_ostype_hyperv(c->ostype))
			snprintf(source, sizeof(source), "ostype %s", c->ostype);
		else
			snprintf(source, sizeof(source), "the cpu or args line");
		vendor_fix_cpu(c, fix_cpu, sizeof(fix_cpu));
		check_add(&f[*n], FIND_BLOCK, "the guest's CPUID says \"Microsoft Hv\" "
			  "(Hyper-V enlightenments from %s, no hv-vendor-id): KDNET "
			  "takes Hyper-V's synthetic debug transport and nothing "
			  "reaches the debugger over the NIC", source);
		check_fix(&f[(*n)++], "qm set %s --cpu '%s' (keeps the enlightenments, "
			  "Windows stays fast), or qm set %s --ostype other; then qm "
			  "stop %s && qm start %s -- a reboot inside Windows keeps the "
			  "old CPU flags", vmid, fix_cpu, vmid, vmid, vmid);
	} else if (qemu_cpu_hv_enlightened(cpu) && vendor[0]) {
		check_add(&f[(*n)++], FIND_OK, "Hyper-V enlightenments with vendor "
			  "id \"%s\": the guest does not see \"Microsoft Hv\", so KDNET "
			  "uses the NIC", vendor);
	}
	syndbg_findings(c, cpu, f, n);
	g_free(cpu);
}
