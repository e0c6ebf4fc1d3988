#!/bin/bash
# zpool with a frozen ZFS: the zfs-fuse daemon gets SIGSTOP, so every zpool
# call in that head blocks. monitor, probe, stop and start must each end
# with an error and a reason before the action's timeout (here: the agent
# runs under `timeout` set to CRM_meta_timeout, as Pacemaker would kill it
# then; a kill would show as 124, not as the agent's 1), and leave no zpool
# process behind. After SIGCONT, monitor passes again.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

zfs_lab_start zpfrz a
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
zpool_run a start
tap_is "start" $? 0 || tap_diag "$(agent_reason)"
pid=$(zfs_pid a)
tap_like "zfs-fuse runs" "$pid" '^[0-9]+$'

# Pacemaker's default action timeout: the agent keeps a tenth of it (at
# most 2 s, lib/ocf/ocf_params.c) to kill its zpool and report. With the
# 3 s this test used, that was 300 ms, which a busy machine (load 20) ate:
# the kill came first (137). Each frozen action now takes about 18 s.
TIMEOUT_MS=20000
# frozen ACTION RC KEY=VALUE...: the agent, bounded the way Pacemaker
# bounds it (SIGKILL at the timeout: status 124 or 137 then).
frozen() {
	local action=$1 want=$2 env=()
	shift 2
	env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=test
	     OCF_RESKEY_pool=tank "OCF_RESKEY_search_dirs=$(zfs_disks)"
	     "OCF_RESKEY_CRM_meta_timeout=$TIMEOUT_MS" "$@")
	lab_exec a timeout -s KILL "$((TIMEOUT_MS / 1000))" env -i "${env[@]}" \
		/usr/lib/ocf/resource.d/twinhead/zpool "$action" >"$AGENT_OUT" 2>"$AGENT_ERR"
	tap_is "frozen ZFS: $action ends with $want before its timeout" $? "$want"
}

lab_exec a kill -STOP "$pid"
frozen monitor 1 OCF_RESKEY_CRM_meta_interval=10000
tap_like "  reason: zpool did not answer" "$(agent_reason)" "did not answer within [0-9]+ ms: ZFS on this node is hung"
frozen monitor 1
tap_like "  (probe) reason" "$(agent_reason)" "did not answer"
frozen stop 1
tap_like "  reason: the pool may still be imported, fence" "$(agent_reason)" "did not finish before the deadline.*fence"
frozen start 1
tap_like "  reason" "$(agent_reason)" "did not answer before the deadline"
tap_is "no zpool process left behind" "$(lab_exec a pgrep -x zpool)" ""

lab_exec a kill -CONT "$pid"
zpool_run a monitor
tap_is "after SIGCONT: monitor passes" $? 0 || tap_diag "$(agent_reason)"
zpool_run a stop
tap_is "and stop works" $? 0
tap_done
