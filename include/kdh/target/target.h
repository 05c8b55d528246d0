/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.h - the simulated Windows debuggee (boot, NIC choice, DHCP or
 * static address, RFC 3927 fallback, KDNET, the OS on the same NIC)
 *
 * The model talks to the world only through struct target_env_ops (send a
 * frame on NIC n, read CPUID's hypervisor vendor, list the PCI NICs), loop
 * timers, and target_input() for frames that arrive.  It does not know
 * whether it runs in a netsim simulation or inside a Linux VM on real NICs.
 * Nothing it records is ever measured: the analyzer reads the wire.
 */
#ifndef KDH_TARGET_H
#define KDH_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/kdnet/kdnet.h"
#include "netsim/loop.h"
#include "kdh/platform/pve.h"

#define TARGET_MAX_NICS		PVE_MAX_NETS	/* net0 ... net31 */
#define TARGET_MAX_MODELS	16

/**
 * struct target_nic - one PCI network device as the firmware enumerates it
 */
struct target_nic {
	char name[16];			/* net0 */
	char model[24];			/* e1000 */
	uint8_t mac[6];
	struct pci_addr pci;
};

/**
 * struct target_timing - every delay of the model (defaults in
 * target_timing_default(), stated in docs/model.md)
 * @kdnet_init_ns: power on until KDNET initialises (firmware, boot
 *		manager, kernel start): 4 s
 * @dhcp_ns:	waits after the 1st, 2nd, ... DHCPDISCOVER, the last
 *		repeating: 4, 8, 16, 32, 64 s (Windows' client)
 * @n_dhcp:	entries of @dhcp_ns
 * @dhcp_jitter_ns: each wait varies by +-1 s
 * @dhcp_give_up_ns: no lease after 600 s: RFC 3927 address
 * @announce_ns: KDNET announcement interval: 3 s
 * @os_boot_ns:	KDNET initialised until the OS's own networking: 20 s
 * @os_ping_ns:	interval of the OS's pings: 1 s
 * @os_pings:	how many: 3
 * @driver_load_ns: a continue until the kernel loads the next boot driver
 *		(and reports its symbols): 2 ms
 */
struct target_timing {
	uint64_t kdnet_init_ns;
	const uint64_t *dhcp_ns;
	size_t n_dhcp;
	uint64_t dhcp_jitter_ns;
	uint64_t dhcp_give_up_ns;
	uint64_t announce_ns;
	uint64_t os_boot_ns;
	uint64_t os_ping_ns;
	unsigned os_pings;
	uint64_t driver_load_ns;
};

#define TARGET_MAX_DRIVERS	4096	/* drivers = N */
#define TARGET_DRIVERS_LEN	512	/* drivers = a, b, ...: their names */
#define TARGET_DRIVER_NAME	32	/* one driver's file name, with NUL */
#define TARGET_MAX_DBGPRINTS	16
#define TARGET_DBGPRINT_LEN	128	/* one line, with its NUL */

/**
 * struct target_dbgprint - a DbgPrint the kernel makes
 * @at_ns:	when, after power-on (or once connected, if later)
 * @text:	the line, sent with a newline after it
 */
struct target_dbgprint {
	uint64_t at_ns;
	char text[TARGET_DBGPRINT_LEN];
};

/**
 * struct target_kd_script - what the kernel reports to a connected
 * debugger (target_kd.c; kd-debugger.md)
 * @n_drivers:	boot drivers loaded after nt and hal
 * @drivers:	their names, comma-separated; "" for generated names
 *		drv001.sys, drv002.sys, ...
 * @kdfiles:	ask the debugger for each driver's file first (.kdfiles,
 *		FILE_IO CreateFile) and wait for its answer
 * @dbgprint, @n_dbgprint: DbgPrint lines, in time order
 * @has_break, @break_ns: a hard-coded int3 (DbgBreakPoint) at that time
 * @has_assert, @assert_ns: an assertion (int 2c)
 * @has_bugcheck, @bugcheck_ns: a bugcheck with @bugcheck_code and its
 *		four @bugcheck_param
 */
struct target_kd_script {
	unsigned n_drivers;
	char drivers[TARGET_DRIVERS_LEN];
	bool kdfiles;
	struct target_dbgprint dbgprint[TARGET_MAX_DBGPRINTS];
	size_t n_dbgprint;
	bool has_break, has_assert, has_bugcheck;
	uint64_t break_ns, assert_ns, bugcheck_ns;
	uint32_t bugcheck_code;
	uint64_t bugcheck_param[4];
};

/**
 * struct target_config - one debuggee
 * @name:	for logs and harness events
 * @host_ip, @port, @key: bcdedit /dbgsettings net hostip: port: key:
 * @dhcp:	{dbgsettings} dhcp (default yes)
 * @has_busparams, @busparams: {dbgsettings} busparams b.d.f
 * @ip, @netmask, @gateway: static address of the "Kernel Debugger
 *		Ethernet" adapter (used with dhcp no, and by the OS)
 * @os_ping:	address the OS pings once up, 0 for none
 * @windows_build: the Windows build modelled (its KDNET NIC support)
 * @sticky_binding: the seed article's hypothesis: once KDNET has bound the
 *		NIC, later boots use it even with Hyper-V's vendor in CPUID
 *		(default yes; unproven, see docs/model.md)
 * @models:	NIC models KDNET drives (from the build, or kdnet_nics)
 * @kdnet_version: outer KDNET version byte sent (5)
 * @serial:	{dbgsettings} serial: KD on COM@debugport, not KDNET
 * @debugport:	COM port number, 1 = COM1 = the VM's serial0
 * @baudrate:	{dbgsettings} baudrate (the line's own speed is the
 *		scenario's; a mismatch is what `kdh check` warns about)
 * @kd:		what the kernel reports once a debugger connected
 */
struct target_config {
	char name[32];
	uint32_t host_ip;
	uint16_t port;
	uint8_t key[KDNET_KEY_LEN];
	bool dhcp;
	bool has_busparams;
	struct pci_addr busparams;
	uint32_t ip, netmask, gateway;
	uint32_t os_ping;
	unsigned windows_build;
	bool sticky_binding;
	char models[TARGET_MAX_MODELS][24];
	size_t n_models;
	uint8_t kdnet_version;
	bool serial;
	unsigned debugport, baudrate;
	struct target_timing timing;
	struct target_kd_script kd;
};

struct target_env_ops {
	void (*send)(void *opaque, unsigned nic, const uint8_t *frame, size_t len);
	bool (*cpuid_hypervisor)(void *opaque, char vendor[13]);
	size_t (*list_nics)(void *opaque, struct target_nic *nics, size_t max);
	void (*log)(void *opaque, const char *msg);
	void (*serial_send)(void *opaque, unsigned port, const uint8_t *buf,
			    size_t len);
};

/* What the model is doing; for the runner's stop rule and logs only */
enum target_phase {
	TP_OFF,			/* powered off */
	TP_FIRMWARE,		/* before KDNET initialisation */
	TP_NO_DEBUG,		/* no usable NIC: debugging off */
	TP_HYPERV,		/* hypervisor transport: silent on the wire */
	TP_ADDRESS,		/* DHCP / RFC 3927 / static */
	TP_KDNET,		/* announcing, waiting for the debugger */
	TP_CONNECTED,		/* handshake done, KD ran */
};

struct target;

void target_timing_default(struct target_timing *t);
void target_config_default(struct target_config *c);
int target_driver_name(const struct target_kd_script *s, unsigned i,
		       char *out, size_t cap);
struct target *target_new(struct ns_loop *l, const struct target_config *cfg,
			  const struct target_env_ops *ops, void *opaque);
void target_free(struct target *t);
void target_power_on(struct target *t);
void target_power_off(struct target *t);
void target_input(struct target *t, unsigned nic, const uint8_t *frame,
		  size_t len);
void target_serial_input(struct target *t, unsigned port, const uint8_t *buf,
			 size_t len);
enum target_phase target_phase(const struct target *t);
bool target_settled(const struct target *t);
bool target_bound(const struct target *t);
bool target_kd_done(const struct target *t);

/* target_kd_values.c: the KD script's value syntaxes, shared by the
 * scenario parser and kdh-agent's command line */
int sv_drivers(const char *v, struct target_kd_script *s, char *err,
	       size_t errlen);
int sv_dbgprint(const char *v, struct target_dbgprint *d, char *err,
		size_t errlen);
int sv_bugcheck(const char *v, struct target_kd_script *s, char *err,
		size_t errlen);
const char *target_phase_name(enum target_phase p);

#endif /* KDH_TARGET_H */
