#!/bin/bash
# zpool stop with a busy pool: a process in head a keeps a file open (and
# its working directory) on a dataset. stop retries exactly busy_retries
# times, then fails with a reason naming the busy mount point and the
# process (Pacemaker would fence); the pool stays imported. With
# export_force=true, stop stops the holder and exports; b then imports
# without -f.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

zfs_lab_start zpbusy a b
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
zpool_run a start
tap_is "start on a" $? 0 || tap_diag "$(agent_reason)"
lab_exec a zfs create tank/luns
fs=$(zfs_mnt)/tank/luns
lab_spawn a holder bash -c 'exec 3>>"$1/lun0" || exit 1; cd "$1" || exit 1; exec sleep 600' _ "$fs"
holder=$(lab_exec a pgrep -x -f "sleep 600")
tap_like "a process holds $fs" "$holder" '^[0-9]+$'

zpool_run a stop busy_retries=2
tap_is "stop of a busy pool fails" $? 1
reason=$(agent_reason)
tap_like "  reason names the busy mount point" "$reason" "$fs is in use"
tap_like "  and the process holding it" "$reason" "held by sleep\[$holder\]"
tap_like "  and what to do" "$reason" "export_force=true"
tap_is "  after exactly 2 retries" "$(grep -c 'is busy.*retrying' "$AGENT_ERR")" 2
tap_is "  the pool is still imported on a" "$(zp_imported a)" tank
zpool_run a monitor
tap_is "  and monitor still passes" $? 0

zpool_run a stop busy_retries=0 export_force=true
tap_is "stop with export_force=true" $? 0 || tap_diag "$(agent_reason)"
tap_like "  it stopped the holder and said so" "$(cat "$AGENT_ERR")" "sending SIGTERM to sleep\[$holder\]"
tap_is "  the holder is gone" "$(lab_exec a pgrep -x -f 'sleep 600')" ""
tap_is "  a has no pool" "$(zp_imported a)" ""
zpool_run a monitor
tap_is "  monitor on a: not running" $? 7
zpool_run b start force=never
tap_is "b imports without -f: the forced export was an export" $? 0 || tap_diag "$(agent_reason)"
tap_check "the held file is there on b" lab_exec b test -e "$fs/lun0"
tap_done
