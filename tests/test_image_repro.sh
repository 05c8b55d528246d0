#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_image_repro.sh - two agent image builds from the same inputs give
# the same bytes (scripts/build-agent-image.sh is reproducible)
#
# usage: tests/test_image_repro.sh BUILD_DIR SOURCE_DIR   (meson test image_repro)
#
# Builds into two temporary directories, the second a second later under
# another umask, with the kernel the build used (BUILD_DIR/agent/cache's
# download, else the installed one); compares vmlinuz and initrd.img.
# Skips (77) without kdh-agent or any kernel.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
[ -x "$build/kdh-agent" ] || { echo "no kdh-agent (no static libcrypto): skip"; exit 77; }
kargs=()
cache=$build/agent/cache/root
if [ -d "$cache/lib/modules" ]; then
	kver=$(ls "$cache/lib/modules" | head -n1)
	kargs=(--kernel "$cache/boot/vmlinuz-$kver" --modules "$cache/lib/modules/$kver")
elif ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
	echo "no kernel: neither $cache nor /boot/vmlinuz-*: skip"; exit 77
fi
tmp=$(mktemp -d /tmp/kdh-test-image-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s.%N)
(umask 022 && bash "$src/scripts/build-agent-image.sh" "${kargs[@]}" --out "$tmp/a" "$build")
sleep 1
(umask 077 && bash "$src/scripts/build-agent-image.sh" "${kargs[@]}" --out "$tmp/b" "$build")
echo "two builds in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a - 1 }') s"
for f in vmlinuz initrd.img; do
	cmp "$tmp/a/$f" "$tmp/b/$f" || { echo "FAIL: $f differs between two builds"; exit 1; }
done
sha256sum "$tmp/a/initrd.img" "$tmp/b/initrd.img"
# A different SOURCE_DATE_EPOCH must show in the bytes (times are in it)
SOURCE_DATE_EPOCH=86400 bash "$src/scripts/build-agent-image.sh" "${kargs[@]}" \
	--out "$tmp/c" "$build" >/dev/null
if cmp -s "$tmp/a/initrd.img" "$tmp/c/initrd.img"; then
	echo "FAIL: SOURCE_DATE_EPOCH does not reach the archive"; exit 1
fi
echo "ok: the same inputs, the same image"
