#!/bin/bash
# The standalone quorumd example: both heads' files pass the daemon's own
# configuration check, and a broken copy does not. (The example running in
# the lab, with a failover: tests/examples/standalone_appliance.sh.)
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
ex=$TH_SRCDIR/examples/standalone-quorumd
for h in heada headb; do
	out=$("$QD" check -c "$ex/quorumd.conf.$h" 2>&1)
	tap_is "quorumd.conf.$h passes twinhead-quorumd check" $? 0
	tap_like "  3 promote and 3 demote hooks" "$out" "node [12] of cluster twinhead, standalone mode, 3 promote and 3 demote hooks"
done
# The heads' files differ only in who they are and whom they fence.
keep='^(#|node_id =|fence_host =|fence_password_file =)'
tap_is "the two files differ only in node_id and the peer's BMC" \
	"$(diff <(grep -Ev "$keep" "$ex/quorumd.conf.heada") <(grep -Ev "$keep" "$ex/quorumd.conf.headb"))" ""
# The timing is written into the quorum disk too: setup.sh must agree.
iv=$(sed -n 's/^interval_ms = //p' "$ex/quorumd.conf.heada")
to=$(sed -n 's/^timeout_ms = //p' "$ex/quorumd.conf.heada")
tap_like "setup.sh makes the quorum disk with quorumd.conf's timing ($iv/$to ms)" \
	"$(grep -F '"$QDISK_TOOL" create' "$ex/setup.sh")" "--cluster twinhead --interval-ms $iv --timeout-ms $to\$"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/^fence_host = .*/fence_host = bmc.example.com/' "$ex/quorumd.conf.heada" >"$tmp"
sed -i 's/^node_id = 1/node_id = 3/' "$tmp"
out=$("$QD" check -c "$tmp" 2>&1)
tap_is "a broken copy fails the check" $? 1
tap_like "  naming the line" "$out" "line 5: node_id = 3"
tap_done
