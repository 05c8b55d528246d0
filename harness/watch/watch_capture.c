// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_capture.c - kdh watch's frames: libpcap on live interfaces,
 * read-only
 *
 * One handle per interface, never in promiscuous mode (a tap carries its
 * VM's frames anyway) and with the BPF filter in the kernel, so frames
 * that are not the VM's cost nothing here; immediate mode, so each frame
 * is told when it arrives; the kernel's nanosecond timestamps, which is
 * what the capture file and the analysis get.  Nothing is set on the
 * interface.  An interface that goes away (the VM stopped) is closed and
 * reported; the handles' fds are the event loop's, like any other.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/watch/watch_priv.h"

struct cap_iface {
	struct watch_capture *c;
	size_t idx;
	pcap_t *pc;
	int fd;
	uint16_t linktype;
};

struct watch_capture {
	struct ns_loop *loop;
	struct cap_iface ifs[WATCH_MAX_IFACES];
	size_t n;
	uint64_t dropped;		/* by the kernel, of closed handles */
	watch_frame_fn frame;
	watch_gone_fn gone;
	void *opaque;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	struct cap_iface *ci = (struct cap_iface *)user;
	struct cap_frame f = {
		/* nanosecond precision: tv_usec holds nanoseconds */
		.ts_ns = (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec,
		.iface = (uint32_t)ci->idx, .linktype = ci->linktype, .data = data,
		.caplen = h->caplen, .origlen = h->len,
	};

	ci->c->frame(ci->c->opaque, &f, ci->idx);
}

static uint64_t handle_dropped(pcap_t *pc)
{
	struct pcap_stat st;

	return pc && !pcap_stats(pc, &st) ? st.ps_drop : 0;
}

static void iface_close(struct cap_iface *ci)
{
	if (!ci->pc)
		return;
	ci->c->dropped += handle_dropped(ci->pc);
	ns_loop_del_fd(ci->c->loop, ci->fd);
	pcap_close(ci->pc);
	ci->pc = NULL;
}

static void readable(void *opaque, int fd, short revents)
{
	struct cap_iface *ci = opaque;
	char why[PCAP_ERRBUF_SIZE + 32];
	int n = pcap_dispatch(ci->pc, -1, on_packet, (u_char *)ci);

	if (n >= 0 && !(revents & (POLLERR | POLLHUP | POLLNVAL)))
		return;
	snprintf(why, sizeof(why), "%s", n < 0 ? pcap_geterr(ci->pc) :
		 "the packet socket reports an error");
	iface_close(ci);
	ci->c->gone(ci->c->opaque, ci->idx, why);
}

/* LINKTYPE_* for what the analysis reads, 0 for what it cannot */
static uint16_t linktype_of(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:	return LINKTYPE_ETHERNET;
	case DLT_LINUX_SLL:	return LINKTYPE_LINUX_SLL;
	case DLT_RAW:		return LINKTYPE_RAW;
	default:		return 0;
	}
}

/* pcap_activate()'s error as kdh says it, and its errno */
static int activate_error(pcap_t *pc, int rc, const char *name, char *err,
			  size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen, "capturing on %s needs CAP_NET_RAW: run kdh "
			 "watch as root", name);
		return -EPERM;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "no interface %s", name);
		return -ENODEV;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "%s is down (a tap is up while its VM runs)",
			 name);
		return -ENETDOWN;
	default:
		snprintf(err, errlen, "libpcap on %s: %s", name, pcap_geterr(pc));
		return -EIO;
	}
}

static int filter_set(pcap_t *pc, const char *filter, const char *name,
		      char *err, size_t errlen)
{
	struct bpf_program prog;
	int rc;

	if (!filter[0])
		return 0;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "BPF filter on %s: %s", name, pcap_geterr(pc));
		return -EINVAL;
	}
	rc = pcap_setfilter(pc, &prog);
	if (rc)
		snprintf(err, errlen, "BPF filter on %s: %s", name, pcap_geterr(pc));
	pcap_freecode(&prog);	/* compiled: freed either way */
	return rc ? -EINVAL : 0;
}

static int iface_open(struct watch_capture *c, size_t i, const char *name,
		      const char *filter, char *err, size_t errlen)
{
	struct cap_iface *ci = &c->ifs[i];
	char perr[PCAP_ERRBUF_SIZE];
	int rc;

	*ci = (struct cap_iface){ .c = c, .idx = i, .fd = -1 };
	ci->pc = pcap_create(name, perr);
	if (!ci->pc) {
		snprintf(err, errlen, "libpcap on %s: %s", name, perr);
		return -EIO;
	}
	if (pcap_set_snaplen(ci->pc, 65535) || pcap_set_promisc(ci->pc, 0) ||
	    pcap_set_immediate_mode(ci->pc, 1) ||
	    pcap_set_tstamp_precision(ci->pc, PCAP_TSTAMP_PRECISION_NANO)) {
		snprintf(err, errlen, "libpcap on %s: options refused", name);
		return -EIO;
	}
	rc = pcap_activate(ci->pc);
	if (rc < 0)
		return activate_error(ci->pc, rc, name, err, errlen);
	ci->linktype = linktype_of(pcap_datalink(ci->pc));
	if (!ci->linktype) {
		snprintf(err, errlen, "%s: link type %s, not Ethernet", name,
			 pcap_datalink_val_to_name(pcap_datalink(ci->pc)));
		return -EINVAL;
	}
	if ((rc = filter_set(ci->pc, filter, name, err, errlen)))
		return rc;
	if (pcap_setnonblock(ci->pc, 1, perr) ||
	    (ci->fd = pcap_get_selectable_fd(ci->pc)) < 0) {
		snprintf(err, errlen, "libpcap on %s: no pollable descriptor", name);
		return -EIO;
	}
	return ns_loop_add_fd(c->loop, ci->fd, POLLIN, readable, ci, "libpcap");
}

/**
 * watch_capture_open() - start capturing on the VM's interfaces
 * @out:	output: the capture (watch_capture_close() it)
 * @l:		real-clock loop that will read them
 * @vm:		its ifaces
 * @filter:	BPF filter, "" for none
 * @frame:	called for every frame (data valid during the call)
 * @gone:	called when an interface goes away (the VM stopped)
 * @opaque:	passed to both
 * @err:	reason on failure ("capturing on tap105i0 needs CAP_NET_RAW...")
 * @errlen:	its size
 *
 * Return: 0, or -EPERM (no CAP_NET_RAW), -ENODEV, -ENETDOWN, -EINVAL (not
 * Ethernet, a filter libpcap refuses), -EIO; nothing is left open then
 */
int watch_capture_open(struct watch_capture **out, struct ns_loop *l,
		       const struct watch_vm *vm, const char *filter,
		       watch_frame_fn frame, watch_gone_fn gone, void *opaque,
		       char *err, size_t errlen)
{
	struct watch_capture *c = calloc(1, sizeof(*c));
	int rc = 0;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	*c = (struct watch_capture){ .loop = l, .frame = frame, .gone = gone,
				     .opaque = opaque };
	for (size_t i = 0; i < vm->n_ifaces && !rc; i++) {
		rc = iface_open(c, i, vm->ifaces[i], filter, err, errlen);
		c->n = i + 1;
	}
	if (rc) {
		watch_capture_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

/** watch_capture_linktype() - LINKTYPE_* of interface @iface */
uint16_t watch_capture_linktype(const struct watch_capture *c, size_t iface)
{
	return c->ifs[iface].linktype;
}

/** watch_capture_open_count() - interfaces still captured */
size_t watch_capture_open_count(const struct watch_capture *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->ifs[i].pc != NULL;
	return n;
}

/** watch_capture_dropped() - frames the kernel dropped (buffer full) */
uint64_t watch_capture_dropped(const struct watch_capture *c)
{
	uint64_t n = c->dropped;

	for (size_t i = 0; i < c->n; i++)
		n += handle_dropped(c->ifs[i].pc);
	return n;
}

/** watch_capture_close() - stop capturing (NULL is fine) */
void watch_capture_close(struct watch_capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct cap_iface *ci = &c->ifs[i];

		if (ci->pc && ci->fd < 0) {	/* failed before the loop had it */
			pcap_close(ci->pc);
			ci->pc = NULL;
		}
		iface_close(ci);
	}
	free(c);
}
