#!/bin/bash
# zpool on a pool whose I/O is suspended, made for real: zfs-fuse's pool is
# a mirror of two 64 MiB files on a 40 MiB tmpfs (thin-provisioned disks),
# and a writer fills it until the disks refuse writes. zfs-fuse then blocks
# every writer (failmode=wait) while zpool list and zpool status
# still say state ONLINE (checked here, so the test shows what zpool alone would
# miss).
#   - iscsitarget's stop, while b's write to a LUN on that pool is stuck in
#     tgtd's backing store, takes the target offline, retries the LUN's
#     removal until its deadline and fails on its own, naming the LUN;
#   - detection: the first monitor after the suspension (so within one
#     monitor interval) fails with a hard error (4) and says what to look at;
#   - stop ends on its own within its timeout, after trying `zpool export
#     -f`, and says why the pool cannot be released here (fence);
#   - the other head (the first one powered off, as a fence would) fails to
#     start the pool within its timeout, on its own, and says why.
# The agent runs under `timeout` set to its action timeout, as Pacemaker
# bounds it: a kill would show as 137, not as the agent's own code.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

# The thin disks: mounted before the lab, so both heads' mount namespaces
# share this one tmpfs; unmounted whenever the lab comes down.
tap_require_root_lab
iscsi_require
THIN=$(mktemp -d "${TMPDIR:-/tmp}/th-thin.XXXXXX")
mount -t tmpfs -o size=40m th-thin "$THIN" || tap_skip_all "cannot mount a tmpfs"
eval "lab_stop_without_thin$(declare -f lab_stop | sed 1s/^lab_stop//)"
lab_stop() {
	lab_stop_without_thin
	umount -l "$THIN" 2>/dev/null && rmdir "$THIN"
}
trap lab_stop EXIT
zfs_lab_start zpsusp a b

truncate -s 64M "$THIN/d0" "$THIN/d1"
lab_exec a zpool create -o cachefile=none -m "$(zfs_mnt)/tank" tank mirror "$THIN/d0" "$THIN/d1" &&
	lab_exec a zpool export tank
tap_is "pool on thin disks created" $? 0
TIMEOUT_MS=8000
# bounded NODE ACTION KEY=VALUE...: the agent, killed at its timeout.
bounded() {
	local node=$1 action=$2
	shift 2
	lab_exec "$node" timeout -s KILL "$((TIMEOUT_MS / 1000))" env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=test \
		OCF_RESKEY_pool=tank "OCF_RESKEY_search_dirs=$THIN" \
		"OCF_RESKEY_CRM_meta_timeout=$TIMEOUT_MS" "$@" \
		/usr/lib/ocf/resource.d/twinhead/zpool "$action" >"$AGENT_OUT" 2>"$AGENT_ERR"
}
bounded a start
tap_is "start on a" $? 0 || tap_diag "$(agent_reason)"
bounded a monitor OCF_RESKEY_CRM_meta_interval=10000
tap_is "monitor passes before the fill" $? 0 || tap_diag "$(agent_reason)"

# A LUN on the pool, served by tgtd on a.
A=$(lab_addr a)
IQN=iqn.2024-01.org.twinhead:susp
lab_exec a dd if=/dev/zero of="$(zfs_mnt)/tank/lun1" bs=1M count=4 status=none
tgtd_start a || tap_diag "tgtd did not start"
ITGT_PARAMS=(iqn=$IQN tid=7 "luns=1:$(zfs_mnt)/tank/lun1" allowed_initiators=ALL portals=$A:3260)
itgt a start
tap_is "iscsitarget start on a" $? 0 || tap_diag "$(agent_reason)"

# Fill: 50 MiB into a pool whose disks hold 40. The writer blocks for good
# once the pool suspends; it dies with the head.
lab_exec a sh -c "dd if=/dev/urandom of='$(zfs_mnt)/tank/fill' bs=128k count=400 conv=fsync \
	>/dev/null 2>&1 &"
# Suspended: the pool's own row in zpool status counts failed writes.
pool_write_errors() {
	zp a status tank | awk '$1 == "tank" && NF >= 5 { print $4; exit }'
}
# The writes that fill the disks reach them at the next txg sync (zfs-fuse:
# every 5 s): LAB_MARGIN times that, plus LAB_START_S.
writes_fail() {
	local w
	w=$(pool_write_errors)
	[[ -n $w && $w != 0 ]] || { echo "WRITE count '${w:-none}'"; return 1; }
}
lab_wait_for $((LAB_MARGIN * 5 + LAB_START_S)) "failed writes on the pool's row" writes_fail
w=$(pool_write_errors)
tap_like "the pool's writes fail (WRITE count of the pool's row: $w)" "$w" '^[1-9]'
tap_like "zpool list still says ONLINE" "$(zp a list -H -o name,health tank)" $'^tank\tONLINE'
tap_like "zpool status still says state ONLINE, not suspended" "$(zp a status tank | grep -i 'state:\|suspend')" \
	'^ *state: ONLINE$'

# Detection: the first monitor after the suspension.
bounded a monitor OCF_RESKEY_CRM_meta_interval=10000
tap_is "monitor: a hard error (OCF_ERR_PERM)" $? 4
tap_diag "$(agent_reason)"
tap_like "  reason: suspended, failed writes" "$(agent_reason)" \
	"pool tank has its I/O suspended; [0-9]+ writes .* failed on every copy"
tap_like "  reason: what to look at" "$(agent_reason)" \
	"full.*failed vdevs.*failmode.*zpool clear tank"
bounded a monitor
tap_is "probe: the same" $? 4

# A client's write through tgtd into the suspended pool: it sticks in
# tgtd's backing store (a tgtd thread inside pread64, pwrite64, fsync,
# fdatasync, sync_file_range, preadv or pwritev: x86-64 syscall numbers
# 17, 18, 74, 75, 277, 295, 296; an idle tgtd waits in epoll or futex).
lab_exec b timeout -s KILL 60 "$ISCSI_CLIENT" -t 50 "$A" $IQN 1 write 0 8 1 >/dev/null 2>&1 &
stuck() {
	lab_exec a sh -c 'grep -lE "^(17|18|74|75|277|295|296) " /proc/$(pidof tgtd)/task/*/syscall' \
		2>/dev/null
}
# The client logs in and writes within its own -t 50 or gives up.
lab_wait_for $((50 + LAB_START_S)) "a tgtd thread stuck in the pool" stuck
tap_like "a write through tgtd is stuck in the pool" "$(stuck)" "syscall" ||
	tap_diag "$(lab_exec a sh -c 'head -c 40 /proc/$(pidof tgtd)/task/*/syscall')"
lab_exec a timeout -s KILL "$((TIMEOUT_MS / 1000))" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=susp "OCF_RESKEY_CRM_meta_timeout=$TIMEOUT_MS" \
	"${ITGT_PARAMS[@]/#/OCF_RESKEY_}" /usr/lib/ocf/resource.d/twinhead/iscsitarget stop \
	>"$AGENT_OUT" 2>"$AGENT_ERR"
tap_is "iscsitarget stop ends on its own with an error" $? 1
tap_like "  reason: offline, LUN still active, which backing store, fence" "$(agent_reason)" \
	"offline \(no new logins\).*still active.*LUN 1 \(.*tank/lun1\).*fencing this node"
tap_like "  the target refuses logins" "$(tgt_targets a | grep -i state)" "offline"

# Stop: bounded, explained.
bounded a stop
tap_is "stop ends on its own with an error" $? 1
tap_like "  reason: export -f tried, fence" "$(agent_reason)" \
	"suspended and .zpool export -f. did not finish after [0-9]+ ms.*must fence this node"
tap_like "  log: stop tried export -f" "$(cat "$AGENT_ERR")" "trying zpool export -f"

# The other head, after a's power is off (what the fence does): the pool
# is still full, so its import suspends again.
lab_poweroff a
bounded b start OCF_RESKEY_force=always
tap_is "start on b ends on its own with an error" $? 1
tap_like "  reason: the import did not finish, and why" "$(agent_reason)" \
	"did not finish before the deadline.*refuse writes.*suspended on its last head.*full.*failed vdevs"
tap_done
