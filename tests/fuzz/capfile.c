// SPDX-License-Identifier: GPL-2.0-or-later
/* capfile.c - libFuzzer harness: the capture reader (pcap and pcapng,
 * from memory and, through zlib, from a memfd) and the analyzer that
 * `kdh analyze` runs on what it reads.
 * Invariants: both readers agree frame by frame (unless the input is
 * gzip, which only the file reader takes); a frame's data is there when
 * caplen says so; the end stays the end; capfile_frames() counts what was
 * returned; every target and VM the analysis finds yields metrics with a
 * named outcome. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "kdh/analyze/analyze.h"
#include "netsim/capfile.h"

#define MAX_FRAMES	20000

static const uint8_t key[KDNET_KEY_LEN] = { 0x0f, 0x05 };

static struct capfile *open_file(const uint8_t *data, size_t size, int *fd)
{
	char path[64], err[256];

	*fd = memfd_create("fuzz-capfile", 0);
	if (*fd < 0)
		abort();
	if (size && write(*fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", *fd);
	return capfile_open(path, err, sizeof(err));
}

static void analysis_check(struct analysis *a)
{
	struct an_metrics m;
	struct an_vm_result *r = malloc(sizeof(*r));

	if (!r)
		abort();
	for (size_t i = 0; i < analysis_n_targets(a); i++) {
		an_metrics_compute(a, analysis_target(a, i), &m);
		FUZZ_CHECK(m.outcome <= AN_VM_FAILED && an_outcome_name(m.outcome),
			   "outcome %d", m.outcome);
	}
	for (size_t i = 0; i < analysis_n_vms(a); i++) {
		FUZZ_CHECK(!analysis_vm_result(a, analysis_vm(a, i)->name, r),
			   "VM %zu has no result", i);
		FUZZ_CHECK(r->outcome <= AN_VM_FAILED, "VM outcome %d", r->outcome);
		FUZZ_CHECK(r->n_timeline <= AN_VM_TIMELINE, "timeline %u", r->n_timeline);
	}
	for (size_t i = 0; i < AN_MAX_SERIALS; i++) {
		struct an_serial_info s;

		analysis_serial(a, i, &s);
	}
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = fuzz_dup(data, size);
	char err[256] = "";
	struct capfile *mem = capfile_open_mem(b, size, err, sizeof(err));
	bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	struct analysis *a = analysis_new(key, 0);
	uint64_t n = 0;
	int fd, rc = 1, frc = 1;
	struct capfile *file = open_file(data, size, &fd);

	if (!a)
		abort();
	FUZZ_CHECK(mem || err[0], "open failed without a reason");
	FUZZ_CHECK(gz || !mem == !file, "memory reader %s, file reader %s",
		   mem ? "opens" : "fails", file ? "opens" : "fails");
	while (file && n < MAX_FRAMES) {
		struct cap_frame f = { 0 }, g = { 0 };

		frc = capfile_next(file, &f);
		if (mem && !gz) {
			rc = capfile_next(mem, &g);
			FUZZ_CHECK(rc == frc, "frame %llu: memory %d, file %d",
				   (unsigned long long)n, rc, frc);
			FUZZ_CHECK(rc != 1 || (f.caplen == g.caplen && f.ts_ns == g.ts_ns &&
				   f.linktype == g.linktype &&
				   (!f.caplen || !memcmp(f.data, g.data, f.caplen))),
				   "frame %llu differs", (unsigned long long)n);
		}
		if (frc != 1)
			break;
		FUZZ_CHECK(!f.caplen || f.data, "caplen %u without data", f.caplen);
		analysis_feed(a, &f);
		n++;
	}
	if (file && frc == 0) {
		struct cap_frame f;

		FUZZ_CHECK(capfile_next(file, &f) == 0, "data after the end");
		FUZZ_CHECK(capfile_frames(file) == n, "capfile_frames %llu, got %llu",
			   (unsigned long long)capfile_frames(file),
			   (unsigned long long)n);
	}
	analysis_check(a);
	analysis_free(a);
	capfile_close(mem);
	capfile_close(file);
	close(fd);
	free(b);
	return 0;
}
