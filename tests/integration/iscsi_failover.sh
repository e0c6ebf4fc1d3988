#!/bin/bash
# Failover as an initiator lives it. Head a serves the target behind a
# floating IP; the client writes sequence-numbered blocks, reading each one
# back. Head a loses power; head b starts the same target on the same
# backing file (the shared directory stands in for the pool that would be
# imported there), then takes the floating IP (gratuitous ARP). The client's
# session resumes on b by itself (libiscsi reconnect, TCP user timeout
# 2 s), it sees UNIT ATTENTION 29/00 from the new target and retries, and
# every block it ever had acknowledged, on a or on b, reads back intact.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start iscfail a b client
NET=${TWINHEAD_LAB_NET4:-10.213.0}
VIP=$NET.100
IQN=iqn.2024-01.org.twinhead:fail
BLOCKS=1000
tgtd_start a || tap_done
tgtd_start b || tap_done
disk=$(shared_file fail.img 32M)
ITGT_PARAMS=(iqn=$IQN "luns=1:$disk" allowed_initiators=ALL portals=$VIP:3260)
FIP=(ip=$VIP cidr_netmask=24 nic=eth0)

# Target first, then the address: initiators find it complete.
itgt a start
tap_is "target up on a" $? 0 || tap_diag "$(agent_reason)"
agent_run a floatip start "${FIP[@]}"
tap_is "floating IP on a" $? 0

out=$LAB_TMP/stream.out
err=$LAB_TMP/stream.err
lab_exec client timeout 90 "$ISCSI_CLIENT" -T 2000 -t 60 "$VIP" $IQN 1 stream 0 $BLOCKS 9 5 >"$out" 2>"$err" &
writer=$!
# Until 150 blocks are acknowledged: the client gives up by itself after
# -t 60 s without a session; past that (and the lab's start bound for the
# client) nothing changes.
acked_at_least() { # FILE N
	local n
	n=$(grep -c '^acked' "$1" 2>/dev/null)
	((${n:-0} >= $2)) || { echo "${n:-0} blocks acknowledged"; return 1; }
}
lab_wait_for $((60 + LAB_START_S)) "150 acknowledged blocks" acked_at_least "$out" 150
before=$(grep -c '^acked' "$out")
tap_like "the client is writing through a ($before blocks acknowledged)" "$before" '^[0-9]+$'

t0=$(date +%s%N)
lab_poweroff a >/dev/null
itgt b start
tap_is "target up on b, same tid, same backing file" $? 0 || tap_diag "$(agent_reason)"
agent_run b floatip start "${FIP[@]}"
tap_is "floating IP on b" $? 0
t1=$(date +%s%N)
tap_diag "takeover (target + IP on b) took $(((t1 - t0) / 1000000)) ms after the power loss"

wait $writer
rc=$?
summary=$(grep '^stream ' "$out")
tap_is "the client finished without an error" $rc 0 || tap_diag "$(tail -5 "$err")"
tap_like "  all $BLOCKS blocks written and verified" "$summary" "written=$BLOCKS verified=$BLOCKS"
uas=$(sed -n 's/.*unit_attentions=\([0-9]*\).*/\1/p' <<<"$summary")
tap_like "  it saw the new target's UNIT ATTENTION and retried" "$uas" '^[1-9]'
tap_diag "$summary"
tap_diag "$(grep -i 'unit attention' "$err" | head -2)"
after=$(grep -c '^acked' "$out")
((after > before)) && tap_ok "  it went on writing after the failover ($before before, $after in all)" ||
	tap_not_ok "  it went on writing after the failover ($before before, $after in all)"
tap_is "a fresh session on b reads every block back intact" \
	"$(client -- "$VIP" $IQN 1 verify 0 $BLOCKS 9)" "verified $BLOCKS"
itgt b monitor
tap_is "monitor on b" $? 0
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
itgt b monitor
tap_is "monitor depth 10 on b (login on the floating IP)" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
itgt b stop
tap_is "stop on b" $? 0
tap_done
