#!/bin/bash
# examples/standalone-quorumd in the appliance lab: no corosync, no
# Pacemaker; twinhead-quorumd on each head runs the agents as its promote
# and demote hooks. heada loses power while the client writes: headb's
# quorumd fences it, imports the pool (forced, on quorumd's word that the
# peer is fenced), starts the target and the IP; every acknowledged write
# survives; heada comes back as secondary and takes nothing back.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/examples.sh"
ex_require_standalone

LAB=sapp
APPLIANCE=$TH_SRCDIR/lab/appliance
QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
trap 'ex_down $LAB >/dev/null 2>&1' EXIT

# ms_of TEXT: the timeline's milliseconds of the row saying TEXT (an ERE).
ms_of() {
	sed -nE "s/^ +([+-][0-9]+) ms   $1.*/\\1/p" <<<"$EX_OUT" | head -n 1
}

ex_drill $LAB --standalone
tap_is "drill (standalone, power loss) passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
for event in "peer lost: twinhead-quorumd on headb found heada's lease stale" \
	"fence confirmed: twinhead-quorumd read heada's power off back from its BMC" \
	"headb primary: quorumd published peer=fenced" \
	"pool tank imported on headb \(promote hook zpool start\)" \
	"iSCSI target tank up on headb \(promote hook iscsitarget start\)" \
	"IP 10.213.0.100 up on headb \(promote hook floatip start\)" \
	"first client write acknowledged \(through headb\)"; do
	tap_like "  timeline shows: $event" "$EX_OUT" "[+-][0-9]+ ms   $event"
done
# The order that matters: no import before the fence is confirmed, hooks in
# their order, no write before the target. (The IP's row is the floatip
# hook's end, after its announcement: a client may write a few ms before it.)
fenced=$(ms_of "fence confirmed") pool=$(ms_of "pool tank imported")
target=$(ms_of "iSCSI target tank up") ip=$(ms_of "IP 10.213.0.100 up") write=$(ms_of "first client write")
tap_like "  fence confirmed < pool < target < IP, target < first write (${fenced:-?} ${pool:-?} ${target:-?} ${ip:-?} ${write:-?} ms)" \
	"$( ((fenced < pool && pool < target && target < ip && target < write)) 2>/dev/null && echo ordered)" '^ordered$'
tap_unlike "  no promote hook failed" "$EX_OUT" "promote hook [a-z]+ FAILED"
tap_like "  every acknowledged write verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_like "  quorumd status before, after, after the rejoin" "$EX_OUT" \
	"cluster before: twinhead-quorumd status.*heada: role=primary.*headb: role=secondary.*cluster after: twinhead-quorumd status.*heada: powered off.*headb: role=primary peer=fenced.*after the rejoin: twinhead-quorumd status.*heada: role=secondary.*headb: role=primary"
tap_like "  heada rejoined as secondary, tank stayed on headb" "$EX_OUT" \
	"tank stays on headb: no failback.*heada rejoined as twinhead-quorumd secondary"
tap_diag "$(grep -A12 'timeline, ms' <<<"$EX_OUT")"

# The lab is still up (--keep): look for ourselves.
tap_is "tank runs on headb (appliance where)" "$("$APPLIANCE" -n "$(ex_name $LAB)" where tank 2>&1)" headb
tap_like "heada's quorumd is secondary" "$(ex_exec $LAB heada "$QD" status 2>&1)" "role=secondary"
tap_like "headb's quorumd is primary" "$(ex_exec $LAB headb "$QD" status 2>&1)" "role=primary"
tap_unlike "the pool is not imported on heada" "$(ex_exec $LAB heada zpool list -H -o name 2>&1)" "tank"
tap_like "headb imported the pool with -f (after the fence)" \
	"$(ex_exec $LAB headb zpool history tank 2>&1 | grep 'zpool import' | tail -n 1)" "zpool import .* -f tank$"
for h in heada headb; do
	tap_unlike "no corosync or Pacemaker ran on $h" \
		"$(ex_exec $LAB $h ps -e -o comm= 2>&1)" "corosync|pacemaker"
done
tap_check "the lab comes down and leaves no namespace" ex_down $LAB
tap_done
