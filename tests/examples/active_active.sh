#!/bin/bash
# examples/active-active in the appliance lab: configured with the pcs form,
# each head serves one pool; heada loses power while the client writes to
# both; tank moves to headb, pond never moves and every acknowledged write
# of both survives; crm_verify; the crm form builds the same configuration.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/examples.sh"
ex_require

EX=$TH_SRCDIR/examples/active-active
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ex_down exaa >/dev/null 2>&1' EXIT

ex_drill exaa --active-active --form pcs
tap_is "drill (pcs form, heada loses power) passes" "$EX_RC" 0 || tap_diag "$EX_OUT"
tap_like "  before: tank on heada, pond on headb" "$EX_OUT" \
	"cluster before.*tank	\(ocf:twinhead:zpool\):	 Started heada.*pond	\(ocf:twinhead:zpool\):	 Started headb.*timeline"
tap_like "  tank moved to headb" "$EX_OUT" "pool tank imported on headb"
tap_like "  pond stayed on headb" "$EX_OUT" "pond stayed on headb"
tap_like "  every acknowledged write to tank verified" "$EX_OUT" "tank: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_like "  every acknowledged write to pond verified" "$EX_OUT" "pond: verify-log lbas=[0-9]+ acked=[1-9][0-9]* ok"
tap_like "  heada rejoined without failback" "$EX_OUT" "tank stays on headb: no failback"
tap_diag "$(grep -A14 'timeline, ms' <<<"$EX_OUT")"

ex_exec exaa heada crm_verify -L -V >"$tmp/verify" 2>&1
tap_is "crm_verify of the live configuration" $? 0 || tap_diag "$(cat "$tmp/verify")"

ex_live_cib exaa "$tmp/live.xml"
if ex_offline_cib exaa crm "$EX" "$tmp/crm.xml"; then
	tap_ok "cluster.crm loads into an empty CIB offline (CIB_file)"
	ex_summary "$tmp/live.xml" >"$tmp/live.txt"
	ex_summary "$tmp/crm.xml" >"$tmp/crm.txt"
	tap_like "  the pcs form defines 2 groups, 8 primitives, 4 locations" \
		"$(grep -c '^group' "$tmp/live.txt") $(grep -c '^primitive' "$tmp/live.txt") $(grep -c '^location' "$tmp/live.txt")" \
		'^2 8 4$'
	tap_is "  the crm form defines exactly what the pcs form does" \
		"$(diff "$tmp/live.txt" "$tmp/crm.txt")" ""
else
	tap_not_ok "cluster.crm loads into an empty CIB offline (CIB_file)"
fi
tap_check "the lab comes down and leaves no namespace" ex_down exaa
tap_done
