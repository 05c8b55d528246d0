// SPDX-License-Identifier: GPL-2.0-or-later
/* check_predict.c - what `kdh check` predicts a VM will show on the wire
 *
 * The oracle of a scenario with `check` in [expect] (and of a matrix cell
 * with expect = check): the same rules as kdh_check(), folded into the few
 * things a capture can prove or refute: the NIC KDNET uses (netN and its
 * b.d.f, or none), whether KDNET is silent and what silences it (debugtype
 * serial, no NIC KDNET drives, busparams naming none, link_down=1,
 * "Microsoft Hv", or any other BLOCK of kdh check: debugtype not NET, a
 * malformed key, a special hostip, a port outside 49152-65535), and the
 * ~10 minute DHCP hang at the logo.  Wrong-nic and key-mismatch need the
 * debugger's side, which the caller knows and sets; this file words them.
 * Pure: config in, prediction out.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "harness/platform/check_priv.h"
#include "kdh/platform/pve_pci.h"

/* The first BLOCK finding from @from on, into @p->why */
static bool first_block(const struct finding *f, size_t from, size_t n,
			struct check_prediction *p)
{
	for (size_t i = from; i < n; i++)
		if (f[i].level == FIND_BLOCK) {
			snprintf(p->why, sizeof(p->why), "%s", f[i].text);
			return true;
		}
	return false;
}

/**
 * check_predict() - `kdh check`'s prediction of what the wire will show
 * @c:		VM config
 * @d:		{dbgsettings}, NULL for Windows' defaults
 * @x:		network (static/dhcp), Windows build and its NIC list
 * @p:		output: debug NIC (-1 none) and b.d.f, silent or not and
 *		why, the DHCP hang
 */
void check_predict(const struct vmconf *c, const struct dbgsettings *d,
		   const struct check_ctx *x, struct check_prediction *p)
{
	struct finding *f = g_new0(struct finding, CHECK_MAX_FINDINGS);
	struct finding dhcp = { 0 };
	size_t n = 0, hv;

	memset(p, 0, sizeof(*p));
	p->debug_nic = -1;
	if (d && !g_ascii_strcasecmp(d->debugtype, "SERIAL")) {
		p->silent = true;
		snprintf(p->why, sizeof(p->why), "debugtype serial: KD goes over "
			 "COM%lu, not KDNET", d->debugport ? d->debugport : 1);
		g_free(f);
		return;
	}
	p->debug_nic = check_nic(c, d, x, f, &n);
	if (p->debug_nic < 0) {
		p->silent = true;
		if (!first_block(f, 0, n, p))
			snprintf(p->why, sizeof(p->why), "no NIC KDNET drives");
	} else if (pve_guest_nic_pci(c, (unsigned)p->debug_nic, &p->pci)) {
		memset(&p->pci, 0, sizeof(p->pci));
	} else {
		p->has_pci = true;
	}
	hv = n;
	check_link_findings(c, p->debug_nic, f, &n, CHECK_MAX_FINDINGS);
	check_hv(c, x, "VMID", f, &n);
	if (d)
		check_settings_findings(d, f, &n);
	if (!p->silent && first_block(f, hv, n, p))
		p->silent = true;
	check_dhcp_finding(d, x->net, &dhcp);
	p->hang = !p->silent && dhcp.level == FIND_BLOCK;
	g_free(f);
}

/* What KDNET on the debug NIC ends in, in words, into @buf */
static void outcome_str(const struct check_prediction *p, char *buf,
			size_t len)
{
	if (p->hang)
		snprintf(buf, len, "hangs ~10 min at the logo");
	else if (p->wrong_nic)
		snprintf(buf, len, "wrong-nic (net%d is on %s, the debugger on "
			 "%s)", p->debug_nic, p->nic_net, p->dbg_net);
	else if (p->key_mismatch)
		snprintf(buf, len, "key-mismatch (the dbgsettings key is not the "
			 "debugger's)");
	else
		snprintf(buf, len, "connects");
}

/**
 * check_prediction_str() - a prediction in words: "KDNET on net0 (e1000e
 * at 0.18.0): connects", "KDNET on net0 (e1000 at 0.18.0): wrong-nic
 * (net0 is on wan, the debugger on lan)", "no KDNET traffic (busparams
 * 0.25.0 names no NIC ...)"
 * @c:		the VM config predicted
 * @p:		the prediction
 * @buf:	output
 * @len:	its size
 *
 * Return: @buf
 */
char *check_prediction_str(const struct vmconf *c,
			   const struct check_prediction *p, char *buf,
			   size_t len)
{
	char b[16], out[160];

	if (p->silent) {
		snprintf(buf, len, "no KDNET traffic (%s)", p->why);
		return buf;
	}
	outcome_str(p, out, sizeof(out));
	snprintf(buf, len, "KDNET on net%d (%s at %s): %s", p->debug_nic,
		 c->nets[p->debug_nic].model, p->has_pci ?
		 pci_addr_str(&p->pci, b, sizeof(b)) : "an unknown b.d.f", out);
	return buf;
}
