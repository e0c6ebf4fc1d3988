#!/bin/bash
# floatip validate-all outside a cluster: bad parameters get OCF_ERR_CONFIGURED
# (6) and a reason; a nic this node lacks gets OCF_ERR_INSTALLED (5); a good
# configuration passes. Needs no root: validate-all changes nothing.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

bin=$TH_BUILDDIR/agents/floatip/floatip
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# expect RC REASON-REGEX KEY=VALUE...
expect() {
	local want=$1 regex=$2 rc reason
	shift 2
	local env=(env -i)
	for kv in "$@"; do env+=("OCF_RESKEY_$kv"); done
	"${env[@]}" "$bin" validate-all 2>"$err" >/dev/null
	rc=$?
	reason=$(sed -n 's/^ocf-exit-reason://p' "$err" | tail -1)
	tap_is "validate-all $* -> $want" "$rc" "$want"
	if [[ -n $regex ]]; then
		tap_like "  reason names the problem" "$reason" "$regex"
	fi
}

expect 0 "" ip=10.213.77.1 nic=lo cidr_netmask=24
expect 0 "" ip=fd00:77::1 nic=lo cidr_netmask=64
expect 0 "" ip=10.213.77.1 nic=lo cidr_netmask=255.255.255.0
expect 6 "'ip' is required" nic=lo
expect 6 "not an IPv4 or IPv6 address" ip=10.213.77.256 nic=lo
expect 6 "not an IPv4 or IPv6 address" ip=myhost nic=lo
expect 6 "multicast" ip=224.0.0.5 nic=lo
expect 6 "loopback" ip=127.0.0.2 nic=lo
expect 6 "link-local" ip=fe80::5 nic=lo
expect 6 "does not fit IPv4" ip=10.213.77.1 nic=lo cidr_netmask=64
expect 6 "prefix length" ip=10.213.77.1 nic=lo cidr_netmask=255.0.255.0
expect 6 "does not fit IPv6" ip=fd00:77::1 nic=lo cidr_netmask=255.255.255.0
expect 6 "alias labels" ip=10.213.77.1 nic=eth0:1
expect 6 "at most 15" ip=10.213.77.1 nic=abcdefghijklmnopq
expect 6 "out of range" ip=10.213.77.1 nic=lo arp_count=1000
expect 6 "not an integer" ip=10.213.77.1 nic=lo arp_interval_ms=fast
expect 0 "" ip=10.213.77.1 nic=lo reset_connections=false
expect 6 "not a boolean" ip=10.213.77.1 nic=lo reset_connections=sometimes
expect 6 "unknown parameter 'netmask'" ip=10.213.77.1 nic=lo netmask=24
expect 5 "does not exist on this node" ip=10.213.77.1 nic=nosuchnic0
tap_done
