#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bootstrap.sh - make a fresh Debian 12 machine ready to build and run kdh
#
# Installs the Debian packages kdh needs (only those missing, so a second run
# is fast), configures meson in build/, compiles, and builds the agent image
# (scripts/build-agent-image.sh) that VM scenarios boot.  With --with-asan it also
# configures build-asan/ (AddressSanitizer + UBSan), which scripts/test.sh
# runs the tests in as well; with --with-slurm also Slurm and munge, of
# which the slurm test (tests/test_slurm.sh) runs a one-machine cluster
# (scripts/slurm-local.sh; nothing is started here).  Needs root (or sudo)
# only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# One list, one place: everything kdh builds, runs and tests with.
PACKAGES=(
	build-essential pkg-config meson ninja-build
	libssl-dev libglib2.0-dev libjson-glib-dev zlib1g-dev libslirp-dev
	libcriterion-dev tshark qemu-system-x86 ipxe-qemu
	busybox-static cpio libxml2-utils
	man-db groff-base
	libnl-3-dev libnl-route-3-dev libpcap-dev dnsmasq-base iproute2 procps
	clang libfuzzer-14-dev
	ovmf
	# meson test deb builds the Debian package (debian/) and installs it;
	# ccache keeps that build from compiling again what did not change
	debhelper ccache
	# the report test renders the page headless (it skips without them);
	# DejaVu has the page's ✓ ✗ ⊘ ⚠ glyphs
	chromium fonts-dejavu-core
)

# Only for the slurm test, asked for by scripts/test.sh.  On a systemd
# machine Debian also starts its own munge service (slurmctld's and
# slurmd's stop at once without /etc/slurm/slurm.conf); the test uses
# neither: its cluster has its own key, socket and ports.
for a in "$@"; do
	[ "$a" = --with-slurm ] && PACKAGES+=(slurmctld slurmd slurm-client munge)
done

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
		|| missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "bootstrap: installing ${missing[*]}"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

setup() {	# setup DIR [meson options...]
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	fi
	meson compile -C "$dir" >/dev/null
}

setup build
# The agent image VM scenarios boot (Debian kernel + busybox + kdh-agent).
# Without it kdh still works; VM scenarios and their tests are skipped.
if ! bash scripts/build-agent-image.sh build 2> >(grep -v '^W: Download is performed unsandboxed' >&2); then
	echo "bootstrap: warning: no agent image; VM scenarios will be skipped" >&2
fi
if [[ " $* " == *" --with-asan "* ]]; then
	setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
fi
echo "bootstrap: build/kdh is ready ($(build/kdh --version))"
