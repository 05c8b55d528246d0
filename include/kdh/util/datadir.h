/* SPDX-License-Identifier: GPL-2.0-or-later */
/* datadir.h - where kdh's data is: the agent image, the VM scenarios and
 * the built-in matrices, found relative to the kdh executable (installed
 * or in the build tree) */
#ifndef KDH_DATADIR_H
#define KDH_DATADIR_H

#include <stddef.h>

int kdh_exe_dir(char *out, size_t len);
int kdh_data_dir(char *out, size_t len);
int kdh_agent_dir(char *out, size_t len);
void kdh_agent_missing(char *out, size_t len);
int kdh_scenario_subdir(const char *sub, char *out, size_t len);
int kdh_vm_scenario_dir(char *out, size_t len);

#endif /* KDH_DATADIR_H */
