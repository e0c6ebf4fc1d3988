#!/bin/bash
# zpool, crash failover: head a loses power in the middle of writes; b's
# start with force=fenced refuses while nothing says a is fenced, and
# imports with -f once fencing is established, exactly the way the agent
# reads it: first Pacemaker's stonith-enabled=true (a CIB file, through
# CIB_file), then, in a second crash, twinhead-quorumd's state file
# (primary, peer fenced) in b's run directory. Every write a completed
# (fsync'd, then logged outside the pool) is intact on b.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

command -v crm_attribute >/dev/null || tap_skip_all "crm_attribute missing (apt-get install pacemaker-cli-utils)"
zfs_lab_start zpcrash a b
zfs_pool_create a tank 128 d0 d1 || tap_diag "pool creation failed"
shared=$(lab_state_dir)/shared

cat >"$shared/cib-fenced.xml" <<'EOF'
<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF

# writer ROUND: on a, numbered 64 KiB files, each fsync'd and only then
# logged ("N MD5") to a file outside the pool: the log lists exactly the
# completed writes.
writer() {
	lab_spawn a "writer$1" bash -c '
		dir=$1 log=$2 i=0
		mkdir -p "$dir"
		while :; do
			head -c 65536 /dev/urandom >/run/blk
			sum=$(md5sum </run/blk | cut -d" " -f1)
			dd if=/run/blk of="$dir/w.$i" bs=64k conv=fsync status=none || exit 1
			echo "$i $sum" >>"$log"
			i=$((i + 1))
		done' _ "$(zfs_mnt)/tank/data/round$1" "$shared/done.$1"
}

# wait_writes ROUND N: until N writes are logged. A write is 64 KiB with
# an fsync, 10-30 ms quiet on zfs-fuse: N of them take at most N * 30 ms;
# LAB_MARGIN times that plus LAB_START_S for the writer itself.
writes_logged() {
	local n
	n=$(wc -l <"$shared/done.$1" 2>/dev/null)
	((${n:-0} >= $2)) || { echo "${n:-0} writes logged"; return 1; }
}
wait_writes() {
	lab_wait_for $((LAB_START_S + LAB_MARGIN * $2 * 30 / 1000)) "writer $1's $2 writes" writes_logged "$1" "$2"
}

# verify ROUND NODE: every logged write is on NODE with its md5.
verify() {
	local n sum bad=0 count=0
	while read -r n sum; do
		[[ $n =~ ^[0-9]+$ && $sum =~ ^[0-9a-f]{32}$ ]] || continue # a torn last line
		count=$((count + 1))
		[[ $(lab_exec "$2" md5sum "$(zfs_mnt)/tank/data/round$1/w.$n" 2>/dev/null |
			cut -d' ' -f1) == "$sum" ]] || bad=$((bad + 1))
	done <"$shared/done.$1"
	echo "$count $bad"
}

# crash_round ROUND: a imports and writes, then loses power mid-write.
crash_round() {
	zpool_run a start force=never
	tap_is "round $1: start on a" $? 0 || tap_diag "$(agent_reason)"
	lab_exec a zfs create -p tank/data >/dev/null 2>&1
	writer "$1"
	wait_writes "$1" 20 || tap_diag "writer $1 is slow: $(wc -l <"$shared/done.$1")"
	lab_poweroff a
	tap_is "round $1: a is powered off" "$(lab status | awk '$1 == "a" {print $2}')" off
}

# --- round 1: Pacemaker's stonith-enabled -------------------------------------------
crash_round 1
zpool_run b start
tap_is "no fencing evidence: b refuses" $? 1
tap_like "  the reason names a's hostid" "$(agent_reason)" "host 'a' \(hostid 0x1001\)"
tap_like "  and says why" "$(agent_reason)" "force=fenced and no evidence"
tap_is "  and b imported nothing" "$(zp_imported b)" ""

AGENT_ENV=(CIB_file="$shared/cib-fenced.xml")
zpool_run b start
tap_is "stonith-enabled=true in the CIB: b imports with -f" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
tap_like "  and says on what grounds" "$(cat "$AGENT_ERR")" "importing tank with -f.*stonith-enabled=true"
# With the evidence in hand the first import is already -f: a refused
# import first would scan the disks twice (the failover drill's pool step).
tap_like "  with -f at once, before any import" "$(cat "$AGENT_ERR")" "importing tank with -f at once"
tap_unlike "  no refused import first" "$(cat "$AGENT_ERR")" "last used by"
zpool_run b monitor
tap_is "monitor on b" $? 0
read -r count bad < <(verify 1 b)
tap_isnt "round 1 logged writes" "$count" 0
tap_is "round 1: every completed write is intact on b ($count)" "$bad" 0

# Back to a, cleanly.
zpool_run b stop
tap_is "stop on b" $? 0
lab_poweron a
zfs_up a || tap_diag "zfs-fuse did not start on a after poweron"

# --- round 2: twinhead-quorumd's published state -----------------------------------
crash_round 2
zpool_run b start
tap_is "round 2, no evidence yet: b refuses" $? 1
zfs_write_quorumd_state b "$(printf 'version=1\nrole=primary\npeer=alive\nepoch=3\nupdated=%s\n' "$(date +%s)")"
zpool_run b start
tap_is "quorumd says the peer is alive: b refuses" $? 1
tap_like "  reason" "$(agent_reason)" "quorumd reports the peer alive"
tap_is "  b imported nothing" "$(zp_imported b)" ""
zfs_write_quorumd_state b "$(printf 'version=1\nrole=primary\npeer=fenced\nepoch=4\nupdated=%s\n' "$(date +%s)")"
zpool_run b start
tap_is "quorumd says the peer is fenced: b imports with -f" $? 0 || tap_diag "$(agent_reason)"
tap_like "  and says on what grounds" "$(cat "$AGENT_ERR")" "quorumd \(epoch 4\) reports the peer fenced"
read -r count bad < <(verify 2 b)
tap_isnt "round 2 logged writes" "$count" 0
tap_is "round 2: every completed write is intact on b ($count)" "$bad" 0
read -r count bad < <(verify 1 b)
tap_is "round 1's writes are still intact ($count)" "$bad" 0
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
zpool_run b monitor
tap_is "depth-10 monitor on b after two crashes" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
tap_done
