/* SPDX-License-Identifier: GPL-2.0-or-later */
/* switch.h - a learning L2 switch with ports, per-direction link faults and
 * frame monitors (the capture is one)
 *
 * A port is anything that exchanges Ethernet frames with the switch: a QEMU
 * stream socket, a tap fd, an in-process node.  Its owner calls
 * ns_port_input() with frames from outside; the switch calls ops->deliver()
 * with frames for outside.  deliver must not free ports.
 */
#ifndef NETSIM_SWITCH_H
#define NETSIM_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim/loop.h"

#define NS_FRAME_MAX		65550	/* jumbo-safe bound on one frame */
#define NS_AGEING_DEFAULT	(300 * NS_PER_S)	/* as Linux bridges */

enum ns_dir {
	NS_DIR_IN,	/* from outside into the switch */
	NS_DIR_OUT,	/* from the switch to outside */
};

/**
 * struct ns_faults - what a link does to frames in one direction
 * @loss_pct:	drop this percentage
 * @dup_pct:	deliver this percentage twice
 * @reorder_pct: hold this percentage back until the next frame has passed
 * @delay_ns:	add this latency to every frame
 * @jitter_ns:	plus a uniform extra in [-jitter, +jitter] (floored at 0)
 */
struct ns_faults {
	double loss_pct;
	double dup_pct;
	double reorder_pct;
	uint64_t delay_ns;
	uint64_t jitter_ns;
};

/**
 * struct ns_link_stats - per port and direction
 * @frames:	frames offered to the link
 * @lost, @duplicated, @reordered, @delayed: what the faults did
 */
struct ns_link_stats {
	uint64_t frames;
	uint64_t lost;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t delayed;
};

struct ns_port_ops {
	void (*deliver)(void *opaque, const uint8_t *frame, size_t len);
};

struct ns_switch;
struct ns_port;

typedef void (*ns_monitor_cb)(void *opaque, const struct ns_port *in,
			      const uint8_t *frame, size_t len, uint64_t now);

struct ns_switch *ns_switch_new(struct ns_loop *l, const char *name);
void ns_switch_free(struct ns_switch *sw);
const char *ns_switch_name(const struct ns_switch *sw);
struct ns_loop *ns_switch_loop(const struct ns_switch *sw);
void ns_switch_set_ageing(struct ns_switch *sw, uint64_t ageing_ns);
int ns_switch_add_monitor(struct ns_switch *sw, ns_monitor_cb cb, void *opaque);
const struct ns_port *ns_switch_lookup(struct ns_switch *sw,
				       const uint8_t mac[6]);
size_t ns_switch_n_ports(const struct ns_switch *sw);

struct ns_port *ns_port_new(struct ns_switch *sw, const char *name,
			    const struct ns_port_ops *ops, void *opaque);
void ns_port_free(struct ns_port *p);
void ns_port_input(struct ns_port *p, const uint8_t *frame, size_t len);
int ns_port_set_faults(struct ns_port *p, enum ns_dir dir,
		       const struct ns_faults *f);
void ns_port_set_down(struct ns_port *p, bool down);
int ns_port_set_vlan(struct ns_port *p, unsigned vid);
const struct ns_link_stats *ns_port_link_stats(const struct ns_port *p,
					       enum ns_dir dir);
const char *ns_port_name(const struct ns_port *p);
unsigned ns_port_id(const struct ns_port *p);
uint64_t ns_port_rx(const struct ns_port *p);
uint64_t ns_port_tx(const struct ns_port *p);

#endif /* NETSIM_SWITCH_H */
