#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_deb.sh - the Debian package builds from a clean copy of the tree,
# installs, runs, and leaves no file behind when purged
#
# usage: tests/test_deb.sh BUILD_DIR SOURCE_DIR   (meson test deb)
#
# 0. debian/changelog's version must be meson.build's.
# 1. Copies the source tree as git would check it out (tracked and
#    untracked files, not the ignored ones: no build/) and runs
#    `dpkg-buildpackage -us -uc -b` there with DEB_BUILD_OPTIONS=nocheck
#    (the unit tests run in this suite already, and nocheck leaves them
#    unbuilt: half the compiling).  The agent image takes BUILD_DIR's
#    kernel (agent/.inputs), so nothing is downloaded; a BUILD_DIR without
#    an image builds the package with the profile pkg.kdh.noimage.
# 2. Installs the .deb with dpkg into a throwaway root: an overlay of /
#    (upper layer on a tmpfs) in a mount namespace of its own, entered by
#    chroot, so the machine's own dpkg database never sees it.  Where no
#    overlay can be mounted it installs on this machine (only if kdh is not
#    installed here already) and purges it after.
# 3. In that root, with a bare environment: kdh run (the built-in suite),
#    kdh list --all (the installed VM scenarios), man finds kdh-run(1), the
#    completion is where bash-completion looks, and one VM scenario,
#    vm-dhcp-off, boots the installed agent image under QEMU (skipped when
#    there is no qemu-system-x86_64, or with KDH_DEB_VM=0).
# 4. dpkg --purge kdh; then the overlay's upper layer, which holds every
#    file created or changed in the root, may hold only dpkg's database,
#    logs, caches and /tmp: anything else was left behind (or removed: a
#    whiteout).  On this machine instead, the list of every file under
#    /usr /etc /var /opt must equal the one taken before the install.
#
# Skips (77), saying why: in the sanitizer build (one package build per
# test run is enough), not root, no dpkg-buildpackage or debhelper, or
# build dependencies missing.  Prints how long each step took.
set -euo pipefail

sys_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s; }

# every file a package could leave, dpkg's own database, logs and caches
# aside (only on this machine: in the overlay its upper layer tells)
files() {
	find /usr /etc /var /opt -xdev \( -path /var/lib/dpkg -o -path /var/log \
		-o -path /var/cache -o -path /var/tmp -o -path /var/lib/apt \) \
		-prune -o -print 2>/dev/null | LC_ALL=C sort
}

# inside DEB VM COMPARE: install, run, purge (steps 3 and 4), as root of
# the throwaway root or of this machine; COMPARE=1 lists files before and
# after itself
inside() {
	local deb=$1 vm=$2 compare=$3 work t
	work=$(mktemp -d /tmp/kdh-deb-inside-XXXXXX)
	bare() { (cd "$work" && env -i PATH="$sys_path" HOME="$work" "$@"); }
	[ "$compare" = 0 ] || files > "$work/before"
	t=$(now)
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" > "$work/dpkg-i.log" 2>&1 ||
		fail "dpkg -i: $(tail -5 "$work/dpkg-i.log")"
	echo "installed $(dpkg-query -W -f='${Package} ${Version}' kdh) in $(($(now) - t)) s"
	[ "$(bare sh -c 'command -v kdh')" = /usr/bin/kdh ] || fail "kdh is not /usr/bin/kdh"
	bare kdh run --results "$work/results" > "$work/run.log" 2>&1 ||
		fail "kdh run (built-in suite): $(tail -5 "$work/run.log")"
	tail -n1 "$work/run.log"
	bare kdh list --all > "$work/list.log" 2>&1 || fail "kdh list --all: $(cat "$work/list.log")"
	grep -q '^vm-dhcp-off ' "$work/list.log" ||
		fail "kdh list --all does not list the installed vm-dhcp-off"
	echo "kdh list --all: $(grep -c . "$work/list.log") lines"
	[ -f /usr/share/bash-completion/completions/kdh ] || fail "no bash completion"
	if command -v man >/dev/null; then
		[ "$(bare man -w kdh-run)" = /usr/share/man/man1/kdh-run.1.gz ] ||
			fail "man -w kdh-run: $(bare man -w kdh-run 2>&1)"
	fi
	if [ "$vm" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
		t=$(now)
		bare kdh run --results "$work/results" \
			/usr/share/kdh/scenarios/vm/vm-dhcp-off.kdh > "$work/vm.log" 2>&1 ||
			fail "vm-dhcp-off from the package: $(cat "$work/vm.log")"
		grep -E '^(PASS|FAIL|SKIP|ERROR) ' "$work/vm.log"
		echo "vm-dhcp-off in $(($(now) - t)) s"
	else
		echo "no VM scenario (KDH_DEB_VM=0, no image or no qemu-system-x86_64)"
	fi
	dpkg --purge kdh > "$work/purge.log" 2>&1 || fail "dpkg --purge: $(cat "$work/purge.log")"
	if [ "$compare" = 1 ]; then
		files > "$work/after"
		diff -u "$work/before" "$work/after" > "$work/left.diff" ||
			fail "purge left files behind or removed some: $(head -20 "$work/left.diff")"
	fi
	rm -rf "$work"
}

# in_overlay TMP DEB VM SRC: in a new mount namespace, an overlay of / with
# its upper layer on a tmpfs; inside() there by chroot; then what the upper
# layer holds after the purge: only dpkg's database, logs and caches, and
# /tmp, may differ from this machine's /
in_overlay() {
	local tmp=$1 deb=$2 vm=$3 src=$4 ovl=$1/ovl left
	mkdir -p "$ovl"
	mount -t tmpfs tmpfs "$ovl"
	mkdir "$ovl/upper" "$ovl/work" "$ovl/root"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$ovl/root"
	mount -t proc proc "$ovl/root/proc"
	mount --rbind /sys "$ovl/root/sys"
	mount --rbind /dev "$ovl/root/dev"
	mount -t tmpfs tmpfs "$ovl/root/run"
	touch "$tmp/overlay-ok"
	chroot "$ovl/root" bash "$src/tests/test_deb.sh" --inside "$deb" "$vm" 0
	left=$(cd "$ovl/upper" && find . -mindepth 1 \( -path ./var/lib/dpkg \
		-o -path ./var/log -o -path ./var/cache -o -path ./tmp \) -prune -o \
		\( -type c -printf 'removed %P\n' \) -o \( ! -type d -printf 'left %P\n' \) \
		-o \( -type d -printf '%P\n' \) | while read -r what path; do
			if [ -z "$path" ]; then	# a directory: left if / has none
				[ -d "/$what" ] || echo "left $what/"
			else
				echo "$what $path"
			fi
		done)
	[ -z "$left" ] || fail "after dpkg --purge: $(echo "$left" | head -20)"
}

case ${1:-} in
--inside) inside "$2" "$3" "$4"; exit 0 ;;
--overlay) in_overlay "$2" "$3" "$4" "$5"; exit 0 ;;
esac

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
skip() { echo "skip: $*"; exit 77; }
[ -z "${KDH_SANITIZED:-}" ] || skip "the sanitizer build (the package is built once, in build/)"
[ "$(id -u)" -eq 0 ] || skip "not root (dpkg -i into a throwaway root needs mounts)"
command -v dpkg-buildpackage >/dev/null || skip "no dpkg-buildpackage (apt-get install dpkg-dev)"
command -v dh >/dev/null || skip "no debhelper (apt-get install debhelper)"
tmp=$(mktemp -d /tmp/kdh-test-deb-XXXXXX)
# The copy is built at a path that does not change from run to run, so
# ccache (BUILD_DIR/ccache-deb, where installed) finds what an earlier
# run compiled: dpkg's CFLAGS carry the source path (-ffile-prefix-map).
# debhelper sets HOME for the build, hence CCACHE_DIR.
srcroot=$build/deb-src
trap 'rm -rf "$tmp" "$srcroot"' EXIT
if command -v ccache >/dev/null; then
	export CCACHE_DIR=$build/ccache-deb CCACHE_MAXSIZE=500M
fi
t0=$(now)

# 1. a clean copy, built
rm -rf "$srcroot"
mkdir -p "$srcroot/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && tar --null -T - -cf -) | tar -C "$srcroot/src" -xf -
else
	tar -C "$src" --exclude='./build*' --exclude=./results -cf - . | tar -C "$srcroot/src" -xf -
fi
# the package's version is meson.build's
v_deb=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
v_meson=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$src/meson.build")
[ "$v_deb" = "$v_meson" ] || fail "debian/changelog:1: version $v_deb, but meson.build says $v_meson: add an entry (dch -v $v_meson)"
profiles=nocheck
read -r kernel modules _ < "$build/agent/.inputs" 2>/dev/null || kernel=
if [ -n "$kernel" ] && [ -f "$build/agent/initrd.img" ]; then
	export KDH_AGENT_KERNEL=$kernel KDH_AGENT_MODULES=$modules
else
	profiles=nocheck,pkg.kdh.noimage
	echo "no agent image in $build: the package is built without one (pkg.kdh.noimage)"
fi
(cd "$srcroot/src" && dpkg-checkbuilddeps -P"$profiles") > "$tmp/deps.log" 2>&1 ||
	skip "$(cat "$tmp/deps.log")"
(cd "$srcroot/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b -P"$profiles") > "$tmp/build.log" 2>&1 ||
	fail "dpkg-buildpackage: $(tail -20 "$tmp/build.log")"
deb=$(ls "$srcroot"/kdh_*_amd64.deb)
t1=$(now)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((t1 - t0)) s"
vm=${KDH_DEB_VM:-1}
[ "$profiles" = nocheck ] || vm=0

# 2.-4. in an overlay of /, else on this machine
if unshare -m --propagation private bash "$src/tests/test_deb.sh" --overlay \
	"$tmp" "$deb" "$vm" "$src"; then
	echo "in an overlay of / (nothing installed on this machine), $(($(now) - t1)) s"
elif [ -f "$tmp/overlay-ok" ]; then
	fail "in the overlay root (above)"
else
	echo "no overlay of / here: installing on this machine"
	dpkg -s kdh 2>/dev/null | grep -q '^Status: install ok installed' &&
		skip "kdh is installed on this machine already: not touching it"
	trap 'dpkg --purge kdh >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
	inside "$deb" "$vm" 1
	echo "on this machine, $(($(now) - t1)) s"
fi
echo "purged: no file left behind; ok in $(($(now) - t0)) s"
