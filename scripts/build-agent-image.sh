#!/usr/bin/env bash
# build-agent-image.sh - the agent image that VM scenarios boot under QEMU
#
# usage: scripts/build-agent-image.sh BUILD_DIR
#
# Makes BUILD_DIR/agent/vmlinuz and BUILD_DIR/agent/initrd.img from Debian
# packages only: the kernel of linux-image-amd64 (downloaded and unpacked,
# not installed), its e1000, e1000e and virtio-net modules, busybox-static,
# and BUILD_DIR/kdh-agent (the debuggee model, static).  The initramfs's
# /init loads the modules and runs kdh-agent, which reads its settings from
# the kernel command line.  A second run with nothing changed does nothing.
set -euo pipefail

build=$(cd "$1" && pwd)
out=$build/agent
agent=$build/kdh-agent
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$agent" ] || { echo "build-agent-image: $agent is missing (meson compile first)" >&2; exit 2; }
mkdir -p "$out/cache"

if [ -f "$out/initrd.img" ] && [ "$out/initrd.img" -nt "$agent" ] &&
   [ "$out/initrd.img" -nt "$here/build-agent-image.sh" ]; then
	exit 0
fi

# The kernel: the package linux-image-amd64 points at, unpacked in a cache
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(kernel_pkg)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -q >/dev/null	# lists may be absent on a new machine
	pkg=$(kernel_pkg)
fi
[ -n "$pkg" ] || { echo "build-agent-image: no linux-image-amd64 in apt's lists" >&2; exit 2; }
if [ ! -f "$out/cache/$pkg.unpacked" ]; then
	rm -rf "$out/cache/root" "$out/cache"/*.deb
	(cd "$out/cache" && apt-get download -q "$pkg" >/dev/null)
	dpkg-deb -x "$out/cache"/"$pkg"_*.deb "$out/cache/root"
	touch "$out/cache/$pkg.unpacked"
fi
root=$out/cache/root
kver=$(ls "$root/lib/modules" | head -n1)
cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz"

# The initramfs: busybox, modules in load order, kdh-agent, /init
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules}
cp /bin/busybox "$stage/bin/busybox"
for app in sh mount insmod poweroff sleep cat echo; do
	ln -s busybox "$stage/bin/$app"
done
mods="e1000 e1000e virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
for m in $mods; do
	f=$(find "$root/lib/modules/$kver/kernel" -name "$m.ko" | head -n1)
	[ -n "$f" ] || { echo "build-agent-image: module $m not in $pkg" >&2; exit 2; }
	cp "$f" "$stage/lib/modules/"
done
cp "$agent" "$stage/kdh-agent"
cat > "$stage/init" <<INIT
#!/bin/sh
# /init of the kdh agent image: modules, then the debuggee model
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for m in $mods; do insmod /lib/modules/\$m.ko 2>/dev/null; done
echo "kdh-agent image: kernel \$(cat /proc/sys/kernel/osrelease) up"
/kdh-agent
echo "kdh-agent exited: powering off"
poweroff -f
INIT
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.img.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
echo "build-agent-image: $out/vmlinuz ($kver) and $out/initrd.img ($(du -k "$out/initrd.img" | cut -f1) KiB)"
