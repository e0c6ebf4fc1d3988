#!/bin/bash
# examples/active-active in the appliance lab, with a slow BMC (issue 18):
# heada, the quorum-disk lease holder, loses power through its BMC, which
# then stalls (answers nothing) for 1.5 s, so headb's first fence of it
# runs long. headb must keep its quorum, and with it pond, which runs on
# headb and has nothing to do with the failure: pond never stops (not even
# a Pacemaker "Stop pond due to no quorum"); tank moves to headb once the
# fence is confirmed; no acknowledged write is lost (docs/failover.md).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/examples.sh"
ex_require

STALL_MS=1500
trap 'ex_down exslow >/dev/null 2>&1' EXIT

ex_drill exslow --active-active --bmc-stall "$STALL_MS"
tap_is "drill (heada loses power, its BMC stalls $STALL_MS ms) passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
tap_like "  before: tank on heada, pond on headb" "$EX_OUT" \
	"cluster before.*tank	\(ocf:twinhead:zpool\):	 Started heada.*pond	\(ocf:twinhead:zpool\):	 Started headb.*timeline"
tap_like "  the BMC really stalled" "$(cat "$(ex_state exslow)/bmc/heada/chassis.log" 2>/dev/null)" \
	"set power 0: stalling $STALL_MS ms"
tap_like "  headb stays quorate through the takeover" "$EX_OUT" "headb stays quorate"
tap_unlike "  headb never loses quorum" "$EX_OUT" "LOST QUORUM|quorate again"
tap_like "  pond never stopped on headb" "$EX_OUT" "pond stayed on headb and never stopped"
tap_unlike "  no Stop of pond was scheduled" "$EX_OUT" "stop pond"
tap_like "  tank moved to headb once heada's fence was confirmed" "$EX_OUT" \
	"fence confirmed by quorumd.*pool tank imported on headb"
tap_like "  every acknowledged write to tank verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_like "  every acknowledged write to pond verified" "$EX_OUT" "pond: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_diag "$(grep -A20 'timeline, ms' <<<"$EX_OUT")"
tap_check "the lab comes down and leaves no namespace" ex_down exslow
tap_done
