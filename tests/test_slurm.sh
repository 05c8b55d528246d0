#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_slurm.sh - kdh on a real distributed engine: a Slurm array of
# `kdh run --shard auto`, merged by a dependent job, equals one machine's run
#
# usage: tests/test_slurm.sh BUILD_DIR SOURCE_DIR   (meson test slurm)
#
# Starts a one-machine Slurm cluster in a temporary directory
# (scripts/slurm-local.sh), then:
#  1. sbatch --array=3-5 (an array that does not start at 1): each task runs
#     the built-in suite with --shard auto --seed 42; a job with
#     --dependency=afterany on the array runs kdh report merge of the three;
#     the merged summary equals a single `kdh run --seed 42` (the same
#     scenarios in the same order, verdicts, reasons and every measured
#     value; wall times, paths and provenance aside).
#  2. a second array of the same, each scenario 400 ms slower
#     (KDH_TEST_PAUSE): task 4 is scancelled once it has finished two; its
#     shard keeps those results and an interrupted summary (SIGTERM), the
#     other two finish, and the merge job says a run was interrupted and
#     exits 1 (the first merge exits 0).
# Stops the cluster and checks no process of it is left.  Skips (77), with
# the reason, where Slurm is not installed or does not start.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ -z "${KDH_SANITIZED:-}" ] ||
	skip "sanitizer build: the normal build runs this test (40 s of Slurm)"
for b in munged slurmctld slurmd sbatch scancel squeue sinfo; do
	command -v "$b" >/dev/null || skip "Slurm is not installed ($b is missing;" \
		"scripts/bootstrap.sh --with-slurm installs slurmctld slurmd slurm-client munge)"
done
tmp=$(mktemp -d /tmp/kdh-test-slurm-XXXXXX)
cluster=$tmp/cluster
cleanup() {
	[ -f "$cluster/slurm.conf" ] && "$src/scripts/slurm-local.sh" stop "$cluster" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
if ! "$src/scripts/slurm-local.sh" start "$cluster" >"$tmp/start.log" 2>&1; then
	skip "Slurm does not start on this machine: $(tail -n3 "$tmp/start.log"; tail -n3 "$cluster"/log/*.log 2>/dev/null)"
fi
export SLURM_CONF=$cluster/slurm.conf
export PATH=$build:$PATH		# the job lines say kdh, as a user's would
unset KDH_SHARD KDH_SHARD_TOTAL CI_NODE_INDEX CI_NODE_TOTAL JOB_COMPLETION_INDEX \
	SYSTEM_JOBPOSITIONINPHASE SYSTEM_TOTALJOBSINPHASE

# wait_job ID: until the job (every task of an array) has ended, 180 s at most
wait_job() {
	local left
	for _ in $(seq 900); do
		left=$(squeue -h -j "$1" -o %i 2>/dev/null || true)
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	fail "job $1 still queued or running after 180 s: $left"
}

# exit_of ID: a finished job's exit status, as scontrol says it (1:0)
exit_of() { scontrol show job "$1" | grep -o 'ExitCode=[0-9:]*' | head -n1 | cut -d= -f2; }

# summary_of DIR: the normalized summary of a run or merge directory:
# scenarios in order with verdict, reason, seed and every measured value
summary_of() {
	python3 - "$1" <<'EOF'
import glob, json, sys
p = glob.glob(sys.argv[1] + "/summary.json") + glob.glob(sys.argv[1] + "/run-*/summary.json")
if len(p) != 1:
    sys.exit("%s: %d summary.json files" % (sys.argv[1], len(p)))
s = json.load(open(p[0]))
def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()
                if k not in ("wall_seconds", "capture") and not
                (isinstance(x, str) and x.startswith("/"))}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
print(json.dumps({"seed": s["seed"], "counts": s["counts"],
                  "scenarios": clean(s["scenarios"])}, indent=1, sort_keys=True))
EOF
}

# 1. The built-in suite on an array of three, merged by a dependent job
out=$tmp/a
mkdir -p "$out"
start=$(date +%s.%N)
# shellcheck disable=SC2016 # $SLURM_ARRAY_TASK_ID is the task's, not ours
arr=$(sbatch --parsable --chdir="$out" --array=3-5 -o 'shard-%a.log' \
	--wrap 'exec kdh run --shard auto --seed 42 --results shard-$SLURM_ARRAY_TASK_ID')
mrg=$(sbatch --parsable --chdir="$out" --dependency=afterany:"$arr" -o merge.log \
	--wrap 'exec kdh report merge shard-*/run-* --out merged')
wait_job "$mrg"
echo "array of 3 + merge: $(echo "$(date +%s.%N) - $start" | bc) s"
grep -ho "\"shard_from\" *: *\"[^\"]*\"" "$out"/shard-3/run-*/summary.json || true
for t in 3 4 5; do
	grep -q "\"shard\" *: *\"$((t - 2))/3\"" "$out/shard-$t/run-"*/summary.json ||
		fail "task $t did not run shard $((t - 2))/3: $(cat "$out/shard-$t.log")"
done
[ -f "$out/merged/summary.json" ] || fail "no merged summary: $(cat "$out/merge.log")"
kdh run --seed 42 --results "$tmp/one" >"$tmp/one.log" 2>&1 ||
	fail "kdh run --seed 42 on one machine: $(tail -n3 "$tmp/one.log")"
summary_of "$out/merged" >"$tmp/merged.json"
summary_of "$tmp/one" >"$tmp/one.json"
diff -u "$tmp/one.json" "$tmp/merged.json" >"$tmp/diff.txt" ||
	fail "the merged array differs from one machine's run: $(head -n40 "$tmp/diff.txt")"
grep -h 'scenarios:' "$out/merge.log"
[ "$(exit_of "$mrg")" = 0:0 ] || fail "the merge job exited $(exit_of "$mrg"): $(cat "$out/merge.log")"

# 2. A task cancelled mid-run: its finished results stay, the merge says so.
# KDH_TEST_PAUSE (a test hook: each scenario waits that long first) makes
# a shard of the built-in suite last about 4 s, so scancel finds it running
out=$tmp/b
mkdir -p "$out"
# shellcheck disable=SC2016 # as above
arr=$(sbatch --parsable --chdir="$out" --array=3-5 -o 'shard-%a.log' \
	--export=ALL,KDH_TEST_PAUSE=400ms \
	--wrap 'exec kdh run --shard auto --seed 42 --results shard-$SLURM_ARRAY_TASK_ID')
mrg=$(sbatch --parsable --chdir="$out" --dependency=afterany:"$arr" -o merge.log \
	--wrap 'exec kdh report merge shard-*/run-* --out merged')
done_cells() { find "$out"/shard-4/run-*/ -name result.json 2>/dev/null | wc -l; }
for _ in $(seq 1200); do
	[ "$(done_cells)" -ge 2 ] && break
	sleep 0.05
done
[ "$(done_cells)" -ge 2 ] || fail "task 4 finished no scenario in 60 s: $(cat "$out/shard-4.log" 2>&1)"
scancel "${arr}_4"
wait_job "$mrg"
sum4=$(echo "$out"/shard-4/run-*/summary.json)
[ -f "$sum4" ] || fail "the cancelled shard wrote no summary.json: $(tail -n3 "$out/shard-4.log")"
grep -q '"interrupted" *: *true' "$sum4" ||
	fail "task 4 ended before scancel reached it ($(done_cells) scenarios): raise KDH_TEST_PAUSE"
grep -q '"signal" *: *"SIGTERM"' "$sum4" || fail "the cancelled shard's signal is not SIGTERM: $(grep signal "$sum4")"
tail -n1 "$out/shard-4.log"
kept=$(find "$out"/shard-4/run-*/ -name result.json -exec grep -l '"verdict" *: *"pass"' {} + | wc -l)
[ "$kept" -ge 2 ] || fail "the cancelled shard kept $kept passed scenarios, not 2 or more"
grep -i 'interrupted' "$out/merge.log" ||
	fail "the merge does not say shard 2/3 was interrupted: $(cat "$out/merge.log")"
[ "$(exit_of "$mrg")" = 1:0 ] ||
	fail "the merge of an interrupted shard exited $(exit_of "$mrg"), not 1: $(cat "$out/merge.log")"
for t in 3 5; do
	grep -q '"interrupted" *: *false' "$out"/shard-$t/run-*/summary.json ||
		fail "task $t, not cancelled, did not finish: $(tail -n3 "$out/shard-$t.log")"
done

# Stop the cluster: no process of it left (munged's and the Slurm
# daemons' command lines name $tmp)
"$src/scripts/slurm-local.sh" stop "$cluster" || fail "slurm-local.sh stop failed"
left=$(pgrep -af -- "$tmp" || true)
[ -z "$left" ] || fail "still running after stop: $left"
# and no job's process (kdh's command lines say shard-N, not $tmp): none
# has its working directory or a file under $tmp
left=$(find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 -lname "$tmp/*" 2>/dev/null |
	cut -d/ -f3 | sort -u | grep -vx -e $$ -e "$BASHPID" || true)
[ -z "$left" ] || fail "processes still use $tmp after stop: $(ps -o pid,args -p "${left//$'\n'/,}")"
echo "slurm: stopped, nothing left running"
