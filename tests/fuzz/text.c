// SPDX-License-Identifier: GPL-2.0-or-later
/* text.c - libFuzzer harness: the small text parsers.  The first input
 * byte picks one, the rest is its text: KDNET key strings, durations, MAC
 * addresses, PCI b.d.f (busparams), Proxmox netN values, and the key
 * format of 32 raw bytes.
 * Invariants: a key parses, formats and parses back to the same bytes, and
 * any 32 bytes format to a key that parses back; a duration formats and
 * parses back to itself (exactly when the format has no fraction, else to
 * within its rounding), a negative one is refused and none exceeds the
 * largest (1.8e19 ns); a MAC or b.d.f is
 * accepted only in its plain written form and round-trips; a failed
 * parse with an error buffer says why. */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "netsim/duration.h"
#include "kdh/kdnet/kdnet.h"
#include "netsim/pkt.h"
#include "kdh/platform/pve.h"

static void key_check(const char *s)
{
	uint8_t k[KDNET_KEY_LEN], k2[KDNET_KEY_LEN];
	char buf[64], err[160] = "";
	int rc = kdnet_key_parse(s, k, err, sizeof(err));

	if (rc) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ERANGE, "rc %d", rc);
		FUZZ_CHECK(err[0], "key '%s' refused without a reason", s);
		return;
	}
	FUZZ_CHECK(!kdnet_key_format(k, buf, sizeof(buf)), "format failed");
	FUZZ_CHECK(!kdnet_key_parse(buf, k2, err, sizeof(err)) &&
		   !memcmp(k, k2, sizeof(k)), "'%s' -> '%s' does not parse back "
		   "equal (%s)", s, buf, err);
}

static void key_bytes_check(const uint8_t *b, size_t n)
{
	uint8_t k[KDNET_KEY_LEN] = { 0 }, k2[KDNET_KEY_LEN];
	char buf[64];

	memcpy(k, b, n < sizeof(k) ? n : sizeof(k));
	FUZZ_CHECK(!kdnet_key_format(k, buf, sizeof(buf)), "format failed");
	FUZZ_CHECK(!kdnet_key_parse(buf, k2, NULL, 0) && !memcmp(k, k2, sizeof(k)),
		   "'%s' does not parse back to its bytes", buf);
}

static void duration_check(const char *s)
{
	uint64_t ns, ns2;
	char buf[32];
	double tol;

	if (duration_parse(s, &ns))
		return;
	for (const char *m = strchr(s, '-'); m; m = strchr(m + 1, '-'))
		FUZZ_CHECK(m > s && strchr("eEpP", m[-1]), "'%s' (negative) "
			   "accepted as %llu ns", s, (unsigned long long)ns);
	FUZZ_CHECK(ns <= DURATION_MAX_NS, "'%s' accepted as %llu ns, "
		   "beyond the largest", s, (unsigned long long)ns);
	duration_format(ns, buf, sizeof(buf));
	FUZZ_CHECK(!duration_parse(buf, &ns2), "'%s' -> %llu ns -> '%s' refused",
		   s, (unsigned long long)ns, buf);
	/* "%.3fs" / "%.3fms" round; whole units must be exact */
	tol = strchr(buf, '.') ? (strstr(buf, "ms") ? 5e2 : 5e5) : 0;
	FUZZ_CHECK((double)(ns > ns2 ? ns - ns2 : ns2 - ns) <= tol * (1 + ns / 1e15),
		   "'%s' -> %llu ns -> '%s' -> %llu ns", s, (unsigned long long)ns,
		   buf, (unsigned long long)ns2);
}

static void mac_check(const char *s)
{
	uint8_t m[ETH_ALEN], m2[ETH_ALEN];
	char buf[MAC_STRLEN];

	if (mac_parse(s, m))
		return;
	mac_str(m, buf);
	for (size_t i = 0; i < 17; i++)
		FUZZ_CHECK(i % 3 == 2 ? s[i] == ':' || s[i] == '-'
				      : tolower((unsigned char)s[i]) == buf[i],
			   "'%s' accepted as %s", s, buf);
	FUZZ_CHECK(!mac_parse(buf, m2) && !memcmp(m, m2, ETH_ALEN), "%s", buf);
}

static void pci_check(const char *s)
{
	struct pci_addr p, p2;
	char buf[16];

	if (pci_addr_parse(s, &p))
		return;
	for (const char *c = s; *c; c++)
		FUZZ_CHECK(isdigit((unsigned char)*c) || *c == '.',
			   "'%s' accepted as %u.%u.%u", s, p.bus, p.dev, p.fn);
	pci_addr_str(&p, buf, sizeof(buf));
	FUZZ_CHECK(!pci_addr_parse(buf, &p2) && !pci_addr_cmp(&p, &p2), "%s", buf);
}

static void net_check(const char *s)
{
	struct pve_net n;
	char err[256] = "";

	if (pve_net_parse(s, &n, err, sizeof(err))) {
		FUZZ_CHECK(err[0], "'%s' refused without a reason", s);
		return;
	}
	FUZZ_CHECK(n.model[0], "'%s' accepted without a model", s);
	FUZZ_CHECK(n.tag <= 4094, "tag %u", n.tag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (!size)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 6) {
	case 0: key_check(s); break;
	case 1: key_bytes_check(data + 1, size - 1); break;
	case 2: duration_check(s); break;
	case 3: mac_check(s); break;
	case 4: pci_check(s); break;
	default: net_check(s); break;
	}
	free(s);
	return 0;
}
