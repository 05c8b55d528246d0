/* SPDX-License-Identifier: GPL-2.0-or-later */
/* accel.h - the accelerator a `target = vm` VM runs under: KVM when a
 * probe of about a second shows QEMU starts that VM's machine and CPU
 * model under KVM, else TCG, always with the reason */
#ifndef KDH_ACCEL_H
#define KDH_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/scenario/scenario.h"
#include "kdh/platform/vmconf.h"

/* How long the QEMU half of a probe may take before it is killed */
#define ACCEL_PROBE_TIMEOUT_MS	2000

/**
 * enum accel_mode - KDH_ACCEL
 * @ACCEL_AUTO:	probe, KVM when it works (default)
 * @ACCEL_KVM:	KVM without a probe and without the TCG fallback
 * @ACCEL_TCG:	TCG, no probe
 */
enum accel_mode { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

/**
 * struct accel_choice - one VM's accelerator
 * @kvm:	KVM (false: TCG)
 * @forced:	KDH_ACCEL decided, not a probe
 * @cached:	an earlier probe of this run decided (same machine and CPU)
 * @probe_ms:	real time the probe took (0 when none ran); for logs only
 * @why:	one sentence: what was probed and what it answered
 * @cmd:	the probe's QEMU command line ("" when none ran), for vm.log
 */
struct accel_choice {
	bool kvm, forced, cached;
	unsigned probe_ms;
	char why[200];
	char cmd[1024];
};

struct accel_cache;

int accel_mode_parse(const char *s, enum accel_mode *mode);
const char *accel_mode_name(enum accel_mode mode);
struct accel_cache *accel_cache_new(enum accel_mode mode);
struct accel_cache *accel_cache_from_env(char *err, size_t errlen);
void accel_cache_free(struct accel_cache *c);
void accel_cache_set_paths(struct accel_cache *c, const char *kvm_dev,
			   const char *qemu);
enum accel_mode accel_cache_mode(const struct accel_cache *c);
bool accel_kvm_device(struct accel_cache *c, char *why, size_t len);
bool accel_device_probed(const struct accel_cache *c, char *why, size_t len);
void accel_choose(struct accel_cache *c, const struct vmconf *vc,
		  struct accel_choice *out);
void accel_prepare(struct accel_cache *c, const struct scenario *sc, size_t n);
void accel_note_failed(struct accel_cache *c, const struct vmconf *vc,
		       const char *why);
struct provenance;
void provenance_accel(struct provenance *p, const struct accel_cache *c);
/* accel_probe.c */
bool accel_device_probe(const char *dev, char *why, size_t len);
int accel_qemu_probe(const char *const *argv, int timeout_ms, char *why,
		     size_t len, unsigned *took_ms);

#endif /* KDH_ACCEL_H */
