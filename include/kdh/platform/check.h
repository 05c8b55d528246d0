/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check.h - what a VM config and its {dbgsettings} mean for KDNET */
#ifndef KDH_CHECK_H
#define KDH_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdh/kdnet/kdnet.h"
#include "kdh/platform/pve_machine.h"
#include "kdh/platform/vmconf.h"

/**
 * struct dbgsettings - `bcdedit /dbgsettings` (or /enum {dbgsettings})
 * @present:	which fields the output had
 */
struct dbgsettings {
	char debugtype[16];
	char hostip[64];
	bool has_port;
	unsigned long port;
	char key[128];
	bool has_dhcp, dhcp;
	bool has_busparams;
	char busparams[32];
	unsigned long debugport, baudrate;	/* serial; 0 when absent */
};

enum finding_level { FIND_OK, FIND_WARN, FIND_BLOCK, FIND_NOTE };

struct finding {
	enum finding_level level;
	char text[512];
	char fix[1024];
};

/* one per NIC (32, each "not a KDNET NIC" at worst) and the rest */
#define CHECK_MAX_FINDINGS	64
#define CHECK_MAX_MODELS	16

enum check_network { NET_UNKNOWN, NET_STATIC, NET_DHCP };

/**
 * struct check_ctx - what `kdh check` knows beyond the config
 * @net:	the network the debug NIC is on, as far as the user knows
 * @windows_build: the guest's Windows build (its KDNET NIC support)
 * @models:	NIC models KDNET drives (from the build, or given)
 * @models_given: @models is the user's list, not the build's
 * @build_assumed: @windows_build was not given: assumed from the ostype
 * @build_lo, @build_hi: the builds the guest may run (the ostype's range
 *		when assumed, else @windows_build)
 * @build_note:	how the build was chosen, "" when given plainly
 * @vmid:	the VM id for fixes ("qm set 105 ..."), 0 for "VMID"
 * @qemu:	the QEMU version unversioned machine types take
 */
struct check_ctx {
	enum check_network net;
	unsigned windows_build;
	char models[CHECK_MAX_MODELS][24];
	size_t n_models;
	bool models_given;
	bool build_assumed;
	unsigned build_lo, build_hi;
	char build_note[320];
	unsigned vmid;
	struct pve_version qemu;
};

int dbgsettings_parse(const char *file, const char *text, struct dbgsettings *d,
		      char *err, size_t errlen);
void check_ctx_init(struct check_ctx *x, unsigned windows_build);
int check_ctx_windows(struct check_ctx *x, const struct vmconf *c,
		      const char *given, char *err, size_t errlen);
size_t kdh_check(const struct vmconf *c, const struct dbgsettings *d,
		 const struct check_ctx *x, struct finding *f, size_t max);
int kdh_check_debug_nic(const struct vmconf *c, const struct dbgsettings *d,
			const struct check_ctx *x);
/* check_nic.c: kdh check's finding on the debug NIC, also the why of a
 * scenario's config (result/run_why.c) */
int check_nic(const struct vmconf *c, const struct dbgsettings *d,
	      const struct check_ctx *x, struct finding *f, size_t *n);

/* vm_cmds.c: what kdh check reads and prints, shared with kdh watch */
struct kdh_cmd;
unsigned check_vmid_of(const char *path);
char *check_config_path(const char *arg, const char *dir);
int check_conf_load(const struct kdh_cmd *cmd, const char *path,
		    struct vmconf *c, bool verbose);
int check_bcdedit_load(const struct kdh_cmd *cmd, const char *bcd,
		       struct dbgsettings *d);
int check_findings_print(FILE *out, const char *conf, const struct finding *f,
			 size_t n, const struct dbgsettings *dp);

/**
 * struct check_prediction - what `kdh check` predicts the wire will show
 * @debug_nic:	netN KDNET uses, -1 for none
 * @pci:	its b.d.f in the guest, when @has_pci
 * @silent:	no KDNET traffic (@why says what blocks it)
 * @hang:	dhcp yes on a static network: ~10 min at the logo
 * @wrong_nic:	the debug NIC is on @nic_net, the debugger on @dbg_net
 *		(set by the caller, which knows the networks)
 * @key_mismatch: the {dbgsettings} key is not the debugger's (the caller's)
 * @why:	the BLOCK finding that silences it
 */
struct check_prediction {
	int debug_nic;
	struct pci_addr pci;
	bool has_pci;
	bool silent;
	bool hang;
	bool wrong_nic;
	bool key_mismatch;
	char nic_net[32], dbg_net[32];
	char why[512];
};

/* check_predict.c: the oracle of `check` in [expect] */
void check_predict(const struct vmconf *c, const struct dbgsettings *d,
		   const struct check_ctx *x, struct check_prediction *p);
char *check_prediction_str(const struct vmconf *c,
			   const struct check_prediction *p, char *buf,
			   size_t len);

#endif /* KDH_CHECK_H */
