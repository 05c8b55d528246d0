// SPDX-License-Identifier: GPL-2.0-or-later
/* check_secboot.c - kdh check: Secure Boot and what a TPM does not mean
 *
 * Theory of operation: Secure Boot is the OVMF vars' business.  qemu-server
 * (Drive.pm, OVMF.pm) takes OVMF_CODE_4M.secboot.fd with OVMF_VARS_4M.ms.fd
 * for efidisk0 efitype=4m,pre-enrolled-keys=1 -- Microsoft's keys enrolled,
 * "this will enable Secure Boot by default, though it can still be turned
 * off from within the VM" -- and the 2 MB images without keys otherwise
 * (efitype 2m is the default; pre-enrolled-keys needs 4m); SeaBIOS has no
 * Secure Boot.  Under Secure Boot, `bcdedit /debug on` is refused ("The
 * value is protected by Secure Boot policy"; Microsoft's IoT Core docs, and
 * the bcdedit docs' "you might need to disable or suspend BitLocker and
 * Secure Boot"), so no kernel debugging, network or serial, can be turned
 * on.  The config shows the default only, not whether someone turned it
 * off in the firmware setup since: a warning, not a block.  A TPM
 * (tpmstate0) turns on neither Secure Boot nor VBS/HVCI; whether Windows
 * runs VBS no config line shows.
 */
#include <string.h>

#include "harness/platform/check_priv.h"

/**
 * check_secboot() - Secure Boot as the config's firmware and EFI vars give it
 * @c:		VM config
 * @vmid:	"105" or "VMID", for the fix
 * @f:		findings
 * @n:		how many, advanced
 */
void check_secboot(const struct vmconf *c, const char *vmid, struct finding *f,
		   size_t *n)
{
	bool ovmf = !strcmp(c->bios, "ovmf");

	if (ovmf && c->efidisk.line && c->efidisk.efitype_4m && c->efidisk.pre_enrolled_keys) {
		check_add(&f[*n], FIND_WARN, "efidisk0 has pre-enrolled-keys=1: the "
			  "VM boots with Secure Boot on (unless it was turned off in "
			  "its firmware setup), and under Secure Boot bcdedit /debug on "
			  "fails (\"The value is protected by Secure Boot policy\")");
		check_fix(&f[(*n)++], "suspend BitLocker if on, then turn Secure Boot "
			  "off in the OVMF setup (Esc at boot: Device Manager > Secure "
			  "Boot Configuration > Attempt Secure Boot off, F10, reset), or "
			  "give the VM EFI vars without keys: qm set %s --delete efidisk0, "
			  "then qm set %s --efidisk0 STORAGE:1,efitype=4m,"
			  "pre-enrolled-keys=0 (new vars: the boot entries are made "
			  "anew); then bcdedit /debug on", vmid, vmid);
	} else if (ovmf && c->efidisk.pre_enrolled_keys) {
		check_add(&f[(*n)++], FIND_OK, "efidisk0 has pre-enrolled-keys=1 but "
			  "not efitype=4m: qemu-server takes the 2 MB OVMF images, "
			  "without Secure Boot");
	}
	if (c->tpmstate_line)
		check_add(&f[(*n)++], FIND_OK, "tpmstate0 (a TPM) turns on neither "
			  "Secure Boot nor VBS/HVCI; whether Windows runs VBS no config "
			  "line shows (msinfo32: Virtualization-based security)");
}
