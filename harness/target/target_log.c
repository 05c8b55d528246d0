// SPDX-License-Identifier: GPL-2.0-or-later
/* target_log.c - the model's diagnostic lines, through the environment's
 * log (never measured)
 *
 * The phases of the model (target.c, target_addr.c, target_kdnet.c,
 * target_serial.c) all say what they do through this one function, so it
 * sits below them all and calls none of them.
 * Uses: libc, struct target (target_priv.h).
 * Used by: target.c, target_addr.c, target_kdnet.c, target_serial.c.
 */
#include <stdarg.h>
#include <stdio.h>

#include "harness/target/target_priv.h"

/**
 * target_log() - a diagnostic line through the environment (never measured)
 * @t:		target
 * @fmt:	message
 */
void target_log(struct target *t, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!t->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->ops.log(t->opaque, msg);
}
