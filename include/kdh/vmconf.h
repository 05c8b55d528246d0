/* vmconf.h - the parts of a Proxmox VE <vmid>.conf that matter to KDNET */
#ifndef KDH_VMCONF_H
#define KDH_VMCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "kdh/pve.h"

#define VMCONF_SERIALS	4
#define VMCONF_NOTES	32

/**
 * struct vmconf - a VM config (the current config: snapshot sections
 * after the first "[...]" line are not read)
 * @ostype:	"other" when absent, as Proxmox
 * @cpu:	the cpu line ("" = qemu-server's default model)
 * @machine:	the machine line ("" = i440fx "pc")
 * @memory:	MiB (default 512); @cores, @sockets (default 1)
 * @kvm:	the kvm line (default on)
 * @nets:	netN lines, @has_net marks which N exist
 * @serial:	serialN values ("socket" or "/dev/..."), "" when absent
 * @args:	extra QEMU arguments
 * @notes:	"LINE: ..." for lines kept but ignored
 */
struct vmconf {
	char file[256];
	char name[64];
	char ostype[16];
	char cpu[96];
	char machine[48];
	unsigned memory, cores, sockets;
	bool kvm;
	struct pve_net nets[PVE_MAX_NETS];
	bool has_net[PVE_MAX_NETS];
	int net_line[PVE_MAX_NETS];
	char serial[VMCONF_SERIALS][64];
	char args[512];
	char notes[VMCONF_NOTES][128];
	size_t n_notes;
};

int vmconf_parse(const char *file, const char *text, struct vmconf *c,
		 char *err, size_t errlen);
int vmconf_load(const char *path, struct vmconf *c, char *err, size_t errlen);
size_t vmconf_n_nets(const struct vmconf *c);

#endif /* KDH_VMCONF_H */
