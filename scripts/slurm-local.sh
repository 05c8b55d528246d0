#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# slurm-local.sh - a one-machine Slurm cluster in a directory, for tests
#
# usage: scripts/slurm-local.sh start DIR    configure and start, wait idle
#        scripts/slurm-local.sh stop DIR     stop what start started
#        scripts/slurm-local.sh env DIR      print the export line clients need
#
# start writes DIR/slurm.conf (cluster kdh, one node "localhost" with this
# machine's CPUs, one partition, no accounting database, no cgroups:
# proctrack/linuxproc), makes munge's key, socket, log and pid file under
# DIR/munge, starts munged, slurmctld and slurmd (their state, spool, logs
# and pid files all under DIR) and waits until sinfo shows the node idle.
# Nothing outside DIR is written; the daemons listen on two free TCP ports
# of localhost chosen at start, so several clusters (or a system one) do
# not collide.  Clients need SLURM_CONF=DIR/slurm.conf (`env` prints it).
#
# stop cancels every job (10 s for them to end), sends SIGTERM to every
# daemon whose pid file DIR holds (slurmd and slurmctld, then munged),
# waits up to 10 s each, then SIGKILL; then kills any slurmstepd still
# holding a file under DIR (a job step outlives slurmd by design); exit 1, naming them, if any process still has a file
# or its working directory under DIR.  Debian 12: apt-get install slurmctld
# slurmd slurm-client munge (scripts/bootstrap.sh --with-slurm).
set -euo pipefail

die() { echo "slurm-local: $*" >&2; exit 2; }

# free_port: a TCP port of localhost nobody listens on
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	die "no free TCP port found between 20000 and 40000"
}

write_conf() {	# write_conf DIR
	local d=$1 cpus
	cpus=$(nproc)
	cat >"$d/slurm.conf" <<EOF
# slurm.conf written by scripts/slurm-local.sh: one node, this machine
ClusterName=kdh
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=kdh Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {	# start_munge DIR
	local m=$1/munge
	mkdir -p "$m"
	chmod 700 "$m"
	dd if=/dev/urandom of="$m/munge.key" bs=1024 count=1 status=none
	chmod 400 "$m/munge.key"
	munged --force --socket="$m/munge.socket" --key-file="$m/munge.key" \
		--pid-file="$m/munged.pid" --log-file="$m/munged.log" \
		--seed-file="$m/munged.seed" ||
		die "munged did not start (log: $m/munged.log)"
}

wait_idle() {	# wait_idle DIR: until sinfo says idle, 60 s at most
	local state
	for _ in $(seq 120); do
		state=$(SLURM_CONF=$1/slurm.conf sinfo -h -n localhost -o %T 2>/dev/null || true)
		[ "$state" = idle ] && return 0
		sleep 0.5
	done
	die "the node is not idle after 60 s (sinfo: '${state:-no answer}'; logs in $1/log)"
}

start() {	# start DIR
	local d
	for b in munged slurmctld slurmd sinfo sbatch; do
		command -v "$b" >/dev/null ||
			die "$b is missing: apt-get install slurmctld slurmd slurm-client munge"
	done
	mkdir -p "$1"
	d=$(cd "$1" && pwd)
	[ -e "$d/slurm.conf" ] && die "$d already holds a cluster (stop it first, or use an empty directory)"
	mkdir -p "$d/state" "$d/spool" "$d/run" "$d/log"
	write_conf "$d"
	start_munge "$d"
	slurmctld -f "$d/slurm.conf" -i ||
		die "slurmctld did not start (log: $d/log/slurmctld.log)"
	slurmd -f "$d/slurm.conf" -N localhost ||
		die "slurmd did not start (log: $d/log/slurmd.log)"
	wait_idle "$d"
	echo "slurm-local: cluster kdh up in $d (export SLURM_CONF=$d/slurm.conf)"
}

stop_one() {	# stop_one PIDFILE NAME: 0 when its process is gone
	local f=$1 pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	[ -n "$pid" ] || return 0
	# a stale pid file's number may be another program's by now
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
	! kill -0 "$pid" 2>/dev/null
}

# holders DIR: pids (not this shell's) with a file or working directory
# under DIR: job steps (slurmstepd, whose spool sockets are there) outlive
# slurmd by design; a job's own processes are scancel's to end
holders() {
	find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 -lname "$1/*" \
		2>/dev/null | cut -d/ -f3 | sort -un | grep -vx -e $$ -e "$BASHPID" || true
}

cancel_jobs() {	# cancel_jobs DIR: every job of the cluster, 10 s to end
	local conf=$1/slurm.conf
	[ -f "$1/run/slurmctld.pid" ] && kill -0 "$(cat "$1/run/slurmctld.pid")" 2>/dev/null || return 0
	SLURM_CONF=$conf scancel -p kdh 2>/dev/null || true
	for _ in $(seq 50); do
		[ -z "$(SLURM_CONF=$conf squeue -h -o %i 2>/dev/null)" ] && return 0
		sleep 0.2
	done
}

stop() {	# stop DIR
	local d rc=0 left
	[ -d "$1" ] || die "$1: no such directory"
	d=$(cd "$1" && pwd)
	cancel_jobs "$d"
	# the two Slurm daemons at once (each takes seconds), munge after them
	stop_one "$d/run/slurmd.pid" slurmd & stop_one "$d/run/slurmctld.pid" slurmctld & wait
	stop_one "$d/munge/munged.pid" munged
	for f in "$d/run/slurmd.pid" "$d/run/slurmctld.pid" "$d/munge/munged.pid"; do
		[ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null &&
			{ echo "slurm-local: pid $(cat "$f") ($f) survives SIGKILL" >&2; rc=1; }
	done
	# only slurmstepd is killed here: a shell whose working directory is
	# under DIR is the user's, and is named instead
	for p in $(holders "$d"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = slurmstepd ] &&
			{ kill -KILL "$p" 2>/dev/null || true; }
	done
	sleep 0.2
	left=$(holders "$d")
	[ -z "$left" ] || { echo "slurm-local: still using $d: $(ps -o pid=,args= -p "${left//$'\n'/,}")" >&2; rc=1; }
	return $rc
}

case "${1:-}:${2:-}" in
start:?*) start "$2" ;;
stop:?*) stop "$2" ;;
env:?*) echo "export SLURM_CONF=$(cd "$2" && pwd)/slurm.conf" ;;
*) echo "usage: $0 start|stop|env DIR" >&2; exit 2 ;;
esac
