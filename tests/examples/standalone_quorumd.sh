#!/bin/bash
# The standalone quorumd example: both heads' files pass the daemon's own
# configuration check, and a broken copy does not.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
ex=$TH_SRCDIR/examples/standalone-quorumd
for n in a b; do
	out=$("$QD" check -c "$ex/head-$n.conf" 2>&1)
	tap_is "head-$n.conf passes twinhead-quorumd check" $? 0
	tap_like "  3 promote and 3 demote hooks" "$out" "node [12] of cluster stor-ha, standalone mode, 3 promote and 3 demote hooks"
done
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/^fence_host = .*/fence_host = bmc.example.com/' "$ex/head-a.conf" >"$tmp"
sed -i 's/^node_id = 1/node_id = 3/' "$tmp"
out=$("$QD" check -c "$tmp" 2>&1)
tap_is "a broken copy fails the check" $? 1
tap_like "  naming the line" "$out" "line 3: node_id = 3"
tap_done
