#!/bin/bash
# twinhead-quorumd's safety in the lab: a network split with the disk still
# shared changes nothing; a secondary that loses the disk changes nothing;
# a frozen primary is fenced before anyone takes over; an unreachable BMC
# means no takeover at all.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

command -v losetup >/dev/null && command -v blockdev >/dev/null ||
	tap_skip_all "losetup or blockdev not found (util-linux)"
qd_setup qdsafe
# b reaches the shared disk file through a loop device of its own, so that
# b alone can lose the disk (blockdev --setro: its writes fail) while a's
# view stays whole.
LOOPB=$(losetup -f --show "$QD_SHARED/qd.img") || tap_skip_all "no free loop device"
safe_cleanup() {
	lab_stop
	blockdev --setrw "$LOOPB" 2>/dev/null
	losetup -d "$LOOPB" 2>/dev/null
}
trap safe_cleanup EXIT
trap 'safe_cleanup; exit 130' INT
trap 'safe_cleanup; exit 143' TERM
blockdev --setrw "$LOOPB" # the flag outlives a detach: start clean
sed -i "s|^disk = .*|disk = $LOOPB|" "$QD_SHARED/b.conf"
qd_start a b
qd_wait_role a primary 15 && qd_wait_role b secondary 5
tap_is "a primary, b secondary" "$(qd_role a) $(qd_role b)" "primary secondary"

# Network split: the heads cannot reach each other, the disk still works.
lab_cable a down
# Nothing may happen: wait until both heads wrote more than a timeout's
# worth of slots (each had every chance to misjudge the other).
qd_wait_writes a "$QD_SETTLE_WRITES" 20 && qd_wait_writes b "$QD_SETTLE_WRITES" 20
tap_is "split: a stays primary" "$(qd_role a)" primary
tap_is "split: b stays secondary" "$(qd_role b)" secondary
tap_is "split: nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
lab_cable a up

# b loses the disk: its writes fail from now on.
blockdev --setro "$LOOPB"
qd_wait_log b "writing this head's slot failed" 20
# b's slot goes stale; a, primary, has no reason to fence a secondary, and
# b must claim nothing: let a write for more than a timeout first.
qd_wait_writes a "$QD_SETTLE_WRITES" 20
tap_like "b without the disk: b notices (its slot writes fail)" \
	"$(cat "$(lab_state_dir)"/nodes/b/log/qd*.log)" "writing this head's slot failed"
tap_is "b without the disk: a stays primary" "$(qd_role a)" primary
tap_isnt "b without the disk: b never becomes primary" "$(qd_role b)" primary
tap_is "b without the disk: nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
blockdev --setrw "$LOOPB"
if qd_wait_role b secondary 10; then
	tap_ok "disk back: b is secondary again"
else
	tap_not_ok "disk back: b is secondary again" "b: $(qd_role b)"
fi

# Frozen primary: b fences a through its BMC before taking over.
qd_stop a STOP
if qd_wait_role b primary 15; then tap_ok "a frozen: b takes over"; else tap_not_ok "a frozen: b takes over"; fi
tap_isnt "  after asking a's BMC to power it off" "$(qd_power_offs a)" 0
# The lab's power-off of a node holding a stopped process can outlast one
# fence attempt; an unconfirmed attempt must not lead to takeover, so the
# log must show the confirmation before the claim.
tap_like "  and only once the power-off was confirmed" \
	"$(grep -h -e 'power-off confirmed' -e 'taking primary' "$(lab_state_dir)"/nodes/b/log/qd*.log | tr '\n' '|')" \
	'power-off confirmed by its BMC[^|]*\|[^|]*taking over[^|]*\|?.*taking primary|power-off confirmed by its BMC\|.*taking primary' 
tap_like "  a is powered off, so it can never act as primary again" "$(lab status)" "a +off "

# BMC unreachable: a dead head whose BMC died with it is not taken over.
lab_poweron a
qd_start a
qd_wait_role a secondary 15
lab bmc b down
lab_poweroff b
# The condition: a has tried to fence b and failed (then it would take
# over if it ever did), and wrote its slot a while after that.
qd_wait_log a "FENCING NODE 2 FAILED" 30
qd_wait_writes a "$QD_SETTLE_WRITES" 20
tap_isnt "b dead, its BMC unreachable: a does not take over" "$(qd_role a)" primary
tap_like "  and says so loudly" "$(cat "$(lab_state_dir)"/nodes/a/log/qd*.log)" "FENCING NODE 2 FAILED"
tap_done
