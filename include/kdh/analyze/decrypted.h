/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decrypted.h - a capture rewritten with KDNET's plaintext, for Wireshark */
#ifndef KDH_DECRYPTED_H
#define KDH_DECRYPTED_H

#include <stddef.h>
#include <stdint.h>

#include "netsim/capfile.h"
#include "kdh/kdnet/kdnet_decoder.h"
#include "netsim/pkt.h"

#define KDNET_PLAIN_MAGIC	"MDBD"	/* "MDBG", decrypted by kdh */

struct decrypted_writer;

struct decrypted_writer *decrypted_open(const char *path, char *err,
					size_t errlen);
int decrypted_frame(struct decrypted_writer *w, const struct cap_frame *f,
		    const struct frame_view *v, const struct kdnet_record *r);
int decrypted_close(struct decrypted_writer *w);
size_t kdnet_plain_build(const struct kdnet_record *r, uint8_t *out, size_t cap);

#endif /* KDH_DECRYPTED_H */
