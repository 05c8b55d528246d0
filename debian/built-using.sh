#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# built-using.sh - the Built-Using substvar of kdh
#
# usage: sh debian/built-using.sh BUILD_DIR  (>> debian/kdh.substvars)
#
# The agent image (BUILD_DIR/agent) carries binaries of other source
# packages: a Debian kernel and busybox-static as they are, and kdh-agent,
# linked statically with glibc (and OpenSSL's libcrypto, Apache-2.0: no
# source to keep).  Built-Using names the kernel's, busybox's and glibc's
# sources so their exact versions stay available (GPL, LGPL), as
# busybox-static itself names glibc's.  The
# kernel's package is found from the path build-agent-image.sh recorded in
# agent/.inputs: a downloaded .deb in agent/cache, or an installed file;
# a kernel given by path from no package names none.  No image: no
# Built-Using at all.
set -eu
build=$(cd "$1" && pwd)		# agent/.inputs holds absolute paths
src() {	# src PACKAGE: "SOURCE (= VERSION)" of an installed package
	dpkg-query -W -f='${source:Package} (= ${source:Version})' "$1"
}
deb_src() {	# deb_src FILE.deb: the same from a .deb file
	dpkg-deb -W --showformat='${source:Package} (= ${source:Version})' "$1"
}
kernel_src() {
	kernel=$(cut -d' ' -f1 "$build/agent/.inputs")
	case $kernel in
	"$build"/agent/cache/*)
		set -- "$build"/agent/cache/*.deb
		[ -f "$1" ] && deb_src "$1" ;;
	*)
		pkg=$(dpkg-query -S "$kernel" 2>/dev/null | cut -d: -f1) || return 0
		[ -n "$pkg" ] && src "$pkg" ;;
	esac
}
if [ -f "$build/agent/initrd.img" ] && [ -f "$build/agent/.inputs" ]; then
	k=$(kernel_src || true)
	echo "kdh:Built-Using=${k:+$k, }$(src busybox-static), $(src libc6-dev)"
fi
