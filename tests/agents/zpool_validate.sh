#!/bin/bash
# zpool validate-all outside a cluster, without root and without ZFS: every
# bad parameter gets OCF_ERR_CONFIGURED (6) and a reason that names the
# problem; a node without zpool, or without a search directory, gets
# OCF_ERR_INSTALLED (5); a good configuration passes. validate-all never
# runs zpool (a stand-in that records its calls proves it).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

bin=$TH_BUILDDIR/agents/zpool/zpool
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/disks" "$tmp/more"
# A zpool that leaves a trace if anyone runs it.
printf '#!/bin/sh\necho "$@" >>%s/zpool.calls\nexit 1\n' "$tmp" >"$tmp/zpool"
chmod +x "$tmp/zpool"

# expect RC REASON-REGEX KEY=VALUE...
expect() {
	local want=$1 regex=$2 rc reason
	shift 2
	local env=(env -i TWINHEAD_TOOL_ZPOOL="$tmp/zpool" TWINHEAD_TOOL_ZFS="$tmp/zpool")
	for kv in "$@"; do env+=("OCF_RESKEY_$kv"); done
	"${env[@]}" "$bin" validate-all 2>"$tmp/err" >/dev/null
	rc=$?
	reason=$(sed -n 's/^ocf-exit-reason://p' "$tmp/err" | tail -1)
	tap_is "validate-all $* -> $want" "$rc" "$want"
	if [[ -n $regex ]]; then
		tap_like "  reason names the problem" "$reason" "$regex"
	fi
}

expect 0 "" pool=tank
expect 0 "" pool=tank "search_dirs=$tmp/disks $tmp/more" cachefile=none altroot=/mnt/x \
	mount=false force=never export_force=true busy_retries=0 probe_dataset=tank/fs \
	guid=11419760951921519258
expect 0 "" "pool=my pool" cachefile=/etc/zfs/zpool.cache force=always
expect 6 "'pool' is required" search_dirs=/dev
expect 6 "begin with a letter" pool=1tank
expect 6 "begin with a letter" pool=-f
expect 6 "separates datasets" pool=tank/fs
expect 6 "snapshot" pool=tank@now
expect 6 "reserved" pool=mirror1
expect 6 "reserved" pool=log
expect 6 "not allowed" 'pool=ta$nk'
expect 6 "decimal number" pool=tank guid=0x1234
expect 6 "absolute" pool=tank search_dirs=dev/disk
expect 6 "at most 16" pool=tank "search_dirs=$(printf '/d%d ' $(seq 17))"
expect 6 "'none' or an absolute path" pool=tank cachefile=zpool.cache
expect 6 "absolute path" pool=tank altroot=mnt
expect 6 "not one of: never, fenced, always" pool=tank force=yes
expect 6 "not a boolean" pool=tank mount=sometimes
expect 6 "not a boolean" pool=tank export_force=2
expect 6 "out of range" pool=tank busy_retries=100
expect 6 "not an integer" pool=tank busy_retries=three
expect 6 "not a dataset of pool tank" pool=tank probe_dataset=other/fs
expect 6 "empty component" pool=tank probe_dataset=tank//fs
expect 6 "unknown parameter 'importforce'" pool=tank importforce=true
expect 5 "not a directory on this node" pool=tank "search_dirs=$tmp/disks $tmp/nonexistent"
env -i TWINHEAD_TOOL_ZPOOL=/nonexistent/zpool OCF_RESKEY_pool=tank "$bin" validate-all \
	2>"$tmp/err" >/dev/null
tap_is "validate-all without zpool -> 5" "$?" 5
tap_like "  reason names zpool" "$(sed -n 's/^ocf-exit-reason://p' "$tmp/err")" "/nonexistent/zpool"

# Bad parameters stop every action before it touches anything.
for action in start stop monitor; do
	env -i TWINHEAD_TOOL_ZPOOL="$tmp/zpool" OCF_RESKEY_pool=tank OCF_RESKEY_force=sometimes \
		"$bin" $action 2>/dev/null >/dev/null
	tap_is "$action with a bad force -> 6" "$?" 6
done
tap_is "zpool was never run" "$(cat "$tmp/zpool.calls" 2>/dev/null)" ""
tap_done
