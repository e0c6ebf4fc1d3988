#!/bin/bash
# What multihost (MMP) costs a failover on real OpenZFS, in the VM tier
# (lab/vm): two heads share a pool with multihost=on and distinct hostids.
# For each zfs_multihost_interval (set on both heads), RUNS times:
#   b imports the pool (a clean import: a exported it);
#   a's start (ocf:twinhead:zpool, force=always) is refused while b lives:
#     timed (ZFS's activity check sees b's heartbeats);
#   b loses power (SIGKILL of its qemu);
#   a's start imports once the activity check passes: timed;
#   a exports, b boots again.
#
#   bench/vm-mmp.sh [RUNS] [INTERVAL_MS...]    (as root; default 3 runs of 100 200 1000)
#
# Times are the agent's start in the guest (date +%s%N around it), so they
# include the agent's own scan and health check after the import. Nothing is
# asserted; the numbers go to docs/failover.md. Under TCG on a busy host.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bm
VM=$TH_SRCDIR/lab/vm/twinhead-vm
RUNS=${1:-3}
shift || true
INTERVALS=("$@")
((${#INTERVALS[@]})) || INTERVALS=(100 200 1000)
AGENT=/usr/lib/ocf/resource.d/twinhead/zpool
OUT=${TMPDIR:-/tmp}/vm-mmp.$$

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
trap '$VM down >/dev/null 2>&1 || true; rm -f "$OUT"' EXIT
$VM up a b
run() { $VM run "$1" "$2"; }
# agent NODE ACTION TIMEOUT_MS [ENV...]: prints the agent's output, then ms=N.
agent() {
	local node=$1 action=$2 to=$3
	shift 3
	run "$node" "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank OCF_RESKEY_pool=tank \
OCF_RESKEY_mount=false OCF_RESKEY_force=always OCF_RESKEY_CRM_meta_timeout=$to $*
t0=\$(date +%s%N); $AGENT $action 2>&1; rc=\$?
echo ms=\$(( (\$(date +%s%N) - t0) / 1000000 )); exit \$rc" || true
}
ms_of() { sed -n 's/^ms=//p' <<<"$1"; }
set_interval() { run "$1" "modprobe zfs && echo $2 >/sys/module/zfs/parameters/zfs_multihost_interval"; }

set_interval a 1000
set_interval b 1000
run a 'zpool create -f -o multihost=on -o cachefile=none tank /dev/disk/by-id/virtio-encl0 && zpool export tank'
run b 'blockdev --rereadpt /dev/disk/by-id/virtio-encl0; udevadm settle' >/dev/null

for ms in "${INTERVALS[@]}"; do
	# The activity check's bound at this interval, twice, plus 60 s for TCG.
	to=$(((ms * 20 * 5 / 4) * 2 + 60000))
	for ((r = 1; r <= RUNS; r++)); do
		set_interval a "$ms"
		set_interval b "$ms"
		run b 'zpool import -N -o cachefile=none tank && sleep 2' >/dev/null
		out=$(agent a start "$to")
		grep -q 'imported right now by' <<<"$out" || { echo "unexpected refusal: $out" >&2; exit 1; }
		refuse=$(ms_of "$out")
		$VM poweroff b
		out=$(agent a start "$to")
		grep -q '^ms=' <<<"$out" && run a 'zpool list -H -o name tank' >/dev/null ||
			{ echo "import failed: $out" >&2; exit 1; }
		import=$(ms_of "$out")
		printf 'interval_ms=%s run=%d refusal_ms=%s import_ms=%s\n' "$ms" "$r" "$refuse" "$import" | tee -a "$OUT"
		run a 'zpool export tank' >/dev/null
		$VM poweron b
	done
done

awk '
	{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	  k = v["interval_ms"]; n[k]++; ref[k, n[k]] = v["refusal_ms"]; imp[k, n[k]] = v["import_ms"]
	  if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
	function stat(a, k,   i, j, t, x, c) {
		c = n[k]
		for (i = 1; i <= c; i++) x[i] = a[k, i]
		for (i = 2; i <= c; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
		return sprintf("%.1f / %.1f / %.1f", x[1] / 1000, (c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2) / 1000, x[c] / 1000)
	}
	END {
		printf "%-12s %5s  %-26s  %-26s\n", "interval ms", "runs", "refusal s (min/med/max)", "import after power loss s"
		for (i = 1; i <= m; i++) { k = order[i]
			printf "%-12s %5d  %-26s  %-26s\n", k, n[k], stat(ref, k), stat(imp, k) }
	}' "$OUT"
