#!/bin/bash
# iscsitarget against resource-agents' iSCSITarget + iSCSILogicalUnit
# (implementation=tgt), side by side in one run, in one lab head with one
# tgtd, on the same backing files:
#
#   start and stop with 1, 16 and 256 LUNs (resource-agents: one target
#   resource and one logical-unit resource per LUN, as a cluster runs them);
#   monitor with 256 LUNs (resource-agents: 257 monitors per interval),
#   against one `tgtadm --op show --mode target` and /bin/true;
#   wall time, CPU of all processes involved, processes forked.
#
#   bench/iscsitarget.sh [ROUNDS]        (as root; default 3 rounds)
#
# Every measurement alternates between the two agents so machine noise falls
# on both; medians are reported. Targets from the issue: monitor with 256
# LUNs at most 1.2 x one tgtadm show; start with 256 LUNs at most 2 s.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
LAB="$TH_SRCDIR/lab/twinhead-lab -n ibench"
ROUNDS=${1:-3}
MON_CALLS=400
RA=/usr/lib/ocf/resource.d/heartbeat
TH=/usr/lib/ocf/resource.d/twinhead/iscsitarget
RUNLOOP=$TH_BUILDDIR/bench/runloop
IQN=iqn.2024-01.org.twinhead:bench
RAIQN=iqn.2024-01.org.twinhead:bench-ra

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
for f in $RA/iSCSITarget $RA/iSCSILogicalUnit; do
	[[ -x $f ]] || { echo "$f missing: apt-get install resource-agents" >&2; exit 1; }
done
command -v tgtd >/dev/null || { echo "tgtd missing: apt-get install tgt" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace missing: apt-get install strace" >&2; exit 1; }
[[ -x $RUNLOOP ]] || { echo "$RUNLOOP missing: run make" >&2; exit 1; }

trap '$LAB down >/dev/null 2>&1 || true' EXIT
$LAB up a >/dev/null
STATE=$($LAB state-dir)
WORK=$STATE/shared/bench
mkdir -p "$WORK"
$LAB spawn a tgtd -- tgtd -f
for _ in $(seq 100); do $LAB exec a tgtadm --op show --mode system >/dev/null 2>&1 && break; sleep 0.02; done
for i in $(seq 1 256); do truncate -s 1M "$WORK/l$i"; done

# The agents' environment is set once, by env(1) around the measuring
# loop: env's own start (about 1 ms with its locale set-up) stays out of
# the numbers.
BASE=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf CRM_meta_timeout=120000
      OCF_RESKEY_CRM_meta_timeout=120000)
# th_env N: the environment of iscsitarget with N LUNs.
th_env() {
	local luns="" i
	# Commas, not blanks: the value travels as one word.
	for ((i = 1; i <= $1; i++)); do luns+="$i:$WORK/l$i,"; done
	echo OCF_RESOURCE_INSTANCE=th "OCF_RESKEY_iqn=$IQN" "OCF_RESKEY_luns=$luns" \
		OCF_RESKEY_allowed_initiators=ALL OCF_RESKEY_tid=1 OCF_RESKEY_CRM_meta_interval=10000
}

# ra_script N ACTION: a bash script running what a cluster runs for
# resource-agents' target and N logical units (start: target first; stop:
# units first; monitor: all).
ra_script() {
	local n=$1 action=$2 f=$WORK/ra-$1-$2.sh i
	{
		echo 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf'
		echo "export OCF_RESKEY_implementation=tgt OCF_RESKEY_CRM_meta_timeout=120000"
		t="OCF_RESOURCE_INSTANCE=ratgt OCF_RESKEY_iqn=$RAIQN OCF_RESKEY_tid=2 OCF_RESKEY_allowed_initiators=ALL $RA/iSCSITarget $action >/dev/null 2>&1 || exit 1"
		[[ $action != stop ]] && echo "$t"
		for ((i = 1; i <= n; i++)); do
			echo "OCF_RESOURCE_INSTANCE=lu$i OCF_RESKEY_target_iqn=$RAIQN OCF_RESKEY_lun=$i OCF_RESKEY_path=$WORK/l$i $RA/iSCSILogicalUnit $action >/dev/null 2>&1 || exit 1"
		done
		[[ $action == stop ]] && echo "$t"
	} >"$f"
	echo "$f"
}

# measure CMD...: "wall_us cpu_us" of one run of CMD in head a (runloop:
# no shell in the measurement; CPU of CMD and every process it started).
measure() {
	local out
	out=$($LAB exec a "$RUNLOOP" 1 "$@") || { echo "failed: $*" >&2; exit 1; }
	echo "$out"
}
# measure_th ENV... -- ARGS...: one iscsitarget call, environment set
# outside the measurement.
measure_th() {
	local env=() out
	while [[ $1 != -- ]]; do env+=("$1"); shift; done
	shift
	out=$($LAB exec a "${BASE[@]}" "${env[@]}" "$RUNLOOP" 1 $TH "$@") ||
		{ echo "failed: iscsitarget $*" >&2; exit 1; }
	echo "$out"
}
# forks CMD...: processes created while CMD runs.
forks() {
	local log=$WORK/strace.log n
	$LAB exec a strace -f -qq -e trace=clone,clone3,fork,vfork -o "$log" "$@" >/dev/null 2>&1 || true
	n=$(grep -cE '(clone|clone3|fork|vfork)\(' "$log" || true)
	rm -f "$log"
	echo "$n"
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

declare -A W C F
for n in ${SIZES:-1 16 256}; do
	read -ra TE <<<"$(th_env $n)"
	ra_start=$(ra_script $n start)
	ra_stop=$(ra_script $n stop)
	for ((r = 0; r < ROUNDS; r++)); do
		read -r w c < <(measure_th "${TE[@]}" -- start)
		W[th start $n]+="$w "; C[th start $n]+="$c "
		read -r w c < <(measure_th "${TE[@]}" -- stop)
		W[th stop $n]+="$w "; C[th stop $n]+="$c "
		read -r w c < <(measure /bin/bash "$ra_start")
		W[ra start $n]+="$w "; C[ra start $n]+="$c "
		read -r w c < <(measure /bin/bash "$ra_stop")
		W[ra stop $n]+="$w "; C[ra stop $n]+="$c "
	done
	F[th start $n]=$(forks "${BASE[@]}" "${TE[@]}" $TH start)
	F[th stop $n]=$(forks "${BASE[@]}" "${TE[@]}" $TH stop)
	F[ra start $n]=$(forks /bin/bash "$ra_start")
	F[ra stop $n]=$(forks /bin/bash "$ra_stop")
	[[ -z $($LAB exec a tgtadm --op show --mode target) ]] ||
		{ echo "targets left after the $n-LUN round" >&2; exit 1; }
done

# Monitor with 256 LUNs: each stack alone in tgtd (the listing both read
# then holds one target of 256 LUNs); tgtadm show and /bin/true measured
# against the same listing, interleaved with iscsitarget's monitor.
read -ra TE <<<"$(th_env 256)"
$LAB exec a "${BASE[@]}" "${TE[@]}" $TH start >/dev/null 2>&1 ||
	{ echo "iscsitarget start with 256 LUNs failed" >&2; exit 1; }
$LAB exec a "${BASE[@]}" "${TE[@]}" $TH monitor ||
	{ echo "iscsitarget monitor did not report running" >&2; exit 1; }
per_call() { # N CMD... -> "wall cpu", the mean of N calls
	local n=$1
	shift
	$LAB exec a "$RUNLOOP" "$n" "$@"
}
mon_th=() mon_show=() mon_true=()
for ((r = 0; r < 10; r++)); do
	mapfile -t -O "${#mon_th[@]}" mon_th < <($LAB exec a "${BASE[@]}" "${TE[@]}" "$RUNLOOP" $((MON_CALLS / 10)) $TH monitor)
	mapfile -t -O "${#mon_show[@]}" mon_show < <(per_call $((MON_CALLS / 10)) /usr/sbin/tgtadm --op show --mode target)
	mapfile -t -O "${#mon_true[@]}" mon_true < <(per_call $((MON_CALLS / 10)) /bin/true)
done
F[th monitor 256]=$(forks "${BASE[@]}" "${TE[@]}" $TH monitor)
F[show monitor 256]=$(forks /usr/sbin/tgtadm --op show --mode target)
F[true monitor 256]=0
$LAB exec a "${BASE[@]}" "${TE[@]}" $TH stop >/dev/null 2>&1

$LAB exec a /bin/bash "$(ra_script 256 start)" ||
	{ echo "resource-agents start with 256 LUNs failed" >&2; exit 1; }
ra_mon=$(ra_script 256 monitor)
$LAB exec a /bin/bash "$ra_mon" || { echo "resource-agents monitor failed" >&2; exit 1; }
for ((r = 0; r < ROUNDS; r++)); do
	read -r w c < <(measure /bin/bash "$ra_mon")
	W[ra monitor 256]+="$w "; C[ra monitor 256]+="$c "
done
F[ra monitor 256]=$(forks /bin/bash "$ra_mon")
$LAB exec a /bin/bash "$(ra_script 256 stop)"

col() { printf '%s\n' "${@:2}" | awk -v k="$1" '{print $k}'; }
W[th monitor 256]=$(col 1 "${mon_th[@]}" | tr '\n' ' ')
C[th monitor 256]=$(col 2 "${mon_th[@]}" | tr '\n' ' ')
W[show monitor 256]=$(col 1 "${mon_show[@]}" | tr '\n' ' ')
C[show monitor 256]=$(col 2 "${mon_show[@]}" | tr '\n' ' ')
W[true monitor 256]=$(col 1 "${mon_true[@]}" | tr '\n' ' ')
C[true monitor 256]=$(col 2 "${mon_true[@]}" | tr '\n' ' ')

ms() { tr ' ' '\n' <<<"$1" | grep . | median | awk '{printf "%.2f", $1 / 1000}'; }
printf '%-8s %5s | %12s %10s %6s | %12s %10s %6s | %9s %8s\n' action LUNs \
	"twinhead ms" "cpu ms" forks "res-agents ms" "cpu ms" forks "wall x" "cpu x"
for key in "start 1" "start 16" "start 256" "stop 1" "stop 16" "stop 256" "monitor 256"; do
	[[ -n ${W[th $key]:-} ]] || continue
	tw=$(ms "${W[th $key]}") tc=$(ms "${C[th $key]}")
	rw=$(ms "${W[ra $key]}") rc=$(ms "${C[ra $key]}")
	printf '%-8s %5s | %12s %10s %6s | %12s %10s %6s | %9.1f %8.1f\n' $key "$tw" "$tc" \
		"${F[th $key]}" "$rw" "$rc" "${F[ra $key]}" \
		"$(awk -v a="$rw" -v b="$tw" 'BEGIN{print a / b}')" \
		"$(awk -v a="$rc" -v b="$tc" 'BEGIN{print (b > 0 ? a / b : 0)}')"
done
tw=$(ms "${W[th monitor 256]}") sw=$(ms "${W[show monitor 256]}") fw=$(ms "${W[true monitor 256]}")
tc=$(ms "${C[th monitor 256]}") sc=$(ms "${C[show monitor 256]}")
echo
printf 'one tgtadm --op show (256 LUNs): %s ms wall, %s ms cpu, %s forks; /bin/true: %s ms\n' \
	"$sw" "$sc" "${F[show monitor 256]}" "$fw"
printf 'monitor / tgtadm show: %.2f wall, %.2f cpu (target: at most 1.2)\n' \
	"$(awk -v a="$tw" -v b="$sw" 'BEGIN{print a / b}')" "$(awk -v a="$tc" -v b="$sc" 'BEGIN{print a / b}')"
[[ -n ${W[th start 256]:-} ]] && printf 'start with 256 LUNs: %s s (target: at most 2 s)\n' \
	"$(awk -v a="$(ms "${W[th start 256]}")" 'BEGIN{printf "%.2f", a / 1000}')"
echo "(medians: of $ROUNDS rounds for start, stop and resource-agents' monitor; of 10 interleaved blocks of $((MON_CALLS / 10)) calls for monitor, tgtadm show and /bin/true; $(nproc) cores, $(uname -r), tgt $(tgtadm --version))"
