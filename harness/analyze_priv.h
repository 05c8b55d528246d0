/* analyze_priv.h - the analysis state, shared by analyze.c (frames) and
 * analyze_vm.c (harness events, per-VM results).  Not a public header. */
#ifndef KDH_ANALYZE_PRIV_H
#define KDH_ANALYZE_PRIV_H

#include "kdh/analyze.h"
#include "kdh/kdnet_decoder.h"

struct an_serial;

struct an_flow {			/* who spoke first on a KDNET flow */
	struct kdnet_endpoint debuggee, debugger;
};

struct analysis {
	struct kdnet_decoder *dec;
	struct an_vm vms[AN_MAX_VMS];
	size_t n_vms;
	char dbg_network[32];
	uint32_t dbg_ip;		/* from the "debugger" event, 0 if none */
	uint16_t port;
	uint64_t frames, bad_frames;
	uint64_t first_ns, last_ns, power_on_ns;
	GPtrArray *targets;		/* struct an_target *, all boots */
	GHashTable *open;		/* MAC -> its current boot's target */
	GHashTable *flows;		/* struct an_flow * (key = value) */
	struct an_serial *serials[AN_MAX_SERIALS];
};

void analysis_archive_mac(struct analysis *a, const uint8_t mac[ETH_ALEN]);
bool analysis_vm_nic_known(const struct analysis *a,
			   const uint8_t mac[ETH_ALEN]);
struct an_target *analysis_open_target(const struct analysis *a,
				       const uint8_t mac[ETH_ALEN]);

/* analyze_serial.c */
struct an_serial;
void an_serial_event(struct analysis *a, const char *rest);
void an_serial_power_on(struct analysis *a, const char *vm);
int an_serial_frame(struct analysis *a, const struct cap_frame *f);
void an_serial_free(struct analysis *a);
void an_serial_vm_result(const struct analysis *a, const struct an_vm *v,
			 struct an_vm_result *r);

#endif /* KDH_ANALYZE_PRIV_H */
