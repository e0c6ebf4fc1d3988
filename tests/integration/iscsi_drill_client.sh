#!/bin/bash
# The failover drill's client (tests/tools/iscsi-client drill, verify-log)
# through real failovers. Head a serves the target behind a floating IP;
# the client writes without pause and logs every event. Round 1: a dies
# silently (cable first, then power), and only 2.5 s later b starts the
# same target on the same backing file and takes the floating IP: the
# client must notice by itself, within about its TCP user timeout (-T
# 1000), keep trying to log in, and be back soon after the takeover.
# Round 2: a is back, b loses power the way the lab does it (its dying
# tgtd's FIN still gets out), a takes over at once. Then SIGTERM: the
# client stops cleanly, and verify-log finds every acknowledged write on
# disk. verify-log must also catch a damaged block and an older block
# where an acknowledged one should be, and refuse a log with a line
# missing; the client exits 4 when it never logged in.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start ydrill a b client
NET=${TWINHEAD_LAB_NET4:-10.213.0}
VIP=$NET.100
IQN=iqn.2024-01.org.twinhead:ydrill
BLOCKS=1000
SHARED=$(lab_state_dir)/shared
tgtd_start a || tap_done
tgtd_start b || tap_done
disk=$(shared_file drill.img 32M)
ITGT_PARAMS=("iqn=$IQN" "luns=1:$disk" allowed_initiators=ALL "portals=$VIP:3260")
FIP=("ip=$VIP" cidr_netmask=24 nic=eth0)

NL=$'\n'

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# count_events LOG WORD [AFTER_US]: lines "US WORD ..." with US > AFTER_US.
count_events() {
	awk -v w="$2" -v t="${3:-0}" '$2 == w && $1 > t { n++ } END { print n + 0 }' "$1"
}

# first_event LOG WORD AFTER_US: the time of the first "US WORD" after AFTER_US.
first_event() {
	awk -v w="$2" -v t="$3" '$2 == w && $1 > t { print $1; exit }' "$1"
}

# ms US1 US0: milliseconds from US0 to US1.
ms() {
	echo $((($1 - $2) / 1000))
}

# The drill client gives up after -t DRILL_T_S without a session: past
# that (plus the lab's start bound for the client itself) nothing changes.
DRILL_T_S=10
DRILL_WAIT_S=$((DRILL_T_S + LAB_START_S))

# back_after AFTER_US: a login after AFTER_US and an ack after that login
# are in the log; sets t_conn and t_ack.
back_after() {
	t_conn=$(first_event "$log" connected "$1") t_ack=''
	[[ -n $t_conn ]] && t_ack=$(first_event "$log" ack "$t_conn")
	[[ -n $t_ack ]] || { echo "login at '${t_conn:-none}', no ack after it"; return 1; }
}

# wait_back AFTER_US: until a login after AFTER_US and an ack after that
# (DRILL_WAIT_S). Sets t_disc, t_conn and t_ack: the first disconnected,
# connected and ack (after that login) lines' times, or empty.
wait_back() {
	lab_wait_for "$DRILL_WAIT_S" "the drill client back after $1" back_after "$1"
	back_after "$1" >/dev/null
	t_disc=$(first_event "$log" disconnected "$1")
}

# drill_start LOG PORTAL: the drill client in the background; $drill is
# the local pid, $LOG.pid holds its pid inside the client node.
drill_start() {
	# shellcheck disable=SC2016 # expanded by that sh
	lab_exec client sh -c 'echo $$ >"$0"; exec "$@"' "$1.pid" \
		"$ISCSI_CLIENT" -T 1000 -t "$DRILL_T_S" "$2" $IQN 1 drill 0 $BLOCKS "$1" \
		>"$1.out" 2>"$1.err" &
	drill=$!
	lab_wait_for "$LAB_START_S" "the drill client's pid file" test -s "$1.pid"
}

# drill_stop LOG: SIGTERM to the client; its exit status.
drill_stop() {
	lab_exec client kill -TERM "$(cat "$1.pid")"
	wait "$drill"
}

itgt a start
tap_is "target up on a" $? 0 || tap_diag "$(agent_reason)"
agent_run a floatip start "${FIP[@]}"
tap_is "floating IP on a" $? 0

log=$SHARED/drill.log
drill_start "$log" "$VIP"
acks_at_least() {
	local n
	n=$(count_events "$1" ack)
	((n >= $2)) || { echo "$n acks"; return 1; }
}
lab_wait_for "$DRILL_WAIT_S" "500 acknowledged writes" acks_at_least "$log" 500
sleep 1
tap_is "the client logged in to a once" "$(count_events "$log" connected)" 1
before=$(count_events "$log" ack)
tap_like "it writes through a ($before writes acknowledged)" "$before" '^[0-9]{3,}$'
read -r t_first t_last < <(awk '$2 == "ack" { if (!f) f = $1; l = $1 } END { print f, l }' "$log")
if ((t_last > t_first)); then
	tap_diag "write rate on a: $(((before - 1) * 1000000 / (t_last - t_first))) acknowledged writes/s" \
		"(one at a time, 512-byte WRITE(16) with FUA)"
fi

# Round 1, a silent death: a's cable goes first, so not even the FIN of
# its dying tgtd gets out. Only a timeout can tell the client. b takes
# over 2.5 s later, about when a cluster would have noticed (LAB-NOTES:
# 2-4 s).
t_off=$(now_us)
lab_cable a down
lab_poweroff a >/dev/null
sleep 2.5
t_take=$(now_us)
itgt b start
tap_is "target up on b, same tid, same backing file" $? 0 || tap_diag "$(agent_reason)"
agent_run b floatip start "${FIP[@]}"
tap_is "floating IP on b" $? 0
t_up=$(now_us)
wait_back "$t_off"
tap_like "silent death: the client noticed" "$t_disc" '^[0-9]+$' || tap_diag "$(tail -5 "$log")"
tap_like "  logged in again (on b)" "$t_conn" '^[0-9]+$'
tap_like "  and its writes are acknowledged again" "$t_ack" '^[0-9]+$' || tap_diag "$(tail -5 "$log.err")"
if [[ -n $t_disc && -n $t_conn && -n $t_ack ]]; then
	tap_diag "after the power loss: disconnected at $(ms "$t_disc" "$t_off") ms; takeover from" \
		"$(ms "$t_take" "$t_off") to $(ms "$t_up" "$t_off") ms; logged in at $(ms "$t_conn" "$t_off") ms," \
		"first ack at $(ms "$t_ack" "$t_off") ms"
	# By the timeout (-T 1000, a NOP-Out after 100 ms unanswered, and
	# the kernel's retransmission timer), before anyone answered for the
	# IP again.
	d=$(ms "$t_disc" "$t_off")
	if ((d >= 1000 && t_disc < t_take)); then
		tap_ok "  by the time-out, before the takeover ($d ms)"
	else
		tap_not_ok "  by the time-out, before the takeover ($d ms)"
	fi
	if ((t_conn > t_take && t_ack - t_up < 1000000)); then
		tap_ok "  back within 1 s of the takeover"
	else
		tap_not_ok "  back within 1 s of the takeover"
	fi
fi
tap_diag "$(awk -v t="$t_off" '$1 > t && $2 != "ack"' "$log")"

# Round 2, the lab's power loss as it is: b's processes die before its
# link, so the client sees the connection closed at once. a takes over at
# once.
lab_poweron a
tgtd_start a || tap_done
sleep 0.5
t_off=$(now_us)
lab_poweroff b >/dev/null
itgt a start
tap_is "target up on a again" $? 0 || tap_diag "$(agent_reason)"
agent_run a floatip start "${FIP[@]}"
tap_is "floating IP on a again" $? 0
t_up=$(now_us)
wait_back "$t_off"
tap_like "power loss with a FIN: the client noticed" "$t_disc" '^[0-9]+$'
tap_like "  and came back to a" "$t_ack" '^[0-9]+$'
if [[ -n $t_disc && -n $t_conn && -n $t_ack ]]; then
	tap_diag "after the power loss: takeover done at $(ms "$t_up" "$t_off") ms; disconnected at" \
		"$(ms "$t_disc" "$t_off") ms, logged in at $(ms "$t_conn" "$t_off") ms," \
		"first ack at $(ms "$t_ack" "$t_off") ms"
fi
tap_diag "$(awk -v t="$t_off" '$1 > t && $2 != "ack"' "$log")"
sleep 0.5
tap_is "three logins in all" "$(count_events "$log" connected)" 3

drill_stop "$log"
tap_is "the client stops on SIGTERM with status 0" $? 0 || tap_diag "$(tail -5 "$log.err")"
last=$(tail -n 1 "$log")
tap_like "  its last line is the stop line" "$last" '^[0-9]+ stop acked=[0-9]+ failed=[0-9]+ reconnects=2$'
acked=$(count_events "$log" ack)
lbas=$(awk '$2 == "ack" || $2 == "fail" { print $4 }' "$log" | sort -u | wc -l)
tap_diag "$(cat "$log.out")"
tap_diag "$(sed 's/^/stderr: /' "$log.err")"
tap_like "the client read MODE SENSE: tgt advertises DPOFUA, so its writes carry FUA" \
	"$(cat "$log.err")" 'writes: FUA \(DPOFUA=1\)'

out=$(client -- "$VIP" $IQN 1 verify-log "$log" 2>&1)
tap_is "verify-log on a: every acknowledged write is there" "$out" \
	"verify-log lbas=$lbas acked=$acked ok"
# As if the client had been killed: no stop line.
head -n -1 "$log" >"$SHARED/killed.log"
out=$(client -- "$VIP" $IQN 1 verify-log "$SHARED/killed.log" 2>&1)
tap_is "  and on the log without its stop line" "$out" "verify-log lbas=$lbas acked=$acked ok"

# Damage: one byte of the block of the last acknowledged write, behind
# tgtd's back (it reads the file through the page cache, as dd writes it).
read -r seq lba < <(awk '$2 == "ack" { s = $3; l = $4 } END { print s, l }' "$log")
bs=$(client -- "$VIP" $IQN 1 capacity | sed -n 's/.* block_size=\([0-9]*\) .*/\1/p')
printf '\x5a' | dd of="$disk" bs=1 seek=$((lba * ${bs:-512} + 100)) conv=notrunc status=none
out=$(client -- "$VIP" $IQN 1 verify-log "$log" 2>&1)
rc=$?
tap_is "a damaged block: verify-log exits 1" $rc 1
tap_like "  and names it" "$out" "(^|$NL)lba $lba: expected seq $seq, found checksum mismatch"
tap_like "  and counts it" "$out" "verify-log lbas=$lbas acked=$acked bad=1\$"

# An older block where an acknowledged one should be: generation 1,
# written through the target.
lba2=$((lba == 19 ? 20 : 19))
client -- "$VIP" $IQN 1 write "$lba2" 1 1 >/dev/null
out=$(client -- "$VIP" $IQN 1 verify-log "$log" 2>&1)
rc=$?
tap_is "an older block: verify-log exits 1" $rc 1
tap_like "  and names it" "$out" "(^|$NL)lba $lba2: expected seq [0-9]+, found seq 1 \\(an older write"
tap_like "  both bad blocks counted" "$out" "bad=2\$"

# A log with one ack line missing is not a log the client wrote.
n=$(grep -n ' ack ' "$log" | sed -n '10p' | cut -d: -f1)
sed "${n}d" "$log" >"$SHARED/cut.log"
out=$(client -- "$VIP" $IQN 1 verify-log "$SHARED/cut.log" 2>&1)
rc=$?
tap_is "a log with a line missing: verify-log exits 2" $rc 2
tap_like "  naming the line after the gap" "$out" "cut\\.log:$n: SEQ [0-9]+, expected [0-9]+"

# Nobody at the portal: it keeps trying until stopped, then exits 4.
log3=$SHARED/nobody.log
drill_start "$log3" "$NET.99"
sleep 1
drill_stop "$log3"
tap_is "never logged in: status 4" $? 4
tap_like "  with only the stop line" "$(cat "$log3")" '^[0-9]+ stop acked=0 failed=0 reconnects=0$'

itgt a stop
tap_is "stop on a" $? 0
tap_done
