#!/bin/bash
# iscsitarget validate-all outside a cluster, without root and without any
# daemon: bad parameters get OCF_ERR_CONFIGURED (6) and a reason that names
# the problem; a missing tool or secret file on this node gets
# OCF_ERR_INSTALLED (5), a secret file others can read OCF_ERR_PERM (4); a
# good configuration passes. validate-all changes nothing.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

bin=$TH_BUILDDIR/agents/iscsitarget/iscsitarget
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(umask 077 && echo "good-secret-12" >"$tmp/chap")
echo "good-secret-12" >"$tmp/chap-readable"
chmod 0644 "$tmp/chap-readable"
IQN=iqn.2024-01.com.example:tank

# expect RC REASON-REGEX KEY=VALUE...  (tgtadm "installed" as /bin/true)
expect() {
	local want=$1 regex=$2 rc reason
	shift 2
	local env=(env -i TWINHEAD_TOOL_TGTADM=/bin/true TWINHEAD_TOOL_CTLADM=/nonexistent)
	for kv in "$@"; do env+=("OCF_RESKEY_$kv"); done
	"${env[@]}" "$bin" validate-all 2>"$tmp/err" >/dev/null
	rc=$?
	reason=$(sed -n 's/^ocf-exit-reason://p' "$tmp/err" | tail -1)
	tap_is "validate-all $* -> $want" "$rc" "$want"
	if [[ -n $regex ]]; then
		tap_like "  reason names the problem" "$reason" "$regex"
	fi
}

expect 0 "" iqn=$IQN "luns=1:/tank/a 2:/tank/b"
expect 0 "" iqn=$IQN "luns=1:/tank/a,2:/tank/b" "portals=10.0.0.100:3260,[fd00::100]" \
	"allowed_initiators=iqn.2024-01.com.example:h1 10.0.0.0/24" incoming_username=h1 \
	secret_file="$tmp/chap" block_size=4096 write_cache=true tid=7 "serials=1:ABC" \
	"device_ids=2:0123456789abcdef0123456789abcdef" implementation=tgt
expect 0 "" iqn=eui.02004567A425678D "luns=1:/tank/a"
expect 6 "'iqn' is required" "luns=1:/tank/a"
expect 6 "'luns' is required" iqn=$IQN
expect 6 "lower case" iqn=iqn.2024-01.com.Example:tank "luns=1:/tank/a"
expect 6 "iqn., eui. or naa." iqn=tank "luns=1:/tank/a"
expect 6 "LUN 0 for its controller" iqn=$IQN "luns=0:/tank/a"
expect 6 "listed twice" iqn=$IQN "luns=1:/tank/a 1:/tank/b"
expect 6 "one file, one LUN" iqn=$IQN "luns=1:/tank/a 2:/tank/a"
expect 6 "must be absolute" iqn=$IQN "luns=1:tank/a"
expect 6 "brackets" iqn=$IQN "luns=1:/tank/a" portals=fd00::1
expect 6 "1 to 65535" iqn=$IQN "luns=1:/tank/a" portals=10.0.0.1:99999
expect 6 "ALL alone" iqn=$IQN "luns=1:/tank/a" "allowed_initiators=ALL iqn.2024-01.com.example:h1"
expect 6 "neither ALL" iqn=$IQN "luns=1:/tank/a" allowed_initiators=somehost
expect 6 "both incoming_username and secret_file" iqn=$IQN "luns=1:/tank/a" incoming_username=h1
expect 6 "CHAP user name" iqn=$IQN "luns=1:/tank/a" "incoming_username=a b" secret_file="$tmp/chap"
expect 6 "512, 1024, 2048 or 4096" iqn=$IQN "luns=1:/tank/a" block_size=520
expect 6 "out of range" iqn=$IQN "luns=1:/tank/a" tid=0
expect 6 "1 to 8 characters" iqn=$IQN "luns=1:/tank/a" vendor_id=TOOLONGVENDOR
expect 6 "not in luns" iqn=$IQN "luns=1:/tank/a" "serials=2:X"
expect 6 "32 hex digits" iqn=$IQN "luns=1:/tank/a" "device_ids=1:abc"
expect 6 "not one of: tgt, ctld, lio" iqn=$IQN "luns=1:/tank/a" implementation=iet
expect 6 "lio needs portals" iqn=$IQN "luns=1:/tank/a" implementation=lio
expect 6 "by name only" iqn=$IQN "luns=1:/tank/a" implementation=lio portals=10.0.0.1 allowed_initiators=10.0.0.5
expect 0 "" iqn=$IQN "luns=0:/tank/a 1:/tank/b" implementation=lio portals=10.0.0.1 allowed_initiators=ALL
expect 6 "unknown parameter 'lun'" iqn=$IQN "lun=1:/tank/a"
expect 6 "either initiator names or addresses" iqn=$IQN "luns=0:/tank/a" implementation=ctld \
	"allowed_initiators=iqn.2024-01.com.example:h1 10.0.0.1"
expect 5 "ctld" iqn=$IQN "luns=0:/tank/a" implementation=ctld
expect 5 "does not exist on this node" iqn=$IQN "luns=1:/tank/a" incoming_username=h1 \
	secret_file="$tmp/nope"
expect 4 "chmod 600" iqn=$IQN "luns=1:/tank/a" incoming_username=h1 \
	secret_file="$tmp/chap-readable"
(umask 077 && echo "tiny5" >"$tmp/chap-bad")
expect 6 "12 to 16" iqn=$IQN "luns=1:/tank/a" incoming_username=h1 secret_file="$tmp/chap-bad"
tap_unlike "  the reason never shows the secret" "$(cat "$tmp/err")" "tiny5"
tap_done
