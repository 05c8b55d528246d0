#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - one libFuzzer harness for FUZZ_SECONDS (default 20): the seed
# corpus and regression inputs of the tree are read, new inputs go to
# BUILDDIR/corpus/NAME (never into the source tree), crashes to
# BUILDDIR/artifacts/NAME/.  Prints libFuzzer's final figures; a finding exits
# 1 (libFuzzer's default, 77, would read as "skipped" to meson).
# usage: run.sh FUZZER NAME SRCDIR BUILDDIR
set -euo pipefail
exe=$1 name=$2 src=$3 out=$4
secs=${FUZZ_SECONDS:-20}
mkdir -p "$out/corpus/$name" "$out/artifacts/$name"
dirs=("$out/corpus/$name")
for d in "$src/corpus/$name" "$src/regressions/$name"; do
	[ -d "$d" ] && dirs+=("$d")
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$exe" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	-max_len=8192 -print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 \
	-artifact_prefix="$out/artifacts/$name/" "${dirs[@]}"
