#!/bin/bash
# tests/tools/iscsi-client -d: the drill's block-device mode (what it runs
# on the device the kernel's open-iscsi makes, in tests/vm/drill.sh), here
# on a loop device: capacity from the device, a drill stopped by SIGTERM
# with the log grammar verify-log accepts, every acknowledged write read
# back through the device, a damaged block named, LBAs beyond the device
# refused. A loop device has no iSCSI session: the client says so and
# never disconnects (the session's side runs in the VM tier only).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

((EUID == 0)) || tap_skip_all "losetup needs root"
command -v losetup >/dev/null || tap_skip_all "losetup not found"
CLIENT=$TH_BUILDDIR/tests/tools/iscsi-client
[[ -x $CLIENT ]] || tap_skip_all "tests/tools/iscsi-client not built (make check builds it)"

TMP=$(mktemp -d)
DEV=
cleanup() { # shellcheck disable=SC2317 # called by the EXIT trap
	[[ -n $DEV ]] && losetup -d "$DEV" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
truncate -s 4M "$TMP/disk.img"
DEV=$(losetup -f --show "$TMP/disk.img") || tap_skip_all "no free loop device"
NL=$'\n'

tap_is "capacity from the device" "$("$CLIENT" -d "$DEV" capacity)" "lba=8191 block_size=512 bytes=4194304"

log=$TMP/drill.log
"$CLIENT" -t 10 -d "$DEV" drill 0 100 "$log" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do
	n=$(grep -c ' ack ' "$log" 2>/dev/null)
	((${n:-0} >= 150)) && break
	sleep 0.1
done
kill -TERM $pid
wait $pid
tap_is "the drill stops on SIGTERM with status 0" $? 0 || tap_diag "$(cat "$TMP/err")"
acked=$(grep -c ' ack ' "$log")
tap_like "  it wrote and wrapped around its 100 LBAs ($acked acknowledged)" "$acked" '^(1[5-9][0-9]|[2-9][0-9]{2}|[0-9]{4,})$'
tap_like "  its first line: connected to the device" "$(head -1 "$log")" "^[0-9]+ connected $DEV\$"
tap_like "  its last: the stop line, no failure, no reconnect" "$(tail -1 "$log")" \
	"^[0-9]+ stop acked=$acked failed=0 reconnects=0\$"
tap_like "  it says there is no session to watch" "$(cat "$TMP/err")" "$DEV is not an iSCSI LUN: no session to watch"
tap_is "  and prints its counts" "$(cat "$TMP/out")" "drill acked=$acked failed=0 reconnects=0"

out=$("$CLIENT" -d "$DEV" verify-log "$log" 2>&1)
tap_is "verify-log through the device: every acknowledged write is there" "$out" "verify-log lbas=100 acked=$acked ok"

# One byte of the last acknowledged block, behind the client's back.
read -r seq lba < <(awk '$2 == "ack" { s = $3; l = $4 } END { print s, l }' "$log")
printf '\x5a' | dd of="$DEV" bs=1 seek=$((lba * 512 + 100)) conv=notrunc status=none
sync
out=$("$CLIENT" -d "$DEV" verify-log "$log" 2>&1)
rc=$?
tap_is "a damaged block: verify-log exits 1" $rc 1
tap_like "  and names it" "$out" "(^|$NL)lba $lba: expected seq $seq, found checksum mismatch"
tap_like "  and counts it" "$out" "verify-log lbas=100 acked=$acked bad=1\$"

"$CLIENT" -d "$DEV" drill 8190 10 "$TMP/beyond.log" >/dev/null 2>"$TMP/err"
tap_is "LBAs beyond the device: exit 2" $? 2
tap_like "  naming them" "$(cat "$TMP/err")" 'LBAs 8190\.\.8199 not within 8192 blocks of 512 bytes'
"$CLIENT" -d "$TMP/disk.img" capacity >/dev/null 2>"$TMP/err"
tap_is "a regular file is not a device: exit 2" $? 2
tap_like "  saying so" "$(cat "$TMP/err")" 'disk\.img is not a block device'
tap_done
