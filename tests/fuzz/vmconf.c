// SPDX-License-Identifier: GPL-2.0-or-later
/* vmconf.c - libFuzzer harness: a Proxmox VM config (vmconf_parse), the
 * output of bcdedit /dbgsettings (dbgsettings_parse), and `kdh check` on
 * both.  The input is "CONFIG\n---\nBCDEDIT"; without the separator the
 * whole text goes to both parsers.
 * Invariants: vmconf fails with a non-empty one-line message starting with
 * "FILE:"; dbgsettings fails with a non-empty message; kdh_check stays
 * within its array and every finding has a text and a known level. */
#include "fuzz.h"
#include "kdh/platform/check.h"
#include "kdh/platform/pve_pci.h"
#include "kdh/platform/vmconf.h"
#include "kdh/platform/winbuild.h"

#define FILE_NAME	"fuzz/105.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), *bcd = strstr(text, "\n---\n");
	struct vmconf *c = malloc(sizeof(*c));
	struct finding *f = malloc(CHECK_MAX_FINDINGS * sizeof(*f));
	struct dbgsettings d;
	struct check_ctx x;
	char err[512] = "", derr[512] = "";
	int rc, drc;

	if (!c || !f)
		abort();
	if (bcd) {
		*bcd = '\0';
		bcd += 5;
	} else {
		bcd = text;
	}
	rc = vmconf_parse(FILE_NAME, text, c, err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc < 0, "rc %d", rc);
		FUZZ_CHECK(err[0], "failure (%d) without a message", rc);
		FUZZ_CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1),
			   "message does not name the file: '%s'", err);
		FUZZ_CHECK(!strchr(err, '\n'), "message of several lines: '%s'", err);
	}
	drc = dbgsettings_parse("bcd.txt", bcd, &d, derr, sizeof(derr));
	if (drc)
		FUZZ_CHECK(derr[0], "dbgsettings failure (%d) without a message", drc);
	if (!rc) {
		struct pci_addr pci;
		size_t n;

		for (unsigned i = 0; i < PVE_MAX_NETS; i++)
			if (c->has_net[i])
				pve_guest_nic_pci(c, i, &pci);
		check_ctx_init(&x, WIN_BUILD_DEFAULT);
		x.net = (enum check_network)(size % 3);
		n = kdh_check(c, drc ? NULL : &d, &x, f, CHECK_MAX_FINDINGS);
		FUZZ_CHECK(n <= CHECK_MAX_FINDINGS, "%zu findings", n);
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(f[i].level <= FIND_BLOCK, "level %d", f[i].level);
			FUZZ_CHECK(f[i].text[0], "finding %zu without text", i);
		}
	}
	free(f);
	free(c);
	free(text);
	return 0;
}
