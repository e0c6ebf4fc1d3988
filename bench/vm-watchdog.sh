#!/bin/bash
# quorumd's watchdog mode on softdog, in the VM tier (lab/vm): the margin
# between the primary's reset and the peer's takeover, over RUNS rounds of
# tests/vm/quorumd_softdog.sh (the primary's daemon SIGSTOPped, then
# SIGKILLed, alternately; no fencing configured).
#
#   bench/vm-watchdog.sh [RUNS]     (as root; default 10)
#
# Per round: the reset (the guest's qemu exits: -no-reboot) and the takeover
# (the survivor's promote hook), both counted from the signal's moment on the
# primary's clock, and their difference, the margin. Nothing is asserted
# here (the test itself checks every margin > 0); the numbers go to
# docs/quorumd.md.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bw
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
OUT=${TMPDIR:-/tmp}/vm-watchdog.$$
trap 'rm -f "$OUT"' EXIT
: >"$OUT"
VM_WD_RUNS=${1:-10} VM_RESULTS=$OUT "$TH_SRCDIR/tests/vm/quorumd_softdog.sh" | grep -E '^(not )?ok|^# *(margins|run)' || true
grep '^watchdog run=' "$OUT"
awk '
	$1 == "watchdog" && $2 ~ /^run=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n++; r[n] = v["reset_ms"]; t[n] = v["takeover_ms"]; m[n] = v["margin_ms"]
	}
	function sorted(a, x,   i, j, k) {
		for (i = 1; i <= n; i++) x[i] = a[i]
		for (i = 2; i <= n; i++) { k = x[i]; for (j = i - 1; j >= 1 && x[j] > k; j--) x[j + 1] = x[j]; x[j + 1] = k }
	}
	function line(name, a,   x) {
		sorted(a, x)
		printf "%-28s %8.1f %8.1f %8.1f\n", name, x[1] / 1000, (n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2) / 1000, x[n] / 1000
	}
	END {
		if (!n) { print "no rounds completed"; exit 1 }
		printf "%d rounds; seconds after the signal  %8s %8s %8s\n", n, "min", "median", "max"
		line("softdog reset", r); line("takeover by the peer", t); line("margin (takeover - reset)", m)
	}' "$OUT"
