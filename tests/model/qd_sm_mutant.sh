#!/bin/bash
# The state-machine simulation must be able to see issue 12's bug: a build
# of qd_sm.c that writes RELEASED when the demote hooks start, not when
# they succeed (QD_SM_MUTANT_RELEASE_EARLY), must fail the simulation with
# services acting on both heads, in exactly the tests with a slow demote.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

M=$TH_BUILDDIR/tests/unit/qdisk/qd_sm_mutant
[[ -x $M ]] || { echo "Bail out! $M not built"; exit 1; }
out=$(CK_FORK=yes "$M" 2>&1)
rc=$?
tap_isnt "the mutant fails the simulation" "$rc" 0
for t in release_with_a_demote_longer_than_the_timeout shutdown_with_a_demote_longer_than_the_timeout; do
	tap_like "  $t: two primaries" "$(grep -- "$t" <<<"$out")" "two primaries"
done
real_sm() { "$TH_BUILDDIR/tests/unit/qdisk/qd_sm_test" >/dev/null 2>&1; }
tap_check "  the real state machine passes the same tests" real_sm
tap_done
