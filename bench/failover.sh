#!/bin/bash
# bench/failover.sh: failover and planned switchover times of the whole
# appliance in the lab, twinhead against today's way, side by side in one
# run, on the same lab, pool, LUN, BMCs and client.
#
#   twinhead:  examples/active-passive (ocf:twinhead agents,
#              twinhead-quorumd as the quorum device)
#   baseline:  bench/baseline (resource-agents' ZFS, iSCSITarget,
#              iSCSILogicalUnit, IPaddr2; two_node; a 5 s fence delay on
#              the preferred head, the usual cure for the fence race)
#
# Both use corosync token 1000; twinhead fences with fence_twinhead (which
# reuses twinhead-quorumd's confirmation), the baseline with fence_ipmilan. Each failover round powers
# off the head serving the pool through its BMC while the client writes
# (lab/drill); the time is from the power loss to the first write the
# client sees acknowledged through the other head. A switchover round is
# `crm resource move`; its time is the client's pause between acknowledged
# writes, and the time from the command to the first write on the new head.
#
#   bench/failover.sh [-n ROUNDS] [-s SWITCHOVERS] [-o DIR] [--plot FILE.png]
#                     [--report-only]   (table and plot from DIR's results)
#
# Prints a table and the medians, worst cases and ratios; DIR (default
# /tmp/twinhead-bench-failover) keeps the raw results and the drills'
# output. Needs root, a built tree (make check builds tests/tools), and
# gnuplot for the plot. About 15 s per round.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
ROUNDS=20 SWITCHOVERS=5 OUT=/tmp/twinhead-bench-failover PLOT= REPORT_ONLY=0
while (($# > 0)); do
	case $1 in
	-n) ROUNDS=$2; shift 2 ;;
	-s) SWITCHOVERS=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	--plot) PLOT=$2; shift 2 ;;
	--report-only) REPORT_ONLY=1; shift ;;
	*) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $SWITCHOVERS =~ ^[0-9]+$ ]] || { echo "bad -n/-s" >&2; exit 2; }
mkdir -p "$OUT"
RES=$OUT/results.txt
((REPORT_ONLY)) || : >"$RES"

run() { # run LABEL ARGS...: one drill series, output kept
	local label=$1
	shift
	echo "== $label: lab/drill $*" >&2
	"$SRC/lab/drill" -n "bench${TWINHEAD_LAB_SUFFIX:-}" --results "$RES" "$@" >"$OUT/$label.out" 2>&1 || {
		echo "failover.sh: $label failed; see $OUT/$label.out" >&2
		tail -20 "$OUT/$label.out" >&2
		exit 1
	}
	sed -n '/== summary ==/,/^PASS/p' "$OUT/$label.out" >&2
}

if ((!REPORT_ONLY)); then
	run twinhead-failover --repeat "$ROUNDS"
	run baseline-failover --example "$SRC/bench/baseline" --repeat "$ROUNDS"
	if ((SWITCHOVERS > 0)); then
		run twinhead-switchover --switchover --repeat "$SWITCHOVERS"
		run baseline-switchover --example "$SRC/bench/baseline" --switchover --repeat "$SWITCHOVERS"
	fi
fi

# Results: EXAMPLE ROUND MODE FROM TO LOST QUORATE FENCED POOL TARGET IP WRITE PAUSE
stats() { # stats EXAMPLE MODE COLUMN: n median worst (ms)
	awk -v e="$1" -v m="$2" -v c="$3" '$1 == e && $3 == m && $c != "-" { print $c }' "$RES" |
		sort -n | awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "0 - -"; exit }
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %d %d\n", NR, med, v[NR] }'
}
echo
echo "failover: power loss -> first acknowledged client write through the other head (ms)"
printf '  %-10s %6s %8s %8s\n' config rounds median worst
for e in active-passive baseline; do
	read -r n med worst < <(stats "$e" failover 12)
	printf '  %-10s %6s %8s %8s\n' "${e/active-passive/twinhead}" "$n" "$med" "$worst"
	eval "F_$([[ $e == baseline ]] && echo B || echo T)=$med"
done
# The baseline's rounds that lost the head without the fence delay.
read -r n med worst < <(awk '$1 == "baseline" && $3 == "failover" && $4 == "headb" { print }' "$RES" |
	awk '{ print $12 }' | sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "0 - -"; exit }
		printf "%d %d %d\n", NR, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }')
printf '  %-10s %6s %8s %8s   (baseline rounds where headb, without the delay, died)\n' "  no delay" "$n" "$med" "$worst"
awk -v t="$F_T" -v b="$F_B" 'BEGIN { if (t > 0) printf "  median ratio baseline/twinhead: %.2f\n", b / t }'
awk -v t="$F_T" -v b="$F_B" 'BEGIN { if (b > 0) printf "  median ratio twinhead/baseline: %.2f (target <= 0.5)\n", t / b }'
# Pacemaker's fence step: the new membership without the dead head ->
# Pacemaker's fence confirmed (FENCED - LOST).
echo
echo "Pacemaker's fence step: membership lost -> fence confirmed to Pacemaker (ms)"
printf '  %-10s %6s %8s %8s\n' config rounds median worst
for e in active-passive baseline; do
	read -r n med worst < <(awk -v e="$e" '$1 == e && $3 == "failover" && $6 != "-" && $8 != "-" { print $8 - $6 }' "$RES" |
		sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "0 - -"; exit }
			printf "%d %d %d\n", NR, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }')
	printf '  %-10s %6s %8s %8s\n' "${e/active-passive/twinhead}" "$n" "$med" "$worst"
done
if ((SWITCHOVERS > 0)); then
	echo
	echo "planned switchover (crm resource move): client pause | command -> first write (ms)"
	printf '  %-10s %6s %12s %12s %12s\n' config rounds "pause med" "pause worst" "cmd->write med"
	for e in active-passive baseline; do
		read -r n pmed pworst < <(stats "$e" switchover 13)
		read -r _ wmed _ < <(stats "$e" switchover 12)
		printf '  %-10s %6s %12s %12s %12s\n' "${e/active-passive/twinhead}" "$n" "$pmed" "$pworst" "$wmed"
	done
fi
echo
echo "raw results: $RES"

if [[ -n $PLOT ]]; then
	command -v gnuplot >/dev/null || { echo "gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }
	# One horizontal bar per failover round, split into phases.
	awk -v off=$((ROUNDS + 3)) '$3 == "failover" {
		y = ($1 == "baseline" ? off : 0) + $2
		lost = $6; fen = $8; pool = $9; ip = $11; w = $12
		if (fen == "-") fen = lost; if (pool == "-") pool = fen; if (ip == "-") ip = pool
		printf "%d 0 %s 1\n%d %s %s 2\n%d %s %s 3\n%d %s %s 4\n%d %s %s 5\n",
			y, lost, y, lost, fen, y, fen, pool, y, pool, ip, y, ip, w }' "$RES" >"$OUT/plot.dat"
	gnuplot <<GP
set terminal pngcairo size 1100,650 font "sans,10" noenhanced
set output "$PLOT"
set title "Failover: power loss to the first client write through the other head (lab, token 1000 ms; one bar per drill)"
set xlabel "ms after the power loss"
set ytics ("twinhead" ${ROUNDS}/2, "baseline\n(resource-agents,\ntwo_node,\n5 s fence delay)" ${ROUNDS}+3+${ROUNDS}/2)
set yrange [0:2*${ROUNDS}+4]
set grid x
set key outside bottom center horizontal maxcols 5 width 2
set style line 1 lc rgb "#999999" lw 5
set style line 2 lc rgb "#d62728" lw 5
set style line 3 lc rgb "#1f77b4" lw 5
set style line 4 lc rgb "#2ca02c" lw 5
set style line 5 lc rgb "#ff7f0e" lw 5
plot for [p=1:5] "$OUT/plot.dat" using 2:(\$4==p?\$1:1/0):(\$3-\$2):(0) with vectors nohead ls p \
	title word("membership(token+consensus) quorum+fencing import target+IP client", p)
GP
	echo "plot: $PLOT"
fi
