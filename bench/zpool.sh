#!/bin/bash
# zpool agent against resource-agents' heartbeat/ZFS, side by side in one
# run, on the same zfs-fuse pool (a mirror of two file vdevs) in one lab
# head: monitor, start and stop; wall time, CPU (the agent and everything it
# ran, plus the zfs-fuse daemon's share) and processes forked per call. The
# floor is the bare zpool command each action cannot do without:
# `zpool list -H -o health POOL` for monitor, `zpool import` and
# `zpool export` for start and stop.
#
#   bench/zpool.sh [MONITOR_CALLS] [START_STOP_CYCLES]   (as root; 300 and 40)
#
# Every measured command runs with the soft RLIMIT_NOFILE at $NOFILE
# (default 1024: what systemd gives pacemaker.service, so what agents get
# under Pacemaker). lib/exec.c closes every descriptor up to that limit in
# each child it starts: at the lab's inherited 20000 that alone costs
# about 4 ms per tool call (NOFILE=20000 bench/zpool.sh shows it).
#
# Monitor calls run in alternating blocks (ours, heartbeat/ZFS, floor, ...)
# so that machine noise falls on all alike; start/stop cycles alternate the
# same way, one call per measurement. Every call is spawned by
# bench/runloop (no shell in the measurement). Nothing is asserted: the
# numbers go to docs/zpool.md.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
LAB="$TH_SRCDIR/lab/twinhead-lab -n zbench"
CALLS=${1:-300}
CYCLES=${2:-40}
BLOCKS=6
RA=/usr/lib/ocf/resource.d/heartbeat/ZFS
OURS=/usr/lib/ocf/resource.d/twinhead/zpool
RUNLOOP=$TH_BUILDDIR/bench/runloop
NOFILE=${NOFILE:-1024}

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
[[ -x $RA ]] || { echo "$RA missing: apt-get install resource-agents" >&2; exit 1; }
command -v zfs-fuse >/dev/null || { echo "zfs-fuse missing: apt-get install zfs-fuse" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace missing: apt-get install strace" >&2; exit 1; }
[[ -x $RUNLOOP ]] || { echo "$RUNLOOP missing: run make" >&2; exit 1; }

trap '$LAB down >/dev/null 2>&1 || true' EXIT
$LAB up a >/dev/null
SHARED=$($LAB state-dir)/shared
DISKS=$SHARED/disks
mkdir -p "$DISKS"
in_a() { $LAB exec a -- "$@"; }
in_a zfs-fuse --no-kstat-mount --pidfile /run/zfs-fuse.pid
for _ in $(seq 100); do in_a zpool list >/dev/null 2>&1 && break; sleep 0.05; done
truncate -s 128M "$DISKS/d0" "$DISKS/d1"
in_a zpool create -o cachefile=none -m "$SHARED/mnt/tank" tank mirror "$DISKS/d0" "$DISKS/d1" 2>/dev/null
in_a zfs create tank/data
in_a zpool export tank
DAEMON=$(in_a cat /run/zfs-fuse.pid)

BASE=(PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank
      OCF_RESKEY_pool=tank OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=30000)

# cmd CASE ACTION: the environment in ENVV, the command line in CMD. Both
# agents import without -f (the pool is always exported cleanly here). The
# environment is set once around bench/runloop, which passes it on: no
# env(1) exec in the measurement.
cmd() {
	ENVV=("${BASE[@]}")
	case $1 in
	ours)
		ENVV+=("OCF_RESKEY_search_dirs=$DISKS")
		CMD=($OURS "$2")
		;;
	ra)
		ENVV+=("OCF_RESKEY_importargs=-d $DISKS" OCF_RESKEY_importforce=false)
		CMD=($RA "$2")
		;;
	floor)
		case $2 in
		monitor) CMD=(/usr/sbin/zpool list -H -o health tank) ;;
		start) CMD=(/usr/sbin/zpool import -d "$DISKS" -o cachefile=none tank) ;;
		stop) CMD=(/usr/sbin/zpool export tank) ;;
		esac
		;;
	esac
}

# in_a_env CMD...: CMD in head a with ENVV as its whole environment and the
# soft descriptor limit at NOFILE.
in_a_env() {
	in_a /usr/bin/env -i "${ENVV[@]}" prlimit --nofile="$NOFILE": "$@"
}

daemon_ticks() {
	in_a awk '{print $14 + $15}' "/proc/$DAEMON/stat"
}

# measure CASE ACTION N: N calls; adds wall and CPU microseconds (CPU: the
# calls' own, from runloop, and the daemon's ticks) to the totals.
declare -A wall cpu dcpu n
measure() {
	local key=$1/$2 w c t0 t1
	cmd "$1" "$2"
	t0=$(daemon_ticks)
	read -r w c < <(in_a_env "$RUNLOOP" "$3" "${CMD[@]}")
	t1=$(daemon_ticks)
	wall[$key]=$(awk -v a="${wall[$key]:-0}" -v b="$w" -v k="$3" 'BEGIN{print a + b * k}')
	cpu[$key]=$(awk -v a="${cpu[$key]:-0}" -v b="$c" -v k="$3" 'BEGIN{print a + b * k}')
	dcpu[$key]=$((${dcpu[$key]:-0} + t1 - t0))
	n[$key]=$((${n[$key]:-0} + $3))
}

# --- monitor ---------------------------------------------------------------------------
cmd ours start
in_a_env "${CMD[@]}" 2>/dev/null
for c in ours ra; do
	rc=0
	cmd $c monitor
	in_a_env "${CMD[@]}" || rc=$?
	[[ $rc == 0 ]] || { echo "$c monitor did not report running ($rc)" >&2; exit 1; }
done
per_block=$((CALLS / BLOCKS))
for ((b = 0; b < BLOCKS; b++)); do
	for c in ours ra floor; do
		measure $c monitor "$per_block"
	done
done

# --- start and stop ----------------------------------------------------------------------
cmd ours stop
in_a_env "${CMD[@]}" 2>/dev/null
for ((i = 0; i < CYCLES; i++)); do
	for c in ours ra floor; do
		measure $c start 1
		measure $c stop 1
	done
done
[[ -z $(in_a zpool list -H -o name) ]] || { echo "the pool is still imported" >&2; exit 1; }

# --- processes forked per call (strace -f) --------------------------------------------------
declare -A forks
count_forks() {
	local log
	log=$(mktemp -p "$SHARED")
	cmd "$1" "$2"
	in_a_env strace -f -qq -e trace=clone,clone3,fork,vfork -o "$log" "${CMD[@]}" \
		>/dev/null 2>&1 ||
		true
	forks[$1/$2]=$(grep -cE '(clone|clone3|fork|vfork)\(' "$log" || true)
	rm -f "$log"
}
for c in ours ra floor; do
	count_forks $c start
	count_forks $c monitor
	count_forks $c stop
done

# --- the table ------------------------------------------------------------------------------
tick_us=$((1000000 / $(getconf CLK_TCK)))
name() {
	case $1 in
	ours) echo "ocf:twinhead:zpool" ;;
	ra) echo "ocf:heartbeat:ZFS" ;;
	floor) echo "bare zpool (floor)" ;;
	esac
}
ms() { awk -v t="$1" -v n="$2" 'BEGIN{printf "%.2f", t / n / 1000}'; }
printf '%-8s %-20s %10s %10s %13s %14s %6s\n' action agent "wall ms" "cpu ms" "+daemon cpu" \
	"total cpu ms" forks
for a in monitor start stop; do
	for c in ours ra floor; do
		k=$c/$a
		printf '%-8s %-20s %10s %10s %13s %14s %6s\n' "$a" "$(name $c)" \
			"$(ms "${wall[$k]}" "${n[$k]}")" "$(ms "${cpu[$k]}" "${n[$k]}")" \
			"$(ms $((dcpu[$k] * tick_us)) "${n[$k]}")" \
			"$(awk -v c="${cpu[$k]}" -v d=$((dcpu[$k] * tick_us)) -v n="${n[$k]}" \
				'BEGIN{printf "%.2f", (c + d) / n / 1000}')" "${forks[$k]}"
	done
done
ratio() { awk -v a="${wall[$1]}" -v b="${wall[$2]}" -v na="${n[$1]}" -v nb="${n[$2]}" \
	'BEGIN{printf "%.2f", (a / na) / (b / nb)}'; }
echo
echo "monitor wall time vs the bare zpool list: zpool agent $(ratio ours/monitor floor/monitor)x," \
	"heartbeat/ZFS $(ratio ra/monitor floor/monitor)x"
echo "start wall time: zpool agent $(ratio ours/start floor/start)x the bare import," \
	"heartbeat/ZFS $(ratio ra/start floor/start)x"
echo "stop wall time: zpool agent $(ratio ours/stop floor/stop)x the bare export," \
	"heartbeat/ZFS $(ratio ra/stop floor/stop)x"
echo "(monitor: $CALLS calls each in $BLOCKS alternating blocks; start/stop: $CYCLES cycles each;" \
	"soft NOFILE $NOFILE;" \
	"$(nproc) cores, $(uname -r), zfs-fuse $(dpkg-query -W -f='${Version}' zfs-fuse 2>/dev/null || echo ?))"
