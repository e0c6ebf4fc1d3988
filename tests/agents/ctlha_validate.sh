#!/bin/bash
# ctlha's production build on Linux: parameters are checked with reasons an
# admin can act on (OCF_ERR_CONFIGURED, 6), and a good configuration ends
# with OCF_ERR_INSTALLED (5) and "CTL HA exists only on FreeBSD". Probes
# say not installed, stop and notify succeed (nothing can run here).
# Needs no root: nothing is changed.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

bin=$TH_BUILDDIR/agents/ctlha/ctlha
[[ -x $bin ]] || tap_skip_all "$bin not built (run make)"
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# run ACTION [KEY=VALUE...]: rc in $rc, reason in $reason
run() {
	local action=$1
	shift
	local env=(env -i OCF_RESOURCE_INSTANCE=ctl)
	for kv in "$@"; do env+=("OCF_RESKEY_$kv"); done
	"${env[@]}" "$bin" "$action" 2>"$err" >/dev/null
	rc=$?
	reason=$(sed -n 's/^ocf-exit-reason://p' "$err" | tail -1)
}

# expect RC REASON-REGEX KEY=VALUE...  (validate-all)
expect() {
	local want=$1 regex=$2
	shift 2
	run validate-all "$@"
	tap_is "validate-all $* -> $want" "$rc" "$want"
	[[ -z $regex ]] || tap_like "  reason names the problem" "$reason" "$regex"
}

expect 5 "CTL HA exists only on FreeBSD" peer=10.0.0.1:7777
expect 5 "CTL HA exists only on FreeBSD" peer=10.0.0.1 listen=2 mode=0 link_timeout=0 \
	lun_roles="0=1, 1=2" pool=tank
expect 6 "'peer' is required" listen=1
expect 6 "not a dotted IPv4 address" peer=head-b:7777
expect 6 "loopback" peer=127.0.0.1:7777
expect 6 "port 70000 is not from 1 to 65535" peer=10.0.0.1:70000
expect 6 "'listen'.*1, 2" peer=10.0.0.1 listen=3
expect 6 "'mode'.*0, 1, 2" peer=10.0.0.1 mode=active
expect 6 "out of range" peer=10.0.0.1 link_timeout=-1
expect 6 "not an integer" peer=10.0.0.1 link_timeout=10s
expect 6 "'0=3' is not LUN=HAID" peer=10.0.0.1 lun_roles=0=3
expect 6 "LUN 4 is named twice" peer=10.0.0.1 lun_roles="4=1,4=2"
expect 6 "not a ZFS pool name" peer=10.0.0.1 pool=1tank
expect 6 "unknown parameter 'ha_peer'" peer=10.0.0.1 ha_peer=listen

env -i OCF_RESKEY_peer=10.0.0.1 OCF_RESKEY_CRM_meta_interval=0 "$bin" monitor >/dev/null 2>&1
tap_is "probe on Linux: not installed" $? 5
run stop peer=10.0.0.1
tap_is "stop on Linux: nothing runs, success" "$rc" 0
run notify peer=10.0.0.1
tap_is "notify on Linux: success" "$rc" 0
run start peer=10.0.0.1
tap_is "start on Linux: not installed" "$rc" 5
tap_like "  with the reason" "$reason" "CTL HA exists only on FreeBSD"
run promote peer=10.0.0.1
tap_is "promote on Linux: not installed" "$rc" 5
tap_done
