#!/bin/bash
# examples/active-passive with twinhead-quorumd stopped on the survivor
# before the power loss: there is no confirmation to reuse, so Pacemaker's
# fence_twinhead must power the dead head off through its BMC itself, and
# the failover still completes with every acknowledged write intact.
# (no-quorum-policy=ignore meanwhile: without quorumd's vote a lone survivor
# is not quorate, and an inquorate partition fences nobody.)
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/examples.sh"
ex_require

trap 'ex_down exnq >/dev/null 2>&1' EXIT

ex_drill exnq --stop-survivor-quorumd
tap_is "drill with quorumd stopped on the survivor passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
tap_like "  quorumd was stopped on headb first" "$EX_OUT" "twinhead-quorumd stopped on headb"
tap_unlike "  no fence confirmed by quorumd" "$EX_OUT" "ms   fence confirmed by quorumd"
tap_like "  fence confirmed to Pacemaker by fence_twinhead" "$EX_OUT" \
	"[+-][0-9]+ ms   fence confirmed to Pacemaker: fence_twinhead answered off for heada"
tap_like "  pool tank imported on headb" "$EX_OUT" "[+-][0-9]+ ms   pool tank imported on headb"
tap_like "  every acknowledged write verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
# The BMC's own log: after the drill's power-off, a fencer's chassis
# power-off reached it (the head was already off: "already 0"), and only
# fence_twinhead was left to send one.
log=$("$EX_LAB" -n "$(ex_name exnq)" state-dir)/bmc/heada/chassis.log
tap_like "  heada's BMC received fence_twinhead's power-off" "$(cat "$log" 2>/dev/null)" "set power 0: already 0"
tap_diag "$(grep -A14 'timeline, ms' <<<"$EX_OUT")"
tap_done
