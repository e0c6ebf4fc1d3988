#!/bin/bash
# The failover drill on the real stack (VM tier, lab/vm): ROUNDS power
# losses of the primary head while the client writes, through
# tests/vm/drill.sh (twinhead-quorumd standalone in watchdog mode on
# softdog, OpenZFS multihost pool, LIO, floating IP; the client is
# tests/tools/iscsi-client's drill, through the kernel's open-iscsi
# initiator or over libiscsi).
#
#   bench/vm-drill.sh [-n ROUNDS] [-c kernel|libiscsi|both] [-m MMP_MS] [-l SEC]
#       as root; defaults: 5 rounds, the kernel's initiator alone (one
#       client: its times are not shared with another), and
#       zfs_multihost_interval 100 ms (-m 1000: OpenZFS's default);
#       -l: the kernel client's node.conn[0].timeo.login_timeout (default
#       open-iscsi's 15 s)
#
# Per round, milliseconds from the power loss (SIGKILL of the primary's
# qemu, host clock; the guests' clocks mapped to it through their consoles):
# takeover (the survivor's quorumd starts its services), import begin and
# end (the zpool agent: the MMP activity check is inside the import),
# target up, IP up (the hooks' ends), the client's login (kernel: its
# session LOGGED_IN again) and first acknowledged write, and the host's
# load average then. Then the median and the worst of each. Nothing is
# asserted here (the test asserts every acknowledged write verified, the
# import after the watchdog bound and the client back); its ok/not ok
# lines are shown. Numbers: docs/failover.md ("Real kernel").
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bd
ROUNDS=5 CLIENTS=kernel MMP=100 LOGIN=15
while getopts n:c:m:l: o; do
	case $o in
	n) ROUNDS=$OPTARG ;;
	c) CLIENTS=$OPTARG ;;
	m) MMP=$OPTARG ;;
	l) LOGIN=$OPTARG ;;
	*) echo "usage: ${0##*/} [-n ROUNDS] [-c kernel|libiscsi|both] [-m MMP_MS] [-l SEC]" >&2; exit 2 ;;
	esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "${0##*/}: -n takes a number of rounds (1 or more)" >&2; exit 2; }
[[ $CLIENTS =~ ^(kernel|libiscsi|both)$ ]] || { echo "${0##*/}: -c takes kernel, libiscsi or both" >&2; exit 2; }
[[ $MMP =~ ^[1-9][0-9]*$ ]] || { echo "${0##*/}: -m takes zfs_multihost_interval in ms" >&2; exit 2; }
[[ $LOGIN =~ ^[1-9][0-9]*$ ]] || { echo "${0##*/}: -l takes open-iscsi's login_timeout in seconds" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
OUT=${TMPDIR:-/tmp}/vm-drill.$$
trap 'rm -f "$OUT"' EXIT
: >"$OUT"
echo "start $(date -u +%FT%TZ): $ROUNDS rounds, clients=$CLIENTS, zfs_multihost_interval=$MMP ms, login_timeout=$LOGIN s, load $(cut -d' ' -f1-3 /proc/loadavg)"
VM_DRILL_ROUNDS=$ROUNDS VM_DRILL_CLIENTS=$CLIENTS VM_MMP_INTERVAL_MS=$MMP VM_ISCSI_LOGIN_TIMEOUT=$LOGIN VM_RESULTS=$OUT "$TH_SRCDIR/tests/vm/drill.sh" |
	grep -E '^(not )?ok|^# *round' || true
cat "$OUT"
awk '
	$1 == "drill" {
		n++
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if ((kv[1] ~ /_ms$/ && kv[1] != "mmp_ms" || kv[1] == "load") && kv[2] != "-") { v[kv[1], ++c[kv[1]]] = kv[2] }
		}
	}
	function stat(k,   i, j, t, m, x, d) {
		m = c[k]
		if (!m) { printf "%-22s %8s %8s %4s\n", k, "-", "-", 0; return }
		for (i = 1; i <= m; i++) x[i] = v[k, i]
		for (i = 2; i <= m; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
		d = k == "load" ? 1 : 1000
		printf "%-22s %8.1f %8.1f %4d\n", k, (m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2) / d, x[m] / d, m
	}
	END {
		if (!n) { print "no rounds completed"; exit 1 }
		printf "%d rounds; seconds after the power loss  median    worst    n\n", n
		n = split("takeover_ms import_begin_ms import_ms target_ms ip_ms login_ms ack_ms kernel_login_ms kernel_ack_ms load", ks, " ")
		for (i = 1; i <= n; i++) stat(ks[i])
	}' "$OUT"
