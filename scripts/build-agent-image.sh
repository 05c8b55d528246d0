#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-agent-image.sh - the agent image that VM scenarios boot under QEMU
#
# usage: scripts/build-agent-image.sh [--kernel VMLINUZ --modules DIR]
#            [--agent FILE] [--out DIR] BUILD_DIR
#
# Makes OUT/vmlinuz and OUT/initrd.img (OUT: BUILD_DIR/agent) from Debian
# packages only: a Debian kernel, its e1000, e1000e, virtio-net, vmxnet3 and
# 8139cp (rtl8139: QEMU's is a C+, which 8139too refuses) modules (every
# NIC model of a VM matrix has a driver),
# busybox-static, and BUILD_DIR/kdh-agent (the debuggee model, static; or
# --agent FILE).  The initramfs's /init loads the modules and runs
# kdh-agent, which reads its settings from the kernel command line.
#
# The kernel, first found of:
#   --kernel VMLINUZ --modules DIR   DIR: /lib/modules/KVER (or a directory
#                                    holding exactly one KVER)
#   the installed linux-image-amd64  /boot/vmlinuz-KVER + /lib/modules/KVER
#                                    (the newest KVER with both)
#   a download                       apt-get download of the package
#                                    linux-image-amd64 points at, unpacked
#                                    (not installed) in OUT/cache
# Only the last needs the network.
#
# The image is reproducible: files sorted, owners 0:0, every timestamp
# $SOURCE_DATE_EPOCH (default 0), gzip without name or time: the same
# inputs give the same bytes.  A second run with nothing changed does
# nothing.
set -euo pipefail

usage() { sed -n '3,4p' "$0" | sed 's/^# //' >&2; exit 2; }
kernel= modules= agent= out=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--agent) agent=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "build-agent-image: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
if { [ -n "$kernel" ] && [ -z "$modules" ]; } || { [ -z "$kernel" ] && [ -n "$modules" ]; }; then
	echo "build-agent-image: --kernel and --modules go together" >&2; exit 2
fi

build=$(cd "$1" && pwd)
out=${out:-$build/agent}
agent=${agent:-$build/kdh-agent}
here=$(cd "$(dirname "$0")" && pwd)
epoch=${SOURCE_DATE_EPOCH:-0}
[ -x "$agent" ] || { echo "build-agent-image: $agent is missing (meson compile first)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The installed kernel: the newest /boot/vmlinuz-KVER with /lib/modules/KVER
installed_kernel() {
	local v
	for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -rV); do
		if [ -r "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/kernel" ]; then
			echo "$v"; return
		fi
	done
}

# The kernel of the package linux-image-amd64 points at, unpacked in a cache
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
download_kernel() {
	local pkg
	pkg=$(kernel_pkg)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -q >/dev/null	# lists may be absent on a new machine
		pkg=$(kernel_pkg)
	fi
	[ -n "$pkg" ] || { echo "build-agent-image: no installed kernel, no --kernel, and no linux-image-amd64 in apt's lists" >&2; exit 2; }
	mkdir -p "$out/cache"
	if [ ! -f "$out/cache/$pkg.unpacked" ]; then
		rm -rf "$out/cache/root" "$out/cache"/*.deb
		(cd "$out/cache" && apt-get download -q "$pkg" >/dev/null)
		dpkg-deb -x "$out/cache"/"$pkg"_*.deb "$out/cache/root"
		touch "$out/cache/$pkg.unpacked"
	fi
	kver=$(ls "$out/cache/root/lib/modules" | head -n1)
	kernel=$out/cache/root/boot/vmlinuz-$kver
	modules=$out/cache/root/lib/modules/$kver
	source="download of $pkg"
}

if [ -n "$kernel" ]; then
	[ -r "$kernel" ] || { echo "build-agent-image: --kernel $kernel: not readable" >&2; exit 2; }
	if [ ! -d "$modules/kernel" ]; then
		n=$(find "$modules" -mindepth 2 -maxdepth 2 -name kernel -type d 2>/dev/null | wc -l)
		[ "$n" -eq 1 ] || { echo "build-agent-image: --modules $modules: not /lib/modules/KVER nor a directory of one KVER" >&2; exit 2; }
		modules=$(dirname "$(find "$modules" -mindepth 2 -maxdepth 2 -name kernel -type d)")
	fi
	kver=$(basename "$modules")
	source="--kernel $kernel"
elif kver=$(installed_kernel) && [ -n "$kver" ]; then
	kernel=/boot/vmlinuz-$kver
	modules=/lib/modules/$kver
	source="installed kernel"
else
	download_kernel
fi

# Nothing to do when the inputs are those of the last image, none newer
inputs="$kernel $modules $agent $epoch"
if [ -f "$out/initrd.img" ] && [ -f "$out/vmlinuz" ] &&
   [ "$(cat "$out/.inputs" 2>/dev/null)" = "$inputs" ] &&
   [ "$out/initrd.img" -nt "$agent" ] &&
   [ "$out/initrd.img" -nt "$here/build-agent-image.sh" ]; then
	exit 0
fi

# The initramfs: busybox, modules in load order, kdh-agent, /init
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules}
cp /bin/busybox "$stage/bin/busybox"
for app in sh mount insmod poweroff sleep cat echo; do
	ln -s busybox "$stage/bin/$app"
done
mods="e1000 e1000e virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net vmxnet3 mii 8139cp"
for m in $mods; do
	f=$(find "$modules/kernel" -name "$m.ko" | sort | head -n1)
	[ -n "$f" ] || { echo "build-agent-image: module $m not in $modules" >&2; exit 2; }
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
# Fixed modes and times whatever the umask and the inputs' own
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/init" "$stage/kdh-agent" "$stage/bin/busybox"
find "$stage" -exec touch -h -d "@$epoch" {} +
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio -o -H newc --null --quiet --reproducible --owner=0:0 | gzip -9 -n) \
	> "$out/initrd.img.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
cp "$kernel" "$out/vmlinuz.tmp"
chmod 0644 "$out/vmlinuz.tmp"
touch -d "@$epoch" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$inputs" > "$out/.inputs"
echo "build-agent-image: $out/vmlinuz ($kver, $source) and $out/initrd.img ($(du -k "$out/initrd.img" | cut -f1) KiB)"
