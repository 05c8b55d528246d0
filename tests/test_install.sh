#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_install.sh - the installed kdh works without the source and build
# trees, and keeps working when its tree is moved (relocatable)
#
# usage: tests/test_install.sh BUILD_DIR   (meson test install)
#
# meson install --destdir TMP/dest, then the installed kdh, run from TMP
# with a bare environment (no KDH_*; PATH only the system's): the built-in
# suite passes; `kdh list --all -g vm` lists the installed VM scenarios and
# `kdh list matrix/kdnet` the installed built-in matrix;
# vm-dhcp-off from the installed data directory passes under QEMU (it may
# skip only when qemu-system-x86_64 is missing); then the tree moves to
# TMP/moved and vm-dhcp-off passes again from there; a missing image's
# SKIP names where kdh looked.
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d /tmp/kdh-test-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sys_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
bare() { (cd "$tmp/work" && env -i PATH="$sys_path" HOME="$tmp" "$@"); }

meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/dest" >/dev/null
kdh=$(find "$tmp/dest" -path '*/bin/kdh' -type f | head -n1)
[ -x "$kdh" ] || fail "no bin/kdh under $tmp/dest"
# kdh-agent is built where a static libcrypto is and not in sanitizer
# builds; where this build has one, it must be installed too
if [ -x "$build/kdh-agent" ]; then
	[ -x "$(dirname "$kdh")/kdh-agent" ] || fail "kdh-agent is not installed next to kdh"
fi
root=$(dirname "$(dirname "$kdh")")		# the prefix, under DESTDIR
rel=${root#"$tmp/dest"}
data=$(find "$root" -path '*/kdh/scenarios/vm' -type d | head -n1)
[ -f "$data/vm-dhcp-off.kdh" ] || fail "no installed scenarios/vm/vm-dhcp-off.kdh"
mkdir -p "$tmp/work"
have_image=0
[ -f "$(dirname "$data")/../agent/initrd.img" ] && have_image=1
have_qemu=0
PATH=$sys_path command -v qemu-system-x86_64 >/dev/null && have_qemu=1
echo "installed: $kdh (image: $have_image, qemu: $have_qemu)"

# vm_check KDH SCENARIO: passes, or skips for the one allowed reason
vm_check() {
	local rc=0 out
	out=$(bare "$1" run --results "$tmp/work/results" "$2" 2>&1) || rc=$?
	echo "$out" | grep -E '^(PASS|FAIL|SKIP|ERROR)' || true
	if [ $have_qemu -eq 0 ] || [ $have_image -eq 0 ]; then
		[ $rc -eq 77 ] || fail "$2: exit $rc, expected a skip (77): $out"
		[ $have_qemu -eq 1 ] && { echo "$out" | grep -q 'build-agent-image.sh' ||
			fail "the skip does not say how to build the image: $out"; }
		return 0
	fi
	[ $rc -eq 0 ] || fail "$2 from the installed tree: exit $rc: $out"
}

# The built-in suite
bare "$kdh" run --results "$tmp/work/results" >"$tmp/builtin.log" 2>&1 ||
	fail "installed kdh run (built-in suite) failed: $(tail -5 "$tmp/builtin.log")"
tail -n1 "$tmp/builtin.log"
# The installed VM scenarios, found by --all
bare "$kdh" list --all -g vm | grep -q '^vm-dhcp-off ' ||
	fail "kdh list --all -g vm does not list the installed vm-dhcp-off"
bare "$kdh" run --all -g vm --validate | grep -q 'scenarios are valid' ||
	fail "kdh run --all -g vm --validate"
vm_check "$kdh" "$data/vm-dhcp-off.kdh"
# The built-in matrices: installed (the whole folder) and found by name,
# never part of the built-in suite nor of --all
[ -f "$(dirname "$data")/matrix/kdnet.kdh" ] ||
	fail "no installed scenarios/matrix/kdnet.kdh"
[ "$(bare "$kdh" list --count matrix/kdnet)" = 2700 ] ||
	fail "kdh list --count matrix/kdnet is not 2700"
bare "$kdh" list --all | grep -q '^kdnet\[' &&
	fail "kdh list --all lists the built-in matrix's cells"

# Relocatable: the whole tree elsewhere, no reinstall
mv "$tmp/dest" "$tmp/moved"
kdh=$tmp/moved$rel/bin/kdh
data=$tmp/moved${data#"$tmp/dest"}
bare "$kdh" list --all -g vm | grep -q '^vm-dhcp-off ' ||
	fail "the moved kdh does not find its VM scenarios"
bare "$kdh" list --count matrix/kdnet >/dev/null ||
	fail "the moved kdh does not find its built-in matrices"
vm_check "$kdh" "$data/vm-dhcp-off.kdh"

# No image: the SKIP says where kdh looked and how to make one
out=$(bare env KDH_AGENT_DIR="$tmp/none" "$kdh" run --results "$tmp/work/results" \
	"$data/vm-dhcp-off.kdh" 2>&1) && rc=0 || rc=$?
if [ $have_qemu -eq 1 ]; then
	[ $rc -eq 77 ] || fail "KDH_AGENT_DIR=$tmp/none: exit $rc, expected 77"
	echo "$out" | grep -q "KDH_AGENT_DIR=$tmp/none" ||
		fail "the skip does not name KDH_AGENT_DIR: $out"
fi
echo "ok: installed and moved kdh ran the built-in suite and vm-dhcp-off"
