#!/bin/bash
# zpool, clean switchover between two heads with real ZFS (zfs-fuse, a
# different hostid per head, file vdevs in the shared directory): stop on a,
# start on b without -f (force=never), and the data is the same (md5). Also
# idempotent start/stop, probes, depth 10 and 20, mount=false (zfs-fuse has
# no import -N: import, then unmount), altroot, and import by guid.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

zfs_lab_start zpsw a b
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
guid=$(lab_exec a zpool import -d "$(zfs_disks)" | awk '$1 == "id:" {print $2}')
tap_like "the pool is there to import" "$guid" '^[0-9]+$'

zpool_run a start
tap_is "start on a" $? 0 || tap_diag "$(agent_reason)"
tap_is "a has the pool" "$(zp_imported a)" tank
lab_exec a zfs create tank/data
lab_exec a dd if=/dev/urandom of="$(zfs_mnt)/tank/data/blob" bs=1M count=8 conv=fsync status=none
sum_a=$(lab_exec a md5sum "$(zfs_mnt)/tank/data/blob" | cut -d' ' -f1)
zpool_run a monitor
tap_is "monitor on a: running" $? 0
# An ONLINE pool is asked over zfs-fuse's socket: no zpool runs. The same
# monitor with the socket turned off runs zpool and agrees.
out=$(lab_exec a strace -f -qq -e trace=clone,clone3,fork,vfork -o /dev/stdout \
	env -i OCF_RESKEY_pool=tank OCF_RESKEY_CRM_meta_interval=10000 \
	/usr/lib/ocf/resource.d/twinhead/zpool monitor 2>/dev/null)
tap_is "  asked over zfs-fuse's socket, forking no process" "$(grep -cE 'clone|fork' <<<"$out")" 0
AGENT_ENV=(TWINHEAD_ZFS_SOCKET=)
zpool_run a monitor
tap_is "  with the socket turned off (zpool): running" $? 0
AGENT_ENV=(TWINHEAD_ZFS_SOCKET=/nonexistent/zfs_socket)
zpool_run a monitor
tap_is "  with no daemon at the socket named (zpool answers): running" $? 0
AGENT_ENV=()
zpool_run a start
tap_is "start again on a: already imported is success" $? 0
zpool_run b monitor
tap_is "probe on b: not running" $? 7

zpool_run a stop
tap_is "stop on a" $? 0 || tap_diag "$(agent_reason)"
tap_is "a has no pool" "$(zp_imported a)" ""
zpool_run a monitor
tap_is "monitor on a after stop: not running" $? 7
zpool_run a stop
tap_is "stop again on a: success" $? 0

zpool_run b start force=never
tap_is "start on b without -f (force=never): a exported cleanly" $? 0 ||
	tap_diag "$(agent_reason)"
tap_is "b has the pool" "$(zp_imported b)" tank
tap_is "md5 of the data on b is a's" \
	"$(lab_exec b md5sum "$(zfs_mnt)/tank/data/blob" | cut -d' ' -f1)" "$sum_a"
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
zpool_run b monitor
tap_is "depth-10 monitor on b" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=(OCF_CHECK_LEVEL=20 OCF_RESKEY_CRM_meta_interval=300000)
zpool_run b monitor probe_dataset=tank/data
tap_is "depth-20 monitor (write probe) on b" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
tap_check "the write probe left its file in tank/data" \
	lab_exec b test -s "$(zfs_mnt)/tank/data/.twinhead-probe-test"
zpool_run b stop
tap_is "stop on b" $? 0

# mount=false: zfs-fuse has no import -N; the agent imports and unmounts.
zpool_run a start mount=false
tap_is "start with mount=false" $? 0 || tap_diag "$(agent_reason)"
tap_is "no dataset mounted" "$(lab_exec a zfs list -H -o mounted -r tank | sort -u)" no
zpool_run a monitor mount=false
tap_is "monitor with mount=false" $? 0
zpool_run a stop
tap_is "stop with mount=false" $? 0

# altroot: every mount point moves below it.
alt=$(lab_state_dir)/shared/alt
zpool_run b start altroot="$alt"
tap_is "start with altroot" $? 0 || tap_diag "$(agent_reason)"
tap_is "mount points below altroot" \
	"$(lab_exec b zfs list -H -o mountpoint tank/data)" "$alt$(zfs_mnt)/tank/data"
tap_is "data there too" \
	"$(lab_exec b md5sum "$alt$(zfs_mnt)/tank/data/blob" | cut -d' ' -f1)" "$sum_a"
zpool_run b stop
tap_is "stop with altroot" $? 0

# By guid: the right one imports; an unknown one changes nothing.
zpool_run a start guid="$guid"
tap_is "start by guid" $? 0 || tap_diag "$(agent_reason)"
zpool_run a monitor guid="$guid"
tap_is "monitor by guid" $? 0
zpool_run a stop guid="$guid"
zpool_run a start guid=123456789
tap_is "start with an unknown guid fails" $? 1
tap_like "  reason says so" "$(agent_reason)" "no importable pool with guid 123456789"
tap_is "  and nothing was imported" "$(zp_imported a)" ""
tap_done
