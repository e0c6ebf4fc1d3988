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
# chassis program has run, and logged).
seen=$(tail -n +"$((lines_before + 1))" "$CHASSIS_LOG" | sed 's/^[0-9.]* //' | tr '\n' '|')
tap_like "the BMC saw power-off, then a status read of off" "$seen" \
	'^set power 0: poweroff done\|(get power -> 1\|)*get power -> 0\|$'

fence_from b status
tap_is "status afterwards: off" "$(fence_out)" off

# Already off: confirmed by the first read after the (idle) request.
fence_from b confirm-off; rc=$?
tap_is "confirm-off of an already-off head: exit 0" "$rc" 0 || tap_diag "$(fence_err)"

# Power on brings it back, with a new init.
fence_from b on; rc=$?
tap_is "on: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
new_init=$(lab pid a 2>/dev/null) || new_init=
tap_like "a booted again" "$new_init" '^[0-9]+$'
tap_isnt "with a new init" "$new_init" "$init"
tap_check "a runs commands again" lab_exec a true
tap_check "b reaches a again" lab_exec b ping -c1 -W2 "$A_IP"
fence_from b status
tap_is "status afterwards: on" "$(fence_out)" on

tap_done
