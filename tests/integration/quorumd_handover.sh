#!/bin/bash
# twinhead-quorumd's handover in the lab (issue 12): RELEASED or STOPPED
# reaches the disk only after every demote hook succeeded, the daemon keeps
# its slot and lease while a demote longer than the timeout runs, and a
# demote that fails is never a handover: the head stays primary and says
# so. Order is checked with the hooks' timestamps (one host clock): the
# peer's promote begins after the old primary's demote ended.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

DEMOTE_S=4       # longer than the timeout (2000 ms): the old code got fenced
# Waits: the demote, plus a timeout for the peer to notice and two
# intervals for its candidate step, with a wide margin for a loaded machine.
WAIT_S=$((DEMOTE_S + 15))
# "The peer had every chance to misjudge": it wrote its slot this many
# times, more than a timeout's worth (timeout / interval = 4) plus the
# candidate step.
PEER_WRITES=8

qd_setup qdhand
qd_start a
qd_start b
qd_wait_role a primary 15 && qd_wait_role b secondary 5
tap_is "a primary, b secondary" "$(qd_role a) $(qd_role b)" "primary secondary"
tap_is "  status says the services run on a" "$(qd_state a services)" started

order_ok() { # OLD NEW: OLD's last demote ended, and NEW's last promote began after
	local b0 end begin
	b0=$(qd_hook_ns "$1" secondary begin) end=$(qd_hook_ns "$1" secondary end)
	begin=$(qd_hook_ns "$2" primary begin)
	((b0 > 0 && end > b0 && begin > end)) ||
		{ echo "$1's demote ran $b0..$end ns, $2's last promote began at $begin ns"; return 1; }
}
# NEW's state says primary before its promote hook starts (the daemon
# publishes first, so that zpool force=fenced sees it): wait for the
# hook. A promote that began before the demote ended stays the last one
# (no other comes) and fails at the bound.
order_waited() { lab_wait_for "$(qd_bound "$2")" "$2's promote after $1's demote" order_ok "$1" "$2"; }

# 1. Release with a slow demote.
echo "$DEMOTE_S" >"$QD_SHARED/demote-sleep.a"
"$QDISK" release "$QD_SHARED/qd.img" --node 1 >/dev/null
qd_wait_log a "release requested" 10
tap_is "release, slow demote: while it runs a still says primary" "$(qd_role a)" primary
tap_is "  status says its services are stopping" "$(qd_state a services)" stopping
tap_is "  the slot says primary, not released, until the hooks end" "$(qd_slot a state)" primary
if qd_wait_role b primary "$WAIT_S"; then tap_ok "  b takes over"; else tap_not_ok "  b takes over"; fi
tap_check "  b's promote began after a's demote ended" order_waited a b
tap_is "  nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
tap_unlike "  b never judged a stale (a kept writing during its demote)" "$(qd_log b)" \
	"peer lease stale"
# a's slot goes from released to secondary at a's first tick after it saw
# b primary: wait for it (qd_bound), then read the flag.
slot_state_is() { [[ $(qd_slot "$1" state) == "$2" ]] || { echo "slot says $(qd_slot "$1" state)"; return 1; }; }
lab_wait_for "$(qd_bound a)" "a's slot to say secondary" slot_state_is a secondary
tap_is "  a is secondary with its services down (slot flag)" \
	"$(qd_slot a state) $(($(qd_slot a flags) & 4))" "secondary 4"
tap_like "  a logged the release after its hooks" "$(qd_log a)" \
	"release requested.*demote hooks succeeded: primary released"
rm -f "$QD_SHARED/demote-sleep.a"

# 2. SIGTERM of the primary with a slow demote.
echo "$DEMOTE_S" >"$QD_SHARED/demote-sleep.b"
qd_stop b TERM
if qd_wait_role a primary "$WAIT_S"; then tap_ok "SIGTERM, slow demote: a takes over"; else tap_not_ok "SIGTERM, slow demote: a takes over"; fi
tap_check "  a's promote began after b's demote ended" order_waited b a
tap_is "  nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
tap_unlike "  a never judged b stale" "$(qd_log a)" "peer lease stale"
tap_is "  b's final slot: released, services down" \
	"$(qd_slot b state) $(($(qd_slot b flags) & 4))" "released 4"
qd_wait_exit b
tap_check "  b's daemon exited" eval '! qd_running b'
st=$(lab_exec b "$QD" status -c "$QD_SHARED/b.conf" 2>/dev/null); rc=$?
tap_is "  status of the stopped daemon exits 3" "$rc" 3
tap_like "  and says the state is stale, not running" "$st" "stale=not-running"
tap_unlike "  with no role" "$st" $'(^|\n)role='
rm -f "$QD_SHARED/demote-sleep.b"

# 3. A failing demote is never a handover: a stays primary, loudly.
qd_start b
qd_wait_role b secondary 15
promotes_b=$(qd_events b | grep -o primary | wc -l)
touch "$QD_SHARED/demote-fail.a"
"$QDISK" release "$QD_SHARED/qd.img" --node 1 >/dev/null
if qd_wait_log a "DEMOTE FAILED" 15; then tap_ok "release, failing demote: a says DEMOTE FAILED"; else tap_not_ok "release, failing demote: a says DEMOTE FAILED"; fi
qd_wait_writes b "$PEER_WRITES" 20
tap_is "  a stays primary" "$(qd_role a)" primary
tap_is "  status says the demote failed" "$(qd_state a services)" demote-failed
tap_is "  its slot says primary, demote failed" \
	"$(qd_slot a state) $(($(qd_slot a flags) & 16))" "primary 16"
tap_is "  b stays secondary" "$(qd_role b)" secondary
tap_is "  b never promoted" "$(qd_events b | grep -o primary | wc -l)" "$promotes_b"
tap_is "  nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00

qd_stop a TERM
n0=$(qd_log a | grep -c "DEMOTE FAILED")
more_demote_failed() {
	local n
	n=$(qd_log a | grep -c "DEMOTE FAILED")
	((n > n0)) || { echo "$n DEMOTE FAILED lines"; return 1; }
}
lab_wait_for "$(qd_bound a)" "a's second DEMOTE FAILED" more_demote_failed
qd_wait_writes b "$PEER_WRITES" 20
tap_check "SIGTERM, failing demote: the daemon does not exit" qd_running a
tap_is "  a stays primary" "$(qd_role a)" primary
tap_is "  b stays secondary" "$(qd_role b)" secondary
tap_is "  nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00

rm -f "$QD_SHARED/demote-fail.a"
qd_stop a TERM
if qd_wait_role b primary "$WAIT_S"; then tap_ok "  fixed, SIGTERM again: b takes over"; else tap_not_ok "  fixed, SIGTERM again: b takes over"; fi
tap_check "  b's promote began after a's demote ended" order_waited a b
tap_is "  still nobody fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00

# 4. A release while the peer is down is refused: a primary stays.
qd_start a
qd_wait_role a secondary 15
qd_stop a TERM
qd_wait_exit a
"$QDISK" release "$QD_SHARED/qd.img" --node 2 >/dev/null
if qd_wait_log b "release refused" 10; then tap_ok "release with the peer stopped: refused"; else tap_not_ok "release with the peer stopped: refused"; fi
tap_is "  b stays primary" "$(qd_role b)" primary
tap_is "  its services were not stopped" "$(qd_state b services)" started
tap_done
