// SPDX-License-Identifier: GPL-2.0-or-later
/* target_config.c - the debuggee's configuration: the documented defaults
 * of every delay and setting, and the boot driver list of its KD script
 *
 * Plain data about a target_config, no target: the model's files read it
 * (target_kd_script.c names each boot driver it reports), and so do the
 * scenario parser and kdh-agent when they fill one in.
 * Uses: libc, platform/ (the NIC models of a Windows build).
 * Used by: target_kd_script.c, target.c's users (scenario/, run/, bench/),
 *   kdh-agent.
 */
#include <stdio.h>
#include <string.h>

#include "kdh/target/target.h"
#include "kdh/platform/winbuild.h"

static const uint64_t windows_dhcp_schedule[] = {
	4 * NS_PER_S, 8 * NS_PER_S, 16 * NS_PER_S, 32 * NS_PER_S, 64 * NS_PER_S,
};

/** target_timing_default() - the documented defaults of every delay */
void target_timing_default(struct target_timing *t)
{
	*t = (struct target_timing){
		.kdnet_init_ns = 4 * NS_PER_S,
		.dhcp_ns = windows_dhcp_schedule,
		.n_dhcp = sizeof(windows_dhcp_schedule) / sizeof(uint64_t),
		.dhcp_jitter_ns = NS_PER_S,
		.dhcp_give_up_ns = 600 * NS_PER_S,
		.announce_ns = 3 * NS_PER_S,
		.os_boot_ns = 20 * NS_PER_S,
		.os_ping_ns = NS_PER_S,
		.os_pings = 3,
		.driver_load_ns = 2 * NS_PER_MS,
	};
}

/* A Windows 11 VM's first boot drivers after nt and hal: a guess from a
 * typical loaded-module list, not a measurement (docs/model.md) */
static const char default_drivers[] = "ACPI.sys,pci.sys,partmgr.sys,"
	"volmgr.sys,disk.sys,CLASSPNP.SYS,NDIS.SYS,kdnic.sys";

/**
 * target_driver_name() - the file name of boot driver @i
 * @s:		the KD script
 * @i:		0 for the first driver after hal
 * @out:	"ACPI.sys", or "drv001.sys" when the script lists no names
 * @cap:	its size
 *
 * Return: 0, or -1 when @i is out of range or the name does not fit
 */
int target_driver_name(const struct target_kd_script *s, unsigned i,
		       char *out, size_t cap)
{
	const char *p = s->drivers;
	size_t n;

	if (i >= s->n_drivers || !cap)
		return -1;
	if (!*p)
		return snprintf(out, cap, "drv%03u.sys", i + 1) < (int)cap ? 0 : -1;
	for (; i && p; i--) {
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return -1;
	n = strcspn(p, ",");
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/** target_config_default() - port 50000, dhcp yes, the NICs of the default
 * Windows build (WIN_BUILD_DEFAULT), eight boot drivers, no breaks */
void target_config_default(struct target_config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = KDNET_DEFAULT_PORT;
	c->dhcp = true;
	c->netmask = 0xffffff00;
	c->kdnet_version = 5;
	c->windows_build = WIN_BUILD_DEFAULT;
	c->sticky_binding = true;
	c->n_models = win_build_models(c->windows_build, c->models,
				       TARGET_MAX_MODELS);
	target_timing_default(&c->timing);
	snprintf(c->kd.drivers, sizeof(c->kd.drivers), "%s", default_drivers);
	c->kd.n_drivers = 8;
}
