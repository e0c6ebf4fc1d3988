#!/bin/bash
# zpool monitor on real OpenZFS, in a VM-tier head (lab/vm): our agent (which
# reads /proc/spl/kstat/zfs/POOL/state and runs nothing for an ONLINE pool)
# against resource-agents' heartbeat/ZFS and the bare query
# `zpool list -H -o health POOL`, side by side on one pool in one guest.
#
#   bench/zpool-vm.sh [CALLS]     (as root; default 100 calls per program)
#
# Calls run in alternating blocks (ours, heartbeat/ZFS, floor, ...) through
# bench/runloop, inside the guest, so TCG's slowness falls on all alike. The
# target (issue 14): ours <= 0.5x the bare query. Nothing is asserted; the
# numbers go to docs/zpool.md.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bz
VM=$TH_SRCDIR/lab/vm/twinhead-vm
CALLS=${1:-100}
BLOCKS=5

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
trap '$VM down >/dev/null 2>&1 || true' EXIT
$VM up a
run() { $VM run a "$1"; }
run 'modprobe zfs && zpool create -f -o cachefile=none -O mountpoint=/tank tank /dev/disk/by-id/virtio-encl0' >/dev/null

per=$((CALLS / BLOCKS))
# One control-channel call for the whole loop: under TCG on a busy host a
# heartbeat/ZFS call took up to 1 s, and 200 calls of each passed run's
# default 120 s. Allow 5 s per call of the three.
$VM run a --timeout $((CALLS * 3 * 5 + 120)) "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank OCF_RESKEY_pool=tank \
OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=30000
ulimit -n 1024
for b in \$(seq $BLOCKS); do
  runloop $per /usr/lib/ocf/resource.d/twinhead/zpool monitor | sed 's/^/ours /'
  runloop $per /usr/lib/ocf/resource.d/heartbeat/ZFS monitor | sed 's/^/ra /'
  runloop $per /sbin/zpool list -H -o health tank | sed 's/^/floor /'
done" >"${TMPDIR:-/tmp}/zpool-vm.$$"
awk '
	{ w[$1, ++n[$1]] = $2; c[$1] += $3 }
	function median(k,   i, j, t, a, m) {
		m = n[k]
		for (i = 1; i <= m; i++) a[i] = w[k, i]
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	END {
		f = median("floor")
		printf "%-26s %10s %10s %8s\n", "monitor (in the guest)", "median ms", "cpu ms", "x floor"
		printf "%-26s %10.2f %10.2f %8.2f\n", "twinhead zpool (kstat)", median("ours") / 1000, c["ours"] / n["ours"] / 1000, median("ours") / f
		printf "%-26s %10.2f %10.2f %8.2f\n", "heartbeat/ZFS", median("ra") / 1000, c["ra"] / n["ra"] / 1000, median("ra") / f
		printf "%-26s %10.2f %10.2f %8.2f\n", "zpool list -H -o health", f / 1000, c["floor"] / n["floor"] / 1000, 1
	}' "${TMPDIR:-/tmp}/zpool-vm.$$"
rm -f "${TMPDIR:-/tmp}/zpool-vm.$$"
