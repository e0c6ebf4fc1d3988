#!/bin/bash
# The poison-pill hold in the lab (docs/quorumd.md, "The poison-pill
# hold"): a's daemon freezes while primary; b judges it stale, posts the
# poison pill and tries to fence it through a BMC that does not answer.
# a thaws, loses its lease, steps down and reads the pill: for the whole
# hold it does not run for primary, though as the lower id with b
# secondary it would; then the election resumes and a is primary again.
# Nobody is powered off and b never claims. Without the hold a would start
# its services again at once, while b's fence was still trying to power it
# off (the flap a lab saw under load).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

qd_setup qdpoison
trap 'lab bmc a up >/dev/null 2>&1; lab_stop' EXIT
qd_start a b
qd_wait_role a primary 15 && qd_wait_role b secondary 5
tap_is "a primary, b secondary" "$(qd_role a) $(qd_role b)" "primary secondary"

lab bmc a down >/dev/null
qd_stop a STOP
if qd_wait_log b "peer lease stale: fencing it"; then
	tap_ok "a frozen: b fences it and posts the poison pill"
else
	tap_not_ok "a frozen: b fences it and posts the poison pill"
fi
thawed=$(date +%s%N)
qd_stop a CONT
held='holding off: node 2 asked to fence this head [0-9]+ ms ago \(poison pill\); no claim without a fence for [0-9]+ ms more \(held: no primary: the lower node id runs\)'
if qd_wait_log a "$held"; then
	tap_ok "a thawed, read the pill and holds off the election"
else
	tap_not_ok "a thawed, read the pill and holds off the election"
fi
tap_is "  logged once" "$(qd_log a | grep -c 'holding off:')" 1
# status says why a does not run for primary (the hold lasts seconds more).
left=$(qd_state a poison_hold_left_ms)
tap_like "  twinhead-quorumd status shows the hold left (${left:-none} ms)" "$left" '^[1-9][0-9]*$'
# The hold as qc_poison_hold_ms derives it (2 x fence attempt + retry + 2
# x interval; the attempt and the pause derived from the IPMI session's
# 1000 ms unless set). It runs from a's read of the pill, after the thaw.
hold=$((2 * $(qd_conf a fence_timeout_ms 4000) + $(qd_conf a fence_retry_ms 250) +
	2 * $(qd_conf a interval_ms 500)))
if qd_wait_role a primary; then
	tap_ok "the hold over: a runs for primary again and takes it"
else
	tap_not_ok "the hold over: a runs for primary again and takes it"
fi
# The state says primary before the promote hook starts: wait for it.
promoted_after() { (($(qd_hook_ns a primary begin) > $1)) || { echo "no promote after the thaw"; return 1; }; }
lab_wait_for "$(qd_bound a)" "a's promote hook" promoted_after "$thawed"
tap_cmp "  its promote began no earlier than the hold ($hold ms) after the thaw" \
	$((($(qd_hook_ns a primary begin) - thawed) / 1000000)) -ge "$hold"
tap_is "  b never promoted" "$(qd_hook_ns b primary begin)" 0
tap_is "  status shows no hold once it is over" "$(qd_state a poison_hold_left_ms)" ""
tap_is "  nobody was powered off" "$(qd_power_offs a)$(qd_power_offs b)" 00
tap_like "  b's fence attempt failed (the BMC did not answer)" "$(qd_log b)" "FENCING NODE 1 FAILED"
tap_done
