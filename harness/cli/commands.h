/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.h - the `kdh` subcommands main.c dispatches to, one struct
 * kdh_cmd each, defined in its subsystem's own file (run_cmd.c, watch_cmd.c
 * ...)
 *
 * Private to cli/: only main.c includes it.  The command files sit in the
 * wings below and declare their own command where they name it, so
 * nothing below cli/ includes this header.
 */
#ifndef HARNESS_COMMANDS_H
#define HARNESS_COMMANDS_H

#include "kdh/cmd/cli.h"

extern const struct kdh_cmd kdh_cmd_decode;
extern const struct kdh_cmd kdh_cmd_analyze;
extern const struct kdh_cmd kdh_cmd_bench;
extern const struct kdh_cmd kdh_cmd_net;
extern const struct kdh_cmd kdh_cmd_run;
extern const struct kdh_cmd kdh_cmd_list;
extern const struct kdh_cmd kdh_cmd_listen;
extern const struct kdh_cmd kdh_cmd_qemu_cmd;
extern const struct kdh_cmd kdh_cmd_check;
extern const struct kdh_cmd kdh_cmd_baseline;
extern const struct kdh_cmd kdh_cmd_report;
extern const struct kdh_cmd kdh_cmd_serial_link;
extern const struct kdh_cmd kdh_cmd_watch;

#endif /* HARNESS_COMMANDS_H */
