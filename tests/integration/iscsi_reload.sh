#!/bin/bash
# reload-agent on tgt: a client writes to LUN 1 without pause (the drill
# client, logging every login) while LUN 2 is added and removed and the
# ACL gains and loses an address. LUN 1's session goes on: one login in
# the client's log, no disconnect, no failed write, tgtd's I_T nexus the
# same before and after, every acknowledged write on disk. LUN 2 appears
# with its derived identity and goes away; the added address may log in,
# then may not. A reload that would change what stays (LUN 1's backing) is
# refused with nothing changed; a reload of a target that is not running
# fails. Both parameters are declared reloadable in the meta-data.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start iscrld a client other
NET=${TWINHEAD_LAB_NET4:-10.213.0}
A=$NET.11 CLIENT=$NET.12 OTHER=$NET.13
IQN=iqn.2024-01.org.twinhead:reload
tgtd_start a || tap_done
d1=$(shared_file d1.img 16M)
d2=$(shared_file d2.img 8M)
d3=$(shared_file d3.img 8M)
SHARED=$(lab_state_dir)/shared
ITGT_PARAMS=(iqn=$IQN "portals=$A:3260")

agent_run a iscsitarget meta-data && md=$(cat "$AGENT_OUT")
for p in luns allowed_initiators; do
	tap_like "meta-data: $p is reloadable" "$md" "<parameter name=\"$p\"[^>]*reloadable=\"1\""
done
tap_like "meta-data: reload-agent action" "$md" '<action name="reload-agent"'

itgt a reload-agent "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "reload of a target that is not running fails" $? 1
tap_like "  saying so" "$(agent_reason)" "not in tgtd.*nothing to reload"

itgt a start "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "start with LUN 1" $? 0 || tap_diag "$(agent_reason)"

nexus() { tgt_targets a | sed -n 's/^ *I_T nexus: //p' | tr '\n' ' '; }
count_events() {
	awk -v w="$2" '$2 == w { n++ } END { print n + 0 }' "$1"
}
RELOAD_CLIENT_T_S=10
# wait_acks LOG N: until the log has N more acknowledged writes than now.
wait_acks() {
	local want=$(($(count_events "$1" ack) + $2))
	# A write is a few ms quiet; the client gives up after its own -t
	# without a session: that, plus LAB_START_S, bounds any N here.
	lab_wait_for $((RELOAD_CLIENT_T_S + LAB_START_S)) "$2 more acknowledged writes" acks_reach "$1" "$want"
}
acks_reach() {
	local n
	n=$(count_events "$1" ack)
	((n >= $2)) || { echo "$n acks"; return 1; }
}

log=$SHARED/reload.log
# shellcheck disable=SC2016 # expanded by that sh
lab_exec client sh -c 'echo $$ >"$0"; exec "$@"' "$log.pid" \
	"$ISCSI_CLIENT" -T 1000 -t "$RELOAD_CLIENT_T_S" "$A" $IQN 1 drill 0 1000 "$log" >"$log.out" 2>"$log.err" &
drill=$!
wait_acks "$log" 100
tap_is "the client writes to LUN 1" $? 0 || tap_diag "$(cat "$log.err")"
nexus_before=$(nexus)
tap_like "  tgtd shows its session" "$nexus_before" '^[0-9]+ $'

itgt a reload-agent "luns=1:$d1 2:$d2" allowed_initiators=$CLIENT
tap_is "reload adds LUN 2" $? 0 || tap_diag "$(agent_reason)"
tap_like "  the agent counted one LUN created, none removed" "$(cat "$AGENT_ERR")" \
	"reloaded \(2 LUNs\): [0-9]+ calls, 1 objects created, 0 removed"
tap_is "  LUN 2 answers READ CAPACITY (8 MiB)" "$(client -- "$A" $IQN 2 capacity)" \
	"lba=16383 block_size=512 bytes=8388608"
want=$(printf '%s\0%s' $IQN 2 | sha256sum | cut -c33-48)
tap_like "  with its derived serial" "$(client -- "$A" $IQN 2 inquiry | sed -n 's/^vpd80 //p')" \
	"$(printf '%s' "$want" | od -An -tx1 | tr -d ' \n')\$"
itgt a monitor "luns=1:$d1 2:$d2" allowed_initiators=$CLIENT
tap_is "  monitor with the new luns" $? 0 || tap_diag "$(agent_reason)"
wait_acks "$log" 50
tap_is "  the client kept writing to LUN 1" $? 0

client other -- "$A" $IQN 1 login >/dev/null 2>&1
tap_is "$OTHER may not log in yet" $? 3
itgt a reload-agent "luns=1:$d1 2:$d2" "allowed_initiators=$CLIENT $OTHER"
tap_is "reload adds $OTHER to allowed_initiators" $? 0 || tap_diag "$(agent_reason)"
client other -- "$A" $IQN 2 capacity >/dev/null
tap_is "  now it logs in (LUN 2)" $? 0

before=$(tgt_targets a)
itgt a reload-agent "luns=1:$d3 2:$d2" "allowed_initiators=$CLIENT $OTHER"
tap_is "a reload that changes LUN 1's backing is refused" $? 1
tap_like "  saying which LUN" "$(agent_reason)" "LUN 1 of target $IQN is backed by $d1, not by $d3"
tap_is "  and changes nothing" "$(tgt_targets a)" "$before"

itgt a reload-agent "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "reload removes LUN 2 and $OTHER" $? 0 || tap_diag "$(agent_reason)"
tap_like "  the agent counted two objects removed" "$(cat "$AGENT_ERR")" \
	"reloaded \(1 LUNs\): [0-9]+ calls, 0 objects created, 2 removed"
out=$(client -- "$A" $IQN 2 capacity 2>&1)
tap_isnt "  LUN 2 is gone" "$?" 0
client other -- "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  $OTHER may not log in any more" $? 3
itgt a reload-agent "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "the same reload again is a success" $? 0
tap_like "  that changes nothing" "$(cat "$AGENT_ERR")" "0 objects created, 0 removed"
itgt a monitor "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "monitor with the old luns again" $? 0 || tap_diag "$(agent_reason)"

wait_acks "$log" 50
tap_is "the client still writes to LUN 1" $? 0
tap_is "  through the same I_T nexus (no new session)" "$(nexus)" "$nexus_before"
lab_exec client kill -TERM "$(cat "$log.pid")"
wait "$drill"
tap_is "the client stops cleanly" $? 0 || tap_diag "$(tail -5 "$log.err")"
tap_is "  it logged in once" "$(count_events "$log" connected)" 1
tap_is "  it never lost its session" "$(count_events "$log" disconnected)" 0
tap_is "  no write failed" "$(count_events "$log" fail)" 0
tap_like "  its last line says so" "$(tail -n 1 "$log")" ' stop acked=[0-9]+ failed=0 reconnects=0$'
tap_diag "$(count_events "$log" ack) writes acknowledged during the reloads"
out=$(client -- "$A" $IQN 1 verify-log "$log")
tap_like "every acknowledged write is on disk" "$out" '^verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
	tap_diag "$out"

itgt a stop "luns=1:$d1" allowed_initiators=$CLIENT
tap_is "stop" $? 0
tap_is "tgtd has no target" "$(tgt_targets a)" ""
tap_done
