// SPDX-License-Identifier: GPL-2.0-or-later
/* verdict_kd_stub.c - TEMPORARY: a weak analysis_vm_kd() until the wire
 * analysis's KD conversation (branch kd-analyze, harness/analyze_kd.c)
 * lands; delete this file (and its line in meson.build) then.
 *
 * Theory of operation: verdict.c reads each debuggee's KD log through
 * analysis_vm_kd(), which include/kdh/analyze.h declares and kd-analyze
 * implements.  Until then this weak definition says "no KD conversation"
 * for every VM, which is also what an_vm_result.kd.seen says (false), so
 * no kd-VM.log is written and no dbgprint line matches.  The strong
 * definition, once linked, replaces it.
 */
#include "kdh/analyze.h"

/**
 * analysis_vm_kd() - a VM's KD conversation (weak stand-in: none)
 * @a:		the analysis
 * @vm:		the VM's name
 *
 * Return: NULL
 */
__attribute__((weak)) const struct an_kd *analysis_vm_kd(const struct analysis *a,
							  const char *vm)
{
	(void)a;
	(void)vm;
	return NULL;
}
