/* SPDX-License-Identifier: GPL-2.0-or-later */
/* link.h - one direction of a faulty link: loss, delay, jitter,
 * duplication, reordering, all drawn from the run's seeded RNG */
#ifndef NETSIM_LINK_H
#define NETSIM_LINK_H

#include "netsim/switch.h"

typedef void (*ns_link_out)(void *opaque, const uint8_t *frame, size_t len);

struct ns_link;

struct ns_link *ns_link_new(struct ns_loop *l, const struct ns_faults *f,
			    ns_link_out out, void *opaque);
void ns_link_free(struct ns_link *k);
void ns_link_send(struct ns_link *k, const uint8_t *frame, size_t len);
const struct ns_link_stats *ns_link_stats(const struct ns_link *k);
bool ns_faults_none(const struct ns_faults *f);

#endif /* NETSIM_LINK_H */
