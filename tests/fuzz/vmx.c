// SPDX-License-Identifier: GPL-2.0-or-later
/* vmx.c - libFuzzer harness: a VMware .vmx (vmx_parse, vmx_vm_read,
 * vmx_to_vmconf), each NIC's b.d.f and `kdh check` on the result.
 * Invariants: a failure has a non-empty one-line message starting with
 * "FILE:LINE:"; every entry has a key and a line within the text; a
 * NIC's address is known or its why says why not; kdh_check stays within
 * its array and every finding has a text and a known level. */
#include "fuzz.h"
#include "kdh/platform/check.h"
#include "kdh/platform/check_vmx.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/vmx.h"
#include "kdh/platform/winbuild.h"

#define FILE_NAME	"fuzz/vm.vmx"

static void message_ok(const char *err)
{
	FUZZ_CHECK(err[0], "failure without a message");
	FUZZ_CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1),
		   "message does not name the file: '%s'", err);
	FUZZ_CHECK(!strchr(err, '\n'), "message of several lines: '%s'", err);
}

static void findings_ok(const struct finding *f, size_t n)
{
	FUZZ_CHECK(n <= CHECK_MAX_FINDINGS, "%zu findings", n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(f[i].level <= FIND_NOTE, "level %d", f[i].level);
		FUZZ_CHECK(f[i].text[0], "finding %zu without text", i);
	}
}

/* kdh check VM.vmx as a user runs it: network, serial COM1-4, a pair */
static void vmx_checks(const struct vmx *xf, const struct vmx_vm *vm,
		       const struct vmconf *c, struct finding *f)
{
	struct dbgsettings d = { .debugtype = "SERIAL", .baudrate = 115200 };
	struct check_ctx x;
	size_t n;

	check_ctx_init(&x, WIN_BUILD_DEFAULT);
	findings_ok(f, check_vmx(xf, vm, c, NULL, &x, f, CHECK_MAX_FINDINGS));
	for (d.debugport = 1; d.debugport <= 4; d.debugport++) {
		n = 0;
		check_vmx_serial(vm, &d, f, &n);
		findings_ok(f, n);
	}
	d.debugport = 1;
	findings_ok(f, check_vmx_pair(xf, vm, xf, vm, &d, f, CHECK_MAX_FINDINGS));
}

static void vm_check(const struct vmx *xf, const struct vmx_vm *vm)
{
	struct finding *f = malloc(CHECK_MAX_FINDINGS * sizeof(*f));
	struct vmconf *c = malloc(sizeof(*c));
	struct check_ctx x;
	struct pci_addr pci;
	char err[512] = "";
	size_t n;

	if (!c || !f)
		abort();
	for (unsigned i = 0; i < VMX_MAX_NICS; i++)
		FUZZ_CHECK(!vm->nic[i].present || vm->nic[i].pci_known ||
			   vm->nic[i].pci_why[0], "ethernet%u: no address, no why", i);
	if (!vmx_to_vmconf(vm, c, err, sizeof(err))) {
		for (unsigned i = 0; i < PVE_MAX_NETS; i++)
			if (c->has_net[i])
				pve_guest_nic_pci(c, i, &pci);
		check_ctx_init(&x, WIN_BUILD_DEFAULT);
		n = kdh_check(c, NULL, &x, f, CHECK_MAX_FINDINGS);
		findings_ok(f, n);
		vmx_checks(xf, vm, c, f);
	}
	free(c);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	int lines = 1;
	char err[512] = "";
	struct vmx_vm *vm;
	struct vmx *x;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	(void)vmx_text_is_vmx(text);
	x = vmx_parse(FILE_NAME, text, err, sizeof(err));
	if (!x) {
		message_ok(err);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < x->n; i++)
		FUZZ_CHECK(x->e[i].key[0] && x->e[i].line >= 1 &&
			   x->e[i].line <= lines && x->e[i].dup_line < x->e[i].line,
			   "entry %zu: key '%s' line %d (dup %d) of %d", i,
			   x->e[i].key, x->e[i].line, x->e[i].dup_line, lines);
	vm = malloc(sizeof(*vm));
	if (!vm)
		abort();
	if (vmx_vm_read(x, vm, err, sizeof(err)))
		message_ok(err);
	else
		vm_check(x, vm);
	free(vm);
	vmx_free(x);
	free(text);
	return 0;
}
