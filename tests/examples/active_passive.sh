#!/bin/bash
# examples/active-passive in the appliance lab: loaded with crm, a power-loss
# drill (timeline, every acknowledged write verified, rejoin without
# failback), crm_verify, the pcs form builds the same configuration, and a
# planned switchover with the cluster configured by the pcs form.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/examples.sh"
ex_require

EX=$TH_SRCDIR/examples/active-passive
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ex_down exap >/dev/null 2>&1; ex_down exap2 >/dev/null 2>&1' EXIT

ex_drill exap
tap_is "drill (crm form, power loss) passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
for event in "peer lost: corosync on headb" \
	"fence confirmed by quorumd: twinhead-quorumd read heada's power off back from its BMC" \
	"fence confirmed to Pacemaker: fence_twinhead answered off for heada" \
	"pool tank imported on headb" "iSCSI target tank up on headb" \
	"IP 10.213.0.100 up on headb" "first client write acknowledged \(through headb\)"; do
	tap_like "  timeline shows: $event" "$EX_OUT" "[+-][0-9]+ ms   $event"
done
# One fence per failure: fence_twinhead answered from quorumd's
# confirmation, so heada's BMC (its own log) saw no command in between.
tap_like "  Pacemaker's fence made no IPMI call (the BMC's log)" "$EX_OUT" \
	"BMC commands between the two confirmations: 0 "
tap_like "  every acknowledged write verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_like "  heada rejoined, tank stayed on headb" "$EX_OUT" "tank stays on headb: no failback"
tap_like "  crm_mon before and after" "$EX_OUT" "cluster before.*Started heada.*cluster after.*OFFLINE: \[ heada \]"
tap_diag "$(grep -A12 'timeline, ms' <<<"$EX_OUT")"

ex_exec exap heada crm_verify -L -V >"$tmp/verify" 2>&1
tap_is "crm_verify of the live configuration" $? 0 || tap_diag "$(cat "$tmp/verify")"

ex_live_cib exap "$tmp/live.xml"
if ex_offline_cib exap pcs "$EX" "$tmp/pcs.xml"; then
	tap_ok "cluster.pcs.sh builds a CIB offline (pcs -f)"
	ex_exec exap heada crm_verify -x "/run/ex-offline-cib.xml" >"$tmp/verify" 2>&1
	tap_is "  crm_verify of the pcs form's CIB" $? 0 || tap_diag "$(cat "$tmp/verify")"
	ex_summary "$tmp/live.xml" >"$tmp/live.txt"
	ex_summary "$tmp/pcs.xml" >"$tmp/pcs.txt"
	tap_is "  the crm form defines the group of 3, 5 primitives, 3 locations" \
		"$(grep -c '^primitive .* in group g-tank$' "$tmp/live.txt") $(grep -c '^primitive' "$tmp/live.txt") $(grep -c '^location' "$tmp/live.txt")" \
		'3 5 3'
	tap_is "  the pcs form defines exactly what the crm form does" \
		"$(diff "$tmp/live.txt" "$tmp/pcs.txt")" ""
else
	tap_not_ok "cluster.pcs.sh builds a CIB offline (pcs -f)"
fi
tap_check "the lab comes down and leaves no namespace" ex_down exap

ex_drill exap2 --switchover --form pcs
tap_is "drill (pcs form, planned switchover) passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
tap_like "  the pool was exported on heada, then imported on headb" "$EX_OUT" \
	"pool tank exported on heada.*pool tank imported on headb"
tap_like "  every acknowledged write verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_diag "$(grep -A12 'timeline, ms' <<<"$EX_OUT")"
tap_check "the lab comes down and leaves no namespace" ex_down exap2
tap_done
