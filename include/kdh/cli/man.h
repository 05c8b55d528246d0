/* SPDX-License-Identifier: GPL-2.0-or-later */
/* man.h - manual pages and shell completion word lists, generated from the
 * same struct kdh_cmd table that `kdh help` prints, so they cannot drift */
#ifndef KDH_MAN_H
#define KDH_MAN_H

#include <stddef.h>
#include <stdio.h>

#include "kdh/cmd/cli.h"

void man_cmd_print(FILE *out, const struct kdh_cmd *cmd, const char *version);
void man_index_print(FILE *out, const struct kdh_cmd *const *cmds, size_t n,
		     const char *about, const char *version);
void complete_cmd_print(FILE *out, const struct kdh_cmd *cmd);

#endif /* KDH_MAN_H */
