#!/bin/bash
# confirm-off really powers the head off (its init and every process in it
# are gone, its link is dead), and returns only after a status read said
# off; on an already-off head it is confirmed too; "on" brings it back.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

fence_lab_start fcoff

A_IP=$(lab_addr a)
init=$(lab_pid a)
lab_spawn a sleeper sleep 1000
sleeper=$(cat "$(lab_state_dir)/nodes/a/log/sleeper.pid")
tap_check "b reaches a before the fence" lab_exec b ping -c1 -W2 "$A_IP"
lines_before=$(wc -l <"$CHASSIS_LOG")

fence_from b confirm-off; rc=$?
tap_is "confirm-off: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_like "confirm-off: says confirmed" "$(fence_out)" '^off: confirmed by a status read'

# The head is really dead.
tap_check "a's init is gone" init_gone "$init"
tap_check "a process that ran in a is gone" init_gone "$sleeper"
if lab pid a >/dev/null 2>&1; then
	tap_not_ok "the lab sees a as off"
else
	tap_ok "the lab sees a as off"
fi
if ip -n "th-$LAB_NAME-br" link show dev v-a >/dev/null 2>&1; then
	tap_not_ok "a's switch port is gone"
else
	tap_ok "a's switch port is gone"
fi
if lab_exec b ping -c1 -W1 "$A_IP" >/dev/null 2>&1; then
	tap_not_ok "b no longer reaches a"
else
	tap_ok "b no longer reaches a"
fi

# What the BMC saw, in order: the power-off, then a status read that said
# off, before twinhead-fence returned (the BMC answers only after its
# chassis program has run, and logged). Retries are allowed where the
# product allows them (a late answer makes the client resend, and the BMC
# then runs the request again: "already 0"); what must hold is that the
# sequence ends in a confirmed off with no power-on in between.
seen=$(tail -n +"$((lines_before + 1))" "$CHASSIS_LOG" | sed 's/^[0-9.]* //' | tr '\n' '|')
tap_like "the BMC saw power-off, then (after any retries) a status read of off" "$seen" \
	'^(get power -> 1\|)*set power 0: poweroff done\|((set power 0: already 0|get power -> 0)\|)*get power -> 0\|$'
tap_unlike "  and no power-on in between" "$seen" 'set power 1'

fence_from b status
tap_is "status afterwards: off" "$(fence_out)" off

# Already off: confirmed by the first read after the (idle) request.
fence_from b confirm-off; rc=$?
tap_is "confirm-off of an already-off head: exit 0" "$rc" 0 || tap_diag "$(fence_err)"

# Power on brings it back, with a new init. The BMC acknowledges at once
# and powers on in the background, as a real one does.
fence_from b on; rc=$?
tap_is "on: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_check "status says on once a has booted" fence_wait_on b
new_init=$(lab pid a 2>/dev/null) || new_init=
tap_like "a booted again" "$new_init" '^[0-9]+$'
tap_isnt "with a new init" "$new_init" "$init"
tap_check "a runs commands again" lab_exec a true
tap_check "b reaches a again" lab_exec b ping -c1 -W2 "$A_IP"
fence_from b status
tap_is "status afterwards: on" "$(fence_out)" on

# A slow boot (EMULATION: while STATE/bmc/a/boot-hold exists, the BMC's
# power-on job waits before booting; lab/bmc-chassis). "on" is answered
# while the node has not booted; meanwhile status says neither off (it
# may run any moment) nor on (it does not run yet); a second "on" is
# harmless; an "off" sent meanwhile waits for the boot, then powers the
# node off and is confirmed.
HOLD=$(lab_state_dir)/bmc/a/boot-hold
fence_from b confirm-off >/dev/null
: >"$HOLD"
lines_before=$(wc -l <"$CHASSIS_LOG")
fence_from b on; rc=$?
tap_is "slow boot: on answered while the node does not boot yet: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_check "  the power-on is under way" test -f "$(lab_state_dir)/bmc/a/poweron.pending"
fence_from b status; rc=$?
tap_isnt "slow boot: status while booting fails" "$rc" 0
tap_unlike "  and says neither on nor off" "$(fence_out)" '^(on|off)$'
fence_from b on; rc=$?
tap_is "slow boot: a second on while booting: exit 0" "$rc" 0
# confirm-off while the boot is held: its deadline covers the rest of
# the boot it has to wait for (fence_wait_on's bound), and so does the
# wait for the answer to its power-off (60 s: twinhead-fence's maximum).
fence_from b --timeout-ms $((FENCE_ON_BOUND_S * 1000)) \
	--session-timeout-ms 60000 confirm-off &
off_pid=$!
until grep -q 'set power 0: waiting for the power-on under way' "$CHASSIS_LOG" ||
	! kill -0 "$off_pid" 2>/dev/null; do
	sleep 0.05
done
rm -f "$HOLD"
wait "$off_pid"; rc=$?
tap_is "slow boot: confirm-off while booting: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
if lab pid a >/dev/null 2>&1; then
	tap_not_ok "  a is off afterwards"
else
	tap_ok "  a is off afterwards"
fi
seen=$(tail -n +"$((lines_before + 1))" "$CHASSIS_LOG" | sed 's/^[0-9.]* //' | tr '\n' '|')
tap_like "  the BMC started one power-on, let it finish, then powered off" "$seen" \
	'^set power 1: poweron started\|.*set power 1: power-on already under way\|.*set power 1: poweron done\|.*set power 0: poweroff done\|'
tap_unlike "  and never read power on" "$seen" 'get power -> 1'
rm -f "$HOLD"

tap_done
