/* check.h - what a VM config and its {dbgsettings} mean for KDNET */
#ifndef KDH_CHECK_H
#define KDH_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "kdh/kdnet.h"
#include "kdh/vmconf.h"

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

enum finding_level { FIND_OK, FIND_WARN, FIND_BLOCK };

struct finding {
	enum finding_level level;
	char text[256];
	char fix[256];
};

#define CHECK_MAX_FINDINGS	16

enum check_network { NET_UNKNOWN, NET_STATIC, NET_DHCP };

int dbgsettings_parse(const char *text, struct dbgsettings *d, char *err,
		      size_t errlen);
size_t kdh_check(const struct vmconf *c, const struct dbgsettings *d,
		 enum check_network net, const char *const *models,
		 size_t n_models, struct finding *f, size_t max);

#endif /* KDH_CHECK_H */
