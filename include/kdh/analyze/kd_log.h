/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd_log.h - kd-VM.log, what one debuggee said over KD, and the DbgPrint
 * lines a `dbgprint ~ REGEX` expectation matches */
#ifndef KDH_KD_LOG_H
#define KDH_KD_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kdh/analyze/analyze.h"

/**
 * struct kd_log_whose - whose KD log it is, for its header line
 * @vm:		the VM's name
 * @scenario:	the scenario's name
 * @power_on_ns: the VM's latest "power on" (capture time); times in the
 *		log are seconds from it (AN_NONE: from 0)
 */
struct kd_log_whose {
	const char *vm;
	const char *scenario;
	uint64_t power_on_ns;
};

char *kd_log_text(const struct an_kd *kd, const struct kd_log_whose *w);
int kd_log_write(const char *path, const struct an_kd *kd,
		 const struct kd_log_whose *w);
unsigned kd_log_match(const struct an_kd *kd, const GRegex *re,
		      unsigned *looked, char *first, size_t len);

#endif /* KDH_KD_LOG_H */
