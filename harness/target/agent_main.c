// SPDX-License-Identifier: GPL-2.0-or-later
/* agent_main.c - kdh-agent: the simulated debuggee's model as /init of a
 * small Linux VM, on the VM's real (QEMU) NICs
 *
 * Theory of operation: the same target model as the simulator (target.c)
 * with a different environment: NICs are the PCI network devices found in
 * /sys/bus/pci/devices, frames go through AF_PACKET sockets bound to them
 * (the interfaces are up with no address, so the kernel's own stack stays
 * quiet), CPUID leaf 0x40000000 gives the hypervisor vendor, and the loop
 * runs on the real clock.  The settings come from the kernel command line;
 * the harness decides nothing for the agent (the KD script too: what the
 * kernel reports once a debugger connected).  With serial debug settings
 * KD goes over /dev/ttyS(debugport - 1) in raw mode at the baud rate (the
 * console is on a later port: the harness puts it after the VM's own).
 */
#include <arpa/inet.h>
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kdh/target/agent.h"
#include "netsim/pkt.h"

#define MAX_NICS	TARGET_MAX_NICS

struct agent {
	struct ns_loop *loop;
	struct target *t;
	struct target_nic nics[MAX_NICS];
	char ifname[MAX_NICS][IFNAMSIZ];
	int fd[MAX_NICS];
	size_t n;
	int tty;			/* the COM port KD uses, -1 none */
	unsigned tty_port;
	struct ns_timer *kd_watch;	/* until the KD script is played out */
	uint8_t buf[65536];
};

static int read_hex(const char *dir, const char *file, unsigned *out)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%x", out) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* The first interface in @dir/net, "" for none */
static void net_first(const char *dir, char ifname[IFNAMSIZ])
{
	char path[400];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/net", dir);
	d = opendir(path);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !ifname[0])
			snprintf(ifname, IFNAMSIZ, "%s", de->d_name);
	if (d)
		closedir(d);
}

/* The interface a PCI device's driver made (its first), "" for none, and
 * that interface's MAC as text ("-" for none).  virtio-net's interface
 * hangs off the virtio device the PCI one carries (DEV/virtio0/net) */
static void nic_ifname(const char *dir, char ifname[IFNAMSIZ], char mac[32])
{
	char path[400];
	struct dirent *de;
	DIR *d;
	FILE *f;

	ifname[0] = '\0';
	snprintf(mac, 32, "-");
	net_first(dir, ifname);
	d = ifname[0] ? NULL : opendir(dir);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "virtio", 6) && !ifname[0]) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			net_first(path, ifname);
		}
	if (d)
		closedir(d);
	if (!ifname[0])
		return;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%31s", mac) != 1)
		snprintf(mac, 32, "-");
	if (f)
		fclose(f);
}

/* One PCI network device: reported on the console whatever it is (the
 * address is the bus number the firmware gave its bridge: what busparams
 * names), and kept as a NIC when a driver made an interface with a MAC */
static void nic_add(struct agent *a, const char *name)
{
	char dir[300], mac[32], ifname[IFNAMSIZ];
	unsigned vendor, device, cls;
	struct target_nic *n = &a->nics[a->n];

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", name);
	if (read_hex(dir, "class", &cls) || (cls >> 16) != 2 ||
	    read_hex(dir, "vendor", &vendor) || read_hex(dir, "device", &device))
		return;
	nic_ifname(dir, ifname, mac);
	printf(AGENT_NIC_PREFIX "%s %04x:%04x %s %s\n", name, vendor, device,
	       ifname[0] ? ifname : "-", mac);
	if (a->n == MAX_NICS || !ifname[0] || agent_pci_parse(name, &n->pci) ||
	    mac_parse(mac, n->mac))
		return;
	snprintf(a->ifname[a->n], IFNAMSIZ, "%s", ifname);
	snprintf(n->model, sizeof(n->model), "%s", agent_nic_model((uint16_t)vendor,
								  (uint16_t)device));
	memcpy(n->name, a->ifname[a->n], sizeof(n->name) < IFNAMSIZ ?
	       sizeof(n->name) : IFNAMSIZ);
	n->name[sizeof(n->name) - 1] = '\0';
	a->n++;
}

/* In PCI order (bus, device, function), as the names sort */
static void nics_find(struct agent *a)
{
	struct dirent **names = NULL;
	int n = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			nic_add(a, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	fflush(stdout);
}

static void rx(void *opaque, int fd, short revents)
{
	struct agent *a = opaque;

	for (size_t i = 0; i < a->n; i++) {
		ssize_t len;

		if (a->fd[i] != fd)
			continue;
		while ((len = recv(fd, a->buf, sizeof(a->buf), MSG_DONTWAIT)) > 0)
			target_input(a->t, (unsigned)i, a->buf, (size_t)len);
	}
}

/* Interface up, promiscuous, no address; an AF_PACKET socket on it */
static int nic_open(struct agent *a, size_t i)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", a->ifname[i]);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_PROMISC;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	sll.sll_ifindex = (int)if_nametoindex(a->ifname[i]);
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll))) {
		close(s);
		return -1;
	}
	a->fd[i] = s;
	return ns_loop_add_fd(a->loop, s, POLLIN, rx, a, "AF_PACKET");
}

static void env_send(void *opaque, unsigned nic, const uint8_t *f, size_t len)
{
	struct agent *a = opaque;

	if (send(a->fd[nic], f, len, 0) < 0)
		fprintf(stderr, "kdh-agent: send on %s: %s\n", a->ifname[nic],
			strerror(errno));
}

static bool env_cpuid(void *opaque, char vendor[13])
{
	unsigned eax, ebx, ecx, edx;

	__cpuid(1, eax, ebx, ecx, edx);
	if (!(ecx & (1u << 31)))
		return false;		/* no hypervisor bit */
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(vendor, &ebx, 4);
	memcpy(vendor + 4, &ecx, 4);
	memcpy(vendor + 8, &edx, 4);
	vendor[12] = '\0';
	return true;
}

static size_t env_nics(void *opaque, struct target_nic *nics, size_t max)
{
	struct agent *a = opaque;
	size_t n = a->n < max ? a->n : max;

	memcpy(nics, a->nics, n * sizeof(*nics));
	return n;
}

static void env_serial(void *opaque, unsigned port, const uint8_t *buf,
		       size_t len)
{
	struct agent *a = opaque;

	while (a->tty >= 0 && port == a->tty_port && len) {
		ssize_t n = write(a->tty, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "kdh-agent: ttyS%u: %s\n", port,
				n ? strerror(errno) : "short write");
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void tty_rx(void *opaque, int fd, short revents)
{
	struct agent *a = opaque;
	ssize_t n = read(fd, a->buf, sizeof(a->buf));

	if (n > 0)
		target_serial_input(a->t, a->tty_port, a->buf, (size_t)n);
}

static speed_t baud_of(unsigned baud)
{
	switch (baud) {
	case 9600:	return B9600;
	case 19200:	return B19200;
	case 38400:	return B38400;
	case 57600:	return B57600;
	default:	return B115200;
	}
}

/* COMn as KD wants it: raw 8N1 at the baud rate, nothing echoed or
 * translated; reads never block the loop, writes do (a few bytes) */
static int tty_open(struct agent *a, const struct target_config *tc)
{
	char path[32];
	struct termios tio;

	a->tty_port = tc->debugport - 1;
	snprintf(path, sizeof(path), "/dev/ttyS%u", a->tty_port);
	a->tty = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (a->tty < 0 || tcgetattr(a->tty, &tio)) {
		fprintf(stderr, "kdh-agent: %s: %s\n", path, strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetspeed(&tio, baud_of(tc->baudrate));
	if (tcsetattr(a->tty, TCSANOW, &tio))
		fprintf(stderr, "kdh-agent: %s: %s\n", path, strerror(errno));
	printf("kdh-agent: KD on %s (COM%u) at %u baud\n", path, tc->debugport,
	       tc->baudrate);
	return ns_loop_add_fd(a->loop, a->tty, POLLIN, tty_rx, a, "COM port");
}

static void env_log(void *opaque, const char *msg)
{
	printf("kdh-agent: %s\n", msg);
	fflush(stdout);
}

/* Once a second until the KD script is played out, then the marker a VM
 * scenario waits for before it ends (run_vm.c's qemu_settled()) */
static void kd_watch(void *opaque)
{
	struct agent *a = opaque;

	if (target_kd_done(a->t)) {
		printf("%s\n", AGENT_KD_DONE);
		fflush(stdout);
		return;
	}
	ns_timer_mod(a->kd_watch, ns_loop_now(a->loop) + NS_PER_S);
}

int main(void)
{
	static const struct target_env_ops env = { env_send, env_cpuid, env_nics,
						   env_log, env_serial };
	static struct agent a;
	struct target_config tc;
	char cmdline[4096] = "", err[256], b[16], vendor[13] = "none";
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(cmdline, sizeof(cmdline), f)) {
		fprintf(stderr, "kdh-agent: cannot read /proc/cmdline\n");
		return 1;
	}
	fclose(f);
	if (agent_cmdline_parse(cmdline, &tc, err, sizeof(err))) {
		fprintf(stderr, "kdh-agent: %s\n", err);
		return 1;
	}
	a.loop = ns_loop_new(NS_CLOCK_REAL, (uint64_t)getpid() ^ (uint64_t)time(NULL));
	a.tty = -1;
	if (tc.serial && tty_open(&a, &tc))
		return 1;
	nics_find(&a);
	for (size_t i = 0; i < a.n; i++) {
		if (nic_open(&a, i))
			fprintf(stderr, "kdh-agent: %s: %s\n", a.ifname[i], strerror(errno));
		printf("kdh-agent: NIC %s %s %s\n", a.ifname[i], a.nics[i].model,
		       pci_addr_str(&a.nics[i].pci, b, sizeof(b)));
	}
	env_cpuid(NULL, vendor);
	printf("kdh-agent: KD once connected: nt, hal, %u boot drivers%s, %zu "
	       "DbgPrint lines%s%s%s\n", tc.kd.n_drivers,
	       tc.kd.kdfiles ? " (.kdfiles)" : "", tc.kd.n_dbgprint,
	       tc.kd.has_break ? ", a break" : "",
	       tc.kd.has_assert ? ", an assertion" : "",
	       tc.kd.has_bugcheck ? ", a bugcheck" : "");
	printf("%s (%zu NICs, hypervisor %s)\n", AGENT_MARKER, a.n, vendor);
	fflush(stdout);
	a.t = target_new(a.loop, &tc, &env, &a);
	a.kd_watch = ns_timer_new(a.loop, kd_watch, &a);
	if (!a.t || !a.kd_watch)
		return 1;
	ns_timer_mod(a.kd_watch, ns_loop_now(a.loop) + NS_PER_S);
	target_power_on(a.t);
	ns_loop_run(a.loop, NS_NEVER);
	fprintf(stderr, "kdh-agent: loop ended: %s\n",
		ns_loop_error(a.loop) ? ns_loop_error(a.loop) : "idle");
	return 0;
}
