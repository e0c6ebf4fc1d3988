#!/bin/bash
# zpool with a damaged mirror: the pool still serves data, so monitor says
# 190 (OCF_DEGRADED, not a failover) and start succeeds.
#  - one leg removed (its file gone from the search directory): zpool calls
#    the pool DEGRADED; depth 0 returns 190;
#  - one leg's data corrupted under a running pool, then scrubbed: the pool
#    stays ONLINE with checksum errors; depth 0 returns 0, depth 10 returns
#    190 and names the device and its counts;
#  - one leg overwritten whole (labels too): zfs-fuse calls the pool ONLINE
#    with the leg UNAVAIL; depth 10 returns 190 naming it.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

zfs_lab_start zpdeg a
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
disks=$(zfs_disks)
away=$(lab_state_dir)/shared/away
mkdir -p "$away"
DEPTH10=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)

zpool_run a start
tap_is "start" $? 0 || tap_diag "$(agent_reason)"
lab_exec a dd if=/dev/urandom of="$(zfs_mnt)/tank/blob" bs=1M count=16 conv=fsync status=none
sum=$(lab_exec a md5sum "$(zfs_mnt)/tank/blob" | cut -d' ' -f1)

# --- checksum errors on one leg ------------------------------------------------------
dd if=/dev/zero of="$disks/d1" bs=1M seek=4 count=40 conv=notrunc status=none
lab_exec a zpool scrub tank
# The scrub reads 16 MiB on each leg: well under a second quiet; LAB_MARGIN
# times a second, plus LAB_START_S.
scrub_done() { zp a status tank | grep -q 'scrub completed' || { zp a status tank | grep scrub; return 1; }; }
lab_wait_for $((LAB_MARGIN * 1 + LAB_START_S)) "the scrub" scrub_done
tap_like "the scrub found the damage" "$(zp a status tank)" 'd1 +ONLINE +0 +0 +[1-9]'
zpool_run a monitor
tap_is "checksum errors: depth 0 still 0 (the pool is ONLINE)" $? 0
AGENT_ENV=("${DEPTH10[@]}")
zpool_run a monitor
tap_is "checksum errors: depth 10 says degraded (190)" $? 190
tap_like "  naming the device and its counts" "$(agent_reason)" \
	"device $disks/d1 \(ONLINE\) has read/write/checksum errors 0/0/[1-9]"
AGENT_ENV=()
tap_is "data intact (read from the good leg)" \
	"$(lab_exec a md5sum "$(zfs_mnt)/tank/blob" | cut -d' ' -f1)" "$sum"
lab_exec a zpool clear tank
zpool_run a stop
tap_is "stop" $? 0

# --- a leg removed -------------------------------------------------------------------
mv "$disks/d1" "$away/d1"
zpool_run a start
tap_is "start with a leg missing succeeds" $? 0 || tap_diag "$(agent_reason)"
tap_like "  and warns" "$(cat "$AGENT_ERR")" "warning: start: pool tank is DEGRADED"
zpool_run a monitor
tap_is "leg missing: monitor says degraded (190)" $? 190
tap_like "  reason" "$(agent_reason)" "pool tank is DEGRADED"
AGENT_ENV=(OCF_RESKEY_CRM_meta_interval=10000)
zpool_run a monitor
tap_is "leg missing: recurring monitor says 190 too" $? 190
AGENT_ENV=("${DEPTH10[@]}")
zpool_run a monitor
tap_is "leg missing: depth 10 says 190" $? 190
AGENT_ENV=()
tap_is "data intact" "$(lab_exec a md5sum "$(zfs_mnt)/tank/blob" | cut -d' ' -f1)" "$sum"
zpool_run a stop
tap_is "stop of a degraded pool" $? 0
mv "$away/d1" "$disks/d1"

# --- a leg overwritten, labels and all -----------------------------------------------
dd if=/dev/zero of="$disks/d1" bs=1M count=64 conv=notrunc status=none
zpool_run a start
tap_is "start with a leg overwritten" $? 0 || tap_diag "$(agent_reason)"
zpool_run a monitor
tap_is "leg overwritten: depth 0 is 0 (zfs-fuse says ONLINE)" $? 0
AGENT_ENV=("${DEPTH10[@]}")
zpool_run a monitor
tap_is "leg overwritten: depth 10 says 190" $? 190
tap_like "  naming the unavailable leg" "$(agent_reason)" "device [0-9]+ is UNAVAIL"
AGENT_ENV=()
tap_is "data intact" "$(lab_exec a md5sum "$(zfs_mnt)/tank/blob" | cut -d' ' -f1)" "$sum"
tap_done
