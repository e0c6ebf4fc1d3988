#!/bin/bash
# twinhead-quorumd in the lab, standalone mode, two heads with real BMCs:
# election at start, takeover after power loss through a confirmed fence,
# rejoin without failback, and a clean shutdown handing over without one.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

qd_setup qdfail
qd_start a b
qd_wait_role a primary 15
tap_is "at start the lower node id becomes primary" "$(qd_role a)" primary
tap_is "  the other is secondary" "$(qd_role b)" secondary
tap_is "  no one was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
tap_like "  a's services were started by the promote hook" "$(qd_events a)" "primary $"

# Power loss of the primary.
lab_poweroff a
if qd_wait_role b primary 15; then tap_ok "b takes over after a loses power"; else tap_not_ok "b takes over after a loses power"; fi
tap_is "  after b's fence of a was confirmed by a's BMC" "$(qd_power_offs a)" 1
tap_is "  b publishes the peer as fenced" "$(qd_state b peer)" fenced
tap_like "  b's epoch is above a's" "$(qd_state b epoch)" '^[0-9]+$'
tap_like "  b's services were started" "$(qd_events b)" "primary $"

# a comes back: it stays secondary, nothing moves back.
lab_poweron a
qd_start a
qd_wait_role a secondary 15
# No failback: give a's rule a chance to act: b writes its slot for more
# than a timeout (2000 ms / 500 ms = 4 writes) plus the candidate step.
qd_wait_writes b 8 20
tap_is "a rejoins as secondary" "$(qd_role a)" secondary
tap_is "  b stays primary: no failback" "$(qd_role b)" primary
tap_is "  b publishes the peer as alive again" "$(qd_state b peer)" alive

# Clean shutdown of the primary: a takes over without fencing b.
qd_stop b TERM
if qd_wait_role a primary 15; then tap_ok "after b shuts down cleanly a takes over"; else tap_not_ok "after b shuts down cleanly a takes over"; fi
tap_is "  without fencing b" "$(qd_power_offs b)" 0
tap_like "  b's services were stopped first" "$(qd_events b)" "secondary $"
tap_like "  b's slot says released" "$("$QDISK" dump "$QD_SHARED/qd.img" --json)" '"node":2,"state":"released"'

# Planned switchover through the mailbox: a releases, b takes over.
qd_start b
qd_wait_role b secondary 15
out=$("$QDISK" release "$QD_SHARED/qd.img" --node 1 2>&1)
tap_is "twinhead-qdisk release is accepted for the primary" $? 0
if qd_wait_role b primary 15; then tap_ok "b takes over after a's release"; else tap_not_ok "b takes over after a's release"; fi
tap_is "  a is secondary" "$(qd_role a)" secondary
tap_is "  nobody was fenced for it" "$(qd_power_offs a)$(qd_power_offs b)" 10
tap_done
