#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test.sh - set up and run kdh's whole test suite
#
# Runs scripts/bootstrap.sh, then the criterion tests under `meson test`
# twice: in the normal build and in the AddressSanitizer/UBSan build, so a
# parser that reads past a buffer fails CI; then, where clang is, the
# libFuzzer smoke suite in build-fuzz/ (13 harnesses, 12 s each, two at a
# time: about 80 s).  Criterion prints one Synthesis
# line per test program; the last line totals both builds.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --with-asan --with-slurm || exit 2

status=0
for dir in build build-asan; do
	echo "== meson test -C $dir"
	meson test -C "$dir" --verbose --num-processes 2 >"$dir/test-console.txt" 2>&1 \
		|| status=1
	grep -E '^\[(====|FAIL|----)\]|^ *[0-9]+/[0-9]+ .* (OK|FAIL|TIMEOUT|SKIP)|^(Ok|Fail|Timeout):' \
		"$dir/test-console.txt"
done

# libFuzzer smoke (tests/fuzz): each harness 6 s here (FUZZ_SECONDS; the
# suite's own default is 20 s), two at a time, so the whole test command
# stays under 20 minutes with 16 harnesses (about 50 s); in a
# clang build of its own; skipped where clang is missing.
if command -v clang >/dev/null; then
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	echo "== meson test -C build-fuzz --suite fuzz-smoke"
	if meson compile -C build-fuzz >build-fuzz/compile.txt 2>&1; then
		FUZZ_SECONDS=${FUZZ_SECONDS:-6} \
			meson test -C build-fuzz --suite fuzz-smoke --num-processes 2 \
			>build-fuzz/test-console.txt 2>&1 || status=1
		grep -E '^ *[0-9]+/[0-9]+ .* (OK|FAIL|TIMEOUT|SKIP)|^(Ok|Fail|Timeout):' \
			build-fuzz/test-console.txt
	else
		echo "build-fuzz does not compile (build-fuzz/compile.txt)"
		status=1
	fi
fi

# Totals from criterion's own summaries (one per test program and build).
read -r passed failed < <(cat build/meson-logs/testlog.txt \
	build-asan/meson-logs/testlog.txt | awk '
	/Synthesis: Tested:/ { for (i = 1; i <= NF; i++) {
		if ($i == "Passing:") p += $(i + 1)
		if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1) } }
	END { print p + 0, f + 0 }')
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "tests: $passed passed, $failed failed"
exit "$status"
