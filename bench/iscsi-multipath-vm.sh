#!/bin/bash
# What an open-iscsi initiator sees when the serving head loses its power:
# dm-multipath with the ALUA handler over one portal per head, against one
# floating IP and one path, in the same VM-tier guests and with the same
# hand-driven takeover (import -f, target start; plus the IP for the
# floating case). Runs tests/vm/iscsi_multipath.sh in both modes,
# alternately, RUNS times each (each run: 2 rounds, a -> b and b -> a).
# VM_ISCSI_NOOP (NOP-Out interval and timeout, s; default 5, open-iscsi's)
# and VM_MPATH_REPL (multipathd's fast_io_fail_tmo, the paths' recovery
# timeout; default 5, multipath-tools')
# are passed on: the initiator's settings decide most of the pause.
#
#   bench/iscsi-multipath-vm.sh [-n RUNS]     (as root; default 2)
#
# Per round, milliseconds from the power loss (SIGKILL of the serving
# head's qemu, host clock; guest clocks mapped to it by reading them over
# the control channel, error clock_err_ms at most): import begins and
# ends, target started, IP up (floating only), the session on the new
# head's portal logged in again (relogin, iscsid's log), the dead
# connection detected (conn_err) and its replacement timeout (repl_timeout;
# client kernel log), first write acknowledged
# after the pause (ack); gap: the longest pause between two acknowledged
# writes (client clock only); after_up: first write after the service was
# up (the target; with the floating IP, the IP). Then the median and worst of each, per mode. Numbers:
# docs/failover.md ("dm-multipath against the floating IP").
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bm
RUNS=2
while getopts n: o; do
	case $o in
	n) RUNS=$OPTARG ;;
	*) echo "usage: ${0##*/} [-n RUNS]" >&2; exit 2 ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "${0##*/}: -n takes a number of runs (1 or more)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
OUT=${TMPDIR:-/tmp}/iscsi-multipath-vm.$$
trap 'rm -f "$OUT"' EXIT
: >"$OUT"
for ((r = 1; r <= RUNS; r++)); do
	for mode in mpath vip; do
		VM_MPATH_MODE=$mode VM_RESULTS=$OUT "$TH_SRCDIR/tests/vm/iscsi_multipath.sh" |
			grep -E '^not ok|^# *round [0-9]+:' || true
	done
done
cat "$OUT"
awk '
	$1 == "mpath" {
		mode = $2 " " $3 " " $4
		modes[mode] = 1
		for (i = 5; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] ~ /_ms$/ && kv[2] ~ /^-?[0-9]+$/) v[mode, kv[1], ++c[mode, kv[1]]] = kv[2]
		}
	}
	function stat(mode, k,   i, j, t, m, x) {
		m = c[mode, k]
		if (!m) return
		for (i = 1; i <= m; i++) x[i] = v[mode, k, i]
		for (i = 2; i <= m; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
		printf "%-34s %-16s %8.2f %8.2f %4d\n", mode, k, (m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2) / 1000, x[m] / 1000, m
	}
	END {
		printf "%-34s %-16s %8s %8s %4s\n", "initiator", "s after power loss", "median", "worst", "n"
		split("import_begin_ms import_ms target_ms ip_ms relogin_ms conn_err_ms repl_timeout_ms ack_ms gap_ms after_up_ms clock_err_ms", ks, " ")
		for (mode in modes) for (i = 1; i <= 11; i++) stat(mode, ks[i])
	}' "$OUT"
