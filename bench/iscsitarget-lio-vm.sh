#!/bin/bash
# iscsitarget implementation=lio on a real kernel (a VM-tier head, Debian's
# 6.1 LIO), against resource-agents' iSCSITarget + iSCSILogicalUnit with
# implementation=lio-t (targetcli), in the same guest.
#
#   bench/iscsitarget-lio-vm.sh [LUNS] [RA_START_LUNS]   (as root; 256, 4)
#
# - start: ours with LUNS LUNs (fileio on files of a dataset: 256 zvols
#   would take minutes of udev under TCG and change neither agent's work
#   per LUN); then resource-agents' start of the target and RA_START_LUNS
#   logical units (two targetcli calls each, 2-5 s of Python start-up per
#   call under TCG: LUNS of them would take an hour); its per-LUN cost is
#   reported, and LUNS x that as an extrapolation, labelled so.
# - monitor round: what Pacemaker runs every interval for one target with
#   LUNS LUNs: ours is one call; resource-agents' is one iSCSITarget monitor
#   plus LUNS iSCSILogicalUnit monitors. Both read the same configfs tree
#   (the one our start built: the paths lio-t's monitors read,
#   iscsi/IQN/tpgt_1/enable and lun/lun_N/*/udev_path, are the same), in
#   alternating blocks, so TCG's and the host's slowness fall on both alike.
# Targets (issue 15): monitor round >= 100x less time; start <= 2 s.
# Nothing is asserted; the numbers go to docs/iscsitarget.md.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bl
VM=$TH_SRCDIR/lab/vm/twinhead-vm
N=${1:-256}
RA_N=${2:-4}
ROUNDS=${ROUNDS:-3}
IQN=iqn.2026-12.org.twinhead:bench
PORTAL=10.214.0.11:3260

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
trap '$VM down >/dev/null 2>&1 || true' EXIT
$VM up --bench --disk-mb 2048 a
run() { TWINHEAD_VM_TIMEOUT=${2:-3600} $VM run a "$1"; }

luns=$(for i in $(seq "$N"); do printf '%d:/tank/luns/f%d ' "$i" "$i"; done)
run "modprobe zfs && modprobe target_core_mod && modprobe target_core_file && modprobe iscsi_target_mod &&
zpool create -f -o cachefile=none -O mountpoint=/tank tank /dev/disk/by-id/virtio-encl0 && zfs create tank/luns &&
for i in \$(seq $N); do truncate -s 16M /tank/luns/f\$i; done
mkdir -p /run/dbus /run/resource-agents && dbus-daemon --system --fork" >/dev/null

OURS="export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lio OCF_RESKEY_CRM_meta_timeout=120000 \
OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN OCF_RESKEY_portals=$PORTAL OCF_RESKEY_allowed_initiators=ALL \
OCF_RESKEY_luns='$luns' OCF_RESKEY_CRM_meta_interval=10000"
ms() { echo "\$(( (\$(date +%s%N) - t0) / 1000000 ))"; }

echo "== start, ours, $N LUNs"
for r in $(seq "$ROUNDS"); do
	# bash's time: wall, and the CPU the agent spent in user space and in
	# the kernel (configfs, LIO's device set-up).
	run "$OURS; TIMEFORMAT='%R s wall, %U s user, %S s sys'
{ time /usr/lib/ocf/resource.d/twinhead/iscsitarget start >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }; } 2>/tmp/t
echo start: \$(cat /tmp/t)
{ time /usr/lib/ocf/resource.d/twinhead/iscsitarget stop >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }; } 2>/tmp/t
echo stop: \$(cat /tmp/t)"
done
run "$OURS; /usr/lib/ocf/resource.d/twinhead/iscsitarget start >/dev/null 2>&1" >/dev/null

# resource-agents' monitor round, as Pacemaker would run it: one process per
# resource, one after the other. A round of theirs costs minutes under TCG
# (about 1.6 s a process), so it runs RA_ROUNDS times (default 1), each
# between two blocks of ten of ours.
RA="export OCF_ROOT=/usr/lib/ocf OCF_RESKEY_implementation=lio-t OCF_RESKEY_CRM_meta_interval=10000 \
OCF_RESKEY_CRM_meta_timeout=20000 HA_RSCTMP=/run/resource-agents"
ours_block() {
	run "$OURS; t0=\$(date +%s%N); for k in 1 2 3 4 5 6 7 8 9 10; do
/usr/lib/ocf/resource.d/twinhead/iscsitarget monitor >/dev/null 2>&1 || exit 1; done
echo ours_x10_ms $(ms)"
}
echo "== monitor round, $N LUNs"
ours_block
for r in $(seq "${RA_ROUNDS:-1}"); do
	run "$RA; t0=\$(date +%s%N)
OCF_RESOURCE_INSTANCE=tgt OCF_RESKEY_iqn=$IQN /usr/lib/ocf/resource.d/heartbeat/iSCSITarget monitor >/dev/null 2>&1 || exit 1
for i in \$(seq $N); do
OCF_RESOURCE_INSTANCE=lu\$i OCF_RESKEY_target_iqn=$IQN OCF_RESKEY_lun=\$i OCF_RESKEY_path=/tank/luns/f\$i \
OCF_RESKEY_liot_bstype=fileio /usr/lib/ocf/resource.d/heartbeat/iSCSILogicalUnit monitor >/dev/null 2>&1 ||
{ echo \"lu\$i monitor failed\"; exit 1; }
done
echo ra_round_ms $(ms)"
	ours_block
done
run "$OURS; /usr/lib/ocf/resource.d/twinhead/iscsitarget stop >/dev/null 2>&1" >/dev/null

echo "== start, resource-agents lio-t: target + $RA_N logical units"
run "$RA; t0=\$(date +%s%N)
OCF_RESOURCE_INSTANCE=tgt OCF_RESKEY_iqn=$IQN OCF_RESKEY_portals=$PORTAL \
/usr/lib/ocf/resource.d/heartbeat/iSCSITarget start >/tmp/ra 2>&1 || { cat /tmp/ra; exit 1; }
echo ra_target_start_ms $(ms)
for i in \$(seq $RA_N); do t0=\$(date +%s%N)
OCF_RESOURCE_INSTANCE=lu\$i OCF_RESKEY_target_iqn=$IQN OCF_RESKEY_lun=\$i OCF_RESKEY_path=/tank/luns/f\$i \
OCF_RESKEY_liot_bstype=fileio /usr/lib/ocf/resource.d/heartbeat/iSCSILogicalUnit start >/tmp/ra 2>&1 || { cat /tmp/ra; exit 1; }
echo ra_lu_start_ms $(ms)
done" 7200
