#!/bin/bash
# zpool with bad parameters, next to a real pool: every bad value gets a
# clear reason and changes nothing. start with a bad parameter leaves the
# exported pool exported; stop with one leaves the imported pool imported.
# A guid that belongs to another pool, and search_dirs without the pool's
# disks, fail start before anything is imported.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

zfs_lab_start zpprm a
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
zfs_pool_create a other 64 o0 o1 || tap_diag "second pool creation failed"
other_guid=$(lab_exec a zpool import -d "$(zfs_disks)" |
	awk '$1 == "pool:" {p = $2} $1 == "id:" && p == "other" {print $2}')
tap_like "a second pool, other, with its guid" "$other_guid" '^[0-9]+$'
empty=$(lab_state_dir)/shared/empty
mkdir -p "$empty"

# bad RC REGEX ACTION KEY=VALUE...: the agent fails with RC and a reason.
bad() {
	local want=$1 regex=$2 action=$3
	shift 3
	agent_run a zpool "$action" "$@"
	tap_is "$action $* -> $want" $? "$want"
	tap_like "  reason: $regex" "$(agent_reason)" "$regex"
}

for action in start stop; do
	bad 6 "'pool' is required" $action search_dirs="$(zfs_disks)"
	bad 6 "begin with a letter" $action pool=-tank
	bad 6 "separates datasets" $action pool=tank/x
	bad 6 "absolute" $action pool=tank search_dirs=relative/dir
	bad 6 "'none' or an absolute path" $action pool=tank cachefile=zpool.cache
	bad 6 "not one of: never, fenced, always" $action pool=tank force=yes
	bad 6 "not a boolean" $action pool=tank export_force=maybe
	bad 6 "out of range" $action pool=tank busy_retries=-1
	bad 6 "decimal number" $action pool=tank guid=tank
	bad 6 "not a dataset of pool tank" $action pool=tank probe_dataset=other
	if [[ $action == start ]]; then
		tap_is "after every bad start, nothing is imported" "$(zp_imported a)" ""
		zpool_run a start
		tap_is "a good start" $? 0
	else
		tap_is "after every bad stop, tank is still imported" "$(zp_imported a)" tank
	fi
done
zpool_run a stop
tap_is "a good stop" $? 0

bad 6 "guid $other_guid is pool 'other', not pool=tank" start pool=tank \
	search_dirs="$(zfs_disks)" guid="$other_guid"
bad 1 "no pool tank found in $empty" start pool=tank search_dirs="$empty"
bad 1 "no pool nosuch found" start pool=nosuch search_dirs="$(zfs_disks)"
tap_is "nothing was imported" "$(zp_imported a)" ""
tap_done
